#include "nook/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"

const char *nook_status_name(enum nook_status status)
{
	switch (status) {
	case NOOK_CREATING:
		return "creating";
	case NOOK_CREATED:
		return "created";
	case NOOK_RUNNING:
		return "running";
	case NOOK_STOPPED:
		return "stopped";
	case NOOK_PAUSED:
		return "paused";
	}
	return "unknown";
}

int nook_status_parse(const char *name, enum nook_status *out)
{
	for (enum nook_status s = NOOK_CREATING; s <= NOOK_PAUSED; s++) {
		if (strcmp(name, nook_status_name(s)) == 0) {
			*out = s;
			return 0;
		}
	}
	return -1;
}

static int mkdir_p(const char *path, mode_t mode, struct nook_error *err)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return nook_fail(err, ENAMETOOLONG, "state root %s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "create state root %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return nook_fail(err, errno, "create state root %s", buf);
	return 0;
}

int nook_state_dir_open(const char *root, const char *id, int lock, struct nook_error *err)
{
	char path[4096];
	autoclose int dirfd = -1;

	if (nook_id_check(id, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", root, id);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		if (errno == ENOENT)
			return nook_fail(err, 0, "container \"%s\" does not exist", id);
		return nook_fail(err, errno, "open state directory %s", path);
	}
	if (lock != 0) {
		int rc = nook_state_lock(dirfd, root, id, lock, err);
		if (rc < 0)
			return -1;
		if (rc == 0) /* deleted while we waited for its lock */
			return nook_fail(err, 0, "container \"%s\" does not exist", id);
	}
	return nook_steal_fd(&dirfd);
}

int nook_state_dir_create(const char *root, const char *id, struct nook_error *err)
{
	autoclose int rootfd = -1;
	autoclose int dirfd = -1;

	if (mkdir_p(root, 0700, err) < 0)
		return -1;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nook_fail(err, errno, "open state root %s", root);
	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return nook_fail(err, 0, "container \"%s\" already exists", id);
		return nook_fail(err, errno, "create state directory %s/%s", root, id);
	}
	dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return nook_fail(err, errno, "open state directory %s/%s", root, id);
	if (flock(dirfd, LOCK_EX) < 0)
		return nook_fail(err, errno, "lock state directory %s/%s", root, id);
	return nook_steal_fd(&dirfd);
}

static void gen_string(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv(yajl_gen g, const char *key, const char *value)
{
	gen_string(g, key);
	gen_string(g, value);
}

static int render_state(yajl_gen g, const struct nook_state *st)
{
	yajl_gen_map_open(g);
	gen_kv(g, "ociVersion", "1.3.0");
	gen_kv(g, "id", st->id);
	gen_kv(g, "status", nook_status_name(st->status));
	if (st->pid > 0) {
		gen_string(g, "pid");
		yajl_gen_integer(g, st->pid);
	}
	gen_kv(g, "bundle", st->bundle);
	gen_kv(g, "rootfs", st->rootfs);
	gen_kv(g, "created", st->created);
	gen_string(g, "owner");
	char owner[16];
	snprintf(owner, sizeof(owner), "%u", (unsigned)st->owner);
	gen_string(g, owner);
	gen_string(g, "nookStartTime");
	yajl_gen_integer(g, (long long)st->start_time);
	if (st->cgroup != NULL) {
		gen_string(g, "nookCgroup");
		nook_cgroup_to_json(st->cgroup, g);
	}
	if (st->annotations != NULL && st->annotations->n > 0) {
		gen_string(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < st->annotations->n; i++)
			gen_kv(g, st->annotations->v[i].key, st->annotations->v[i].value);
		yajl_gen_map_close(g);
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_file_atomic(int dirfd, const char *name, const unsigned char *buf, size_t len,
                             struct nook_error *err)
{
	char tmp[256];

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	autoclose int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return nook_fail(err, errno, "%s: create", tmp);
	if (write_all(fd, buf, len) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		return nook_fail(err, saved, "%s: write", name);
	}
	return 0;
}

char *nook_state_render(const struct nook_state *state, bool pretty, struct nook_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (g == NULL) {
		nook_fail(err, ENOMEM, "render state");
		return NULL;
	}
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (render_state(g, state) < 0 || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		nook_fail(err, 0, "render state: yajl failed");
	else if ((out = strndup((const char *)buf, len)) == NULL)
		nook_fail(err, ENOMEM, "render state");
	yajl_gen_free(g);
	return out;
}

int nook_state_write(int dirfd, const struct nook_state *state, struct nook_error *err)
{
	autofree char *json = nook_state_render(state, false, err);

	if (json == NULL)
		return nook_error_prefix(err, "state.json");
	return write_file_atomic(dirfd, "state.json", (const unsigned char *)json, strlen(json),
	                         err);
}

int nook_state_pin_config(int dirfd, const char *config, size_t len, struct nook_error *err)
{
	return write_file_atomic(dirfd, "config.json", (const unsigned char *)config, len, err);
}

int nook_state_dir_remove(const char *root, const char *id, struct nook_error *err)
{
	static const char *const files[] = {"state.json", "state.json.tmp", "exec.fifo",
	                                    "config.json", "config.json.tmp"};
	char path[4096];
	autoclose int dirfd = -1;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : nook_fail(err, errno, "open state directory %s", path);
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(files); i++)
		if (unlinkat(dirfd, files[i], 0) < 0 && errno != ENOENT)
			return nook_fail(err, errno, "remove %s/%s", path, files[i]);
	if (rmdir(path) < 0)
		return nook_fail(err, errno, "remove state directory %s", path);
	return 0;
}
