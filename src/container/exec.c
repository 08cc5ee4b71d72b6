/* nook_container_exec: a new process in a running container.
 *
 *   build the process (container's process + flags, or --process)
 *   pidfd of the init; which of its namespaces differ from ours
 *   pid and time namespaces: entered by the runtime around the clone (they
 *     only apply to children); clone3 into the v2 cgroup where there is one
 *   the child joins the rest with setns(pidfd), see src/linux/exec_child.c
 *   oomScoreAdj: set on ourselves around the clone, for the child to inherit
 *   execCPUAffinity.initial on the child before it joins the cgroup (it is
 *     then not cloned into the v2 one), .final (or a reset) right after
 *   v1 cgroups: attach (--cgroup: the sub-cgroups instead); GO; PTY / ERROR
 *     / end of file (= exec happened; in a paused container, after resume)
 *   detached: pid file, done; else wait in the foreground */
#include "nook/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/seccomp_listener.h"
#include "nook/cleanup.h"
#include "nook/clone.h"
#include "nook/console_socket.h"
#include "nook/cpu_affinity.h"
#include "nook/file.h"
#include "nook/host_facts.h"
#include "nook/log.h"
#include "nook/exec_child.h"
#include "nook/namespaces.h"
#include "nook/security.h"
#include "nook/state.h"
#include "nook/sync.h"
#include "nook/userns.h"

struct exec_run {
	int pidfd;
	int sync_fd;
	int pty_master;
	pid_t pid;
	struct nook_cgroup cgroup; /* the container's, or --cgroup's sub-cgroups */
	bool own_cgroup;           /* cgroup is --cgroup's copy, to free */
	bool into_cgroup;
	bool outside_cgroup; /* rootless, not allowed into it (cgroup_denied) */
	bool reaped;
};

static int check_request(struct nook_container *c, const struct nook_exec_opts *o,
                         const struct nook_process *p, struct nook_error *err)
{
	int status = nook_container_status(c);

	/* runc's wording: exec.go */
	if (status == NOOK_PAUSED && !o->ignore_paused)
		return nook_fail(err, 0,
		                 "container \"%s\" is paused: cannot exec in a paused container "
		                 "(use --ignore-paused to override)",
		                 c->id);
	if (status != NOOK_RUNNING && status != NOOK_PAUSED)
		return nook_fail(err, 0, "container \"%s\" is %s: exec needs a running container",
		                 c->id, nook_status_name((enum nook_status)status));
	if (p->args.n == 0)
		return nook_fail(err, 0, "exec: process.args: must name the program to run");
	if (p->terminal && o->detach && o->console_socket == NULL)
		return nook_fail(err, 0,
		                 "exec: a terminal for a detached process needs "
		                 "--console-socket");
	if (!p->terminal && o->console_socket != NULL)
		return nook_fail(err, 0, "exec: --console-socket given without a terminal (--tty)");
	/* As at create (src/spec/support.c): a label the host cannot apply. */
	if (p->apparmor_profile != NULL && !nook_apparmor_enabled())
		return nook_fail(
		    err, 0, "not supported: %s \"%s\": AppArmor is not enabled on this host",
		    o->apparmor != NULL ? "exec --apparmor" : "process.apparmorProfile",
		    p->apparmor_profile);
	if (p->selinux_label != NULL && !nook_selinux_enabled())
		return nook_fail(
		    err, 0, "not supported: %s \"%s\": SELinux is not enabled on this host",
		    o->process_label != NULL ? "exec --process-label" : "process.selinuxLabel",
		    p->selinux_label);
	return 0;
}

/* A rootless caller outside the subtree that holds the container's cgroup
 * (a login session's scope, while the cgroup is below user@UID.service) may
 * not move a process into it: the kernel wants write access to the common
 * parent's cgroup.procs. The process then stays where the caller is, as
 * runc's rootless exec does (it ignores the join's error). */
static bool cgroup_denied(struct nook_error *err)
{
	if ((err->errnum != EACCES && err->errnum != EPERM) || !nook_rootless_decide(NULL))
		return false;
	char text[NOOK_ERROR_MSG_MAX + 64];
	nook_debug("rootless exec: not in the container's cgroup: %s",
	           nook_error_text(err, text, sizeof(text)));
	nook_error_clear(err);
	return true;
}

static int spawn(struct nook_container *c, const struct nook_spec *view,
                 const struct nook_exec_opts *o, struct exec_run *r, struct nook_error *err)
{
	struct nook_ns_saved saved;
	int flags, sync_fd;

	if (nook_ns_of_process(c->pid, &flags, err) < 0 ||
	    nook_userns_join_for_exec(r->pidfd, &flags, err) < 0)
		return -1;
	/* The container shares our mount namespace: its root is only the
	 * init's chroot, which setns does not give; the child chroots there. */
	autoclose int root_fd = -1;
	if (!(flags & CLONE_NEWNS)) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/root", (int)c->pid);
		root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0 || !nook_container_init_alive(c))
			return nook_fail(err, root_fd < 0 ? errno : 0, "exec: open %s", path);
	}
	/* With an initial CPU affinity the child joins the cgroup after it is
	 * set (as crun), not by clone3. */
	bool clone_into =
	    c->have_cgroup && !nook_exec_cpu_affinity_has_initial(&view->process.exec_cpu_affinity);
	autoclose int cgroup_fd = clone_into ? nook_cgroup_open_unified(&r->cgroup, err) : -1;
	if (nook_ns_enter_for_children_of(r->pidfd, flags, &saved, err) < 0) {
		nook_ns_restore_for_children(&saved, NULL);
		return -1;
	}
	pid_t pid = nook_clone_synced(0, cgroup_fd, &r->into_cgroup, &sync_fd, err);
	if (pid < 0 && cgroup_fd >= 0 && cgroup_denied(err)) {
		r->outside_cgroup = true;
		pid = nook_clone_synced(0, -1, &r->into_cgroup, &sync_fd, err);
	}
	if (pid == 0) {
		const struct nook_exec_child_args args = {
		    .spec = view,
		    .init_pidfd = r->pidfd,
		    .join_flags = flags & ~(CLONE_NEWPID | CLONE_NEWTIME),
		    .root_fd = root_fd,
		    .sync_fd = sync_fd,
		    .preserve_fds = o->preserve_fds,
		};
		nook_exec_child_main(&args);
	}
	nook_ns_restore_for_children(&saved, NULL);
	if (pid < 0)
		return nook_error_prefix(err, "exec");
	r->sync_fd = sync_fd;
	r->pid = pid;
	return 0;
}

struct exec_wait {
	struct nook_container *c;
	struct exec_run *r;
};

/* SECCOMP_FD: the process's listener fd to the agent at once, with the
 * container's state and the pid of this process, as runc does. */
static int forward_listener(void *ctx, int fd, struct nook_error *err)
{
	struct exec_wait *ew = ctx;

	return nook_seccomp_listener_send(ew->c, ew->r->pid, fd, err);
}

/* Until end of file (the execve): the pty master and the seccomp listener
 * may come, an ERROR ends it. */
static int wait_exec(struct nook_container *c, struct exec_run *r, struct nook_error *err)
{
	struct exec_wait ew = {.c = c, .r = r};
	const struct nook_sync_wait w = {
	    .until = NOOK_SYNC_EOF,
	    .pty_fd = &r->pty_master,
	    .seccomp_fd = forward_listener,
	    .ctx = &ew,
	};

	return nook_sync_wait(r->sync_fd, &w, err);
}

static int start_process(struct nook_container *c, const struct nook_spec *view,
                         const struct nook_exec_opts *o, struct exec_run *r, struct nook_error *err)
{
	r->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (r->pidfd < 0 || !nook_container_init_alive(c))
		return nook_fail(err, 0, "container \"%s\" is not running", c->id);
	/* oomScoreAdj: inherited from us at clone, as for the init. */
	int saved_oom, spawned;
	if (nook_oom_score_adj_for_child(&view->process, &saved_oom, err) < 0)
		return -1;
	spawned = spawn(c, view, o, r, err);
	nook_oom_score_adj_restore(saved_oom);
	if (spawned < 0)
		return -1;
	const struct nook_exec_cpu_affinity *aff = &view->process.exec_cpu_affinity;
	if (nook_exec_cpu_affinity_initial(r->pid, aff, err) < 0)
		return -1;
	if (c->have_cgroup && !r->outside_cgroup &&
	    nook_cgroup_attach(&r->cgroup, r->pid, r->into_cgroup, err) < 0 && !cgroup_denied(err))
		return -1;
	if (nook_exec_cpu_affinity_final(r->pid, aff, err) < 0)
		return -1;
	if (nook_sync_send(r->sync_fd, NOOK_SYNC_GO, NULL, -1, err) < 0 || wait_exec(c, r, err) < 0)
		return -1;
	if (r->pty_master >= 0 && o->console_socket != NULL) {
		if (nook_console_socket_send(o->console_socket, r->pty_master, err) < 0)
			return -1;
		close(r->pty_master);
		r->pty_master = -1;
	}
	if (o->pid_file != NULL && nook_write_pid_file(o->pid_file, r->pid, err) < 0)
		return -1;
	return 0;
}

static void cleanup(struct exec_run *r, bool kill_child)
{
	if (kill_child && r->pid > 0 && !r->reaped) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	int *fds[] = {&r->pidfd, &r->sync_fd, &r->pty_master};
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	if (r->own_cgroup)
		nook_cgroup_free(&r->cgroup);
}

/* The cgroup the process joins: the container's, or with --cgroup its
 * sub-cgroups (src/linux/cgroup/sub.c). */
static int choose_cgroup(struct nook_container *c, const struct nook_exec_opts *o,
                         struct exec_run *r, struct nook_error *err)
{
	r->cgroup = c->cgroup;
	if (o->n_cgroups == 0)
		return 0;
	if (!c->have_cgroup)
		return nook_fail(err, 0, "exec --cgroup: container \"%s\" has no cgroup", c->id);
	if (nook_cgroup_sub_view(&c->cgroup, o->cgroups, o->n_cgroups, &r->cgroup, err) < 0)
		return -1;
	r->own_cgroup = true;
	return 0;
}

int nook_container_exec(struct nook_container *c, const struct nook_exec_opts *o,
                        struct nook_error *err)
{
	struct nook_exec_process p;
	struct exec_run r = {.pidfd = -1, .sync_fd = -1, .pty_master = -1};
	sigset_t forwarded;
	int code = -1;

	if (nook_exec_process_build(c, o, &p, err) < 0)
		goto out;
	struct nook_spec view = c->spec; /* the container's, with this process */
	view.process = p.proc;
	view.has_process = true;
	if (check_request(c, o, &view.process, err) < 0 || choose_cgroup(c, o, &r, err) < 0) {
		cleanup(&r, false);
		goto out;
	}
	nook_forwarded_signals(&forwarded);
	if (!o->detach)
		sigprocmask(SIG_BLOCK, &forwarded, NULL);
	if (start_process(c, &view, o, &r, err) < 0) {
		cleanup(&r, true);
		goto out;
	}
	if (o->detach) {
		code = 0;
	} else {
		code = nook_wait_foreground(r.pid, &r.pty_master, NULL, err);
		r.reaped = code >= 0;
	}
	cleanup(&r, false);
out:
	nook_exec_process_free(&p);
	return code;
}
