/* nook_container_load: an existing container back from its state directory. */
#include "nook/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/state.h"

static const char *get_string(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);

	return v != NULL ? YAJL_GET_STRING(v) : NULL;
}

static long long get_integer(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);

	return v != NULL && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static int copy_string(char *dst, size_t size, const char *src, const char *what,
                       struct nook_error *err)
{
	if (src == NULL || strlen(src) >= size)
		return nook_fail(err, EPROTO, "state.json: bad or missing %s", what);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int parse_state(struct nook_container *c, const char *json, struct nook_error *err)
{
	char errbuf[256];
	yajl_val root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	enum nook_status status;
	int rc = -1;

	if (root == NULL)
		return nook_fail(err, EPROTO, "state.json: %s", errbuf);
	const char *status_name = get_string(root, "status");
	if (status_name == NULL || nook_status_parse(status_name, &status) < 0) {
		nook_fail(err, EPROTO, "state.json: bad status");
		goto out;
	}
	c->saved_status = (int)status;
	c->pid = (pid_t)get_integer(root, "pid");
	c->start_time = (unsigned long long)get_integer(root, "nookStartTime");
	const char *owner = get_string(root, "owner");
	c->owner = owner != NULL ? (uid_t)strtoul(owner, NULL, 10) : 0;
	const char *cg_path[] = {"nookCgroup", NULL};
	yajl_val cg = yajl_tree_get(root, cg_path, yajl_t_object);
	if (cg != NULL) {
		if (nook_cgroup_from_json(cg, &c->cgroup, err) < 0)
			goto out;
		c->have_cgroup = true;
	}
	if (copy_string(c->bundle, sizeof(c->bundle), get_string(root, "bundle"), "bundle", err) <
	        0 ||
	    copy_string(c->rootfs, sizeof(c->rootfs), get_string(root, "rootfs"), "rootfs", err) <
	        0 ||
	    copy_string(c->created, sizeof(c->created), get_string(root, "created"), "created",
	                err) < 0)
		goto out;
	rc = 0;
out:
	yajl_tree_free(root);
	return rc;
}

int nook_container_load(const char *root, const char *id, int lock, struct nook_container *c,
                        struct nook_error *err)
{
	autofree char *json = NULL;

	c->root = root;
	c->id = id;
	c->state_dirfd = nook_state_dir_open(root, id, lock, err);
	if (c->state_dirfd < 0)
		return -1;
	json = nook_read_file(c->state_dirfd, "state.json", O_NOFOLLOW, 1024 * 1024, NULL, err);
	if (json == NULL || parse_state(c, json, err) < 0)
		return nook_error_prefix(err, "container \"%s\"", id);
	/* A create that died before pinning the config leaves no config.json:
	 * the container can still be deleted. */
	if (faccessat(c->state_dirfd, "config.json", F_OK, 0) == 0) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s/config.json", root, id);
		if (nook_spec_load(path, &c->spec, err) < 0)
			return nook_error_prefix(err, "container \"%s\"", id);
		c->have_spec = true;
	}
	/* The cgroup named in state.json is acted on (delete kills in it and
	 * removes it) only where it is the one planned from the pinned config. */
	if (c->have_cgroup) {
		nook_cgroup_check_saved(&c->cgroup, c->have_spec ? &c->spec : NULL, id);
		if (c->cgroup.n_dirs == 0) {
			nook_cgroup_free(&c->cgroup);
			c->have_cgroup = false;
		}
	}
	return 0;
}

void nook_container_release(struct nook_container *c)
{
	int *fds[] = {&c->sync_fd, &c->fifo_fd, &c->pty_master, &c->state_dirfd};

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (c->have_spec) {
		nook_spec_free(&c->spec);
		c->have_spec = false;
	}
	free(c->config);
	c->config = NULL;
	if (c->have_cgroup) {
		nook_cgroup_free(&c->cgroup);
		c->have_cgroup = false;
	}
}

int nook_container_exists(const char *root, const char *id)
{
	struct nook_error ignored;
	char path[PATH_MAX];

	if (nook_id_check(id, &ignored) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", root, id);
	return access(path, F_OK) == 0 ? 1 : 0;
}
