/* process: what runs in the container, as whom, with which limits. */
#include <stdlib.h>
#include <string.h>
#include <linux/ioprio.h>
#include <sys/resource.h>

#include "json.h"
#include "names.h"
#include "nook/cleanup.h"
#include "nook/cpu_affinity.h"

/* config.md "ioPriority"; the values are the kernel's (uapi linux/ioprio.h). */
static const struct nook_name_value io_class_v[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
};
const struct nook_names nook_io_classes = NOOK_NAMES(io_class_v);

static const struct nook_name_value rlimit_v[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};
static const struct nook_names rlimits = NOOK_NAMES(rlimit_v);

static int parse_console_size(struct jctx *c, yajl_val v, void *out)
{
	struct nook_process *p = out;

	return j_u64(c, v, "height", true, &p->console_height, NULL) < 0 ||
	               j_u64(c, v, "width", true, &p->console_width, NULL) < 0
	           ? -1
	           : 0;
}

static int parse_user(struct jctx *c, yajl_val v, void *out)
{
	struct nook_user *u = out;

	if (j_u32(c, v, "uid", true, &u->uid, NULL) < 0 ||
	    j_u32(c, v, "gid", true, &u->gid, NULL) < 0 ||
	    j_u32(c, v, "umask", false, &u->umask, &u->has_umask) < 0 ||
	    j_u32v(c, v, "additionalGids", &u->additional_gids, &u->n_additional_gids) < 0 ||
	    j_str(c, v, "username", false, &u->username) < 0)
		return -1;
	return 0;
}

static int parse_capabilities(struct jctx *c, yajl_val v, void *out)
{
	struct nook_capabilities *caps = out;

	if (j_strv(c, v, "bounding", NULL, &caps->bounding) < 0 ||
	    j_strv(c, v, "effective", NULL, &caps->effective) < 0 ||
	    j_strv(c, v, "inheritable", NULL, &caps->inheritable) < 0 ||
	    j_strv(c, v, "permitted", NULL, &caps->permitted) < 0 ||
	    j_strv(c, v, "ambient", NULL, &caps->ambient) < 0)
		return -1;
	return 0;
}

static bool rlimit_pattern(const char *s)
{
	if (strncmp(s, "RLIMIT_", 7) != 0 || s[7] == '\0')
		return false;
	for (s += 7; *s != '\0'; s++)
		if (*s < 'A' || *s > 'Z')
			return false;
	return true;
}

static int rlimit_resource(const char *name)
{
	const struct nook_name_value *e = nook_name_find(&rlimits, name);

	return e != NULL ? (int)e->value : -1;
}

static int parse_rlimit(struct jctx *c, yajl_val v, void *out)
{
	struct nook_rlimit *r = out;
	char q[100];

	if (j_str(c, v, "type", true, &r->type_name) < 0)
		return -1;
	if (!rlimit_pattern(r->type_name)) {
		j_push_key(c, "type");
		return j_error(c, "expected RLIMIT_<NAME>, got %s",
		               j_quote(r->type_name, q, sizeof(q)));
	}
	r->resource = rlimit_resource(r->type_name);
	if (j_u64(c, v, "soft", true, &r->soft, NULL) < 0 ||
	    j_u64(c, v, "hard", true, &r->hard, NULL) < 0)
		return -1;
	return 0;
}

static int cmp_rlimit_index(const void *a, const void *b, void *arg)
{
	const struct nook_rlimit *r = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d = strcmp(r[x].type_name, r[y].type_name);

	return d != 0 ? d : (x > y) - (x < y);
}

/* "If rlimits contains duplicated entries with same type, the runtime MUST
 * generate an error." Sorted, so that a long list stays cheap; the pair
 * reported is the one a reader meets first. */
static int rlimit_duplicates(struct jctx *c, const struct nook_process *p)
{
	autofree size_t *idx = NULL;
	size_t i, first = 0, second = SIZE_MAX;
	char base[sizeof(c->path)];

	if (p->n_rlimits < 2)
		return 0;
	idx = j_calloc(c, p->n_rlimits, sizeof(*idx));
	if (idx == NULL)
		return -1;
	for (i = 0; i < p->n_rlimits; i++)
		idx[i] = i;
	qsort_r(idx, p->n_rlimits, sizeof(*idx), cmp_rlimit_index, p->rlimits);
	for (i = 1; i < p->n_rlimits; i++) {
		bool same =
		    strcmp(p->rlimits[idx[i - 1]].type_name, p->rlimits[idx[i]].type_name) == 0;

		if (same &&
		    (i < 2 ||
		     strcmp(p->rlimits[idx[i - 2]].type_name, p->rlimits[idx[i]].type_name) != 0) &&
		    idx[i] < second) {
			first = idx[i - 1];
			second = idx[i];
		}
	}
	if (second == SIZE_MAX)
		return 0;
	memcpy(base, c->path, sizeof(base));
	j_push_key(c, "rlimits");
	j_push_index(c, second);
	j_push_key(c, "type");
	return j_error(c, "duplicate %s (also at %s%srlimits[%zu])", p->rlimits[second].type_name,
	               base, base[0] ? "." : "", first);
}

static int parse_io_priority(struct jctx *c, yajl_val v, void *out)
{
	struct nook_io_priority *io = out;

	if (j_enum(c, v, "class", true, &nook_io_classes, &io->class_name) < 0 ||
	    j_i32(c, v, "priority", false, &io->priority, NULL) < 0)
		return -1;
	return 0;
}

static int parse_scheduler(struct jctx *c, yajl_val v, void *out)
{
	struct nook_scheduler *s = out;

	if (j_enum(c, v, "policy", true, &spec_sched_policies, &s->policy) < 0 ||
	    j_i32(c, v, "nice", false, &s->nice, &s->has_nice) < 0 ||
	    j_i32(c, v, "priority", false, &s->priority, &s->has_priority) < 0 ||
	    j_strv(c, v, "flags", &spec_sched_flags, &s->flags) < 0 ||
	    j_u64(c, v, "runtime", false, &s->runtime, &s->has_runtime) < 0 ||
	    j_u64(c, v, "deadline", false, &s->deadline, &s->has_deadline) < 0 ||
	    j_u64(c, v, "period", false, &s->period, &s->has_period) < 0)
		return -1;
	return 0;
}

/* A CPU list as runc reads it (src/spec/cpu_list.c); the schema's pattern
 * is ^[0-9, -]*$. */
static int cpu_list(struct jctx *c, const char *key, const char *s)
{
	char why[160];
	uint8_t *mask;
	size_t n;

	if (nook_cpu_list_parse(s, &mask, &n, why, sizeof(why)) == 0) {
		free(mask);
		return 0;
	}
	j_push_key(c, key);
	return j_error(c, "expected a CPU list such as \"0-3,7\": %s", why);
}

static int parse_cpu_affinity(struct jctx *c, yajl_val v, void *out)
{
	struct nook_exec_cpu_affinity *a = out;

	if (j_str(c, v, "initial", false, &a->initial) < 0 ||
	    cpu_list(c, "initial", a->initial) < 0 || j_str(c, v, "final", false, &a->final) < 0 ||
	    cpu_list(c, "final", a->final) < 0)
		return -1;
	return 0;
}

static int parse_args_and_cwd(struct jctx *c, yajl_val v, struct nook_process *p)
{
	yajl_val args;
	char q[100];

	if (j_get(c, v, "args", &args) < 0 || j_strv(c, v, "args", NULL, &p->args) < 0)
		return -1;
	if (args != NULL && p->args.n == 0) { /* "at least one entry is REQUIRED" */
		j_push_key(c, "args");
		return j_error(c, "expected at least one entry, got an empty array");
	}
	if (j_str(c, v, "cwd", true, &p->cwd) < 0)
		return -1;
	if (p->cwd[0] != '/') {
		j_push_key(c, "cwd");
		return j_error(c, "expected an absolute path, got %s",
		               j_quote(p->cwd, q, sizeof(q)));
	}
	return 0;
}

int spec_parse_process(struct jctx *c, yajl_val v, void *out)
{
	struct nook_process *p = out;
	int32_t oom = 0;

	if (j_bool(c, v, "terminal", &p->terminal, NULL) < 0 ||
	    j_obj(c, v, "consoleSize", false, parse_console_size, p, &p->has_console_size) < 0 ||
	    j_obj(c, v, "user", false, parse_user, &p->user, NULL) < 0 ||
	    parse_args_and_cwd(c, v, p) < 0 ||
	    j_str(c, v, "commandLine", false, &p->command_line) < 0 ||
	    j_strv(c, v, "env", NULL, &p->env) < 0 ||
	    j_obj(c, v, "capabilities", false, parse_capabilities, &p->capabilities,
	          &p->capabilities.present) < 0 ||
	    j_arr(c, v, "rlimits", sizeof(*p->rlimits), &p->rlimits, &p->n_rlimits, parse_rlimit) <
	        0 ||
	    rlimit_duplicates(c, p) < 0 ||
	    j_str(c, v, "apparmorProfile", false, &p->apparmor_profile) < 0 ||
	    j_i32(c, v, "oomScoreAdj", false, &oom, &p->has_oom_score_adj) < 0 ||
	    j_str(c, v, "selinuxLabel", false, &p->selinux_label) < 0 ||
	    j_obj(c, v, "ioPriority", false, parse_io_priority, &p->io_priority,
	          &p->io_priority.present) < 0 ||
	    j_bool(c, v, "noNewPrivileges", &p->no_new_privileges, NULL) < 0 ||
	    j_obj(c, v, "scheduler", false, parse_scheduler, &p->scheduler, &p->scheduler.present) <
	        0 ||
	    j_obj(c, v, "execCPUAffinity", false, parse_cpu_affinity, &p->exec_cpu_affinity,
	          &p->exec_cpu_affinity.present) < 0)
		return -1;
	p->oom_score_adj = oom;
	return 0;
}
