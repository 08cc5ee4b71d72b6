/* The container init, top to bottom (docs/design.md, "The create path", step 5):
 *
 *   close fds            all but stdio, the caller's --preserve-fds, the
 *                        sync socket and exec.fifo (CVE-2024-21626)
 *   wait for GO          the runtime has written our id maps
 *   join namespaces      given by path (user first)
 *   become root          of our user namespace, if we have one
 *   cgroup namespace     unshared now, once we sit in our final cgroup
 *   network, uts         loopback up, hostname, domainname
 *   filesystem           mounts, devices, pivot_root, a missing cwd made,
 *                        terminal, sysctl, read-only and masked paths,
 *                        read-only root (without a mount namespace of its
 *                        own: chroot)
 *   process              a new session; rlimits, personality, ioPriority,
 *                        scheduler, memory policy
 *                        (oomScoreAdj was inherited from the runtime)
 *   security             seccomp compiled; env with HOME; bounding set
 *                        dropped; user and groups; capabilities; cwd (inside
 *                        the root), umask, executable found; no_new_privs
 *                        (lockdown.h); the AppArmor profile and SELinux
 *                        label for execve (lsm.h, opened at the start)
 *   seccomp listener     with an SCMP_ACT_NOTIFY rule: the filter loaded
 *                        now, its listener fd to the runtime (SECCOMP_FD)
 *   READY, then wait     for one byte on exec.fifo from `nook start`
 *   startContainer hooks
 *   seccomp, execve      the filter loaded, then execve and nothing between,
 *                        with every fd but stdio and the preserved ones
 *                        closed on exec
 *
 * Every failure goes to the runtime as a nook_error naming its step. */
#include "nook/init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/child.h"
#include "linux/fds.h"
#include "nook/cleanup.h"
#include "nook/hooks.h"
#include "nook/namespaces.h"
#include "nook/rootfs.h"
#include "nook/security.h"
#include "nook/sync.h"
#include "nook/userns.h"

__attribute__((noreturn)) static void init_fail(const struct nook_init_args *a,
                                                struct nook_error *err)
{
	nook_child_fail(a->sync_fd, err);
}

static int become_ns_root(const struct nook_init_args *a, struct nook_error *err)
{
	if (!(a->new_ns_flags & CLONE_NEWUSER) &&
	    nook_spec_namespace(a->spec, NOOK_NS_USER) == NULL)
		return 0;
	if (setresgid(0, 0, 0) < 0)
		return nook_fail(err, errno, "user namespace: become gid 0 (is gid 0 mapped?)");
	if (setresuid(0, 0, 0) < 0)
		return nook_fail(err, errno, "user namespace: become uid 0 (is uid 0 mapped?)");
	return 0;
}

static int enter_namespaces(const struct nook_init_args *a, struct nook_error *err)
{
	const struct nook_namespace *cgroup_ns = nook_spec_namespace(a->spec, NOOK_NS_CGROUP);

	int skip = CLONE_NEWPID | CLONE_NEWTIME | a->joined_by_runtime;

	if (nook_ns_join_paths(a->spec, skip, a->foreign_join_flags, err) < 0)
		return -1;
	if (become_ns_root(a, err) < 0)
		return -1;
	if (a->unshare_flags != 0 && unshare(a->unshare_flags) < 0)
		return nook_fail(err, errno,
		                 "linux.namespaces: new namespaces in the joined user "
		                 "namespace (flags 0x%x)",
		                 a->unshare_flags);
	if (cgroup_ns != NULL && cgroup_ns->path == NULL && unshare(CLONE_NEWCGROUP) < 0)
		return nook_fail(err, errno, "linux.namespaces: new cgroup namespace");
	if ((a->new_ns_flags & CLONE_NEWNET) && nook_ns_loopback_up(err) < 0)
		return -1;
	return nook_ns_set_uts(a->spec, err);
}

/* The state JSON for the hooks the init runs itself, sent by the runtime
 * before GO when the config has such hooks. */
static struct {
	char *creating; /* for createContainer */
	char *created;  /* for startContainer */
} hook_state;

static int receive_hook_state(const struct nook_init_args *a, struct nook_error *err)
{
	const struct nook_hooks *h = &a->spec->hooks;

	if (h->create_container.n > 0 &&
	    nook_sync_recv_bytes(a->sync_fd, NOOK_SYNC_HOOK_STATE, &hook_state.creating, err) < 0)
		return -1;
	if (h->start_container.n > 0 &&
	    nook_sync_recv_bytes(a->sync_fd, NOOK_SYNC_HOOK_STATE, &hook_state.created, err) < 0)
		return -1;
	return 0;
}

/* Mounts done, pivot_root next (runtime.md lifecycle 3-5): the runtime runs
 * prestart and createRuntime in its namespaces, then we run createContainer
 * in ours; their paths still resolve in the runtime's view of the files. */
static int hooks_before_pivot(void *ctx, struct nook_error *err)
{
	const struct nook_init_args *a = ctx;
	const struct nook_hooks *h = &a->spec->hooks;

	if (h->prestart.n > 0 || h->create_runtime.n > 0) {
		if (nook_sync_send(a->sync_fd, NOOK_SYNC_HOOKS_REQUEST, NULL, -1, err) < 0 ||
		    nook_sync_expect(a->sync_fd, NOOK_SYNC_HOOKS_REPLY,
		                     "runtime went away during hooks", err) < 0)
			return -1;
	}
	if (h->create_container.n == 0)
		return 0;
	return nook_hooks_run(&h->create_container, "createContainer", hook_state.creating, err);
}

static bool in_user_namespace(const struct nook_init_args *a)
{
	return nook_spec_namespace(a->spec, NOOK_NS_USER) != NULL;
}

/* No mount namespace of the container's own (config-linux.md: it keeps the
 * runtime's): whatever is mounted the host would see, so nothing is, and
 * the config checks refused every field that mounts. The rootfs is used as
 * it is: hooks, sysctls through the runtime's /proc (/proc/sys follows the
 * namespaces of the writer, which are the container's by now), then chroot,
 * as crun does (runc mounts in the host's namespace). Not a boundary: a
 * workload with CAP_SYS_CHROOT or CAP_SYS_ADMIN can leave a chroot. */
static int enter_rootfs_without_mount_ns(const struct nook_init_args *a, struct nook_error *err)
{
	if (hooks_before_pivot((void *)a, err) < 0 || nook_sysctl_apply(a->spec, err) < 0)
		return -1;
	if (chdir(a->rootfs) < 0)
		return nook_fail(err, errno, "root.path: chdir %s", a->rootfs);
	if (chroot(".") < 0)
		return nook_fail(err, errno, "root.path: chroot %s", a->rootfs);
	if (chdir("/") < 0)
		return nook_fail(err, errno, "chdir / in the rootfs");
	/* The rootfs's own /dev/ptmx; no /dev/console bind (a mount). */
	if (a->spec->has_process)
		return nook_child_send_terminal(a->sync_fd, &a->spec->process, false, err);
	return 0;
}

static int build_filesystem(const struct nook_init_args *a, struct nook_error *err)
{
	int *source_fds = NULL;

	if (!a->own_mount_ns)
		return enter_rootfs_without_mount_ns(a, err);
	/* As the mapped root we may not reach every bind source: the runtime
	 * opens them for us (src/linux/rootfs/mount_sources.c); an id-mapped
	 * bind only the runtime can make. */
	if ((in_user_namespace(a) || nook_mount_sources_idmapped(a->spec)) &&
	    nook_mount_sources_request(a->sync_fd, a->spec, &source_fds, err) < 0)
		return -1;
	const struct nook_rootfs_opts opts = {
	    .source_fds = source_fds,
	    .cgroup = a->cgroup,
	    .mount_label = a->spec->linux.mount_label,
	    .rootfs = a->rootfs,
	    .bundle = a->bundle,
	    /* also when the runtime's own user namespace is not the initial
	     * one (rootless podman runs nook as its uid 0, with configs that
	     * have no user namespace): devices are bound, not made (runc) */
	    .in_user_ns = in_user_namespace(a) || !nook_in_initial_userns(),
	    .no_pivot = a->no_pivot,
	    .before_pivot = hooks_before_pivot,
	    .ctx = (void *)a,
	    .cgroup_ns = nook_spec_namespace(a->spec, NOOK_NS_CGROUP) != NULL,
	    .runtime_netns = nook_spec_namespace(a->spec, NOOK_NS_NETWORK) == NULL,
	};

	int entered = nook_rootfs_enter(a->spec, &opts, err);
	nook_mount_sources_free(source_fds, a->spec->n_mounts);
	if (entered < 0)
		return -1;
	if (a->spec->has_process) {
		nook_process_make_cwd(&a->spec->process);
		if (nook_child_send_terminal(a->sync_fd, &a->spec->process, true, err) < 0)
			return -1;
	}
	if (nook_sysctl_apply(a->spec, err) < 0)
		return -1;
	return nook_rootfs_finish(a->spec, err);
}

/* A session keyring of its own, so containers do not share the host's keys
 * (as runc does; --no-new-keyring keeps the runtime's). Kernels without
 * keyrings, or that refuse them, are not an error. */
static int join_new_keyring(const struct nook_init_args *a, struct nook_lsm *lsm,
                            struct nook_error *err)
{
	if (a->no_new_keyring)
		return 0;
	/* labelled with process.selinuxLabel (src/linux/lsm.h) */
	if (nook_lsm_key_label(&a->spec->process, lsm, true, err) < 0)
		return -1;
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    errno != EPERM && errno != EACCES && errno != EDQUOT)
		return nook_fail(err, errno, "join a new session keyring");
	return nook_lsm_key_label(&a->spec->process, lsm, false, err);
}

/* config.md: process may be absent at create; `start` then refuses. The
 * init keeps the namespaces alive until the container is deleted. */
__attribute__((noreturn)) static void wait_without_process(const struct nook_init_args *a)
{
	struct nook_error err;

	if (nook_fds_close_on_exec(a->preserve_fds, &err) < 0 ||
	    nook_sync_send(a->sync_fd, NOOK_SYNC_READY, NULL, -1, &err) < 0)
		init_fail(a, &err);
	close(a->sync_fd);
	for (;;)
		pause();
}

static int wait_for_start(const struct nook_init_args *a, struct nook_error *err)
{
	char byte;
	ssize_t n;

	do
		n = read(a->fifo_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return nook_fail(err, n < 0 ? errno : 0, "wait for start on exec.fifo");
	return 0;
}

/* startContainer hooks run under the container's seccomp filter, as in runc
 * and crun: each hook's child loads it just before its execve. */
static int load_filter_in_hook(void *ctx)
{
	const struct nook_exec_plan *plan = ctx;
	struct nook_error err;

	if (nook_seccomp_load(plan->filter, &err) < 0)
		return err.errnum != 0 ? err.errnum : EPERM;
	return 0;
}

/* runtime.md lifecycle 7, in the container's namespaces after `start`. A
 * hook without env gets the process's environment, as in runc and crun. */
static int run_start_container_hooks(const struct nook_init_args *a,
                                     const struct nook_exec_plan *plan, struct nook_error *err)
{
	const struct nook_hooks_opts opts = {
	    .default_env = plan->envp,
	    .before_exec = plan->filter != NULL ? load_filter_in_hook : NULL,
	    .ctx = (void *)plan,
	};

	if (a->spec->hooks.start_container.n == 0)
		return 0;
	return nook_hooks_run_opts(&a->spec->hooks.start_container, "startContainer",
	                           hook_state.created, &opts, err);
}

__attribute__((noreturn)) void nook_init_main(const struct nook_init_args *a)
{
	const struct nook_spec *spec = a->spec;
	struct nook_exec_plan plan = {0};
	struct nook_error err;

	nook_error_clear(&err);
	/* A new user namespace: until GO the runtime (or newuidmap, as the
	 * unprivileged caller) writes our /proc/<pid>/uid_map and gid_map,
	 * which a non-dumpable process's owner cannot open; nothing of the
	 * container runs yet (runc's nsexec does the same). */
	bool maps_from_outside = ((a->new_ns_flags & ~a->unshare_flags) & CLONE_NEWUSER) != 0;
	/* Besides stdio and --preserve-fds, the sync socket and exec.fifo. */
	nook_child_begin(a->sync_fd, a->preserve_fds, &a->fifo_fd, 1, maps_from_outside);
	/* While /proc is the runtime's (src/linux/lsm.h). */
	if (spec->has_process && nook_lsm_open(&spec->process, &plan.lsm, &err) < 0)
		init_fail(a, &err);
	if (receive_hook_state(a, &err) < 0 ||
	    nook_sync_expect(a->sync_fd, NOOK_SYNC_GO, "runtime went away before start", &err) < 0)
		init_fail(a, &err);
	if (maps_from_outside)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (enter_namespaces(a, &err) < 0)
		init_fail(a, &err);
	if (join_new_keyring(a, &plan.lsm, &err) < 0 || build_filesystem(a, &err) < 0)
		init_fail(a, &err);
	if (nook_process_new_session(&err) < 0)
		init_fail(a, &err);
	if (!spec->has_process)
		wait_without_process(a);
	if (nook_child_prepare_exec(spec, a->preserve_fds, &plan, &err) < 0 ||
	    nook_child_send_listener(a->sync_fd, &plan, &err) < 0)
		init_fail(a, &err);
	if (nook_sync_send(a->sync_fd, NOOK_SYNC_READY, NULL, -1, &err) < 0)
		init_fail(a, &err);
	if (wait_for_start(a, &err) < 0)
		init_fail(a, &err);
	if (run_start_container_hooks(a, &plan, &err) < 0)
		init_fail(a, &err);
	nook_exec_plan_run(&plan, &err);
	init_fail(a, &err);
}
