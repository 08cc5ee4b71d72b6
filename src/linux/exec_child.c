/* The `nook exec` process (see include/nook/exec_child.h), top to bottom:
 * close every fd of the runtime's but the sync socket and the pidfd
 * (CVE-2024-21626), wait for GO (the runtime put us in the container's
 * cgroup; our oomScoreAdj was inherited from it at clone), join the
 * namespaces with one setns(pidfd, flags) and close the pidfd, terminal, a
 * new session, then the init's last steps (src/linux/child.h: process
 * attributes, lock-down with the cwd checked to be inside the root, fds
 * close-on-exec), then the seccomp filter and execve with nothing between.
 * The exec attribute of AppArmor and SELinux is opened first of all, while
 * /proc is the runtime's (src/linux/lsm.h). */
#include "nook/exec_child.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "linux/child.h"
#include "nook/cleanup.h"
#include "nook/security.h"
#include "nook/sync.h"

static int join_container(const struct nook_exec_child_args *a, struct nook_error *err)
{
	int joined = a->join_flags == 0 ? 0 : setns(a->init_pidfd, a->join_flags);
	int setns_errno = errno;

	/* The last fd that is not ours to pass on (only the sync socket is
	 * left, and it is close-on-exec). */
	close(a->init_pidfd);
	if (joined < 0)
		return nook_fail(err, setns_errno, "join the container's namespaces (flags 0x%x)",
		                 a->join_flags);
	/* setns of the mount namespace put us at its root, which is the
	 * container's root after its pivot_root. Without a mount namespace of
	 * its own, the container's root is the init's chroot. */
	if (a->root_fd >= 0 && (fchdir(a->root_fd) < 0 || chroot(".") < 0))
		return nook_fail(err, errno, "enter the container's root (chroot)");
	if (a->root_fd >= 0)
		close(a->root_fd); /* a way out of the chroot otherwise */
	if (chdir("/") < 0)
		return nook_fail(err, errno, "chdir / in the container");
	return 0;
}

__attribute__((noreturn)) void nook_exec_child_main(const struct nook_exec_child_args *a)
{
	struct nook_exec_plan plan = {0};
	struct nook_error err;

	nook_error_clear(&err);
	/* Besides stdio and --preserve-fds, the sync socket, the pidfd and
	 * the root to chroot into. */
	const int keep[] = {a->init_pidfd, a->root_fd};
	nook_child_begin(a->sync_fd, a->preserve_fds, keep, NOOK_ARRAY_SIZE(keep), false);
	/* While /proc is the runtime's (src/linux/lsm.h). */
	if (nook_lsm_open(&a->spec->process, &plan.lsm, &err) < 0 ||
	    nook_sync_expect(a->sync_fd, NOOK_SYNC_GO, "runtime went away", &err) < 0 ||
	    join_container(a, &err) < 0 ||
	    nook_child_send_terminal(a->sync_fd, &a->spec->process, false, &err) < 0 ||
	    nook_process_new_session(&err) < 0 ||
	    nook_child_prepare_exec(a->spec, a->preserve_fds, &plan, &err) < 0 ||
	    nook_child_send_listener(a->sync_fd, &plan, &err) < 0)
		nook_child_fail(a->sync_fd, &err);
	nook_exec_plan_run(&plan, &err);
	nook_child_fail(a->sync_fd, &err);
}
