/* The container's filesystem view, built inside its new mount namespace.
 *
 * Order in the init (see src/linux/init.c):
 *   nook_rootfs_enter()   propagation, rootfs bind, every config mount in
 *                         order, default and configured devices, /dev links,
 *                         pivot_root (or chroot with no_pivot), cwd "/".
 *   nook_sysctl_apply()   needs the container's /proc, before it is made
 *                         read-only.
 *   nook_rootfs_finish()  readonlyPaths, maskedPaths, root.readonly.
 *
 * Every path inside the rootfs is resolved with openat2(RESOLVE_IN_ROOT), so
 * a symlink in the rootfs cannot send a mount to the host (CVE-2021-30465).
 * proc, sysfs, cgroup mounts and device nodes go only where no symlink
 * leads at all, and the proc and sysfs mounts are kept as fds from
 * nook_rootfs_enter() to nook_rootfs_finish(): masks and sysctls under them
 * go through those fds (src/linux/rootfs/mount_kernfs.c, CVE-2025-52881). */
#ifndef NOOK_ROOTFS_H
#define NOOK_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

struct nook_cgroup;

struct nook_rootfs_opts {
	const char *rootfs; /* absolute host path of the root filesystem */
	const char *bundle; /* absolute bundle dir: relative bind sources start here */
	bool in_user_ns;    /* a new or joined user namespace: bind devices, no mknod */
	bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool cgroup_ns;     /* the init has its own cgroup namespace */
	bool runtime_netns; /* no "network" entry: the runtime's namespace is kept */
	/* Per mounts[i]: the bind source the runtime opened with its own
	 * credentials (O_PATH, in the init's mount namespace), else -1; or
	 * NULL for none. mount_bind() clones the mount from it; for an
	 * id-mapped bind it is the clone, mapped, that mount_bind() moves. */
	const int *source_fds;
	/* The container's cgroup directories (host paths), for a "cgroup"
	 * mount; NULL: the init's own, from /proc/self/cgroup. */
	const struct nook_cgroup *cgroup;
	/* linux.mountLabel: context="..." of the mounts that take it
	 * (nook_spec_mount_takes_label); NULL: none. */
	const char *mount_label;
	/* Called when the mounts and devices are in place, just before
	 * pivot_root: the createRuntime and createContainer hooks. */
	int (*before_pivot)(void *ctx, struct nook_error *err);
	void *ctx;
};

/* mount_sources.c: bind sources taken with the runtime's credentials. The
 * init, in a user namespace, asks with nook_mount_sources_request() (an
 * array of n_mounts fds, -1 where none; free with nook_mount_sources_free);
 * the runtime answers with nook_mount_sources_send(), looking each source
 * up under /proc/<init_pid>/root. */
int nook_mount_sources_request(int sock, const struct nook_spec *spec, int **fds,
                               struct nook_error *err);
void nook_mount_sources_free(int *fds, size_t n);
/* Whether a bind of the config is id-mapped: then the init asks for the
 * sources, in a user namespace or not, and the runtime sends that bind as
 * its clone, id-mapped (src/linux/rootfs/mount_idmap.c). */
bool nook_mount_sources_idmapped(const struct nook_spec *spec);
int nook_mount_sources_send(int sock, pid_t init_pid, const struct nook_spec *spec,
                            const char *bundle, struct nook_error *err);
/* A relative host path (bind source, overlay dir) starts at the bundle. */
char *nook_mount_host_path(const char *bundle, const char *path);

int nook_rootfs_enter(const struct nook_spec *spec, const struct nook_rootfs_opts *opts,
                      struct nook_error *err);
int nook_sysctl_apply(const struct nook_spec *spec, struct nook_error *err);
int nook_rootfs_finish(const struct nook_spec *spec, struct nook_error *err);

#endif
