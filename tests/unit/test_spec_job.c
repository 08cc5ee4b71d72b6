/* nook_spec_job_json() (src/spec/job_config.c through src/spec/default.c):
 * a job's config is `nook spec`'s with the job's parts, parses back and
 * passes the support check. Issue 14. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "nook/host_facts.h"
#include "nook/job.h"
#include "nook/spec.h"

static void parse(const struct nook_job_spec *job, struct nook_spec *s)
{
	struct nook_error err;
	size_t len;
	char *json = nook_spec_job_json(job, &len, &err);

	assert_non_null(json);
	if (nook_spec_parse("job", json, len, s, &err) < 0)
		fail_msg("%s", err.msg);
	if (nook_spec_check_supported(s, &err) < 0)
		fail_msg("%s", err.msg);
	free(json);
}

static bool has_env(const struct nook_spec *s, const char *kv)
{
	for (size_t i = 0; i < s->process.env.n; i++)
		if (strcmp(s->process.env.v[i], kv) == 0)
			return true;
	return false;
}

static size_t count_env(const struct nook_spec *s, const char *key)
{
	size_t n = 0, len = strlen(key);

	for (size_t i = 0; i < s->process.env.n; i++)
		n += strncmp(s->process.env.v[i], key, len) == 0 && s->process.env.v[i][len] == '=';
	return n;
}

static void test_defaults_and_process(void **state)
{
	char *args[] = {"make", "check"};
	struct nook_job_spec job = {.args = args, .n_args = 2, .root_path = "/r", .uid = 0};
	struct nook_spec s;

	parse(&job, &s);
	assert_int_equal(s.process.args.n, 2);
	assert_string_equal(s.process.args.v[1], "check");
	assert_string_equal(s.root.path, "/r");
	assert_string_equal(s.process.cwd, "/");
	assert_true(has_env(&s, "HOME=/root"));
	assert_true(
	    has_env(&s, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	assert_false(s.linux.resources.present);
	assert_non_null(nook_spec_namespace(&s, NOOK_NS_NETWORK));
	assert_int_equal(s.process.rlimits[0].soft, 1024);
	nook_spec_free(&s);
}

/* --env replaces a default and an earlier --env of the same key. */
static void test_env_overrides(void **state)
{
	char *args[] = {"sh"};
	const char *env[] = {"PATH=/bin", "A=1", "HOME=/h", "A=2"};
	struct nook_job_spec job = {
	    .args = args, .n_args = 1, .env = env, .n_env = 4, .root_path = "/r", .uid = 1000};
	struct nook_spec s;

	parse(&job, &s);
	assert_int_equal(count_env(&s, "PATH"), 1);
	assert_true(has_env(&s, "PATH=/bin"));
	assert_int_equal(count_env(&s, "A"), 1);
	assert_true(has_env(&s, "A=2"));
	assert_true(has_env(&s, "HOME=/h"));
	assert_int_equal(count_env(&s, "HOME"), 1);
	assert_true(has_env(&s, "TERM=xterm"));
	assert_int_equal(s.process.user.uid, 1000);
	nook_spec_free(&s);
}

static void test_limits_mounts_network(void **state)
{
	char *args[] = {"true"};
	const struct nook_job_bind binds[] = {{"/src", "/w", true}};
	const struct nook_job_tmpfs tmpfs[] = {{"/t", 1048576}};
	struct nook_job_spec job = {
	    .args = args,
	    .n_args = 1,
	    .root_path = "/r",
	    .binds = binds,
	    .n_binds = 1,
	    .tmpfs = tmpfs,
	    .n_tmpfs = 1,
	    .memory = 33554432,
	    .memory_swap = true,
	    .pids = 10,
	    .cpu_quota = 50000,
	    .cpu_period = 100000,
	    .nofile = 64,
	    .workdir = "/w",
	    .network = NOOK_JOB_NET_HOST,
	};
	struct nook_spec s;

	parse(&job, &s);
	assert_true(s.linux.resources.present);
	assert_int_equal(s.linux.resources.memory.limit, 33554432);
	assert_int_equal(s.linux.resources.memory.swap, 33554432);
	assert_int_equal(s.linux.resources.pids_limit, 10);
	assert_int_equal(s.linux.resources.cpu.quota, 50000);
	assert_int_equal(s.linux.resources.cpu.period, 100000);
	assert_int_equal(s.process.rlimits[0].hard, 64);
	assert_string_equal(s.process.cwd, "/w");
	assert_null(nook_spec_namespace(&s, NOOK_NS_NETWORK));
	const struct nook_mount *t = &s.mounts[s.n_mounts - 2], *b = &s.mounts[s.n_mounts - 1];
	assert_string_equal(t->destination, "/t");
	assert_string_equal(t->options.v[3], "size=1048576");
	assert_string_equal(b->destination, "/w");
	assert_string_equal(b->source, "/src");
	assert_string_equal(b->options.v[1], "ro");
	nook_spec_free(&s);
	job.memory_swap = false; /* a host without swap, or swap accounting */
	parse(&job, &s);
	assert_true(s.linux.resources.memory.has_limit);
	assert_false(s.linux.resources.memory.has_swap);
	nook_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_process),
	    cmocka_unit_test(test_env_overrides),
	    cmocka_unit_test(test_limits_mounts_network),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
