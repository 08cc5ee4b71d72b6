/* The cgroup in state.json: {"mode": "hybrid", "dirs": [{"hierarchy":
 * "cpu", "path": "/sys/fs/cgroup/cpu/x", "created": true, "createdDepth": 1}]} */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/internal.h"

static const char *const mode_names[] = {"unified", "legacy", "hybrid"};

static void str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

int nook_cgroup_to_json(const struct nook_cgroup *cg, yajl_gen g)
{
	yajl_gen_map_open(g);
	str(g, "mode");
	str(g, mode_names[cg->mode]);
	str(g, "dirs");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < cg->n_dirs; i++) {
		const struct nook_cgroup_dir *d = &cg->dirs[i];
		yajl_gen_map_open(g);
		str(g, "hierarchy");
		str(g, d->hierarchy);
		str(g, "path");
		str(g, d->path);
		str(g, "created");
		yajl_gen_bool(g, d->created);
		str(g, "createdDepth");
		yajl_gen_integer(g, d->n_created);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	if (cg->unit != NULL) {
		str(g, "systemdUnit");
		str(g, cg->unit);
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static const char *text_of(yajl_val v)
{
	const char *s = YAJL_GET_STRING(v);

	return s != NULL ? s : "";
}

static int bad(struct nook_error *err, const char *what)
{
	return nook_fail(err, EINVAL, "state.json: nookCgroup: %s", what);
}

static int dir_from_json(yajl_val v, struct nook_cgroup_dir *d, struct nook_error *err)
{
	static const char *hp[] = {"hierarchy", NULL}, *pp[] = {"path", NULL},
	                  *cp[] = {"created", NULL}, *dp[] = {"createdDepth", NULL};
	yajl_val h = yajl_tree_get(v, hp, yajl_t_string);
	yajl_val p = yajl_tree_get(v, pp, yajl_t_string);
	yajl_val c = yajl_tree_get(v, cp, yajl_t_any);
	yajl_val n = yajl_tree_get(v, dp, yajl_t_number);

	if (h == NULL || p == NULL || text_of(p)[0] != '/')
		return bad(err, "a directory without hierarchy or absolute path");
	d->hierarchy = strdup(text_of(h));
	d->path = strdup(text_of(p));
	d->created = c != NULL && YAJL_IS_TRUE(c);
	d->n_created = n != NULL && YAJL_IS_INTEGER(n) && YAJL_GET_INTEGER(n) > 0
	                   ? (unsigned)YAJL_GET_INTEGER(n)
	                   : d->created;
	if (d->hierarchy == NULL || d->path == NULL)
		return nook_fail(err, ENOMEM, "state.json: nookCgroup");
	return 0;
}

int nook_cgroup_from_json(yajl_val v, struct nook_cgroup *cg, struct nook_error *err)
{
	static const char *mp[] = {"mode", NULL}, *dp[] = {"dirs", NULL},
	                  *up[] = {"systemdUnit", NULL};
	yajl_val mode = yajl_tree_get(v, mp, yajl_t_string);
	yajl_val unit = yajl_tree_get(v, up, yajl_t_string);
	yajl_val dirs = yajl_tree_get(v, dp, yajl_t_array);

	memset(cg, 0, sizeof(*cg));
	if (mode == NULL || dirs == NULL)
		return bad(err, "needs \"mode\" and \"dirs\"");
	size_t m = 0;
	while (m < 3 && strcmp(mode_names[m], text_of(mode)) != 0)
		m++;
	if (m == 3)
		return bad(err, "unknown mode");
	cg->mode = (enum nook_cgroup_mode)m;
	if (unit != NULL && (cg->unit = strdup(text_of(unit))) == NULL)
		return nook_fail(err, ENOMEM, "state.json: nookCgroup");
	size_t n = YAJL_GET_ARRAY(dirs)->len;
	cg->dirs = calloc(n ? n : 1, sizeof(*cg->dirs));
	if (cg->dirs == NULL) {
		nook_cgroup_free(cg);
		return nook_fail(err, ENOMEM, "state.json: nookCgroup");
	}
	for (size_t i = 0; i < n; i++) {
		cg->n_dirs = i + 1;
		if (dir_from_json(YAJL_GET_ARRAY(dirs)->values[i], &cg->dirs[i], err) < 0) {
			nook_cgroup_free(cg);
			return -1;
		}
	}
	return 0;
}
