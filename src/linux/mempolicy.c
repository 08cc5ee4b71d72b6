/* linux.memoryPolicy: set_mempolicy(2) on the calling thread (see
 * include/nook/mempolicy.h), called raw: libnuma is not a dependency. */
#include "nook/mempolicy.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int nook_mempolicy_apply(const struct nook_memory_policy *m, struct nook_error *err)
{
	struct nook_mempolicy mp;

	if (!m->present)
		return 0;
	if (nook_mempolicy_from_spec(m, &mp, err) < 0)
		return -1;
	/* maxnode: the kernel reads maxnode - 1 bits (get_nodes() in
	 * mm/mempolicy.c), hence the + 1. */
	if (syscall(SYS_set_mempolicy, mp.mode, mp.nodes ? mp.mask : NULL,
	            mp.nodes ? NOOK_MPOL_MAX_NODES + 1UL : 0UL) == 0)
		return 0;
	int e = errno;
	return nook_fail(err, e, "linux.memoryPolicy: set_mempolicy %s%s%s%s", m->mode,
	                 mp.nodes ? " nodes " : "", mp.nodes ? m->nodes : "",
	                 e == EINVAL && mp.nodes
	                     ? " (are the nodes online, with memory, and in the container's "
	                       "cpuset.mems?)"
	                     : "");
}
