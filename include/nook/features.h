/* `nook features`: the JSON of features.md, true to what this build of
 * nook implements and this host offers. */
#ifndef NOOK_FEATURES_H
#define NOOK_FEATURES_H

#include <stdio.h>

#include "nook/error.h"

int nook_features_write(FILE *out, struct nook_error *err);

#endif
