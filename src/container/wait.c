/* The foreground of `nook run` and `nook exec`: one poll loop over a
 * signalfd (the process's exit, signals to forward, window changes) and,
 * with a terminal, the caller's terminal and the pty master. */
#include "nook/container.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/state.h"
#include "nook/procfs.h"
#include "nook/terminal.h"

/* The kernel's flag of a task in do_exit() (the kernel tree's linux/sched.h). */
#define NOOK_PF_EXITING 0x4UL

void nook_forwarded_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,   SIGQUIT,
	                           SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};

	sigemptyset(set);
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

struct waited {
	pid_t pid;
	int *pty_master;
	bool exited;
	int status;
};

/* Copy what is readable on `from` to `to`. Returns false at end of input. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}

static void reap(struct waited *w)
{
	int status;
	pid_t r;

	while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
		if (r == w->pid) {
			w->exited = true;
			w->status = status;
		}
	}
}

static void on_signal(struct waited *w, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD)
		reap(w);
	else if (sig == SIGWINCH && *w->pty_master >= 0)
		nook_tty_copy_winsize(STDIN_FILENO, *w->pty_master);
	else
		kill(w->pid, sig);
}

static void close_master(int *fd)
{
	close(*fd);
	*fd = -1;
}

static int wait_loop(struct waited *w, int sfd, struct nook_error *err)
{
	bool stdin_open = *w->pty_master >= 0;

	reap(w); /* it may have exited before the signalfd existed */
	while (!w->exited) {
		struct pollfd fds[3] = {
		    {.fd = sfd, .events = POLLIN},
		    {.fd = *w->pty_master, .events = POLLIN},
		    {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return nook_fail(err, errno, "poll");
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				on_signal(w, &si);
		}
		if (fds[1].revents & (POLLIN | POLLHUP) && !pump(*w->pty_master, STDOUT_FILENO))
			close_master(w->pty_master);
		if (fds[2].revents & (POLLIN | POLLHUP) && !pump(STDIN_FILENO, *w->pty_master))
			stdin_open = false;
	}
	/* What the workload wrote just before it exited. */
	while (*w->pty_master >= 0) {
		struct pollfd pf = {.fd = *w->pty_master, .events = POLLIN};
		if (poll(&pf, 1, 0) <= 0 || !pump(*w->pty_master, STDOUT_FILENO))
			break;
	}
	return 0;
}

int nook_wait_foreground(pid_t pid, int *pty_master, int *wait_status, struct nook_error *err)
{
	struct nook_tty_saved tty = {0};
	struct waited w = {.pid = pid, .pty_master = pty_master};
	sigset_t set;

	nook_forwarded_signals(&set);
	autoclose int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return nook_fail(err, errno, "signalfd");
	if (*pty_master >= 0) {
		nook_tty_copy_winsize(STDIN_FILENO, *pty_master);
		nook_tty_make_raw(STDIN_FILENO, &tty);
	}
	int rc = wait_loop(&w, sfd, err);
	nook_tty_restore(&tty);
	if (rc < 0)
		return -1;
	if (wait_status != NULL)
		*wait_status = w.status;
	if (WIFSIGNALED(w.status))
		return 128 + WTERMSIG(w.status);
	return WEXITSTATUS(w.status);
}

int nook_container_wait(struct nook_container *c, struct nook_error *err)
{
	struct nook_error lock_err;

	/* Not held while the workload runs: `delete --force` from another
	 * shell would wait for it for the container's whole life. */
	nook_state_unlock(c->state_dirfd);
	int code = nook_wait_foreground(c->pid, &c->pty_master, &c->wait_status, err);
	if (code >= 0)
		c->exited = true;
	if (c->state_dirfd < 0)
		return code;
	int locked = nook_state_lock(c->state_dirfd, c->root, c->id, LOCK_EX, &lock_err);
	if (locked <= 0)
		c->not_ours = true; /* 0: deleted by another nook meanwhile */
	if (locked < 0 && code >= 0) {
		*err = lock_err;
		return -1;
	}
	return code;
}

static bool exiting_child(pid_t pid, pid_t self)
{
	struct nook_error ignored;
	pid_t ppid;
	unsigned long flags;

	return nook_proc_parent_flags(pid, &ppid, &flags, &ignored) == 0 && ppid == self &&
	       (flags & NOOK_PF_EXITING) != 0;
}

/* Is a child of ours on its way out (SIGKILLed, not yet a zombie)? Our
 * children are listed in /proc/self/task/<tid>/children (nook is one
 * thread), so only they are looked at; a kernel without that file
 * (CONFIG_PROC_CHILDREN) has every process of /proc looked at. The list is
 * a snapshot; the caller asks again until none is left. */
static bool dying_child(void)
{
	char path[64];
	pid_t self = getpid();
	bool found = false;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)self);
	FILE *children = fopen(path, "re");
	if (children != NULL) {
		long pid;
		while (!found && fscanf(children, "%ld", &pid) == 1)
			found = exiting_child((pid_t)pid, self);
		fclose(children);
		return found;
	}
	DIR *proc = opendir("/proc");
	struct dirent *e;

	if (proc == NULL)
		return false;
	while (!found && (e = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end == '\0' && pid > 0)
			found = exiting_child((pid_t)pid, self);
	}
	closedir(proc);
	return found;
}

void nook_reap_dying_children(void)
{
	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG | __WALL);

		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (r < 0 || !dying_child())
			return; /* none left, or only live ones (not the container's) */
		struct timespec ts = {0, 1000000L};
		nanosleep(&ts, NULL);
	}
}
