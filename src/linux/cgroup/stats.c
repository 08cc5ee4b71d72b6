/* What a container's cgroup has used: stats for `events --stats`, the
 * usage of nook job's report, and OOM kills for `events`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
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

static void io_entry(yajl_gen g, unsigned major, unsigned minor, const char *op, uint64_t value)
{
	yajl_gen_map_open(g);
	key(g, "major");
	yajl_gen_integer(g, major);
	key(g, "minor");
	yajl_gen_integer(g, minor);
	key(g, "op");
	key(g, op);
	key(g, "value");
	yajl_gen_integer(g, (long long)value);
	yajl_gen_map_close(g);
}

/* v1 blkio.throttle.io_service_bytes / io_serviced: "8:0 Read 4096" lines. */
static void blkio_v1_list(yajl_gen g, const char *k, const char *dir, const char *file)
{
	char path[4096], line[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	autofclose FILE *f = fopen(path, "re");
	key(g, k);
	yajl_gen_array_open(g);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned major, minor;
		char op[32];
		unsigned long long v;
		if (sscanf(line, "%u:%u %31s %llu", &major, &minor, op, &v) == 4)
			io_entry(g, major, minor, op, v);
	}
	yajl_gen_array_close(g);
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." lines, as runc
 * turns them into its v1-shaped lists. */
static void blkio_v2_list(yajl_gen g, const char *k, const char *dir, bool ios)
{
	char path[4096], line[512];

	snprintf(path, sizeof(path), "%s/io.stat", dir);
	autofclose FILE *f = fopen(path, "re");
	key(g, k);
	yajl_gen_array_open(g);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned major, minor;
		unsigned long long r = 0, w = 0;
		if (sscanf(line, "%u:%u", &major, &minor) != 2)
			continue;
		const char *rk = ios ? "rios=" : "rbytes=", *wk = ios ? "wios=" : "wbytes=";
		char *p;
		if ((p = strstr(line, rk)) != NULL)
			r = strtoull(p + strlen(rk), NULL, 10);
		if ((p = strstr(line, wk)) != NULL)
			w = strtoull(p + strlen(wk), NULL, 10);
		io_entry(g, major, minor, "Read", r);
		io_entry(g, major, minor, "Write", w);
	}
	yajl_gen_array_close(g);
}

static void blkio_stats(const struct nook_cgroup *cg, yajl_gen g)
{
	const char *dir = dir_of(cg, "blkio");
	bool v2 = false;

	if (dir == NULL) {
		dir = dir_of(cg, "io");
		v2 = dir != NULL;
	}
	if (dir == NULL)
		return;
	key(g, "blkio");
	yajl_gen_map_open(g);
	if (v2) {
		blkio_v2_list(g, "ioServiceBytesRecursive", dir, false);
		blkio_v2_list(g, "ioServicedRecursive", dir, true);
	} else {
		blkio_v1_list(g, "ioServiceBytesRecursive", dir, "blkio.throttle.io_service_bytes");
		blkio_v1_list(g, "ioServicedRecursive", dir, "blkio.throttle.io_serviced");
	}
	yajl_gen_map_close(g);
}

/* hugetlb.<size>.* for each page size the directory has: "2MB": {usage,
 * max, failcnt}. */
static void hugetlb_stats(const struct nook_cgroup *cg, yajl_gen g)
{
	const char *dir = dir_of(cg, "hugetlb");
	bool v2 = v2_of(cg, "hugetlb");
	const char *usage_suffix = v2 ? ".current" : ".usage_in_bytes";
	struct dirent *e;

	if (dir == NULL)
		return;
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	key(g, "hugetlb");
	yajl_gen_map_open(g);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), slen = strlen(usage_suffix);
		if (strncmp(e->d_name, "hugetlb.", 8) != 0 || len <= 8 + slen ||
		    strcmp(e->d_name + len - slen, usage_suffix) != 0 ||
		    strstr(e->d_name, ".rsvd.") != NULL)
			continue;
		char size[32], file[96];
		snprintf(size, sizeof(size), "%.*s", (int)(len - 8 - slen), e->d_name + 8);
		key(g, size);
		yajl_gen_map_open(g);
		num(g, "usage", dir, e->d_name, 1);
		if (v2) {
			snprintf(file, sizeof(file), "hugetlb.%s.events", size);
			keyed(g, "failcnt", dir, file, "max", 1);
		} else {
			snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
			num(g, "max", dir, file, 1);
			snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
			num(g, "failcnt", dir, file, 1);
		}
		yajl_gen_map_close(g);
	}
	closedir(d);
	yajl_gen_map_close(g);
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
	blkio_stats(cg, g);
	hugetlb_stats(cg, g);
	if (yajl_gen_map_close(g) != yajl_gen_status_ok)
		return nook_fail(err, 0, "cgroup: stats JSON");
	return 0;
}

/* A number file, or a "key N" line of one, as a double; false if absent. */
static bool read_number(const char *dir, const char *file, const char *name, double *out)
{
	struct nook_error ignored;
	char buf[64];
	uint64_t v;

	if (dir == NULL)
		return false;
	if (name != NULL) {
		if (nook_cg_read_key(dir, file, name, &v, &ignored) < 0)
			return false;
		*out = (double)v;
		return true;
	}
	if (nook_cg_read(dir, file, buf, sizeof(buf), &ignored) < 0 || buf[0] < '0' || buf[0] > '9')
		return false;
	*out = strtod(buf, NULL);
	return true;
}

static void cpu_usage(const struct nook_cgroup *cg, struct nook_cgroup_usage *u)
{
	const char *ctl = nook_cgroup_dir_for(cg, "cpuacct") != NULL ? "cpuacct" : "cpu";
	const char *dir = dir_of(cg, ctl);
	double user, sys;

	if (v2_of(cg, ctl)) {
		if (read_number(dir, "cpu.stat", "user_usec", &user) &&
		    read_number(dir, "cpu.stat", "system_usec", &sys))
			u->cpu_user_seconds = user / 1e6, u->cpu_system_seconds = sys / 1e6;
	} else if (read_number(dir, "cpuacct.usage_user", NULL, &user) &&
	           read_number(dir, "cpuacct.usage_sys", NULL, &sys)) {
		u->cpu_user_seconds = user / 1e9, u->cpu_system_seconds = sys / 1e9;
	} else if (read_number(dir, "cpuacct.stat", "user", &user) &&
	           read_number(dir, "cpuacct.stat", "system", &sys)) {
		double hz = (double)sysconf(_SC_CLK_TCK);
		u->cpu_user_seconds = user / hz, u->cpu_system_seconds = sys / hz;
	}
}

void nook_cgroup_usage(const struct nook_cgroup *cg, struct nook_cgroup_usage *u)
{
	double v;

	*u = (struct nook_cgroup_usage){-1, -1, -1, -1};
	cpu_usage(cg, u);
	if (read_number(dir_of(cg, "memory"),
	                v2_of(cg, "memory") ? "memory.peak" : "memory.max_usage_in_bytes", NULL,
	                &v))
		u->memory_peak_bytes = (int64_t)v;
	if (read_number(dir_of(cg, "pids"), "pids.peak", NULL, &v))
		u->pids_peak = (int64_t)v;
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
