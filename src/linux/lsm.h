/* process.apparmorProfile and process.selinuxLabel: the label the process
 * gets at its execve (config.md "process"; runc's ApplyProfile and
 * SetExecLabel, crun's set_apparmor_profile and set_selinux_label).
 *
 *   nook_lsm_open   early, while "/proc" is still the runtime's procfs
 *                   (before the container's root is entered): opens the
 *                   kernel's exec attribute of this thread, checked to be
 *                   on a procfs. The container's own /proc is never used:
 *                   an image could mount something else there and the
 *                   write would go nowhere (CVE-2019-16884).
 *   nook_lsm_apply  late, the last step of nook_child_prepare_exec (after
 *                   the lock-down, before READY): writes the attribute.
 *                   The label applies from the next execve on, so nothing
 *                   nook does before it is confined; a profile that is not
 *                   loaded fails here, so `create` reports it.
 *
 * AppArmor: "exec PROFILE" to /proc/thread-self/attr/apparmor/exec (kernels
 * before 5.8: /proc/thread-self/attr/exec). SELinux: the label to
 * /proc/thread-self/attr/exec. */
#ifndef NOOK_LINUX_LSM_H
#define NOOK_LINUX_LSM_H

#include <stdbool.h>

#include "nook/error.h"
#include "nook/spec.h"

struct nook_lsm {
	bool opened;     /* nook_lsm_open ran: the fds below are valid */
	int apparmor_fd; /* -1: no profile */
	int selinux_fd;  /* -1: no label */
	int key_fd;      /* SELinux's attr/keycreate; -1: no label, or none */
	char apparmor_path[64], selinux_path[64];
};

int nook_lsm_open(const struct nook_process *proc, struct nook_lsm *lsm, struct nook_error *err);

/* Write proc's profile and label, then close the fds. */
int nook_lsm_apply(const struct nook_process *proc, struct nook_lsm *lsm, struct nook_error *err);

/* The init's new session keyring gets process.selinuxLabel, as in runc
 * and crun: the label is written to /proc/thread-self/attr/keycreate
 * before the keyring is made (set true) and reset after (set false). A
 * kernel without the file: nothing to do. */
int nook_lsm_key_label(const struct nook_process *proc, struct nook_lsm *lsm, bool set,
                       struct nook_error *err);

/* Close what nook_lsm_open opened (on a path that does not apply). */
void nook_lsm_close(struct nook_lsm *lsm);

#endif
