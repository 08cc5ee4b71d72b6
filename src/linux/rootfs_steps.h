/* The steps of nook_rootfs_enter()/nook_rootfs_finish(), one file each. */
#ifndef NOOK_ROOTFS_STEPS_H
#define NOOK_ROOTFS_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include "nook/error.h"
#include "nook/rootfs.h"
#include "nook/spec.h"

/* mounts.c: mounts[idx] onto its destination inside `root_fd`. */
int nook_mount_entry(int root_fd, const struct nook_mount *m, size_t idx,
                     const struct nook_rootfs_opts *opts, struct nook_error *err);
/* True if some mount's destination is exactly /dev and it is a bind. */
bool nook_mounts_bind_dev(const struct nook_spec *spec);
/* mount_cgroup.c: mounts[idx] of type "cgroup": the container's own
 * cgroups at its destination. */
struct nook_mount_options;
int nook_mount_cgroup(int root_fd, const struct nook_mount *m, size_t idx,
                      const struct nook_mount_options *o, const struct nook_rootfs_opts *opts,
                      struct nook_error *err);

/* Put a detached mount `tree` (from open_tree/fsmount) onto `dest_fd`. */
int nook_move_mount_to(int tree, int dest_fd);
/* mount_setattr(fd, "", AT_EMPTY_PATH [| AT_RECURSIVE]). */
int nook_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation);

/* devices.c: default devices, linux.devices, /dev symlinks, /dev/console. */
int nook_devices_setup(int root_fd, const struct nook_spec *spec,
                       const struct nook_rootfs_opts *opts, struct nook_error *err);

/* pivot.c: make `root_fd` the root ("/") and the cwd. */
int nook_pivot(int root_fd, bool no_pivot, struct nook_error *err);

/* paths.c: linux.readonlyPaths, linux.maskedPaths, root.readonly. */
int nook_readonly_paths(const struct nook_spec *spec, struct nook_error *err);
int nook_masked_paths(const struct nook_spec *spec, struct nook_error *err);
int nook_root_readonly(struct nook_error *err);

#endif
