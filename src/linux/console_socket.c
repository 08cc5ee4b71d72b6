/* --console-socket: the pty master handed to the caller's unix socket. */
#include "nook/console_socket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "nook/cleanup.h"

/* What runc sends as the data next to the fd: the master's path name. */
#define MASTER_NAME "/dev/ptmx"

static int connect_to(const char *path, struct nook_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	autoclose int fd = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return nook_fail(err, ENAMETOOLONG, "--console-socket %s", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nook_fail(err, errno, "--console-socket %s: socket", path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return nook_fail(err, errno, "--console-socket %s: connect", path);
	return nook_steal_fd(&fd);
}

static int send_fd(int sock, int fd, const char *path, struct nook_error *err)
{
	char name[] = MASTER_NAME;
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control = {0};
	struct msghdr msg = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = control.buf,
	    .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nook_fail(err, errno, "--console-socket %s: send the pty master", path);
	return 0;
}

int nook_console_socket_send(const char *path, int master_fd, struct nook_error *err)
{
	autoclose int sock = connect_to(path, err);

	if (sock < 0)
		return -1;
	return send_fd(sock, master_fd, path, err);
}
