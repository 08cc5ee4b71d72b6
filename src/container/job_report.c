/* The job's report (issue 14, point 4; isolate's --meta file is the model):
 * what the kernel kept in the job's cgroup (nook_cgroup_usage), read after
 * the job ended and before delete removes the cgroup. Where a figure is not kept (pids.peak
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

void job_usage_read(const struct nook_cgroup *cg, struct job_usage *u)
{
	struct nook_cgroup_usage used;
	struct nook_error ignored;
	uint64_t ooms = 0;

	nook_cgroup_usage(cg, &used);
	u->cpu_user_seconds = used.cpu_user_seconds;
	u->cpu_system_seconds = used.cpu_system_seconds;
	u->memory_peak_bytes = used.memory_peak_bytes;
	u->pids_peak = used.pids_peak;
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
