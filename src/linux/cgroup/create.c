/* nook_cgroup_create: resolve the directories, make them (remembering which
 * components nook made), enable the v2 controllers the config needs in the
 * parents, seed v1 cpusets, apply linux.resources. Also attach. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "linux/cgroup/systemd.h"
#include "nook/cleanup.h"

int nook_cg_mkdir(const char *path, unsigned *n_created, struct nook_error *err)
{
	char buf[4096];
	char *comp[128];
	size_t n = 0;
	struct stat st;

	*n_created = 0;
	snprintf(buf, sizeof(buf), "%s", path);
	/* Walk up to the deepest existing directory. */
	while (stat(buf, &st) < 0) {
		char *slash = strrchr(buf, '/');
		if (errno != ENOENT || slash == NULL || slash == buf || n == NOOK_ARRAY_SIZE(comp))
			return nook_fail(err, errno, "cgroup: create %s", path);
		*slash = '\0';
		comp[n++] = slash;
	}
	/* Then down again, making each. */
	while (n > 0) {
		*comp[--n] = '/';
		if (mkdir(buf, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			return nook_fail(err, errno, "cgroup: create %s", buf);
		}
		(*n_created)++;
	}
	return 0;
}

/* v1 cpuset: a new group has no cpus and no mems, and no task can join it
 * until it gets some; copy them from the parent, top-down. */
static int seed_cpuset(const struct nook_cgroup_dir *d, struct nook_error *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	char path[4096];
	char *made[128];
	size_t n = 0;

	snprintf(path, sizeof(path), "%s", d->path);
	for (unsigned i = 0; i < d->n_created && n < NOOK_ARRAY_SIZE(made); i++) {
		made[n] = strrchr(path, '/');
		*made[n++] = '\0';
	}
	while (n > 0) {
		char parent[4096];
		snprintf(parent, sizeof(parent), "%s", path);
		*made[--n] = '/';
		for (size_t f = 0; f < NOOK_ARRAY_SIZE(files); f++) {
			char have[1024], value[1024];
			if (nook_cg_read(path, files[f], have, sizeof(have), err) < 0)
				return -1;
			if (have[0] != '\n' && have[0] != '\0')
				continue;
			if (nook_cg_read(parent, files[f], value, sizeof(value), err) < 0 ||
			    nook_cg_write(path, files[f], value, NULL, err) < 0)
				return -1;
		}
	}
	return 0;
}

static bool needs_memory(const struct nook_resources *r)
{
	return r->memory.present;
}

static bool needs_cpu(const struct nook_resources *r)
{
	const struct nook_cpu *c = &r->cpu;
	return c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
	       c->has_realtime_period || c->has_realtime_runtime;
}

static bool needs_cpuset(const struct nook_resources *r)
{
	return r->cpu.cpus != NULL || r->cpu.mems != NULL;
}

static bool needs_io(const struct nook_resources *r)
{
	return r->block_io.present;
}

static bool needs_pids(const struct nook_resources *r)
{
	return r->has_pids_limit;
}

static bool needs_hugetlb(const struct nook_resources *r)
{
	return r->n_hugepage_limits > 0;
}

static bool needs_rdma(const struct nook_resources *r)
{
	return r->n_rdma > 0;
}

/* The v2 controllers nook enables, in the order it enables them: each with
 * the linux.resources section that needs it. */
static const struct v2_controller {
	const char *ctl, *section;
	bool (*needed)(const struct nook_resources *r);
} v2_controllers[] = {
    {"cpu", "cpu", needs_cpu},          {"cpuset", "cpu", needs_cpuset},
    {"memory", "memory", needs_memory}, {"io", "blockIO", needs_io},
    {"pids", "pids", needs_pids},       {"hugetlb", "hugepageLimits", needs_hugetlb},
    {"rdma", "rdma", needs_rdma},
};

/* Does the config need controller c? cfg gets the part that does: a
 * linux.resources.unified key of the controller, else its section. */
static bool needs(const struct nook_resources *r, const struct v2_controller *c, char *cfg,
                  size_t size)
{
	size_t ctl_len = strlen(c->ctl);

	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.v[i].key;
		if (strcspn(k, ".") == ctl_len && strncmp(k, c->ctl, ctl_len) == 0) {
			snprintf(cfg, size, "linux.resources.unified.%s", k);
			return true;
		}
	}
	if (!c->needed(r))
		return false;
	snprintf(cfg, size, "linux.resources.%s", c->section);
	return true;
}

/* Enable ctl in the subtree_control of every directory from the hierarchy
 * root (mount) down to the parent of the container's directory. */
static int enable_in(const char *dir, const char *ctl, struct nook_error *err)
{
	char have[1024];

	if (nook_cg_read(dir, "cgroup.subtree_control", have, sizeof(have), err) < 0)
		return -1;
	if (nook_cg_list_has(strtok(have, "\n"), ' ', ctl))
		return 0;
	if (nook_cg_read(dir, "cgroup.controllers", have, sizeof(have), err) < 0)
		return -1;
	if (!nook_cg_list_has(strtok(have, "\n"), ' ', ctl))
		return nook_fail(err, 0, "cgroup controller \"%s\" is not available in %s", ctl,
		                 dir);
	if (nook_cg_writef(dir, "cgroup.subtree_control", NULL, err, "+%s", ctl) == 0)
		return 0;
	if (err->errnum == EBUSY)
		return nook_fail(
		    err, 0,
		    "cgroup controller \"%s\" cannot be enabled in %s: it has processes "
		    "of its own (cgroup v2 no-internal-process rule); use an absolute "
		    "linux.cgroupsPath",
		    ctl, dir);
	return -1;
}

/* Enable ctl in the subtree_control of every directory from the hierarchy
 * root (mount) down to the parent of the container's directory. */
static int enable_in_parents(const char *mount, const char *leaf, const char *ctl,
                             struct nook_error *err)
{
	char dir[4096];
	const char *p = leaf + strlen(mount); /* "/a/b/leaf" */

	snprintf(dir, sizeof(dir), "%s", mount);
	for (;;) {
		const char *next = strchr(p + 1, '/');
		if (enable_in(dir, ctl, err) < 0)
			return -1;
		if (next == NULL)
			return 0; /* what is left is the leaf */
		size_t len = strlen(dir);
		snprintf(dir + len, sizeof(dir) - len, "%.*s", (int)(next - p), p);
		p = next;
	}
}

static int enable_v2(const struct nook_cgroup *cg, const struct nook_cgroup_dir *d,
                     const char *mount, const struct nook_resources *r, struct nook_error *err)
{
	char cfg[300];

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(v2_controllers); i++) {
		const struct v2_controller *c = &v2_controllers[i];
		/* a controller of a v1 hierarchy (blkio for io) is not enabled here */
		if (!needs(r, c, cfg, sizeof(cfg)) || nook_cgroup_dir_for(cg, c->ctl) != d)
			continue;
		if (enable_in_parents(mount, d->path, c->ctl, err) < 0)
			return nook_error_prefix(err, "%s", cfg);
	}
	return 0;
}

static int make_dirs(struct nook_cgroup *cg, const struct nook_resources *r, struct nook_error *err)
{
	for (size_t i = 0; i < cg->n_dirs; i++) {
		struct nook_cgroup_dir *d = &cg->dirs[i];
		if (nook_cg_mkdir(d->path, &d->n_created, err) < 0)
			return -1;
		d->created = d->n_created > 0;
		if (nook_cg_list_has(d->hierarchy, ',', "cpuset") && seed_cpuset(d, err) < 0)
			return -1;
	}
	return 0;
}

static int enable_all_v2(const struct nook_cgroup *cg, const struct nook_resources *r,
                         const char *v2_mount, struct nook_error *err)
{
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (cg->dirs[i].hierarchy[0] == '\0' &&
		    enable_v2(cg, &cg->dirs[i], v2_mount, r, err) < 0)
			return -1;
	return 0;
}

/* How many components of path do not exist yet. */
static unsigned missing_components(const char *path)
{
	char buf[4096];
	unsigned n = 0;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	while (stat(buf, &st) < 0 && errno == ENOENT) {
		char *slash = strrchr(buf, '/');
		if (slash == NULL || slash == buf)
			break;
		*slash = '\0';
		n++;
	}
	return n;
}

int nook_cgroup_plan(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                     struct nook_error *err)
{
	if (cg->systemd)
		return nook_cg_sd_plan(spec, id, cg, err);
	if (nook_cg_resolve_host(spec->linux.cgroups_path, id, cg, cg->v2_mount,
	                         sizeof(cg->v2_mount), err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_dirs; i++) {
		cg->dirs[i].n_created = missing_components(cg->dirs[i].path);
		cg->dirs[i].created = cg->dirs[i].n_created > 0;
	}
	return 0;
}

/* linux.resources with the device rules every container needs. */
static int apply_all(const struct nook_spec *spec, const struct nook_cgroup *cg,
                     struct nook_error *err)
{
	struct nook_resources with_defaults = spec->linux.resources;
	autofree struct nook_device_cgroup *rules = NULL;

	/* Rootless: device rules are left out (runc ignores the devices
	 * controller's errors there; the user namespace refuses mknod). */
	if (cg->rootless) {
		with_defaults.devices = NULL;
		with_defaults.n_devices = 0;
		return nook_cg_apply_fs(cg, &with_defaults, err);
	}
	if (nook_cg_container_device_rules(spec, &rules, &with_defaults.n_devices, err) < 0)
		return -1;
	if (rules != NULL)
		with_defaults.devices = rules;
	return nook_cg_apply_fs(cg, &with_defaults, err);
}

int nook_cgroup_realize(const struct nook_spec *spec, struct nook_cgroup *cg,
                        struct nook_error *err)
{
	const struct nook_resources *r = &spec->linux.resources;
	struct nook_error ignored;

	/* systemd makes the scope once there is a pid to put in it */
	if (cg->unit != NULL)
		return 0;
	if (make_dirs(cg, r, err) < 0 ||
	    (cg->v2_mount[0] != '\0' && enable_all_v2(cg, r, cg->v2_mount, err) < 0) ||
	    apply_all(spec, cg, err) < 0) {
		nook_cgroup_destroy(cg, &ignored);
		return -1;
	}
	return 0;
}

int nook_cgroup_attach_init(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                            pid_t pid, bool skip_unified, struct nook_error *err)
{
	struct nook_error ignored;

	if (cg->unit == NULL)
		return nook_cgroup_attach(cg, pid, skip_unified, err);
	if (nook_cg_sd_start(spec, id, cg, pid, err) < 0)
		return -1;
	if (apply_all(spec, cg, err) < 0) {
		nook_cgroup_destroy(cg, &ignored);
		return -1;
	}
	return 0;
}

int nook_cgroup_create(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                       struct nook_error *err)
{
	if (nook_cgroup_plan(spec, id, cg, err) < 0)
		return -1;
	if (nook_cgroup_realize(spec, cg, err) < 0) {
		nook_cgroup_free(cg);
		return -1;
	}
	return 0;
}

int nook_cgroup_open_unified(const struct nook_cgroup *cg, struct nook_error *err)
{
	for (size_t i = 0; i < cg->n_dirs; i++) {
		if (cg->dirs[i].hierarchy[0] != '\0')
			continue;
		int fd = open(cg->dirs[i].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && cg->unit != NULL && errno == ENOENT)
			return -1; /* the scope is started with the init in it */
		if (fd < 0)
			return nook_fail(err, errno, "cgroup: open %s", cg->dirs[i].path);
		return fd;
	}
	return -1;
}

int nook_cgroup_attach(const struct nook_cgroup *cg, pid_t pid, bool skip_unified,
                       struct nook_error *err)
{
	for (size_t i = 0; i < cg->n_dirs; i++) {
		const struct nook_cgroup_dir *d = &cg->dirs[i];
		if (skip_unified && d->hierarchy[0] == '\0')
			continue;
		if (nook_cg_writef(d->path, "cgroup.procs", NULL, err, "%d", (int)pid) < 0)
			return -1;
	}
	return 0;
}
