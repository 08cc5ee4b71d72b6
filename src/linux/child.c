/* The common steps of the init and the exec child (see src/linux/child.h). */
#include "linux/child.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "linux/fds.h"
#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/security.h"
#include "nook/sync.h"
#include "nook/terminal.h"

void nook_child_begin(int sync_fd, int preserve_fds, const int *keep, size_t n_keep,
                      bool maps_from_outside)
{
	int all[8];
	size_t n = 0;

	/* Warnings and errors from here on leave by the runtime's route. */
	nook_sync_route_log(sync_fd);
	/* Until execve this process is the nook binary: non-dumpable, nothing
	 * in the container may open its /proc/<pid>/exe to overwrite the
	 * runtime on the host (CVE-2019-5736). execve resets it. But while
	 * the runtime writes the maps of our new user namespace, its owner
	 * must be able to open our /proc/<pid>/uid_map, which a non-dumpable
	 * process's /proc files forbid: dumpable, as runc's nsexec, until the
	 * init's GO, and never so much as for a moment non-dumpable before:
	 * the runtime writes right after the clone (crun's peer suite run by
	 * an unprivileged user found "open /proc/PID/uid_map: Permission
	 * denied" in one run out of twenty). Nothing of the container runs
	 * until GO. */
	prctl(PR_SET_DUMPABLE, maps_from_outside ? 1 : 0, 0, 0, 0);
	/* Before anything else, above all before a namespace is joined or the
	 * cwd changed: the runtime's fds (state directory, whose flock `start`
	 * and `delete` wait for, cgroup directories) lead to the host's
	 * filesystem, e.g. as cwd /proc/self/fd/N (CVE-2024-21626). */
	all[n++] = sync_fd;
	for (size_t i = 0; i < n_keep && n < NOOK_ARRAY_SIZE(all); i++)
		all[n++] = keep[i];
	nook_fds_close_inherited(preserve_fds, all, n);
	/* Default signal dispositions: the runtime may have handlers. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

__attribute__((noreturn)) void nook_child_fail(int sync_fd, const struct nook_error *err)
{
	struct nook_error ignored;

	if (nook_sync_send(sync_fd, NOOK_SYNC_ERROR, err, -1, &ignored) < 0)
		nook_log_error(err); /* the relay fails too: to our stderr */
	_exit(255);
}

int nook_child_send_terminal(int sync_fd, const struct nook_process *proc, bool bind_console,
                             struct nook_error *err)
{
	int master, rc;

	if (!proc->terminal)
		return 0;
	master = nook_terminal_open_in_container(proc, bind_console, err);
	if (master < 0)
		return -1;
	rc = nook_sync_send(sync_fd, NOOK_SYNC_PTY, NULL, master, err);
	close(master);
	return rc;
}

int nook_child_prepare_exec(const struct nook_spec *spec, int preserve_fds,
                            struct nook_exec_plan *plan, struct nook_error *err)
{
	struct nook_seccomp_filter *filter = NULL;

	if (nook_process_setup(spec, err) < 0 ||
	    nook_seccomp_prepare(&spec->linux.seccomp, &filter, err) < 0 ||
	    nook_lock_down(&spec->process, filter, plan, err) < 0 ||
	    nook_lsm_apply(&spec->process, &plan->lsm, err) < 0)
		return -1;
	return nook_fds_close_on_exec(preserve_fds, err);
}

int nook_child_send_listener(int sync_fd, struct nook_exec_plan *plan, struct nook_error *err)
{
	int fd;

	if (!nook_seccomp_notifies(plan->filter))
		return 0;
	fd = nook_seccomp_load_listener(plan->filter, err);
	if (fd < 0)
		return -1;
	plan->filter = NULL; /* loaded */
	/* The fd is close-on-exec: not closed here, one syscall fewer under
	 * the filter before the agent has it. */
	return nook_sync_send(sync_fd, NOOK_SYNC_SECCOMP_FD, NULL, fd, err);
}
