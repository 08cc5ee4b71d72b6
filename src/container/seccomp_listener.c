/* The listener fd to the seccomp agent (config-linux.md "Seccomp",
 * listenerPath and listenerMetadata; "The Container Process State"): one
 * connection, one state, the fd in the first sendmsg, then closed. */
#include "container/seccomp_listener.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/json_gen.h"

/* The runtime-spec version the state follows (as state.json's). */
#define PROCESS_STATE_VERSION "1.3.0"

/* {"ociVersion", "fds", "pid", "metadata", "state"}: the state is c's own
 * JSON (nook_container_state_json), spliced in as the last member. */
static char *process_state(struct nook_container *c, pid_t pid, struct nook_error *err)
{
	const char *metadata = c->spec.linux.seccomp.listener_metadata;
	autofree char *state = nook_container_state_json(c, false, err);
	struct nook_gen g = {.g = yajl_gen_alloc(NULL)};
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (state == NULL) {
		if (g.g != NULL)
			yajl_gen_free(g.g);
		return NULL;
	}
	if (g.g == NULL) {
		nook_fail(err, ENOMEM, "seccomp state");
		return NULL;
	}
	nook_gen_open_map(&g, NULL);
	nook_gen_key_str(&g, "ociVersion", PROCESS_STATE_VERSION);
	nook_gen_open_array(&g, "fds");
	nook_gen_str(&g, "seccompFd");
	nook_gen_close_array(&g);
	nook_gen_key_uint(&g, "pid", (unsigned long long)pid);
	if (metadata != NULL)
		nook_gen_key_str(&g, "metadata", metadata);
	nook_gen_close_map(&g);
	/* buf is "{...}": its closing brace gives way to the state. */
	if (!g.failed && yajl_gen_get_buf(g.g, &buf, &len) == yajl_gen_status_ok && len >= 2 &&
	    asprintf(&out, "%.*s,\"state\":%s}", (int)(len - 1), (const char *)buf, state) < 0)
		out = NULL;
	yajl_gen_free(g.g);
	if (out == NULL)
		nook_fail(err, ENOMEM, "seccomp state");
	return out;
}

static int connect_to(const char *path, struct nook_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	autoclose int sock = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return nook_fail(err, ENAMETOOLONG, "linux.seccomp.listenerPath %s", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return nook_fail(err, errno, "linux.seccomp.listenerPath %s: socket", path);
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return nook_fail(err, errno,
		                 "linux.seccomp.listenerPath %s: connect to the seccomp agent",
		                 path);
	return nook_steal_fd(&sock);
}

/* The JSON, the fd with its first bytes only ("If more than one sendmsg(2)
 * is used, the file descriptors MUST be sent only in the first call"). */
static int send_state(int sock, const char *json, int fd, const char *path, struct nook_error *err)
{
	size_t len = strlen(json), done = 0;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control = {0};

	while (done < len) {
		struct iovec iov = {.iov_base = (char *)json + done, .iov_len = len - done};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n;

		if (done == 0) {
			msg.msg_control = control.buf;
			msg.msg_controllen = sizeof(control.buf);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nook_fail(err, n < 0 ? errno : EIO,
			                 "linux.seccomp.listenerPath %s: send the seccomp state",
			                 path);
		done += (size_t)n;
	}
	return 0;
}

int nook_seccomp_listener_send(struct nook_container *c, pid_t pid, int fd, struct nook_error *err)
{
	const char *path = c->spec.linux.seccomp.listener_path;
	autoclose int owned = fd;
	autofree char *json = NULL;
	autoclose int sock = -1;

	if (path == NULL) /* refused by src/spec/support.c */
		return nook_fail(err, EINVAL, "linux.seccomp.listenerPath: not set");
	json = process_state(c, pid, err);
	if (json == NULL)
		return -1;
	sock = connect_to(path, err);
	if (sock < 0)
		return -1;
	return send_state(sock, json, owned, path, err);
}
