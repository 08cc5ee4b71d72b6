/* The pure half of the systemd cgroup driver (src/linux/cgroup/systemd_props.c),
 * without a bus: "slice:prefix:name" as runc's systemd.md reads it,
 * systemd's slice nesting (systemd.slice(5)), the unit properties of
 * linux.resources and of org.systemd.property.* annotations, state.json's
 * systemdUnit and its check against the pinned linux.cgroupsPath. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/internal.h"
#include "linux/cgroup/systemd.h"

static void expands(const char *slice, const char *want)
{
	char out[1024];
	struct nook_error err;

	assert_int_equal(nook_cg_sd_expand_slice(slice, out, sizeof(out), &err), 0);
	assert_string_equal(out, want);
}

static void refused_slice(const char *slice, const char *msg_part)
{
	char out[1024];
	struct nook_error err;

	assert_int_equal(nook_cg_sd_expand_slice(slice, out, sizeof(out), &err), -1);
	if (strstr(err.msg, msg_part) == NULL)
		fail_msg("\"%s\": \"%s\" does not say \"%s\"", slice, err.msg, msg_part);
	assert_non_null(strstr(err.msg, "linux.cgroupsPath"));
}

static void test_expand_slice(void **state)
{
	expands("system.slice", "system.slice");
	expands("machine.slice", "machine.slice");
	expands("a-b.slice", "a.slice/a-b.slice");
	expands("user-1000.slice", "user.slice/user-1000.slice");
	expands("a-b-c.slice", "a.slice/a-b.slice/a-b-c.slice");
	expands("-.slice", "");
	refused_slice("system", "does not end in \".slice\"");
	refused_slice(".slice", "does not end in \".slice\"");
	refused_slice("a--b.slice", "cannot lead, end or double");
	refused_slice("-a.slice", "cannot lead, end or double");
	refused_slice("a-.slice", "cannot lead, end or double");
	refused_slice("a/b.slice", "not a systemd unit name");
	refused_slice("a b.slice", "not a systemd unit name");
}

static void parses(const char *path, bool user, const char *slice, const char *unit,
                   const char *rel)
{
	struct nook_cg_sd_name n;
	struct nook_error err;

	if (nook_cg_sd_parse(path, "ctr", user, &n, &err) < 0)
		fail_msg("\"%s\": %s", path ? path : "(null)", err.msg);
	assert_string_equal(n.slice, slice);
	assert_string_equal(n.unit, unit);
	assert_string_equal(n.rel, rel);
}

static void refused_path(const char *path, const char *msg_part)
{
	struct nook_cg_sd_name n;
	struct nook_error err;

	assert_int_equal(nook_cg_sd_parse(path, "ctr", false, &n, &err), -1);
	if (strstr(err.msg, msg_part) == NULL || strstr(err.msg, "linux.cgroupsPath") == NULL)
		fail_msg("\"%s\": \"%s\" does not say \"%s\"", path, err.msg, msg_part);
}

static void test_parse_cgroups_path(void **state)
{
	parses("system.slice:nook:ctr", false, "system.slice", "nook-ctr.scope",
	       "system.slice/nook-ctr.scope");
	/* what podman and containerd send (issue 11) */
	parses("machine.slice:libpod:0123abc", false, "machine.slice", "libpod-0123abc.scope",
	       "machine.slice/libpod-0123abc.scope");
	parses("system.slice:ctr:web", false, "system.slice", "ctr-web.scope",
	       "system.slice/ctr-web.scope");
	parses("a-b.slice:p:n", false, "a-b.slice", "p-n.scope", "a.slice/a-b.slice/p-n.scope");
	/* the defaults: system.slice; user.slice for a user manager; no path
	 * is ":nook:<id>" (runc: ":runc:<id>") */
	parses(":nook:ctr", false, "system.slice", "nook-ctr.scope", "system.slice/nook-ctr.scope");
	parses(":nook:ctr", true, "user.slice", "nook-ctr.scope", "user.slice/nook-ctr.scope");
	parses(NULL, false, "system.slice", "nook-ctr.scope", "system.slice/nook-ctr.scope");
	parses("", false, "system.slice", "nook-ctr.scope", "system.slice/nook-ctr.scope");
	parses("-.slice:p:n", false, "-.slice", "p-n.scope", "p-n.scope");
	parses("system.slice::n", false, "system.slice", "n.scope", "system.slice/n.scope");

	refused_path("system.slice:nook", "three fields");
	refused_path("/nook/ctr", "slice:prefix:name");
	refused_path("system.slice:nook:ctr:x", "not more");
	refused_path("system.slice:nook:", "the name (third field) is empty");
	refused_path("system.slice:p:x.slice", "not supported");
	refused_path("system.slice:p:a/b", "letters, digits");
	refused_path("system.slice:p@x:n", "letters, digits");
	refused_path("system:nook:ctr", "does not end in \".slice\"");
	refused_path("a--b.slice:nook:ctr", "cannot lead, end or double");
}

static void mask_is(const char *list, const uint8_t *want, size_t n_want)
{
	uint8_t *mask;
	size_t n;
	struct nook_error err;

	if (nook_cg_sd_cpuset_mask(list, "cfg", &mask, &n, &err) < 0)
		fail_msg("\"%s\": %s", list, err.msg);
	assert_int_equal(n, n_want);
	if (n > 0)
		assert_memory_equal(mask, want, n);
	free(mask);
}

static void test_cpuset_mask(void **state)
{
	struct nook_error err;
	uint8_t *mask;
	size_t n;

	mask_is("0-3,7", (const uint8_t[]){0x8f}, 1);
	mask_is("8", (const uint8_t[]){0x00, 0x01}, 2);
	mask_is("0,9-10", (const uint8_t[]){0x01, 0x06}, 2);
	mask_is("", NULL, 0);
	static const char *const bad[] = {"3-1", "a", "1,,2", "-1", "1-", "1 2", "9000"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (nook_cg_sd_cpuset_mask(bad[i], "linux.resources.cpu.cpus", &mask, &n, &err) !=
		    -1)
			fail_msg("\"%s\" was taken", bad[i]);
		assert_non_null(strstr(err.msg, "linux.resources.cpu.cpus"));
	}
}

static void test_quota_per_sec(void **state)
{
	assert_int_equal(nook_cg_sd_quota_per_sec(50000, 100000), 500000);
	assert_int_equal(nook_cg_sd_quota_per_sec(100000, 0), 1000000); /* default period */
	/* 333330us a second is rounded up to 10ms, as runc does */
	assert_int_equal(nook_cg_sd_quota_per_sec(33333, 100000), 340000);
	assert_true(nook_cg_sd_quota_per_sec(-1, 100000) == UINT64_MAX);
	assert_true(nook_cg_sd_quota_per_sec(0, 100000) == UINT64_MAX);
}

static const struct nook_cg_sd_prop *find(const struct nook_cg_sd_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

static uint64_t u64_of(const struct nook_cg_sd_props *p, const char *name)
{
	const struct nook_cg_sd_prop *x = find(p, name);
	if (x == NULL)
		fail_msg("no property %s", name);
	assert_string_equal(x->sig, "t");
	return x->u;
}

static void test_resource_props(void **state)
{
	struct nook_resources r = {0};
	struct nook_cg_sd_props p = {0};
	struct nook_error err;

	r.memory.present = r.memory.has_limit = r.memory.has_swap = r.memory.has_reservation = true;
	r.memory.limit = 1 << 30;
	r.memory.swap = 3LL << 29;
	r.memory.reservation = 1 << 20;
	r.cpu.has_shares = r.cpu.has_quota = r.cpu.has_period = true;
	r.cpu.shares = 1024;
	r.cpu.quota = 50000;
	r.cpu.period = 200000;
	r.cpu.cpus = "0-1";
	r.has_pids_limit = true;
	r.pids_limit = 100;
	r.block_io.present = r.block_io.has_weight = true;
	r.block_io.weight = 1000;
	assert_int_equal(nook_cg_sd_resource_props(&r, &p, &err), 0);
	assert_int_equal(u64_of(&p, "MemoryMax"), 1 << 30);
	assert_int_equal(u64_of(&p, "MemorySwapMax"), 1 << 29); /* swap is memory+swap */
	assert_int_equal(u64_of(&p, "MemoryLow"), 1 << 20);
	assert_int_equal(u64_of(&p, "CPUWeight"), nook_cgroup_shares_to_weight(1024));
	assert_int_equal(u64_of(&p, "CPUWeight"), 39);
	assert_int_equal(u64_of(&p, "CPUQuotaPeriodUSec"), 200000);
	assert_int_equal(u64_of(&p, "CPUQuotaPerSecUSec"), 250000);
	assert_int_equal(u64_of(&p, "TasksMax"), 100);
	assert_int_equal(u64_of(&p, "IOWeight"), 10000);
	const struct nook_cg_sd_prop *cpus = find(&p, "AllowedCPUs");
	assert_non_null(cpus);
	assert_string_equal(cpus->sig, "ay");
	assert_int_equal(cpus->n_bytes, 1);
	assert_int_equal(cpus->bytes[0], 0x03);
	assert_null(find(&p, "AllowedMemoryNodes"));
	nook_cg_sd_props_free(&p);

	/* -1 is systemd's infinity; nothing asked, nothing set */
	struct nook_resources inf = {0};
	inf.memory.present = inf.memory.has_limit = inf.memory.has_swap = true;
	inf.memory.limit = -1;
	inf.memory.swap = -1;
	inf.has_pids_limit = true;
	inf.pids_limit = -1;
	inf.cpu.has_quota = true;
	inf.cpu.quota = -1;
	assert_int_equal(nook_cg_sd_resource_props(&inf, &p, &err), 0);
	assert_true(u64_of(&p, "MemoryMax") == UINT64_MAX);
	assert_true(u64_of(&p, "MemorySwapMax") == UINT64_MAX);
	assert_true(u64_of(&p, "TasksMax") == UINT64_MAX);
	assert_true(u64_of(&p, "CPUQuotaPerSecUSec") == UINT64_MAX);
	assert_null(find(&p, "CPUQuotaPeriodUSec"));
	assert_null(find(&p, "CPUWeight"));
	nook_cg_sd_props_free(&p);

	struct nook_resources bad = {0};
	bad.cpu.mems = "0-x";
	assert_int_equal(nook_cg_sd_resource_props(&bad, &p, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.cpu.mems"));
	nook_cg_sd_props_free(&p);
}

static void test_annotation_props(void **state)
{
	struct nook_kv kv[] = {
	    {"org.systemd.property.TimeoutStopUSec", "uint64 123456789"},
	    {"org.systemd.property.CollectMode", "'inactive-or-failed'"},
	    {"org.systemd.property.IgnoreSIGPIPE", "false"},
	    {"org.systemd.property.Nice", "5"},
	    {"org.systemd.property.MemoryMax", "uint64 4096"},
	    {"io.podman.whatever", "x"},
	};
	struct nook_map ann = {kv, sizeof(kv) / sizeof(kv[0])};
	struct nook_cg_sd_props p = {0};
	struct nook_error err;
	struct nook_resources r = {0};

	r.memory.present = r.memory.has_limit = true;
	r.memory.limit = 1 << 20;
	assert_int_equal(nook_cg_sd_resource_props(&r, &p, &err), 0);
	assert_int_equal(nook_cg_sd_annotation_props(&ann, &p, &err), 0);
	assert_int_equal(p.n, 5); /* MemoryMax once: the annotation wins (runc) */
	assert_int_equal(u64_of(&p, "TimeoutStopUSec"), 123456789);
	assert_int_equal(u64_of(&p, "MemoryMax"), 4096);
	assert_string_equal(find(&p, "CollectMode")->sig, "s");
	assert_string_equal(find(&p, "CollectMode")->s, "inactive-or-failed");
	assert_string_equal(find(&p, "IgnoreSIGPIPE")->sig, "b");
	assert_int_equal(find(&p, "IgnoreSIGPIPE")->u, 0);
	assert_string_equal(find(&p, "Nice")->sig, "i"); /* GVariant: a bare integer is int32 */
	assert_int_equal(find(&p, "Nice")->i, 5);
	assert_null(find(&p, "whatever"));
	nook_cg_sd_props_free(&p);

	static const struct {
		const char *key, *value, *says;
	} bad[] = {
	    {"org.systemd.property.X", "uint64 -1", "not a value"},
	    {"org.systemd.property.X", "uint64 x", "not a value"},
	    {"org.systemd.property.X", "unquoted text", "not a value"},
	    {"org.systemd.property.X", "uint32 4294967296", "not a value"},
	    {"org.systemd.property.X", "", "not a value"},
	    {"org.systemd.property.a-b", "true", "not a systemd property name"},
	    {"org.systemd.property.", "true", "not a systemd property name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nook_kv one = {(char *)bad[i].key, (char *)bad[i].value};
		struct nook_map m = {&one, 1};
		assert_int_equal(nook_cg_sd_annotation_props(&m, &p, &err), -1);
		if (strstr(err.msg, bad[i].says) == NULL || strstr(err.msg, bad[i].key) == NULL)
			fail_msg("%s=%s: \"%s\"", bad[i].key, bad[i].value, err.msg);
		assert_int_equal(p.n, 0); /* nothing half made is left */
		nook_cg_sd_props_free(&p);
	}
}

static void test_json_unit_round_trip(void **state)
{
	struct nook_cgroup_dir dir = {"", "/sys/fs/cgroup/system.slice/nook-x.scope", true, 1};
	struct nook_cgroup cg = {.mode = NOOK_CGROUP_UNIFIED,
	                         .dirs = &dir,
	                         .n_dirs = 1,
	                         .unit = "nook-x.scope"},
	                   back;
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char errbuf[256], text[1024];
	struct nook_error err;

	assert_int_equal(nook_cgroup_to_json(&cg, g), 0);
	yajl_gen_get_buf(g, &buf, &len);
	snprintf(text, sizeof(text), "%.*s", (int)len, buf);
	yajl_gen_free(g);
	assert_non_null(strstr(text, "\"systemdUnit\":\"nook-x.scope\""));
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	assert_non_null(v);
	assert_int_equal(nook_cgroup_from_json(v, &back, &err), 0);
	yajl_tree_free(v);
	assert_string_equal(back.unit, "nook-x.scope");
	assert_string_equal(back.dirs[0].path, dir.path);
	nook_cgroup_free(&back);
	assert_null(back.unit);

	/* the cgroupfs driver's state has none */
	cg.unit = NULL;
	g = yajl_gen_alloc(NULL);
	assert_int_equal(nook_cgroup_to_json(&cg, g), 0);
	yajl_gen_get_buf(g, &buf, &len);
	assert_null(strstr((const char *)buf, "systemdUnit"));
	yajl_gen_free(g);
}

/* state.json is data: its unit and directory must be the ones the pinned
 * linux.cgroupsPath plans (issue 9's rule, trust.c). Run as root here, so
 * the system manager's exact path is wanted. */
static void test_check_saved_unit(void **state)
{
	struct nook_cgroup_dir dir = {"", "/sys/fs/cgroup/system.slice/nook-x.scope", true, 1};
	struct nook_cgroup cg = {
	    .mode = NOOK_CGROUP_UNIFIED, .dirs = &dir, .n_dirs = 1, .unit = "nook-x.scope"};
	struct nook_error err;
	const char *mnt = "/sys/fs/cgroup";

	assert_int_equal(nook_cg_sd_check_saved(&cg, "system.slice:nook:x", "x", mnt, &err), 0);
	assert_int_equal(nook_cg_sd_check_saved(&cg, NULL, "x", mnt, &err), 0); /* :nook:<id> */
	assert_int_equal(nook_cg_sd_check_saved(&cg, "machine.slice:nook:x", "x", mnt, &err), -1);
	assert_non_null(strstr(err.msg, "is not the directory of unit"));
	assert_int_equal(nook_cg_sd_check_saved(&cg, "system.slice:other:x", "x", mnt, &err), -1);
	assert_non_null(strstr(err.msg, "planned for linux.cgroupsPath"));
	dir.path = "/sys/fs/cgroup/init.scope";
	assert_int_equal(nook_cg_sd_check_saved(&cg, "system.slice:nook:x", "x", mnt, &err), -1);
	dir.path = "/sys/fs/cgroup/system.slice/../init.scope/system.slice/nook-x.scope";
	assert_int_equal(nook_cg_sd_check_saved(&cg, "system.slice:nook:x", "x", mnt, &err), -1);
	dir.path = "/sys/fs/cgroup/system.slice/nook-x.scope";
	dir.hierarchy = "memory";
	assert_int_equal(nook_cg_sd_check_saved(&cg, "system.slice:nook:x", "x", mnt, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expand_slice),         cmocka_unit_test(test_parse_cgroups_path),
	    cmocka_unit_test(test_cpuset_mask),          cmocka_unit_test(test_quota_per_sec),
	    cmocka_unit_test(test_resource_props),       cmocka_unit_test(test_annotation_props),
	    cmocka_unit_test(test_json_unit_round_trip), cmocka_unit_test(test_check_saved_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
