/* The `cgroup` mount type with a cgroup namespace: real cgroup filesystems,
 * so that the container sees its own cgroup as the root. v2: one cgroup2
 * mount. v1 and hybrid: a tmpfs with one cgroup mount per hierarchy (named
 * after the host's mount point: cpu, memory, systemd, unified). The init
 * has unshared its cgroup namespace already, so each new mount's root is
 * the container's cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/resolve.h"
#include "rootfs_steps.h"

/* Mount one hierarchy on <dest>/<name of the host's mount point>. */
static int mount_hier(int root_fd, const char *dest, const struct nook_cg_hier *h,
                      unsigned long flags, size_t idx, struct nook_error *err)
{
	const char *name = strrchr(h->mountpoint, '/');
	bool named_only = strncmp(h->controllers, "name=", 5) == 0;
	char sub[4096], data[256], fdp[64];

	snprintf(sub, sizeof(sub), "%s/%s", dest, name != NULL ? name + 1 : h->mountpoint);
	snprintf(data, sizeof(data), "%s%s", named_only ? "none," : "", h->controllers);
	autoclose int fd = nook_resolve_create(root_fd, sub, NOOK_RESOLVE_MKDIR, err);
	if (fd < 0)
		return nook_error_prefix(err, "mounts[%zu]: %s", idx, sub);
	bool v2 = h->controllers[0] == '\0';
	if (mount("cgroup", nook_fd_path(fd, fdp, sizeof(fdp)), v2 ? "cgroup2" : "cgroup", flags,
	          v2 ? NULL : data) < 0)
		return nook_fail(err, errno, "mounts[%zu]: mount %s (%s) on %s", idx,
		                 v2 ? "cgroup2" : "cgroup", v2 ? "v2" : data, sub);
	return 0;
}

int nook_mount_cgroup_ns(int root_fd, int dest, const char *destination, unsigned long flags,
                         size_t idx, struct nook_error *err)
{
	autofree char *mi =
	    nook_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, 1024 * 1024, NULL, err);
	unsigned long mflags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME |
	                                MS_NOATIME | MS_STRICTATIME);
	struct nook_cg_layout l;
	char fdp[64];
	int rc = 0;

	if (mi == NULL)
		return nook_error_prefix(err, "mounts[%zu]", idx);
	if (nook_cg_parse_mountinfo(mi, &l, err) < 0)
		return nook_error_prefix(err, "mounts[%zu]", idx);
	if (l.mode == NOOK_CGROUP_UNIFIED) {
		if (mount("cgroup2", nook_fd_path(dest, fdp, sizeof(fdp)), "cgroup2", mflags,
		          NULL) < 0)
			rc = nook_fail(err, errno, "mounts[%zu]: mount cgroup2 on %s", idx,
			               destination);
		nook_cg_layout_free(&l);
		return rc;
	}
	if (mount("tmpfs", nook_fd_path(dest, fdp, sizeof(fdp)), "tmpfs",
	          (mflags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		rc = nook_fail(err, errno, "mounts[%zu]: mount tmpfs on %s", idx, destination);
	for (size_t i = 0; i < l.n && rc == 0; i++)
		rc = mount_hier(root_fd, destination, &l.h[i], mflags, idx, err);
	nook_cg_layout_free(&l);
	if (rc < 0 || !(mflags & MS_RDONLY))
		return rc;
	/* the tmpfs read-only too, now that its directories exist */
	autoclose int top = nook_resolve_create(root_fd, destination, NOOK_RESOLVE_NO_CREATE, err);
	if (top < 0)
		return nook_error_prefix(err, "mounts[%zu]", idx);
	if (mount(NULL, nook_fd_path(top, fdp, sizeof(fdp)), NULL,
	          MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return nook_fail(err, errno, "mounts[%zu]: make %s read-only", idx, destination);
	return 0;
}
