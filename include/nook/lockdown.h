/* The last steps before execve, shared by the container init and `exec`:
 * bounding set, user and groups, capabilities, cwd/umask/executable,
 * no_new_privs and seccomp (loaded before the user switch when
 * noNewPrivileges is false, because loading a filter then needs
 * CAP_SYS_ADMIN, as runc does), then every fd above the preserved ones
 * marked close-on-exec (CVE-2024-21626). */
#ifndef NOOK_LOCKDOWN_H
#define NOOK_LOCKDOWN_H

#include <stddef.h>

#include "nook/error.h"
#include "nook/security.h"
#include "nook/spec.h"

int nook_lock_down(const struct nook_process *proc, struct nook_seccomp_filter *filter, char *exe,
                   size_t exe_size, struct nook_error *err);

/* fds 3 .. 3+preserve-1 stay open across execve, every other fd above 2
 * is marked close-on-exec. */
int nook_close_fds_on_exec(int preserve_fds, struct nook_error *err);

#endif
