/* nook_container_destroy: undo everything create made on the host, in
 * reverse. Safe at any point of a failed create, and for `delete` of a
 * container made by another process. The memory and fds of `c` stay until
 * nook_container_release(). */
#include "nook/container.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/intel_rdt.h"
#include "nook/log.h"
#include "nook/state.h"

/* How long a SIGKILLed init may take to be gone. */
#define KILL_WAIT_MS 10000

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait at most ms for the process of pidfd to exit. */
static bool wait_gone(int pidfd, int ms)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	long long deadline = now_ms() + ms;

	for (;;) {
		long long left = deadline - now_ms();
		int n = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (n < 0 && errno == EINTR && left > 0)
			continue;
		return n > 0;
	}
}

/* A frozen init does not die of SIGKILL until it is thawed (v1). Our own
 * freezer we thaw, whoever froze it; another one (an ancestor of ours, or
 * one the init was moved into) is not ours to thaw: then fail at once. */
static int thaw(struct nook_container *c, struct nook_error *err)
{
	char who[4096];

	if (!c->have_cgroup)
		return 0;
	nook_cgroup_thaw_nowait(&c->cgroup);
	if (nook_cgroup_frozen_elsewhere(&c->cgroup, c->pid, who, sizeof(who)))
		return nook_fail(err, 0,
		                 "cannot kill the container's init (pid %d): it is frozen by %s, a "
		                 "freezer cgroup nook did not make; thaw that one, then delete "
		                 "again",
		                 (int)c->pid, who);
	return 0;
}

/* SIGKILL through a pidfd, thaw, then a bounded wait (issue 8: a delete
 * never hangs). */
static int kill_init(struct nook_container *c, struct nook_error *err)
{
	if (c->pid <= 0 || c->exited)
		return 0;
	autoclose int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? 0 : nook_fail(err, errno, "pidfd_open %d", (int)c->pid);
	/* Not our child: a pid reused before pidfd_open would be another
	 * process; the start time tells. Our child's pid cannot be reused
	 * before we reap it. */
	if (!c->is_parent && !nook_container_init_alive(c))
		return 0;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return nook_fail(err, errno, "kill the container's init (pid %d)", (int)c->pid);
	if (thaw(c, err) < 0)
		return -1;
	if (!wait_gone(pidfd, KILL_WAIT_MS))
		return nook_fail(err, 0,
		                 "the container's init (pid %d) is still alive %d s after SIGKILL",
		                 (int)c->pid, KILL_WAIT_MS / 1000);
	if (c->is_parent)
		while (waitpid(c->pid, &c->wait_status, 0) < 0 && errno == EINTR)
			;
	c->exited = true;
	return 0;
}

/* linux.intelRdt: the groups nook_rdt_apply made; without a resctrl
 * mount there is none. */
static int remove_intel_rdt(struct nook_container *c, struct nook_error *err)
{
	char root[PATH_MAX];
	struct nook_error none;

	if (!c->have_spec || !c->spec.linux.intel_rdt.present ||
	    nook_rdt_find_root(root, sizeof(root), &none) < 0)
		return 0;
	return nook_rdt_remove(root, &c->spec.linux.intel_rdt, c->id, err);
}

/* A failure leaves the rest (cgroups, state directory) as it is, so that
 * the container is still there for `delete --force` to finish later. */
int nook_container_destroy(struct nook_container *c, struct nook_error *err)
{
	if (kill_init(c, err) < 0)
		return nook_error_prefix(err, "container \"%s\" is kept", c->id);
	if (c->have_cgroup) {
		if (nook_cgroup_destroy(&c->cgroup, err) < 0)
			return nook_error_prefix(err, "container \"%s\" is kept", c->id);
		nook_cgroup_free(&c->cgroup);
		c->have_cgroup = false;
	}
	if (remove_intel_rdt(c, err) < 0)
		return nook_error_prefix(err, "container \"%s\" is kept", c->id);
	if (c->have_state_dir || c->state_dirfd >= 0) {
		if (nook_state_dir_remove(c->root, c->id, err) < 0)
			return -1;
		c->have_state_dir = false;
	}
	return 0;
}
