/* The job's network (issue 14, point 6). none (the default) is the config's
 * own network namespace with only loopback; host drops that namespace from
 * the config (src/spec/job_config.c). bridge is the hook for the CNI plugin
 * runner: in job_net_up, the container's network namespace exists
 * (/proc/<init pid>/ns/net, the init waits for start) and the workload has
 * not started; it calls the CNI ADD of the bridge network there, and
 * job_net_down calls DEL after the job stopped and before the delete. */
#include "container/job_internal.h"

int job_net_up(const struct nook_job_opts *o, struct nook_container *c, struct nook_error *err)
{
	(void)c;
	if (o->spec.network != NOOK_JOB_NET_BRIDGE)
		return 0;
	/* Here: nook_cni_add(net, c->id, "/proc/<c->pid>/ns/net", ...). */
	return nook_fail(err, 0, "--network bridge: not yet supported");
}

void job_net_down(const struct nook_job_opts *o, struct nook_container *c)
{
	(void)c;
	if (o->spec.network != NOOK_JOB_NET_BRIDGE)
		return;
	/* Here: nook_cni_del(net, c->id, ...), a failure a warning. */
}
