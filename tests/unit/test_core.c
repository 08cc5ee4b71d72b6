/* Unit tests of the runtime's own plumbing: the error type, container ids,
 * the state directory, the sync protocol and /proc facts. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/child.h"
#include "nook/error.h"
#include "nook/log.h"
#include "nook/procfs.h"
#include "nook/state.h"
#include "nook/sync.h"

static void error_carries_context_and_errno(void **state)
{
	struct nook_error err;
	char text[NOOK_ERROR_MSG_MAX + 64];

	assert_int_equal(nook_fail(&err, ENOENT, "open %s", "/x"), -1);
	assert_int_equal(nook_error_prefix(&err, "mounts[%d]", 3), -1);
	assert_string_equal(err.msg, "mounts[3]: open /x");
	assert_int_equal(err.errnum, ENOENT);
	assert_string_equal(nook_error_text(&err, text, sizeof(text)),
	                    "mounts[3]: open /x: No such file or directory");
	nook_fail(&err, 0, "plain");
	assert_string_equal(nook_error_text(&err, text, sizeof(text)), "plain");
}

static void error_prefix_truncates_long_messages(void **state)
{
	struct nook_error err;
	char big[3000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	nook_fail(&err, 0, "%s", big);
	nook_error_prefix(&err, "step");
	assert_int_equal(strlen(err.msg), NOOK_ERROR_MSG_MAX - 1);
	assert_memory_equal(err.msg, "step: aaa", 9);
}

static void ids_follow_runc_rules(void **state)
{
	struct nook_error err;
	static const char *const good[] = {"a", "abc-123", "x_y.z+w", "A.B"};
	static const char *const bad[] = {"", ".", "..", "../x", "a/b", "a b", "a\nb", "é"};
	char long_id[1100];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(nook_id_check(good[i], &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nook_id_check(bad[i], &err), -1);
	nook_id_check("../x", &err);
	assert_non_null(strstr(err.msg, "\"../x\""));
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_int_equal(nook_id_check(long_id, &err), -1);
}

static char *read_file(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void state_dir_is_exclusive_and_removed(void **state)
{
	char root[] = "/tmp/nook-unit-state.XXXXXX";
	char path[256];
	struct nook_error err;
	struct nook_map ann = {0};
	struct nook_kv kv = {.key = "k", .value = "v\"q"};
	struct nook_state st = {
	    .id = "c1",
	    .status = NOOK_CREATED,
	    .pid = 42,
	    .start_time = 7,
	    .bundle = "/b",
	    .rootfs = "/b/rootfs",
	    .created = "2026-01-01T00:00:00Z",
	    .owner = 0,
	    .annotations = &ann,
	};

	ann.v = &kv;
	ann.n = 1;
	assert_non_null(mkdtemp(root));
	int dirfd = nook_state_dir_create(root, "c1", &err);
	assert_true(dirfd >= 0);
	assert_int_equal(nook_state_dir_create(root, "c1", &err), -1);
	assert_string_equal(err.msg, "container \"c1\" already exists");
	assert_int_equal(nook_state_write(dirfd, &st, &err), 0);
	snprintf(path, sizeof(path), "%s/c1/state.json", root);
	const char *json = read_file(path);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"status\":\"created\""));
	assert_non_null(strstr(json, "\"pid\":42"));
	assert_non_null(strstr(json, "\"ociVersion\":\"1.3.0\""));
	assert_non_null(strstr(json, "\"annotations\":{\"k\":\"v\\\"q\"}"));
	snprintf(path, sizeof(path), "%s/c1/state.json.tmp", root);
	assert_int_equal(access(path, F_OK), -1);
	close(dirfd);
	assert_int_equal(nook_state_dir_remove(root, "c1", &err), 0);
	snprintf(path, sizeof(path), "%s/c1", root);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(nook_state_dir_remove(root, "c1", &err), 0);
	assert_int_equal(rmdir(root), 0);
}

/* Issue 8: a lock is taken back after a wait (run), and a directory deleted
 * (and made again) meanwhile is not ours any more. */
static void state_lock_sees_a_deleted_dir(void **state)
{
	char root[] = "/tmp/nook-unit-lock.XXXXXX";
	struct nook_error err;

	assert_non_null(mkdtemp(root));
	int dirfd = nook_state_dir_create(root, "c1", &err);
	assert_true(dirfd >= 0);
	nook_state_unlock(dirfd);
	int other = nook_state_dir_open(root, "c1", LOCK_EX, &err);
	assert_true(other >= 0);
	close(other);
	assert_int_equal(nook_state_lock(dirfd, root, "c1", LOCK_EX, &err), 1);
	nook_state_unlock(dirfd);
	assert_int_equal(nook_state_dir_remove(root, "c1", &err), 0);
	int again = nook_state_dir_create(root, "c1", &err); /* a new container, same id */
	assert_true(again >= 0);
	close(again);
	assert_int_equal(nook_state_lock(dirfd, root, "c1", LOCK_EX, &err), 0);
	close(dirfd);
	assert_int_equal(nook_state_dir_remove(root, "c1", &err), 0);
	assert_int_equal(rmdir(root), 0);
}

static void sync_carries_errors_and_fds(void **state)
{
	int sv[2];
	struct nook_error err, sent;
	struct nook_sync_msg msg;
	int fd = -1;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	nook_fail(&sent, EACCES, "mounts[1]: mount proc");
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_PTY, NULL, STDIN_FILENO, &err), 0);
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_ERROR, &sent, -1, &err), 0);
	assert_int_equal(nook_sync_recv(sv[0], &msg, &fd, &err), 1);
	assert_int_equal(msg.type, NOOK_SYNC_PTY);
	assert_true(fd > 2);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	assert_int_equal(nook_sync_expect(sv[0], NOOK_SYNC_READY, "eof", &err), -1);
	assert_string_equal(err.msg, "mounts[1]: mount proc");
	assert_int_equal(err.errnum, EACCES);
	close(sv[1]);
	assert_int_equal(nook_sync_expect(sv[0], NOOK_SYNC_READY, "init went away", &err), -1);
	assert_string_equal(err.msg, "init went away");
	close(sv[0]);
}

/* Issue 8: a child's log lines travel as LOG messages; every receive of the
 * runtime writes them out by its own route (here a JSON log file) and
 * returns the next real message. A child whose runtime is gone drops them. */
static void sync_relays_log_lines(void **state)
{
	char path[] = "/tmp/nook-unit-log.XXXXXX";
	struct nook_error err;
	struct nook_sync_msg msg;
	char *bytes = NULL;
	char buf[4096];
	int sv[2], status;
	ssize_t n;
	pid_t child;

	int logfd = mkstemp(path);
	assert_true(logfd >= 0);
	close(logfd);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	child = fork();
	if (child == 0) {
		close(sv[0]);
		nook_sync_route_log(sv[1]);
		nook_warn("first \"%s\"", "quoted");
		nook_debug("not shown without --debug");
		nook_sync_send_bytes(sv[1], NOOK_SYNC_HOOK_STATE, "abc", 3, &err);
		nook_warn("second");
		nook_sync_send(sv[1], NOOK_SYNC_READY, NULL, -1, &err);
		/* the runtime closes its end: dropped, and no SIGPIPE */
		char byte;
		if (read(sv[1], &byte, 1) != 0)
			_exit(2);
		nook_warn("nobody listens");
		_exit(0);
	}
	close(sv[1]);
	assert_int_equal(nook_log_open(path, NOOK_LOG_JSON, false, &err), 0);
	assert_int_equal(nook_sync_recv_bytes(sv[0], NOOK_SYNC_HOOK_STATE, &bytes, &err), 0);
	assert_string_equal(bytes, "abc");
	free(bytes);
	assert_int_equal(nook_sync_recv(sv[0], &msg, NULL, &err), 1);
	assert_int_equal(msg.type, NOOK_SYNC_READY);
	nook_log_close();
	close(sv[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	logfd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(logfd >= 0);
	n = read(logfd, buf, sizeof(buf) - 1);
	close(logfd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(
	    strstr(buf, "{\"level\":\"warning\",\"msg\":\"first \\\"quoted\\\"\",\"time\":"));
	char *second = strstr(buf, "{\"level\":\"warning\",\"msg\":\"second\",");
	assert_non_null(second);
	assert_true(second > strstr(buf, "first"));
	assert_null(strstr(buf, "not shown"));
	assert_null(strstr(buf, "nobody"));
}

/* Issue 10: one name table for the sync protocol's messages, used by both
 * halves' "unexpected message X while waiting for Y". */
static void sync_names_every_message(void **state)
{
	for (uint32_t t = 0; t < NOOK_SYNC_TYPE_COUNT; t++) {
		assert_string_not_equal(nook_sync_name(t), "unknown");
		for (uint32_t u = 0; u < t; u++)
			assert_string_not_equal(nook_sync_name(t), nook_sync_name(u));
	}
	assert_string_equal(nook_sync_name(NOOK_SYNC_TYPE_COUNT), "unknown");
	assert_string_equal(nook_sync_name(NOOK_SYNC_HOOKS_REQUEST), "HOOKS_REQUEST");
}

struct answered {
	int sock;
	int n_mounts, n_hooks;
};

static int answer(void *ctx, enum nook_sync_type request, struct nook_error *err)
{
	struct answered *a = ctx;

	if (request == NOOK_SYNC_MOUNTS_REQUEST)
		a->n_mounts++;
	else
		a->n_hooks++;
	return nook_sync_send(a->sock,
	                      request == NOOK_SYNC_MOUNTS_REQUEST ? NOOK_SYNC_MOUNTS_REPLY
	                                                          : NOOK_SYNC_HOOKS_REPLY,
	                      NULL, -1, err);
}

/* The one receive loop: the pty's fd kept, each request answered with its
 * reply, until READY; then end of file; anything else is named. */
static void sync_wait_answers_until_ready(void **state)
{
	struct nook_error err;
	int sv[2], pty = -1;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	struct answered a = {.sock = sv[0]};
	const struct nook_sync_wait w = {
	    .until = NOOK_SYNC_READY, .pty_fd = &pty, .answer = answer, .ctx = &a};
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_MOUNTS_REQUEST, NULL, -1, &err), 0);
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_PTY, NULL, STDIN_FILENO, &err), 0);
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_HOOKS_REQUEST, NULL, -1, &err), 0);
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_READY, NULL, -1, &err), 0);
	assert_int_equal(nook_sync_wait(sv[0], &w, &err), 0);
	assert_true(pty > 2);
	close(pty);
	assert_int_equal(a.n_mounts, 1);
	assert_int_equal(a.n_hooks, 1);
	assert_int_equal(nook_sync_expect(sv[1], NOOK_SYNC_MOUNTS_REPLY, NULL, &err), 0);
	assert_int_equal(nook_sync_expect(sv[1], NOOK_SYNC_HOOKS_REPLY, NULL, &err), 0);

	/* Without a handler a request is unexpected. */
	assert_int_equal(nook_sync_send(sv[1], NOOK_SYNC_HOOKS_REQUEST, NULL, -1, &err), 0);
	assert_int_equal(nook_sync_expect(sv[0], NOOK_SYNC_READY, NULL, &err), -1);
	assert_string_equal(err.msg,
	                    "sync: unexpected message HOOKS_REQUEST (5) while waiting for READY");
	assert_int_equal(err.errnum, EPROTO);

	const struct nook_sync_wait to_eof = {.until = NOOK_SYNC_EOF};
	close(sv[1]);
	assert_int_equal(nook_sync_wait(sv[0], &to_eof, &err), 0);
	assert_int_equal(nook_sync_expect(sv[0], NOOK_SYNC_GO, NULL, &err), -1);
	assert_string_equal(err.msg, "sync: end of file while waiting for GO");
	close(sv[0]);
}

/* A child's failure is an ERROR message while the runtime listens, else a
 * line on the child's own stderr, by the logger (nook_child_fail). */
static pid_t fail_in_child(int sock, int stderr_fd)
{
	pid_t child = fork();

	if (child == 0) {
		struct nook_error err;
		dup2(stderr_fd, STDERR_FILENO);
		nook_sync_route_log(sock);
		nook_fail(&err, ENOENT, "process.args[0]: \"x\"");
		nook_child_fail(sock, &err);
	}
	return child;
}

static void child_fail_reports_once(void **state)
{
	struct nook_error err;
	char buf[256];
	int sv[2], out[2], status;

	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid_t child = fail_in_child(sv[1], out[1]);
	close(sv[1]);
	assert_int_equal(nook_sync_expect(sv[0], NOOK_SYNC_READY, NULL, &err), -1);
	assert_string_equal(err.msg, "process.args[0]: \"x\"");
	assert_int_equal(err.errnum, ENOENT);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 255);
	close(sv[0]);

	/* Nobody listens any more. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	close(sv[0]);
	child = fail_in_child(sv[1], out[1]);
	close(sv[1]);
	close(out[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 255);
	ssize_t n = read(out[0], buf, sizeof(buf) - 1);
	close(out[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "nook: process.args[0]: \"x\": No such file or directory\n");
}

static void start_time_names_one_process(void **state)
{
	struct nook_error err;
	unsigned long long a = 0, b = 0, c = 0;
	pid_t child;

	assert_int_equal(nook_proc_start_time(getpid(), &a, &err), 0);
	assert_true(a > 0);
	assert_int_equal(nook_proc_start_time(getpid(), &b, &err), 0);
	assert_true(a == b);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(nook_proc_start_time(child, &c, &err), 0);
	assert_true(c >= a);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(nook_proc_start_time(child, &c, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(error_carries_context_and_errno),
	    cmocka_unit_test(error_prefix_truncates_long_messages),
	    cmocka_unit_test(ids_follow_runc_rules),
	    cmocka_unit_test(state_dir_is_exclusive_and_removed),
	    cmocka_unit_test(state_lock_sees_a_deleted_dir),
	    cmocka_unit_test(sync_carries_errors_and_fds),
	    cmocka_unit_test(sync_relays_log_lines),
	    cmocka_unit_test(sync_names_every_message),
	    cmocka_unit_test(sync_wait_answers_until_ready),
	    cmocka_unit_test(child_fail_reports_once),
	    cmocka_unit_test(start_time_names_one_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
