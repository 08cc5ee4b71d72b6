/* The `nook exec` process (see include/nook/exec_child.h), top to bottom:
 * close every fd of the runtime's but the sync socket and the pidfd
 * (CVE-2024-21626), wait for GO (the runtime put us in the container's
 * cgroup; our oomScoreAdj was inherited from it at clone), join the
 * namespaces with one setns(pidfd, flags) and close the pidfd, terminal, a
 * new session, process attributes, the init's lock-down sequence (the cwd
 * checked to be inside the root), fds close-on-exec, then the seccomp
 * filter and execve with nothing between. */
#include "nook/exec_child.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "linux/fds.h"
#include "linux/lockdown.h"
#include "nook/security.h"
#include "nook/sync.h"
#include "nook/terminal.h"

__attribute__((noreturn)) static void exec_fail(const struct nook_exec_child_args *a,
                                                struct nook_error *err)
{
	struct nook_error ignored;

	if (nook_sync_send(a->sync_fd, NOOK_SYNC_ERROR, err, -1, &ignored) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 128];
		dprintf(STDERR_FILENO, "nook: %s\n", nook_error_text(err, text, sizeof(text)));
	}
	_exit(255);
}

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

static int open_terminal(const struct nook_exec_child_args *a, struct nook_error *err)
{
	int master, rc;

	if (!a->spec->process.terminal)
		return 0;
	master = nook_terminal_open_in_container(&a->spec->process, false, err);
	if (master < 0)
		return -1;
	rc = nook_sync_send(a->sync_fd, NOOK_SYNC_PTY, NULL, master, err);
	close(master);
	return rc;
}

__attribute__((noreturn)) void nook_exec_child_main(const struct nook_exec_child_args *a)
{
	struct nook_seccomp_filter *filter = NULL;
	struct nook_exec_plan plan = {0};
	struct nook_error err;

	nook_error_clear(&err);
	/* The nook binary until execve: not to be opened through /proc by the
	 * container's processes (CVE-2019-5736). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Before anything else, above all before the chdir to process.cwd:
	 * the runtime's fds (state directory, cgroup directories, pidfd) lead
	 * to the host's filesystem, e.g. as cwd /proc/self/fd/N (CVE-2024-21626). */
	const int keep[] = {a->sync_fd, a->init_pidfd, a->root_fd};
	nook_fds_close_inherited(a->preserve_fds, keep, NOOK_ARRAY_SIZE(keep));
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (nook_sync_expect(a->sync_fd, NOOK_SYNC_GO, "runtime went away", &err) < 0)
		exec_fail(a, &err);
	if (join_container(a, &err) < 0 || open_terminal(a, &err) < 0)
		exec_fail(a, &err);
	if (nook_process_new_session(&err) < 0 || nook_process_setup(a->spec, &err) < 0)
		exec_fail(a, &err);
	if (nook_seccomp_prepare(&a->spec->linux.seccomp, &filter, &err) < 0)
		exec_fail(a, &err);
	if (nook_lock_down(&a->spec->process, filter, &plan, &err) < 0)
		exec_fail(a, &err);
	if (nook_fds_close_on_exec(a->preserve_fds, &err) < 0)
		exec_fail(a, &err);
	nook_exec_plan_run(&plan, &err);
	exec_fail(a, &err);
}
