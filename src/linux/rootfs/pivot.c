/* Switch the root to the rootfs mount. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "linux/rootfs/steps.h"

int nook_pivot(int root_fd, bool no_pivot, struct nook_error *err)
{
	if (fchdir(root_fd) < 0)
		return nook_fail(err, errno, "pivot: chdir to the rootfs");
	if (no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return nook_fail(err, errno, "no-pivot: move the rootfs onto /");
		if (chroot(".") < 0)
			return nook_fail(err, errno, "no-pivot: chroot");
	} else {
		/* pivot_root(".", "."): the old root ends up stacked on top of the
		 * new one at "."; detach it. It is made rslave first so that the
		 * unmount does not travel to the host through a shared peer.
		 * That goes through an fd of the old root taken before the pivot:
		 * after it, "." resolves to the new root, whose propagation
		 * (rootfsPropagation, "shared" mounts) must stay as it is. */
		autoclose int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (old_root < 0)
			return nook_fail(err, errno, "pivot: open the old root");
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return nook_fail(err, errno, "pivot_root");
		if (nook_setattr(old_root, true, 0, 0, MS_SLAVE) < 0)
			return nook_fail(err, errno, "pivot: make the old root rslave");
		if (umount2(".", MNT_DETACH) < 0)
			return nook_fail(err, errno, "pivot: detach the old root");
	}
	if (chdir("/") < 0)
		return nook_fail(err, errno, "chdir /");
	return 0;
}
