/* process.execCPUAffinity (config.md "Linux Process", runtime-spec 1.3):
 * the CPUs a `nook exec` process runs on, "initial" before it joins the
 * container's cgroup and "final" after. As runc and crun, and as the spec
 * says ("not applicable to the container's init process"), the init does
 * not use it: its affinity is reset to every CPU once it is in its cgroup,
 * so that the cgroup's cpuset decides and the runtime's own affinity (e.g.
 * systemd's CPUAffinity=) is not inherited.
 *
 * nook_cpu_list_parse() is pure (src/spec/cpu_list.c) and is also the
 * config check (src/spec/parse_process.c), which names the JSON path; the
 * rest is src/linux/cpu_affinity.c. */
#ifndef NOOK_CPU_AFFINITY_H
#define NOOK_CPU_AFFINITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* The highest CPU number a list may name (runc's limit). */
#define NOOK_CPU_LIST_MAX 65536

/* A list such as "0-3,7": comma-separated CPU numbers and ranges N-M (N <=
 * M), spaces around an element and empty elements allowed, as runc reads it.
 * On success *mask is a malloc'd bitmask of *n_bytes bytes (bit i of byte
 * i/8: CPU i), or NULL for "" (no list). On error, -1 and why says what is
 * wrong ("invalid range 3-1"). */
int nook_cpu_list_parse(const char *s, uint8_t **mask, size_t *n_bytes, char *why, size_t why_size);

/* sched_setaffinity(pid) to the CPUs of list (which the config check has
 * accepted); what names the field in the error. */
int nook_cpu_affinity_set(pid_t pid, const char *list, const char *what, struct nook_error *err);

/* Every CPU: the kernel then clamps to the cgroup's cpuset (runc's
 * tryResetCPUAffinity, crun's libcrun_reset_cpu_affinity_mask). */
int nook_cpu_affinity_reset(pid_t pid, struct nook_error *err);

/* For an exec process, by the runtime: _initial right after the clone,
 * before the process joins the cgroup; _final right after it joined it
 * (final if given; nothing if only initial is; reset when neither is). */
int nook_exec_cpu_affinity_initial(pid_t pid, const struct nook_exec_cpu_affinity *a,
                                   struct nook_error *err);
int nook_exec_cpu_affinity_final(pid_t pid, const struct nook_exec_cpu_affinity *a,
                                 struct nook_error *err);

/* Whether an initial affinity is given (the exec process must then not be
 * cloned straight into the cgroup). */
bool nook_exec_cpu_affinity_has_initial(const struct nook_exec_cpu_affinity *a);

#endif
