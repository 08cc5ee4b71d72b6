/* Lookups in tables of spec names (see names.h). */
#include "names.h"

#include <string.h>

const struct nook_name_value *nook_name_find(const struct nook_name_value *table, size_t n,
                                             const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(name, table[i].name) == 0)
			return &table[i];
	return NULL;
}

int nook_name_bits(const struct nook_name_value *table, size_t n, const struct nook_strv *names,
                   const char *path, uint64_t *out, struct nook_error *err)
{
	*out = 0;
	for (size_t i = 0; i < names->n; i++) {
		const struct nook_name_value *e = nook_name_find(table, n, names->v[i]);

		if (e == NULL)
			return nook_fail(err, 0, "%s.flags[%zu]: unknown flag \"%s\"", path, i,
			                 names->v[i]);
		*out |= e->value;
	}
	return 0;
}
