/* linux: namespaces, id mappings, devices, and the Linux-only settings.
 * linux.resources is in parse_resources.c, linux.seccomp in parse_seccomp.c. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "json.h"
#include "names.h"

/* config-linux.md lists private, shared, slave and unbindable; runc and crun
 * also take the recursive forms, and the configs tools write use them. */
static const struct nook_name_value propagation_v[] = {
    {"private", MS_PRIVATE},
    {"shared", MS_SHARED},
    {"slave", MS_SLAVE},
    {"unbindable", MS_UNBINDABLE},
    {"rprivate", MS_REC | MS_PRIVATE},
    {"rshared", MS_REC | MS_SHARED},
    {"rslave", MS_REC | MS_SLAVE},
    {"runbindable", MS_REC | MS_UNBINDABLE},
};
static const struct nook_names propagations = NOOK_NAMES(propagation_v);

/* config-linux.md "Personality"; the values are personality(2)'s. */
static const struct nook_name_value personality_v[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};
const struct nook_names nook_personality_domains = NOOK_NAMES(personality_v);

static int parse_namespace(struct jctx *c, yajl_val v, void *out)
{
	struct nook_namespace *ns = out;
	char *type = NULL;
	char q[100];
	int t;

	if (j_str(c, v, "type", true, &type) < 0)
		return -1;
	t = spec_ns_type(type);
	if (t < 0) {
		j_push_key(c, "type");
		j_error(c,
		        "unknown namespace type %s (expected one of mount, pid, network, uts, ipc, "
		        "user, cgroup, time)",
		        j_quote(type, q, sizeof(q)));
		free(type);
		return -1;
	}
	free(type);
	ns->type = (enum nook_ns_type)t;
	if (j_str(c, v, "path", false, &ns->path) < 0)
		return -1;
	if (ns->path != NULL && ns->path[0] != '/') {
		j_push_key(c, "path");
		return j_error(c, "expected an absolute path, got %s",
		               j_quote(ns->path, q, sizeof(q)));
	}
	return 0;
}

/* "If a namespaces field contains duplicated namespaces with same type, the
 * runtime MUST generate an error." */
static int namespace_duplicates(struct jctx *c, const struct nook_linux *l)
{
	size_t first[NOOK_NS_COUNT];
	char base[sizeof(c->path)];

	for (size_t t = 0; t < NOOK_NS_COUNT; t++)
		first[t] = SIZE_MAX;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		enum nook_ns_type t = l->namespaces[i].type;

		if (first[t] == SIZE_MAX) {
			first[t] = i;
			continue;
		}
		memcpy(base, c->path, sizeof(base));
		j_push_key(c, "namespaces");
		j_push_index(c, i);
		j_push_key(c, "type");
		return j_error(c, "duplicate namespace \"%s\" (also at %s%snamespaces[%zu])",
		               nook_ns_type_name(t), base, base[0] ? "." : "", first[t]);
	}
	return 0;
}

static int parse_device(struct jctx *c, yajl_val v, void *out)
{
	struct nook_device *d = out;
	char *type = NULL;
	char q[100];

	if (j_str(c, v, "type", true, &type) < 0)
		return -1;
	if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL) {
		j_push_key(c, "type");
		j_error(c, "expected one of c, b, u, p, got %s", j_quote(type, q, sizeof(q)));
		free(type);
		return -1;
	}
	d->type = type[0];
	free(type);
	if (j_str(c, v, "path", true, &d->path) < 0 ||
	    j_i64(c, v, "major", false, &d->major, &d->has_major) < 0 ||
	    j_i64(c, v, "minor", false, &d->minor, &d->has_minor) < 0 ||
	    j_u32(c, v, "fileMode", false, &d->file_mode, &d->has_file_mode) < 0 ||
	    j_u32(c, v, "uid", false, &d->uid, &d->has_uid) < 0 ||
	    j_u32(c, v, "gid", false, &d->gid, &d->has_gid) < 0)
		return -1;
	if (d->has_file_mode && d->file_mode > 0777) {
		j_push_key(c, "fileMode");
		return j_error(c, "expected a file mode (0..511), got %u", d->file_mode);
	}
	/* "major, minor (int64, REQUIRED unless type is p)" */
	if (d->type != 'p' && (!d->has_major || !d->has_minor))
		return j_missing(c, d->has_major ? "minor" : "major");
	return 0;
}

static int parse_net_device(struct jctx *c, yajl_val v, void *out)
{
	struct nook_net_device *d = out;

	d->host_name = j_strdup(c, c->key);
	if (d->host_name == NULL)
		return -1;
	return j_str(c, v, "name", false, &d->name);
}

/* maskedPaths and readonlyPaths: "The values MUST be absolute paths". */
static int absolute_paths(struct jctx *c, yajl_val v, const char *key, struct nook_strv *out)
{
	char q[100];

	if (j_strv(c, v, key, NULL, out) < 0)
		return -1;
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i][0] == '/')
			continue;
		j_push_key(c, key);
		j_push_index(c, i);
		return j_error(c, "expected an absolute path, got %s",
		               j_quote(out->v[i], q, sizeof(q)));
	}
	return 0;
}

static int no_newline(struct jctx *c, const char *key, const char *s)
{
	if (s == NULL || strchr(s, '\n') == NULL)
		return 0;
	j_push_key(c, key);
	return j_error(c, "must not contain a newline");
}

static int parse_intel_rdt(struct jctx *c, yajl_val v, void *out)
{
	struct nook_intel_rdt *r = out;
	char q[100];

	if (j_str(c, v, "closID", false, &r->clos_id) < 0 ||
	    j_strv(c, v, "schemata", NULL, &r->schemata) < 0 ||
	    j_str(c, v, "l3CacheSchema", false, &r->l3_cache_schema) < 0 ||
	    j_str(c, v, "memBwSchema", false, &r->mem_bw_schema) < 0 ||
	    j_bool(c, v, "enableMonitoring", &r->enable_monitoring, NULL) < 0)
		return -1;
	for (size_t i = 0; i < r->schemata.n; i++) {
		if (strchr(r->schemata.v[i], '\n') != NULL) {
			j_push_key(c, "schemata");
			j_push_index(c, i);
			return j_error(c, "must not contain a newline");
		}
	}
	if (no_newline(c, "memBwSchema", r->mem_bw_schema) < 0)
		return -1;
	if (r->mem_bw_schema != NULL && strncmp(r->mem_bw_schema, "MB:", 3) != 0) {
		j_push_key(c, "memBwSchema");
		return j_error(c, "expected \"MB:...\", got %s",
		               j_quote(r->mem_bw_schema, q, sizeof(q)));
	}
	return 0;
}

static int parse_memory_policy(struct jctx *c, yajl_val v, void *out)
{
	struct nook_memory_policy *m = out;

	if (j_enum(c, v, "mode", true, &spec_mpol_modes, &m->mode) < 0 ||
	    j_str(c, v, "nodes", false, &m->nodes) < 0 ||
	    j_strv(c, v, "flags", &spec_mpol_flags, &m->flags) < 0)
		return -1;
	return 0;
}

static int parse_personality(struct jctx *c, yajl_val v, void *out)
{
	struct nook_personality *p = out;

	if (j_enum(c, v, "domain", true, &nook_personality_domains, &p->domain) < 0 ||
	    j_strv(c, v, "flags", NULL, &p->flags) < 0)
		return -1;
	return 0;
}

static int parse_time_offset(struct jctx *c, yajl_val v, void *out)
{
	struct nook_time_offset *t = out;

	if (j_i64(c, v, "secs", false, &t->secs, NULL) < 0 ||
	    j_u32(c, v, "nanosecs", false, &t->nanosecs, NULL) < 0)
		return -1;
	return 0;
}

static int parse_time_offsets(struct jctx *c, yajl_val v, void *out)
{
	struct nook_linux *l = out;

	if (j_obj(c, v, "boottime", false, parse_time_offset, &l->time_boottime,
	          &l->time_boottime.present) < 0 ||
	    j_obj(c, v, "monotonic", false, parse_time_offset, &l->time_monotonic,
	          &l->time_monotonic.present) < 0)
		return -1;
	return 0;
}

/* Id mappings are for a user namespace: without one they cannot apply. */
static int mappings_need_userns(struct jctx *c, const struct nook_linux *l)
{
	bool userns = false;

	for (size_t i = 0; i < l->n_namespaces; i++)
		userns |= l->namespaces[i].type == NOOK_NS_USER;
	if (userns || (l->uid_mappings == NULL && l->gid_mappings == NULL))
		return 0;
	j_push_key(c, l->uid_mappings != NULL ? "uidMappings" : "gidMappings");
	return j_error(c, "set, but linux.namespaces has no user namespace");
}

int spec_parse_linux(struct jctx *c, yajl_val v, void *out)
{
	struct nook_linux *l = out;

	if (j_arr(c, v, "namespaces", sizeof(*l->namespaces), &l->namespaces, &l->n_namespaces,
	          parse_namespace) < 0 ||
	    namespace_duplicates(c, l) < 0 ||
	    j_arr(c, v, "uidMappings", sizeof(*l->uid_mappings), &l->uid_mappings,
	          &l->n_uid_mappings, spec_parse_id_mapping) < 0 ||
	    j_arr(c, v, "gidMappings", sizeof(*l->gid_mappings), &l->gid_mappings,
	          &l->n_gid_mappings, spec_parse_id_mapping) < 0 ||
	    mappings_need_userns(c, l) < 0 ||
	    j_arr(c, v, "devices", sizeof(*l->devices), &l->devices, &l->n_devices, parse_device) <
	        0 ||
	    j_objmap(c, v, "netDevices", sizeof(*l->net_devices), &l->net_devices,
	             &l->n_net_devices, parse_net_device) < 0 ||
	    j_str(c, v, "cgroupsPath", false, &l->cgroups_path) < 0 ||
	    j_obj(c, v, "resources", false, spec_parse_resources, &l->resources,
	          &l->resources.present) < 0 ||
	    j_enum(c, v, "rootfsPropagation", false, &propagations, &l->rootfs_propagation) < 0 ||
	    j_obj(c, v, "seccomp", false, spec_parse_seccomp, &l->seccomp, &l->seccomp.present) <
	        0 ||
	    j_map(c, v, "sysctl", &l->sysctl) < 0 ||
	    absolute_paths(c, v, "maskedPaths", &l->masked_paths) < 0 ||
	    absolute_paths(c, v, "readonlyPaths", &l->readonly_paths) < 0 ||
	    j_str(c, v, "mountLabel", false, &l->mount_label) < 0 ||
	    j_obj(c, v, "intelRdt", false, parse_intel_rdt, &l->intel_rdt, &l->intel_rdt.present) <
	        0 ||
	    j_obj(c, v, "memoryPolicy", false, parse_memory_policy, &l->memory_policy,
	          &l->memory_policy.present) < 0 ||
	    j_obj(c, v, "personality", false, parse_personality, &l->personality,
	          &l->personality.present) < 0 ||
	    j_obj(c, v, "timeOffsets", false, parse_time_offsets, l, NULL) < 0)
		return -1;
	return 0;
}
