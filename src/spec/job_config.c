/* The parts of a `nook job` config that `nook spec` does not have: they go
 * into the same document (src/spec/default.c, nook_spec_generate). */
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "nook/json_gen.h"
#include "spec/generate.h"

void nook_spec_job_args(struct nook_gen *g, const struct nook_job_spec *job)
{
	nook_gen_open_array(g, "args");
	for (size_t i = 0; i < job->n_args; i++)
		nook_gen_str(g, job->args[i]);
	nook_gen_close_array(g);
}

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq != NULL ? (size_t)(eq - kv) : strlen(kv);
}

/* Does an entry after index i (of the n in v) set the same variable? */
static bool overridden(const char *const *v, size_t n, size_t i)
{
	size_t len = key_len(v[i]);

	for (size_t j = i + 1; j < n; j++)
		if (key_len(v[j]) == len && strncmp(v[i], v[j], len) == 0)
			return true;
	return false;
}

void nook_spec_job_env(struct nook_gen *g, const char *const *defaults,
                       const struct nook_job_spec *job)
{
	/* HOME as login(1) would set it for root; any other uid has no home
	 * in an arbitrary root, so "/" (and --env HOME=... to say otherwise). */
	const char *home = job->uid == 0 ? "HOME=/root" : "HOME=/";
	const char *all[64];
	size_t n = 0;

	for (; *defaults != NULL && n < 8; defaults++)
		all[n++] = *defaults;
	all[n++] = home;
	nook_gen_open_array(g, "env");
	for (size_t i = 0; i < n; i++) {
		bool later = false;
		for (size_t j = 0; j < job->n_env && !later; j++)
			later = key_len(job->env[j]) == key_len(all[i]) &&
			        strncmp(job->env[j], all[i], key_len(all[i])) == 0;
		if (!later && !overridden(all, n, i))
			nook_gen_str(g, all[i]);
	}
	for (size_t i = 0; i < job->n_env; i++)
		if (!overridden(job->env, job->n_env, i))
			nook_gen_str(g, job->env[i]);
	nook_gen_close_array(g);
}

void nook_spec_job_mounts(struct nook_gen *g, const struct nook_job_spec *job)
{
	static const char *const rw[] = {"rbind", "rw", NULL};
	static const char *const ro[] = {"rbind", "ro", NULL};

	for (size_t i = 0; i < job->n_tmpfs; i++) {
		char size[40];
		const char *opts[] = {"nosuid", "nodev", "mode=1777", size, NULL};

		snprintf(size, sizeof(size), "size=%lld", (long long)job->tmpfs[i].size);
		if (job->tmpfs[i].size == 0)
			opts[3] = NULL;
		nook_spec_gen_mount(g, job->tmpfs[i].dst, "tmpfs", "tmpfs", opts);
	}
	for (size_t i = 0; i < job->n_binds; i++)
		nook_spec_gen_mount(g, job->binds[i].dst, "bind", job->binds[i].src,
		                    job->binds[i].ro ? ro : rw);
}

static void key_int(struct nook_gen *g, const char *k, int64_t v)
{
	nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_integer(g->g, (long long)v));
}

void nook_spec_job_resources(struct nook_gen *g, const struct nook_job_spec *job)
{
	if (job->memory == 0 && job->pids == 0 && job->cpu_quota == 0)
		return;
	nook_gen_open_map(g, "resources");
	if (job->memory > 0) {
		/* swap is memory plus swap (config-linux.md, "Memory"): equal
		 * to the limit, so the job is OOM-killed rather than swapped. */
		nook_gen_open_map(g, "memory");
		key_int(g, "limit", job->memory);
		if (job->memory_swap)
			key_int(g, "swap", job->memory);
		nook_gen_close_map(g);
	}
	if (job->pids > 0) {
		nook_gen_open_map(g, "pids");
		key_int(g, "limit", job->pids);
		nook_gen_close_map(g);
	}
	if (job->cpu_quota > 0) {
		nook_gen_open_map(g, "cpu");
		key_int(g, "quota", job->cpu_quota);
		key_int(g, "period", job->cpu_period);
		nook_gen_close_map(g);
	}
	nook_gen_close_map(g);
}

char *nook_spec_job_json(const struct nook_job_spec *job, size_t *len, struct nook_error *err)
{
	return nook_spec_generate(false, 0, 0, job, len, err);
}
