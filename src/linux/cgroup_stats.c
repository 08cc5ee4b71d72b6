/* What a container's cgroup has used: stats for `events --stats`, and OOM
 * kills for `events`. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "nook/cleanup.h"

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

/* A number file into the JSON as key; "max" is 0 as runc reports it. */
static void num(yajl_gen g, const char *k, const char *dir, const char *file, uint64_t scale)
{
	char buf[64];
	struct nook_error ignored;

	if (dir == NULL || nook_cg_read(dir, file, buf, sizeof(buf), &ignored) < 0)
		return;
	key(g, k);
	yajl_gen_integer(g, (long long)(strtoull(buf, NULL, 10) * scale));
}

static void keyed(yajl_gen g, const char *k, const char *dir, const char *file, const char *name,
                  uint64_t scale)
{
	uint64_t v;
	struct nook_error ignored;

	if (dir == NULL || nook_cg_read_key(dir, file, name, &v, &ignored) < 0)
		return;
	key(g, k);
	yajl_gen_integer(g, (long long)(v * scale));
}

static const char *dir_of(const struct nook_cgroup *cg, const char *ctl)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, ctl);

	return d != NULL ? d->path : NULL;
}

static bool v2_of(const struct nook_cgroup *cg, const char *ctl)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, ctl);

	return d != NULL && d->hierarchy[0] == '\0';
}

int nook_cgroup_stats(const struct nook_cgroup *cg, yajl_gen g, struct nook_error *err)
{
	const char *mem = dir_of(cg, "memory");
	bool mv2 = v2_of(cg, "memory");

	yajl_gen_map_open(g);
	key(g, "cpu");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	if (v2_of(cg, "cpuacct") || v2_of(cg, "cpu"))
		keyed(g, "total", dir_of(cg, "cpu"), "cpu.stat", "usage_usec", 1000);
	else
		num(g, "total", dir_of(cg, "cpuacct"), "cpuacct.usage", 1);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	key(g, "memory");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	num(g, "usage", mem, mv2 ? "memory.current" : "memory.usage_in_bytes", 1);
	num(g, "max", mem, mv2 ? "memory.peak" : "memory.max_usage_in_bytes", 1);
	num(g, "limit", mem, mv2 ? "memory.max" : "memory.limit_in_bytes", 1);
	if (mv2)
		keyed(g, "failcnt", mem, "memory.events", "max", 1);
	else
		num(g, "failcnt", mem, "memory.failcnt", 1);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	key(g, "pids");
	yajl_gen_map_open(g);
	num(g, "current", dir_of(cg, "pids"), "pids.current", 1);
	num(g, "limit", dir_of(cg, "pids"), "pids.max", 1);
	yajl_gen_map_close(g);
	if (yajl_gen_map_close(g) != yajl_gen_status_ok)
		return nook_fail(err, 0, "cgroup: stats JSON");
	return 0;
}

int nook_cgroup_oom_count(const struct nook_cgroup *cg, uint64_t *count, struct nook_error *err)
{
	const struct nook_cgroup_dir *d = nook_cg_need(cg, "memory", "cgroup", err);

	if (d == NULL)
		return -1;
	return nook_cg_read_key(d->path,
	                        d->hierarchy[0] == '\0' ? "memory.events" : "memory.oom_control",
	                        "oom_kill", count, err);
}

int nook_cgroup_oom_watch(const struct nook_cgroup *cg, struct nook_error *err)
{
	const struct nook_cgroup_dir *d = nook_cg_need(cg, "memory", "cgroup", err);
	char path[4096];

	if (d == NULL)
		return -1;
	if (d->hierarchy[0] == '\0') {
		autoclose int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		snprintf(path, sizeof(path), "%s/memory.events", d->path);
		if (in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0)
			return nook_fail(err, errno, "cgroup: watch %s", path);
		return nook_steal_fd(&in);
	}
	autoclose int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	snprintf(path, sizeof(path), "%s/memory.oom_control", d->path);
	autoclose int ctl = open(path, O_RDONLY | O_CLOEXEC);
	if (efd < 0 || ctl < 0)
		return nook_fail(err, errno, "cgroup: watch %s", path);
	if (nook_cg_writef(d->path, "cgroup.event_control", NULL, err, "%d %d", efd, ctl) < 0)
		return -1;
	/* the kernel holds its own reference to ctl now */
	return nook_steal_fd(&efd);
}
