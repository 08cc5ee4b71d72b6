/* linux.resources: cgroup settings. */
#include <string.h>

#include "json.h"

static int parse_device_cgroup(struct jctx *c, yajl_val v, void *out)
{
	struct nook_device_cgroup *d = out;
	yajl_val allow;

	if (j_get(c, v, "allow", &allow) < 0)
		return -1;
	if (allow == NULL)
		return j_missing(c, "allow");
	if (j_bool(c, v, "allow", &d->allow, NULL) < 0 ||
	    j_str(c, v, "type", false, &d->type) < 0 ||
	    j_i64(c, v, "major", false, &d->major, &d->has_major) < 0 ||
	    j_i64(c, v, "minor", false, &d->minor, &d->has_minor) < 0 ||
	    j_str(c, v, "access", false, &d->access) < 0)
		return -1;
	return 0;
}

static int parse_memory(struct jctx *c, yajl_val v, void *out)
{
	struct nook_memory *m = out;

	if (j_i64(c, v, "limit", false, &m->limit, &m->has_limit) < 0 ||
	    j_i64(c, v, "reservation", false, &m->reservation, &m->has_reservation) < 0 ||
	    j_i64(c, v, "swap", false, &m->swap, &m->has_swap) < 0 ||
	    j_i64(c, v, "kernel", false, &m->kernel, &m->has_kernel) < 0 ||
	    j_i64(c, v, "kernelTCP", false, &m->kernel_tcp, &m->has_kernel_tcp) < 0 ||
	    j_u64(c, v, "swappiness", false, &m->swappiness, &m->has_swappiness) < 0 ||
	    j_bool(c, v, "disableOOMKiller", &m->disable_oom_killer, &m->has_disable_oom_killer) <
	        0 ||
	    j_bool(c, v, "useHierarchy", &m->use_hierarchy, &m->has_use_hierarchy) < 0 ||
	    j_bool(c, v, "checkBeforeUpdate", &m->check_before_update,
	           &m->has_check_before_update) < 0)
		return -1;
	return 0;
}

static int parse_cpu(struct jctx *c, yajl_val v, void *out)
{
	struct nook_cpu *p = out;

	if (j_u64(c, v, "shares", false, &p->shares, &p->has_shares) < 0 ||
	    j_i64(c, v, "quota", false, &p->quota, &p->has_quota) < 0 ||
	    j_u64(c, v, "burst", false, &p->burst, &p->has_burst) < 0 ||
	    j_u64(c, v, "period", false, &p->period, &p->has_period) < 0 ||
	    j_i64(c, v, "realtimeRuntime", false, &p->realtime_runtime, &p->has_realtime_runtime) <
	        0 ||
	    j_u64(c, v, "realtimePeriod", false, &p->realtime_period, &p->has_realtime_period) <
	        0 ||
	    j_str(c, v, "cpus", false, &p->cpus) < 0 || j_str(c, v, "mems", false, &p->mems) < 0 ||
	    j_i64(c, v, "idle", false, &p->idle, &p->has_idle) < 0)
		return -1;
	return 0;
}

static int parse_pids(struct jctx *c, yajl_val v, void *out)
{
	struct nook_resources *r = out;

	return j_i64(c, v, "limit", true, &r->pids_limit, &r->has_pids_limit);
}

static int parse_weight_device(struct jctx *c, yajl_val v, void *out)
{
	struct nook_blkio_weight_device *d = out;

	if (j_i64(c, v, "major", true, &d->major, NULL) < 0 ||
	    j_i64(c, v, "minor", true, &d->minor, NULL) < 0 ||
	    j_u16(c, v, "weight", false, &d->weight, &d->has_weight) < 0 ||
	    j_u16(c, v, "leafWeight", false, &d->leaf_weight, &d->has_leaf_weight) < 0)
		return -1;
	/* "You MUST specify at least one of weight or leafWeight" */
	if (!d->has_weight && !d->has_leaf_weight)
		return j_error(c, "expected weight or leafWeight, got neither");
	return 0;
}

static int parse_throttle(struct jctx *c, yajl_val v, void *out)
{
	struct nook_blkio_throttle *t = out;

	if (j_i64(c, v, "major", true, &t->major, NULL) < 0 ||
	    j_i64(c, v, "minor", true, &t->minor, NULL) < 0 ||
	    j_u64(c, v, "rate", true, &t->rate, NULL) < 0)
		return -1;
	return 0;
}

static int throttle_list(struct jctx *c, yajl_val v, const char *key, struct nook_throttle_list *l)
{
	return j_arr(c, v, key, sizeof(*l->v), &l->v, &l->n, parse_throttle);
}

static int parse_block_io(struct jctx *c, yajl_val v, void *out)
{
	struct nook_block_io *b = out;

	if (j_u16(c, v, "weight", false, &b->weight, &b->has_weight) < 0 ||
	    j_u16(c, v, "leafWeight", false, &b->leaf_weight, &b->has_leaf_weight) < 0 ||
	    j_arr(c, v, "weightDevice", sizeof(*b->weight_device), &b->weight_device,
	          &b->n_weight_device, parse_weight_device) < 0 ||
	    throttle_list(c, v, "throttleReadBpsDevice", &b->throttle_read_bps) < 0 ||
	    throttle_list(c, v, "throttleWriteBpsDevice", &b->throttle_write_bps) < 0 ||
	    throttle_list(c, v, "throttleReadIOPSDevice", &b->throttle_read_iops) < 0 ||
	    throttle_list(c, v, "throttleWriteIOPSDevice", &b->throttle_write_iops) < 0)
		return -1;
	return 0;
}

/* ^[1-9][0-9]*[KMG]B$ */
static bool page_size_pattern(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	return s[0] >= '1' && s[0] <= '9' && s[digits] != '\0' &&
	       strchr("KMG", s[digits]) != NULL && strcmp(s + digits + 1, "B") == 0;
}

static int parse_hugepage(struct jctx *c, yajl_val v, void *out)
{
	struct nook_hugepage_limit *h = out;
	char q[100];

	if (j_str(c, v, "pageSize", true, &h->page_size) < 0)
		return -1;
	if (!page_size_pattern(h->page_size)) {
		j_push_key(c, "pageSize");
		return j_error(c, "expected a size such as \"2MB\" (<number>KB|MB|GB), got %s",
		               j_quote(h->page_size, q, sizeof(q)));
	}
	return j_u64(c, v, "limit", true, &h->limit, NULL);
}

static int parse_net_priority(struct jctx *c, yajl_val v, void *out)
{
	struct nook_net_priority *p = out;

	if (j_str(c, v, "name", true, &p->name) < 0 ||
	    j_u32(c, v, "priority", true, &p->priority, NULL) < 0)
		return -1;
	return 0;
}

static int parse_network(struct jctx *c, yajl_val v, void *out)
{
	struct nook_network_resources *n = out;

	if (j_u32(c, v, "classID", false, &n->class_id, &n->has_class_id) < 0 ||
	    j_arr(c, v, "priorities", sizeof(*n->priorities), &n->priorities, &n->n_priorities,
	          parse_net_priority) < 0)
		return -1;
	return 0;
}

static int parse_rdma(struct jctx *c, yajl_val v, void *out)
{
	struct nook_rdma *r = out;

	r->device = j_strdup(c, c->key);
	if (r->device == NULL ||
	    j_u32(c, v, "hcaHandles", false, &r->hca_handles, &r->has_hca_handles) < 0 ||
	    j_u32(c, v, "hcaObjects", false, &r->hca_objects, &r->has_hca_objects) < 0)
		return -1;
	/* "You MUST specify at least one of the hcaHandles or hcaObjects" */
	if (!r->has_hca_handles && !r->has_hca_objects)
		return j_error(c, "expected hcaHandles or hcaObjects, got neither");
	return 0;
}

int spec_parse_resources(struct jctx *c, yajl_val v, void *out)
{
	struct nook_resources *r = out;

	if (j_arr(c, v, "devices", sizeof(*r->devices), &r->devices, &r->n_devices,
	          parse_device_cgroup) < 0 ||
	    j_obj(c, v, "memory", false, parse_memory, &r->memory, &r->memory.present) < 0 ||
	    j_obj(c, v, "cpu", false, parse_cpu, &r->cpu, &r->cpu.present) < 0 ||
	    j_obj(c, v, "pids", false, parse_pids, r, NULL) < 0 ||
	    j_obj(c, v, "blockIO", false, parse_block_io, &r->block_io, &r->block_io.present) < 0 ||
	    j_arr(c, v, "hugepageLimits", sizeof(*r->hugepage_limits), &r->hugepage_limits,
	          &r->n_hugepage_limits, parse_hugepage) < 0 ||
	    j_obj(c, v, "network", false, parse_network, &r->network, &r->network.present) < 0 ||
	    j_objmap(c, v, "rdma", sizeof(*r->rdma), &r->rdma, &r->n_rdma, parse_rdma) < 0 ||
	    j_map(c, v, "unified", &r->unified) < 0)
		return -1;
	return 0;
}
