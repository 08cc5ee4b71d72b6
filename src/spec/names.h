/* Tables of spec names and the kernel numbers they stand for (policies,
 * modes, flags): one lookup for each use. Pure. */
#ifndef NOOK_SPEC_NAMES_H
#define NOOK_SPEC_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "nook/error.h"
#include "nook/spec.h"

struct nook_name_value {
	const char *name;
	uint64_t value;
};

/* The entry named `name`, or NULL. */
const struct nook_name_value *nook_name_find(const struct nook_name_value *table, size_t n,
                                             const char *name);

/* The OR of the values of every name in `names`; an unknown one fails as
 * "<path>.flags[i]: unknown flag "X"". */
int nook_name_bits(const struct nook_name_value *table, size_t n, const struct nook_strv *names,
                   const char *path, uint64_t *out, struct nook_error *err);

#endif
