/* process.capabilities: names to bit masks, the bounding set dropped while
 * still root, then the other sets applied after the user change.
 *
 * runtime-spec 1.3: a capability that is unknown, or that this kernel or
 * this runtime does not have, is ignored with a warning, never a failure. */
#include "nook/security.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "nook/cleanup.h"
#include "nook/log.h"

#define BIT(cap) (UINT64_C(1) << (cap))

bool nook_cap_name(int cap, char *buf, size_t size)
{
	char *name = cap_to_name(cap);
	bool named = name != NULL && strncmp(name, "cap_", 4) == 0;

	snprintf(buf, size, "%s", name != NULL ? name : "?");
	cap_free(name);
	for (char *p = buf; *p != '\0'; p++) /* libcap gives lower case */
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return named;
}

static const char *cap_name(int cap, char *buf, size_t size)
{
	nook_cap_name(cap, buf, size);
	return buf;
}

/* The highest capability of the running kernel. */
static int last_cap(void)
{
	autofclose FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last;

	if (f != NULL && fscanf(f, "%d", &last) == 1 && last >= 0 && last < 64)
		return last;
	last = (int)cap_max_bits() - 1;
	return last >= 0 && last < 64 ? last : 63;
}

/* The bounding set nook itself runs with: what it can hand on. */
static uint64_t own_bounding(int last)
{
	uint64_t mask = 0;

	for (int cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			mask |= BIT(cap);
	return mask;
}

/* One set: every usable name becomes a bit, the others a warning. */
static uint64_t names_to_mask(const char *set, const struct nook_strv *names, int last,
                              uint64_t available)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < names->n; i++) {
		const char *name = names->v[i];
		cap_value_t cap;

		/* cap_from_name also takes numbers and names without CAP_;
		 * the spec only has the CAP_ names. */
		if (strncasecmp(name, "CAP_", 4) != 0 || cap_from_name(name, &cap) < 0) {
			nook_warn(
			    "process.capabilities.%s[%zu]: unknown capability \"%s\", ignored", set,
			    i, name);
			continue;
		}
		if (cap > last) {
			nook_warn("process.capabilities.%s[%zu]: %s is not known to the running "
			          "kernel (last is %d), ignored",
			          set, i, name, last);
			continue;
		}
		if ((available & BIT(cap)) == 0) {
			nook_warn("process.capabilities.%s[%zu]: %s is not in nook's own bounding "
			          "set, ignored",
			          set, i, name);
			continue;
		}
		mask |= BIT(cap);
	}
	return mask;
}

int nook_caps_prepare(const struct nook_capabilities *caps, struct nook_caps *out,
                      struct nook_error *err)
{
	int last = last_cap();
	uint64_t available = own_bounding(last);

	memset(out, 0, sizeof(*out));
	if (caps == NULL || !caps->present)
		return 0;
	out->bounding = names_to_mask("bounding", &caps->bounding, last, available);
	out->effective = names_to_mask("effective", &caps->effective, last, available);
	out->inheritable = names_to_mask("inheritable", &caps->inheritable, last, available);
	out->permitted = names_to_mask("permitted", &caps->permitted, last, available);
	out->ambient = names_to_mask("ambient", &caps->ambient, last, available);
	return 0;
}

int nook_caps_drop_bounding(const struct nook_caps *caps, struct nook_error *err)
{
	int last = last_cap();
	char name[64];

	for (int cap = 0; cap <= last; cap++) {
		if ((caps->bounding & BIT(cap)) != 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return nook_fail(err, errno, "process.capabilities.bounding: drop %s",
			                 cap_name(cap, name, sizeof(name)));
	}
	return 0;
}

static int set_flag_mask(cap_t state, cap_flag_t flag, uint64_t mask, int last)
{
	for (int cap = 0; cap <= last; cap++) {
		cap_value_t value = cap;

		if ((mask & BIT(cap)) != 0 && cap_set_flag(state, flag, 1, &value, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

static int set_proc_caps(const struct nook_caps *caps, int last, struct nook_error *err)
{
	cap_t state = cap_init();
	int rc = 0;

	if (state == NULL)
		return nook_fail(err, errno, "process.capabilities: cap_init");
	if (set_flag_mask(state, CAP_EFFECTIVE, caps->effective, last) < 0 ||
	    set_flag_mask(state, CAP_PERMITTED, caps->permitted, last) < 0 ||
	    set_flag_mask(state, CAP_INHERITABLE, caps->inheritable, last) < 0)
		rc = nook_fail(err, errno, "process.capabilities: cap_set_flag");
	else if (cap_set_proc(state) < 0)
		rc = nook_fail(err, errno,
		               "process.capabilities: capset (effective must be within permitted, "
		               "inheritable within bounding)");
	cap_free(state);
	return rc;
}

/* An ambient capability must also be permitted and inheritable. */
static int set_ambient(const struct nook_caps *caps, int last, struct nook_error *err)
{
	char name[64];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		if (errno == EINVAL && caps->ambient == 0)
			return 0; /* a kernel without ambient capabilities */
		return nook_fail(err, errno, "process.capabilities.ambient: clear");
	}
	for (int cap = 0; cap <= last; cap++) {
		if ((caps->ambient & BIT(cap)) == 0)
			continue;
		if ((caps->permitted & caps->inheritable & BIT(cap)) == 0) {
			nook_warn("process.capabilities.ambient: %s is not both permitted and "
			          "inheritable, ignored",
			          cap_name(cap, name, sizeof(name)));
			continue;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return nook_fail(err, errno, "process.capabilities.ambient: raise %s",
			                 cap_name(cap, name, sizeof(name)));
	}
	return 0;
}

int nook_caps_apply(const struct nook_caps *caps, struct nook_error *err)
{
	int last = last_cap();

	if (set_proc_caps(caps, last, err) < 0)
		return -1;
	return set_ambient(caps, last, err);
}
