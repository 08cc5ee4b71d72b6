/* linux.readonlyPaths, linux.maskedPaths and root.readonly, after pivot:
 * "/" is the container's root, paths resolve inside it (RESOLVE_IN_ROOT)
 * and a path that does not exist is skipped, as runc does. Everything goes
 * through the new mount API so that no /proc is needed. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/resolve.h"
#include "rootfs_steps.h"

/* -1 with errno ENOENT: skip. */
static int open_path(const char *path)
{
	autoclose int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return -1;
	return nook_openat_in_root(root, path, O_PATH, 0);
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
			return nook_fail(err, errno, "linux.readonlyPaths[%zu]: open %s", i, path);
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

static int empty_tmpfs(void)
{
	autoclose int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);

	if (fs < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC,
	               MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
	                   MOUNT_ATTR_NOEXEC);
}

int nook_masked_paths(const struct nook_spec *spec, struct nook_error *err)
{
	for (size_t i = 0; i < spec->linux.masked_paths.n; i++) {
		const char *path = spec->linux.masked_paths.v[i];
		autoclose int fd = open_path(path);
		autoclose int tree = -1;
		struct stat st;

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			return nook_fail(err, errno, "linux.maskedPaths[%zu]: open %s", i, path);
		if (S_ISDIR(st.st_mode))
			tree = empty_tmpfs();
		else
			tree =
			    open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
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
