/* linux.memoryPolicy into the arguments of set_mempolicy(2) (see
 * include/nook/mempolicy.h). Pure: no syscall. The numbers are the kernel's
 * ABI (uapi linux/mempolicy.h; Debian 12's headers lack
 * MPOL_WEIGHTED_INTERLEAVE). */
#include "nook/mempolicy.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nook/cleanup.h"
#include "names.h"

#define P "linux.memoryPolicy"

enum {
	DEFAULT = 0,
	PREFERRED = 1,
	BIND = 2,
	INTERLEAVE = 3,
	LOCAL = 4,
	PREFERRED_MANY = 5,
	WEIGHTED_INTERLEAVE = 6,
};

#define F_NUMA_BALANCING (1 << 13)
#define F_RELATIVE_NODES (1 << 14)
#define F_STATIC_NODES   (1 << 15)

/* In the order of config-linux.md. */
static const struct nook_name_value modes[] = {
    {"MPOL_DEFAULT", DEFAULT},       {"MPOL_BIND", BIND},
    {"MPOL_INTERLEAVE", INTERLEAVE}, {"MPOL_WEIGHTED_INTERLEAVE", WEIGHTED_INTERLEAVE},
    {"MPOL_PREFERRED", PREFERRED},   {"MPOL_PREFERRED_MANY", PREFERRED_MANY},
    {"MPOL_LOCAL", LOCAL},
};

static const struct nook_name_value flags[] = {
    {"MPOL_F_NUMA_BALANCING", F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", F_STATIC_NODES},
};

/* The parser checks linux.memoryPolicy against these (src/spec/parse_linux.c). */
const struct nook_names spec_mpol_modes = NOOK_NAMES(modes);
const struct nook_names spec_mpol_flags = NOOK_NAMES(flags);

const char *nook_mempolicy_mode_name(size_t i)
{
	return i < NOOK_ARRAY_SIZE(modes) ? modes[i].name : NULL;
}

const char *nook_mempolicy_flag_name(size_t i)
{
	return i < NOOK_ARRAY_SIZE(flags) ? flags[i].name : NULL;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* A decimal node number below NOOK_MPOL_MAX_NODES. */
static int node_number(const char **p, unsigned *out, struct nook_error *err)
{
	const char *start = *p;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*start))
		return nook_fail(err, 0, "expected a node number at \"%s\"", start);
	while (isdigit((unsigned char)**p)) {
		v = v * 10 + (unsigned long)(**p - '0');
		if (v >= NOOK_MPOL_MAX_NODES) {
			while (isdigit((unsigned char)**p))
				(*p)++;
			return nook_fail(err, 0,
			                 "node %.*s is out of range (Linux has at most %d nodes)",
			                 (int)(*p - start), start, NOOK_MPOL_MAX_NODES);
		}
		(*p)++;
	}
	*out = (unsigned)v;
	return 0;
}

int nook_mempolicy_parse_nodes(const char *s, unsigned long *mask, size_t *count,
                               struct nook_error *err)
{
	const char *p = skip_spaces(s);

	memset(mask, 0, NOOK_MPOL_MAX_NODES / 8);
	*count = 0;
	if (*p == '\0')
		return 0;
	for (;;) {
		unsigned lo, hi;

		if (node_number(&p, &lo, err) < 0)
			return -1;
		hi = lo;
		p = skip_spaces(p);
		if (*p == '-') {
			p = skip_spaces(p + 1);
			if (node_number(&p, &hi, err) < 0)
				return -1;
			if (hi < lo)
				return nook_fail(err, 0, "range %u-%u goes backwards", lo, hi);
			p = skip_spaces(p);
		}
		for (unsigned n = lo; n <= hi; n++) {
			unsigned long bit = 1UL << (n % NOOK_MPOL_LONG_BITS);
			if (!(mask[n / NOOK_MPOL_LONG_BITS] & bit))
				(*count)++;
			mask[n / NOOK_MPOL_LONG_BITS] |= bit;
		}
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return nook_fail(err, 0, "expected \",\" or \"-\" at \"%s\"", p);
		p = skip_spaces(p + 1);
	}
}

/* The rules of mpol_new() and sanitize_mpol_flags() in mm/mempolicy.c that do
 * not depend on the host. */
static int check(const struct nook_memory_policy *m, int mode, int fl, size_t count,
                 struct nook_error *err)
{
	bool pinned = fl & (F_STATIC_NODES | F_RELATIVE_NODES);

	if ((mode == DEFAULT || mode == LOCAL) && count > 0)
		return nook_fail(err, 0, P ".nodes: %s takes no nodes, got \"%s\"", m->mode,
		                 m->nodes);
	if (mode != DEFAULT && mode != LOCAL && mode != PREFERRED && count == 0)
		return nook_fail(err, 0, P ".nodes: %s needs at least one node", m->mode);
	if ((fl & F_STATIC_NODES) && (fl & F_RELATIVE_NODES))
		return nook_fail(err, 0,
		                 P ".flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
		                   "exclude each other");
	if (pinned && (mode == LOCAL || (mode == PREFERRED && count == 0)))
		return nook_fail(err, 0, P ".flags: %s%s does not take %s", m->mode,
		                 mode == LOCAL ? "" : " without nodes (local allocation)",
		                 (fl & F_STATIC_NODES) ? "MPOL_F_STATIC_NODES"
		                                       : "MPOL_F_RELATIVE_NODES");
	if ((fl & F_NUMA_BALANCING) && mode != BIND && mode != PREFERRED_MANY)
		return nook_fail(err, 0,
		                 P ".flags: MPOL_F_NUMA_BALANCING goes only with MPOL_BIND or "
		                   "MPOL_PREFERRED_MANY, not %s",
		                 m->mode);
	return 0;
}

int nook_mempolicy_from_spec(const struct nook_memory_policy *m, struct nook_mempolicy *out,
                             struct nook_error *err)
{
	const struct nook_name_value *named = nook_name_find(&spec_mpol_modes, m->mode);
	uint64_t bits = 0;
	int mode, fl;
	size_t count = 0;

	memset(out, 0, sizeof(*out));
	if (m->mode == NULL)
		return nook_fail(err, 0, P ".mode: required");
	if (named == NULL)
		return nook_fail(err, 0, P ".mode: unknown mode \"%s\"", m->mode);
	if (nook_name_bits(&spec_mpol_flags, &m->flags, P, &bits, err) < 0)
		return -1;
	mode = (int)named->value;
	fl = (int)bits;
	if (m->nodes != NULL && nook_mempolicy_parse_nodes(m->nodes, out->mask, &count, err) < 0) {
		char text[NOOK_ERROR_MSG_MAX];
		snprintf(text, sizeof(text), "%s", err->msg);
		return nook_fail(err, 0,
		                 P ".nodes: expected a node list such as \"0-3,7\", got \"%s\": %s",
		                 m->nodes, text);
	}
	if (check(m, mode, fl, count, err) < 0)
		return -1;
	out->mode = mode | fl;
	out->nodes = count > 0;
	return 0;
}
