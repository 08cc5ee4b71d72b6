/* Facts about host processes from /proc. */
#ifndef NOOK_PROCFS_H
#define NOOK_PROCFS_H

#include <sys/types.h>

#include "nook/error.h"

/* Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. With
 * the pid it names one process for good (a reused pid has another). */
int nook_proc_start_time(pid_t pid, unsigned long long *out, struct nook_error *err);

/* Field 3 of /proc/<pid>/stat: R, S, D, Z (zombie), X (dead), ... */
int nook_proc_state(pid_t pid, char *out, struct nook_error *err);

/* Field 4 (the parent) and field 9 (the kernel's task flags, PF_*) of
 * /proc/<pid>/stat. */
int nook_proc_parent_flags(pid_t pid, pid_t *ppid, unsigned long *flags, struct nook_error *err);

#endif
