/* nook_container_start: DESIGN.md step 7. One byte on exec.fifo lets the
 * init execve; end of file on the sync socket then says the exec happened
 * (the socket is close-on-exec), an ERROR message says it did not. */
#include "nook/container.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "nook/state.h"
#include "nook/sync.h"

int nook_container_start(struct nook_container *c, struct nook_error *err)
{
	struct nook_sync_msg msg;
	ssize_t n;
	int rc;

	do
		n = write(c->fifo_fd, "1", 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return nook_fail(err, errno, "start: write exec.fifo");
	close(c->fifo_fd);
	c->fifo_fd = -1;
	unlinkat(c->state_dirfd, "exec.fifo", 0);

	rc = nook_sync_recv(c->sync_fd, &msg, NULL, err);
	if (rc < 0)
		return -1;
	if (rc == 1 && msg.type == NOOK_SYNC_ERROR) {
		*err = msg.err;
		return -1;
	}
	close(c->sync_fd);
	c->sync_fd = -1;
	return 0;
}
