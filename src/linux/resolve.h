/* Safe path resolution inside a root directory.
 *
 * A path from the config ("/dev/shm", "/evil/tmp") names something inside
 * the container's root. It is never joined to the rootfs path as a string:
 * every lookup goes through openat2(root_fd, path, RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS), so "..", absolute symlinks and relative symlinks
 * all stay inside `root_fd` (CVE-2021-30465). Missing components are created
 * with mkdirat()/openat() relative to the fd of their already resolved
 * parent. A missing component that is a dangling symlink is followed, inside
 * the root, and its target made (as runc's securejoin and crun do: a bind on
 * /etc/resolv.conf -> ../run/resolv.conf lands on /run/resolv.conf). */
#ifndef NOOK_RESOLVE_H
#define NOOK_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/error.h"

enum nook_resolve_create {
	NOOK_RESOLVE_NO_CREATE, /* the path must exist */
	NOOK_RESOLVE_MKDIR,     /* create missing parents and the target as directories */
	NOOK_RESOLVE_MKFILE,    /* parents as directories, the target as an empty file */
};

/* openat2() with RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS (plus `extra_resolve`,
 * e.g. RESOLVE_NO_SYMLINKS). Returns the fd, or -1 with errno set; no message
 * so that a caller can treat ENOENT as "skip". */
int nook_openat_in_root(int root_fd, const char *path, int flags, unsigned long long extra_resolve);

/* An O_PATH fd of `path` inside `root_fd`, creating what is missing as
 * `create` says (directories 0755, file 0644 before umask). Fails with
 * "<path>: ..." in `err`. */
int nook_resolve_create(int root_fd, const char *path, enum nook_resolve_create create,
                        struct nook_error *err);

/* An O_PATH|O_DIRECTORY fd of `path` inside `root_fd`, reached without any
 * symlink (RESOLVE_NO_SYMLINKS): where proc, sysfs, cgroups and device nodes
 * go, so that a symlink swapped in by another container sharing a volume
 * cannot send them elsewhere (runc CVE-2025-52881, crun CVE-2026-47766).
 * With `create`, missing directories are made, each in its parent reached
 * the same way; ".." is refused. Fails with "<path>: <prefix> is a
 * symlink" (ELOOP) or "<path>: <prefix> is not a directory" (ENOTDIR). */
int nook_resolve_dir_nofollow(int root_fd, const char *path, bool create, struct nook_error *err);

/* "/proc/self/fd/<fd>" into `buf` (at least 32 bytes). */
const char *nook_fd_path(int fd, char *buf, size_t size);

#endif
