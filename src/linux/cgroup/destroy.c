/* nook_cgroup_destroy: kill what is left in the directories nook made, wait
 * until they are empty, remove them deepest first; and nook_cgroup_free. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "linux/cgroup/systemd.h"
#include "nook/cleanup.h"
#include "nook/log.h"

/* Sub-cgroups (`exec --cgroup`, or the container's own) included. */
static bool empty(const char *dir)
{
	return nook_cg_tree_empty(dir);
}

/* Only directories nook made: an existing cgroup the container joined may
 * hold processes that are not the container's. */
static const struct nook_cgroup_dir *made_dir(const struct nook_cgroup *cg)
{
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (cg->dirs[i].created)
			return &cg->dirs[i];
	return NULL;
}

/* v2 cgroup.kill where the whole container is in v2; else freeze (so that
 * nothing forks while we kill), SIGKILL every pid, thaw. */
static int kill_rest(const struct nook_cgroup *cg, struct nook_error *err)
{
	const struct nook_cgroup_dir *d = made_dir(cg);
	struct nook_cgroup only = {
	    .mode = cg->mode, .dirs = (struct nook_cgroup_dir *)d, .n_dirs = 1};
	struct nook_error ignored;
	bool frozen;

	if (d == NULL || empty(d->path))
		return 0;
	if (cg->mode == NOOK_CGROUP_UNIFIED && nook_cg_has_file(d->path, "cgroup.kill"))
		return nook_cg_write(d->path, "cgroup.kill", "1", NULL, err);
	frozen = nook_cgroup_freeze(cg, true, &ignored) == 0;
	int rc = nook_cgroup_signal_all(&only, SIGKILL, err);
	if (frozen)
		nook_cgroup_freeze(cg, false, &ignored);
	return rc;
}

static bool all_empty(const struct nook_cgroup *cg)
{
	for (size_t d = 0; d < cg->n_dirs; d++)
		if (cg->dirs[d].created && !empty(cg->dirs[d].path))
			return false;
	return true;
}

static int wait_empty(const struct nook_cgroup *cg, struct nook_error *err)
{
	for (int i = 0; i < 1000; i++) {
		if (all_empty(cg))
			return 0;
		if (i % 50 == 49 && kill_rest(cg, err) < 0)
			return -1;
		struct timespec ts = {0, 5 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return nook_fail(err, EBUSY, "cgroup: processes are left after SIGKILL");
}

static int remove_below(const char *dir, struct nook_error *err);

static int remove_tree(const char *sub, void *unused, struct nook_error *err)
{
	if (remove_below(sub, err) < 0)
		return -1;
	if (rmdir(sub) < 0 && errno != ENOENT)
		return nook_fail(err, errno, "cgroup: remove %s", sub);
	return 0;
}

/* The cgroups below dir, deepest first (runc's RemovePath, crun). */
static int remove_below(const char *dir, struct nook_error *err)
{
	return nook_cg_each_child(dir, remove_tree, NULL, err);
}

/* The leaf with what is below it, then the parents nook made for it; a
 * parent another container still uses (EBUSY, ENOTEMPTY) stays. */
static int remove_dir(struct nook_cgroup_dir *d, struct nook_error *err)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", d->path);
	if (d->n_created > 0 && remove_below(path, err) < 0)
		return -1;
	for (unsigned i = 0; i < d->n_created; i++) {
		if (rmdir(path) < 0 && errno != ENOENT) {
			if (i > 0 && (errno == EBUSY || errno == ENOTEMPTY))
				break;
			return nook_fail(err, errno, "cgroup: remove %s", path);
		}
		char *slash = strrchr(path, '/');
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	d->created = false;
	d->n_created = 0;
	return 0;
}

int nook_cgroup_destroy(struct nook_cgroup *cg, struct nook_error *err)
{
	char who[4096];
	int rc = 0;

	/* Frozen from above: SIGKILL waits for a thaw that is not ours to do. */
	if (!all_empty(cg) && nook_cgroup_frozen_elsewhere(cg, 0, who, sizeof(who)))
		return nook_fail(err, 0,
		                 "cgroup: the container's processes are frozen by %s, a freezer "
		                 "cgroup nook did not make, and cannot be killed until it is "
		                 "thawed",
		                 who);
	if (kill_rest(cg, err) < 0 || wait_empty(cg, err) < 0)
		rc = -1;
	/* systemd stops an emptied scope by itself; StopUnit for the rest
	 * (and a unit whose start failed half way) */
	if (rc == 0 && cg->unit != NULL && nook_cg_sd_stop(cg, err) < 0)
		return -1;
	/* The first failure is the error; the later ones are warnings. */
	for (size_t i = 0; i < cg->n_dirs; i++) {
		struct nook_error one;
		char text[NOOK_ERROR_MSG_MAX + 64];
		if (!cg->dirs[i].created || remove_dir(&cg->dirs[i], &one) == 0)
			continue;
		if (rc == 0)
			*err = one;
		else
			nook_warn("%s", nook_error_text(&one, text, sizeof(text)));
		rc = -1;
	}
	return rc;
}

void nook_cgroup_free(struct nook_cgroup *cg)
{
	for (size_t i = 0; i < cg->n_dirs; i++) {
		free(cg->dirs[i].hierarchy);
		free(cg->dirs[i].path);
	}
	free(cg->dirs);
	free(cg->unit);
	cg->unit = NULL;
	cg->dirs = NULL;
	cg->n_dirs = 0;
}
