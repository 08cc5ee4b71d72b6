/* The job's report (issue 14, point 4; isolate's --meta file is the model):
 * what the kernel kept in the job's cgroup, read after the job ended and
 * before delete removes the cgroup. Where a figure is not kept (pids.peak
 * before Linux 6.1, say), the report says null. */
#include "container/job_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"
#include "nook/json_gen.h"

/* The number in <dir>/<file>, or after "key " on one of its lines. */
static bool read_num(const struct nook_cgroup_dir *d, const char *file, const char *key,
                     double *out)
{
	char path[PATH_MAX + 64], buf[4096];
	ssize_t n;

	if (d == NULL)
		return false;
	snprintf(path, sizeof(path), "%s/%s", d->path, file);
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	const char *p = buf;
	if (key != NULL) {
		size_t len = strlen(key);
		for (p = buf; p != NULL; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL)
			if (strncmp(p, key, len) == 0 && p[len] == ' ')
				break;
		if (p == NULL)
			return false;
		p += strlen(key) + 1;
	}
	char *end;
	errno = 0;
	*out = strtod(p, &end);
	return end != p && errno == 0;
}

static bool is_v2(const struct nook_cgroup_dir *d)
{
	return d != NULL && d->hierarchy[0] == '\0';
}

static void read_cpu(const struct nook_cgroup *cg, struct job_usage *u)
{
	const struct nook_cgroup_dir *d = nook_cgroup_dir_for(cg, "cpuacct");
	double user, sys;

	if (d == NULL)
		d = nook_cgroup_dir_for(cg, "cpu");
	if (is_v2(d) && read_num(d, "cpu.stat", "user_usec", &user) &&
	    read_num(d, "cpu.stat", "system_usec", &sys)) {
		u->cpu_user_seconds = user / 1e6;
		u->cpu_system_seconds = sys / 1e6;
	} else if (!is_v2(d) && read_num(d, "cpuacct.usage_user", NULL, &user) &&
	           read_num(d, "cpuacct.usage_sys", NULL, &sys)) {
		u->cpu_user_seconds = user / 1e9;
		u->cpu_system_seconds = sys / 1e9;
	} else if (!is_v2(d) && read_num(d, "cpuacct.stat", "user", &user) &&
	           read_num(d, "cpuacct.stat", "system", &sys)) {
		long hz = sysconf(_SC_CLK_TCK);
		u->cpu_user_seconds = user / (double)hz;
		u->cpu_system_seconds = sys / (double)hz;
	}
}

void job_usage_read(const struct nook_cgroup *cg, struct job_usage *u)
{
	const struct nook_cgroup_dir *mem = nook_cgroup_dir_for(cg, "memory");
	const struct nook_cgroup_dir *pids = nook_cgroup_dir_for(cg, "pids");
	struct nook_error ignored;
	uint64_t ooms = 0;
	double v;

	u->cpu_user_seconds = u->cpu_system_seconds = -1;
	u->memory_peak_bytes = u->pids_peak = -1;
	read_cpu(cg, u);
	if (read_num(mem, is_v2(mem) ? "memory.peak" : "memory.max_usage_in_bytes", NULL, &v))
		u->memory_peak_bytes = (int64_t)v;
	if (read_num(pids, "pids.peak", NULL, &v))
		u->pids_peak = (int64_t)v;
	if (nook_cgroup_oom_count(cg, &ooms, &ignored) == 0 && ooms > 0)
		u->oom_killed = true;
}

static void key_num(struct nook_gen *g, const char *k, double v, bool integer)
{
	nook_gen_str(g, k);
	if (v < 0)
		nook_gen_check(g, yajl_gen_null(g->g));
	else if (integer)
		nook_gen_check(g, yajl_gen_integer(g->g, (long long)v));
	else {
		char num[64];
		int n = snprintf(num, sizeof(num), "%.6f", v);
		nook_gen_check(g, yajl_gen_number(g->g, num, (size_t)n));
	}
}

int job_report_write(const char *path, const struct job_usage *u, struct nook_error *err)
{
	struct nook_gen g = {.g = yajl_gen_alloc(NULL)};
	const unsigned char *buf;
	size_t len;

	if (g.g == NULL)
		return nook_fail(err, ENOMEM, "--report %s", path);
	yajl_gen_config(g.g, yajl_gen_beautify, 1);
	yajl_gen_config(g.g, yajl_gen_indent_string, "  ");
	nook_gen_open_map(&g, NULL);
	key_num(&g, "exit_code", u->exit_code, true);
	key_num(&g, "signal", u->signal > 0 ? u->signal : -1, true);
	nook_gen_key_bool(&g, "timed_out", u->timed_out);
	nook_gen_key_bool(&g, "oom_killed", u->oom_killed);
	key_num(&g, "wall_seconds", u->wall_seconds, false);
	key_num(&g, "cpu_user_seconds", u->cpu_user_seconds, false);
	key_num(&g, "cpu_system_seconds", u->cpu_system_seconds, false);
	key_num(&g, "memory_peak_bytes", (double)u->memory_peak_bytes, true);
	key_num(&g, "pids_peak", (double)u->pids_peak, true);
	nook_gen_close_map(&g);
	if (!g.failed)
		nook_gen_check(&g, yajl_gen_get_buf(g.g, &buf, &len));
	int rc = 0;
	if (g.failed) {
		rc = nook_fail(err, 0, "--report %s: JSON generation failed", path);
	} else {
		autoclose int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
			rc = nook_fail(err, errno, "--report %s", path);
	}
	yajl_gen_free(g.g);
	return rc;
}
