#include "nook/json_gen.h"

#include <string.h>

void nook_gen_check(struct nook_gen *g, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		g->failed = true;
}

void nook_gen_str(struct nook_gen *g, const char *s)
{
	nook_gen_check(g, yajl_gen_string(g->g, (const unsigned char *)s, strlen(s)));
}

void nook_gen_key_str(struct nook_gen *g, const char *k, const char *v)
{
	nook_gen_str(g, k);
	nook_gen_str(g, v);
}

void nook_gen_key_uint(struct nook_gen *g, const char *k, unsigned long long v)
{
	nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_integer(g->g, (long long)v));
}

void nook_gen_key_bool(struct nook_gen *g, const char *k, bool v)
{
	nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_bool(g->g, v));
}

void nook_gen_open_map(struct nook_gen *g, const char *k)
{
	if (k != NULL)
		nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_map_open(g->g));
}

void nook_gen_close_map(struct nook_gen *g)
{
	nook_gen_check(g, yajl_gen_map_close(g->g));
}

void nook_gen_open_array(struct nook_gen *g, const char *k)
{
	if (k != NULL)
		nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_array_open(g->g));
}

void nook_gen_close_array(struct nook_gen *g)
{
	nook_gen_check(g, yajl_gen_array_close(g->g));
}
