/* nook_container_destroy: undo everything create made on the host, in
 * reverse. Safe at any point of a failed create, and for `delete` of a
 * container made by another process. The memory and fds of `c` stay until
 * nook_container_release(). */
#include "nook/container.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/state.h"

/* Wait for a process that is not our child to be gone. */
static void wait_gone(int pidfd)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
}

/* A frozen (paused) init does not die of SIGKILL until it is thawed. */
static void thaw(struct nook_container *c)
{
	struct nook_error ignored;

	if (c->have_cgroup)
		nook_cgroup_freeze(&c->cgroup, false, &ignored);
}

static int kill_init(struct nook_container *c, struct nook_error *err)
{
	if (c->pid <= 0 || c->exited)
		return 0;
	if (c->is_parent) {
		kill(c->pid, SIGKILL);
		thaw(c);
		while (waitpid(c->pid, &c->wait_status, 0) < 0 && errno == EINTR)
			;
		c->exited = true;
		return 0;
	}
	/* pidfd first, then check it is still our init: a pid reused after the
	 * check could otherwise get the signal. */
	autoclose int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? 0 : nook_fail(err, errno, "pidfd_open %d", (int)c->pid);
	if (!nook_container_init_alive(c))
		return 0;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return nook_fail(err, errno, "kill the container's init (pid %d)", (int)c->pid);
	thaw(c);
	wait_gone(pidfd);
	c->exited = true;
	return 0;
}

int nook_container_destroy(struct nook_container *c, struct nook_error *err)
{
	int rc = kill_init(c, err);

	if (c->have_cgroup) {
		struct nook_error cg_err;
		if (nook_cgroup_destroy(&c->cgroup, &cg_err) < 0 && rc == 0) {
			*err = cg_err;
			rc = -1;
		}
		nook_cgroup_free(&c->cgroup);
		c->have_cgroup = false;
	}
	if (c->have_state_dir || c->state_dirfd >= 0) {
		struct nook_error state_err;
		if (nook_state_dir_remove(c->root, c->id, &state_err) < 0 && rc == 0) {
			*err = state_err;
			rc = -1;
		}
		c->have_state_dir = false;
	}
	return rc;
}
