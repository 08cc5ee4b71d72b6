/* The cgroup layer: parsing and paths from fake /proc files, the v2
 * renderings, JSON, and on this host for real: an eBPF device filter on a
 * throwaway v2 cgroup, and freeze + destroy on a throwaway v1 freezer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"
#include "nook/log.h"

/* rm -r of a scratch directory of this file's tests. */
static int run_cmd_rm(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static const char hybrid_mountinfo[] =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "41 30 0:28 / /mnt/again rw,relatime - cgroup cgroup rw,cpuacct,cpu\n";

static const char hybrid_self[] = "9:name=systemd:/\n"
                                  "4:memory:/process_api/abc\n"
                                  "1:cpuacct,cpu:/\n"
                                  "0::/user.slice\n";

static void test_parse_mountinfo(void **state)
{
	struct nook_cg_layout l;
	struct nook_error err;

	assert_int_equal(nook_cg_parse_mountinfo(hybrid_mountinfo, &l, &err), 0);
	assert_int_equal(l.mode, NOOK_CGROUP_HYBRID);
	assert_int_equal(l.n, 4); /* the second cpu,cpuacct mount is the same hierarchy */
	assert_string_equal(l.h[0].controllers, "cpu,cpuacct");
	assert_string_equal(l.h[0].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(l.h[2].controllers, "name=systemd");
	assert_string_equal(l.h[3].controllers, "");
	nook_cg_layout_free(&l);

	assert_int_equal(nook_cg_parse_mountinfo("1 0 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 "
	                                         "rw\n",
	                                         &l, &err),
	                 0);
	assert_int_equal(l.mode, NOOK_CGROUP_UNIFIED);
	nook_cg_layout_free(&l);
	assert_int_equal(nook_cg_parse_mountinfo("1 0 0:1 / / rw - ext4 /dev/sda rw\n", &l, &err),
	                 -1);
}

static void resolve(const char *cgroups_path, const char *const want[4])
{
	struct nook_cg_layout l;
	struct nook_cgroup cg;
	struct nook_error err;

	assert_int_equal(nook_cg_parse_mountinfo(hybrid_mountinfo, &l, &err), 0);
	if (nook_cg_resolve(&l, hybrid_self, cgroups_path, "ctr", &cg, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(cg.n_dirs, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(cg.dirs[i].path, want[i]);
	assert_string_equal(cg.dirs[0].hierarchy, "cpu,cpuacct");
	assert_false(cg.dirs[0].created);
	nook_cgroup_free(&cg);
	nook_cg_layout_free(&l);
}

static void test_resolve_paths(void **state)
{
	static const char *const absent[] = {
	    "/sys/fs/cgroup/cpu,cpuacct/ctr", "/sys/fs/cgroup/memory/process_api/abc/ctr",
	    "/sys/fs/cgroup/systemd/ctr", "/sys/fs/cgroup/unified/ctr"};
	/* v1: under the caller's own cgroup; v2: under its parent (the caller
	 * sits in /user.slice, which the no-internal-process rule keeps from
	 * having controllers enabled for children) */
	static const char *const relative[] = {
	    "/sys/fs/cgroup/cpu,cpuacct/nook/x", "/sys/fs/cgroup/memory/process_api/abc/nook/x",
	    "/sys/fs/cgroup/systemd/nook/x", "/sys/fs/cgroup/unified/nook/x"};
	static const char *const absolute[] = {
	    "/sys/fs/cgroup/cpu,cpuacct/nook/x", "/sys/fs/cgroup/memory/nook/x",
	    "/sys/fs/cgroup/systemd/nook/x", "/sys/fs/cgroup/unified/nook/x"};

	resolve(NULL, absent);
	resolve("nook//x/", relative);
	resolve("/nook/./x", absolute);
}

static void test_resolve_refuses_dotdot(void **state)
{
	struct nook_cg_layout l;
	struct nook_cgroup cg;
	struct nook_error err;

	assert_int_equal(nook_cg_parse_mountinfo(hybrid_mountinfo, &l, &err), 0);
	assert_int_equal(nook_cg_resolve(&l, hybrid_self, "/a/../../etc", "c", &cg, &err), -1);
	assert_non_null(strstr(err.msg, "linux.cgroupsPath"));
	assert_int_equal(nook_cg_resolve(&l, hybrid_self, "/", "c", &cg, &err), -1);
	nook_cg_layout_free(&l);
}

/* A directory read back from state.json is acted on only where it is the
 * one nook plans (issue 9: delete killed in and removed a host cgroup named
 * there). */
static int check_saved(const char *cgroups_path, const char *hier, const char *path,
                       unsigned *n_created)
{
	struct nook_cg_layout l;
	struct nook_error err;
	struct nook_cgroup_dir d = {
	    .hierarchy = (char *)hier, .path = (char *)path, .created = true};
	int rc;

	d.n_created = *n_created;
	assert_int_equal(nook_cg_parse_mountinfo(hybrid_mountinfo, &l, &err), 0);
	rc = nook_cg_check_saved_dir(&l, cgroups_path, "ctr", &d, &err);
	nook_cg_layout_free(&l);
	*n_created = d.n_created;
	return rc;
}

static void test_check_saved_dir(void **state)
{
	static const struct {
		const char *cgroups_path, *hier, *path;
		int rc;
	} cases[] = {
	    /* the plans of test_resolve_paths, and any creator's own cgroup
	     * before a relative path */
	    {NULL, "memory", "/sys/fs/cgroup/memory/process_api/abc/ctr", 0},
	    {NULL, "memory", "/sys/fs/cgroup/memory/ctr", 0},
	    {NULL, "cpuacct,cpu", "/sys/fs/cgroup/cpu,cpuacct/ctr", 0},
	    {NULL, "", "/sys/fs/cgroup/unified/ctr", 0},
	    {"nook//x/", "name=systemd", "/sys/fs/cgroup/systemd/a/b/nook/x", 0},
	    {"/nook/./x", "memory", "/sys/fs/cgroup/memory/nook/x", 0},
	    /* not the plan */
	    {NULL, "memory", "/sys/fs/cgroup/memory/other", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory/xctr", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory/ctr/child", -1},
	    {"/nook/x", "memory", "/sys/fs/cgroup/memory/process_api/abc/nook/x", -1},
	    {"nook/x", "memory", "/sys/fs/cgroup/memory/x", -1},
	    /* not below the hierarchy's mount, or not canonical */
	    {NULL, "memory", "/sys/fs/cgroup/memoryx/ctr", -1},
	    {NULL, "memory", "/sys/fs/cgroup/cpu,cpuacct/ctr", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory/", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory/../memory/ctr", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory/a/../ctr", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory/./ctr", -1},
	    {NULL, "memory", "/sys/fs/cgroup/memory//ctr", -1},
	    {NULL, "memory", "/tmp/ctr", -1},
	    /* a hierarchy that is not mounted, or v1 and v2 mixed up */
	    {NULL, "nosuch", "/sys/fs/cgroup/memory/ctr", -1},
	    {NULL, "", "/sys/fs/cgroup/memory/ctr", -1},
	    {NULL, "memory,cpu", "/sys/fs/cgroup/memory/ctr", -1},
	    /* a cgroupsPath create would refuse */
	    {"../x", "memory", "/sys/fs/cgroup/memory/x", -1},
	};

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(cases); i++) {
		unsigned n = 1;
		if (check_saved(cases[i].cgroups_path, cases[i].hier, cases[i].path, &n) !=
		    cases[i].rc)
			fail_msg("case %zu: %s in \"%s\" for %s: expected %d", i, cases[i].path,
			         cases[i].hier,
			         cases[i].cgroups_path ? cases[i].cgroups_path : "(id)",
			         cases[i].rc);
	}
}

static void test_check_saved_dir_cuts_created_depth(void **state)
{
	unsigned n = 5;

	/* nook made at most the components of the cgroupsPath, never the
	 * creator's own cgroup above it */
	assert_int_equal(
	    check_saved("nook/x", "memory", "/sys/fs/cgroup/memory/process_api/abc/nook/x", &n), 0);
	assert_int_equal(n, 2);
	n = 3;
	assert_int_equal(
	    check_saved(NULL, "memory", "/sys/fs/cgroup/memory/process_api/abc/ctr", &n), 0);
	assert_int_equal(n, 1);
	n = 1;
	assert_int_equal(check_saved("/a/b/c", "memory", "/sys/fs/cgroup/memory/a/b/c", &n), 0);
	assert_int_equal(n, 1);
}

static void test_shares_to_weight(void **state)
{
	assert_int_equal(nook_cgroup_shares_to_weight(2), 1);
	assert_int_equal(nook_cgroup_shares_to_weight(262144), 10000);
	assert_int_equal(nook_cgroup_shares_to_weight(1024), 39);
	assert_int_equal(nook_cgroup_shares_to_weight(1), 1);
}

static void test_cpu_max(void **state)
{
	struct nook_cpu c = {
	    .has_quota = true, .quota = 10000, .has_period = true, .period = 50000};
	char buf[64];

	nook_cgroup_cpu_max(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10000 50000");
	c.has_period = false;
	nook_cgroup_cpu_max(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10000 100000");
	c.quota = -1;
	nook_cgroup_cpu_max(&c, buf, sizeof(buf));
	assert_string_equal(buf, "max 100000");
}

static void test_io_max(void **state)
{
	struct nook_blkio_throttle rb[] = {{8, 0, 100}, {8, 16, 7}};
	struct nook_blkio_throttle wi[] = {{8, 0, 5}};
	struct nook_blkio_throttle ri[] = {{253, 1, 9}};
	struct nook_block_io b = {.throttle_read_bps = {rb, 2},
	                          .throttle_write_iops = {wi, 1},
	                          .throttle_read_iops = {ri, 1}};
	char *s = nook_cgroup_io_max(&b);

	assert_string_equal(s, "8:0 rbps=100 wiops=5\n8:16 rbps=7\n253:1 riops=9\n");
	free(s);
	struct nook_block_io none = {0};
	s = nook_cgroup_io_max(&none);
	assert_string_equal(s, "");
	free(s);
}

/* Issue 8: on a hybrid host blockIO goes to the v1 blkio hierarchy, not to
 * an "io" controller in the unified mount. */
static void test_io_finds_v1_blkio(void **state)
{
	struct nook_cgroup_dir hybrid[] = {
	    {"memory", "/sys/fs/cgroup/memory/x", true, 1},
	    {"blkio", "/sys/fs/cgroup/blkio/x", true, 1},
	    {"", "/sys/fs/cgroup/unified/x", true, 1},
	};
	struct nook_cgroup cg = {.mode = NOOK_CGROUP_HYBRID, .dirs = hybrid, .n_dirs = 3};

	assert_ptr_equal(nook_cgroup_dir_for(&cg, "io"), &hybrid[1]);
	assert_ptr_equal(nook_cgroup_dir_for(&cg, "blkio"), &hybrid[1]);
	assert_ptr_equal(nook_cgroup_dir_for(&cg, "hugetlb"), &hybrid[2]);
	cg.n_dirs = 1; /* no blkio hierarchy, no v2 */
	assert_null(nook_cgroup_dir_for(&cg, "io"));
	hybrid[0] = hybrid[2]; /* v2 only */
	assert_ptr_equal(nook_cgroup_dir_for(&cg, "io"), &hybrid[0]);
}

static void test_json_round_trip(void **state)
{
	struct nook_cgroup_dir dirs[] = {
	    {"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/nook/x", true, 2},
	    {"", "/sys/fs/cgroup/unified/x", false, 0},
	};
	struct nook_cgroup cg = {.mode = NOOK_CGROUP_HYBRID, .dirs = dirs, .n_dirs = 2}, back;
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char errbuf[256], text[1024];
	struct nook_error err;

	assert_int_equal(nook_cgroup_to_json(&cg, g), 0);
	yajl_gen_get_buf(g, &buf, &len);
	snprintf(text, sizeof(text), "%.*s", (int)len, buf);
	yajl_gen_free(g);
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	assert_non_null(v);
	assert_int_equal(nook_cgroup_from_json(v, &back, &err), 0);
	yajl_tree_free(v);
	assert_int_equal(back.mode, NOOK_CGROUP_HYBRID);
	assert_int_equal(back.n_dirs, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(back.dirs[i].hierarchy, dirs[i].hierarchy);
		assert_string_equal(back.dirs[i].path, dirs[i].path);
		assert_int_equal(back.dirs[i].created, dirs[i].created);
		assert_int_equal(back.dirs[i].n_created, dirs[i].n_created);
	}
	nook_cgroup_free(&back);

	v = yajl_tree_parse("{\"mode\":\"weird\",\"dirs\":[]}", errbuf, sizeof(errbuf));
	assert_int_equal(nook_cgroup_from_json(v, &back, &err), -1);
	yajl_tree_free(v);
}

/* A linux.resources.devices rule for the char device MAJ:MIN. */
#define CHAR_RULE(allow_, maj, min, access_)                                                       \
	{                                                                                          \
		.allow = (allow_), .type = "c", .has_major = true, .major = (maj),                 \
		.has_minor = true, .minor = (min), .access = (access_)                             \
	}

static void test_bpf_program_shape(void **state)
{
	struct nook_device_cgroup rules[] = {
	    {.allow = false, .access = "rwm"},
	    CHAR_RULE(true, 1, 3, "rw"),
	};
	struct bpf_insn *p;
	size_t n;

	assert_int_equal(nook_cg_devices_bpf_build(rules, 2, &p, &n), 0);
	/* 7 loads, the allow rule (type, access: 3, major, minor, mov, exit),
	 * the deny-all rule (mov, exit), and no default after it */
	assert_int_equal(n, 7 + 8 + 2);
	assert_int_equal(p[n - 1].code, BPF_JMP | BPF_EXIT);
	free(p);
}

/* ---- on this host, for real ---- */

static bool make_dir(char *path, size_t size, const char *base)
{
	if (geteuid() != 0 || access(base, W_OK) < 0)
		return false;
	snprintf(path, size, "%s/nook-test-%d", base, (int)getpid());
	return mkdir(path, 0755) == 0;
}

/* Exit status of a child moved into dir that opens /dev/null and /dev/zero:
 * bit 0: /dev/null failed; bit 1: /dev/zero opened; bit 2: zero's errno
 * was not EPERM. */
static int probe_devices(const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct nook_error err;
		if (nook_cg_writef(dir, "cgroup.procs", NULL, &err, "%d", (int)getpid()) < 0)
			_exit(100);
		int rc = 0;
		int fd = open("/dev/null", O_WRONLY);
		rc |= fd < 0 ? 1 : 0;
		fd = open("/dev/zero", O_RDONLY);
		rc |= fd >= 0 ? 2 : (errno != EPERM ? 4 : 0);
		_exit(rc);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

static void test_bpf_device_filter_enforced(void **state)
{
	struct nook_device_cgroup rules[] = {
	    {.allow = false},
	    CHAR_RULE(true, 1, 3, "rwm"),
	    CHAR_RULE(true, 1, 5, "rwm"),
	    CHAR_RULE(false, 1, 5, "r"),
	};
	char dir[256];
	struct nook_error err;

	if (!make_dir(dir, sizeof(dir), "/sys/fs/cgroup/unified") &&
	    !make_dir(dir, sizeof(dir), "/sys/fs/cgroup"))
		skip();
	int rc = nook_cg_devices_bpf_attach(dir, rules, 4, &err);
	int probe = rc == 0 ? probe_devices(dir) : -1;
	rmdir(dir);
	if (rc < 0)
		fail_msg("%s", err.msg);
	/* /dev/null allowed; /dev/zero read denied by the last rule, EPERM */
	assert_int_equal(probe, 0);
}

static void test_freeze_and_destroy_v1(void **state)
{
	char dir[256];
	struct nook_error err;

	if (!make_dir(dir, sizeof(dir), "/sys/fs/cgroup/freezer"))
		skip();
	volatile uint64_t *counter =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(counter != MAP_FAILED);
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			(*counter)++;
	struct nook_cgroup_dir d = {"freezer", dir, true, 1};
	struct nook_cgroup cg = {.mode = NOOK_CGROUP_LEGACY, .dirs = &d, .n_dirs = 1};
	bool frozen = false;
	uint64_t a, b;

	int rc = nook_cgroup_attach(&cg, pid, false, &err);
	if (rc == 0)
		rc = nook_cgroup_freeze(&cg, true, &err);
	if (rc == 0)
		rc = nook_cgroup_is_frozen(&cg, &frozen, &err);
	usleep(20000);
	a = *counter;
	usleep(50000);
	b = *counter;
	char st[64] = "";
	nook_cg_read(dir, "freezer.state", st, sizeof(st), &err);
	/* destroy kills the frozen child and removes the directory */
	int drc = nook_cgroup_destroy(&cg, &err);
	int status;
	waitpid(pid, &status, 0);
	struct stat sb;
	bool gone = stat(dir, &sb) < 0;
	if (!gone)
		rmdir(dir);
	munmap((void *)counter, 4096);
	if (rc < 0 || drc < 0)
		fail_msg("%s", err.msg);
	assert_true(frozen);
	assert_string_equal(st, "FROZEN\n");
	assert_true(a == b);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(gone);
}

/* Issue 10: destroy keeps its first failure as the error and logs each
 * later one as a warning, instead of dropping them. Two plain directories
 * stand in for cgroups: neither can be removed (a file is left in each;
 * subdirectories, sub-cgroups, destroy removes). */
static void test_destroy_logs_later_failures(void **state)
{
	char root[] = "/tmp/nook-unit-cg.XXXXXX";
	char a[64], b[64], sub[80], log[96], buf[1024];
	struct nook_error err;

	assert_non_null(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/b", root);
	snprintf(log, sizeof(log), "%s/log", root);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/file", a);
	assert_int_equal(close(open(sub, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
	snprintf(sub, sizeof(sub), "%s/file", b);
	assert_int_equal(close(open(sub, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
	snprintf(sub, sizeof(sub), "%s/sub", b); /* removed, the file stays */
	assert_int_equal(mkdir(sub, 0755), 0);
	struct nook_cgroup_dir d[2] = {{"memory", a, true, 1}, {"pids", b, true, 1}};
	struct nook_cgroup cg = {.mode = NOOK_CGROUP_LEGACY, .dirs = d, .n_dirs = 2};

	assert_int_equal(nook_log_open(log, NOOK_LOG_TEXT, false, &err), 0);
	int rc = nook_cgroup_destroy(&cg, &err);
	nook_log_close();
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	assert_int_equal(run_cmd_rm(root), 0);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "cgroup: remove /tmp/nook-unit-cg."));
	assert_non_null(strstr(err.msg, "/a"));
	assert_non_null(strstr(buf, "nook: warning: cgroup: remove "));
	assert_non_null(strstr(buf, "/b: Directory not empty"));
}

/* Sub-cgroups (`exec --cgroup`, or the container's own) go with the
 * container's directory, deepest first, as runc's RemovePath. Plain
 * directories stand in for cgroups. */
static void test_destroy_removes_sub_cgroups(void **state)
{
	char root[] = "/tmp/nook-unit-cg.XXXXXX";
	char leaf[64], path[128];
	struct nook_error err;

	assert_non_null(mkdtemp(root));
	snprintf(leaf, sizeof(leaf), "%s/ctr", root);
	assert_int_equal(mkdir(leaf, 0755), 0);
	const char *subs[] = {"a", "a/b", "a/b/c", "d"};
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", leaf, subs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	struct nook_cgroup_dir d[1] = {{"pids", leaf, true, 1}};
	struct nook_cgroup cg = {.mode = NOOK_CGROUP_LEGACY, .dirs = d, .n_dirs = 1};

	int rc = nook_cgroup_destroy(&cg, &err);
	struct stat st;
	bool gone = stat(leaf, &st) < 0;
	assert_int_equal(run_cmd_rm(root), 0);
	if (rc < 0)
		fail_msg("%s", err.msg);
	assert_true(gone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_mountinfo),
	    cmocka_unit_test(test_resolve_paths),
	    cmocka_unit_test(test_resolve_refuses_dotdot),
	    cmocka_unit_test(test_check_saved_dir),
	    cmocka_unit_test(test_check_saved_dir_cuts_created_depth),
	    cmocka_unit_test(test_shares_to_weight),
	    cmocka_unit_test(test_cpu_max),
	    cmocka_unit_test(test_io_max),
	    cmocka_unit_test(test_io_finds_v1_blkio),
	    cmocka_unit_test(test_json_round_trip),
	    cmocka_unit_test(test_bpf_program_shape),
	    cmocka_unit_test(test_bpf_device_filter_enforced),
	    cmocka_unit_test(test_freeze_and_destroy_v1),
	    cmocka_unit_test(test_destroy_logs_later_failures),
	    cmocka_unit_test(test_destroy_removes_sub_cgroups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
