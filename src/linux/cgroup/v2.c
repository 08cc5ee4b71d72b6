/* linux.resources on the v2 hierarchy: memory, cpu, cpuset, io. The
 * rendering of cpu.weight, cpu.max and io.max is pure and unit tested. */
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

uint64_t nook_cgroup_shares_to_weight(uint64_t shares)
{
	/* runc's mapping of [2, 262144] onto [1, 10000] */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

void nook_cgroup_cpu_max(const struct nook_cpu *cpu, char *buf, size_t size)
{
	uint64_t period = cpu->has_period && cpu->period > 0 ? cpu->period : 100000;

	if (cpu->has_quota && cpu->quota > 0)
		snprintf(buf, size, "%" PRId64 " %" PRIu64, cpu->quota, period);
	else
		snprintf(buf, size, "max %" PRIu64, period);
}

/* One line per device, in the order devices first appear. */
char *nook_cgroup_io_max(const struct nook_block_io *bio)
{
	const struct nook_throttle_list *lists[] = {
	    &bio->throttle_read_bps, &bio->throttle_write_bps, &bio->throttle_read_iops,
	    &bio->throttle_write_iops};
	static const char *const keys[] = {"rbps", "wbps", "riops", "wiops"};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	for (size_t l = 0; l < 4; l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			const struct nook_blkio_throttle *t = &lists[l]->v[i];
			bool seen = false;
			/* a device already written by an earlier entry */
			for (size_t pl = 0; pl <= l && !seen; pl++)
				for (size_t pi = 0; pi < (pl == l ? i : lists[pl]->n) && !seen;
				     pi++)
					seen = lists[pl]->v[pi].major == t->major &&
					       lists[pl]->v[pi].minor == t->minor;
			if (seen)
				continue;
			fprintf(f, "%" PRId64 ":%" PRId64, t->major, t->minor);
			for (size_t k = l; k < 4; k++)
				for (size_t j = 0; j < lists[k]->n; j++)
					if (lists[k]->v[j].major == t->major &&
					    lists[k]->v[j].minor == t->minor) {
						fprintf(f, " %s=%" PRIu64, keys[k],
						        lists[k]->v[j].rate);
						break;
					}
			fputc('\n', f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int not_on_v2(const char *cfg, struct nook_error *err)
{
	return nook_fail(err, 0, "%s: not available on cgroup v2", cfg);
}

static int limit_value(const char *dir, const char *file, int64_t v, const char *cfg,
                       struct nook_error *err)
{
	if (v < 0)
		return nook_cg_write(dir, file, "max", cfg, err);
	return nook_cg_writef(dir, file, cfg, err, "%" PRId64, v);
}

/* v2 swap.max is swap only; the config's swap is memory+swap (as runc). */
static int v2_swap(const char *dir, const struct nook_memory *m, struct nook_error *err)
{
	if (!m->has_swap)
		return 0;
	if (m->swap < 0)
		return nook_cg_write(dir, "memory.swap.max", "max", MEM "swap", err);
	if (!m->has_limit || m->limit < 0)
		return nook_fail(err, EINVAL, MEM "swap: needs a memory limit on cgroup v2");
	if (m->swap < m->limit)
		return nook_fail(err, EINVAL, MEM "swap: %" PRId64 " is below the limit %" PRId64,
		                 m->swap, m->limit);
	return nook_cg_writef(dir, "memory.swap.max", MEM "swap", err, "%" PRId64,
	                      m->swap - m->limit);
}

int nook_cg_apply_v2_memory(const char *dir, const struct nook_memory *m, struct nook_error *err)
{
	if (m->has_check_before_update && m->check_before_update && m->has_limit &&
	    nook_cg_check_usage(dir, "memory.current", m->limit, err) < 0)
		return -1;
	if (m->has_reservation &&
	    limit_value(dir, "memory.low", m->reservation, MEM "reservation", err) < 0)
		return -1;
	/* swap first, memory.max after: as in v1, lowering both works */
	if (v2_swap(dir, m, err) < 0)
		return -1;
	if (m->has_limit && limit_value(dir, "memory.max", m->limit, MEM "limit", err) < 0)
		return -1;
	if (m->has_kernel)
		nook_warn(MEM "kernel: ignored on cgroup v2 (the spec says so)");
	if (m->has_kernel_tcp)
		nook_warn(MEM "kernelTCP: ignored on cgroup v2 (the spec says so)");
	if (m->has_swappiness)
		nook_warn(MEM "swappiness: ignored on cgroup v2 (there is no such file)");
	if (m->has_use_hierarchy && !m->use_hierarchy)
		nook_warn(MEM "useHierarchy: cgroup v2 is always hierarchical");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return not_on_v2(MEM "disableOOMKiller", err);
	return 0;
}

int nook_cg_apply_v2_cpu(const char *dir, const struct nook_cpu *c, struct nook_error *err)
{
	char max[64];

	if (c->has_realtime_period || c->has_realtime_runtime)
		return not_on_v2(
		    c->has_realtime_period ? CPU "realtimePeriod" : CPU "realtimeRuntime", err);
	if (c->has_shares && c->shares != 0 &&
	    nook_cg_writef(dir, "cpu.weight", CPU "shares", err, "%" PRIu64,
	                   nook_cgroup_shares_to_weight(c->shares)) < 0)
		return -1;
	if (c->has_quota || c->has_period) {
		nook_cgroup_cpu_max(c, max, sizeof(max));
		if (nook_cg_write(dir, "cpu.max", max, c->has_quota ? CPU "quota" : CPU "period",
		                  err) < 0)
			return -1;
	}
	if (c->has_burst &&
	    nook_cg_writef(dir, "cpu.max.burst", CPU "burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_idle &&
	    nook_cg_writef(dir, "cpu.idle", CPU "idle", err, "%" PRId64, c->idle) < 0)
		return -1;
	return 0;
}

int nook_cg_apply_v2_cpuset(const char *dir, const struct nook_cpu *c, struct nook_error *err)
{
	return nook_cg_apply_v1_cpuset(dir, c, err); /* same files, same format */
}

/* blkio weights are 10..1000; io.weight is 1..10000, io.bfq.weight 1..1000. */
static const char *io_weight_file(const char *dir, uint64_t *w)
{
	if (nook_cg_has_file(dir, "io.bfq.weight"))
		return "io.bfq.weight";
	*w = 1 + (*w - 10) * 9999 / 990;
	return "io.weight";
}

static int v2_weight_devices(const char *dir, const struct nook_block_io *b, struct nook_error *err)
{
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct nook_blkio_weight_device *wd = &b->weight_device[i];
		char cfg[128];
		snprintf(cfg, sizeof(cfg), BIO "weightDevice[%zu]", i);
		if (wd->has_leaf_weight)
			return not_on_v2(cfg, err);
		if (!wd->has_weight)
			continue;
		uint64_t w = wd->weight < 10 ? 10 : wd->weight;
		const char *file = io_weight_file(dir, &w);
		if (nook_cg_writef(dir, file, cfg, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
		                   wd->major, wd->minor, w) < 0)
			return -1;
	}
	return 0;
}

int nook_cg_apply_v2_io(const char *dir, const struct nook_block_io *b, struct nook_error *err)
{
	if (b->has_leaf_weight)
		return not_on_v2(BIO "leafWeight", err);
	if (b->has_weight) {
		uint64_t w = b->weight < 10 ? 10 : b->weight;
		const char *file = io_weight_file(dir, &w);
		if (nook_cg_writef(dir, file, BIO "weight", err, "%s%" PRIu64,
		                   strcmp(file, "io.weight") == 0 ? "default " : "", w) < 0)
			return -1;
	}
	if (v2_weight_devices(dir, b, err) < 0)
		return -1;
	char *lines = nook_cgroup_io_max(b);
	if (lines == NULL)
		return nook_fail(err, ENOMEM, BIO "throttle");
	int rc = 0;
	for (char *save = NULL, *l = strtok_r(lines, "\n", &save); l != NULL && rc == 0;
	     l = strtok_r(NULL, "\n", &save))
		rc = nook_cg_write(dir, "io.max", l, BIO "throttle*", err);
	free(lines);
	return rc;
}
