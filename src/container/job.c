/* nook_job_run: `nook job` from its checked options to its exit code
 * (issue 14; docs/design.md, "nook job"). The container is made the one
 * way nook makes containers (create, start, wait, delete of
 * include/nook/container.h), from a config.json the spec layer writes with
 * `nook spec`'s defaults (nook_spec_job_json). */
#include "container/job_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/log.h"
#include "nook/sealed_exe.h"
#include "nook/state.h"
#include "nook/userns.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* overlayfs takes its layers in one option string. */
static int check_layer_path(const char *flag, const char *path, struct nook_error *err)
{
	if (strpbrk(path, ",:\\") != NULL)
		return nook_fail(err, 0,
		                 "%s %s: a path with ',', ':' or '\\' cannot be an overlay layer",
		                 flag, path);
	return 0;
}

/* Is the directory `path` would be made in there? (`what` names the flag
 * in the error.) */
static int check_parent_dir(const char *flag, const char *path, const char *what,
                            struct nook_error *err)
{
	autofree char *copy = strdup(path);

	if (copy == NULL)
		return nook_fail(err, ENOMEM, "%s", flag);
	char *slash = strrchr(copy, '/');
	const char *parent = slash == NULL ? "." : slash == copy ? "/" : (*slash = '\0', copy);
	if (!is_dir(parent))
		return nook_fail(err, ENOENT, "%s %s: %s %s", flag, path, what, parent);
	return 0;
}

int nook_job_check(const struct nook_job_opts *o, struct nook_error *err)
{
	if (!o->print_config && job_rootless() && o->spec.network == NOOK_JOB_NET_BRIDGE)
		return nook_fail(err, EPERM,
		                 "--network bridge: a rootless job cannot put an interface on "
		                 "a host bridge (that needs CAP_NET_ADMIN on the host)");
	if (o->id != NULL) {
		if (nook_id_check(o->id, err) < 0)
			return nook_error_prefix(err, "--id");
		if (nook_container_exists(o->state_root, o->id) == 1)
			return nook_fail(err, 0, "--id: container \"%s\" already exists", o->id);
	}
	if (o->rootfs != NULL) {
		if (!is_dir(o->rootfs))
			return nook_fail(err, errno ? errno : ENOTDIR, "--rootfs %s", o->rootfs);
		if (check_layer_path("--rootfs", o->rootfs, err) < 0)
			return -1;
	} else if (o->upper != NULL || o->disk > 0) {
		return nook_fail(err, 0,
		                 "%s: only with --rootfs (without it the root is the host's, "
		                 "read-only)",
		                 o->upper != NULL ? "--upper" : "--disk");
	}
	if (o->upper != NULL) {
		if (check_parent_dir("--upper", o->upper, "its parent", err) < 0)
			return -1;
		if (access(o->upper, F_OK) == 0 && !is_dir(o->upper))
			return nook_fail(err, ENOTDIR, "--upper %s", o->upper);
		if (check_layer_path("--upper", o->upper, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < o->spec.n_binds; i++) {
		if (access(o->spec.binds[i].src, F_OK) < 0)
			return nook_fail(err, errno, "--bind %s:%s: the source %s",
			                 o->spec.binds[i].src, o->spec.binds[i].dst,
			                 o->spec.binds[i].src);
	}
	if (o->report != NULL && access(o->report, F_OK) < 0)
		return check_parent_dir("--report", o->report, "its directory", err);
	return 0;
}

/* Does the host swap, and can a cgroup limit it? Then --memory also sets
 * memory+swap to the limit. Without swap there is nothing to limit; with
 * swap but no v1 swap accounting (swapaccount=0), the limit would be
 * refused. */
static bool host_swap_limit(void)
{
	char line[256];
	int lines = 0;
	FILE *f = fopen("/proc/swaps", "re");

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	fclose(f);
	if (lines < 2)
		return false;
	return access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0 ||
	       access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
}

/* --print-config: the config as a bundle would hold it, with --rootfs as
 * its (read-only) root. */
static int print_config(struct nook_job_opts *o, struct nook_error *err)
{
	char abs[PATH_MAX];
	size_t len;

	o->spec.root_path = o->rootfs != NULL && realpath(o->rootfs, abs) != NULL ? abs : "/";
	o->spec.root_readonly = true;
	autofree char *json = nook_spec_job_json(&o->spec, &len, err);
	if (json == NULL)
		return -1;
	if (fwrite(json, 1, len, stdout) != len || putchar('\n') == EOF || fflush(stdout) != 0)
		return nook_fail(err, errno, "write the config to stdout");
	return 0;
}

static int mkdir_parents(const char *path, struct nook_error *err)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "create %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return nook_fail(err, errno, "create state root %s", buf);
	return 0;
}

static int write_config(const struct nook_job_opts *o, const struct job_root *r,
                        struct nook_error *err)
{
	char path[PATH_MAX + 16];
	size_t len;

	autofree char *json = nook_spec_job_json(&o->spec, &len, err);
	if (json == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", r->bundle);
	autoclose int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, json, len) != (ssize_t)len)
		return nook_fail(err, errno, "write %s", path);
	return 0;
}

/* --timeout: SIGKILL to the init (pid 1 of the job's pid namespace: the
 * kernel kills every process in it), through a pidfd so that it can never
 * reach a reused pid; delete then empties the cgroup. */
static volatile sig_atomic_t timed_out;
static int alarm_pidfd = -1;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	syscall(SYS_pidfd_send_signal, alarm_pidfd, SIGKILL, NULL, 0);
}

static void arm_timeout(int64_t seconds)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	struct itimerval it = {.it_value = {.tv_sec = (time_t)seconds}};

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timeout(void)
{
	struct itimerval it = {0};

	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_IGN);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start, wait with the deadline, read the usage, delete. The exit code. */
static int run_created(struct nook_job_opts *o, struct nook_container *c, struct job_usage *u)
{
	struct nook_error err;
	int code;

	if (job_net_up(o, c, &err) < 0 || nook_container_start(c, &err) < 0) {
		nook_log_error(&err);
		code = NOOK_JOB_EXIT_ERROR;
		u->exit_code = code;
		job_net_down(o, c);
		goto out;
	}
	double t0 = now_seconds();
	alarm_pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (o->timeout > 0)
		arm_timeout(o->timeout);
	code = nook_container_wait(c, &err);
	disarm_timeout();
	u->wall_seconds = now_seconds() - t0;
	if (alarm_pidfd >= 0)
		close(alarm_pidfd);
	if (code < 0) {
		nook_log_error(&err);
		code = NOOK_JOB_EXIT_ERROR;
	}
	if (c->exited && WIFSIGNALED(c->wait_status))
		u->signal = WTERMSIG(c->wait_status);
	u->timed_out = timed_out != 0;
	if (u->timed_out)
		code = NOOK_JOB_EXIT_TIMEOUT;
	u->exit_code = code;
	if (c->have_cgroup)
		job_usage_read(&c->cgroup, u);
	if (u->timed_out)
		nook_warn("job: killed at its --timeout of %lld s", (long long)o->timeout);
	if (u->oom_killed)
		nook_warn("job: a process was killed for hitting the --memory limit (OOM kill)");
	job_net_down(o, c);
out:
	if (nook_container_delete(c, true, &err) < 0) {
		nook_log_error(&err);
		if (code == 0)
			code = NOOK_JOB_EXIT_ERROR;
	}
	nook_reap_dying_children();
	nook_container_release(c);
	return code;
}

/* The job's command cannot be run (not found, not executable): the job's
 * own failure, with a shell's codes (127, 126) as docker run gives them,
 * not nook's 125. The init reports it under the config path
 * process.args[0]. */
static int exec_failure(struct nook_error *err)
{
	static const char prefix[] = "process.args[0]";

	if (strncmp(err->msg, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	nook_log_error(err);
	return err->errnum == ENOENT ? 127 : 126;
}

/* Everything after the keeper exists; -1 (with *err) when the job did not
 * run. */
static int run_job(struct nook_job_opts *o, const char *id, struct job_root *r,
                   struct nook_error *err)
{
	struct job_usage u = {
	    .cpu_user_seconds = -1,
	    .cpu_system_seconds = -1,
	    .memory_peak_bytes = -1,
	    .pids_peak = -1,
	};
	struct nook_container c;
	sigset_t forwarded;

	if (mkdir(r->scratch, 0700) < 0)
		return nook_fail(err, errno, "create %s", r->scratch);
	if (job_root_make(o, r, err) < 0)
		return -1;
	o->spec.root_path = r->merged;
	o->spec.root_readonly = o->rootfs == NULL;
	if (write_config(o, r, err) < 0)
		return -1;
	const struct nook_create_opts copts = {
	    .root = o->state_root,
	    .id = id,
	    .bundle = r->bundle,
	    .rootless = job_rootless(),
	};
	/* As nook_container_run: signals held until the wait forwards them;
	 * the job's orphans come to us, and are reaped after the delete. */
	nook_forwarded_signals(&forwarded);
	sigprocmask(SIG_BLOCK, &forwarded, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	nook_container_clear(&c);
	int code;
	if (nook_container_create(&copts, &c, err) == 0)
		code = run_created(o, &c, &u);
	else if ((code = exec_failure(err)) < 0)
		return -1;
	else
		u.exit_code = code;
	if (o->report != NULL) {
		struct nook_error rerr;
		if (job_report_write(o->report, &u, &rerr) < 0) {
			nook_log_error(&rerr);
			if (code == 0)
				code = NOOK_JOB_EXIT_ERROR;
		}
	}
	return code;
}

int nook_job_run(struct nook_job_opts *o, struct nook_error *err)
{
	struct job_keeper k = {.fd = -1, .net_bridge = o->spec.network == NOOK_JOB_NET_BRIDGE};
	struct job_root r = {0};
	char id[1100];

	if (nook_job_check(o, err) < 0)
		return -1;
	o->spec.memory_swap = o->spec.memory > 0 && host_swap_limit();
	o->spec.in_userns = job_rootless();
	if (o->print_config)
		return print_config(o, err);
	if (nook_exe_seal(o->state_root, err) < 0) /* CVE-2019-5736 */
		return -1;
	unsigned rnd = 0;
	if (getentropy(&rnd, sizeof(rnd)) < 0)
		rnd = (unsigned)now_seconds();
	snprintf(id, sizeof(id), "job-%d-%08x", (int)getpid(), rnd);
	if (o->id != NULL)
		snprintf(id, sizeof(id), "%s", o->id);
	if (mkdir_parents(o->state_root, err) < 0)
		return -1;
	snprintf(r.scratch, sizeof(r.scratch), "%s/@%s", o->state_root, id);
	if (job_keeper_start(&k, o->state_root, id, r.scratch, err) < 0)
		return -1;
	int code = run_job(o, id, &r, err);
	job_root_remove(r.scratch);
	if (o->upper != NULL)
		job_root_drop_work(o->upper);
	job_keeper_done(&k);
	return code;
}
