/* The processes of a container's cgroup: list, signal, freeze. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* The v1 freezer directory, else the v2 one (cgroup.freeze), else NULL. */
static const struct nook_cgroup_dir *freezer_dir(const struct nook_cgroup *cg)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, "freezer");

	if (d != NULL && d->hierarchy[0] == '\0' && !nook_cg_has_file(d->path, "cgroup.freeze"))
		return NULL;
	return d;
}

struct pid_list {
	pid_t *v;
	size_t n;
};

static int pids_of(const char *dir, bool top, pid_t **pids, size_t *n, struct nook_error *err);

static int pids_of_child(const char *sub, void *ctx, struct nook_error *err)
{
	struct pid_list *l = ctx;
	return pids_of(sub, false, &l->v, &l->n, err);
}

/* The sub-cgroups' too (`exec --cgroup`, or made by the container itself),
 * as runc's GetAllPids. */
static int pids_below(const char *dir, pid_t **pids, size_t *n, struct nook_error *err)
{
	struct pid_list l = {*pids, *n};
	int rc = nook_cg_each_child(dir, pids_of_child, &l, err);

	*pids = l.v;
	*n = l.n;
	return rc;
}

/* Appends the pids of dir and of every cgroup below it (one that goes
 * meanwhile is no error, unless it is the top one). */
static int pids_of(const char *dir, bool top, pid_t **pids, size_t *n, struct nook_error *err)
{
	char path[4096];
	long v;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	autofclose FILE *f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOENT && !top ? 0 : nook_fail(err, errno, "cgroup: open %s", path);
	while (fscanf(f, "%ld", &v) == 1) {
		pid_t *p = realloc(*pids, (*n + 1) * sizeof(*p));
		if (p == NULL)
			return nook_fail(err, ENOMEM, "cgroup: %s", path);
		*pids = p;
		p[(*n)++] = (pid_t)v;
	}
	return pids_below(dir, pids, n, err);
}

bool nook_cg_tree_empty(const char *dir)
{
	struct nook_error ignored;
	pid_t *pids = NULL;
	size_t n = 0;

	/* gone counts as empty */
	bool none = pids_of(dir, true, &pids, &n, &ignored) < 0 || n == 0;
	free(pids);
	return none;
}

int nook_cgroup_pids(const struct nook_cgroup *cg, pid_t **pids, size_t *n, struct nook_error *err)
{
	/* Every hierarchy holds the same processes; take the first. */
	if (cg->n_dirs == 0) {
		*pids = NULL;
		*n = 0;
		return 0;
	}
	*pids = NULL;
	*n = 0;
	if (pids_of(cg->dirs[0].path, true, pids, n, err) < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

static int wait_state(const char *dir, bool frozen, struct nook_error *err)
{
	for (int i = 0; i < 500; i++) {
		char buf[64];
		uint64_t v;
		if (dir[0] == '\0')
			return 0;
		if (nook_cg_has_file(dir, "freezer.state")) {
			if (nook_cg_read(dir, "freezer.state", buf, sizeof(buf), err) < 0)
				return -1;
			if (strncmp(buf, frozen ? "FROZEN" : "THAWED", 6) == 0)
				return 0;
			/* FREEZING: ask again (a v1 freeze can stall on a busy task) */
			if (frozen && nook_cg_write(dir, "freezer.state", "FROZEN", NULL, err) < 0)
				return -1;
		} else {
			if (nook_cg_read_key(dir, "cgroup.events", "frozen", &v, err) < 0)
				return -1;
			if ((v == 1) == frozen)
				return 0;
		}
		sleep_ms(10);
	}
	return nook_fail(err, ETIMEDOUT, "cgroup: %s did not become %s", dir,
	                 frozen ? "frozen" : "thawed");
}

int nook_cgroup_freeze(const struct nook_cgroup *cg, bool frozen, struct nook_error *err)
{
	const struct nook_cgroup_dir *d = freezer_dir(cg);

	if (d == NULL)
		return nook_fail(err, 0,
		                 "cgroup: no freezer (neither v1 freezer nor cgroup.freeze)");
	if (d->hierarchy[0] != '\0') {
		if (nook_cg_write(d->path, "freezer.state", frozen ? "FROZEN" : "THAWED", NULL,
		                  err) < 0)
			return -1;
	} else if (nook_cg_write(d->path, "cgroup.freeze", frozen ? "1" : "0", NULL, err) < 0) {
		return -1;
	}
	return wait_state(d->path, frozen, err);
}

void nook_cgroup_thaw_nowait(const struct nook_cgroup *cg)
{
	const struct nook_cgroup_dir *d = freezer_dir(cg);
	struct nook_error ignored;

	if (d == NULL)
		return;
	if (d->hierarchy[0] != '\0')
		nook_cg_write(d->path, "freezer.state", "THAWED", NULL, &ignored);
	else
		nook_cg_write(d->path, "cgroup.freeze", "0", NULL, &ignored);
}

int nook_cgroup_is_frozen(const struct nook_cgroup *cg, bool *frozen, struct nook_error *err)
{
	const struct nook_cgroup_dir *d = freezer_dir(cg);
	char buf[64];
	uint64_t v;

	*frozen = false;
	if (d == NULL)
		return 0;
	if (d->hierarchy[0] == '\0') {
		if (nook_cg_read_key(d->path, "cgroup.events", "frozen", &v, err) < 0)
			return -1;
		*frozen = v == 1;
		return 0;
	}
	if (nook_cg_read(d->path, "freezer.state", buf, sizeof(buf), err) < 0)
		return -1;
	*frozen = strncmp(buf, "FROZEN", 6) == 0;
	return 0;
}

/* pid's directory in the v1 hierarchy mounted at `mount`, from
 * /proc/<pid>/cgroup ("6:freezer:/a/b"). */
static int freezer_dir_of(pid_t pid, const char *mount, char *out, size_t size)
{
	char path[64], line[4096];

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	autofclose FILE *f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *ctl = strchr(line, ':');
		char *rel = ctl != NULL ? strchr(ctl + 1, ':') : NULL;
		if (rel == NULL)
			continue;
		*rel++ = '\0';
		rel[strcspn(rel, "\n")] = '\0';
		if (nook_cg_list_has(ctl + 1, ',', "freezer")) {
			snprintf(out, size, "%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel);
			return 0;
		}
	}
	return -1;
}

int nook_cgroup_frozen_elsewhere(const struct nook_cgroup *cg, pid_t pid, char *who, size_t size)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, "freezer");
	struct nook_error ignored;
	char mount[4096], path[4096], buf[16];

	if (d == NULL || d->hierarchy[0] == '\0')
		return 0; /* v2: SIGKILL kills frozen tasks */
	/* the hierarchy's root is the first directory up without freezer.state */
	snprintf(mount, sizeof(mount), "%s", d->path);
	while (nook_cg_has_file(mount, "freezer.state")) {
		char *slash = strrchr(mount, '/');
		if (slash == NULL || slash == mount)
			return 0;
		*slash = '\0';
	}
	snprintf(path, sizeof(path), "%s", d->path);
	if (pid > 0 && freezer_dir_of(pid, mount, path, sizeof(path)) < 0)
		return 0;
	/* the directory and its ancestors, but ours: that one nook thaws */
	while (strcmp(path, mount) != 0 && nook_cg_has_file(path, "freezer.state")) {
		if (strcmp(path, d->path) != 0 &&
		    nook_cg_read(path, "freezer.self_freezing", buf, sizeof(buf), &ignored) == 0 &&
		    buf[0] == '1') {
			snprintf(who, size, "%s", path);
			return 1;
		}
		char *slash = strrchr(path, '/');
		if (slash == NULL || slash == path)
			break;
		*slash = '\0';
	}
	return 0;
}

static const struct nook_cgroup_dir *v2_dir(const struct nook_cgroup *cg)
{
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (cg->dirs[i].hierarchy[0] == '\0')
			return &cg->dirs[i];
	return NULL;
}

int nook_cgroup_signal_all(const struct nook_cgroup *cg, int sig, struct nook_error *err)
{
	const struct nook_cgroup_dir *v2 = v2_dir(cg);
	autofree pid_t *pids = NULL;
	size_t n;

	if (sig == SIGKILL && v2 != NULL && cg->mode == NOOK_CGROUP_UNIFIED &&
	    nook_cg_has_file(v2->path, "cgroup.kill"))
		return nook_cg_write(v2->path, "cgroup.kill", "1", NULL, err);
	if (nook_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return nook_fail(err, errno, "cgroup: signal %d to pid %d", sig,
			                 (int)pids[i]);
	return 0;
}
