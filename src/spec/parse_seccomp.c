/* linux.seccomp: the syscall filter. Its names are the tables of
 * src/spec/seccomp_names.c. */
#include "json.h"

static int parse_arg(struct jctx *c, yajl_val v, void *out)
{
	struct nook_seccomp_arg *a = out;

	if (j_u32(c, v, "index", true, &a->index, NULL) < 0 ||
	    j_u64(c, v, "value", true, &a->value, NULL) < 0 ||
	    j_u64(c, v, "valueTwo", false, &a->value_two, NULL) < 0 ||
	    j_enum(c, v, "op", true, &nook_seccomp_operators, &a->op) < 0)
		return -1;
	return 0;
}

static int parse_syscall(struct jctx *c, yajl_val v, void *out)
{
	struct nook_seccomp_syscall *s = out;
	yajl_val names;

	if (j_get(c, v, "names", &names) < 0)
		return -1;
	if (names == NULL)
		return j_missing(c, "names");
	if (j_strv(c, v, "names", NULL, &s->names) < 0)
		return -1;
	if (s->names.n == 0) { /* "names MUST contain at least one entry" */
		j_push_key(c, "names");
		return j_error(c, "expected at least one entry, got an empty array");
	}
	if (j_enum(c, v, "action", true, &nook_seccomp_actions, &s->action) < 0 ||
	    j_u32(c, v, "errnoRet", false, &s->errno_ret, &s->has_errno_ret) < 0 ||
	    j_arr(c, v, "args", sizeof(*s->args), &s->args, &s->n_args, parse_arg) < 0)
		return -1;
	return 0;
}

int spec_parse_seccomp(struct jctx *c, yajl_val v, void *out)
{
	struct nook_seccomp *s = out;

	if (j_enum(c, v, "defaultAction", true, &nook_seccomp_actions, &s->default_action) < 0 ||
	    j_u32(c, v, "defaultErrnoRet", false, &s->default_errno_ret,
	          &s->has_default_errno_ret) < 0 ||
	    j_strv(c, v, "flags", &nook_seccomp_flags, &s->flags) < 0 ||
	    j_str(c, v, "listenerPath", false, &s->listener_path) < 0 ||
	    j_str(c, v, "listenerMetadata", false, &s->listener_metadata) < 0 ||
	    j_strv(c, v, "architectures", &nook_seccomp_archs, &s->architectures) < 0 ||
	    j_arr(c, v, "syscalls", sizeof(*s->syscalls), &s->syscalls, &s->n_syscalls,
	          parse_syscall) < 0)
		return -1;
	/* "This field MUST NOT be set if listenerPath is not set." */
	if (s->listener_metadata != NULL && s->listener_path == NULL) {
		j_push_key(c, "listenerMetadata");
		return j_error(c, "set without listenerPath");
	}
	return 0;
}
