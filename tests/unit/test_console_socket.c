/* --console-socket: the pty master really arrives at the caller's socket. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "nook/console_socket.h"

static char dir[64];
static char sock_path[128];

static int listen_at(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(fd, 1), 0);
	return fd;
}

/* One message: its data into `data`, its one fd returned. */
static int receive_fd(int conn, char *data, size_t size)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = {.iov_base = data, .iov_len = size - 1};
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = control.buf,
	                     .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	int fd;

	assert_true(n > 0);
	data[n] = '\0';
	cmsg = CMSG_FIRSTHDR(&msg);
	assert_non_null(cmsg);
	assert_int_equal(cmsg->cmsg_level, SOL_SOCKET);
	assert_int_equal(cmsg->cmsg_type, SCM_RIGHTS);
	assert_int_equal(cmsg->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static void master_arrives(void **unused)
{
	struct nook_error err;
	struct stat sent, got;
	char data[64], name_sent[64], name_got[64];
	int listener = listen_at(sock_path);
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	int conn, received;

	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	/* The listener's backlog takes the connection before accept. */
	assert_int_equal(nook_console_socket_send(sock_path, master, &err), 0);
	conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	received = receive_fd(conn, data, sizeof(data));
	assert_string_equal(data, "/dev/ptmx");
	assert_int_not_equal(received, master);
	assert_int_equal(fstat(master, &sent), 0);
	assert_int_equal(fstat(received, &got), 0);
	assert_int_equal(sent.st_rdev, got.st_rdev);
	assert_int_equal(sent.st_ino, got.st_ino);
	/* The same pty, not just another master: the same slave. */
	assert_int_equal(ptsname_r(master, name_sent, sizeof(name_sent)), 0);
	assert_int_equal(ptsname_r(received, name_got, sizeof(name_got)), 0);
	assert_string_equal(name_sent, name_got);
	close(received);
	close(conn);
	close(master);
	close(listener);
	unlink(sock_path);
}

static void missing_socket(void **unused)
{
	struct nook_error err;
	char expected[256];
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(nook_console_socket_send("/nonexistent/x.sock", fds[0], &err), -1);
	assert_string_equal(err.msg, "--console-socket /nonexistent/x.sock: connect");
	assert_int_equal(err.errnum, ENOENT);

	snprintf(expected, sizeof(expected), "%s/%0200d", dir, 0);
	assert_int_equal(nook_console_socket_send(expected, fds[0], &err), -1);
	assert_int_equal(err.errnum, ENAMETOOLONG);
	close(fds[0]);
	close(fds[1]);
}

static int setup(void **unused)
{
	snprintf(dir, sizeof(dir), "/tmp/nook-console.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/console.sock", dir);
	return 0;
}

static int teardown(void **unused)
{
	unlink(sock_path);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(master_arrives),
	    cmocka_unit_test(missing_socket),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
