/* clone3 like fork (SIGCHLD on exit), into new namespaces and, on cgroup v2,
 * straight into the container's cgroup. */
#ifndef NOOK_CLONE_H
#define NOOK_CLONE_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/error.h"

/* flags: CLONE_NEW*. cgroup_fd >= 0: CLONE_INTO_CGROUP that v2 directory;
 * when the kernel refuses that (EINVAL, ENOSYS, E2BIG), a plain clone3, and
 * the caller attaches the child itself. *into_cgroup says which happened.
 * Returns 0 in the child, the pid in the parent, -1 with errno. */
pid_t nook_clone(unsigned long flags, int cgroup_fd, bool *into_cgroup);

/* nook_clone with a sync socket (include/nook/sync.h) between the runtime
 * and the child. Returns 0 in the child, *sync_fd its end; the pid in the
 * runtime, *sync_fd the runtime's end; or -1 with err, nothing left open. */
pid_t nook_clone_synced(unsigned long flags, int cgroup_fd, bool *into_cgroup, int *sync_fd,
                        struct nook_error *err);

#endif
