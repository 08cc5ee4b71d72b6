/* The job's network (issue 14, point 6). none (the default) is the config's
 * own network namespace with only loopback; host drops that namespace from
 * the config (src/spec/job_config.c). bridge adds, through the CNI runner
 * (cni.h: Debian's bridge and host-local plugins), an interface eth0 with
 * an address of nook's bridge network (10.77.0.0/24 on the host bridge
 * nook0, whose address is the job's default gateway).
 *
 * job_net_up runs once the container's network namespace exists (the init
 * waits for start, so /proc/<init pid> is still ours) and before the
 * workload starts. The namespace is held open from ADD to DEL: DEL, after
 * the job stopped, acts on that namespace (its veth goes before nook job
 * returns), never on whatever a reused pid would name. When nook job is
 * killed, its keeper calls job_net_forget after the delete: the namespace
 * died with the job's processes, and with it the veth; the lease is
 * released by the container id. */
#include "container/job_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "container/cni.h"
#include "nook/log.h"

#define JOB_IFNAME "eth0"

/* One job per nook job process. */
static struct {
	int nsfd; /* the job's network namespace, ADD to DEL */
	struct nook_cni_result res;
} attached = {.nsfd = -1};

int job_net_up(const struct nook_job_opts *o, struct nook_container *c, struct nook_error *err)
{
	struct nook_cni_net net;
	char path[64];

	if (o->spec.network != NOOK_JOB_NET_BRIDGE)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nook_fail(err, errno, "--network bridge: the job's network namespace %s",
		                 path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nook_cni_default_net(&net);
	if (nook_cni_add(&net, c->id, path, JOB_IFNAME, &attached.res, err) < 0) {
		close(fd);
		return nook_error_prefix(err, "--network bridge");
	}
	attached.nsfd = fd;
	nook_debug("job %s: %s on %s, gateway %s", c->id, attached.res.address, NOOK_CNI_BRIDGE,
	           attached.res.gateway);
	return 0;
}

static void del(const char *id, const char *netns, const struct nook_cni_result *prev)
{
	struct nook_cni_net net;
	struct nook_error err;

	nook_cni_default_net(&net);
	if (nook_cni_del(&net, id, netns, JOB_IFNAME, prev, &err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("--network bridge: release the job's address: %s",
		          nook_error_text(&err, text, sizeof(text)));
	}
}

void job_net_down(const struct nook_job_opts *o, struct nook_container *c)
{
	char path[64];

	if (o->spec.network != NOOK_JOB_NET_BRIDGE || attached.nsfd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", attached.nsfd);
	del(c->id, path, &attached.res);
	close(attached.nsfd);
	attached.nsfd = -1;
	nook_cni_result_free(&attached.res);
}

void job_net_forget(const char *id)
{
	del(id, NULL, NULL);
}
