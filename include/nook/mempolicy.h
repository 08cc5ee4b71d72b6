/* linux.memoryPolicy (config-linux.md "Memory policy", runtime-spec 1.3): the
 * NUMA memory policy of set_mempolicy(2), set by the container init and by
 * `nook exec` on themselves before execve (src/linux/process.c), as runc
 * does; the workload inherits it.
 *
 * nook_mempolicy_from_spec() is pure (src/spec/mempolicy_args.c) and is also
 * the create-time check (src/spec/support.c), so that what the kernel would
 * refuse on any host is refused before anything is made, naming the field:
 *   - nodes: "0-3,7" (decimal node numbers and ranges, comma-separated,
 *     spaces allowed around them; "" is no node), each below 1024, the
 *     largest MAX_NUMNODES of any Linux architecture;
 *   - MPOL_DEFAULT and MPOL_LOCAL take no node; MPOL_BIND, MPOL_INTERLEAVE,
 *     MPOL_WEIGHTED_INTERLEAVE and MPOL_PREFERRED_MANY at least one;
 *     MPOL_PREFERRED zero (local allocation) or more (as runc checks);
 *   - MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other, and
 *     neither goes with MPOL_LOCAL or an MPOL_PREFERRED without nodes;
 *     MPOL_F_NUMA_BALANCING only with MPOL_BIND or MPOL_PREFERRED_MANY
 *     (set_mempolicy(2), mm/mempolicy.c).
 * Whether the nodes exist and are in the container's cpuset.mems is the
 * kernel's to say (EINVAL). */
#ifndef NOOK_MEMPOLICY_H
#define NOOK_MEMPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "nook/error.h"
#include "nook/spec.h"

#define NOOK_MPOL_MAX_NODES 1024
#define NOOK_MPOL_LONG_BITS (8 * sizeof(unsigned long))

struct nook_mempolicy {
	int mode;   /* MPOL_* | MPOL_F_*, the first argument of set_mempolicy */
	bool nodes; /* at least one node: pass the mask */
	unsigned long mask[NOOK_MPOL_MAX_NODES / NOOK_MPOL_LONG_BITS];
};

/* Errors: "linux.memoryPolicy.nodes: expected a node list such as
 * \"0-3,7\", got \"bad\"". */
int nook_mempolicy_from_spec(const struct nook_memory_policy *m, struct nook_mempolicy *out,
                             struct nook_error *err);

/* "0-3,7" into `mask` (NOOK_MPOL_MAX_NODES bits); *count: nodes set.
 * Errors name no path: the caller adds it. */
int nook_mempolicy_parse_nodes(const char *s, unsigned long *mask, size_t *count,
                               struct nook_error *err);

/* The names nook knows, for `nook features`: NULL past the last. */
const char *nook_mempolicy_mode_name(size_t i);
const char *nook_mempolicy_flag_name(size_t i);

/* set_mempolicy on the calling thread; nothing when !m->present. */
int nook_mempolicy_apply(const struct nook_memory_policy *m, struct nook_error *err);

#endif
