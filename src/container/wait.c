/* nook_container_wait: the foreground of `nook run`. One poll loop over a
 * signalfd (the init's exit, signals to forward, window changes) and, with
 * process.terminal, the caller's terminal and the pty master. */
#include "nook/container.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/terminal.h"

void nook_forwarded_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,   SIGQUIT,
	                           SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};

	sigemptyset(set);
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

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

static bool reap_init(struct nook_container *c)
{
	int status;
	pid_t r;

	while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
		if (r == c->pid) {
			c->exited = true;
			c->wait_status = status;
		}
	}
	return c->exited;
}

static void on_signal(struct nook_container *c, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD) {
		reap_init(c);
	} else if (sig == SIGWINCH && c->pty_master >= 0) {
		nook_tty_copy_winsize(STDIN_FILENO, c->pty_master);
	} else {
		kill(c->pid, sig);
	}
}

int nook_container_wait(struct nook_container *c, struct nook_error *err)
{
	sigset_t set;
	struct nook_tty_saved tty = {0};
	bool stdin_open = c->pty_master >= 0;

	nook_forwarded_signals(&set);
	autoclose int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return nook_fail(err, errno, "signalfd");
	if (c->pty_master >= 0) {
		nook_tty_copy_winsize(STDIN_FILENO, c->pty_master);
		nook_tty_make_raw(STDIN_FILENO, &tty);
	}
	reap_init(c); /* it may have exited before the signalfd existed */
	while (!c->exited) {
		struct pollfd fds[3] = {
		    {.fd = sfd, .events = POLLIN},
		    {.fd = c->pty_master, .events = POLLIN},
		    {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			nook_tty_restore(&tty);
			return nook_fail(err, errno, "poll");
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				on_signal(c, &si);
		}
		if (fds[1].revents & (POLLIN | POLLHUP) && !pump(c->pty_master, STDOUT_FILENO)) {
			close(c->pty_master);
			c->pty_master = -1;
		}
		if (fds[2].revents & (POLLIN | POLLHUP) && !pump(STDIN_FILENO, c->pty_master))
			stdin_open = false;
	}
	/* What the workload wrote just before it exited. */
	while (c->pty_master >= 0) {
		struct pollfd pf = {.fd = c->pty_master, .events = POLLIN};
		if (poll(&pf, 1, 0) <= 0 || !pump(c->pty_master, STDOUT_FILENO))
			break;
	}
	nook_tty_restore(&tty);
	if (WIFSIGNALED(c->wait_status))
		return 128 + WTERMSIG(c->wait_status);
	return WEXITSTATUS(c->wait_status);
}
