/* The status of a container, derived from the live process. */
#include "nook/container.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nook/procfs.h"
#include "nook/state.h"

bool nook_container_init_alive(const struct nook_container *c)
{
	struct nook_error ignored;
	unsigned long long start;
	char state;

	/* state.json records the pid and its start time together (create saves
	 * both at once): a pid without a start time, or with another one, is
	 * not this container's init but whatever process has that pid now, and
	 * kill or delete --force would signal it (issue 9). */
	if (c->pid <= 0 || c->start_time == 0)
		return false;
	if (nook_proc_start_time(c->pid, &start, &ignored) < 0)
		return false;
	if (start != c->start_time)
		return false; /* the pid now names another process */
	if (nook_proc_state(c->pid, &state, &ignored) < 0)
		return false;
	return state != 'Z' && state != 'X';
}

int nook_container_status(struct nook_container *c)
{
	if (!nook_container_init_alive(c))
		return NOOK_STOPPED;
	if (c->saved_status == NOOK_CREATING)
		return NOOK_CREATING;
	if (c->have_cgroup) {
		struct nook_error ignored;
		bool frozen = false;
		if (nook_cgroup_is_frozen(&c->cgroup, &frozen, &ignored) == 0 && frozen)
			return NOOK_PAUSED;
	}
	if (faccessat(c->state_dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return NOOK_CREATED;
	return NOOK_RUNNING;
}

char *nook_container_state_json(struct nook_container *c, bool pretty, struct nook_error *err)
{
	int status = nook_container_status(c);
	struct nook_state st = {
	    .id = c->id,
	    .status = (enum nook_status)status,
	    .pid = status == NOOK_STOPPED ? 0 : c->pid,
	    .start_time = c->start_time,
	    .bundle = c->bundle,
	    .rootfs = c->rootfs,
	    .owner = c->owner,
	    .annotations = c->have_spec ? &c->spec.annotations : NULL,
	};

	memcpy(st.created, c->created, sizeof(st.created));
	return nook_state_render(&st, pretty, err);
}
