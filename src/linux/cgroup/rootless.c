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

const char *nook_cgroup_first_limit(const struct nook_resources *r)
{
	const struct nook_cpu *c = &r->cpu;

	if (r->memory.present)
		return "linux.resources.memory";
	if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
	    c->has_realtime_period || c->has_realtime_runtime || c->cpus != NULL || c->mems != NULL)
		return "linux.resources.cpu";
	if (r->has_pids_limit)
		return "linux.resources.pids";
	if (r->block_io.present)
		return "linux.resources.blockIO";
	if (r->n_hugepage_limits > 0)
		return "linux.resources.hugepageLimits";
	if (r->network.present)
		return "linux.resources.network";
	if (r->n_rdma > 0)
		return "linux.resources.rdma";
	if (r->unified.n > 0)
		return "linux.resources.unified";
	return NULL;
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

int nook_cgroup_rootless_check(const struct nook_spec *spec, const char *id, bool systemd,
                               struct nook_error *err)
{
	const char *limit = nook_cgroup_first_limit(&spec->linux.resources);
	struct nook_cgroup cg = {.systemd = systemd, .rootless = true};
	int rc = 0;

	/* The systemd driver asks the user's systemd, which knows. */
	if (limit == NULL || systemd)
		return 0;
	if (nook_cgroup_plan(spec, id, &cg, err) < 0)
		return -1;
	for (size_t i = 0; i < cg.n_dirs && rc == 0; i++) {
		char which[4200];
		if (writable(cg.dirs[i].path, which, sizeof(which)) == 0)
			continue;
		rc = nook_fail(err, errno,
		               "%s: cannot set limits in a rootless container: container could not "
		               "join or create cgroup %s (%s is not writable by uid %u: no cgroup "
		               "delegated to the user; remove linux.resources, or use a cgroup v2 "
		               "subtree delegated to the user)",
		               limit, cg.dirs[i].path, which, (unsigned)geteuid());
	}
	nook_cgroup_free(&cg);
	return rc;
}
