/* For the security tests: whatever changes a process (capabilities, seccomp,
 * uids, rlimits) runs in a forked child, never in the test runner. The child
 * writes a line of text into `msg` and returns an exit code; the parent gets
 * both back. */
#ifndef NOOK_TEST_SEC_CHILD_H
#define NOOK_TEST_SEC_CHILD_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/error.h"

#define CHILD_MSG_MAX 4096

struct child_result {
	int status; /* as from waitpid */
	char msg[CHILD_MSG_MAX];
};

typedef int (*child_fn)(void *arg, char *msg, size_t size);

/* In the child: put the error text into msg and return the code for "a nook
 * call failed". */
#define CHILD_NOOK_FAILED 100
static inline int child_error(char *msg, size_t size, const struct nook_error *err)
{
	nook_error_text(err, msg, size);
	return CHILD_NOOK_FAILED;
}

static inline void run_in_child(child_fn fn, void *arg, struct child_result *r)
{
	int fds[2];
	pid_t pid;
	size_t got = 0;

	memset(r, 0, sizeof(*r));
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r->status = -1;
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char msg[CHILD_MSG_MAX] = "";
		int rc;

		close(fds[0]);
		/* cmocka catches these to report a crashed test; in the child
		 * they must kill it so the parent sees the signal. A child
		 * killed by SIGSYS must not leave a core dump either. */
		signal(SIGSYS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		rc = fn(arg, msg, sizeof(msg));
		if (write(fds[1], msg, strlen(msg)) < 0)
			rc = 99;
		_exit(rc);
	}
	close(fds[1]);
	while (pid > 0 && got + 1 < sizeof(r->msg)) {
		ssize_t n = read(fds[0], r->msg + got, sizeof(r->msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	r->msg[got] = '\0';
	if (pid < 0 || waitpid(pid, &r->status, 0) < 0)
		r->status = -1;
}

/* The child exited with `code`; on mismatch show what it said. */
#define assert_child_exit(r, code)                                                                 \
	do {                                                                                       \
		if (!WIFEXITED((r)->status) || WEXITSTATUS((r)->status) != (code))                 \
			print_message("child status 0x%x, said: %s\n", (unsigned)(r)->status,      \
			              (r)->msg);                                                   \
		assert_true(WIFEXITED((r)->status));                                               \
		assert_int_equal(WEXITSTATUS((r)->status), (code));                                \
	} while (0)

/* fn(arg) in a child fails in a nook call with exactly the message want. */
#define assert_child_fails(fn, arg, want)                                                          \
	do {                                                                                       \
		struct child_result r_;                                                            \
		run_in_child(fn, arg, &r_);                                                        \
		assert_child_exit(&r_, CHILD_NOOK_FAILED);                                         \
		assert_string_equal(r_.msg, want);                                                 \
	} while (0)

/* fn(arg) in a child fails in a nook call with a message containing part. */
#define assert_child_fails_with(fn, arg, part)                                                     \
	do {                                                                                       \
		struct child_result r_;                                                            \
		run_in_child(fn, arg, &r_);                                                        \
		assert_child_exit(&r_, CHILD_NOOK_FAILED);                                         \
		if (strstr(r_.msg, part) == NULL)                                                  \
			fail_msg("child said \"%s\", want it to contain \"%s\"", r_.msg, part);    \
	} while (0)

#define assert_child_signal(r, sig)                                                                \
	do {                                                                                       \
		if (!WIFSIGNALED((r)->status) || WTERMSIG((r)->status) != (sig))                   \
			print_message("child status 0x%x, said: %s\n", (unsigned)(r)->status,      \
			              (r)->msg);                                                   \
		assert_true(WIFSIGNALED((r)->status));                                             \
		assert_int_equal(WTERMSIG((r)->status), (sig));                                    \
	} while (0)

#endif
