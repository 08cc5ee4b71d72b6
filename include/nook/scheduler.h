/* process.scheduler (config.md "Scheduler", runtime-spec 1.3): the
 * attributes of sched_setattr(2), set by the container init and by `nook exec`
 * on themselves just before they drop privileges (src/linux/process.c), so a
 * real-time policy can still use CAP_SYS_NICE.
 *
 * nook_sched_attr_from_spec() is pure (src/spec/sched_attr.c) and is also the
 * create-time check (src/spec/support.c): what the kernel would refuse for
 * any host is refused before anything is made, naming the field:
 *   - SCHED_ISO: listed by the spec, but Linux has no such policy;
 *   - priority: 1..99 for SCHED_FIFO and SCHED_RR, else 0 (sched(7));
 *   - nice: -20..19 for SCHED_OTHER and SCHED_BATCH (runc checks the same);
 *   - runtime, deadline, period: only for SCHED_DEADLINE (as runc), where
 *     runtime and deadline are required, 1024 <= runtime <= deadline <=
 *     period (0: the deadline) < 2^63 (sched(7)). The messages carry crun's
 *     wording after the path ("sched_setattr: `SCHED_DEADLINE` requires
 *     `runtime`").
 * What depends on the host (CAP_SYS_NICE, the cgroup's real-time runtime,
 * deadline admission, kernel.sched_deadline_period_*_us, utilization
 * clamping) is the kernel's to refuse; nook_sched_apply() then says why.
 *
 * SCHED_FLAG_UTIL_CLAMP_MIN/MAX: the spec has no field for the clamp values,
 * so they are 0, as with runc's 56-byte sched_attr. */
#ifndef NOOK_SCHEDULER_H
#define NOOK_SCHEDULER_H

#include <stdint.h>

#include "nook/error.h"
#include "nook/spec.h"

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1, 56 bytes). */
struct nook_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

/* Errors: "process.scheduler.priority: SCHED_FIFO needs a priority from 1
 * to 99, got 0". */
int nook_sched_attr_from_spec(const struct nook_scheduler *s, struct nook_sched_attr *out,
                              struct nook_error *err);

/* sched_setattr(0, ...) on the calling thread; nothing when !s->present. */
int nook_sched_apply(const struct nook_scheduler *s, struct nook_error *err);

#endif
