/* Which fds reach the container's processes (CVE-2024-21626).
 *
 * Every fd nook opens itself is close-on-exec; the fds nook's caller passed
 * are not (they survived the caller's execve). `--preserve-fds N` therefore
 * passes on the caller's fds among 3 .. 3+N-1, never one of nook's that
 * happens to sit in that range (the state directory when the caller left
 * fd 3 closed); a number in the range the caller did not open is skipped,
 * as in runc and crun.
 *
 * The init and `exec`'s process call nook_fds_close_inherited first, before
 * they join a namespace or chdir, so no fd of the runtime (state directory,
 * cgroup directories, pidfd) can be reached as /proc/self/fd/N from
 * process.cwd or by the container; nook_fds_close_on_exec goes last, before
 * execve, for what was opened since. */
#ifndef NOOK_FDS_H
#define NOOK_FDS_H

#include <stddef.h>

#include "nook/error.h"

/* Close every fd above 2 but keep[] (negative entries ignored) and the
 * caller's own fds among 3 .. 3+preserve_fds-1. */
void nook_fds_close_inherited(int preserve_fds, const int *keep, size_t n_keep);

/* Every fd from 3+preserve_fds on close-on-exec. Those below stay as they
 * are: the caller's open, nook's close-on-exec. */
int nook_fds_close_on_exec(int preserve_fds, struct nook_error *err);

#endif
