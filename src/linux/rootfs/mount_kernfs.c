/* proc, sysfs and cgroup2 mounts: the filesystems through which the
 * container could reach the host's kernel settings (/proc/sys,
 * /sys/kernel). runc CVE-2025-52881 and youki CVE-2025-54867: with
 * rootfs/proc a symlink into a volume that another container swaps
 * (renameat2 RENAME_EXCHANGE), the proc mount and the masks that follow it
 * by path land in different places and the container keeps a writable
 * /proc/sys. So:
 *
 *   - the destination must be an ordinary directory reached without any
 *     symlink (nook_resolve_dir_nofollow; runc: "must be mounted on
 *     ordinary directory");
 *   - the filesystem is made with fsopen/fsconfig/fsmount and attached
 *     with move_mount onto that directory's fd: no path is looked up again;
 *   - the destination is then opened anew (no symlinks) and must be that
 *     very mount (same mount id, the right filesystem magic);
 *   - the mount fd is kept (nook_kernfs_open): masks, read-only paths and
 *     sysctls under the destination are opened through it, not through a
 *     path that could have been swapped meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/mount_options.h"
#include "linux/resolve.h"
#include "linux/rootfs/steps.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool nook_is_kernfs(const char *type)
{
	return type != NULL && (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0 ||
	                        strcmp(type, "cgroup2") == 0);
}

static long kernfs_magic(const char *type)
{
	if (strcmp(type, "proc") == 0)
		return PROC_SUPER_MAGIC;
	if (strcmp(type, "sysfs") == 0)
		return SYSFS_MAGIC;
	return CGROUP2_SUPER_MAGIC;
}

/* ------------------------------------------------------------ new mounts */

/* The kernel's own words on a failed fsconfig ("e proc: Unknown parameter
 * 'x'"), when it left some in the context. */
static int fs_fail(int fs, int e, struct nook_error *err, const char *what)
{
	char msg[256];
	ssize_t n = fs >= 0 ? read(fs, msg, sizeof(msg) - 1) : -1;

	if (n > 2) {
		msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return nook_fail(err, e, "%s: %s", what, msg + 2);
	}
	return nook_fail(err, e, "%s", what);
}

int nook_fs_new(const char *type, const char *source, unsigned long flags, const char *data,
                const char *what, struct nook_error *err)
{
	/* The superblock flags mount(2) would have taken from MS_*. */
	static const struct {
		unsigned long ms;
		const char *name;
	} sb_flags[] = {
	    {MS_RDONLY, "ro"},         {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"},
	    {MS_LAZYTIME, "lazytime"}, {MS_MANDLOCK, "mand"},
	};
	autoclose int fs = fsopen(type, FSOPEN_CLOEXEC);
	autofree char *copy = data != NULL ? strdup(data) : NULL;
	char *save = NULL;
	uint64_t set, clr;

	if (fs < 0)
		return nook_fail(err, errno, "%s: fsopen %s", what, type);
	if (data != NULL && copy == NULL)
		return nook_fail(err, ENOMEM, "%s", what);
	if (source != NULL && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return fs_fail(fs, errno, err, what);
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(sb_flags); i++)
		if ((flags & sb_flags[i].ms) &&
		    fsconfig(fs, FSCONFIG_SET_FLAG, sb_flags[i].name, NULL, 0) < 0)
			return fs_fail(fs, errno, err, what);
	/* "key=value,flag": as mount(2) hands its data to the filesystem. */
	for (char *opt = copy != NULL ? strtok_r(copy, ",", &save) : NULL; opt != NULL;
	     opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		int rc;

		if (eq != NULL) {
			*eq = '\0';
			rc = fsconfig(fs, FSCONFIG_SET_STRING, opt, eq + 1, 0);
		} else {
			rc = fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
		}
		if (rc < 0)
			return fs_fail(fs, errno, err, what);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(fs, errno, err, what);
	nook_mount_flags_to_attr(flags, 0, &set, &clr);
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned int)set);
	if (mnt < 0)
		return fs_fail(fs, errno, err, what);
	return mnt;
}

/* The mount id of what `fd` stands for. */
static int mount_id(int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		errno = ENOSYS;
		return -1;
	}
	*id = stx.stx_mnt_id;
	return 0;
}

int nook_verify_mounted(int root_fd, const char *dest, int mnt, long magic, struct nook_error *err)
{
	autoclose int again =
	    nook_openat_in_root(root_fd, dest, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
	struct statfs sfs;
	uint64_t want, got;

	if (again < 0)
		return nook_fail(err, errno, "%s: open again after the mount", dest);
	if (mount_id(mnt, &want) < 0 || mount_id(again, &got) < 0)
		return nook_fail(err, errno, "%s: statx", dest);
	if (fstatfs(again, &sfs) < 0)
		return nook_fail(err, errno, "%s: statfs", dest);
	if (got != want || sfs.f_type != magic)
		return nook_fail(err, 0,
		                 "%s: what is there after the mount is not the new mount (was "
		                 "the directory moved?)",
		                 dest);
	return 0;
}

/* -------------------------------------------------------------- registry */

/* The proc and sysfs mounts made by nook_rootfs_enter(), kept by the init
 * until nook_rootfs_finish() (one container per process). Destinations are
 * lexically clean ("/proc"). */
static struct {
	char *dest;
	int fd;
	long magic;
} kernfs[16];
static size_t n_kernfs;

/* `path` made lexically clean: "/" + components, no ".", ".." taken off
 * (at "/" it stays there, as RESOLVE_IN_ROOT does), no trailing "/". */
static char *clean_path(const char *path)
{
	char *out = malloc(strlen(path) + 2);
	size_t len = 0;

	if (out == NULL)
		return NULL;
	for (const char *p = path; *p != '\0';) {
		size_t clen;

		while (*p == '/')
			p++;
		clen = strcspn(p, "/");
		if (clen == 0 || (clen == 1 && p[0] == '.')) {
			p += clen;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			out[len++] = '/';
			memcpy(out + len, p, clen);
			len += clen;
		}
		p += clen;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

static int record(const char *dest, int mnt, long magic, struct nook_error *err)
{
	char *clean = clean_path(dest);
	int fd;
	size_t i;

	if (clean == NULL)
		return nook_fail(err, ENOMEM, "%s", dest);
	for (i = 0; i < n_kernfs; i++)
		if (strcmp(kernfs[i].dest, clean) == 0)
			break;
	if (i == NOOK_ARRAY_SIZE(kernfs)) {
		free(clean);
		return nook_fail(err, E2BIG, "%s: too many proc and sysfs mounts", dest);
	}
	fd = fcntl(mnt, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		free(clean);
		return nook_fail(err, errno, "%s: dup", dest);
	}
	if (i < n_kernfs) {
		free(kernfs[i].dest);
		close(kernfs[i].fd);
	} else {
		n_kernfs++;
	}
	kernfs[i].dest = clean;
	kernfs[i].fd = fd;
	kernfs[i].magic = magic;
	return 0;
}

int nook_kernfs_open(const char *path, int flags, bool *under)
{
	autofree char *clean = clean_path(path);
	struct open_how how = {
	    .flags = (unsigned long long)flags | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	const char *rest = NULL;
	size_t best = 0, at = 0;
	struct statfs sfs;
	int fd;

	*under = false;
	if (clean == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* the deepest destination that holds the path */
	for (size_t i = 0; i < n_kernfs; i++) {
		size_t dlen = strcmp(kernfs[i].dest, "/") == 0 ? 0 : strlen(kernfs[i].dest);

		if (strncmp(clean, kernfs[i].dest, dlen) != 0 ||
		    (clean[dlen] != '\0' && clean[dlen] != '/'))
			continue;
		if (rest == NULL || dlen >= best) {
			best = dlen;
			at = i;
			rest = clean + dlen;
		}
	}
	if (rest == NULL)
		return -1;
	*under = true;
	/* the mount is still the filesystem it was made as */
	if (fstatfs(kernfs[at].fd, &sfs) < 0)
		return -1;
	if (sfs.f_type != kernfs[at].magic) {
		errno = EXDEV;
		return -1;
	}
	while (*rest == '/')
		rest++;
	for (int tries = 0; tries < 32; tries++) {
		fd =
		    (int)syscall(SYS_openat2, kernfs[at].fd, *rest ? rest : ".", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

void nook_kernfs_forget(void)
{
	for (size_t i = 0; i < n_kernfs; i++) {
		free(kernfs[i].dest);
		close(kernfs[i].fd);
	}
	n_kernfs = 0;
}

/* ----------------------------------------------------------------- mount */

/* The kernel makes a sysfs only for a user namespace that owns the network
 * namespace: a container with a user namespace and the runtime's network
 * namespace gets EPERM. Then the runtime's /sys, which shows that very
 * network namespace, is bound there with the mount's flags, as crun does
 * (crun's test_linux_features.py sysfs-userns-no-netns-*). Before
 * pivot_root "/sys" is the runtime's own. A network namespace joined by path
 * gets no fallback: the runtime's /sys would show another one's devices. */
static int sysfs_bind_fallback(const struct nook_mount_options *o, const char *what,
                               struct nook_error *err)
{
	uint64_t set, clr;
	autoclose int tree =
	    (int)open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (tree < 0)
		return nook_fail(err, errno,
		                 "%s: the kernel refused a new sysfs (EPERM: a user "
		                 "namespace that does not own the network namespace), and binding "
		                 "the runtime's /sys failed",
		                 what);
	nook_mount_flags_to_attr(o->flags, 0, &set, &clr);
	if (nook_setattr(tree, true, set, clr, 0) < 0)
		return nook_fail(err, errno, "%s: set the flags of the bound /sys", what);
	return nook_steal_fd(&tree);
}

int nook_mount_kernfs(int root_fd, const struct nook_mount *m, size_t idx,
                      const struct nook_mount_options *o, const struct nook_rootfs_opts *opts,
                      struct nook_error *err)
{
	autoclose int dest = -1;
	autoclose int mnt = -1;
	long magic = kernfs_magic(m->type);
	char what[4200];

	dest = nook_resolve_dir_nofollow(root_fd, m->destination, true, err);
	if (dest < 0)
		return nook_error_prefix(
		    err, "mounts[%zu]: %s must be mounted on an ordinary directory", idx, m->type);
	snprintf(what, sizeof(what), "mounts[%zu]: mount %s on %s", idx, m->type, m->destination);
	mnt = nook_fs_new(m->type, m->source != NULL ? m->source : m->type, o->flags, o->data, what,
	                  err);
	if (mnt < 0 && err->errnum == EPERM && magic == SYSFS_MAGIC && opts->runtime_netns)
		mnt = sysfs_bind_fallback(o, what, err);
	if (mnt < 0)
		return -1;
	if (nook_move_mount_to(mnt, dest) < 0)
		return nook_fail(err, errno, "mounts[%zu]: mount %s on %s", idx, m->type,
		                 m->destination);
	if (nook_verify_mounted(root_fd, m->destination, mnt, magic, err) < 0)
		return nook_error_prefix(err, "mounts[%zu]", idx);
	/* After move_mount the fd stands for the attached mount. */
	if ((o->rec_attr_set || o->rec_attr_clr) &&
	    nook_setattr(mnt, true, o->rec_attr_set, o->rec_attr_clr, 0) < 0)
		return nook_fail(err, errno, "mounts[%zu]: set the recursive options of %s", idx,
		                 m->destination);
	if (o->propagation &&
	    nook_setattr(mnt, o->propagation & MS_REC, 0, 0, o->propagation & ~MS_REC) < 0)
		return nook_fail(err, errno, "mounts[%zu]: set the propagation of %s", idx,
		                 m->destination);
	if (magic == CGROUP2_SUPER_MAGIC)
		return 0;
	return record(m->destination, mnt, magic, err) < 0
	           ? nook_error_prefix(err, "mounts[%zu]", idx)
	           : 0;
}
