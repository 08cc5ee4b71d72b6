/* Linux namespaces of the container: which are new, which are joined by
 * path, the user namespace's id maps, and what a new namespace needs before
 * the workload sees it (loopback up, hostname). */
#ifndef NOOK_NAMESPACES_H
#define NOOK_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* The CLONE_NEW* flags of every namespace the config asks to be new. */
int nook_ns_new_flags(const struct nook_spec *spec);

/* Open the namespace file of linux.namespaces[i].path and check that it is a
 * namespace of the configured type (runtime-spec: "MUST generate an error if
 * path is not associated with a namespace of type type"). */
int nook_ns_open_path(const struct nook_spec *spec, size_t index, struct nook_error *err);

/* Join every namespace given by path, user first; all paths are opened
 * before the first join. `skip` holds CLONE_NEW* flags handled elsewhere
 * (pid and time are joined by the runtime before clone, as they only apply
 * to children). `foreign`: CLONE_NEW* of the ones that must not be the
 * namespace we are in (the runtime's), as the config checks found them. */
int nook_ns_join_paths(const struct nook_spec *spec, int skip, int foreign, struct nook_error *err);

/* Write /proc/<pid>/uid_map and gid_map from linux.uidMappings/gidMappings. */
int nook_ns_write_id_maps(const struct nook_spec *spec, pid_t pid, struct nook_error *err);
/* One of them: /proc/<pid>/`file` ("uid_map", "gid_map") from `maps`;
 * `json_path` starts the error message. Nothing for n == 0. */
int nook_ns_write_map(pid_t pid, const char *file, const struct nook_id_mapping *maps, size_t n,
                      const char *json_path, struct nook_error *err);

/* In a new network namespace: bring the loopback interface up. */
int nook_ns_loopback_up(struct nook_error *err);

/* In the container's UTS namespace (new, or joined and not the runtime's:
 * checked at create): hostname and domainname from the config. */
int nook_ns_set_uts(const struct nook_spec *spec, struct nook_error *err);

/* Runtime-side work around the clone for namespaces that apply to children:
 * join a pid or time namespace by path, or make a new time namespace with
 * linux.timeOffsets, then clone, then undo with nook_ns_restore_for_children. */
struct nook_ns_saved {
	int pid_fd;  /* our own pid namespace, or -1 if untouched */
	int time_fd; /* our own time namespace, or -1 if untouched */
	/* With a new user namespace, the network, ipc, uts and cgroup
	 * namespaces given by path are joined by the runtime before the clone
	 * (the init, already in its new user namespace, may neither open
	 * the host's /proc/<pid>/ns files nor join what the host's user namespace
	 * owns; runc joins them before it makes the user namespace too):
	 * CLONE_NEW* of those, which the init then leaves alone, and our own
	 * namespace of each type to return to. */
	int joined_flags;
	int own_fds[NOOK_NS_COUNT];
};
/* `foreign`: CLONE_NEW* of the namespaces joined by path that must not be
 * the runtime's own. */
int nook_ns_prepare_for_children(const struct nook_spec *spec, int foreign,
                                 struct nook_ns_saved *saved, int *clone_flags,
                                 struct nook_error *err);
/* For `exec`: the pid and time namespaces (of CLONE_NEWPID|CLONE_NEWTIME
 * in flags) of the process of pidfd, for our children only; undo with
 * nook_ns_restore_for_children, on failure too. */
int nook_ns_enter_for_children_of(int pidfd, int flags, struct nook_ns_saved *saved,
                                  struct nook_error *err);
int nook_ns_restore_for_children(struct nook_ns_saved *saved, struct nook_error *err);

/* CLONE_NEW* of each namespace of process `pid` that is not also ours:
 * what `exec` has to join. */
int nook_ns_of_process(pid_t pid, int *flags, struct nook_error *err);

#endif
