/* process.scheduler → struct sched_attr and linux.memoryPolicy → the
 * arguments of set_mempolicy (src/spec/sched_attr.c, src/spec/mempolicy_args.c),
 * from config JSON, and the support check that refuses bad values before
 * anything is made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "nook/mempolicy.h"
#include "nook/scheduler.h"
#include "nook/host_facts.h"
#include "nook/spec.h"

#define DOC(x)   "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}," x "}"
#define SCHED(x) DOC("\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"scheduler\":{" x "}}")
#define MPOL(x)  DOC("\"linux\":{\"memoryPolicy\":{" x "}}")

static struct nook_spec spec;

static void parse(const char *json)
{
	struct nook_error err;

	nook_spec_free(&spec);
	memset(&spec, 0, sizeof(spec));
	if (nook_spec_parse("config.json", json, strlen(json), &spec, &err) < 0)
		fail_msg("does not parse: %s", err.msg);
}

static int teardown(void **state)
{
	nook_spec_free(&spec);
	memset(&spec, 0, sizeof(spec));
	return 0;
}

/* ---- scheduler ---- */

static struct nook_sched_attr attr_of(const char *json)
{
	struct nook_sched_attr a;
	struct nook_error err;

	parse(json);
	if (nook_sched_attr_from_spec(&spec.process.scheduler, &a, &err) < 0)
		fail_msg("refused: %s: %s", json, err.msg);
	return a;
}

static void test_sched_attr(void **state)
{
	struct nook_sched_attr a = attr_of(SCHED("\"policy\":\"SCHED_BATCH\",\"nice\":5"));

	assert_int_equal(a.size, 56);
	assert_int_equal(a.sched_policy, 3);
	assert_int_equal(a.sched_nice, 5);
	assert_int_equal(a.sched_priority, 0);
	assert_int_equal(a.sched_flags, 0);

	a = attr_of(SCHED("\"policy\":\"SCHED_FIFO\",\"priority\":10,\"flags\":"
	                  "[\"SCHED_FLAG_RESET_ON_FORK\",\"SCHED_FLAG_KEEP_PARAMS\"]"));
	assert_int_equal(a.sched_policy, 1);
	assert_int_equal(a.sched_priority, 10);
	assert_int_equal(a.sched_flags, 0x11);

	a = attr_of(SCHED("\"policy\":\"SCHED_RR\",\"priority\":99,\"nice\":50"));
	assert_int_equal(a.sched_policy, 2);
	assert_int_equal(a.sched_nice, 50); /* runc checks nice for OTHER and BATCH only */

	a = attr_of(SCHED("\"policy\":\"SCHED_IDLE\""));
	assert_int_equal(a.sched_policy, 5);

	a = attr_of(SCHED("\"policy\":\"SCHED_OTHER\",\"nice\":-20"));
	assert_int_equal(a.sched_policy, 0);
	assert_int_equal(a.sched_nice, -20);

	a = attr_of(SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,"
	                  "\"deadline\":20000000,\"period\":40000000,"
	                  "\"flags\":[\"SCHED_FLAG_RECLAIM\",\"SCHED_FLAG_DL_OVERRUN\"]"));
	assert_int_equal(a.sched_policy, 6);
	assert_int_equal(a.sched_runtime, 10000000);
	assert_int_equal(a.sched_deadline, 20000000);
	assert_int_equal(a.sched_period, 40000000);
	assert_int_equal(a.sched_flags, 0x06);

	/* sched(7): period 0 means the deadline */
	a = attr_of(SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":1024,\"deadline\":1024"));
	assert_int_equal(a.sched_period, 0);
}

static void test_sched_flags(void **state)
{
	static const struct {
		const char *name;
		uint64_t bit;
	} flags[] = {
	    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
	    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
	    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
	    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
	};
	char json[256];

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		snprintf(json, sizeof(json), SCHED("\"policy\":\"SCHED_OTHER\",\"flags\":[\"%s\"]"),
		         flags[i].name);
		assert_int_equal(attr_of(json).sched_flags, flags[i].bit);
	}
}

static void test_sched_refused(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
	    {SCHED("\"policy\":\"SCHED_ISO\""),
	     "not supported: process.scheduler.policy: Linux has no SCHED_ISO policy"},
	    {SCHED("\"policy\":\"SCHED_FIFO\""),
	     "process.scheduler.priority: SCHED_FIFO needs a priority from 1 to 99, got 0"},
	    {SCHED("\"policy\":\"SCHED_RR\",\"priority\":100"),
	     "process.scheduler.priority: SCHED_RR needs a priority from 1 to 99, got 100"},
	    {SCHED("\"policy\":\"SCHED_OTHER\",\"priority\":5"),
	     "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, "
	     "SCHED_OTHER needs 0, got 5"},
	    {SCHED("\"policy\":\"SCHED_OTHER\",\"nice\":20"),
	     "process.scheduler.nice: 20 is outside -20..19"},
	    {SCHED("\"policy\":\"SCHED_BATCH\",\"nice\":-21"),
	     "process.scheduler.nice: -21 is outside -20..19"},
	    {SCHED("\"policy\":\"SCHED_IDLE\",\"period\":5"),
	     "process.scheduler.period: only SCHED_DEADLINE takes a runtime, deadline and period"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"deadline\":20000000"),
	     "process.scheduler.runtime: sched_setattr: `SCHED_DEADLINE` requires `runtime`"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000"),
	     "process.scheduler.deadline: sched_setattr: `SCHED_DEADLINE` requires `deadline`"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":0,\"deadline\":20000000"),
	     "process.scheduler.runtime: sched_setattr: `SCHED_DEADLINE` runtime must be "
	     "greater than 0"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":1023,\"deadline\":20000000"),
	     "process.scheduler.runtime: sched_setattr: `SCHED_DEADLINE` runtime (1023) must be "
	     "between 1024 and 9223372036854775807"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":9223372036854775809,"
	           "\"deadline\":9223372036854775810"),
	     "process.scheduler.runtime: sched_setattr: `SCHED_DEADLINE` runtime "
	     "(9223372036854775809) must be between"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":30000000,\"deadline\":20000000"),
	     "process.scheduler.runtime: sched_setattr: `SCHED_DEADLINE` runtime (30000000) must "
	     "be <= deadline (20000000)"},
	    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,\"deadline\":30000000,"
	           "\"period\":20000000"),
	     "process.scheduler.deadline: sched_setattr: `SCHED_DEADLINE` deadline (30000000) "
	     "must be <= period (20000000)"},
	};
	struct nook_sched_attr a;
	struct nook_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(cases[i].json);
		if (nook_sched_attr_from_spec(&spec.process.scheduler, &a, &err) != -1)
			fail_msg("case %zu accepted", i);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, cases[i].msg);
		/* the create-time check says the same */
		assert_int_equal(nook_spec_check_supported(&spec, &err), -1);
		assert_memory_equal(err.msg, cases[i].msg, strlen(cases[i].msg));
	}
}

/* ---- memory policy ---- */

static void test_nodes_parse(void **state)
{
	unsigned long mask[NOOK_MPOL_MAX_NODES / NOOK_MPOL_LONG_BITS];
	struct nook_error err;
	size_t n;

	assert_int_equal(nook_mempolicy_parse_nodes("0-3,7", mask, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(mask[0], 0x8fUL);
	assert_int_equal(nook_mempolicy_parse_nodes(" 1 , 3 - 4 ", mask, &n, &err), 0);
	assert_int_equal(mask[0], 0x1aUL);
	assert_int_equal(nook_mempolicy_parse_nodes("0-3,2", mask, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(nook_mempolicy_parse_nodes("", mask, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nook_mempolicy_parse_nodes("1023", mask, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mask[1023 / NOOK_MPOL_LONG_BITS], 1UL << (1023 % NOOK_MPOL_LONG_BITS));

	static const struct {
		const char *s, *msg;
	} bad[] = {
	    {"1024", "node 1024 is out of range (Linux has at most 1024 nodes)"},
	    {"10284838", "node 10284838 is out of range"},
	    {"3-1", "range 3-1 goes backwards"},
	    {"1,,2", "expected a node number at \",2\""},
	    {"1-", "expected a node number at \"\""},
	    {"-1", "expected a node number at \"-1\""},
	    {"bad", "expected a node number at \"bad\""},
	    {"1;2", "expected \",\" or \"-\" at \";2\""},
	    {"0x1", "expected \",\" or \"-\" at \"x1\""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (nook_mempolicy_parse_nodes(bad[i].s, mask, &n, &err) != -1)
			fail_msg("\"%s\" accepted", bad[i].s);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", bad[i].s, err.msg, bad[i].msg);
	}
}

static struct nook_mempolicy mpol_of(const char *json)
{
	struct nook_mempolicy mp;
	struct nook_error err;

	parse(json);
	if (nook_mempolicy_from_spec(&spec.linux.memory_policy, &mp, &err) < 0)
		fail_msg("refused: %s: %s", json, err.msg);
	return mp;
}

static void test_mempolicy_args(void **state)
{
	struct nook_mempolicy mp = mpol_of(MPOL("\"mode\":\"MPOL_BIND\",\"nodes\":\"0\""));

	assert_int_equal(mp.mode, 2);
	assert_true(mp.nodes);
	assert_int_equal(mp.mask[0], 1);

	mp = mpol_of(MPOL("\"mode\":\"MPOL_BIND\",\"nodes\":\"0-1\",\"flags\":"
	                  "[\"MPOL_F_NUMA_BALANCING\",\"MPOL_F_RELATIVE_NODES\"]"));
	assert_int_equal(mp.mode, 2 | (1 << 13) | (1 << 14));
	assert_int_equal(mp.mask[0], 3);

	mp = mpol_of(MPOL("\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"2\",\"flags\":"
	                  "[\"MPOL_F_STATIC_NODES\"]"));
	assert_int_equal(mp.mode, 1 | (1 << 15));

	mp = mpol_of(MPOL("\"mode\":\"MPOL_PREFERRED\"")); /* local allocation */
	assert_int_equal(mp.mode, 1);
	assert_false(mp.nodes);

	mp = mpol_of(MPOL("\"mode\":\"MPOL_PREFERRED_MANY\",\"nodes\":\"0\",\"flags\":"
	                  "[\"MPOL_F_NUMA_BALANCING\"]"));
	assert_int_equal(mp.mode, 5 | (1 << 13));
	assert_int_equal(mpol_of(MPOL("\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0\"")).mode, 3);
	assert_int_equal(
	    mpol_of(MPOL("\"mode\":\"MPOL_WEIGHTED_INTERLEAVE\",\"nodes\":\"0\"")).mode, 6);
	assert_int_equal(mpol_of(MPOL("\"mode\":\"MPOL_LOCAL\"")).mode, 4);
	mp = mpol_of(MPOL("\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"\""));
	assert_int_equal(mp.mode, 0);
	assert_false(mp.nodes);
}

static void test_mempolicy_refused(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
	    {MPOL("\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"bad\""),
	     "linux.memoryPolicy.nodes: expected a node list such as \"0-3,7\", got \"bad\": "
	     "expected a node number at \"bad\""},
	    {MPOL("\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"10284838\""),
	     "linux.memoryPolicy.nodes: expected a node list such as \"0-3,7\", got "
	     "\"10284838\": node 10284838 is out of range"},
	    {MPOL("\"mode\":\"MPOL_INTERLEAVE\""),
	     "linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node"},
	    {MPOL("\"mode\":\"MPOL_BIND\",\"nodes\":\" \""),
	     "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node"},
	    {MPOL("\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"0\""),
	     "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes, got \"0\""},
	    {MPOL("\"mode\":\"MPOL_LOCAL\",\"nodes\":\"1-2\""),
	     "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes, got \"1-2\""},
	    {MPOL("\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"0\",\"flags\":"
	          "[\"MPOL_F_RELATIVE_NODES\",\"MPOL_F_STATIC_NODES\"]"),
	     "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude "
	     "each other"},
	    {MPOL("\"mode\":\"MPOL_PREFERRED\",\"flags\":[\"MPOL_F_RELATIVE_NODES\"]"),
	     "linux.memoryPolicy.flags: MPOL_PREFERRED without nodes (local allocation) does not "
	     "take MPOL_F_RELATIVE_NODES"},
	    {MPOL("\"mode\":\"MPOL_LOCAL\",\"flags\":[\"MPOL_F_STATIC_NODES\"]"),
	     "linux.memoryPolicy.flags: MPOL_LOCAL does not take MPOL_F_STATIC_NODES"},
	    {MPOL("\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"0\",\"flags\":"
	          "[\"MPOL_F_NUMA_BALANCING\"]"),
	     "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING goes only with MPOL_BIND or "
	     "MPOL_PREFERRED_MANY, not MPOL_PREFERRED"},
	};
	struct nook_mempolicy mp;
	struct nook_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(cases[i].json);
		if (nook_mempolicy_from_spec(&spec.linux.memory_policy, &mp, &err) != -1)
			fail_msg("case %zu accepted", i);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, cases[i].msg);
		assert_int_equal(nook_spec_check_supported(&spec, &err), -1);
		assert_memory_equal(err.msg, cases[i].msg, strlen(cases[i].msg));
	}
}

/* What `nook features` lists is what the config parser and
 * nook_mempolicy_from_spec accept. */
static void test_mempolicy_names(void **state)
{
	char json[256];
	size_t i;

	for (i = 0; nook_mempolicy_mode_name(i) != NULL; i++) {
		const char *m = nook_mempolicy_mode_name(i);
		bool no_nodes = strcmp(m, "MPOL_DEFAULT") == 0 || strcmp(m, "MPOL_LOCAL") == 0;

		snprintf(json, sizeof(json), MPOL("\"mode\":\"%s\",\"nodes\":\"%s\""), m,
		         no_nodes ? "" : "0");
		mpol_of(json);
	}
	assert_int_equal(i, 7);
	for (i = 0; nook_mempolicy_flag_name(i) != NULL; i++) {
		snprintf(json, sizeof(json),
		         MPOL("\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"%s\"]"),
		         nook_mempolicy_flag_name(i));
		mpol_of(json);
	}
	assert_int_equal(i, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_sched_attr, teardown),
	    cmocka_unit_test_teardown(test_sched_flags, teardown),
	    cmocka_unit_test_teardown(test_sched_refused, teardown),
	    cmocka_unit_test(test_nodes_parse),
	    cmocka_unit_test_teardown(test_mempolicy_args, teardown),
	    cmocka_unit_test_teardown(test_mempolicy_refused, teardown),
	    cmocka_unit_test_teardown(test_mempolicy_names, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
