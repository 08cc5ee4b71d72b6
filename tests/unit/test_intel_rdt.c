/* linux.intelRdt (src/linux/intel_rdt.c) against a fake resctrl tree in a
 * temp dir: this host cannot mount resctrl. The fake has what the kernel
 * would show: the root group's schemata and tasks, a preconfigured closID
 * group. Files the kernel makes with a group and removes with its rmdir are
 * removed by the test before nook_rdt_remove. config-linux.md, "IntelRdt". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/file.h"
#include "nook/intel_rdt.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *rel)
{
	static char buf[4096];
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool is_dir(const char *rel)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void sub(const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void gone(const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(unlink(path), 0);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/nook-rdt.XXXXXX");
	assert_non_null(mkdtemp(root));
	put("schemata", "    L3:0=fffff;1=fffff\n    MB:0=100;1=100\n");
	put("tasks", "");
	sub("mon_groups");
	sub("pre");
	put("pre/schemata", "    L3:0=000ff;1=000ff\n    MB:0= 50;1= 50\n");
	put("pre/tasks", "");
	sub("pre/mon_groups");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* No closID: the group is the container id, made, written in order
 * (l3CacheSchema, memBwSchema, then schemata), the pid in its tasks; on
 * delete it goes. */
static void test_group_named_after_id(void **state)
{
	static char *lines[] = {"L2:0=f", "L3DATA:0=3"};
	struct nook_intel_rdt r = {.present = true,
	                           .l3_cache_schema = "L3:0=ff",
	                           .mem_bw_schema = "MB:0=70",
	                           .schemata = {.v = lines, .n = 2}};
	struct nook_error err;

	assert_int_equal(nook_rdt_apply(root, &r, "ctr1", 4242, &err), 0);
	assert_true(is_dir("ctr1"));
	assert_string_equal(get("ctr1/schemata"), "L3:0=ff\nMB:0=70\nL2:0=f\nL3DATA:0=3\n");
	assert_string_equal(get("ctr1/tasks"), "4242\n");
	assert_string_equal(get("tasks"), ""); /* the root group untouched */

	gone("ctr1/schemata");
	gone("ctr1/tasks");
	assert_int_equal(nook_rdt_remove(root, &r, "ctr1", &err), 0);
	assert_false(is_dir("ctr1"));
	/* gone already: fine */
	assert_int_equal(nook_rdt_remove(root, &r, "ctr1", &err), 0);
}

/* No schema at all: the group is made, but no schemata file is written
 * ("MUST NOT write to schemata files"). */
static void test_no_schema_no_write(void **state)
{
	struct nook_intel_rdt r = {.present = true};
	struct nook_error err;

	assert_int_equal(nook_rdt_apply(root, &r, "ctr2", 7, &err), 0);
	assert_null(get("ctr2/schemata"));
	assert_string_equal(get("ctr2/tasks"), "7\n");
	gone("ctr2/tasks");
	assert_int_equal(nook_rdt_remove(root, &r, "ctr2", &err), 0);
	assert_false(is_dir("ctr2"));
}

/* An existing closID group is joined, never rewritten nor removed; its
 * schemata are compared (white space as the kernel pads it is ignored). */
static void test_existing_closid(void **state)
{
	struct nook_intel_rdt r = {
	    .present = true, .clos_id = "pre", .l3_cache_schema = "L3:0=000ff;1=000ff"};
	struct nook_error err;

	assert_int_equal(nook_rdt_apply(root, &r, "ctr3", 99, &err), 0);
	assert_string_equal(get("pre/tasks"), "99\n");
	assert_string_equal(get("pre/schemata"), "    L3:0=000ff;1=000ff\n    MB:0= 50;1= 50\n");
	assert_int_equal(nook_rdt_remove(root, &r, "ctr3", &err), 0);
	assert_true(is_dir("pre"));

	r.l3_cache_schema = NULL;
	r.mem_bw_schema = "MB:0=50;1=50";
	assert_int_equal(nook_rdt_apply(root, &r, "ctr3", 98, &err), 0);

	r.mem_bw_schema = "MB:0=60;1=60";
	assert_int_equal(nook_rdt_apply(root, &r, "ctr3", 97, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt.memBwSchema: \"MB:0=60;1=60\" does not "
	                                "match "));
	assert_string_equal(get("pre/tasks"), "99\n98\n"); /* not joined */
}

/* closID without schemata must exist; with them, it is made (and, being a
 * closID group, kept on delete: "MUST NOT remove"). */
static void test_closid_rules(void **state)
{
	struct nook_intel_rdt r = {.present = true, .clos_id = "absent"};
	struct nook_error err;

	assert_int_equal(nook_rdt_apply(root, &r, "ctr4", 5, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt.closID: no resctrl group "));
	assert_false(is_dir("absent"));

	r.mem_bw_schema = "MB:0=20";
	assert_int_equal(nook_rdt_apply(root, &r, "ctr4", 5, &err), 0);
	assert_string_equal(get("absent/schemata"), "MB:0=20\n");
	assert_int_equal(nook_rdt_remove(root, &r, "ctr4", &err), 0);
	assert_true(is_dir("absent"));
}

/* closID "/": the root group (the default CLOS). */
static void test_closid_root(void **state)
{
	struct nook_intel_rdt r = {.present = true, .clos_id = "/"};
	struct nook_error err;

	assert_int_equal(nook_rdt_apply(root, &r, "ctr5", 11, &err), 0);
	assert_string_equal(get("tasks"), "11\n");
	assert_int_equal(nook_rdt_remove(root, &r, "ctr5", &err), 0);
	assert_true(is_dir("."));
}

/* enableMonitoring: mon_groups/<id> in the container's group, the pid in
 * its tasks too; removed on delete, even in a kept closID group. */
static void test_monitoring(void **state)
{
	struct nook_intel_rdt r = {.present = true, .clos_id = "pre", .enable_monitoring = true};
	struct nook_error err;

	assert_int_equal(nook_rdt_apply(root, &r, "ctr6", 12, &err), 0);
	assert_true(is_dir("pre/mon_groups/ctr6"));
	assert_string_equal(get("pre/mon_groups/ctr6/tasks"), "12\n");
	assert_string_equal(get("pre/tasks"), "12\n");
	gone("pre/mon_groups/ctr6/tasks");
	assert_int_equal(nook_rdt_remove(root, &r, "ctr6", &err), 0);
	assert_false(is_dir("pre/mon_groups/ctr6"));
	assert_true(is_dir("pre"));

	/* a failed MON group is an error ("MUST return an error") */
	r.clos_id = NULL;
	sub("ctr7");
	put("ctr7/mon_groups", "not a directory");
	assert_int_equal(nook_rdt_apply(root, &r, "ctr7", 13, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt.enableMonitoring: mkdir "));
}

/* This host has no resctrl mount: the error names the field. (Where one is
 * mounted, the test only checks that a root is found.) */
static void test_find_root(void **state)
{
	char r[PATH_MAX];
	struct nook_error err;
	char *mi = nook_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, 4 << 20, NULL, &err);

	assert_non_null(mi);
	bool mounted = strstr(mi, " - resctrl ") != NULL;
	free(mi);
	if (mounted) {
		assert_int_equal(nook_rdt_find_root(r, sizeof(r), &err), 0);
		return;
	}
	assert_int_equal(nook_rdt_find_root(r, sizeof(r), &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt: no resctrl filesystem is mounted"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_group_named_after_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_schema_no_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_existing_closid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closid_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closid_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_monitoring, setup, teardown),
	    cmocka_unit_test(test_find_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
