#include "nook/sync.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
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

int nook_sync_send_bytes(int sock, enum nook_sync_type type, const char *buf, size_t len,
                         struct nook_error *err)
{
	uint32_t t = type;
	struct iovec iov[2] = {{.iov_base = &t, .iov_len = sizeof(t)},
	                       {.iov_base = (void *)buf, .iov_len = len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t n;

	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(sizeof(t) + len))
		return nook_fail(err, n < 0 ? errno : EIO, "sync: send %zu bytes", len);
	return 0;
}

int nook_sync_recv_bytes(int sock, enum nook_sync_type want, char **out, struct nook_error *err)
{
	ssize_t size, n;
	char *buf;

	*out = NULL;
	do
		size = recv(sock, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (size < 0 && errno == EINTR);
	if (size < 0)
		return nook_fail(err, errno, "sync: receive");
	if (size == 0)
		return nook_fail(err, 0, "sync: the other side went away");
	buf = malloc((size_t)size + 1);
	if (buf == NULL)
		return nook_fail(err, ENOMEM, "sync: receive %zd bytes", size);
	do
		n = recv(sock, buf, (size_t)size, 0);
	while (n < 0 && errno == EINTR);
	if (n != size || n < (ssize_t)sizeof(uint32_t)) {
		free(buf);
		return nook_fail(err, n < 0 ? errno : EPROTO, "sync: receive");
	}
	buf[n] = '\0';
	uint32_t type;
	memcpy(&type, buf, sizeof(type));
	if (type == NOOK_SYNC_ERROR && (size_t)n == sizeof(struct nook_sync_msg)) {
		memcpy(err, buf + offsetof(struct nook_sync_msg, err), sizeof(*err));
		err->msg[sizeof(err->msg) - 1] = '\0';
		free(buf);
		return -1;
	}
	if (type != want) {
		free(buf);
		return nook_fail(err, EPROTO, "sync: expected message %u, got %u", want, type);
	}
	memmove(buf, buf + sizeof(type), (size_t)n - sizeof(type) + 1);
	*out = buf;
	return 0;
}
