/* The `cgroup` mount type: the container sees its own cgroups at the
 * destination, never the host's whole tree.
 *
 *   v2 host          a new cgroup2 mount when the init has a cgroup
 *                    namespace (its root is the container's cgroup); else
 *                    a bind of the container's own v2 directory.
 *   v1 / hybrid      a tmpfs, and in it one directory per hierarchy, named
 *                    after the host's mount point (cpu, memory, systemd,
 *                    unified), plus a symlink per controller of a co-mounted
 *                    hierarchy (cpu -> cpu,cpuacct). Each holds a new cgroup
 *                    filesystem with a cgroup namespace (not in a user
 *                    namespace: v1 cannot be mounted there), else a bind of
 *                    the container's own directory of that hierarchy.
 *
 * As runc (rootfs_linux.go mountCgroupV1: binds of the container's cgroup
 * paths without a cgroup namespace, per-controller cgroup mounts with one)
 * and crun (do_mount_cgroup_v1). The container's directories come from the
 * runtime (struct nook_cgroup: host paths, so a cgroup namespace, which
 * shows the init "/" everywhere, does not matter); without them the init's
 * own cgroups from /proc/self/cgroup. "ro" makes every mount read-only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/mount_options.h"
#include "linux/resolve.h"
#include "linux/rootfs/steps.h"

#define CG_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

struct cg_ctx {
	int root_fd;
	const struct nook_mount *m;
	size_t idx;
	unsigned long flags; /* CG_FLAGS of the config mount */
	const struct nook_cgroup *cg;
	const char *proc_cgroup; /* fallback: the init's /proc/self/cgroup */
};

/* The host path of the container's directory in hierarchy h (malloc'd). */
static char *own_dir(const struct cg_ctx *c, const struct nook_cg_hier *h, struct nook_error *err)
{
	char own[4096];
	char *out = NULL;

	for (size_t i = 0; c->cg != NULL && i < c->cg->n_dirs; i++)
		if (strcmp(c->cg->dirs[i].hierarchy, h->controllers) == 0)
			return strdup(c->cg->dirs[i].path);
	if (c->proc_cgroup == NULL ||
	    nook_cg_own_path(c->proc_cgroup, h, own, sizeof(own), err) < 0)
		return NULL;
	if (asprintf(&out, "%s%s", h->mountpoint, strcmp(own, "/") == 0 ? "" : own) < 0)
		return NULL;
	return out;
}

/* Bind the container's directory of h onto dest_fd, with the config's
 * ro/nosuid/nodev/noexec (set only: in a user namespace the host's
 * flags are locked, and these only add). */
static int bind_own(const struct cg_ctx *c, const struct nook_cg_hier *h, int dest_fd,
                    const char *where, struct nook_error *err)
{
	autofree char *src = own_dir(c, h, err);
	autoclose int tree = -1;
	uint64_t set, clr;

	if (src == NULL)
		return nook_error_prefix(err, "mounts[%zu]: %s", c->idx, where);
	tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return nook_fail(err, errno, "mounts[%zu]: bind %s on %s", c->idx, src, where);
	nook_mount_flags_to_attr(c->flags, 0, &set, &clr);
	if (set && nook_setattr(tree, true, set, 0, 0) < 0)
		return nook_fail(err, errno, "mounts[%zu]: set the options of bind %s on %s",
		                 c->idx, src, where);
	if (nook_move_mount_to(tree, dest_fd) < 0)
		return nook_fail(err, errno, "mounts[%zu]: bind %s on %s", c->idx, src, where);
	return 0;
}

/* A new cgroup filesystem of h on dest_fd (the init's cgroup namespace
 * makes its root the container's cgroup), made with fsopen/fsmount and
 * attached to the fd: no path is looked up. */
static int mount_new(const struct cg_ctx *c, const struct nook_cg_hier *h, int dest_fd,
                     const char *where, struct nook_error *err)
{
	bool v2 = h->controllers[0] == '\0';
	bool named_only = strncmp(h->controllers, "name=", 5) == 0;
	char data[256], what[4400];
	autoclose int mnt = -1;

	snprintf(data, sizeof(data), "%s%s", named_only ? "none," : "", h->controllers);
	snprintf(what, sizeof(what), "mounts[%zu]: mount %s (%s) on %s", c->idx,
	         v2 ? "cgroup2" : "cgroup", v2 ? "v2" : data, where);
	mnt =
	    nook_fs_new(v2 ? "cgroup2" : "cgroup", "cgroup", c->flags, v2 ? NULL : data, what, err);
	if (mnt < 0)
		return -1;
	if (nook_move_mount_to(mnt, dest_fd) < 0)
		return nook_fail(err, errno, "%s", what);
	return 0;
}

/* cpu -> cpu,cpuacct and cpuacct -> cpu,cpuacct in the tmpfs, as runc and
 * crun make them (the paths programs look for). */
static int link_comounted(const struct cg_ctx *c, int top, const char *name, struct nook_error *err)
{
	autofree char *copy = strdup(name);
	char *save = NULL;

	if (copy == NULL)
		return nook_fail(err, ENOMEM, "mounts[%zu]", c->idx);
	if (strchr(name, ',') == NULL)
		return 0;
	for (char *ctl = strtok_r(copy, ",", &save); ctl != NULL; ctl = strtok_r(NULL, ",", &save))
		if (symlinkat(name, top, ctl) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "mounts[%zu]: symlink %s/%s -> %s", c->idx,
			                 c->m->destination, ctl, name);
	return 0;
}

/* `top`: the tmpfs just attached at the destination (its mount fd). */
static int mount_hierarchies(const struct cg_ctx *c, const struct nook_cg_layout *l, int top,
                             bool new_fs, struct nook_error *err)
{
	const char *dest = c->m->destination;
	char where[4096];
	for (size_t i = 0; i < l->n; i++) {
		const struct nook_cg_hier *h = &l->h[i];
		const char *slash = strrchr(h->mountpoint, '/');
		const char *name = slash != NULL ? slash + 1 : h->mountpoint;

		snprintf(where, sizeof(where), "%s/%s", dest, name);
		/* In the tmpfs just made: nothing there can be a symlink. */
		if (name[0] == '\0' || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
			return nook_fail(err, EINVAL, "mounts[%zu]: hierarchy mounted at %s",
			                 c->idx, h->mountpoint);
		if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "mounts[%zu]: mkdir %s", c->idx, where);
		autoclose int sub =
		    openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return nook_fail(err, errno, "mounts[%zu]: open %s", c->idx, where);
		if ((new_fs ? mount_new(c, h, sub, where, err) : bind_own(c, h, sub, where, err)) <
		    0)
			return -1;
		if (link_comounted(c, top, name, err) < 0)
			return -1;
	}
	if (!(c->flags & MS_RDONLY))
		return 0;
	/* the tmpfs read-only too, now that its directories exist */
	if (nook_setattr(top, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return nook_fail(err, errno, "mounts[%zu]: make %s read-only", c->idx, dest);
	return 0;
}

int nook_mount_cgroup(int root_fd, const struct nook_mount *m, size_t idx,
                      const struct nook_mount_options *o, const struct nook_rootfs_opts *opts,
                      struct nook_error *err)
{
	autofree char *mi =
	    nook_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, 1024 * 1024, NULL, err);
	autofree char *pc = NULL;
	autoclose int dest = -1;
	autoclose int top = -1;
	struct nook_cg_layout l;
	char what[4200];
	int rc;

	if (mi == NULL || nook_cg_parse_mountinfo(mi, &l, err) < 0)
		return nook_error_prefix(err, "mounts[%zu]", idx);
	if (opts->cgroup == NULL)
		pc = nook_read_file(AT_FDCWD, "/proc/self/cgroup", 0, 1024 * 1024, NULL, NULL);
	struct cg_ctx c = {
	    .root_fd = root_fd,
	    .m = m,
	    .idx = idx,
	    .flags = o->flags & CG_FLAGS,
	    .cg = opts->cgroup,
	    .proc_cgroup = pc,
	};
	/* v1 hierarchies cannot be mounted in a user namespace; cgroup2 can. */
	bool new_fs = opts->cgroup_ns && (l.mode == NOOK_CGROUP_UNIFIED || !opts->in_user_ns);

	/* As proc and sysfs (mount_kernfs.c): an ordinary directory reached
	 * without symlinks, and every mount attached through an fd. */
	dest = nook_resolve_dir_nofollow(root_fd, m->destination, true, err);
	if (dest < 0) {
		nook_cg_layout_free(&l);
		return nook_error_prefix(
		    err, "mounts[%zu]: cgroup must be mounted on an ordinary directory", idx);
	}
	if (l.mode == NOOK_CGROUP_UNIFIED) {
		rc = new_fs ? mount_new(&c, &l.h[0], dest, m->destination, err)
		            : bind_own(&c, &l.h[0], dest, m->destination, err);
		nook_cg_layout_free(&l);
		return rc;
	}
	snprintf(what, sizeof(what), "mounts[%zu]: mount tmpfs on %s", idx, m->destination);
	top =
	    nook_fs_new("tmpfs", "tmpfs", (c.flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC,
	                "mode=755", what, err);
	rc = top < 0 ? -1 : 0;
	if (rc == 0 && nook_move_mount_to(top, dest) < 0)
		rc = nook_fail(err, errno, "%s", what);
	if (rc == 0)
		rc = mount_hierarchies(&c, &l, top, new_fs, err);
	nook_cg_layout_free(&l);
	return rc;
}
