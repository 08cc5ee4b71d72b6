/* linux.seccomp: the syscall filter. */
#include "json.h"

static const char *const actions[] = {"SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                                      "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
                                      "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
                                      "SCMP_ACT_NOTIFY",      NULL};

static const char *const flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};

static const char *const archs[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL};

static const char *const operators[] = {"SCMP_CMP_NE",        "SCMP_CMP_LT", "SCMP_CMP_LE",
                                        "SCMP_CMP_EQ",        "SCMP_CMP_GE", "SCMP_CMP_GT",
                                        "SCMP_CMP_MASKED_EQ", NULL};

static int parse_arg(struct jctx *c, yajl_val v, void *out)
{
	struct nook_seccomp_arg *a = out;

	if (j_u32(c, v, "index", true, &a->index, NULL) < 0 ||
	    j_u64(c, v, "value", true, &a->value, NULL) < 0 ||
	    j_u64(c, v, "valueTwo", false, &a->value_two, NULL) < 0 ||
	    j_enum(c, v, "op", true, operators, &a->op) < 0)
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
	if (j_enum(c, v, "action", true, actions, &s->action) < 0 ||
	    j_u32(c, v, "errnoRet", false, &s->errno_ret, &s->has_errno_ret) < 0 ||
	    j_arr(c, v, "args", sizeof(*s->args), &s->args, &s->n_args, parse_arg) < 0)
		return -1;
	return 0;
}

int spec_parse_seccomp(struct jctx *c, yajl_val v, void *out)
{
	struct nook_seccomp *s = out;

	if (j_enum(c, v, "defaultAction", true, actions, &s->default_action) < 0 ||
	    j_u32(c, v, "defaultErrnoRet", false, &s->default_errno_ret,
	          &s->has_default_errno_ret) < 0 ||
	    j_strv(c, v, "flags", flags, &s->flags) < 0 ||
	    j_str(c, v, "listenerPath", false, &s->listener_path) < 0 ||
	    j_str(c, v, "listenerMetadata", false, &s->listener_metadata) < 0 ||
	    j_strv(c, v, "architectures", archs, &s->architectures) < 0 ||
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
