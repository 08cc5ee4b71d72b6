/* What the two processes nook clones into a container do alike: the
 * container's init (src/linux/init.c) and the process of `nook exec`
 * (src/linux/exec_child.c). Both follow the same outline:
 *
 *   nook_child_begin          first thing after clone: log lines to the
 *                             runtime over the sync socket, non-dumpable,
 *                             the runtime's fds closed, default signals
 *   ... wait for GO, enter the container (each its own way) ...
 *   nook_child_send_terminal  the terminal's master to the runtime (PTY)
 *   nook_process_new_session
 *   nook_child_prepare_exec   the last steps before execve, up to the
 *                             seccomp filter (see src/linux/lockdown.h),
 *                             the AppArmor profile and SELinux label last
 *                             (src/linux/lsm.h: opened with nook_lsm_open
 *                             into plan->lsm right after nook_child_begin)
 *   nook_child_send_listener  a filter with SCMP_ACT_NOTIFY loaded now,
 *                             its listener fd to the runtime (SECCOMP_FD)
 *   nook_exec_plan_run        the filter, then execve
 *
 * and every failure on the way ends in nook_child_fail. */
#ifndef NOOK_LINUX_CHILD_H
#define NOOK_LINUX_CHILD_H

#include <stdbool.h>
#include <stddef.h>

#include "linux/lockdown.h"
#include "nook/error.h"
#include "nook/spec.h"

/* sync_fd: the child's end of the sync socket; keep: fds besides it and
 * the caller's --preserve-fds to keep open (negative entries ignored).
 * maps_from_outside: the child is in a new user namespace whose id maps the
 * runtime writes now: it stays dumpable (until the init's GO) instead of
 * becoming non-dumpable here. */
void nook_child_begin(int sync_fd, int preserve_fds, const int *keep, size_t n_keep,
                      bool maps_from_outside);

/* Report err to the runtime as an ERROR message and exit 255. When nobody
 * listens any more (the init after a separate `create` returned), the
 * logger writes it to the child's own stderr instead. */
__attribute__((noreturn)) void nook_child_fail(int sync_fd, const struct nook_error *err);

/* With process.terminal: open the terminal in the container (bind_console:
 * the slave also goes on /dev/console) and send its master as PTY. */
int nook_child_send_terminal(int sync_fd, const struct nook_process *proc, bool bind_console,
                             struct nook_error *err);

/* process attributes (nook_process_setup), the seccomp filter compiled,
 * nook_lock_down, the profile and label for execve (nook_lsm_apply), then
 * every fd from 3+preserve_fds on close-on-exec. */
int nook_child_prepare_exec(const struct nook_spec *spec, int preserve_fds,
                            struct nook_exec_plan *plan, struct nook_error *err);

/* When plan's filter has an SCMP_ACT_NOTIFY rule: load it now with a
 * listener and send the fd as SECCOMP_FD (the filter is then out of the
 * plan: execve and startContainer hooks inherit it). From here on only
 * sendmsg is sure not to be notified before the agent has the fd. */
int nook_child_send_listener(int sync_fd, struct nook_exec_plan *plan, struct nook_error *err);

#endif
