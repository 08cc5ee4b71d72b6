/* Device nodes in the container's /dev (runtime-linux.md, config-linux.md
 * "Default Devices" and "Devices") and the /dev symlinks. /dev/console is
 * the terminal's business (src/linux/terminal.c).
 *
 * Outside a user namespace a node is made with mknodat() in its parent
 * directory; inside one (mknod is refused there) an empty file is created
 * and the host's node is bind-mounted on it.
 *
 * The parent directory (and /dev for the links) is reached without any
 * symlink: with the image's /dev a symlink into a volume, nook would make
 * 0666 nodes in a host directory (crun CVE-2026-47766, runc
 * CVE-2026-41579), so a symlinked /dev is refused. An entry already there
 * is kept when it is the very device asked for and is an error otherwise:
 * nook never unlinks what it did not make (with /dev bound from the host,
 * that would be a file of the host). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "linux/resolve.h"
#include "linux/rootfs/steps.h"

static const struct nook_device default_devices[] = {
    {.type = 'c', .path = "/dev/null", .major = 1, .minor = 3},
    {.type = 'c', .path = "/dev/zero", .major = 1, .minor = 5},
    {.type = 'c', .path = "/dev/full", .major = 1, .minor = 7},
    {.type = 'c', .path = "/dev/random", .major = 1, .minor = 8},
    {.type = 'c', .path = "/dev/urandom", .major = 1, .minor = 9},
    {.type = 'c', .path = "/dev/tty", .major = 5, .minor = 0},
};

/* The directory that holds d->path, reached without symlinks; its last
 * component in `name` (NAME_MAX + 1 bytes). */
static int device_dir(int root_fd, const struct nook_device *d, const char *what, char *name,
                      struct nook_error *err)
{
	autofree char *dir_copy = strdup(d->path);
	autofree char *base_copy = strdup(d->path);
	const char *base;
	int dir;

	if (dir_copy == NULL || base_copy == NULL)
		return nook_fail(err, ENOMEM, "%s", what);
	base = basename(base_copy);
	if (strcmp(base, "") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strcmp(base, "/") == 0 || strlen(base) > NAME_MAX)
		return nook_fail(err, EINVAL, "%s: bad device path %s", what, d->path);
	strcpy(name, base);
	dir = nook_resolve_dir_nofollow(root_fd, dirname(dir_copy), true, err);
	if (dir < 0)
		return nook_error_prefix(err, "%s%s", what,
		                         err != NULL && err->errnum == ELOOP
		                             ? ": refused (device nodes go only in directories "
		                               "reached without symlinks)"
		                             : "");
	return dir;
}

static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symlink";
	case S_IFCHR:
		return "another character device";
	case S_IFBLK:
		return "another block device";
	case S_IFIFO:
		return "another fifo";
	default:
		return "a socket";
	}
}

static int device_bind(int root_fd, const struct nook_device *d, const char *what,
                       struct nook_error *err)
{
	char name[NAME_MAX + 1];
	autoclose int dir = device_dir(root_fd, d, what, name, err);
	autoclose int dest = -1;
	autoclose int tree = -1;
	struct stat st;

	if (dir < 0)
		return -1;
	/* An empty file to bind on, or the file or device already there. */
	dest = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (dest < 0 && errno != EEXIST)
		return nook_fail(err, errno, "%s: create %s", what, d->path);
	if (dest >= 0)
		close(dest);
	dest = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (dest < 0 || fstat(dest, &st) < 0)
		return nook_fail(err, errno, "%s: open %s", what, d->path);
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return nook_fail(err, EEXIST, "%s: %s exists and is %s: not a place for the device",
		                 what, d->path, file_kind(st.st_mode));
	tree = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return nook_fail(err, errno, "%s: bind the host's %s", what, d->path);
	if (nook_move_mount_to(tree, dest) < 0)
		return nook_fail(err, errno, "%s: bind the host's %s", what, d->path);
	return 0;
}

static int device_mknod(int root_fd, const struct nook_device *d, const char *what,
                        struct nook_error *err)
{
	char name[NAME_MAX + 1];
	autoclose int dir = -1;
	mode_t perm = d->has_file_mode ? (mode_t)d->file_mode & 07777 : 0666;
	mode_t type;
	dev_t dev;
	mode_t old_umask;
	struct stat st;
	int rc;

	switch (d->type) {
	case 'c':
	case 'u':
		type = S_IFCHR;
		break;
	case 'b':
		type = S_IFBLK;
		break;
	case 'p':
		type = S_IFIFO;
		break;
	default:
		return nook_fail(err, EINVAL, "%s: unknown device type '%c'", what, d->type);
	}
	dev = type == S_IFIFO ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
	dir = device_dir(root_fd, d, what, name, err);
	if (dir < 0)
		return -1;

	old_umask = umask(0);
	rc = mknodat(dir, name, type | perm, dev);
	umask(old_umask);
	if (rc < 0 && errno == EEXIST) {
		/* Kept if it is this very device (as runc and crun keep what is
		 * there), never unlinked. */
		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return nook_fail(err, errno, "%s: stat the existing %s", what, d->path);
		if ((st.st_mode & S_IFMT) == type && (type == S_IFIFO || st.st_rdev == dev))
			return 0;
		return nook_fail(err, EEXIST,
		                 "%s: %s exists and is not the device but %s: not replaced", what,
		                 d->path, file_kind(st.st_mode));
	}
	if (rc < 0)
		return nook_fail(err, errno, "%s: mknod %s", what, d->path);
	if (fchownat(dir, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
	             AT_SYMLINK_NOFOLLOW) < 0)
		return nook_fail(err, errno, "%s: chown %s", what, d->path);
	return 0;
}

static int device_create(int root_fd, const struct nook_device *d, bool in_user_ns,
                         const char *what, struct nook_error *err)
{
	if (d->path == NULL || d->path[0] != '/')
		return nook_fail(err, EINVAL, "%s: the path must be absolute", what);
	if (in_user_ns)
		return device_bind(root_fd, d, what, err);
	return device_mknod(root_fd, d, what, err);
}

static bool configured(const struct nook_spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->linux.n_devices; i++)
		if (spec->linux.devices[i].path != NULL &&
		    strcmp(spec->linux.devices[i].path, path) == 0)
			return true;
	return false;
}

static int dev_symlinks(int root_fd, struct nook_error *err)
{
	static const struct {
		const char *target, *name;
	} links[] = {
	    {"/proc/self/fd", "fd"},
	    {"/proc/self/fd/0", "stdin"},
	    {"/proc/self/fd/1", "stdout"},
	    {"/proc/self/fd/2", "stderr"},
	};
	autoclose int dev = nook_resolve_dir_nofollow(root_fd, "/dev", true, err);
	struct stat st;

	if (dev < 0)
		return nook_error_prefix(err, "/dev symlinks");
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(links); i++)
		if (symlinkat(links[i].target, dev, links[i].name) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "symlink /dev/%s -> %s", links[i].name,
			                 links[i].target);
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
	    errno != EEXIST)
		return nook_fail(err, errno, "symlink /dev/core -> /proc/kcore");
	/* /dev/ptmx is the one of the container's devpts instance. */
	if (fstatat(dev, "pts", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
		/* Replaced only if it is the ptmx device or a link. */
		if (fstatat(dev, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (!S_ISLNK(st.st_mode) &&
			    !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 2)))
				return nook_fail(err, EEXIST,
				                 "/dev/ptmx exists and is %s: not replaced",
				                 file_kind(st.st_mode));
			if (unlinkat(dev, "ptmx", 0) < 0)
				return nook_fail(err, errno, "remove /dev/ptmx");
		}
		if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
			return nook_fail(err, errno, "symlink /dev/ptmx -> pts/ptmx");
	}
	return 0;
}

int nook_devices_setup(int root_fd, const struct nook_spec *spec,
                       const struct nook_rootfs_opts *opts, struct nook_error *err)
{
	/* A bind of the host's /dev (privileged containers) is used as is. */
	bool own_dev = !nook_mounts_bind_dev(spec);
	char what[64];

	if (own_dev) {
		for (size_t i = 0; i < NOOK_ARRAY_SIZE(default_devices); i++) {
			const struct nook_device *d = &default_devices[i];

			if (configured(spec, d->path))
				continue;
			snprintf(what, sizeof(what), "default device %s", d->path);
			if (device_create(root_fd, d, opts->in_user_ns, what, err) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < spec->linux.n_devices; i++) {
		snprintf(what, sizeof(what), "linux.devices[%zu]", i);
		if (device_create(root_fd, &spec->linux.devices[i], opts->in_user_ns, what, err) <
		    0)
			return -1;
	}
	if (own_dev && dev_symlinks(root_fd, err) < 0)
		return -1;
	return 0;
}
