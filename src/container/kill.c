/* kill and delete of an existing container. */
#include "nook/container.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/hooks.h"
#include "nook/log.h"
#include "nook/state.h"

int nook_container_kill(struct nook_container *c, int sig, bool all, struct nook_error *err)
{
	int status = nook_container_status(c);

	if (status == NOOK_STOPPED)
		return nook_fail(err, 0, "container \"%s\" is not running", c->id);
	if (all && c->have_cgroup)
		return nook_cgroup_signal_all(&c->cgroup, sig, err);
	autoclose int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (pidfd < 0 || !nook_container_init_alive(c))
		return nook_fail(err, 0, "container \"%s\" is not running", c->id);
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return nook_fail(err, errno, "send signal %d to container \"%s\"", sig, c->id);
	return 0;
}

/* runtime.md lifecycle 13: poststop hooks run after the container is
 * deleted; a failing one is a warning, and the ones after it still run. */
static void run_poststop(struct nook_container *c)
{
	const struct nook_hooks_opts opts = {.keep_going = true};
	struct nook_error err;
	autofree char *state = NULL;

	if (!c->have_spec || c->spec.hooks.poststop.n == 0)
		return;
	state = nook_container_state_json(c, false, &err);
	if (state == NULL) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("hooks.poststop: %s", nook_error_text(&err, text, sizeof(text)));
		return;
	}
	/* Each failure was a warning already. */
	nook_hooks_run_opts(&c->spec.hooks.poststop, "poststop", state, &opts, &err);
}

int nook_container_delete(struct nook_container *c, bool force, struct nook_error *err)
{
	if (c->deleted)
		return 0;
	int status = nook_container_status(c);

	if (c->not_ours)
		return 0; /* deleted by another nook (which ran poststop), or locked by one */
	/* runtime.md: deleting a container that is not stopped MUST fail. nook
	 * keeps that for running and paused ones, but deletes a created one,
	 * whose process never ran (its init is killed), as runc and crun do:
	 * containerd's runc shim deletes a created, never started task without
	 * --force, and crun's suite checks it (test_start.py
	 * delete-in-created-state). */
	if (status != NOOK_STOPPED && status != NOOK_CREATED && !force)
		return nook_fail(err, 0,
		                 "container \"%s\" is %s: only a stopped container can be deleted "
		                 "(or use --force)",
		                 c->id, nook_status_name((enum nook_status)status));
	c->have_state_dir = true;
	if (nook_container_destroy(c, err) < 0)
		return -1;
	c->deleted = true;
	run_poststop(c);
	return 0;
}
