/* nook_container_list: every container of a state directory, in id order. */
#include "nook/container.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nook/state.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names of <root>'s subdirectories that are valid ids, sorted. A root
 * that does not exist yet holds no containers. */
static int read_names(const char *root, char ***out, size_t *n, struct nook_error *err)
{
	DIR *dir = opendir(root);
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (dir == NULL)
		return errno == ENOENT ? 0 : nook_fail(err, errno, "open state directory %s", root);
	while ((e = readdir(dir)) != NULL) {
		struct nook_error ignored;

		if (e->d_type != DT_DIR || nook_id_check(e->d_name, &ignored) < 0)
			continue;
		if (*n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));
			if (grown == NULL)
				goto nomem;
			names = grown;
		}
		if ((names[*n] = strdup(e->d_name)) == NULL)
			goto nomem;
		(*n)++;
	}
	closedir(dir);
	qsort(names, *n, sizeof(*names), compare_names);
	*out = names;
	return 0;
nomem:
	closedir(dir);
	free_names(names, *n);
	*n = 0;
	return nook_fail(err, ENOMEM, "list %s", root);
}

int nook_container_list(const char *root, nook_list_fn fn, void *ctx, struct nook_error *err)
{
	char **names;
	size_t n;

	if (read_names(root, &names, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct nook_container c;
		struct nook_error load_err;

		nook_container_clear(&c);
		nook_error_clear(&load_err);
		if (nook_container_load(root, names[i], 0, &c, &load_err) < 0)
			fn(ctx, names[i], NULL, &load_err);
		else
			fn(ctx, names[i], &c, NULL);
		nook_container_release(&c);
	}
	free_names(names, n);
	return 0;
}
