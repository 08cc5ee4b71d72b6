/* The steps of nook_rootfs_enter()/nook_rootfs_finish(), one file each. */
#ifndef NOOK_ROOTFS_STEPS_H
#define NOOK_ROOTFS_STEPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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

/* mount_kernfs.c: proc, sysfs and cgroup2 mounts[idx], on an ordinary
 * directory reached without symlinks, attached through fds and verified;
 * the proc and sysfs mounts are kept for nook_kernfs_open(). */
bool nook_is_kernfs(const char *type);
int nook_mount_kernfs(int root_fd, const struct nook_mount *m, size_t idx,
                      const struct nook_mount_options *o, const struct nook_rootfs_opts *opts,
                      struct nook_error *err);
/* A new detached mount of `type` (fsopen/fsconfig/fsmount) with the MS_*
 * `flags` and `data` ("mode=755,size=1m") mount(2) would take; `what`
 * starts the error message. */
int nook_fs_new(const char *type, const char *source, unsigned long flags, const char *data,
                const char *what, struct nook_error *err);
/* `dest` inside `root_fd`, opened anew without symlinks, is the mount `mnt`
 * (same mount id) of a filesystem with `magic`. */
int nook_verify_mounted(int root_fd, const char *dest, int mnt, long magic, struct nook_error *err);
/* Open the container path `path` through the deepest kept proc or sysfs
 * mount whose destination holds it (RESOLVE_BENEATH, no symlinks), after
 * checking that mount is still that filesystem: `*under` true then. Not
 * under one: -1 with `*under` false. */
int nook_kernfs_open(const char *path, int flags, bool *under);
/* Close the kept mounts (the end of nook_rootfs_finish). */
void nook_kernfs_forget(void);

/* mount_idmap.c, on the runtime's side: a detached clone of the bind
 * source `src_fd` (O_PATH, in the init's mount namespace; `src` names it in
 * messages), whole with `rbind`, with mounts[idx]'s id mapping set. */
int nook_idmap_tree(pid_t init_pid, int src_fd, const struct nook_mount *m, size_t idx,
                    const char *src, bool rbind, struct nook_error *err);

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
