/* linux.seccomp compiled into a libseccomp filter and exported as the BPF
 * program the kernel takes (nook_seccomp_prepare), then loaded as late as
 * possible with one seccomp(2) call (nook_seccomp_load, just before execve):
 * libseccomp's own load frees memory afterwards, which may call brk or
 * munmap under the new filter.
 *
 * Compatibility with runc and crun where the spec leaves room:
 *  - errnoRet defaults to EPERM for SCMP_ACT_ERRNO and SCMP_ACT_TRACE;
 *  - a rule whose action equals the default action is skipped (libseccomp
 *    refuses it);
 *  - a syscall name libseccomp does not know is skipped with a debug line
 *    (profiles list syscalls newer than the library);
 *  - SCMP_CMP_MASKED_EQ matches (arg & value) == valueTwo: "value" is the
 *    mask (libseccomp's datum_a), as in Docker's default profile where
 *    clone's namespace flags are the value and valueTwo is 0;
 *  - args sharing an index each become a rule of their own (OR), otherwise
 *    all args of an entry form one rule (AND). */
#include "nook/security.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/names.h"

#define MAX_ARGS 6 /* a syscall has at most six arguments */

struct nook_seccomp_filter {
	scmp_filter_ctx ctx;
	struct sock_fprog prog; /* the exported program, loaded as it is */
	unsigned int flags;     /* SECCOMP_FILTER_FLAG_* of linux.seccomp.flags */
	bool notify;            /* a rule or the default is SCMP_ACT_NOTIFY */
};

/* ---- names to libseccomp values (the tables of src/spec/seccomp_names.c) ---- */

bool nook_seccomp_action_supported(uint64_t action)
{
	(void)action; /* all, SCMP_ACT_NOTIFY with linux.seccomp.listenerPath */
	return true;
}

/* An action with its errnoRet. path: "linux.seccomp.defaultAction" or
 * "linux.seccomp.syscalls[i].action"; errno_path the errnoRet next to it. */
static int parse_action(const char *name, bool has_errno_ret, uint32_t errno_ret, const char *path,
                        const char *errno_path, uint32_t *out, struct nook_error *err)
{
	const struct nook_name_value *e = nook_name_find(&nook_seccomp_actions, name);
	uint32_t errnum = has_errno_ret ? errno_ret : EPERM;

	if (name == NULL)
		return nook_fail(err, EINVAL, "%s: required", path);
	if (e == NULL)
		return nook_fail(err, EINVAL, "%s: unknown action \"%s\"", path, name);
	if (e->value == SCMP_ACT_ERRNO(0) || e->value == SCMP_ACT_TRACE(0)) {
		if (errnum > 0xffff)
			return nook_fail(err, EINVAL, "%s: %u is above 65535", errno_path, errnum);
		*out = (uint32_t)e->value | errnum; /* SCMP_ACT_ERRNO(errnum) */
		return 0;
	}
	/* The spec: an errno on an action without one is an error. */
	if (has_errno_ret)
		return nook_fail(err, EINVAL,
		                 "%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s",
		                 errno_path, name);
	*out = (uint32_t)e->value;
	return 0;
}

/* ---- the steps of prepare ---- */

static int add_architectures(scmp_filter_ctx ctx, const struct nook_strv *archs,
                             struct nook_error *err)
{
	for (size_t i = 0; i < archs->n; i++) {
		const struct nook_name_value *e = nook_name_find(&nook_seccomp_archs, archs->v[i]);
		int rc;

		if (e == NULL)
			return nook_fail(
			    err, EINVAL,
			    "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i,
			    archs->v[i]);
		if (e->value == 0) {
			/* A valid name this libseccomp predates: it cannot be the
			 * architecture we run on, so no syscall of ours uses it. */
			nook_warn("linux.seccomp.architectures[%zu]: %s is not known to libseccomp "
			          "%d.%d.%d, ignored",
			          i, archs->v[i], SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
			continue;
		}
		rc = seccomp_arch_add(ctx, (uint32_t)e->value);
		if (rc < 0 && rc != -EEXIST)
			return nook_fail(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i,
			                 archs->v[i]);
	}
	return 0;
}

/* The libseccomp attribute that sets a filter flag, -1 for one it cannot
 * set (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV in libseccomp 2.5). */
static int flag_attr(uint64_t flag)
{
	switch (flag) {
	case SECCOMP_FILTER_FLAG_TSYNC:
		return SCMP_FLTATR_CTL_TSYNC;
	case SECCOMP_FILTER_FLAG_LOG:
		return SCMP_FLTATR_CTL_LOG;
	case SECCOMP_FILTER_FLAG_SPEC_ALLOW:
		return SCMP_FLTATR_CTL_SSB;
	default:
		return -1;
	}
}

/* The kernel knows a filter flag if seccomp(2) with no filter fails with
 * EFAULT rather than EINVAL. */
bool nook_seccomp_flag_supported(uint64_t flag)
{
	return flag_attr(flag) >= 0 &&
	       syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

/* The attribute tells libseccomp (which checks the kernel supports the flag),
 * *kflags gets the flag for our own seccomp(2) call. */
static int set_flags(scmp_filter_ctx ctx, const struct nook_strv *flags, unsigned int *kflags,
                     struct nook_error *err)
{
	for (size_t i = 0; i < flags->n; i++) {
		const char *flag = flags->v[i];
		const struct nook_name_value *e = nook_name_find(&nook_seccomp_flags, flag);
		int attr = e != NULL ? flag_attr(e->value) : -1;
		int rc;

		if (e == NULL)
			return nook_fail(err, EINVAL,
			                 "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, flag);
		if (attr < 0)
			return nook_fail(err, 0,
			                 "not supported: linux.seccomp.flags[%zu]: %s (libseccomp "
			                 "%d.%d cannot set it)",
			                 i, flag, SCMP_VER_MAJOR, SCMP_VER_MINOR);
		*kflags |= (unsigned int)e->value;
		rc = seccomp_attr_set(ctx, (enum scmp_filter_attr)attr, 1);
		if (rc < 0)
			return nook_fail(err, -rc, "linux.seccomp.flags[%zu]: set %s", i, flag);
	}
	return 0;
}

/* The args of one entry as libseccomp comparisons, checked. */
static int parse_args(size_t i, const struct nook_seccomp_syscall *sc, struct scmp_arg_cmp *cmps,
                      struct nook_error *err)
{
	for (size_t a = 0; a < sc->n_args; a++) {
		const struct nook_seccomp_arg *arg = &sc->args[a];
		const struct nook_name_value *op = nook_name_find(&nook_seccomp_operators, arg->op);

		if (arg->index >= MAX_ARGS)
			return nook_fail(
			    err, EINVAL,
			    "linux.seccomp.syscalls[%zu].args[%zu].index: %u is above 5", i, a,
			    arg->index);
		if (op == NULL)
			return nook_fail(
			    err, EINVAL,
			    "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator "
			    "\"%s\"",
			    i, a, arg->op != NULL ? arg->op : "");
		cmps[a] = (struct scmp_arg_cmp){.arg = arg->index,
		                                .op = (enum scmp_compare)op->value,
		                                .datum_a = arg->value,
		                                .datum_b = arg->value_two};
	}
	return 0;
}

static bool index_repeats(const struct nook_seccomp_syscall *sc)
{
	unsigned seen = 0;

	for (size_t a = 0; a < sc->n_args; a++) {
		if (seen & (1u << sc->args[a].index))
			return true;
		seen |= 1u << sc->args[a].index;
	}
	return false;
}

static int add_rule(scmp_filter_ctx ctx, size_t i, size_t j, const char *name, uint32_t action,
                    int nr, const struct scmp_arg_cmp *cmps, unsigned n, struct nook_error *err)
{
	int rc = seccomp_rule_add_array(ctx, action, nr, n, cmps);

	if (rc < 0)
		return nook_fail(err, -rc,
		                 "linux.seccomp.syscalls[%zu].names[%zu]: add rule for %s", i, j,
		                 name);
	return 0;
}

/* One name of an entry: one rule, or one per arg if indexes repeat. */
static int add_name(scmp_filter_ctx ctx, size_t i, size_t j, const struct nook_seccomp_syscall *sc,
                    uint32_t action, const struct scmp_arg_cmp *cmps, struct nook_error *err)
{
	const char *name = sc->names.v[j];
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR) {
		nook_debug(
		    "linux.seccomp.syscalls[%zu].names[%zu]: unknown syscall \"%s\", skipped", i, j,
		    name);
		return 0;
	}
	if (!index_repeats(sc))
		return add_rule(ctx, i, j, name, action, nr, cmps, (unsigned)sc->n_args, err);
	for (size_t a = 0; a < sc->n_args; a++)
		if (add_rule(ctx, i, j, name, action, nr, &cmps[a], 1, err) < 0)
			return -1;
	return 0;
}

static int add_syscall(struct nook_seccomp_filter *filter, size_t i,
                       const struct nook_seccomp_syscall *sc, uint32_t default_action,
                       struct nook_error *err)
{
	char path[64], errno_path[64];
	uint32_t action;
	autofree struct scmp_arg_cmp *cmps = NULL;

	snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].action", i);
	snprintf(errno_path, sizeof(errno_path), "linux.seccomp.syscalls[%zu].errnoRet", i);
	if (parse_action(sc->action, sc->has_errno_ret, sc->errno_ret, path, errno_path, &action,
	                 err) < 0)
		return -1;
	if (sc->names.n == 0)
		return nook_fail(err, EINVAL,
		                 "linux.seccomp.syscalls[%zu].names: must not be empty", i);
	cmps = calloc(sc->n_args + 1, sizeof(*cmps));
	if (cmps == NULL)
		return nook_fail(err, ENOMEM, "linux.seccomp.syscalls[%zu].args", i);
	if (parse_args(i, sc, cmps, err) < 0)
		return -1;
	if (action == default_action) {
		nook_debug("linux.seccomp.syscalls[%zu]: same action as the default, skipped", i);
		return 0;
	}
	if (action == SCMP_ACT_NOTIFY)
		filter->notify = true;
	for (size_t j = 0; j < sc->names.n; j++)
		if (add_name(filter->ctx, i, j, sc, action, cmps, err) < 0)
			return -1;
	return 0;
}

static int compile(struct nook_seccomp_filter *filter, const struct nook_seccomp *seccomp,
                   uint32_t default_action, struct nook_error *err)
{
	scmp_filter_ctx ctx = filter->ctx;
	/* no_new_privs is process.noNewPrivileges' business, not the
	 * filter's; loading without it needs CAP_SYS_ADMIN, which the init
	 * still has. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);

	if (rc < 0)
		return nook_fail(err, -rc, "linux.seccomp: clear the no_new_privs attribute");
	/* The kernel's errno from seccomp_load rather than ECANCELED. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (rc < 0)
		return nook_fail(err, -rc, "linux.seccomp: set the raw return code attribute");
	if (add_architectures(ctx, &seccomp->architectures, err) < 0)
		return -1;
	if (set_flags(ctx, &seccomp->flags, &filter->flags, err) < 0)
		return -1;
	for (size_t i = 0; i < seccomp->n_syscalls; i++)
		if (add_syscall(filter, i, &seccomp->syscalls[i], default_action, err) < 0)
			return -1;
	return 0;
}

/* The BPF program through a memfd (libseccomp 2.5 exports only to an fd). */
static int export_bpf(struct nook_seccomp_filter *filter, struct nook_error *err)
{
	autoclose int fd = memfd_create("nook-seccomp", MFD_CLOEXEC);
	struct stat st;
	size_t size, done = 0;
	int rc;

	if (fd < 0)
		return nook_fail(err, errno, "linux.seccomp: memfd for the BPF program");
	rc = seccomp_export_bpf(filter->ctx, fd);
	if (rc < 0)
		return nook_fail(err, -rc, "linux.seccomp: export the BPF program");
	if (fstat(fd, &st) < 0)
		return nook_fail(err, errno, "linux.seccomp: size of the BPF program");
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return nook_fail(err, E2BIG, "linux.seccomp: BPF program of %zu bytes", size);
	filter->prog.filter = malloc(size);
	if (filter->prog.filter == NULL)
		return nook_fail(err, ENOMEM, "linux.seccomp: BPF program");
	while (done < size) {
		ssize_t n = pread(fd, (char *)filter->prog.filter + done, size - done, (off_t)done);
		if (n <= 0)
			return nook_fail(err, n < 0 ? errno : EIO,
			                 "linux.seccomp: read the BPF program");
		done += (size_t)n;
	}
	filter->prog.len = (unsigned short)(size / sizeof(struct sock_filter));
	return 0;
}

int nook_seccomp_prepare(const struct nook_seccomp *seccomp, struct nook_seccomp_filter **out,
                         struct nook_error *err)
{
	struct nook_seccomp_filter *filter;
	uint32_t default_action;

	*out = NULL;
	if (seccomp == NULL || !seccomp->present)
		return 0;
	if (parse_action(seccomp->default_action, seccomp->has_default_errno_ret,
	                 seccomp->default_errno_ret, "linux.seccomp.defaultAction",
	                 "linux.seccomp.defaultErrnoRet", &default_action, err) < 0)
		return -1;
	filter = calloc(1, sizeof(*filter));
	if (filter == NULL)
		return nook_fail(err, ENOMEM, "linux.seccomp");
	filter->ctx = seccomp_init(default_action);
	if (filter->ctx == NULL) {
		free(filter);
		return nook_fail(err, EINVAL, "linux.seccomp: seccomp_init");
	}
	filter->notify = default_action == SCMP_ACT_NOTIFY;
	if (compile(filter, seccomp, default_action, err) < 0 || export_bpf(filter, err) < 0) {
		nook_seccomp_free(filter);
		return -1;
	}
	*out = filter;
	return 0;
}

int nook_seccomp_load(struct nook_seccomp_filter *filter, struct nook_error *err)
{
	if (filter == NULL)
		return 0;
	/* One system call: after it only execve may run. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter->flags, &filter->prog) == 0)
		return 0;
	if (errno == EACCES || errno == EPERM)
		return nook_fail(err, errno,
		                 "linux.seccomp: load the filter (without no_new_privs this needs "
		                 "CAP_SYS_ADMIN)");
	return nook_fail(err, errno, "linux.seccomp: load the filter");
}

bool nook_seccomp_notifies(const struct nook_seccomp_filter *filter)
{
	return filter != NULL && filter->notify;
}

int nook_seccomp_load_listener(struct nook_seccomp_filter *filter, struct nook_error *err)
{
	/* One system call, as nook_seccomp_load; the kernel makes the
	 * listener close-on-exec. */
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                      filter->flags | SECCOMP_FILTER_FLAG_NEW_LISTENER, &filter->prog);

	if (fd >= 0)
		return fd;
	if (errno == EACCES || errno == EPERM)
		return nook_fail(err, errno,
		                 "linux.seccomp: load the filter with a listener (without "
		                 "no_new_privs this needs CAP_SYS_ADMIN)");
	return nook_fail(err, errno, "linux.seccomp: load the filter with a listener");
}

void nook_seccomp_free(struct nook_seccomp_filter *filter)
{
	if (filter == NULL)
		return;
	seccomp_release(filter->ctx);
	free(filter->prog.filter);
	free(filter);
}
