/* Reading and writing cgroupfs files, and finding a controller's directory.
 * Errors name the config path and the file, because a cgroup write fails
 * with a bare EINVAL or ENOENT that says nothing by itself. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libcgroup.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"

static int fail_file(struct nook_error *err, int errnum, const char *cfg, const char *what,
                     const char *dir, const char *file)
{
	if (cfg != NULL)
		return nook_fail(err, errnum, "%s: %s %s/%s", cfg, what, dir, file);
	return nook_fail(err, errnum, "cgroup: %s %s/%s", what, dir, file);
}

int nook_cg_write(const char *dir, const char *file, const char *value, const char *cfg,
                  struct nook_error *err)
{
	char path[4096];
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_file(err, errno, cfg, "open", dir, file);
	if (write(fd, value, len) != (ssize_t)len) {
		char what[128];
		snprintf(what, sizeof(what), "write \"%.80s\" to", value);
		return fail_file(err, errno, cfg, what, dir, file);
	}
	return 0;
}

int nook_cg_writef(const char *dir, const char *file, const char *cfg, struct nook_error *err,
                   const char *fmt, ...)
{
	char value[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return nook_cg_write(dir, file, value, cfg, err);
}

int nook_cg_read(const char *dir, const char *file, char *buf, size_t size, struct nook_error *err)
{
	char path[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_file(err, errno, NULL, "open", dir, file);
	n = read(fd, buf, size - 1);
	if (n < 0)
		return fail_file(err, errno, NULL, "read", dir, file);
	buf[n] = '\0';
	return 0;
}

bool nook_cg_has_file(const char *dir, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int nook_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *value,
                     struct nook_error *err)
{
	char buf[4096];
	size_t klen = strlen(key);

	if (nook_cg_read(dir, file, buf, sizeof(buf), err) < 0)
		return -1;
	for (char *line = buf; line != NULL && *line != '\0';) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*value = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
		line = strchr(line, '\n');
		line = line != NULL ? line + 1 : NULL;
	}
	return nook_fail(err, ENOENT, "cgroup: %s/%s has no \"%s\"", dir, file, key);
}

/* The v1 name of a controller: v2's "io" is v1's "blkio", the others keep
 * their names. */
static const char *v1_name(const char *controller)
{
	return strcmp(controller, "io") == 0 ? "blkio" : controller;
}

const struct nook_cgroup_dir *nook_cgroup_dir_for(const struct nook_cgroup *cg,
                                                  const char *controller)
{
	const struct nook_cgroup_dir *v2 = NULL;
	const char *v1 = v1_name(controller);

	for (size_t i = 0; i < cg->n_dirs; i++) {
		const struct nook_cgroup_dir *d = &cg->dirs[i];
		if (d->hierarchy[0] == '\0')
			v2 = d;
		else if (nook_cg_list_has(d->hierarchy, ',', v1))
			return d;
	}
	return v2;
}

/* libcgroup knows which controllers are mounted and where, on hybrid hosts
 * too (it reads the v2 mount's cgroup.controllers). */
static bool mounted_anywhere(const char *controller)
{
	static int libcgroup_rc = -1;
	char *mount_point = NULL;
	int rc;

	if (libcgroup_rc != 0)
		libcgroup_rc = cgroup_init();
	if (libcgroup_rc != 0)
		return true; /* no answer: let the directory's files decide */
	rc = cgroup_get_subsys_mount_point(controller, &mount_point);
	if (rc == 0)
		free(mount_point);
	return rc == 0;
}

const struct nook_cgroup_dir *nook_cg_need(const struct nook_cgroup *cg, const char *controller,
                                           const char *cfg, struct nook_error *err)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, controller);
	char list[1024];

	if (d != NULL && d->hierarchy[0] != '\0')
		return d;
	if (d != NULL && mounted_anywhere(controller) &&
	    nook_cg_read(d->path, "cgroup.controllers", list, sizeof(list), err) == 0 &&
	    nook_cg_list_has(strtok(list, "\n"), ' ', controller))
		return d;
	nook_fail(err, 0, "%s: cgroup controller \"%s\" is not available", cfg, controller);
	return NULL;
}

int nook_cg_check_usage(const char *dir, const char *usage_file, int64_t limit,
                        struct nook_error *err)
{
	char buf[64];

	if (limit < 0)
		return 0;
	if (nook_cg_read(dir, usage_file, buf, sizeof(buf), err) < 0)
		return -1;
	uint64_t usage = strtoull(buf, NULL, 10);
	if ((uint64_t)limit < usage)
		return nook_fail(err, 0,
		                 "linux.resources.memory.checkBeforeUpdate: the limit %" PRId64
		                 " is below the current usage %" PRIu64,
		                 limit, usage);
	return 0;
}

int nook_cg_each_child(const char *dir,
                       int (*fn)(const char *sub, void *ctx, struct nook_error *err), void *ctx,
                       struct nook_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : nook_fail(err, errno, "cgroup: open %s", dir);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char sub[4096];
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub))
			rc = nook_fail(err, ENAMETOOLONG, "cgroup: %s/%s", dir, e->d_name);
		else
			rc = fn(sub, ctx, err);
	}
	closedir(d);
	return rc;
}
