/* cgroups for a rootless container (docs/design.md, "Rootless"), as runc's
 * rootless cgroupfs manager behaves: a container without limits runs even
 * where the caller may not make a cgroup (it then has none: no pause, no
 * stats); one with limits needs a cgroup the caller may write (a subtree
 * delegated to it), and is refused before anything is made where there is
 * none. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"

/* Each limit with the controller that sets it (v2 names; "" the v2
 * directory itself for unified). */
static const struct {
	const char *json, *ctl;
} limits[] = {
    {"linux.resources.memory", "memory"},
    {"linux.resources.cpu", "cpu"},
    {"linux.resources.pids", "pids"},
    {"linux.resources.blockIO", "io"},
    {"linux.resources.hugepageLimits", "hugetlb"},
    {"linux.resources.network", "net_cls"},
    {"linux.resources.rdma", "rdma"},
    {"linux.resources.unified", ""},
};

static bool sets(const struct nook_resources *r, size_t i)
{
	const struct nook_cpu *c = &r->cpu;

	switch (i) {
	case 0:
		return r->memory.present;
	case 1:
		return c->has_shares || c->has_quota || c->has_period || c->has_burst ||
		       c->has_idle || c->has_realtime_period || c->has_realtime_runtime ||
		       c->cpus != NULL || c->mems != NULL;
	case 2:
		return r->has_pids_limit;
	case 3:
		return r->block_io.present;
	case 4:
		return r->n_hugepage_limits > 0;
	case 5:
		return r->network.present;
	case 6:
		return r->n_rdma > 0;
	default:
		return r->unified.n > 0;
	}
}

static int first_limit(const struct nook_resources *r)
{
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(limits); i++)
		if (sets(r, i))
			return (int)i;
	return -1;
}

const char *nook_cgroup_first_limit(const struct nook_resources *r)
{
	int i = first_limit(r);

	return i < 0 ? NULL : limits[i].json;
}

/* The directory itself if it exists (its cgroup.procs must be writable to
 * join it), else its deepest existing parent (which must let us mkdir). */
static int writable(const char *dir, char *which, size_t size)
{
	char buf[4096];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", dir);
	if (stat(buf, &st) == 0) {
		snprintf(which, size, "%s/cgroup.procs", buf);
		return faccessat(AT_FDCWD, which, W_OK, AT_EACCESS);
	}
	while (stat(buf, &st) < 0) {
		char *slash = strrchr(buf, '/');
		if (slash == NULL || slash == buf)
			break;
		*slash = '\0';
	}
	snprintf(which, size, "%s", buf);
	return faccessat(AT_FDCWD, buf, W_OK | X_OK, AT_EACCESS);
}

static int refuse(const char *limit, const char *dir, const char *which, struct nook_error *err)
{
	const char *what = strrchr(limit, '.') + 1;

	return nook_fail(err, errno,
	                 "%s: cannot set %s limit: container could not join or create cgroup "
	                 "%s (rootless: %s is not writable by uid %u, no cgroup is delegated to "
	                 "the user; remove linux.resources, or use a cgroup v2 subtree "
	                 "delegated to the user)",
	                 limit, what, dir, which, (unsigned)geteuid());
}

int nook_cgroup_rootless_check(const struct nook_spec *spec, const char *id, bool systemd,
                               struct nook_error *err)
{
	int i = first_limit(&spec->linux.resources);
	struct nook_cgroup cg = {.systemd = systemd, .rootless = true};
	char which[4200];
	int rc = 0;

	/* The systemd driver asks the user's systemd, which knows. */
	if (i < 0 || systemd)
		return 0;
	if (nook_cgroup_plan(spec, id, &cg, err) < 0)
		return -1;
	/* The limit's own hierarchy first, so that the error names it. */
	const struct nook_cgroup_dir *own = nook_cgroup_dir_for(&cg, limits[i].ctl);
	if (own != NULL && writable(own->path, which, sizeof(which)) < 0)
		rc = refuse(limits[i].json, own->path, which, err);
	for (size_t d = 0; d < cg.n_dirs && rc == 0; d++)
		if (writable(cg.dirs[d].path, which, sizeof(which)) < 0)
			rc = refuse(limits[i].json, cg.dirs[d].path, which, err);
	nook_cgroup_free(&cg);
	return rc;
}
