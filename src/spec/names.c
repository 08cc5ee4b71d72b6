/* Lookups in tables of names (see include/nook/names.h). */
#include "names.h"

#include <string.h>

const struct nook_name_value *nook_name_find(const struct nook_names *t, const char *name)
{
	for (size_t i = 0; name != NULL && i < t->n; i++)
		if (strcmp(name, t->v[i].name) == 0)
			return &t->v[i];
	return NULL;
}

const char *nook_name_of(const struct nook_names *t, uint64_t value)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].value == value)
			return t->v[i].name;
	return NULL;
}

int nook_name_bits(const struct nook_names *t, const struct nook_strv *names, const char *path,
                   uint64_t *out, struct nook_error *err)
{
	*out = 0;
	for (size_t i = 0; i < names->n; i++) {
		const struct nook_name_value *e = nook_name_find(t, names->v[i]);

		if (e == NULL)
			return nook_fail(err, 0, "%s.flags[%zu]: unknown flag \"%s\"", path, i,
			                 names->v[i]);
		*out |= e->value;
	}
	return 0;
}
