/* The cgroup of state.json is checked before nook acts on it.
 *
 * state.json is data: whoever can write it could name any cgroup of the
 * host, and `delete` kills every process in the directories it names and
 * removes them, `kill --all` signals them, `exec` joins them, `update`
 * writes limits there (issue 9; class: CWE-345, trusting data that was
 * never verified). So each directory read back has to be the one nook
 * plans for this container from the pinned config.json
 * (nook_cg_check_saved_dir), in a hierarchy mounted on this host; what is
 * not is dropped with a warning and never touched. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/internal.h"
#include "linux/cgroup/systemd.h"
#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/log.h"

static const struct nook_cg_hier *hierarchy_of(const struct nook_cg_layout *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *c = l->h[i].controllers;
		/* v2 is "", and nook_cg_same_set("", "x") would hold */
		if ((c[0] == '\0') == (name[0] == '\0') && nook_cg_same_set(c, name))
			return &l->h[i];
	}
	return NULL;
}

/* "a/b/c": every component a name (not "", ".", ".."); the count. */
static bool canonical(const char *rest, unsigned *n)
{
	*n = 0;
	for (const char *p = rest;; p++) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		(*n)++;
		if (*end == '\0')
			return true;
		p = end;
	}
}

int nook_cg_check_saved_dir(const struct nook_cg_layout *l, const char *cgroups_path,
                            const char *id, struct nook_cgroup_dir *d, struct nook_error *err)
{
	const char *want = cgroups_path != NULL ? cgroups_path : id;
	const struct nook_cg_hier *h = hierarchy_of(l, d->hierarchy);
	char inner[2048];
	unsigned n_rest, n_inner;

	if (h == NULL)
		return nook_fail(err, 0, "hierarchy \"%s\" is not mounted on this host",
		                 d->hierarchy);
	size_t mlen = strlen(h->mountpoint);
	const char *rest = d->path + mlen + 1;
	if (strncmp(d->path, h->mountpoint, mlen) != 0 || d->path[mlen] != '/' ||
	    !canonical(rest, &n_rest))
		return nook_fail(err, 0, "\"%s\" is not a cgroup below %s, the mount of \"%s\"",
		                 d->path, h->mountpoint, d->hierarchy);
	if (nook_cg_clean_path(want, inner, sizeof(inner), err) < 0)
		return -1;
	canonical(inner, &n_inner);
	size_t rlen = strlen(rest), ilen = strlen(inner);
	bool planned = strcmp(rest, inner) == 0 ||
	               (want[0] != '/' && rlen > ilen && rest[rlen - ilen - 1] == '/' &&
	                strcmp(rest + rlen - ilen, inner) == 0);
	if (!planned)
		return nook_fail(err, 0,
		                 "\"%s\" is not the cgroup planned for %s \"%s\" in \"%s\" (%s)",
		                 d->path, cgroups_path != NULL ? "linux.cgroupsPath" : "the id",
		                 want, d->hierarchy, h->mountpoint);
	if (d->n_created > n_inner)
		d->n_created = n_inner;
	return 0;
}

/* Drop dirs[i] and say why. */
static void drop(struct nook_cgroup *cg, size_t i, const char *id, const char *why)
{
	nook_warn("container \"%s\": state.json: nookCgroup: %s: ignored, nook does not act on "
	          "a cgroup that is not the container's",
	          id, why);
	free(cg->dirs[i].hierarchy);
	free(cg->dirs[i].path);
	memmove(&cg->dirs[i], &cg->dirs[i + 1], (cg->n_dirs - i - 1) * sizeof(cg->dirs[0]));
	cg->n_dirs--;
}

/* The systemd driver's unit and directory: the scope planned from the
 * pinned linux.cgroupsPath, in the v2 hierarchy of this host. */
static void check_saved_unit(struct nook_cgroup *cg, const struct nook_cg_layout *l,
                             const struct nook_spec *spec, const char *id)
{
	const char *mount = NULL;
	struct nook_error err;
	char why[NOOK_ERROR_MSG_MAX + 64];

	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].controllers[0] == '\0')
			mount = l->h[i].mountpoint;
	if (l->mode != NOOK_CGROUP_UNIFIED || mount == NULL)
		snprintf(why, sizeof(why), "systemdUnit \"%s\": this host is not cgroup v2 only",
		         cg->unit);
	else if (nook_cg_sd_check_saved(cg, spec->linux.cgroups_path, id, mount, &err) < 0)
		snprintf(why, sizeof(why), "systemdUnit: %s", err.msg);
	else {
		/* only the scope's own directory, never a slice above it */
		if (cg->dirs[0].n_created > 1)
			cg->dirs[0].n_created = 1;
		return;
	}
	nook_warn("container \"%s\": state.json: nookCgroup: %s: ignored, nook does not act on "
	          "a unit or cgroup that is not the container's",
	          id, why);
	while (cg->n_dirs > 0) {
		cg->n_dirs--;
		free(cg->dirs[cg->n_dirs].hierarchy);
		free(cg->dirs[cg->n_dirs].path);
	}
	free(cg->unit);
	cg->unit = NULL;
}

void nook_cgroup_check_saved(struct nook_cgroup *cg, const struct nook_spec *spec, const char *id)
{
	struct nook_error err;
	struct nook_cg_layout l;
	autofree char *mi = NULL;

	if (spec == NULL) {
		/* create pins config.json before it plans a cgroup */
		while (cg->n_dirs > 0)
			drop(cg, 0, id,
			     "the container has no pinned config.json to check it against");
		free(cg->unit);
		cg->unit = NULL;
		return;
	}
	mi = nook_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, 1024 * 1024, NULL, &err);
	if (mi == NULL || nook_cg_parse_mountinfo(mi, &l, &err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_error_text(&err, text, sizeof(text));
		while (cg->n_dirs > 0)
			drop(cg, 0, id, text);
		free(cg->unit);
		cg->unit = NULL;
		return;
	}
	cg->mode = l.mode; /* the host's, not the file's */
	if (cg->unit != NULL) {
		check_saved_unit(cg, &l, spec, id);
		nook_cg_layout_free(&l);
		return;
	}
	for (size_t i = 0, orig = 0; i < cg->n_dirs; orig++) {
		struct nook_cgroup_dir *d = &cg->dirs[i];
		char why[NOOK_ERROR_MSG_MAX + 64];
		bool twice = false;
		if (nook_cg_check_saved_dir(&l, spec->linux.cgroups_path, id, d, &err) < 0) {
			snprintf(why, sizeof(why), "dirs[%zu]: %s", orig, err.msg);
			drop(cg, i, id, why);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			twice = twice || hierarchy_of(&l, cg->dirs[j].hierarchy) ==
			                     hierarchy_of(&l, d->hierarchy);
		if (twice) {
			snprintf(why, sizeof(why), "dirs[%zu]: a second directory in \"%s\"", orig,
			         d->hierarchy);
			drop(cg, i, id, why);
			continue;
		}
		i++;
	}
	nook_cg_layout_free(&l);
}
