/* `nook features`: the JSON of features.md, true to what this build of
 * nook implements and this host offers. */
#ifndef NOOK_FEATURES_H
#define NOOK_FEATURES_H

#include <stdio.h>

#include "nook/error.h"

/* The JSON, pretty-printed, in a malloc'd string (no final newline). */
char *nook_features_json(struct nook_error *err);
/* It and a newline written to `out`. */
int nook_features_write(FILE *out, struct nook_error *err);

#endif
