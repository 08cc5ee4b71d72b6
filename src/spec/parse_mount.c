/* mounts[], id mappings and hooks: the parts shared by all platforms. */
#include <string.h>

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

/* The mappings of an id-mapped mount (config.md "Mounts", uidMappings:
 * "the format is the same as user namespace mappings"), as the kernel takes
 * them (user_namespaces(7)): at least one range, at most 340, none empty,
 * none past the last 32-bit id, none overlapping another on either side.
 * `key` is "uidMappings" or "gidMappings" under the current path. */
static int check_mappings(struct jctx *c, const char *key, const struct nook_id_mapping *v,
                          size_t n)
{
	size_t mark = j_push_key(c, key);
	size_t in_list = c->len;

	if (n == 0)
		return j_error(c, "expected at least one mapping, got an empty list");
	if (n > 340)
		return j_error(c, "expected at most 340 mappings, got %zu", n);
	for (size_t i = 0; i < n; i++) {
		j_push_index(c, i);
		j_push_key(c, "size");
		if (v[i].size == 0)
			return j_error(c, "expected a number of ids >= 1, got 0");
		if ((uint64_t)v[i].container_id + v[i].size > 1ULL << 32 ||
		    (uint64_t)v[i].host_id + v[i].size > 1ULL << 32)
			return j_error(c,
			               "expected the range to end at id 4294967295 at most, got %u "
			               "ids from containerID %u, hostID %u",
			               v[i].size, v[i].container_id, v[i].host_id);
		j_pop(c, in_list);
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			bool in =
			    (uint64_t)v[i].container_id < (uint64_t)v[j].container_id + v[j].size &&
			    (uint64_t)v[j].container_id < (uint64_t)v[i].container_id + v[i].size;
			bool out = (uint64_t)v[i].host_id < (uint64_t)v[j].host_id + v[j].size &&
			           (uint64_t)v[j].host_id < (uint64_t)v[i].host_id + v[i].size;
			if (!in && !out)
				continue;
			j_push_index(c, i);
			return j_error(c,
			               "expected ranges that do not overlap, got %s that overlap "
			               "%s[%zu]'s",
			               in ? "containerIDs" : "hostIDs", key, j);
		}
	j_pop(c, mark);
	return 0;
}

/* One list of crun's inline form: "<fs id>-<host id>-<size>[#...]". */
static int inline_list(struct jctx *c, const char *text, const char *end,
                       struct nook_id_mapping **out, size_t *n)
{
	size_t cap = 1;

	for (const char *p = text; p < end; p++)
		cap += *p == '#';
	*out = j_calloc(c, cap, sizeof(**out));
	if (*out == NULL)
		return -1;
	*n = 0;
	for (const char *p = text; p <= end && *n < cap;) {
		uint32_t v[3];

		if (*p == '@')
			return j_error(c, "relative (\"@\") inline mappings are not supported");
		for (int k = 0; k < 3; k++) {
			uint64_t x = 0;
			const char *digits = p;

			while (p < end && *p >= '0' && *p <= '9' && x <= UINT32_MAX)
				x = x * 10 + (uint64_t)(*p++ - '0');
			if (p == digits || x > UINT32_MAX || (k < 2 && (p >= end || *p != '-')))
				return j_error(
				    c,
				    "expected \"<fs id>-<host id>-<size>\" lists "
				    "joined by \"#\" after uids= and gids=, got \"%.*s\"",
				    (int)(end - text), text);
			v[k] = (uint32_t)x;
			if (k < 2)
				p++;
		}
		(*out)[(*n)++] =
		    (struct nook_id_mapping){.container_id = v[0], .host_id = v[1], .size = v[2]};
		if (p == end)
			break;
		if (*p != '#')
			return j_error(
			    c,
			    "expected \"<fs id>-<host id>-<size>\" lists joined by \"#\" "
			    "after uids= and gids=, got \"%.*s\"",
			    (int)(end - text), text);
		p++;
	}
	return 0;
}

/* crun's own form of the mappings, an option
 * "idmap=uids=0-1000-10#10-2000-5;gids=0-1000-10" (or "ridmap=..."), which
 * runtime-spec allows ("Runtimes MAY also implement custom option
 * strings"): the same as uidMappings/gidMappings, one of the two ways only.
 * crun's relative "@" ids are not taken. */
static int inline_mappings(struct jctx *c, struct nook_mount *m)
{
	bool from_json = m->uid_mappings != NULL;

	for (size_t k = 0; k < m->options.n; k++) {
		const char *o = m->options.v[k];
		const char *eq = strchr(o, '=');
		size_t mark;

		if (eq == NULL || (strncmp(o, "idmap=", 6) != 0 && strncmp(o, "ridmap=", 7) != 0))
			continue;
		mark = j_push_key(c, "options");
		j_push_index(c, k);
		if (m->uid_mappings != NULL)
			return j_error(c, "inline mappings and %s: give one of the two",
			               from_json ? "uidMappings" : "another inline option");
		for (const char *p = eq + 1; *p != '\0';) {
			const char *end = strchr(p, ';');
			bool uids = strncmp(p, "uids=", 5) == 0;

			if (end == NULL)
				end = p + strlen(p);
			if (!uids && strncmp(p, "gids=", 5) != 0)
				return j_error(
				    c,
				    "expected uids=... and gids=... joined by \";\", got "
				    "\"%.*s\"",
				    (int)(end - p), p);
			if ((uids ? m->uid_mappings : m->gid_mappings) != NULL)
				return j_error(c, "%s given twice", uids ? "uids" : "gids");
			if (inline_list(c, p + 5, end, uids ? &m->uid_mappings : &m->gid_mappings,
			                uids ? &m->n_uid_mappings : &m->n_gid_mappings) < 0)
				return -1;
			p = *end ? end + 1 : end;
		}
		if (m->uid_mappings == NULL || m->gid_mappings == NULL)
			return j_error(c, "expected both uids= and gids=, got only %s",
			               m->uid_mappings != NULL ? "uids" : "gids");
		if (check_mappings(c, "uids", m->uid_mappings, m->n_uid_mappings) < 0 ||
		    check_mappings(c, "gids", m->gid_mappings, m->n_gid_mappings) < 0)
			return -1;
		j_pop(c, mark);
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
	          &m->n_uid_mappings, spec_parse_id_mapping) < 0 ||
	    j_arr(c, v, "gidMappings", sizeof(*m->gid_mappings), &m->gid_mappings,
	          &m->n_gid_mappings, spec_parse_id_mapping) < 0)
		return -1;
	/* "If specified, it MUST be specified along with gidMappings." */
	if ((m->uid_mappings != NULL) != (m->gid_mappings != NULL)) {
		j_push_key(c, m->uid_mappings != NULL ? "uidMappings" : "gidMappings");
		return j_error(c, "set without %s",
		               m->uid_mappings != NULL ? "gidMappings" : "uidMappings");
	}
	/* An empty list maps nothing: runc refuses it too ("id-mapped mounts
	 * must have both uid and gid mappings specified"). */
	if (m->uid_mappings != NULL &&
	    (check_mappings(c, "uidMappings", m->uid_mappings, m->n_uid_mappings) < 0 ||
	     check_mappings(c, "gidMappings", m->gid_mappings, m->n_gid_mappings) < 0))
		return -1;
	return inline_mappings(c, m);
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
