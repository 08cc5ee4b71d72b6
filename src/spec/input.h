/* Checks on the raw bytes of config.json before yajl sees them. */
#ifndef NOOK_SPEC_INPUT_H
#define NOOK_SPEC_INPUT_H

#include <stddef.h>

#include "nook/error.h"

/* Size, emptiness, NUL bytes and nesting depth (yajl_tree_free recurses, so
 * a deep document is refused before it becomes a tree). */
int spec_check_input(const char *name, const char *json, size_t len, struct nook_error *err);

/* `text` (NUL-terminated, `len` bytes) is not valid JSON: say where and why. */
int spec_syntax_error(const char *name, const char *text, size_t len, struct nook_error *err);

#endif
