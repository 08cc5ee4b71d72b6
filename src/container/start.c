/* nook_container_start: docs/design.md, "The create path", step 7.
 *
 * The init holds exec.fifo open read-write and blocks reading it. `start`
 * opens the fifo for reading first (so it sees the writers come and go),
 * then for writing (ENXIO: no reader, the init is gone), writes one byte
 * and closes its writer. The init's fd is close-on-exec, so when the last
 * writer is gone (POLLHUP) the init has either called execve or died. A
 * runtime that created the container in this same process also holds the
 * sync socket, and reads the init's own report of a failed execve there. */
#include "nook/container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/hooks.h"
#include "nook/log.h"
#include "nook/state.h"
#include "nook/sync.h"

static int open_fifo(int dirfd, int flags, struct nook_error *err)
{
	int fd = openat(dirfd, "exec.fifo", flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENXIO)
		return nook_fail(err, 0, "the container's init is not running");
	if (fd < 0)
		return nook_fail(err, errno, "open exec.fifo");
	return fd;
}

static int release_init(struct nook_container *c, struct nook_error *err)
{
	autoclose int reader = open_fifo(c->state_dirfd, O_RDONLY, err);
	autoclose int writer = -1;
	struct pollfd pfd;

	if (reader < 0)
		return -1;
	writer = open_fifo(c->state_dirfd, O_WRONLY, err);
	if (writer < 0)
		return -1;
	if (c->fifo_fd >= 0) { /* created by this process: drop our own end */
		close(c->fifo_fd);
		c->fifo_fd = -1;
	}
	if (write(writer, "1", 1) != 1)
		return nook_fail(err, errno, "write exec.fifo");
	close(writer);
	writer = -1;
	/* No events asked: only POLLHUP wakes us, not the unread byte. */
	pfd = (struct pollfd){.fd = reader, .events = 0};
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return nook_fail(err, errno, "wait for the container's process to start");
	unlinkat(c->state_dirfd, "exec.fifo", 0);
	return 0;
}

/* Same-process create: the init reports a failed execve on the sync socket;
 * end of file means the exec happened. */
static int exec_report(struct nook_container *c, struct nook_error *err)
{
	const struct nook_sync_wait w = {.until = NOOK_SYNC_EOF};
	int rc;

	if (c->sync_fd < 0)
		return 0;
	rc = nook_sync_wait(c->sync_fd, &w, err);
	close(c->sync_fd);
	c->sync_fd = -1;
	return rc;
}

/* poststart, in the runtime's namespaces, before start returns. runtime.md
 * lifecycle 9: a failing one is an error, the container is stopped and the
 * lifecycle goes on at step 12: nook deletes it (kills it, removes its
 * cgroup and state, runs poststop hooks), as crun does; runc only kills. */
static int run_poststart(struct nook_container *c, struct nook_error *err)
{
	if (c->spec.hooks.poststart.n == 0)
		return 0;
	autofree char *state = nook_container_state_json(c, false, err);
	if (state != NULL && nook_hooks_run(&c->spec.hooks.poststart, "poststart", state, err) == 0)
		return 0;
	struct nook_error del_err;
	if (nook_container_delete(c, true, &del_err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("poststart failed, and so did the delete after it: %s",
		          nook_error_text(&del_err, text, sizeof(text)));
	}
	return -1;
}

int nook_container_start(struct nook_container *c, struct nook_error *err)
{
	int status = nook_container_status(c);

	if (status != NOOK_CREATED)
		return nook_fail(err, 0,
		                 "container \"%s\" is %s, not created: it cannot be started", c->id,
		                 nook_status_name((enum nook_status)status));
	if (!c->have_spec || !c->spec.has_process)
		return nook_fail(err, 0,
		                 "container \"%s\" has no process in its config: nothing to start",
		                 c->id);
	if (release_init(c, err) < 0 || exec_report(c, err) < 0)
		return -1;
	return run_poststart(c, err);
}
