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

/* runtime.md: poststop hooks run after the container is deleted; a failing
 * one is a warning and the delete goes on. */
static void run_poststop(struct nook_container *c)
{
	struct nook_error err;
	autofree char *state = NULL;

	if (!c->have_spec || c->spec.hooks.poststop.n == 0)
		return;
	state = nook_container_state_json(c, false, &err);
	if (state == NULL || nook_hooks_run(&c->spec.hooks.poststop, "poststop", state, &err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("%s", nook_error_text(&err, text, sizeof(text)));
	}
}

int nook_container_delete(struct nook_container *c, bool force, struct nook_error *err)
{
	int status = nook_container_status(c);

	if (c->not_ours)
		return 0; /* deleted by another nook (which ran poststop), or locked by one */
	if (status != NOOK_STOPPED && !force)
		return nook_fail(err, 0,
		                 "container \"%s\" is %s: only a stopped container can be deleted "
		                 "(or use --force)",
		                 c->id, nook_status_name((enum nook_status)status));
	c->have_state_dir = true;
	if (nook_container_destroy(c, err) < 0)
		return -1;
	run_poststop(c);
	return 0;
}
