/* The spec layer's own name tables (see include/nook/names.h): the names
 * the parser accepts, each table with the numbers its user takes. */
#ifndef NOOK_SPEC_NAMES_H
#define NOOK_SPEC_NAMES_H

#include "nook/names.h"

extern const struct nook_names spec_sched_policies; /* src/spec/sched_attr.c */
extern const struct nook_names spec_sched_flags;
extern const struct nook_names spec_mpol_modes; /* src/spec/mempolicy_args.c */
extern const struct nook_names spec_mpol_flags;

#endif
