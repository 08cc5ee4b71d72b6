/* nook_container_destroy: undo everything create made, in reverse. Safe to
 * call at any point of a failed create. */
#include "nook/container.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/state.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void kill_init(struct nook_container *c)
{
	if (c->pid <= 0 || c->exited)
		return;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &c->wait_status, 0) < 0 && errno == EINTR)
		;
	c->exited = true;
}

int nook_container_destroy(struct nook_container *c, struct nook_error *err)
{
	int rc = 0;

	kill_init(c);
	close_fd(&c->sync_fd);
	close_fd(&c->fifo_fd);
	close_fd(&c->pty_master);
	if (c->have_cgroup) {
		rc = nook_cgroup_destroy(&c->cgroup, err);
		nook_cgroup_free(&c->cgroup);
		c->have_cgroup = false;
	}
	if (c->have_state_dir) {
		struct nook_error state_err;
		if (nook_state_dir_remove(c->root, c->id, &state_err) < 0 && rc == 0) {
			*err = state_err;
			rc = -1;
		}
		c->have_state_dir = false;
	}
	close_fd(&c->state_dirfd);
	if (c->have_spec) {
		nook_spec_free(&c->spec);
		c->have_spec = false;
	}
	return rc;
}
