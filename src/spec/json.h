/* Typed getters over a yajl tree that know where they are in the document.
 *
 * A `struct jctx` carries the file name and the JSON path of the value being
 * read ("linux.namespaces[2].type"), so that every error is one line:
 * "<file>: <path>: expected <what>, got <what was there>".
 *
 * Conventions of the getters:
 *  - they take the enclosing object and a key, and return 0 or -1 (err set);
 *  - an absent key and a JSON null are the same: "not given";
 *  - a key given twice in one object is an error (which one would count?);
 *  - results go straight into the caller's struct, so on error whatever was
 *    allocated so far is reachable from there and freed by nook_spec_free().
 *
 * Unknown keys are never looked at, so they are ignored: see parse.c. */
#ifndef NOOK_SPEC_JSON_H
#define NOOK_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "nook/error.h"
#include "nook/names.h"
#include "nook/spec.h"

struct jctx {
	const char *file;
	struct nook_error *err;
	const char *key; /* the map key of the element a j_objmap() callback reads */
	size_t len;
	char path[512];
};

/* A parser for one value; `v` is never NULL and already has the right type
 * for j_obj()/j_arr()/j_objmap() callbacks (an object). */
typedef int (*j_fn)(struct jctx *c, yajl_val v, void *out);

/* ---- the path ---- */
size_t j_push_key(struct jctx *c, const char *key);
size_t j_push_index(struct jctx *c, size_t i);
size_t j_push_mapkey(struct jctx *c, const char *key); /* ["key"], for user-chosen keys */
void j_pop(struct jctx *c, size_t mark);

/* ---- errors, all "<file>: <path>: ..." ---- */
int j_error(struct jctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int j_expected(struct jctx *c, const char *what, yajl_val got);
int j_missing(struct jctx *c, const char *key);
int j_nomem(struct jctx *c);
/* A value as it reads in a message: `string "64M"`, `1.5`, `object`, ... */
const char *j_describe(yajl_val v, char *buf, size_t size);
/* A string quoted for a message, escaped and cut short. */
const char *j_quote(const char *s, char *buf, size_t size);

/* ---- lookups ---- */
int j_get(struct jctx *c, yajl_val obj, const char *key, yajl_val *out);
void *j_calloc(struct jctx *c, size_t n, size_t size);
char *j_strdup(struct jctx *c, const char *s);

/* ---- scalars ---- */
int j_str(struct jctx *c, yajl_val obj, const char *key, bool required, char **out);
int j_bool(struct jctx *c, yajl_val obj, const char *key, bool *out, bool *has);
int j_u16(struct jctx *c, yajl_val obj, const char *key, bool required, uint16_t *out, bool *has);
int j_u32(struct jctx *c, yajl_val obj, const char *key, bool required, uint32_t *out, bool *has);
int j_u64(struct jctx *c, yajl_val obj, const char *key, bool required, uint64_t *out, bool *has);
int j_i32(struct jctx *c, yajl_val obj, const char *key, bool required, int32_t *out, bool *has);
int j_i64(struct jctx *c, yajl_val obj, const char *key, bool required, int64_t *out, bool *has);
/* A string that must be one of the names of a table (include/nook/names.h). */
int j_enum(struct jctx *c, yajl_val obj, const char *key, bool required,
           const struct nook_names *names, char **out);
/* The same check on a value already taken out (the path points at it). */
int j_check_enum(struct jctx *c, yajl_val v, const struct nook_names *names);

/* ---- containers ---- */
/* An array of strings; `names` non-NULL: each must be one of them. */
int j_strv(struct jctx *c, yajl_val obj, const char *key, const struct nook_names *names,
           struct nook_strv *out);
/* An array of uint32. */
int j_u32v(struct jctx *c, yajl_val obj, const char *key, uint32_t **out, size_t *n);
/* An object of string values, in document order (keys unique, non-empty). */
int j_map(struct jctx *c, yajl_val obj, const char *key, struct nook_map *out);
/* An object: fn(c, value, out). *present tells whether it was given. */
int j_obj(struct jctx *c, yajl_val obj, const char *key, bool required, j_fn fn, void *out,
          bool *present);
/* An array of objects into a calloc'd array of `size`-byte elements. */
int j_arr(struct jctx *c, yajl_val obj, const char *key, size_t size, void *out_array, size_t *n,
          j_fn fn);
/* An object of objects: like j_arr, c->key names the element for fn. */
int j_objmap(struct jctx *c, yajl_val obj, const char *key, size_t size, void *out_array, size_t *n,
             j_fn fn);
/* Is `v` an object? Error if not. */
int j_is_object(struct jctx *c, yajl_val v);

/* The namespace type of a config name ("pid"), -1 if none. */
int spec_ns_type(const char *name);

/* ---- the document parts (parse_*.c) ---- */
int spec_parse_version(struct jctx *c, yajl_val root, char **out);
int spec_parse_process(struct jctx *c, yajl_val v, void *process);
int spec_parse_linux(struct jctx *c, yajl_val v, void *linux);
int spec_parse_resources(struct jctx *c, yajl_val v, void *resources);
int spec_parse_seccomp(struct jctx *c, yajl_val v, void *seccomp);
int spec_parse_mount(struct jctx *c, yajl_val v, void *mount);
int spec_parse_hooks(struct jctx *c, yajl_val v, void *hooks);
int spec_parse_id_mapping(struct jctx *c, yajl_val v, void *mapping);

#endif
