/* The last steps before execve, shared by the init and `exec`'s process.
 *
 * nook_lock_down, while the process is still root of its namespaces:
 *   env         process.env, plus HOME from the container's /etc/passwd
 *   bounding    PR_CAPBSET_DROP of all not in "bounding"
 *   user        groups, gid, uid (KEEPCAPS)
 *   caps        effective, permitted, inheritable, ambient
 *   exec        umask, chdir(cwd) and a check that the cwd is inside the
 *               container's root, args[0] found in the container's PATH
 *   NNP         process.noNewPrivileges
 * then the caller marks fds close-on-exec (nook_fds_close_on_exec), and
 * the init reports READY, waits for `start` and runs startContainer hooks;
 * last, nook_exec_plan_run loads the seccomp filter with one seccomp(2)
 * call and calls execve: nothing else runs under the filter, so a profile
 * needs to allow only what the workload itself needs (runc and crun run
 * their lookup, fifo, hooks and fd closing after it).
 *
 * Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: runc and crun
 * load it before the user switch then, and the filter must allow setresuid,
 * capset and the rest. nook keeps CAP_SYS_ADMIN in the effective and
 * permitted sets instead, and the filter goes in last as well; execve then
 * sets the workload's capabilities exactly as it would have (see
 * keep_sys_admin in src/linux/lockdown.c). */
#ifndef NOOK_LOCKDOWN_H
#define NOOK_LOCKDOWN_H

#include <limits.h>
#include <stddef.h>

#include "linux/lsm.h"
#include "nook/error.h"
#include "nook/security.h"
#include "nook/spec.h"

/* What execve gets, made by nook_lock_down. */
struct nook_exec_plan {
	char exe[PATH_MAX];                 /* args[0] found in the PATH */
	char *const *argv;                  /* process.args */
	char **envp;                        /* process.env (+ HOME) */
	struct nook_seccomp_filter *filter; /* NULL: none */
	struct nook_lsm lsm;                /* the exec attribute, opened early */
};

int nook_lock_down(const struct nook_process *proc, struct nook_seccomp_filter *filter,
                   struct nook_exec_plan *plan, struct nook_error *err);

/* Load the filter, then execve. Returns only on failure. */
int nook_exec_plan_run(const struct nook_exec_plan *plan, struct nook_error *err);

#endif
