/* OCI hooks: each hook is a child process with exactly its configured argv
 * and env (no shell; a hook without `env` gets the runtime's environment, or
 * the one the caller names, as runc and crun do), the state JSON on its
 * stdin, stdout and stderr captured into bounded buffers, and a deadline.
 *
 * The child gets fds 0, 1 and 2 and nothing else: every other fd of the
 * runtime is closed before execve. Its execve errno comes back through a
 * close-on-exec pipe, so "no such file" reads as such and not as exit 127.
 * It runs in a process group of its own, so a timeout kills what it forked
 * too. The runtime blocks SIGPIPE while it writes the state, so a hook that
 * does not read its stdin cannot kill it.
 *
 * This is the mechanism (the linux layer); which hooks run when, with which
 * state, is the caller's: the container layer (create.c, start.c, kill.c)
 * and the init (init.c) for createContainer and startContainer. */
#include "nook/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"

#define CAPTURE_MAX NOOK_HOOK_CAPTURE_MAX

/* The runtime's ends of one running hook; -1 once closed. */
struct hook_proc {
	pid_t pid;
	int pidfd;   /* readable when the hook exits; -1 if the kernel has none */
	int in_fd;   /* the hook's stdin (write end) */
	int out_fd;  /* its stdout (read end) */
	int err_fd;  /* its stderr (read end) */
	int exec_fd; /* its execve errno, or end-of-file once execve succeeded */
};

/* pipe[0] read ends, pipe[1] write ends, all close-on-exec. */
struct hook_pipes {
	int in[2], out[2], err[2], exec[2];
};

/* ---- the child ---- */

static void __attribute__((noreturn)) child_fail(int report_fd, int errnum)
{
	ssize_t n = write(report_fd, &errnum, sizeof(errnum));

	(void)n;
	_exit(127);
}

static void child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* SIGKILL, SIGSTOP, RT: EINVAL, harmless */
}

/* The hook's stdio onto 0, 1, 2, the errno pipe onto 3 (close-on-exec), every
 * other fd closed. First everything is copied above 3 so that no dup2 can
 * overwrite a pipe end still needed (the runtime may run without stdio).
 * o->before_exec runs last, just before execve. */
static void __attribute__((noreturn))
child_exec(const char *path, char *const argv[], char *const envp[], const struct hook_pipes *p,
           const struct nook_hooks_opts *o)
{
	int in = fcntl(p->in[0], F_DUPFD_CLOEXEC, 4);
	int out = fcntl(p->out[1], F_DUPFD_CLOEXEC, 4);
	int errw = fcntl(p->err[1], F_DUPFD_CLOEXEC, 4);
	int report = fcntl(p->exec[1], F_DUPFD_CLOEXEC, 4);

	if (report < 0)
		child_fail(p->exec[1], errno);
	if (in < 0 || out < 0 || errw < 0)
		child_fail(report, errno);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errw, 2) < 0)
		child_fail(report, errno);
	if (dup3(report, 3, O_CLOEXEC) < 0)
		child_fail(report, errno);
	if (syscall(SYS_close_range, 4U, ~0U, 0U) < 0)
		child_fail(3, errno);
	setpgid(0, 0);
	child_reset_signals();
	if (o->before_exec != NULL) {
		int errnum = o->before_exec(o->ctx);
		if (errnum != 0)
			child_fail(3, errnum);
	}
	execve(path, argv, envp);
	child_fail(3, errno);
}

/* ---- starting ---- */

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static void pipes_close(struct hook_pipes *p)
{
	close_pair(p->in);
	close_pair(p->out);
	close_pair(p->err);
	close_pair(p->exec);
}

static int pipes_open(struct hook_pipes *p, struct nook_error *err)
{
	*p = (struct hook_pipes){{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
	if (pipe2(p->in, O_CLOEXEC) < 0 || pipe2(p->out, O_CLOEXEC) < 0 ||
	    pipe2(p->err, O_CLOEXEC) < 0 || pipe2(p->exec, O_CLOEXEC) < 0) {
		int saved = errno;

		pipes_close(p);
		return nook_fail(err, saved, "pipe");
	}
	/* Only the runtime's ends: the hook gets ordinary blocking stdio. */
	fcntl(p->in[1], F_SETFL, O_NONBLOCK);
	fcntl(p->out[0], F_SETFL, O_NONBLOCK);
	fcntl(p->err[0], F_SETFL, O_NONBLOCK);
	return 0;
}

static int spawn(const char *path, char *const argv[], char *const envp[], struct hook_proc *proc,
                 const struct nook_hooks_opts *o, struct nook_error *err)
{
	struct hook_pipes p;
	pid_t pid;

	if (pipes_open(&p, err) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		int saved = errno;

		pipes_close(&p);
		return nook_fail(err, saved, "fork");
	}
	if (pid == 0)
		child_exec(path, argv, envp, &p, o);
	*proc = (struct hook_proc){
	    .pid = pid,
	    .pidfd = (int)syscall(SYS_pidfd_open, pid, 0),
	    .in_fd = nook_steal_fd(&p.in[1]),
	    .out_fd = nook_steal_fd(&p.out[0]),
	    .err_fd = nook_steal_fd(&p.err[0]),
	    .exec_fd = nook_steal_fd(&p.exec[0]),
	};
	pipes_close(&p);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void proc_close(struct hook_proc *proc)
{
	close_fd(&proc->pidfd);
	close_fd(&proc->in_fd);
	close_fd(&proc->out_fd);
	close_fd(&proc->err_fd);
	close_fd(&proc->exec_fd);
}

static void reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* Blocks until execve happened (end-of-file) or failed (its errno). */
static int wait_exec(struct hook_proc *proc, struct nook_error *err)
{
	int errnum = 0;
	ssize_t n;

	do
		n = read(proc->exec_fd, &errnum, sizeof(errnum));
	while (n < 0 && errno == EINTR);
	close_fd(&proc->exec_fd);
	if (n <= 0)
		return 0;
	reap(proc->pid, NULL);
	return nook_fail(err, errnum, "%s", ""); /* the errno says it all */
}

/* ---- supervising ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Up to CAPTURE_MAX bytes are kept; the rest is read and dropped so the hook
 * never blocks on a full pipe. Closes the fd at end-of-file. */
static void capture_read(int *fd, struct nook_hook_capture *cap)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(*fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close_fd(fd);
			return;
		}
		size_t keep = CAPTURE_MAX - cap->len;

		if ((size_t)n < keep)
			keep = (size_t)n;
		memcpy(cap->data + cap->len, buf, keep);
		cap->len += keep;
		cap->data[cap->len] = '\0';
	}
}

/* Writes what the pipe takes of the state; closes stdin when all is written
 * or the hook closed its end (EPIPE: SIGPIPE is blocked by the caller). */
static void feed_stdin(int *fd, const char *state, size_t len, size_t *done)
{
	while (*done < len) {
		ssize_t n = write(*fd, state + *done, len - *done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0)
			break;
		*done += (size_t)n;
	}
	close_fd(fd);
}

static bool exited(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, WNOHANG);
	while (r < 0 && errno == EINTR);
	return r == pid || (r < 0 && errno == ECHILD);
}

/* poll(2) timeout: until the deadline (-1: none), and without a pidfd at most
 * 50 ms so that the exit is seen even while a grandchild holds the pipes. */
static int poll_timeout(const struct hook_proc *proc, int64_t deadline)
{
	int64_t left = deadline < 0 ? -1 : deadline - now_ms();

	if (left < 0 && deadline >= 0)
		left = 0;
	if (proc->pidfd < 0 && (left < 0 || left > 50))
		left = 50;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

static void poll_once(struct hook_proc *proc, int timeout_ms, const char *state, size_t len,
                      size_t *done, struct nook_hook_capture *out, struct nook_hook_capture *errc)
{
	struct pollfd fds[] = {
	    {.fd = proc->in_fd, .events = POLLOUT},
	    {.fd = proc->out_fd, .events = POLLIN},
	    {.fd = proc->err_fd, .events = POLLIN},
	    {.fd = proc->pidfd, .events = POLLIN},
	};

	if (poll(fds, NOOK_ARRAY_SIZE(fds), timeout_ms) <= 0)
		return;
	if (fds[0].revents)
		feed_stdin(&proc->in_fd, state, len, done);
	if (fds[1].revents)
		capture_read(&proc->out_fd, out);
	if (fds[2].revents)
		capture_read(&proc->err_fd, errc);
}

/* Runs the loop until the hook exits (status filled, 0) or the deadline
 * passes (the process group killed and reaped, -1). */
static int supervise(struct hook_proc *proc, const struct nook_hook *hook, const char *state,
                     struct nook_hook_capture *out, struct nook_hook_capture *errc, int *status)
{
	int64_t deadline = hook->has_timeout ? now_ms() + hook->timeout * 1000 : -1;
	size_t len = strlen(state), done = 0;

	if (len == 0)
		close_fd(&proc->in_fd);
	for (;;) {
		if (exited(proc->pid, status))
			break;
		if (deadline >= 0 && now_ms() >= deadline) {
			kill(-proc->pid, SIGKILL);
			kill(proc->pid, SIGKILL);
			reap(proc->pid, status);
			return -1;
		}
		poll_once(proc, poll_timeout(proc, deadline), state, len, &done, out, errc);
	}
	/* What the hook wrote before it exited; not waiting for end-of-file,
	 * which a process it left behind could hold back. */
	if (proc->out_fd >= 0)
		capture_read(&proc->out_fd, out);
	if (proc->err_fd >= 0)
		capture_read(&proc->err_fd, errc);
	return 0;
}

/* SIGPIPE blocked while the state is written; one raised by our write is
 * taken out before the old mask comes back. */
static void sigpipe_block(sigset_t *saved, bool *was_pending)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, saved);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_restore(const sigset_t *saved, bool was_pending)
{
	sigset_t pipe_set, pending;
	struct timespec zero = {0, 0};

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE) == 1)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, saved, NULL);
}

/* ---- one hook ---- */

/* "exited with status 3: <first line of stderr>" */
static int status_error(int status, const struct nook_hook_capture *errc, struct nook_error *err)
{
	size_t line = strcspn(errc->data, "\n");

	if (WIFSIGNALED(status))
		return nook_fail(err, 0, "killed by signal %d", WTERMSIG(status));
	if (line == 0)
		return nook_fail(err, 0, "exited with status %d", WEXITSTATUS(status));
	return nook_fail(err, 0, "exited with status %d: %.*s", WEXITSTATUS(status), (int)line,
	                 errc->data);
}

static void log_output(const char *kind, size_t i, const char *name,
                       const struct nook_hook_capture *cap)
{
	if (cap->len > 0)
		nook_debug("hooks.%s[%zu] %s: %s", kind, i, name, cap->data);
}

/* `env` absent: the caller's default, else the runtime's own environment
 * (runc's exec.Cmd with a nil Env, crun's environ); `env: []` is empty. */
static char *const *hook_env(const struct nook_hook *hook, const struct nook_hooks_opts *o)
{
	if (hook->env.v != NULL)
		return hook->env.v;
	return o->default_env != NULL ? o->default_env : environ;
}

int nook_hook_exec(const struct nook_hook *hook, const char *state, const struct nook_hooks_opts *o,
                   struct nook_hook_capture *out, struct nook_hook_capture *errc, int *status,
                   struct nook_error *err)
{
	char *path_argv[] = {hook->path, NULL};
	char *const *argv = hook->args.n > 0 ? hook->args.v : path_argv;
	char *const *envp = hook_env(hook, o);
	struct hook_proc proc = {-1, -1, -1, -1, -1, -1};
	sigset_t saved;
	bool was_pending;
	int rc;

	*out = (struct nook_hook_capture){0};
	*errc = (struct nook_hook_capture){0};
	*status = 0;
	if (spawn(hook->path, argv, envp, &proc, o, err) < 0)
		return -1;
	if (wait_exec(&proc, err) < 0) {
		proc_close(&proc);
		return -1;
	}
	sigpipe_block(&saved, &was_pending);
	rc = supervise(&proc, hook, state, out, errc, status);
	sigpipe_restore(&saved, was_pending);
	proc_close(&proc);
	if (rc < 0)
		return nook_fail(err, 0, "timed out after %" PRId64 "s", hook->timeout);
	return 0;
}

static int run_hook(const struct nook_hook *hook, const char *kind, size_t i, const char *state,
                    const struct nook_hooks_opts *o, struct nook_error *err)
{
	autofree struct nook_hook_capture *out = calloc(1, sizeof(*out));
	autofree struct nook_hook_capture *errc = calloc(1, sizeof(*errc));
	int status = 0;

	if (out == NULL || errc == NULL)
		return nook_fail(err, ENOMEM, "capture buffers");
	int rc = nook_hook_exec(hook, state, o, out, errc, &status, err);
	log_output(kind, i, "stdout", out);
	log_output(kind, i, "stderr", errc);
	if (rc < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return status_error(status, errc, err);
}

/* One hook, its error prefixed with "hooks.<kind>[i] (<path>)". */
static int run_named(const struct nook_hook *hook, const char *kind, size_t i, const char *state,
                     const struct nook_hooks_opts *o, struct nook_error *err)
{
	nook_debug("running hooks.%s[%zu] (%s)", kind, i, hook->path);
	if (run_hook(hook, kind, i, state != NULL ? state : "", o, err) == 0)
		return 0;
	if (err->msg[0] == '\0')
		return nook_fail(err, err->errnum, "hooks.%s[%zu] (%s)", kind, i, hook->path);
	return nook_error_prefix(err, "hooks.%s[%zu] (%s)", kind, i, hook->path);
}

int nook_hooks_run_opts(const struct nook_hook_list *hooks, const char *kind,
                        const char *state_json, const struct nook_hooks_opts *o,
                        struct nook_error *err)
{
	int failed = 0;

	for (size_t i = 0; hooks != NULL && i < hooks->n; i++) {
		struct nook_error one;

		nook_error_clear(&one);
		if (run_named(&hooks->v[i], kind, i, state_json, o, &one) == 0)
			continue;
		if (!o->keep_going) {
			*err = one;
			return -1;
		}
		/* runtime.md lifecycle 13: warn, and the rest still run. */
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("%s", nook_error_text(&one, text, sizeof(text)));
		failed++;
	}
	if (failed > 0)
		return nook_fail(err, 0, "%d of %zu %s hooks failed", failed, hooks->n, kind);
	return 0;
}

int nook_hooks_run(const struct nook_hook_list *hooks, const char *kind, const char *state_json,
                   struct nook_error *err)
{
	const struct nook_hooks_opts defaults = {0};

	return nook_hooks_run_opts(hooks, kind, state_json, &defaults, err);
}
