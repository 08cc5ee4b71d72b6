/* linux.readonlyPaths, linux.maskedPaths and root.readonly, after pivot.
 * A path that does not exist is skipped, as runc does; any other failure is
 * an error. Everything goes through the new mount API onto fds.
 *
 * A path under a proc or sysfs mount nook made ("/proc/sys") is opened
 * through that mount's fd (nook_kernfs_open, no symlinks), not through
 * "/proc", which a symlink swapped into the rootfs could send elsewhere
 * (runc CVE-2025-52881). Any other path resolves inside "/"
 * (RESOLVE_IN_ROOT).
 *
 * Files are masked with the container's /dev/null only once it is checked
 * to be the character device 1:3, opened without following symlinks: a
 * /dev/null that is a symlink to a procfs file would otherwise bind that
 * file (core_pattern, writable) over the masked path (runc CVE-2025-31133). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "linux/resolve.h"
#include "linux/rootfs/steps.h"

/* -1 with errno ENOENT: skip. */
static int open_path(const char *path)
{
	autoclose int root = -1;
	bool under;
	int fd = nook_kernfs_open(path, O_PATH, &under);

	if (under)
		return fd;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	return nook_openat_in_root(root, path, O_PATH, 0);
}

/* The container's /dev/null, checked to be the null device (see above). */
static int open_dev_null(const char *where, struct nook_error *err)
{
	autoclose int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	autoclose int fd = -1;
	struct stat st;

	if (root < 0)
		return nook_fail(err, errno, "%s: open /", where);
	fd = nook_openat_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	if (fd < 0 && errno == ELOOP)
		return nook_fail(err, 0,
		                 "%s: /dev/null in the container is not the null device: a symlink "
		                 "leads to it",
		                 where);
	if (fd < 0 || fstat(fd, &st) < 0)
		return nook_fail(err, errno, "%s: open /dev/null in the container", where);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
		return nook_steal_fd(&fd);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return nook_fail(err, 0,
		                 "%s: /dev/null in the container is not the null device (character "
		                 "device 1:3) but %s device %u:%u",
		                 where, S_ISCHR(st.st_mode) ? "character" : "block",
		                 major(st.st_rdev), minor(st.st_rdev));
	return nook_fail(err, 0,
	                 "%s: /dev/null in the container is not the null device (character device "
	                 "1:3) but %s",
	                 where,
	                 S_ISLNK(st.st_mode)   ? "a symlink"
	                 : S_ISREG(st.st_mode) ? "a regular file"
	                 : S_ISDIR(st.st_mode) ? "a directory"
	                                       : "another kind of file");
}

int nook_readonly_paths(const struct nook_spec *spec, struct nook_error *err)
{
	for (size_t i = 0; i < spec->linux.readonly_paths.n; i++) {
		const char *path = spec->linux.readonly_paths.v[i];
		autoclose int fd = open_path(path);
		autoclose int tree = -1;

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return nook_fail(err, errno, "linux.readonlyPaths[%zu]: open %s%s", i, path,
			                 errno == ELOOP ? " (a symlink on the way)" : "");
		/* A recursive bind of the path onto itself, made read-only as a
		 * whole (the flags it had, locked or not, stay). */
		tree = open_tree(
		    fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
		if (tree < 0)
			return nook_fail(err, errno, "linux.readonlyPaths[%zu]: bind %s", i, path);
		if (nook_setattr(tree, true, MOUNT_ATTR_RDONLY, 0, 0) < 0)
			return nook_fail(err, errno, "linux.readonlyPaths[%zu]: make %s read-only",
			                 i, path);
		if (nook_move_mount_to(tree, fd) < 0)
			return nook_fail(err, errno, "linux.readonlyPaths[%zu]: bind %s", i, path);
	}
	return 0;
}

/* label: linux.mountLabel, as runc labels its masking tmpfs (NULL: none);
 * fsconfig takes it whole, commas and all, without quotes. */
static int empty_tmpfs(const char *label)
{
	autoclose int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);

	if (fs < 0)
		return -1;
	if ((label != NULL && fsconfig(fs, FSCONFIG_SET_STRING, "context", label, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC,
	               MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
	                   MOUNT_ATTR_NOEXEC);
}

int nook_masked_paths(const struct nook_spec *spec, struct nook_error *err)
{
	autoclose int null = -1;

	for (size_t i = 0; i < spec->linux.masked_paths.n; i++) {
		const char *path = spec->linux.masked_paths.v[i];
		autoclose int fd = open_path(path);
		autoclose int tree = -1;
		struct stat st;

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			return nook_fail(err, errno, "linux.maskedPaths[%zu]: open %s%s", i, path,
			                 errno == ELOOP ? " (a symlink on the way)" : "");
		if (!S_ISDIR(st.st_mode) && null < 0) {
			char where[32];
			snprintf(where, sizeof(where), "linux.maskedPaths[%zu]", i);
			null = open_dev_null(where, err);
			if (null < 0)
				return -1;
		}
		if (S_ISDIR(st.st_mode))
			tree = empty_tmpfs(spec->linux.mount_label);
		else
			tree = open_tree(null, "",
			                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0)
			return nook_fail(
			    err, errno, "linux.maskedPaths[%zu]: %s for %s", i,
			    S_ISDIR(st.st_mode) ? "make an empty tmpfs" : "bind /dev/null", path);
		if (nook_move_mount_to(tree, fd) < 0)
			return nook_fail(err, errno, "linux.maskedPaths[%zu]: mask %s", i, path);
	}
	return 0;
}

int nook_root_readonly(struct nook_error *err)
{
	autoclose int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return nook_fail(err, errno, "root.readonly: open /");
	/* mount_setattr only adds MOUNT_ATTR_RDONLY: the other flags, which a
	 * user namespace may have locked, stay as they are. */
	if (nook_setattr(root, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return nook_fail(err, errno, "root.readonly: remount / read-only");
	return 0;
}
