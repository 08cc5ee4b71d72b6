/* Tables of names and the numbers they stand for (policies, modes, flags,
 * seccomp's actions and architectures): one table per set of names, looked
 * up both ways, as systemd's string-table.h does. The spec layer owns the
 * tables (those below; the scheduler's and memory policy's are private to
 * it, see src/spec/names.h) and the lookups (src/spec/names.c); the parser
 * checks a name against the same table the linux layer takes its number
 * from and `nook features` lists. Pure. */
#ifndef NOOK_NAMES_H
#define NOOK_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "nook/cleanup.h"
#include "nook/error.h"
#include "nook/spec.h"

struct nook_name_value {
	const char *name;
	uint64_t value;
};

struct nook_names {
	const struct nook_name_value *v;
	size_t n;
};

/* An initializer: const struct nook_names x = NOOK_NAMES(array); */
#define NOOK_NAMES(array)                                                                          \
	{                                                                                          \
		(array), NOOK_ARRAY_SIZE(array)                                                    \
	}

/* The entry named `name`, or NULL. */
const struct nook_name_value *nook_name_find(const struct nook_names *t, const char *name);

/* The name of the first entry with `value`, or NULL. */
const char *nook_name_of(const struct nook_names *t, uint64_t value);

/* The OR of the values of every name in `names`; an unknown one fails as
 * "<path>.flags[i]: unknown flag "X"". */
int nook_name_bits(const struct nook_names *t, const struct nook_strv *names, const char *path,
                   uint64_t *out, struct nook_error *err);

/* hooks.* (config.md), in the order they run: the offset of each list in
 * struct nook_hooks (src/spec/parse_mount.c). */
extern const struct nook_names nook_hook_names;

/* ---- names the linux layer turns into numbers ---- */

/* linux.personality.domain: personality(2)'s PER_* (src/spec/parse_linux.c). */
extern const struct nook_names nook_personality_domains;
/* process.ioPriority.class: IOPRIO_CLASS_* (src/spec/parse_process.c). */
extern const struct nook_names nook_io_classes;

/* ---- linux.seccomp (config-linux.md "Seccomp"), in the spec's order ---- */

/* libseccomp's SCMP_ACT_* values; SCMP_ACT_ERRNO and SCMP_ACT_TRACE with
 * the data 0 (the errno goes in the low 16 bits). */
extern const struct nook_names nook_seccomp_actions;
/* libseccomp's enum scmp_compare. */
extern const struct nook_names nook_seccomp_operators;
/* libseccomp's architecture tokens (AUDIT_ARCH_* values); 0 for a name
 * the libseccomp nook is built with predates. */
extern const struct nook_names nook_seccomp_archs;
/* The kernel's SECCOMP_FILTER_FLAG_* bits. */
extern const struct nook_names nook_seccomp_flags;

#endif
