/* Process attributes (config.md "process", config-linux.md "personality"):
 * rlimits, personality, ioPriority, the scheduler and the memory policy
 * (src/linux/scheduler.c, src/linux/mempolicy.c), which the init (or `exec`'s process)
 * sets on itself while it is still root; a new session; and oomScoreAdj,
 * which the runtime sets on itself just around the clone so that the child
 * inherits it, as runc's nsexec does before it makes the user namespace:
 * from inside, /proc/self/oom_score_adj may not be writable (a user
 * namespace) or not there at all (no /proc mount). */
#include "nook/security.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/mempolicy.h"
#include "nook/names.h"
#include "nook/scheduler.h"

/* Whether CAP_SYS_RESOURCE is in our effective set: without it the kernel
 * refuses to raise a hard rlimit or to lower oom_score_adj. */
static bool have_sys_resource(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t value = CAP_CLEAR;

	if (caps == NULL)
		return false;
	if (cap_get_flag(caps, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &value) < 0)
		value = CAP_CLEAR;
	cap_free(caps);
	return value == CAP_SET;
}

/* ---- oomScoreAdj ---- */

static int read_oom_score_adj(const char *path, int *value, struct nook_error *err)
{
	autofclose FILE *f = fopen(path, "re");

	if (f == NULL)
		return nook_fail(err, errno, "open %s", path);
	if (fscanf(f, "%d", value) != 1)
		return nook_fail(err, EINVAL, "read %s", path);
	return 0;
}

static int write_oom_score_adj(const char *path, int value, struct nook_error *err)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d", value);
	autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return nook_fail(err, errno, "open %s", path);
	if (write(fd, buf, (size_t)len) != len)
		return nook_fail(err, errno, "write %d to %s", value, path);
	return 0;
}

#define OOM_SELF "/proc/self/oom_score_adj"

int nook_oom_score_adj_for_child(const struct nook_process *proc, int *saved,
                                 struct nook_error *err)
{
	int value = proc->oom_score_adj, current = 0;

	*saved = NOOK_OOM_NOTHING_SAVED;
	if (!proc->has_oom_score_adj)
		return 0;
	if (value < -1000 || value > 1000)
		return nook_fail(err, EINVAL, "process.oomScoreAdj: %d is outside -1000..1000",
		                 value);
	if (read_oom_score_adj(OOM_SELF, &current, err) < 0)
		return nook_error_prefix(err, "process.oomScoreAdj");
	if (value == current)
		return 0;
	if (write_oom_score_adj(OOM_SELF, value, err) == 0) {
		*saved = current;
		return 0;
	}
	if ((err->errnum == EACCES || err->errnum == EPERM) && value < current &&
	    !have_sys_resource())
		return nook_fail(err, err->errnum,
		                 "process.oomScoreAdj: %d is below the current %d and nook lacks "
		                 "CAP_SYS_RESOURCE",
		                 value, current);
	return nook_error_prefix(err, "process.oomScoreAdj");
}

void nook_oom_score_adj_restore(int saved)
{
	struct nook_error err;

	/* Back to a value we had: allowed without CAP_SYS_RESOURCE, as the
	 * kernel's floor (oom_score_adj_min) only moves with it. */
	if (saved != NOOK_OOM_NOTHING_SAVED && write_oom_score_adj(OOM_SELF, saved, &err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_warn("restore nook's own oom_score_adj: %s",
		          nook_error_text(&err, text, sizeof(text)));
	}
}

/* ---- rlimits ---- */

static const char *rlim_text(uint64_t v, char *buf, size_t size)
{
	if (v == (uint64_t)RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

static int set_rlimit(size_t i, const struct nook_rlimit *rl, struct nook_error *err)
{
	struct rlimit old, want = {.rlim_cur = (rlim_t)rl->soft, .rlim_max = (rlim_t)rl->hard};
	char a[32], b[32];

	if (rl->resource < 0)
		return nook_fail(err, EINVAL,
		                 "process.rlimits[%zu]: %s is not known to this kernel", i,
		                 rl->type_name);
	if (rl->soft > rl->hard)
		return nook_fail(
		    err, EINVAL,
		    "process.rlimits[%zu]: %s soft limit %s is above the hard limit %s", i,
		    rl->type_name, rlim_text(rl->soft, a, sizeof(a)),
		    rlim_text(rl->hard, b, sizeof(b)));
	if (prlimit(0, (__rlimit_resource_t)rl->resource, NULL, &old) < 0)
		return nook_fail(err, errno, "process.rlimits[%zu]: get %s", i, rl->type_name);
	if (prlimit(0, (__rlimit_resource_t)rl->resource, &want, NULL) == 0)
		return 0;
	if (errno == EPERM && want.rlim_max > old.rlim_max)
		return nook_fail(
		    err, errno, "process.rlimits[%zu]: %s hard limit %s is above the current %s %s",
		    i, rl->type_name, rlim_text(rl->hard, a, sizeof(a)),
		    rlim_text(old.rlim_max, b, sizeof(b)),
		    /* In a user namespace (rootless) its CAP_SYS_RESOURCE is
		     * not the host's: a hard limit can only be lowered. */
		    have_sys_resource() ? "and a user namespace cannot raise a hard limit "
		                          "(rootless: only lowering is possible)"
		                        : "and nook lacks CAP_SYS_RESOURCE");
	return nook_fail(err, errno, "process.rlimits[%zu]: set %s to soft %s hard %s", i,
	                 rl->type_name, rlim_text(rl->soft, a, sizeof(a)),
	                 rlim_text(rl->hard, b, sizeof(b)));
}

static int set_rlimits(const struct nook_process *proc, struct nook_error *err)
{
	for (size_t i = 0; i < proc->n_rlimits; i++)
		if (set_rlimit(i, &proc->rlimits[i], err) < 0)
			return -1;
	return 0;
}

/* ---- personality ---- */

static int set_personality(const struct nook_personality *pers, struct nook_error *err)
{
	const struct nook_name_value *domain =
	    nook_name_find(&nook_personality_domains, pers->domain);

	if (pers->domain == NULL)
		return nook_fail(err, EINVAL, "linux.personality.domain: required");
	if (domain == NULL)
		return nook_fail(
		    err, EINVAL,
		    "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
		    pers->domain);
	/* The spec defines no flag yet; refusing keeps a future one from being
	 * silently ignored. */
	if (pers->flags.n > 0)
		return nook_fail(
		    err, EINVAL,
		    "linux.personality.flags[0]: unknown flag \"%s\" (nook supports none)",
		    pers->flags.v[0]);
	if (personality((unsigned long)domain->value) < 0)
		return nook_fail(err, errno, "linux.personality: personality(%s)", pers->domain);
	return 0;
}

/* ---- ioPriority ---- */

static int set_io_priority(const struct nook_io_priority *io, struct nook_error *err)
{
	const struct nook_name_value *class = nook_name_find(&nook_io_classes, io->class_name);

	if (io->class_name == NULL)
		return nook_fail(err, EINVAL, "process.ioPriority.class: required");
	if (class == NULL)
		return nook_fail(err, EINVAL, "process.ioPriority.class: unknown class \"%s\"",
		                 io->class_name);
	if (io->priority < 0 || io->priority > 7)
		return nook_fail(err, EINVAL, "process.ioPriority.priority: %d is outside 0..7",
		                 io->priority);
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
	            IOPRIO_PRIO_VALUE((int)class->value, io->priority)) < 0)
		return nook_fail(err, errno, "process.ioPriority: ioprio_set %s %d", io->class_name,
		                 io->priority);
	return 0;
}

int nook_process_setup(const struct nook_spec *spec, struct nook_error *err)
{
	const struct nook_process *proc = &spec->process;

	if (spec->has_process && set_rlimits(proc, err) < 0)
		return -1;
	if (spec->linux.personality.present && set_personality(&spec->linux.personality, err) < 0)
		return -1;
	if (spec->has_process && proc->io_priority.present &&
	    set_io_priority(&proc->io_priority, err) < 0)
		return -1;
	/* Still root, so a real-time policy can use CAP_SYS_NICE (runc's order). */
	if (spec->has_process && nook_sched_apply(&proc->scheduler, err) < 0)
		return -1;
	return nook_mempolicy_apply(&spec->linux.memory_policy, err);
}

/* runc and crun make every container process a session leader (the init
 * and `exec`'s). With a terminal, opening it made us one already. */
int nook_process_new_session(struct nook_error *err)
{
	if (getsid(0) == getpid())
		return 0;
	if (setsid() < 0)
		return nook_fail(err, errno, "setsid");
	return 0;
}
