#include "nook/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int nook_sync_send(int sock, enum nook_sync_type type, const struct nook_error *payload,
                   int pass_fd, struct nook_error *err)
{
	struct nook_sync_msg msg = {.type = type};
	struct iovec iov = {.iov_base = &msg, .iov_len = sizeof(msg)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (payload != NULL)
		msg.err = *payload;
	if (pass_fd >= 0) {
		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return nook_fail(err, n < 0 ? errno : EIO, "sync: send message %u", type);
	return 0;
}

int nook_sync_recv(int sock, struct nook_sync_msg *msg, int *fd_out, struct nook_error *err)
{
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = control.buf,
	    .msg_controllen = sizeof(control.buf),
	};
	ssize_t n;

	if (fd_out != NULL)
		*fd_out = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n < 0)
		return nook_fail(err, errno, "sync: receive");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			if (fd_out != NULL)
				*fd_out = fd;
			else
				close(fd);
		}
	}
	if (n != (ssize_t)sizeof(*msg))
		return nook_fail(err, EPROTO, "sync: short message (%zd bytes)", n);
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';
	return 1;
}

int nook_sync_expect(int sock, enum nook_sync_type want, const char *eof_what,
                     struct nook_error *err)
{
	struct nook_sync_msg msg;
	int rc = nook_sync_recv(sock, &msg, NULL, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return nook_fail(err, 0, "%s", eof_what);
	if (msg.type == NOOK_SYNC_ERROR) {
		*err = msg.err;
		return -1;
	}
	if (msg.type != want)
		return nook_fail(err, EPROTO, "sync: expected message %u, got %u", want, msg.type);
	return 0;
}
