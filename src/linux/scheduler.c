/* process.scheduler: sched_setattr(2) on the calling thread (see
 * include/nook/scheduler.h). The syscall has no glibc wrapper on Debian 12,
 * so it is called raw. A refusal says what the host lacks. */
#include "nook/scheduler.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"

_Static_assert(sizeof(struct nook_sched_attr) == 56, "SCHED_ATTR_SIZE_VER1");

#define SCHED_FIFO_     1
#define SCHED_RR_       2
#define SCHED_DEADLINE_ 6
#define UTIL_CLAMP      (0x20 | 0x40)

/* kernel.sched_deadline_period_{min,max}_us, 0 if unreadable. */
static uint64_t period_limit_us(const char *which)
{
	char path[80];
	uint64_t v = 0;

	snprintf(path, sizeof(path), "/proc/sys/kernel/sched_deadline_period_%s_us", which);
	autofclose FILE *f = fopen(path, "re");
	if (f == NULL || fscanf(f, "%" SCNu64, &v) != 1)
		return 0;
	return v;
}

/* Why the kernel said no, when the attributes passed the config check. */
static const char *hint(const struct nook_sched_attr *a, int e, char *buf, size_t size)
{
	bool rt = a->sched_policy == SCHED_FIFO_ || a->sched_policy == SCHED_RR_;

	if (e == EPERM && rt)
		return " (a real-time policy needs CAP_SYS_NICE, and with cgroup v1 real-time "
		       "group scheduling a cpu cgroup with real-time runtime: set "
		       "linux.resources.cpu.realtimeRuntime)";
	if (e == EPERM && a->sched_policy == SCHED_DEADLINE_)
		return " (SCHED_DEADLINE needs CAP_SYS_NICE and a CPU affinity that covers its "
		       "whole root domain)";
	if (e == EBUSY && a->sched_policy == SCHED_DEADLINE_)
		return " (the kernel's deadline admission control: not enough bandwidth left)";
	if (e == EOPNOTSUPP && (a->sched_flags & UTIL_CLAMP))
		return " (this kernel has no utilization clamping, CONFIG_UCLAMP_TASK)";
	if (e == EINVAL && a->sched_policy == SCHED_DEADLINE_) {
		uint64_t period = a->sched_period != 0 ? a->sched_period : a->sched_deadline;
		uint64_t min = period_limit_us("min"), max = period_limit_us("max");

		if (max != 0 && (period < min * 1000 || period > max * 1000)) {
			snprintf(buf, size,
			         " (the period %" PRIu64 " ns is outside %" PRIu64 "..%" PRIu64
			         " ns, kernel.sched_deadline_period_min_us/max_us)",
			         period, min * 1000, max * 1000);
			return buf;
		}
	}
	return "";
}

int nook_sched_apply(const struct nook_scheduler *s, struct nook_error *err)
{
	struct nook_sched_attr attr;
	char why[160];

	if (!s->present)
		return 0;
	if (nook_sched_attr_from_spec(s, &attr, err) < 0)
		return -1;
	if (syscall(SYS_sched_setattr, 0, &attr, 0U) == 0)
		return 0;
	int e = errno;
	return nook_fail(
	    err, e,
	    "process.scheduler: sched_setattr %s (nice %d, priority %u, flags 0x%" PRIx64 ")%s",
	    s->policy, attr.sched_nice, attr.sched_priority, attr.sched_flags,
	    hint(&attr, e, why, sizeof(why)));
}
