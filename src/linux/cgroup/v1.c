/* linux.resources on v1 hierarchies: memory, cpu, cpuset, blkio. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/internal.h"
#include "nook/log.h"

#define MEM "linux.resources.memory."
#define CPU "linux.resources.cpu."
#define BIO "linux.resources.blockIO."

static int write_i64(const char *dir, const char *file, int64_t v, const char *cfg,
                     struct nook_error *err)
{
	return nook_cg_writef(dir, file, cfg, err, "%" PRId64, v);
}

/* limit_in_bytes must stay <= memsw.limit_in_bytes at every moment: when
 * the new limit is above the old memsw, memsw goes first. */
static int v1_limit_and_swap(const char *dir, const struct nook_memory *m, struct nook_error *err)
{
	int64_t swap = m->swap;

	if (m->has_limit && m->limit == -1 && m->has_swap && swap == 0)
		swap = -1; /* as runc: unlimited memory, unlimited swap */
	if (!m->has_limit)
		return m->has_swap
		           ? write_i64(dir, "memory.memsw.limit_in_bytes", swap, MEM "swap", err)
		           : 0;
	if (write_i64(dir, "memory.limit_in_bytes", m->limit, MEM "limit", err) < 0) {
		if (!m->has_swap || err->errnum != EINVAL)
			return -1;
		if (write_i64(dir, "memory.memsw.limit_in_bytes", swap, MEM "swap", err) < 0)
			return -1;
		return write_i64(dir, "memory.limit_in_bytes", m->limit, MEM "limit", err);
	}
	return m->has_swap ? write_i64(dir, "memory.memsw.limit_in_bytes", swap, MEM "swap", err)
	                   : 0;
}

/* Deprecated: written where the kernel still has the file, else ignored. */
static int v1_kernel(const char *dir, const char *file, int64_t v, const char *cfg,
                     struct nook_error *err)
{
	if (!nook_cg_has_file(dir, file)) {
		nook_warn("%s: ignored, this kernel has no %s", cfg, file);
		return 0;
	}
	return write_i64(dir, file, v, cfg, err);
}

int nook_cg_apply_v1_memory(const char *dir, const struct nook_memory *m, struct nook_error *err)
{
	if (m->has_check_before_update && m->check_before_update && m->has_limit &&
	    nook_cg_check_usage(dir, "memory.usage_in_bytes", m->limit, err) < 0)
		return -1;
	if (m->has_reservation && write_i64(dir, "memory.soft_limit_in_bytes", m->reservation,
	                                    MEM "reservation", err) < 0)
		return -1;
	if (v1_limit_and_swap(dir, m, err) < 0)
		return -1;
	if (m->has_kernel &&
	    v1_kernel(dir, "memory.kmem.limit_in_bytes", m->kernel, MEM "kernel", err) < 0)
		return -1;
	if (m->has_kernel_tcp && v1_kernel(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp,
	                                   MEM "kernelTCP", err) < 0)
		return -1;
	if (m->has_swappiness && nook_cg_writef(dir, "memory.swappiness", MEM "swappiness", err,
	                                        "%" PRIu64, m->swappiness) < 0)
		return -1;
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    nook_cg_write(dir, "memory.oom_control", "1", MEM "disableOOMKiller", err) < 0)
		return -1;
	if (m->has_use_hierarchy &&
	    nook_cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
	                  MEM "useHierarchy", err) < 0)
		return -1;
	return 0;
}

int nook_cg_apply_v1_cpu(const char *dir, const struct nook_cpu *c, struct nook_error *err)
{
	if (c->has_shares &&
	    nook_cg_writef(dir, "cpu.shares", CPU "shares", err, "%" PRIu64, c->shares) < 0)
		return -1;
	if (c->has_period &&
	    nook_cg_writef(dir, "cpu.cfs_period_us", CPU "period", err, "%" PRIu64, c->period) < 0)
		return -1;
	if (c->has_quota && write_i64(dir, "cpu.cfs_quota_us", c->quota, CPU "quota", err) < 0)
		return -1;
	if (c->has_burst &&
	    nook_cg_writef(dir, "cpu.cfs_burst_us", CPU "burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	/* the period first: the runtime must fit in it */
	if (c->has_realtime_period && nook_cg_writef(dir, "cpu.rt_period_us", CPU "realtimePeriod",
	                                             err, "%" PRIu64, c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime && write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime,
	                                         CPU "realtimeRuntime", err) < 0)
		return -1;
	if (c->has_idle && write_i64(dir, "cpu.idle", c->idle, CPU "idle", err) < 0)
		return -1;
	return 0;
}

int nook_cg_apply_v1_cpuset(const char *dir, const struct nook_cpu *c, struct nook_error *err)
{
	if (c->cpus != NULL && nook_cg_write(dir, "cpuset.cpus", c->cpus, CPU "cpus", err) < 0)
		return -1;
	if (c->mems != NULL && nook_cg_write(dir, "cpuset.mems", c->mems, CPU "mems", err) < 0)
		return -1;
	return 0;
}

static int v1_throttle(const char *dir, const char *file, const struct nook_throttle_list *l,
                       const char *cfg, struct nook_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		char path[128];
		snprintf(path, sizeof(path), BIO "%s[%zu]", cfg, i);
		if (nook_cg_writef(dir, file, path, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
		                   l->v[i].major, l->v[i].minor, l->v[i].rate) < 0)
			return -1;
	}
	return 0;
}

/* blkio.weight exists with CFQ (gone since 5.0); BFQ has blkio.bfq.weight. */
static const char *weight_file(const char *dir, const char *plain, const char *bfq)
{
	return nook_cg_has_file(dir, plain) || !nook_cg_has_file(dir, bfq) ? plain : bfq;
}

static int v1_weight_devices(const char *dir, const struct nook_block_io *b, struct nook_error *err)
{
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct nook_blkio_weight_device *w = &b->weight_device[i];
		char cfg[128];
		snprintf(cfg, sizeof(cfg), BIO "weightDevice[%zu]", i);
		if (w->has_weight &&
		    nook_cg_writef(
		        dir, weight_file(dir, "blkio.weight_device", "blkio.bfq.weight_device"),
		        cfg, err, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight) < 0)
			return -1;
		if (w->has_leaf_weight && nook_cg_writef(dir, "blkio.leaf_weight_device", cfg, err,
		                                         "%" PRId64 ":%" PRId64 " %u", w->major,
		                                         w->minor, w->leaf_weight) < 0)
			return -1;
	}
	return 0;
}

int nook_cg_apply_v1_blkio(const char *dir, const struct nook_block_io *b, struct nook_error *err)
{
	if (b->has_weight &&
	    nook_cg_writef(dir, weight_file(dir, "blkio.weight", "blkio.bfq.weight"), BIO "weight",
	                   err, "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight && nook_cg_writef(dir, "blkio.leaf_weight", BIO "leafWeight", err,
	                                         "%u", b->leaf_weight) < 0)
		return -1;
	if (v1_weight_devices(dir, b, err) < 0)
		return -1;
	if (v1_throttle(dir, "blkio.throttle.read_bps_device", &b->throttle_read_bps,
	                "throttleReadBpsDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.throttle.write_bps_device", &b->throttle_write_bps,
	                "throttleWriteBpsDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.throttle.read_iops_device", &b->throttle_read_iops,
	                "throttleReadIOPSDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.throttle.write_iops_device", &b->throttle_write_iops,
	                "throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}
