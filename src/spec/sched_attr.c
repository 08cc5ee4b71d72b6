/* process.scheduler into struct sched_attr (see include/nook/scheduler.h).
 * Pure: no syscall. The numbers are the kernel's ABI (uapi linux/sched.h). */
#include "nook/scheduler.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "nook/cleanup.h"
#include "names.h"

#define P "process.scheduler"

enum { OTHER = 0, FIFO = 1, RR = 2, BATCH = 3, ISO = 4, IDLE = 5, DEADLINE = 6 };

static const struct nook_name_value policies[] = {
    {"SCHED_OTHER", OTHER},       {"SCHED_FIFO", FIFO}, {"SCHED_RR", RR},
    {"SCHED_BATCH", BATCH},       {"SCHED_ISO", ISO},   {"SCHED_IDLE", IDLE},
    {"SCHED_DEADLINE", DEADLINE},
};

static const struct nook_name_value flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

/* The parser checks process.scheduler against these (src/spec/parse_process.c). */
const struct nook_names spec_sched_policies = NOOK_NAMES(policies);
const struct nook_names spec_sched_flags = NOOK_NAMES(flags);

/* sched(7): "all of the parameter values must be at least 1024 (i.e., just
 * over one microsecond ...) and less than 2^63". */
#define DL_MIN 1024ULL
#define DL_MAX ((1ULL << 63) - 1)

static int policy_value(const char *name, uint32_t *out, struct nook_error *err)
{
	const struct nook_name_value *e = nook_name_find(&spec_sched_policies, name);

	if (name == NULL)
		return nook_fail(err, 0, P ".policy: required");
	if (e == NULL)
		return nook_fail(err, 0, P ".policy: unknown policy \"%s\"", name);
	if (e->value == ISO)
		return nook_fail(err, 0,
		                 "not supported: " P ".policy: Linux has no "
		                 "SCHED_ISO policy");
	*out = (uint32_t)e->value;
	return 0;
}

static int in_dl_range(const char *field, uint64_t v, struct nook_error *err)
{
	if (v >= DL_MIN && v <= DL_MAX)
		return 0;
	return nook_fail(err, 0,
	                 P ".%s: sched_setattr: `SCHED_DEADLINE` %s (%" PRIu64
	                   ") must be between %llu and %llu",
	                 field, field, v, DL_MIN, DL_MAX);
}

/* runtime <= deadline <= period, each in [1024, 2^63); period 0 means the
 * deadline (sched(7)). */
static int check_deadline(const struct nook_scheduler *s, struct nook_error *err)
{
	if (!s->has_runtime)
		return nook_fail(err, 0,
		                 P ".runtime: sched_setattr: `SCHED_DEADLINE` requires "
		                   "`runtime`");
	if (!s->has_deadline)
		return nook_fail(err, 0,
		                 P ".deadline: sched_setattr: `SCHED_DEADLINE` requires "
		                   "`deadline`");
	if (s->runtime == 0)
		return nook_fail(err, 0,
		                 P ".runtime: sched_setattr: `SCHED_DEADLINE` runtime "
		                   "must be greater than 0");
	if (s->deadline == 0)
		return nook_fail(err, 0,
		                 P ".deadline: sched_setattr: `SCHED_DEADLINE` deadline "
		                   "must be greater than 0");
	if (in_dl_range("runtime", s->runtime, err) < 0 ||
	    in_dl_range("deadline", s->deadline, err) < 0 ||
	    (s->period != 0 && in_dl_range("period", s->period, err) < 0))
		return -1;
	if (s->runtime > s->deadline)
		return nook_fail(err, 0,
		                 P ".runtime: sched_setattr: `SCHED_DEADLINE` runtime (%" PRIu64
		                   ") must be <= deadline (%" PRIu64 ")",
		                 s->runtime, s->deadline);
	if (s->period != 0 && s->deadline > s->period)
		return nook_fail(err, 0,
		                 P ".deadline: sched_setattr: `SCHED_DEADLINE` deadline (%" PRIu64
		                   ") must be <= period (%" PRIu64 ")",
		                 s->deadline, s->period);
	return 0;
}

static const char *dl_field(const struct nook_scheduler *s)
{
	if (s->runtime != 0)
		return "runtime";
	return s->deadline != 0 ? "deadline" : "period";
}

static int check_params(const struct nook_scheduler *s, uint32_t policy, struct nook_error *err)
{
	bool rt = policy == FIFO || policy == RR;

	/* sched(7): the static priority is 1..99 for the real-time policies and
	 * must be 0 for the others; the kernel says EINVAL otherwise. */
	if (rt && (s->priority < 1 || s->priority > 99))
		return nook_fail(err, 0, P ".priority: %s needs a priority from 1 to 99, got %d",
		                 s->policy, s->priority);
	if (!rt && s->priority != 0)
		return nook_fail(err, 0,
		                 P ".priority: only SCHED_FIFO and SCHED_RR take a priority, "
		                   "%s needs 0, got %d",
		                 s->policy, s->priority);
	/* The kernel would clamp it; runc refuses it for these two. */
	if ((policy == OTHER || policy == BATCH) && (s->nice < -20 || s->nice > 19))
		return nook_fail(err, 0, P ".nice: %d is outside -20..19", s->nice);
	if (policy == DEADLINE)
		return check_deadline(s, err);
	if (s->runtime != 0 || s->deadline != 0 || s->period != 0)
		return nook_fail(err, 0,
		                 P ".%s: only SCHED_DEADLINE takes a runtime, deadline "
		                   "and period",
		                 dl_field(s));
	return 0;
}

int nook_sched_attr_from_spec(const struct nook_scheduler *s, struct nook_sched_attr *out,
                              struct nook_error *err)
{
	uint32_t policy = 0;
	uint64_t bits = 0;

	memset(out, 0, sizeof(*out));
	if (policy_value(s->policy, &policy, err) < 0 ||
	    nook_name_bits(&spec_sched_flags, &s->flags, P, &bits, err) < 0 ||
	    check_params(s, policy, err) < 0)
		return -1;
	/* config.md: a field not set is 0. */
	*out = (struct nook_sched_attr){
	    .size = sizeof(*out),
	    .sched_policy = policy,
	    .sched_flags = bits,
	    .sched_nice = s->nice,
	    .sched_priority = (uint32_t)s->priority,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	};
	return 0;
}
