/* Where the hierarchies are (/proc/self/mountinfo), where the caller sits in
 * each (/proc/self/cgroup), and which directories a container gets. The
 * parsers take the files' text so that the unit tests can feed them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"
#include "nook/file.h"

/* The v1 mount options that name hierarchies; the rest (rw, xattr,
 * clone_children, release_agent=...) are dropped. */
static bool is_v1_controller(const char *opt)
{
	static const char *const known[] = {
	    "cpu",      "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls",
	    "net_prio", "blkio",   "perf_event", "hugetlb", "pids",    "rdma",    "misc",
	};

	if (strncmp(opt, "name=", 5) == 0)
		return true;
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(known); i++)
		if (strcmp(opt, known[i]) == 0)
			return true;
	return false;
}

static char *v1_controllers(const char *superopts)
{
	autofree char *copy = strdup(superopts);
	char *out = calloc(1, strlen(superopts) + 1);
	char *save = NULL;

	if (copy == NULL || out == NULL) {
		free(out);
		return NULL;
	}
	for (char *o = strtok_r(copy, ",", &save); o != NULL; o = strtok_r(NULL, ",", &save)) {
		if (!is_v1_controller(o))
			continue;
		if (out[0] != '\0')
			strcat(out, ",");
		strcat(out, o);
	}
	return out;
}

bool nook_cg_list_has(const char *list, char sep, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *end = strchr(p, sep);
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == len && strncmp(p, word, len) == 0)
			return true;
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

bool nook_cg_same_set(const char *a, const char *b)
{
	size_t na = 1, nb = 1;
	autofree char *copy = strdup(a);
	char *save = NULL;

	for (const char *p = a; *p; p++)
		na += *p == ',';
	for (const char *p = b; *p; p++)
		nb += *p == ',';
	if (copy == NULL || na != nb)
		return false;
	for (char *w = strtok_r(copy, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save))
		if (!nook_cg_list_has(b, ',', w))
			return false;
	return true;
}

static bool have_hier(const struct nook_cg_layout *l, const char *controllers)
{
	for (size_t i = 0; i < l->n; i++)
		if (nook_cg_same_set(l->h[i].controllers, controllers))
			return true;
	return false;
}

static int add_hier(struct nook_cg_layout *l, char *controllers, const char *mountpoint)
{
	struct nook_cg_hier *h = realloc(l->h, (l->n + 1) * sizeof(*h));

	if (h == NULL) {
		free(controllers);
		return -1;
	}
	l->h = h;
	h[l->n].controllers = controllers;
	h[l->n].mountpoint = strdup(mountpoint);
	if (h[l->n].mountpoint == NULL) {
		free(controllers);
		return -1;
	}
	l->n++;
	return 0;
}

/* One mountinfo line: "id parent maj:min root mountpoint opts [tags] - type
 * source superopts". Returns 0 for lines that are not cgroup mounts. */
static int parse_line(char *line, struct nook_cg_layout *l, bool *v1, bool *v2)
{
	char *f[6] = {0};
	char *save = NULL;
	char *sep = strstr(line, " - ");
	size_t i = 0;

	if (sep == NULL)
		return 0;
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t != NULL && i < 5;
	     t = strtok_r(NULL, " ", &save))
		f[i++] = t;
	char *type = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save); /* source */
	char *superopts = strtok_r(NULL, " \n", &save);
	if (i < 5 || type == NULL || superopts == NULL)
		return 0;
	if (strcmp(type, "cgroup2") == 0) {
		if (*v2)
			return 0;
		*v2 = true;
		return add_hier(l, strdup(""), f[4]);
	}
	if (strcmp(type, "cgroup") != 0)
		return 0;
	char *ctl = v1_controllers(superopts);
	if (ctl == NULL)
		return -1;
	if (ctl[0] == '\0' || have_hier(l, ctl)) {
		free(ctl);
		return 0;
	}
	*v1 = true;
	return add_hier(l, ctl, f[4]);
}

int nook_cg_parse_mountinfo(const char *text, struct nook_cg_layout *l, struct nook_error *err)
{
	autofree char *copy = strdup(text);
	bool v1 = false, v2 = false;
	char *save = NULL;

	memset(l, 0, sizeof(*l));
	if (copy == NULL)
		return nook_fail(err, ENOMEM, "cgroup: mountinfo");
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (parse_line(line, l, &v1, &v2) < 0) {
			nook_cg_layout_free(l);
			return nook_fail(err, ENOMEM, "cgroup: mountinfo");
		}
	}
	if (!v1 && !v2)
		return nook_fail(err, ENOENT, "cgroup: no cgroup filesystem is mounted");
	l->mode = !v1 ? NOOK_CGROUP_UNIFIED : v2 ? NOOK_CGROUP_HYBRID : NOOK_CGROUP_LEGACY;
	return 0;
}

void nook_cg_layout_free(struct nook_cg_layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->h[i].controllers);
		free(l->h[i].mountpoint);
	}
	free(l->h);
	memset(l, 0, sizeof(*l));
}

/* "4:memory:/process_api/x": hierarchy id, controllers, path. v2 is "0::/p". */
int nook_cg_own_path(const char *proc_cgroup, const struct nook_cg_hier *h, char *out, size_t size,
                     struct nook_error *err)
{
	autofree char *copy = strdup(proc_cgroup);
	char *save = NULL;

	if (copy == NULL)
		return nook_fail(err, ENOMEM, "cgroup: /proc/self/cgroup");
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		bool match = h->controllers[0] == '\0'
		                 ? c1 + 1 == c2 && strncmp(line, "0:", 2) == 0
		                 : c1 + 1 != c2 && nook_cg_same_set(c1 + 1, h->controllers);
		if (match) {
			snprintf(out, size, "%s", c2 + 1);
			return 0;
		}
	}
	return nook_fail(err, ENOENT, "cgroup: hierarchy \"%s\" is not in /proc/self/cgroup",
	                 h->controllers);
}

int nook_cg_clean_path(const char *in, char *out, size_t size, struct nook_error *err)
{
	autofree char *copy = strdup(in);
	char *save = NULL;

	if (copy == NULL)
		return nook_fail(err, ENOMEM, "linux.cgroupsPath");
	out[0] = '\0';
	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return nook_fail(err, EINVAL,
			                 "linux.cgroupsPath: \"%s\": \"..\" is not allowed", in);
		size_t len = strlen(out);
		if (snprintf(out + len, size - len, "%s%s", len ? "/" : "", c) >= (int)(size - len))
			return nook_fail(err, ENAMETOOLONG, "linux.cgroupsPath");
	}
	if (out[0] == '\0')
		return nook_fail(err, EINVAL, "linux.cgroupsPath: \"%s\" names no cgroup", in);
	return 0;
}

static int add_dir(struct nook_cgroup *cg, const char *hier, const char *path)
{
	struct nook_cgroup_dir *d = realloc(cg->dirs, (cg->n_dirs + 1) * sizeof(*d));

	if (d == NULL)
		return -1;
	cg->dirs = d;
	d = &cg->dirs[cg->n_dirs];
	memset(d, 0, sizeof(*d));
	d->hierarchy = strdup(hier);
	d->path = strdup(path);
	cg->n_dirs++;
	return d->hierarchy != NULL && d->path != NULL ? 0 : -1;
}

int nook_cg_resolve(const struct nook_cg_layout *l, const char *proc_cgroup,
                    const char *cgroups_path, const char *id, struct nook_cgroup *cg,
                    struct nook_error *err)
{
	const char *want = cgroups_path != NULL ? cgroups_path : id;
	bool absolute = want[0] == '/';
	char inner[2048], own[2048], full[4096 + 2048];

	memset(cg, 0, sizeof(*cg));
	cg->mode = l->mode;
	if (nook_cg_clean_path(want, inner, sizeof(inner), err) < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct nook_cg_hier *h = &l->h[i];
		if (absolute)
			strcpy(own, "/");
		else if (nook_cg_own_path(proc_cgroup, h, own, sizeof(own), err) < 0)
			goto fail;
		/* v2: the caller's own cgroup holds the caller, so by the
		 * no-internal-process rule no controller can be enabled below
		 * it; a relative path goes next to it, under its parent (as runc
		 * does). v1 has no such rule: under the caller's own cgroup. */
		if (!absolute && h->controllers[0] == '\0' && strcmp(own, "/") != 0) {
			char *slash = strrchr(own, '/');
			if (slash == own)
				own[1] = '\0';
			else if (slash != NULL)
				*slash = '\0';
		}
		size_t olen = strlen(own);
		snprintf(full, sizeof(full), "%s%s%s/%s", h->mountpoint, own[0] == '/' ? "" : "/",
		         olen > 1 ? own : "", inner);
		if (add_dir(cg, h->controllers, full) < 0) {
			nook_fail(err, ENOMEM, "cgroup");
			goto fail;
		}
	}
	return 0;
fail:
	nook_cgroup_free(cg);
	return -1;
}

static char *read_text(const char *path, struct nook_error *err)
{
	char *text = nook_read_file(AT_FDCWD, path, 0, 1024 * 1024, NULL, err);

	if (text == NULL)
		nook_error_prefix(err, "cgroup");
	return text;
}

int nook_cgroup_detect(enum nook_cgroup_mode *mode, struct nook_error *err)
{
	autofree char *mi = read_text("/proc/self/mountinfo", err);
	struct nook_cg_layout l;

	if (mi == NULL || nook_cg_parse_mountinfo(mi, &l, err) < 0)
		return -1;
	*mode = l.mode;
	nook_cg_layout_free(&l);
	return 0;
}

/* The directories of this host for the config, from the live files. */
int nook_cg_resolve_host(const char *cgroups_path, const char *id, struct nook_cgroup *cg,
                         char *v2_mount, size_t size, struct nook_error *err)
{
	autofree char *mi = read_text("/proc/self/mountinfo", err);
	autofree char *pc = NULL;
	struct nook_cg_layout l;
	int rc;

	if (mi == NULL)
		return -1;
	pc = read_text("/proc/self/cgroup", err);
	if (pc == NULL || nook_cg_parse_mountinfo(mi, &l, err) < 0)
		return -1;
	rc = nook_cg_resolve(&l, pc, cgroups_path, id, cg, err);
	v2_mount[0] = '\0';
	for (size_t i = 0; i < l.n; i++)
		if (l.h[i].controllers[0] == '\0')
			snprintf(v2_mount, size, "%s", l.h[i].mountpoint);
	nook_cg_layout_free(&l);
	return rc;
}
