/* nook_cgroup_apply: each section of linux.resources goes to the directory
 * of the hierarchy that holds its controller, v1 or v2 (on a hybrid host
 * hugetlb may sit in v2 while memory is in v1). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "linux/cgroup/internal.h"
#include "linux/cgroup/systemd.h"

#define RES "linux.resources."

static bool is_v2(const struct nook_cgroup_dir *d)
{
	return d->hierarchy[0] == '\0';
}

static int apply_memory(const struct nook_cgroup *cg, const struct nook_memory *m,
                        struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (!m->present)
		return 0;
	d = nook_cg_need(cg, "memory", RES "memory", err);
	if (d == NULL)
		return -1;
	return is_v2(d) ? nook_cg_apply_v2_memory(d->path, m, err)
	                : nook_cg_apply_v1_memory(d->path, m, err);
}

static int apply_cpu(const struct nook_cgroup *cg, const struct nook_cpu *c, struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
	    c->has_realtime_period || c->has_realtime_runtime) {
		d = nook_cg_need(cg, "cpu", RES "cpu", err);
		if (d == NULL)
			return -1;
		if ((is_v2(d) ? nook_cg_apply_v2_cpu : nook_cg_apply_v1_cpu)(d->path, c, err) < 0)
			return -1;
	}
	if (c->cpus == NULL && c->mems == NULL)
		return 0;
	d = nook_cg_need(cg, "cpuset", c->cpus != NULL ? RES "cpu.cpus" : RES "cpu.mems", err);
	if (d == NULL)
		return -1;
	return (is_v2(d) ? nook_cg_apply_v2_cpuset : nook_cg_apply_v1_cpuset)(d->path, c, err);
}

static int apply_pids(const struct nook_cgroup *cg, const struct nook_resources *r,
                      struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (!r->has_pids_limit)
		return 0;
	d = nook_cg_need(cg, "pids", RES "pids.limit", err);
	if (d == NULL)
		return -1;
	if (r->pids_limit <= 0)
		return nook_cg_write(d->path, "pids.max", "max", RES "pids.limit", err);
	return nook_cg_writef(d->path, "pids.max", RES "pids.limit", err, "%" PRId64,
	                      r->pids_limit);
}

static int apply_block_io(const struct nook_cgroup *cg, const struct nook_block_io *b,
                          struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (!b->present)
		return 0;
	/* v1 blkio where the host has it (a hybrid host), else v2 io */
	d = nook_cg_need(cg, "io", RES "blockIO", err);
	if (d == NULL)
		return -1;
	return is_v2(d) ? nook_cg_apply_v2_io(d->path, b, err)
	                : nook_cg_apply_v1_blkio(d->path, b, err);
}

static int apply_hugetlb(const struct nook_cgroup *cg, const struct nook_resources *r,
                         struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (r->n_hugepage_limits == 0)
		return 0;
	d = nook_cg_need(cg, "hugetlb", RES "hugepageLimits", err);
	if (d == NULL)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct nook_hugepage_limit *h = &r->hugepage_limits[i];
		char file[64], cfg[64];
		snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size,
		         is_v2(d) ? "max" : "limit_in_bytes");
		snprintf(cfg, sizeof(cfg), RES "hugepageLimits[%zu]", i);
		if (nook_cg_writef(d->path, file, cfg, err, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}

static int apply_network(const struct nook_cgroup *cg, const struct nook_network_resources *n,
                         struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (n->has_class_id) {
		d = nook_cg_need(cg, "net_cls", RES "network.classID", err);
		if (d == NULL || nook_cg_writef(d->path, "net_cls.classid", RES "network.classID",
		                                err, "%u", n->class_id) < 0)
			return -1;
	}
	if (n->n_priorities == 0)
		return 0;
	d = nook_cg_need(cg, "net_prio", RES "network.priorities", err);
	if (d == NULL)
		return -1;
	for (size_t i = 0; i < n->n_priorities; i++) {
		char cfg[64];
		snprintf(cfg, sizeof(cfg), RES "network.priorities[%zu]", i);
		if (nook_cg_writef(d->path, "net_prio.ifpriomap", cfg, err, "%s %u",
		                   n->priorities[i].name, n->priorities[i].priority) < 0)
			return -1;
	}
	return 0;
}

static int apply_rdma(const struct nook_cgroup *cg, const struct nook_resources *r,
                      struct nook_error *err)
{
	const struct nook_cgroup_dir *d;

	if (r->n_rdma == 0)
		return 0;
	d = nook_cg_need(cg, "rdma", RES "rdma", err);
	if (d == NULL)
		return -1;
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct nook_rdma *x = &r->rdma[i];
		char handles[32] = "max", objects[32] = "max", cfg[300];
		if (x->has_hca_handles)
			snprintf(handles, sizeof(handles), "%u", x->hca_handles);
		if (x->has_hca_objects)
			snprintf(objects, sizeof(objects), "%u", x->hca_objects);
		snprintf(cfg, sizeof(cfg), RES "rdma.%s", x->device);
		if (nook_cg_writef(d->path, "rdma.max", cfg, err, "%s hca_handle=%s hca_object=%s",
		                   x->device, handles, objects) < 0)
			return -1;
	}
	return 0;
}

static int apply_devices(const struct nook_cgroup *cg, const struct nook_resources *r,
                         struct nook_error *err)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, "devices");

	if (r->n_devices == 0)
		return 0;
	if (d == NULL)
		return nook_fail(err, 0, RES "devices: no cgroup to apply them to");
	if (!is_v2(d))
		return nook_cg_devices_v1(d->path, r->devices, r->n_devices, err);
	return nook_cg_devices_bpf_attach(d->path, r->devices, r->n_devices, err);
}

/* Raw v2 files: only in the v2 directory, only for controllers it has. */
static int apply_unified(const struct nook_cgroup *cg, const struct nook_map *u,
                         struct nook_error *err)
{
	for (size_t i = 0; i < u->n; i++) {
		const char *key = u->v[i].key;
		char cfg[300], ctl[64];
		snprintf(cfg, sizeof(cfg), RES "unified.%s", key);
		if (cg->mode == NOOK_CGROUP_LEGACY)
			return nook_fail(err, 0, "%s: this host has no cgroup v2 hierarchy", cfg);
		if (strchr(key, '/') != NULL || key[0] == '.' || strchr(key, '.') == NULL)
			return nook_fail(err, EINVAL, "%s: not a cgroup file name", cfg);
		snprintf(ctl, sizeof(ctl), "%.*s", (int)strcspn(key, "."), key);
		const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, "");
		if (strcmp(ctl, "cgroup") != 0) {
			d = nook_cg_need(cg, ctl, cfg, err);
			if (d != NULL && !is_v2(d))
				return nook_fail(err, 0,
				                 "%s: controller \"%s\" is a v1 hierarchy here",
				                 cfg, ctl);
		}
		if (d == NULL || nook_cg_write(d->path, key, u->v[i].value, cfg, err) < 0)
			return -1;
	}
	return 0;
}

int nook_cgroup_apply(const struct nook_cgroup *cg, const struct nook_resources *res,
                      struct nook_error *err)
{
	/* systemd keeps what it can express (runc's rule), cgroupfs has all */
	if (cg->unit != NULL && nook_cg_sd_set(cg, res, err) < 0)
		return -1;
	return nook_cg_apply_fs(cg, res, err);
}

int nook_cg_apply_fs(const struct nook_cgroup *cg, const struct nook_resources *res,
                     struct nook_error *err)
{
	if (apply_memory(cg, &res->memory, err) < 0 || apply_cpu(cg, &res->cpu, err) < 0 ||
	    apply_pids(cg, res, err) < 0 || apply_block_io(cg, &res->block_io, err) < 0 ||
	    apply_hugetlb(cg, res, err) < 0 || apply_network(cg, &res->network, err) < 0 ||
	    apply_rdma(cg, res, err) < 0 || apply_devices(cg, res, err) < 0 ||
	    apply_unified(cg, &res->unified, err) < 0)
		return -1;
	return 0;
}
