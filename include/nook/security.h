/* What the init does to itself last, just before execve: user and groups,
 * rlimits, capabilities, no_new_privs, seccomp, personality and the process
 * attributes of config.md "process".
 *
 * Order in the init (see src/linux/init.c), each step a call below:
 *   nook_oom_score_adj_for_child() by the runtime, inherited at clone
 *   nook_process_setup()      rlimits, personality, ioPriority, scheduler,
 *                             memoryPolicy
 *                             (before the user change, while still root)
 *   nook_seccomp_prepare()    compile linux.seccomp into a BPF program
 *   then nook_lock_down() (src/linux/lockdown.h):
 *   nook_caps_prepare()       names to cap values; unknown: a warning
 *   nook_caps_drop_bounding() PR_CAPBSET_DROP of all not in "bounding"
 *   nook_user_switch()        setgroups/setresgid/setresuid with KEEPCAPS
 *   nook_caps_apply()         capset effective/permitted/inheritable, ambient
 *   nook_process_prepare_exec() cwd, find args[0] in the container's PATH
 *   no_new_privs; and last nook_seccomp_load() right before execve. */
#ifndef NOOK_SECURITY_H
#define NOOK_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* ---- process attributes ---- */

/* rlimits (a hard limit above the current one without CAP_SYS_RESOURCE
 * gets an error that says so), personality, ioPriority, process.scheduler
 * (include/nook/scheduler.h), linux.memoryPolicy (include/nook/mempolicy.h). */
int nook_process_setup(const struct nook_spec *spec, struct nook_error *err);

/* process.oomScoreAdj for the next child, which inherits it at clone: the
 * runtime writes it into its own /proc/self/oom_score_adj right before the
 * clone and puts *saved back right after with nook_oom_score_adj_restore
 * (nothing when absent or equal). Lowering needs CAP_SYS_RESOURCE; the error
 * says so. */
#define NOOK_OOM_NOTHING_SAVED (-2000)
int nook_oom_score_adj_for_child(const struct nook_process *proc, int *saved,
                                 struct nook_error *err);
void nook_oom_score_adj_restore(int saved);

/* setsid() unless we lead a session already (opening a terminal does it). */
int nook_process_new_session(struct nook_error *err);

/* mkdir -p process.cwd (0755) in the current root; failures are ignored,
 * the chdir reports them. */
void nook_process_make_cwd(const struct nook_process *proc);

/* chdir(cwd), umask, and the absolute path of args[0] searched in the PATH of
 * process.env (not the runtime's). `exe` gets a buffer of PATH_MAX. */
int nook_process_prepare_exec(const struct nook_process *proc, char *exe, size_t exe_size,
                              struct nook_error *err);

/* ---- user ---- */

/* setgroups(additionalGids), setresgid(gid), setresuid(uid), keeping the
 * permitted capabilities across the uid change so nook_caps_apply can set
 * them. */
int nook_user_switch(const struct nook_user *user, struct nook_error *err);

/* The home directory of uid in /etc/passwd of the current root, "/" when
 * it lists none. */
void nook_user_home(uid_t uid, char *home, size_t size);

/* ---- capabilities ---- */

struct nook_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient; /* bit masks */
};

/* Unknown or unavailable capability names are a warning (runtime-spec 1.3),
 * never a failure. spec->process.capabilities absent: empty sets. */
int nook_caps_prepare(const struct nook_capabilities *caps, struct nook_caps *out,
                      struct nook_error *err);
int nook_caps_drop_bounding(const struct nook_caps *caps, struct nook_error *err);
int nook_caps_apply(const struct nook_caps *caps, struct nook_error *err);
/* Capability `cap` as the spec spells it ("CAP_NET_ADMIN") in buf; false
 * when libcap has no name for it (buf then holds its number). */
bool nook_cap_name(int cap, char *buf, size_t size);

/* ---- seccomp ---- */

struct nook_seccomp_filter; /* opaque: a compiled libseccomp context */

/* NULL in *out when linux.seccomp is absent. Errors name the JSON path:
 * "linux.seccomp.syscalls[2].args[0].op: unknown operator \"X\"". A syscall
 * name libseccomp does not know is skipped with a debug message, as runc and
 * crun do (profiles list syscalls newer than the library). */
int nook_seccomp_prepare(const struct nook_seccomp *seccomp, struct nook_seccomp_filter **out,
                         struct nook_error *err);
/* One seccomp(2) system call and nothing else, so that execve can follow
 * under a filter that allows nothing more. Loading does not set
 * no_new_privs itself, so without it the kernel wants CAP_SYS_ADMIN in the
 * effective set (nook_lock_down keeps it then); else this fails with EACCES
 * and says so. */
int nook_seccomp_load(struct nook_seccomp_filter *filter, struct nook_error *err);
/* Whether a rule or the default action is SCMP_ACT_NOTIFY: the filter is
 * then loaded with nook_seccomp_load_listener (docs/design.md, "Seccomp
 * notify"). */
bool nook_seccomp_notifies(const struct nook_seccomp_filter *filter);
/* nook_seccomp_load with SECCOMP_FILTER_FLAG_NEW_LISTENER, again one system
 * call: returns the listener fd (close-on-exec), or -1. */
int nook_seccomp_load_listener(struct nook_seccomp_filter *filter, struct nook_error *err);
void nook_seccomp_free(struct nook_seccomp_filter *filter);
/* What `nook features` reports, from the tables of include/nook/names.h:
 * the actions nook_seccomp_prepare takes (all of them), and the
 * filter flags that both libseccomp can set and this kernel knows. */
bool nook_seccomp_action_supported(uint64_t action);
bool nook_seccomp_flag_supported(uint64_t flag);

#endif
