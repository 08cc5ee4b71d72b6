/* Small helpers over yajl_gen for the JSON nook writes (the default config,
 * features): a generator that remembers whether any call failed, so a
 * document is written top to bottom and checked once at the end. */
#ifndef NOOK_JSON_GEN_H
#define NOOK_JSON_GEN_H

#include <stdbool.h>
#include <yajl/yajl_gen.h>

struct nook_gen {
	yajl_gen g;
	bool failed;
};

void nook_gen_check(struct nook_gen *g, yajl_gen_status st);
void nook_gen_str(struct nook_gen *g, const char *s);
void nook_gen_key_str(struct nook_gen *g, const char *k, const char *v);
void nook_gen_key_uint(struct nook_gen *g, const char *k, unsigned long long v);
void nook_gen_key_bool(struct nook_gen *g, const char *k, bool v);
/* "k": { ... } and "k": [ ... ]; k NULL: an element of an array. */
void nook_gen_open_map(struct nook_gen *g, const char *k);
void nook_gen_close_map(struct nook_gen *g);
void nook_gen_open_array(struct nook_gen *g, const char *k);
void nook_gen_close_array(struct nook_gen *g);

#endif
