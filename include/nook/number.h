/* Numbers from the command line (and other text a user typed): the whole
 * string, decimal, in a range. strtol alone takes "", " 5", "5x" (with a
 * lax end check), "-1" for an unsigned and wraps on overflow; atoi is worse.
 * Pure: unit tested. */
#ifndef NOOK_NUMBER_H
#define NOOK_NUMBER_H

#include <stdint.h>

#include "nook/error.h"

/* A decimal integer in [min, max]: digits only, a leading '-' only when min
 * is negative, no blank, no '+', no overflow. On failure `err` reads
 * "WHAT: expected an integer from MIN to MAX, got "S"". */
int nook_parse_integer(const char *s, int64_t min, int64_t max, const char *what, int64_t *out,
                       struct nook_error *err);

/* A size in bytes: N, or N with k, m or g (1024-based, any case, an optional
 * b: "64m", "1GB"); "-1" is -1 (no limit). At most INT64_MAX bytes. */
int nook_parse_size(const char *s, const char *what, int64_t *out, struct nook_error *err);

#endif
