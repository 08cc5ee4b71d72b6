/* nook_container_create: docs/design.md, "The create path", steps 1 to 6.
 * Every step that makes something on the host has its undo in
 * nook_container_destroy, which a failure calls before returning. */
#include "nook/container.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/seccomp_listener.h"
#include "nook/cleanup.h"
#include "nook/clone.h"
#include "nook/console_socket.h"
#include "nook/cpu_affinity.h"
#include "nook/file.h"
#include "nook/hooks.h"
#include "nook/init.h"
#include "nook/intel_rdt.h"
#include "nook/log.h"
#include "nook/namespaces.h"
#include "nook/net_devices.h"
#include "nook/procfs.h"
#include "nook/rootfs.h"
#include "nook/security.h"
#include "nook/state.h"
#include "nook/sync.h"
#include "nook/userns.h"

void nook_container_clear(struct nook_container *c)
{
	memset(c, 0, sizeof(*c));
	c->state_dirfd = -1;
	c->sync_fd = -1;
	c->fifo_fd = -1;
	c->pty_master = -1;
}

static void config_path(const struct nook_create_opts *o, char *path, size_t size)
{
	/* "config.json" when the bundle is the working directory, as the user
	 * would name it. */
	if (strcmp(o->bundle, ".") == 0)
		snprintf(path, size, "config.json");
	else
		snprintf(path, size, "%s/config.json", o->bundle);
}

static int load_config(const struct nook_create_opts *o, struct nook_container *c,
                       struct nook_error *err)
{
	char path[PATH_MAX];

	if (realpath(o->bundle, c->bundle) == NULL)
		return nook_fail(err, errno, "bundle %s", o->bundle);
	config_path(o, path, sizeof(path));
	/* Read once: these bytes are parsed now and pinned in the state
	 * directory later, so both are the same config. */
	c->config = nook_read_file(AT_FDCWD, path, 0, NOOK_SPEC_MAX_FILE_SIZE, &c->config_len, err);
	if (c->config == NULL || nook_spec_parse(path, c->config, c->config_len, &c->spec, err) < 0)
		return -1;
	c->have_spec = true;
	/* What the checks learn of the host (which namespace paths are the
	 * runtime's own) is what the init is told: read once. */
	nook_host_facts_read(&c->spec, &c->host);
	return nook_spec_check_supported_on(&c->spec, &c->host, err);
}

/* What nook needs beyond what the config model accepts. */
static int check_runnable(const struct nook_spec *spec, const struct nook_create_opts *o,
                          struct nook_error *err)
{
	const struct nook_namespace *user = nook_spec_namespace(spec, NOOK_NS_USER);

	bool terminal = spec->has_process && spec->process.terminal;

	if (spec->has_process && spec->process.args.n == 0)
		return nook_fail(err, 0, "process.args: must name the program to run");
	if (terminal && o->console_socket == NULL && !o->relay_terminal)
		return nook_fail(err, 0,
		                 "process.terminal is true: --console-socket is needed when nook "
		                 "does not stay in the foreground to relay the terminal");
	if (!terminal && o->console_socket != NULL)
		return nook_fail(err, 0,
		                 "--console-socket given, but process.terminal is not true");
	/* With a joined user namespace, the init makes its new namespaces with
	 * unshare(2) after joining, so that they belong to that user namespace.
	 * A new pid or time namespace would need one more fork for that. */
	if (user != NULL && user->path != NULL &&
	    (nook_ns_new_flags(spec) & (CLONE_NEWPID | CLONE_NEWTIME)) != 0)
		return nook_fail(
		    err, 0,
		    "not supported: linux.namespaces: joining a user namespace by path "
		    "together with a new pid or time namespace");
	return 0;
}

static int find_rootfs(struct nook_container *c, struct nook_error *err)
{
	const char *root = c->spec.root.path;
	char joined[PATH_MAX];
	struct stat st;

	if (root[0] == '/')
		snprintf(joined, sizeof(joined), "%s", root);
	else
		snprintf(joined, sizeof(joined), "%s/%s", c->bundle, root);
	if (realpath(joined, c->rootfs) == NULL)
		return nook_fail(err, errno, "root.path: %s", joined);
	if (stat(c->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		return nook_fail(err, ENOTDIR, "root.path: %s", c->rootfs);
	return 0;
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

static int save_state(struct nook_container *c, enum nook_status status, struct nook_error *err)
{
	c->saved_status = (int)status;
	struct nook_state st = {
	    .id = c->id,
	    .status = status,
	    .pid = c->pid,
	    .start_time = c->start_time,
	    .bundle = c->bundle,
	    .rootfs = c->rootfs,
	    .owner = geteuid(),
	    .annotations = &c->spec.annotations,
	    .cgroup = c->have_cgroup ? &c->cgroup : NULL,
	};
	memcpy(st.created, c->created, sizeof(st.created));
	return nook_state_write(c->state_dirfd, &st, err);
}

static int make_state_dir(struct nook_container *c, struct nook_error *err)
{
	c->state_dirfd = nook_state_dir_create(c->root, c->id, err);
	if (c->state_dirfd < 0)
		return -1;
	c->have_state_dir = true;
	now_rfc3339(c->created, sizeof(c->created));
	/* Written at once, so that a runtime killed mid-create still leaves
	 * something `delete` can find (runc issue 3591). */
	if (save_state(c, NOOK_CREATING, err) < 0)
		return -1;
	if (mkfifoat(c->state_dirfd, "exec.fifo", 0600) < 0)
		return nook_fail(err, errno, "create %s/%s/exec.fifo", c->root, c->id);
	/* Read-write: the init blocks in read() until `start` writes a byte,
	 * and a writer never blocks while the init holds it open. */
	c->fifo_fd = openat(c->state_dirfd, "exec.fifo", O_RDWR | O_CLOEXEC);
	if (c->fifo_fd < 0)
		return nook_fail(err, errno, "open %s/%s/exec.fifo", c->root, c->id);
	return 0;
}

/* The container's cgroup: made and limited before the init exists, and
 * recorded in state.json before any directory of it exists. Rootless
 * without limits, a cgroup the caller may not make is done without (as
 * runc's rootless cgroupfs manager): the container then has none. */
static int make_cgroup(struct nook_container *c, bool rootless, struct nook_error *err)
{
	c->cgroup.rootless = rootless;
	if (nook_cgroup_plan(&c->spec, c->id, &c->cgroup, err) < 0)
		return -1;
	c->have_cgroup = true;
	if (save_state(c, NOOK_CREATING, err) < 0)
		return -1;
	if (nook_cgroup_realize(&c->spec, &c->cgroup, err) < 0) {
		bool denied = err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS;
		if (!rootless || !denied || c->cgroup.systemd ||
		    nook_cgroup_first_limit(&c->spec.linux.resources) != NULL)
			return -1;
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_debug("rootless: no cgroup for the container: %s",
		           nook_error_text(err, text, sizeof(text)));
		nook_cgroup_free(&c->cgroup);
		c->have_cgroup = false;
	}
	return save_state(c, NOOK_CREATING, err);
}

/* Before anything is made: the user namespace's maps (can they be written,
 * is there one), and, rootless, what would need privileges the caller
 * lacks. */
static int check_rootless(const struct nook_container *c, const struct nook_create_opts *o,
                          struct nook_error *err)
{
	const struct nook_namespace *user = nook_spec_namespace(&c->spec, NOOK_NS_USER);

	if (nook_id_maps_check(&c->spec, err) < 0)
		return -1;
	/* A new user namespace with no map: its init could become no one
	 * (crun's peer suite, run by an unprivileged user, found "become gid 0
	 * (is gid 0 mapped?)" only after the clone). runc refuses it up front,
	 * for root too; so does nook. */
	if (user != NULL && user->path == NULL &&
	    (c->spec.linux.n_uid_mappings == 0 || c->spec.linux.n_gid_mappings == 0))
		return nook_fail(err, 0,
		                 "%s: a new user namespace (linux.namespaces has \"user\" "
		                 "without a path) needs both linux.uidMappings and "
		                 "linux.gidMappings (nook spec --rootless writes them)",
		                 c->spec.linux.n_uid_mappings == 0 ? "linux.uidMappings"
		                                                   : "linux.gidMappings");
	if (!o->rootless)
		return 0;
	if (user == NULL && geteuid() != 0)
		return nook_fail(err, 0,
		                 "linux.namespaces: a rootless container requires a user "
		                 "namespace (nook spec --rootless writes one)");
	/* runc and crun leave networking to the caller (slirp4netns, pasta). */
	if (c->spec.linux.n_net_devices > 0)
		return nook_fail(err, 0,
		                 "linux.netDevices: a rootless container cannot take a host "
		                 "network interface (that needs CAP_NET_ADMIN in the host's "
		                 "network namespace); its networking is the caller's job "
		                 "(slirp4netns, pasta)");
	/* The kernel id-maps a mount only for a caller with CAP_SYS_ADMIN over
	 * its filesystem's user namespace (mount_setattr(2)), for disk
	 * filesystems the initial one. */
	for (size_t i = 0; i < c->spec.n_mounts; i++) {
		if (nook_spec_mount_idmap(&c->spec.mounts[i]) != NOOK_IDMAP_NONE)
			return nook_fail(err, 0,
			                 "mounts[%zu] (destination %s): a rootless caller cannot "
			                 "make an id-mapped mount (the kernel requires "
			                 "CAP_SYS_ADMIN over the source's filesystem, i.e. root "
			                 "of the host)",
			                 i, c->spec.mounts[i].destination);
	}
	return nook_cgroup_rootless_check(&c->spec, c->id, o->systemd_cgroup, err);
}

/* CLONE_NEW* of the namespaces joined by path that were not the runtime's
 * when checked: the init makes sure they still are not when it joins them. */
static int foreign_join_flags(const struct nook_container *c)
{
	int flags = 0;

	for (size_t i = 0; i < c->spec.linux.n_namespaces; i++) {
		const struct nook_namespace *ns = &c->spec.linux.namespaces[i];

		if (ns->path != NULL && !c->host.joins_runtime_ns[ns->type])
			flags |= nook_ns_clone_flag(ns->type);
	}
	return flags;
}

static pid_t clone_init(struct nook_container *c, const struct nook_create_opts *o,
                        struct nook_error *err)
{
	const struct nook_namespace *user = nook_spec_namespace(&c->spec, NOOK_NS_USER);
	int flags = nook_ns_new_flags(&c->spec) & ~CLONE_NEWCGROUP;
	int unshare_flags = 0;
	struct nook_ns_saved saved;
	struct nook_error restore_err;
	int sync_fd;

	if (user != NULL && user->path != NULL) {
		unshare_flags = flags;
		flags = 0;
	}
	if (nook_ns_prepare_for_children(&c->spec, foreign_join_flags(c), &saved, &flags, err) <
	    0) {
		nook_ns_restore_for_children(&saved, NULL);
		return -1;
	}
	autoclose int cgroup_fd = c->have_cgroup ? nook_cgroup_open_unified(&c->cgroup, err) : -1;
	pid_t pid = nook_clone_synced((unsigned long)flags, cgroup_fd, &c->in_unified_cgroup,
	                              &sync_fd, err);
	if (pid == 0) {
		const struct nook_init_args init = {
		    .spec = &c->spec,
		    .rootfs = c->rootfs,
		    .bundle = c->bundle,
		    .sync_fd = sync_fd,
		    .fifo_fd = c->fifo_fd,
		    .new_ns_flags = flags | unshare_flags,
		    .unshare_flags = unshare_flags,
		    .cgroup = c->have_cgroup ? &c->cgroup : NULL,
		    .own_mount_ns = nook_spec_owns_ns(&c->spec, &c->host, NOOK_NS_MOUNT),
		    .foreign_join_flags = foreign_join_flags(c),
		    .joined_by_runtime = saved.joined_flags,
		    .no_pivot = o->no_pivot,
		    .no_new_keyring = o->no_new_keyring,
		    .preserve_fds = o->preserve_fds,
		};
		nook_init_main(&init);
	}
	if (pid > 0) {
		c->sync_fd = sync_fd;
		c->pid = pid;
		c->is_parent = true;
	}
	if (nook_ns_restore_for_children(&saved, &restore_err) < 0) {
		if (pid > 0)
			*err = restore_err;
		return -1;
	}
	if (pid < 0)
		return nook_error_prefix(err, "the container init");
	return pid;
}

/* prestart (deprecated, still run) and createRuntime, in the runtime's
 * namespaces, while the init waits just before pivot_root. */
static int run_runtime_hooks(struct nook_container *c, struct nook_error *err)
{
	autofree char *state = nook_container_state_json(c, false, err);

	if (state == NULL)
		return -1;
	if (nook_hooks_run(&c->spec.hooks.prestart, "prestart", state, err) < 0 ||
	    nook_hooks_run(&c->spec.hooks.create_runtime, "createRuntime", state, err) < 0)
		return -1;
	return nook_sync_send(c->sync_fd, NOOK_SYNC_HOOKS_REPLY, NULL, -1, err);
}

/* The state the init hands to createContainer ("creating") and
 * startContainer ("created") hooks. */
static int send_hook_state(struct nook_container *c, struct nook_error *err)
{
	static const struct {
		enum nook_status status;
		size_t offset;
	} kinds[] = {
	    {NOOK_CREATING, offsetof(struct nook_hooks, create_container)},
	    {NOOK_CREATED, offsetof(struct nook_hooks, start_container)},
	};

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(kinds); i++) {
		const struct nook_hook_list *list =
		    (const void *)((const char *)&c->spec.hooks + kinds[i].offset);
		if (list->n == 0)
			continue;
		struct nook_state st = {
		    .id = c->id,
		    .status = kinds[i].status,
		    .pid = c->pid,
		    .bundle = c->bundle,
		    .rootfs = c->rootfs,
		    .owner = geteuid(),
		    .annotations = &c->spec.annotations,
		};
		memcpy(st.created, c->created, sizeof(st.created));
		autofree char *json = nook_state_render(&st, false, err);
		if (json == NULL || nook_sync_send_bytes(c->sync_fd, NOOK_SYNC_HOOK_STATE, json,
		                                         strlen(json), err) < 0)
			return -1;
	}
	return 0;
}

/* The init's requests on its way to READY (see include/nook/sync.h). */
static int answer_init(void *ctx, enum nook_sync_type request, struct nook_error *err)
{
	struct nook_container *c = ctx;

	if (request == NOOK_SYNC_HOOKS_REQUEST)
		return run_runtime_hooks(c, err);
	return nook_mount_sources_send(c->sync_fd, c->pid, &c->spec, c->bundle, err);
}

/* SECCOMP_FD: the init's listener fd to the agent at once, with the
 * "creating" state (docs/design.md, "Seccomp notify"). */
static int forward_listener(void *ctx, int fd, struct nook_error *err)
{
	struct nook_container *c = ctx;

	return nook_seccomp_listener_send(c, c->pid, fd, err);
}

/* Until READY: the pty master and the seccomp listener may come first, an
 * ERROR ends it. */
static int wait_until_ready(struct nook_container *c, struct nook_error *err)
{
	const struct nook_sync_wait w = {
	    .until = NOOK_SYNC_READY,
	    .eof_what = "container init exited during setup",
	    .pty_fd = &c->pty_master,
	    .answer = answer_init,
	    .seccomp_fd = forward_listener,
	    .ctx = c,
	};

	return nook_sync_wait(c->sync_fd, &w, err);
}

/* linux.intelRdt: the init joins its resctrl group before it runs; the
 * group goes in nook_container_destroy. */
static int apply_intel_rdt(struct nook_container *c, struct nook_error *err)
{
	char root[PATH_MAX];

	if (!c->spec.linux.intel_rdt.present)
		return 0;
	if (nook_rdt_find_root(root, sizeof(root), err) < 0)
		return -1;
	return nook_rdt_apply(root, &c->spec.linux.intel_rdt, c->id, c->pid, err);
}

static int create_steps(const struct nook_create_opts *o, struct nook_container *c,
                        struct nook_error *err)
{
	struct nook_error ignored;

	if (nook_id_check(o->id, err) < 0 || load_config(o, c, err) < 0)
		return -1;
	if (check_runnable(&c->spec, o, err) < 0 || find_rootfs(c, err) < 0 ||
	    check_rootless(c, o, err) < 0)
		return -1;
	if (make_state_dir(c, err) < 0 ||
	    nook_state_pin_config(c->state_dirfd, c->config, c->config_len, err) < 0)
		return -1;
	c->cgroup.systemd = o->systemd_cgroup;
	if (make_cgroup(c, o->rootless, err) < 0)
		return -1;
	/* oomScoreAdj: inherited from us at clone, as runc's nsexec sets it
	 * before the user namespace; from inside, a user namespace or a
	 * missing /proc mount would refuse it. */
	int saved_oom;
	if (c->spec.has_process &&
	    nook_oom_score_adj_for_child(&c->spec.process, &saved_oom, err) < 0)
		return -1;
	int cloned = clone_init(c, o, err);
	if (c->spec.has_process)
		nook_oom_score_adj_restore(saved_oom);
	if (cloned < 0)
		return -1;
	/* Recorded at once: a runtime killed from here on leaves a pid that
	 * `delete --force` can kill. */
	if (nook_proc_start_time(c->pid, &c->start_time, err) < 0 ||
	    save_state(c, NOOK_CREATING, err) < 0)
		return -1;
	/* Every CPU, clamped to the cgroup's cpuset: not the runtime's own
	 * affinity (runc, crun; execCPUAffinity is not the init's, config.md). */
	if (nook_cgroup_attach_init(&c->spec, c->id, &c->cgroup, c->pid, c->in_unified_cgroup,
	                            err) < 0 ||
	    nook_cpu_affinity_reset(c->pid, err) < 0 || apply_intel_rdt(c, err) < 0)
		return -1;
	if (nook_ns_write_id_maps(&c->spec, c->pid, err) < 0 || send_hook_state(c, err) < 0)
		return -1;
	/* linux.netDevices: into the init's network namespace before GO, so the
	 * hooks and the workload find them there. */
	if (nook_net_devices_move(&c->spec, c->pid, err) < 0)
		return -1;
	if (nook_sync_send(c->sync_fd, NOOK_SYNC_GO, NULL, -1, err) < 0) {
		/* The init died before GO: its own report is the better one. */
		if (wait_until_ready(c, &ignored) < 0 && ignored.msg[0] != '\0')
			*err = ignored;
		return -1;
	}
	if (wait_until_ready(c, err) < 0)
		return -1;
	if (o->console_socket != NULL && c->pty_master >= 0) {
		if (nook_console_socket_send(o->console_socket, c->pty_master, err) < 0)
			return -1;
		close(c->pty_master);
		c->pty_master = -1;
	}
	if (save_state(c, NOOK_CREATED, err) < 0)
		return -1;
	if (o->pid_file != NULL && nook_write_pid_file(o->pid_file, c->pid, err) < 0)
		return -1;
	return 0;
}

int nook_container_create(const struct nook_create_opts *o, struct nook_container *c,
                          struct nook_error *err)
{
	struct nook_error cleanup_err;

	c->root = o->root;
	c->id = o->id;
	if (create_steps(o, c, err) == 0)
		return 0;
	/* The create error is the one reported; a failed cleanup is a
	 * warning beside it. */
	if (nook_container_destroy(c, &cleanup_err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("create failed, and so did its cleanup: %s",
		          nook_error_text(&cleanup_err, text, sizeof(text)));
	}
	nook_container_release(c);
	return -1;
}
