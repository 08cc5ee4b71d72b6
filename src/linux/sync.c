#include "nook/sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"

static const char *const names[NOOK_SYNC_TYPE_COUNT] = {
    [NOOK_SYNC_EOF] = "end of file",
    [NOOK_SYNC_HOOK_STATE] = "HOOK_STATE",
    [NOOK_SYNC_GO] = "GO",
    [NOOK_SYNC_MOUNTS_REQUEST] = "MOUNTS_REQUEST",
    [NOOK_SYNC_MOUNTS_REPLY] = "MOUNTS_REPLY",
    [NOOK_SYNC_HOOKS_REQUEST] = "HOOKS_REQUEST",
    [NOOK_SYNC_HOOKS_REPLY] = "HOOKS_REPLY",
    [NOOK_SYNC_PTY] = "PTY",
    [NOOK_SYNC_SECCOMP_FD] = "SECCOMP_FD",
    [NOOK_SYNC_READY] = "READY",
    [NOOK_SYNC_ERROR] = "ERROR",
    [NOOK_SYNC_LOG] = "LOG",
};

const char *nook_sync_name(uint32_t type)
{
	if (type >= NOOK_ARRAY_SIZE(names) || names[type] == NULL)
		return "unknown";
	return names[type];
}

int nook_sync_unexpected(uint32_t got, enum nook_sync_type want, struct nook_error *err)
{
	return nook_fail(err, EPROTO, "sync: unexpected message %s (%u) while waiting for %s",
	                 nook_sync_name(got), got, nook_sync_name(want));
}

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
		return nook_fail(err, n < 0 ? errno : EIO, "sync: send %s", nook_sync_name(type));
	return 0;
}

/* A LOG message on the wire: the type, the level, then the text without
 * its NUL. */
struct log_msg {
	uint32_t type;
	uint32_t level;
	char text[NOOK_LOG_MSG_MAX];
};

static int send_log(int sock, enum nook_log_level level, const char *msg)
{
	struct log_msg m = {.type = NOOK_SYNC_LOG, .level = level};
	size_t len = strnlen(msg, sizeof(m.text));
	ssize_t n;

	memcpy(m.text, msg, len);
	do
		n = send(sock, &m, offsetof(struct log_msg, text) + len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

void nook_sync_route_log(int sock)
{
	nook_log_relay_to(send_log, sock);
}

/* A LOG message of n bytes: out by our own route. */
static void relay_log(const struct log_msg *m, size_t n)
{
	char text[NOOK_LOG_MSG_MAX + 1];
	size_t len = n - offsetof(struct log_msg, text);
	enum nook_log_level level = NOOK_LOG_WARN;

	if (m->level <= NOOK_LOG_ERROR)
		level = (enum nook_log_level)m->level;
	memcpy(text, m->text, len);
	text[len] = '\0';
	nook_log_relayed(level, text);
}

static bool is_log(const void *buf, size_t n)
{
	uint32_t type;

	if (n < offsetof(struct log_msg, text))
		return false;
	memcpy(&type, buf, sizeof(type));
	return type == NOOK_SYNC_LOG;
}

/* One message, whatever its type; a passed fd lands in *fd (or is closed). */
static ssize_t recv_one(int sock, void *buf, size_t size, int *fd, struct nook_error *err)
{
	struct iovec iov = {.iov_base = buf, .iov_len = size};
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

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nook_fail(err, errno, "sync: receive");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int passed;
			memcpy(&passed, CMSG_DATA(cm), sizeof(int));
			if (fd != NULL && *fd < 0)
				*fd = passed;
			else
				close(passed);
		}
	}
	if (mh.msg_flags & MSG_TRUNC)
		return nook_fail(err, EPROTO, "sync: message longer than %zu bytes", size);
	return n;
}

int nook_sync_recv(int sock, struct nook_sync_msg *msg, int *fd_out, struct nook_error *err)
{
	union {
		struct nook_sync_msg msg;
		struct log_msg log;
	} u;
	int fd = -1;
	ssize_t n;

	if (fd_out != NULL)
		*fd_out = -1;
	for (;;) {
		n = recv_one(sock, &u, sizeof(u), &fd, err);
		if (n <= 0 || !is_log(&u, (size_t)n))
			break;
		relay_log(&u.log, (size_t)n);
		if (fd >= 0) { /* nothing travels with LOG */
			close(fd);
			fd = -1;
		}
	}
	if (n > 0 && n != (ssize_t)sizeof(*msg))
		n = nook_fail(err, EPROTO, "sync: short message (%zd bytes)", n);
	if (n <= 0) {
		if (fd >= 0)
			close(fd);
		return (int)n;
	}
	if (fd_out != NULL)
		*fd_out = fd;
	else if (fd >= 0)
		close(fd);
	*msg = u.msg;
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';
	return 1;
}

/* One message of a wait: 1 when it ends the wait, 0 to go on, -1 on error. */
static int wait_step(int sock, const struct nook_sync_wait *w, struct nook_error *err)
{
	struct nook_sync_msg msg;
	autoclose int fd = -1;
	int rc = nook_sync_recv(sock, &msg, &fd, err);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (w->until == NOOK_SYNC_EOF)
			return 1;
		if (w->eof_what != NULL)
			return nook_fail(err, 0, "%s", w->eof_what);
		return nook_fail(err, 0, "sync: end of file while waiting for %s",
		                 nook_sync_name(w->until));
	}
	if (msg.type == NOOK_SYNC_ERROR) {
		*err = msg.err;
		return -1;
	}
	if (msg.type == w->until)
		return 1;
	if (msg.type == NOOK_SYNC_PTY && w->pty_fd != NULL) {
		if (*w->pty_fd >= 0)
			close(*w->pty_fd);
		*w->pty_fd = fd;
		fd = -1;
		return 0;
	}
	if (msg.type == NOOK_SYNC_SECCOMP_FD && w->seccomp_fd != NULL) {
		int passed = fd;

		fd = -1;
		if (passed < 0)
			return nook_fail(err, EPROTO, "sync: SECCOMP_FD without its fd");
		return w->seccomp_fd(w->ctx, passed, err) < 0 ? -1 : 0;
	}
	if ((msg.type == NOOK_SYNC_MOUNTS_REQUEST || msg.type == NOOK_SYNC_HOOKS_REQUEST) &&
	    w->answer != NULL)
		return w->answer(w->ctx, (enum nook_sync_type)msg.type, err) < 0 ? -1 : 0;
	return nook_sync_unexpected(msg.type, w->until, err);
}

int nook_sync_wait(int sock, const struct nook_sync_wait *w, struct nook_error *err)
{
	int rc;

	while ((rc = wait_step(sock, w, err)) == 0)
		;
	return rc < 0 ? -1 : 0;
}

int nook_sync_expect(int sock, enum nook_sync_type want, const char *eof_what,
                     struct nook_error *err)
{
	const struct nook_sync_wait w = {.until = want, .eof_what = eof_what};

	return nook_sync_wait(sock, &w, err);
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
	for (;;) {
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
		n = recv_one(sock, buf, (size_t)size, NULL, err);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n != size || n < (ssize_t)sizeof(uint32_t)) {
			free(buf);
			return nook_fail(err, EPROTO, "sync: receive");
		}
		if (!is_log(buf, (size_t)n) || (size_t)n > sizeof(struct log_msg))
			break;
		relay_log((const struct log_msg *)(const void *)buf, (size_t)n);
		free(buf);
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
		return nook_sync_unexpected(type, want, err);
	}
	memmove(buf, buf + sizeof(type), (size_t)n - sizeof(type) + 1);
	*out = buf;
	return 0;
}
