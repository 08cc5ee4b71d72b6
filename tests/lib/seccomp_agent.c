/* A small seccomp agent for tests/integration/test_seccomp_notify.sh.
 *
 *   seccomp_agent SOCKET LOG MODE
 *
 * Listens on the unix socket SOCKET (SOCK_STREAM, as config-linux.md's
 * listenerPath asks). For each connection it reads the container process
 * state up to end of file, takes the fd that came with it (SCM_RIGHTS) and
 * appends the JSON as one line to LOG. Then it answers the notifications of
 * every fd it holds: mkdir and mkdirat with MODE, every other syscall with
 * "continue"; each one is logged as "notify <name> <pid>".
 *
 *   MODE  errno:N    the syscall fails with errno N
 *         continue   SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel runs it
 *
 * It prints "ready" on stdout once it listens, and runs until killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 16

static FILE *log_file;
static int answer_errno = -1; /* -1: continue */

static void die(const char *what)
{
	fprintf(stderr, "seccomp_agent: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || strlen(path) >= sizeof(addr.sun_path))
		die("socket");
	strcpy(addr.sun_path, path);
	unlink(path);
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 8) < 0)
		die(path);
	return s;
}

/* One connection: the JSON to the log, the listener fd returned. */
static int receive_state(int s)
{
	char json[65536];
	size_t len = 0;
	int fd = -1, n_fds = 0;
	int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);

	if (conn < 0)
		die("accept");
	for (;;) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int) * 4)];
		} control;
		struct iovec iov = {.iov_base = json + len, .iov_len = sizeof(json) - 1 - len};
		struct msghdr msg = {.msg_iov = &iov,
		                     .msg_iovlen = 1,
		                     .msg_control = control.buf,
		                     .msg_controllen = sizeof(control.buf)};
		ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);

		if (n < 0)
			die("recvmsg");
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
				n_fds += (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
				memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			}
		if (n == 0 || len + (size_t)n >= sizeof(json) - 1)
			break;
		len += (size_t)n;
	}
	close(conn);
	json[len] = '\0';
	fprintf(log_file, "%s\n", json);
	if (n_fds != 1)
		fprintf(log_file, "error: %d fds came with the state\n", n_fds);
	fflush(log_file);
	return fd;
}

static const char *syscall_name(int nr)
{
	switch (nr) {
	case SYS_mkdir:
		return "mkdir";
	case SYS_mkdirat:
		return "mkdirat";
	default:
		return "other";
	}
}

/* One notification of fd: 0, or -1 when its process is gone. */
static int answer(int fd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	bool is_mkdir;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == EINTR || errno == ENOENT ? 0 : -1;
	is_mkdir = req.data.nr == SYS_mkdir || req.data.nr == SYS_mkdirat;
	fprintf(log_file, "notify %s %u\n", syscall_name(req.data.nr), req.pid);
	fflush(log_file);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (is_mkdir && answer_errno >= 0)
		resp.error = -answer_errno;
	else
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct pollfd fds[MAX_FDS + 1];
	nfds_t n = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: seccomp_agent SOCKET LOG errno:N|continue\n");
		return 2;
	}
	if (strncmp(argv[3], "errno:", 6) == 0)
		answer_errno = atoi(argv[3] + 6);
	else if (strcmp(argv[3], "continue") != 0)
		return 2;
	log_file = fopen(argv[2], "a");
	if (log_file == NULL)
		die(argv[2]);
	fds[0] = (struct pollfd){.fd = listen_on(argv[1]), .events = POLLIN};
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (nfds_t i = 1; i < n; i++) {
			if (fds[i].revents & POLLIN && answer(fds[i].fd) == 0)
				continue;
			if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				/* every process of the filter is gone */
				close(fds[i].fd);
				fds[i--] = fds[--n];
			}
		}
		if (fds[0].revents & POLLIN) {
			int fd = receive_state(fds[0].fd);

			if (fd >= 0 && n <= MAX_FDS)
				fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
		}
	}
}
