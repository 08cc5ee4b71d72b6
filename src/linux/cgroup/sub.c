/* `nook exec --cgroup`: the container's cgroup with sub-cgroups joined in
 * (runc's exec.go getSubCgroupPaths and libcontainer's addIntoCgroupV1):
 *   "SUB"            one argument only: SUB under the container's directory
 *                    of every hierarchy (where it exists, see everywhere());
 *   "CTRL[,CTRL]:SUB" (repeatable) SUB under the v1 hierarchy of each CTRL,
 *                    the others left at the container's directory.
 * SUB is relative to the container's directory ("/" and "" are that
 * directory). A ".." component is refused, even one that would stay inside
 * (as crun; runc refuses only a path that leaves), and so is a sub-cgroup
 * that does not exist: exec only joins. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linux/cgroup/internal.h"

/* SUB without its "" and "." components into out; -1 if it has a ".."
 * component (or is too long). */
static int clean_sub(const char *sub, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *p = sub; *p != '\0';) {
		size_t n = strcspn(p, "/");
		if (n == 2 && strncmp(p, "..", 2) == 0)
			return -1;
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			int w = snprintf(out + len, size - len, "%s%.*s", len > 0 ? "/" : "",
			                 (int)n, p);
			if (w < 0 || (size_t)w >= size - len)
				return -1;
			len += (size_t)w;
		}
		p += n;
		p += *p == '/';
	}
	return 0;
}

/* Point d at SUB below it, which must be a directory. Returns 1 when d
 * moved, 0 when SUB is d itself, -1 (err set) when SUB is refused or
 * missing. */
static int descend(struct nook_cgroup_dir *d, const char *arg, const char *sub,
                   struct nook_error *err)
{
	char clean[4096];
	struct stat st;

	if (clean_sub(sub, clean, sizeof(clean)) < 0)
		return nook_fail(err, EINVAL,
		                 "exec --cgroup %s: bad sub-cgroup path: `..` components are not "
		                 "allowed (it must name a cgroup inside the container's)",
		                 arg);
	if (clean[0] == '\0')
		return 0;
	char *path = NULL;
	if (asprintf(&path, "%s/%s", d->path, clean) < 0)
		return nook_fail(err, ENOMEM, "exec --cgroup %s", arg);
	int e = stat(path, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
	if (e != 0) {
		nook_fail(
		    err, e,
		    "exec --cgroup %s: no sub-cgroup %s (exec joins one, it does not make it)", arg,
		    path);
		free(path);
		return -1;
	}
	free(d->path);
	d->path = path;
	return 1;
}

/* One SUB for every hierarchy. With v1 hierarchies a sub-cgroup is often
 * made in a few of them only: it is joined where it exists, the
 * container's own directory elsewhere (as crun; runc refuses), and refused
 * when it exists nowhere (as both). */
static int everywhere(struct nook_cgroup *out, const char *arg, struct nook_error *err)
{
	struct nook_error first;
	size_t moved = 0, missing = 0;

	nook_error_clear(&first);
	for (size_t i = 0; i < out->n_dirs; i++) {
		int rc = descend(&out->dirs[i], arg, arg, err);
		if (rc < 0 && (err->errnum != ENOENT || out->n_dirs == 1))
			return -1;
		if (rc < 0 && missing++ == 0)
			first = *err;
		moved += rc > 0;
	}
	if (missing > 0 && moved == 0) {
		*err = first;
		return -1;
	}
	return 0;
}

static int copy_dirs(const struct nook_cgroup *cg, struct nook_cgroup *out, struct nook_error *err)
{
	*out = *cg;
	out->dirs = calloc(cg->n_dirs > 0 ? cg->n_dirs : 1, sizeof(*out->dirs));
	out->n_dirs = 0;
	if (out->dirs == NULL)
		return nook_fail(err, ENOMEM, "exec --cgroup");
	for (size_t i = 0; i < cg->n_dirs; i++) {
		struct nook_cgroup_dir *d = &out->dirs[out->n_dirs++];
		d->hierarchy = strdup(cg->dirs[i].hierarchy);
		d->path = strdup(cg->dirs[i].path);
		if (d->hierarchy == NULL || d->path == NULL)
			return nook_fail(err, ENOMEM, "exec --cgroup");
	}
	return 0;
}

/* "CTRL,CTRL:SUB": each CTRL's v1 hierarchy, once. */
static int per_controller(struct nook_cgroup *out, const char *arg, bool *done,
                          struct nook_error *err)
{
	const char *colon = strchr(arg, ':');
	char ctrls[256];

	snprintf(ctrls, sizeof(ctrls), "%.*s", (int)(colon - arg), arg);
	for (char *save = NULL, *c = strtok_r(ctrls, ",", &save); c != NULL;
	     c = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < out->n_dirs && (out->dirs[i].hierarchy[0] == '\0' ||
		                           !nook_cg_list_has(out->dirs[i].hierarchy, ',', c)))
			i++;
		if (i == out->n_dirs)
			return nook_fail(
			    err, EINVAL,
			    "exec --cgroup %s: unknown controller %s (no v1 hierarchy of "
			    "the container's has it)",
			    arg, c);
		if (done[i])
			return nook_fail(err, EINVAL,
			                 "exec --cgroup %s: hierarchy %s given more than once", arg,
			                 out->dirs[i].hierarchy);
		done[i] = true;
		if (descend(&out->dirs[i], arg, colon + 1, err) < 0)
			return -1;
	}
	return 0;
}

static int check_forms(char *const *args, size_t n, struct nook_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(args[i], ':');
		if (colon == NULL && n > 1)
			return nook_fail(err, EINVAL,
			                 "exec --cgroup %s: missing CONTROLLER: prefix (only a "
			                 "single --cgroup may omit it)",
			                 args[i]);
		if (colon != NULL && (colon == args[i] || colon[-1] == ',' || args[i][0] == ',' ||
		                      strstr(args[i], ",,") != NULL))
			return nook_fail(err, EINVAL, "exec --cgroup %s: empty CONTROLLER prefix",
			                 args[i]);
		if (colon != NULL && (size_t)(colon - args[i]) >= 256)
			return nook_fail(err, EINVAL, "exec --cgroup %s: too long", args[i]);
	}
	return 0;
}

int nook_cgroup_sub_view(const struct nook_cgroup *cg, char *const *args, size_t n,
                         struct nook_cgroup *out, struct nook_error *err)
{
	memset(out, 0, sizeof(*out));
	if (check_forms(args, n, err) < 0 || copy_dirs(cg, out, err) < 0)
		goto fail;
	if (n == 1 && strchr(args[0], ':') == NULL) {
		if (everywhere(out, args[0], err) < 0)
			goto fail;
		return 0;
	}
	bool *done = calloc(out->n_dirs > 0 ? out->n_dirs : 1, sizeof(bool));
	if (done == NULL) {
		nook_fail(err, ENOMEM, "exec --cgroup");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (per_controller(out, args[i], done, err) < 0) {
			free(done);
			goto fail;
		}
	}
	free(done);
	return 0;
fail:
	nook_cgroup_free(out);
	return -1;
}
