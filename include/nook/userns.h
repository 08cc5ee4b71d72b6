/* Rootless: who the caller is (src/linux/userns_facts.c) and the user
 * namespace's id maps written for an unprivileged caller
 * (src/linux/id_maps.c). docs/design.md, "Rootless". */
#ifndef NOOK_USERNS_H
#define NOOK_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* Is the runtime in the initial user namespace (/proc/self/uid_map reads
 * "0 0 4294967295")? Under rootless podman it is not: its uid_map reads
 * "0 1000 1" and euid 0 there is not root of the host. */
bool nook_in_initial_userns(void);

/* runc's shouldUseRootlessCgroupManager: `flag` ("true", "false", or
 * NULL/"auto" for the default) wins; else euid != 0, or euid 0 in a user
 * namespace that is not the initial one, is rootless. */
bool nook_rootless_decide(const char *flag);

/* The default state root (no --root): runc's shouldHonorXDGRuntimeDir
 * (euid != 0, or euid 0 in a non-initial user namespace with $USER unset or
 * not "root") gives $XDG_RUNTIME_DIR/nook, else /run/nook. A caller that
 * is not euid 0 and has no usable $XDG_RUNTIME_DIR (unset, missing, not a
 * directory, not writable) gets an error naming it. */
int nook_state_root_default(char *buf, size_t size, struct nook_error *err);

/* Before anything is made: can linux.uidMappings/gidMappings be written by
 * this caller? Privileged (euid 0): yes. Unprivileged, a single mapping of
 * the caller's own id is written directly; anything more needs newuidmap /
 * newgidmap in $PATH and every range granted by /etc/subuid / /etc/subgid
 * (the error names the mapping's JSON path and the file). */
int nook_id_maps_check(const struct nook_spec *spec, struct nook_error *err);

/* The id maps of `pid`'s new user namespace, as nook_id_maps_check
 * decided: written to /proc/<pid>/{uid,gid}_map (with setgroups "deny"
 * first when an unprivileged caller maps only its own gid), or through
 * newuidmap / newgidmap. */
int nook_ns_write_id_maps(const struct nook_spec *spec, pid_t pid, struct nook_error *err);

/* One map written directly by a privileged runtime: /proc/<pid>/`file`
 * ("uid_map", "gid_map") from `maps`; `json_path` starts the error
 * message. Nothing for n == 0. Id-mapped mounts' throwaway user
 * namespaces use it too (src/linux/rootfs/mount_idmap.c). */
int nook_ns_write_map(pid_t pid, const char *file, const struct nook_id_mapping *maps, size_t n,
                      const char *json_path, struct nook_error *err);

/* The caller's first range in `file` (/etc/subuid or /etc/subgid, whose
 * lines name the user or its uid): 0 and *start, *count; -1 none. */
int nook_subid_range(const char *file, uint32_t *start, uint32_t *count);

/* exec by an unprivileged caller (`flags`: the CLONE_NEW* of the
 * container's namespaces that are not ours): joining the container's pid
 * namespace needs CAP_SYS_ADMIN over it, which the caller has only inside
 * the container's user namespace (it owns it). So the runtime joins that
 * user namespace first, for good (it keeps its uid, files it writes are
 * still the caller's), and CLONE_NEWUSER leaves `flags`. */
int nook_userns_join_for_exec(int pidfd, int *flags, struct nook_error *err);

#endif
