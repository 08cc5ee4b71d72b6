/* mounts[], id mappings and hooks: the parts shared by all platforms. */
#include "json.h"

int spec_parse_id_mapping(struct jctx *c, yajl_val v, void *out)
{
	struct nook_id_mapping *m = out;

	if (j_u32(c, v, "containerID", true, &m->container_id, NULL) < 0 ||
	    j_u32(c, v, "hostID", true, &m->host_id, NULL) < 0 ||
	    j_u32(c, v, "size", true, &m->size, NULL) < 0)
		return -1;
	return 0;
}

/* A mapping of an id-mapped mount (config.md "Mounts", uidMappings: "the
 * format is the same as user namespace mappings"): the kernel takes no
 * empty range, and none past the last 32-bit id (user_namespaces(7)). */
static int parse_mount_id_mapping(struct jctx *c, yajl_val v, void *out)
{
	struct nook_id_mapping *m = out;

	if (spec_parse_id_mapping(c, v, out) < 0)
		return -1;
	if (m->size == 0) {
		j_push_key(c, "size");
		return j_error(c, "expected a number of ids >= 1, got 0");
	}
	if ((uint64_t)m->container_id + m->size > 1ULL << 32 ||
	    (uint64_t)m->host_id + m->size > 1ULL << 32) {
		j_push_key(c, "size");
		return j_error(c,
		               "expected the range to end at id 4294967295 at most, got %u ids "
		               "from containerID %u, hostID %u",
		               m->size, m->container_id, m->host_id);
	}
	return 0;
}

/* The kernel refuses a map whose ranges overlap, on either side
 * (user_namespaces(7)): said here with the JSON path. */
static int no_overlap(struct jctx *c, const char *key, const struct nook_id_mapping *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			bool in =
			    (uint64_t)v[i].container_id < (uint64_t)v[j].container_id + v[j].size &&
			    (uint64_t)v[j].container_id < (uint64_t)v[i].container_id + v[i].size;
			bool out = (uint64_t)v[i].host_id < (uint64_t)v[j].host_id + v[j].size &&
			           (uint64_t)v[j].host_id < (uint64_t)v[i].host_id + v[i].size;
			if (!in && !out)
				continue;
			j_push_key(c, key);
			j_push_index(c, i);
			return j_error(c,
			               "expected ranges that do not overlap, got %s that overlap "
			               "%s[%zu]'s",
			               in ? "containerIDs" : "hostIDs", key, j);
		}
	return 0;
}

/* A relative destination is allowed: "it MUST be interpreted as relative
 * to /" (config.md), which is the runtime's business. */
int spec_parse_mount(struct jctx *c, yajl_val v, void *out)
{
	struct nook_mount *m = out;

	if (j_str(c, v, "destination", true, &m->destination) < 0 ||
	    j_str(c, v, "type", false, &m->type) < 0 ||
	    j_str(c, v, "source", false, &m->source) < 0 ||
	    j_strv(c, v, "options", NULL, &m->options) < 0 ||
	    j_arr(c, v, "uidMappings", sizeof(*m->uid_mappings), &m->uid_mappings,
	          &m->n_uid_mappings, parse_mount_id_mapping) < 0 ||
	    j_arr(c, v, "gidMappings", sizeof(*m->gid_mappings), &m->gid_mappings,
	          &m->n_gid_mappings, parse_mount_id_mapping) < 0)
		return -1;
	/* "If specified, it MUST be specified along with gidMappings." */
	if ((m->uid_mappings != NULL) != (m->gid_mappings != NULL)) {
		j_push_key(c, m->uid_mappings != NULL ? "uidMappings" : "gidMappings");
		return j_error(c, "set without %s",
		               m->uid_mappings != NULL ? "gidMappings" : "uidMappings");
	}
	/* An empty list maps nothing: runc refuses it ("id-mapped mounts must
	 * have both uid and gid mappings specified"), the kernel would too. */
	if (m->uid_mappings != NULL && (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)) {
		j_push_key(c, m->n_uid_mappings == 0 ? "uidMappings" : "gidMappings");
		return j_error(c, "expected at least one mapping, got an empty list");
	}
	/* The kernel takes at most 340 lines in a uid_map (user_namespaces(7)). */
	if (m->n_uid_mappings > 340 || m->n_gid_mappings > 340) {
		j_push_key(c, m->n_uid_mappings > 340 ? "uidMappings" : "gidMappings");
		return j_error(c, "expected at most 340 mappings, got %zu",
		               m->n_uid_mappings > 340 ? m->n_uid_mappings : m->n_gid_mappings);
	}
	if (no_overlap(c, "uidMappings", m->uid_mappings, m->n_uid_mappings) < 0 ||
	    no_overlap(c, "gidMappings", m->gid_mappings, m->n_gid_mappings) < 0)
		return -1;
	return 0;
}

static int parse_hook(struct jctx *c, yajl_val v, void *out)
{
	struct nook_hook *h = out;

	if (j_str(c, v, "path", true, &h->path) < 0 || j_strv(c, v, "args", NULL, &h->args) < 0 ||
	    j_strv(c, v, "env", NULL, &h->env) < 0 ||
	    j_i64(c, v, "timeout", false, &h->timeout, &h->has_timeout) < 0)
		return -1;
	if (h->has_timeout && h->timeout < 1) {
		j_push_key(c, "timeout");
		return j_error(c, "expected an integer >= 1, got %lld", (long long)h->timeout);
	}
	return 0;
}

/* config.md "POSIX-platform Hooks", in the order they run; the value is
 * where the list is in struct nook_hooks. */
static const struct nook_name_value hook_v[] = {
    {"prestart", offsetof(struct nook_hooks, prestart)},
    {"createRuntime", offsetof(struct nook_hooks, create_runtime)},
    {"createContainer", offsetof(struct nook_hooks, create_container)},
    {"startContainer", offsetof(struct nook_hooks, start_container)},
    {"poststart", offsetof(struct nook_hooks, poststart)},
    {"poststop", offsetof(struct nook_hooks, poststop)},
};
const struct nook_names nook_hook_names = NOOK_NAMES(hook_v);

int spec_parse_hooks(struct jctx *c, yajl_val v, void *out)
{
	for (size_t i = 0; i < nook_hook_names.n; i++) {
		struct nook_hook_list *l = (void *)((char *)out + nook_hook_names.v[i].value);

		if (j_arr(c, v, nook_hook_names.v[i].name, sizeof(*l->v), &l->v, &l->n,
		          parse_hook) < 0)
			return -1;
	}
	return 0;
}
