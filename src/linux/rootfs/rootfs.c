/* The container's filesystem view: nook_rootfs_enter() and
 * nook_rootfs_finish() as their steps, top to bottom (see nook/rootfs.h). */
#include "nook/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/mount_options.h"
#include "linux/rootfs/steps.h"

int nook_rootfs_enter(const struct nook_spec *spec, const struct nook_rootfs_opts *opts,
                      struct nook_error *err)
{
	const char *prop_name = spec->linux.rootfs_propagation;
	unsigned long prop = 0;
	autoclose int root_fd = -1;

	if (opts->rootfs == NULL || opts->rootfs[0] != '/')
		return nook_fail(err, EINVAL, "rootfs: the path must be absolute");
	if (prop_name != NULL) {
		prop = nook_propagation_from_name(prop_name);
		if (prop == 0)
			return nook_fail(err, EINVAL,
			                 "linux.rootfsPropagation: unknown value \"%s\"",
			                 prop_name);
	}

	/* 1. Nothing mounted from here on may reach the host. */
	if (mount(NULL, "/", NULL, ((prop & MS_PRIVATE) ? MS_PRIVATE : MS_SLAVE) | MS_REC, NULL) <
	    0)
		return nook_fail(err, errno, "make / %s",
		                 (prop & MS_PRIVATE) ? "rprivate" : "rslave");

	/* 2. The rootfs becomes a mount point of its own. */
	if (mount(opts->rootfs, opts->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nook_fail(err, errno, "bind the rootfs %s onto itself", opts->rootfs);
	root_fd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return nook_fail(err, errno, "open the rootfs %s", opts->rootfs);

	/* 3. The config mounts, in order. */
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (nook_mount_entry(root_fd, &spec->mounts[i], i, opts, err) < 0)
			return -1;

	/* 4. Devices, /dev links, console. */
	if (nook_devices_setup(root_fd, spec, opts, err) < 0)
		return -1;

	/* 5. Hooks that run before pivot_root (runtime.md lifecycle 3-5). */
	if (opts->before_pivot != NULL && opts->before_pivot(opts->ctx, err) < 0)
		return -1;

	/* 6. The rootfs becomes "/". */
	if (nook_pivot(root_fd, opts->no_pivot, err) < 0)
		return -1;

	/* 7. linux.rootfsPropagation on the new root. */
	if (prop != 0 && mount(NULL, "/", NULL, prop, NULL) < 0)
		return nook_fail(err, errno, "linux.rootfsPropagation \"%s\": apply to /",
		                 prop_name);
	return 0;
}

int nook_rootfs_finish(const struct nook_spec *spec, struct nook_error *err)
{
	int rc = 0;

	if (nook_readonly_paths(spec, err) < 0 || nook_masked_paths(spec, err) < 0 ||
	    (spec->root.readonly && nook_root_readonly(err) < 0))
		rc = -1;
	/* the proc and sysfs mounts kept since nook_rootfs_enter() */
	nook_kernfs_forget();
	return rc;
}
