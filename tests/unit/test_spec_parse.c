/* nook_spec_parse() and nook_spec_load(): good and bad config files (nook's
 * fixtures, then the spec's own test configs when a checkout is found), field
 * values, and a table of malformed inputs with the exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/spec.h"

/* The configs of test/config/{good,bad}/ are read from a directory: nook's
 * own fixtures (tests/unit/fixtures/, always there), then the OCI runtime-spec
 * checkout's test/config/ (an extra pass, skipped when no checkout is found).
 * Both hold files of the same names, checked for the same values. */
struct config_dir {
	bool spec; /* the spec's checkout rather than nook's fixtures */
	char path[4096];
};

static struct config_dir fixtures = {.spec = false};
static struct config_dir spec_examples = {.spec = true};

/* The repository this binary was built in: <repo>/<build>/tests/<binary>. */
static bool repo_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(buf, '/');

		if (slash == NULL)
			return false;
		*slash = '\0';
	}
	return true;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Setup: find the directory, or skip (the spec's) or fail (nook's own). */
static int find_config_dir(void **state)
{
	struct config_dir *d = *state;
	char repo[4096] = "";
	const char *env = getenv("NOOK_SPEC_DIR");

	if (!repo_dir(repo, sizeof(repo)))
		strcpy(repo, ".");
	if (!d->spec) {
		/* from the binary's repository, else from the current directory */
		snprintf(d->path, sizeof(d->path), "%s/tests/unit/fixtures", repo);
		if (!is_dir(d->path))
			snprintf(d->path, sizeof(d->path), "tests/unit/fixtures");
		return 0;
	}
	/* $NOOK_SPEC_DIR, else the spec's checkout beside the repository */
	if (env != NULL && *env != '\0')
		snprintf(d->path, sizeof(d->path), "%s/test/config", env);
	else
		snprintf(d->path, sizeof(d->path), "%s/../shared/oci-runtime-spec/test/config",
		         repo);
	if (!is_dir(d->path)) {
		print_message("skipped: no OCI runtime-spec checkout at %s (set NOOK_SPEC_DIR); "
		              "nook's own fixtures in tests/unit/fixtures/ were checked\n",
		              d->path);
		d->path[0] = '\0';
	}
	return 0;
}

static int parse(const char *json, struct nook_spec *s, struct nook_error *err)
{
	return nook_spec_parse("config.json", json, strlen(json), s, err);
}

static void load_test_config(void **state, const char *kind, const char *name, struct nook_spec *s,
                             int want, struct nook_error *err)
{
	const struct config_dir *d = *state;
	char path[8192];

	if (d->path[0] == '\0')
		skip();
	snprintf(path, sizeof(path), "%s/%s/%s", d->path, kind, name);
	if (nook_spec_load(path, s, err) != want)
		fail_msg("%s: expected %s, got: %s", path, want == 0 ? "success" : "failure",
		         want == 0 ? err->msg : "success");
}

/* ---- the spec's good configs ---- */

static void test_good_configs_parse(void **state)
{
	static const char *const good[] = {"minimal.json",        "minimal-for-start.json",
	                                   "spec-example.json",   "linux-netdevice.json",
	                                   "linux-rdma.json",     "zos-minimal.json",
	                                   "freebsd-minimal.json"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct nook_spec s;
		struct nook_error err;

		load_test_config(state, "good", good[i], &s, 0, &err);
		nook_spec_free(&s);
	}
}

static void test_spec_example_values(void **state)
{
	struct nook_spec s;
	struct nook_error err;
	const struct nook_linux *l = &s.linux;
	const struct nook_resources *r = &s.linux.resources;

	load_test_config(state, "good", "spec-example.json", &s, 0, &err);
	assert_string_equal(s.oci_version, "0.5.0-dev");
	assert_true(s.has_process);
	assert_true(s.process.terminal);
	assert_int_equal(s.process.user.uid, 1);
	assert_int_equal(s.process.user.n_additional_gids, 2);
	assert_int_equal(s.process.user.additional_gids[1], 6);
	assert_int_equal(s.process.args.n, 1);
	assert_string_equal(s.process.args.v[0], "sh");
	assert_null(s.process.args.v[1]);
	assert_string_equal(s.process.env.v[1], "TERM=xterm");
	assert_string_equal(s.process.cwd, "/");
	assert_int_equal(s.process.capabilities.effective.n, 2);
	assert_string_equal(s.process.capabilities.ambient.v[0], "CAP_NET_BIND_SERVICE");
	assert_int_equal(s.process.n_rlimits, 2);
	assert_string_equal(s.process.rlimits[0].type_name, "RLIMIT_CORE");
	assert_int_equal(s.process.rlimits[0].resource, RLIMIT_CORE);
	assert_int_equal(s.process.rlimits[1].resource, RLIMIT_NOFILE);
	assert_int_equal(s.process.rlimits[1].soft, 1024);
	assert_string_equal(s.process.apparmor_profile, "acme_secure_profile");
	assert_true(s.process.no_new_privileges);
	assert_true(s.has_root);
	assert_string_equal(s.root.path, "rootfs");
	assert_true(s.root.readonly);
	assert_string_equal(s.hostname, "slartibartfast");
	assert_string_equal(s.domainname, "foobarbaz.test");
	assert_int_equal(s.n_mounts, 7);
	assert_string_equal(s.mounts[2].destination, "/dev/pts");
	assert_int_equal(s.mounts[2].options.n, 6);
	assert_string_equal(s.mounts[2].options.v[5], "gid=5");
	assert_null(s.mounts[0].options.v);
	assert_true(s.has_hooks);
	assert_int_equal(s.hooks.prestart.n, 2);
	assert_string_equal(s.hooks.prestart.v[0].args.v[2], "arg2");
	assert_true(s.hooks.poststart.v[0].has_timeout);
	assert_int_equal(s.hooks.poststart.v[0].timeout, 5);
	assert_string_equal(s.hooks.poststop.v[0].path, "/usr/sbin/cleanup.sh");
	assert_int_equal(s.annotations.n, 2);
	assert_string_equal(s.annotations.v[1].key, "com.example.key2");
	assert_string_equal(s.annotations.v[1].value, "value2");
	assert_true(l->present);
	assert_int_equal(l->n_devices, 2);
	assert_int_equal(l->devices[0].type, 'c');
	assert_int_equal(l->devices[0].major, 10);
	assert_int_equal(l->devices[0].minor, 229);
	assert_int_equal(l->devices[0].file_mode, 438);
	assert_int_equal(l->n_uid_mappings, 1);
	assert_int_equal(l->uid_mappings[0].host_id, 1000);
	assert_int_equal(l->gid_mappings[0].size, 32000);
	assert_string_equal(l->sysctl.v[0].key, "net.ipv4.ip_forward");
	assert_string_equal(l->cgroups_path, "/myRuntime/myContainer");
	assert_true(r->present);
	assert_int_equal(r->network.class_id, 1048577);
	assert_int_equal(r->network.priorities[1].priority, 1000);
	assert_int_equal(r->pids_limit, 32771);
	assert_int_equal(r->n_hugepage_limits, 2);
	assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
	assert_true(r->hugepage_limits[0].limit == 9223372036854772000ULL);
	assert_true(r->memory.has_limit);
	assert_int_equal(r->memory.limit, 536870912);
	assert_int_equal(r->memory.kernel, -1);
	assert_true(r->memory.has_swappiness);
	assert_int_equal(r->memory.swappiness, 0);
	assert_true(r->cpu.has_quota);
	assert_int_equal(r->cpu.quota, 1000000);
	assert_string_equal(r->cpu.cpus, "2-3");
	assert_int_equal(r->n_devices, 3);
	assert_false(r->devices[0].allow);
	assert_null(r->devices[0].type);
	assert_string_equal(r->devices[2].access, "r");
	assert_int_equal(r->block_io.weight, 10);
	assert_int_equal(r->block_io.weight_device[0].leaf_weight, 300);
	assert_false(r->block_io.weight_device[1].has_leaf_weight);
	assert_int_equal(r->block_io.throttle_read_bps.v[0].rate, 600);
	assert_int_equal(r->block_io.throttle_write_iops.v[0].minor, 16);
	assert_string_equal(l->rootfs_propagation, "slave");
	assert_true(l->seccomp.present);
	assert_string_equal(l->seccomp.default_action, "SCMP_ACT_ALLOW");
	assert_string_equal(l->seccomp.architectures.v[1], "SCMP_ARCH_X32");
	assert_string_equal(l->seccomp.syscalls[0].names.v[1], "chmod");
	assert_string_equal(l->seccomp.syscalls[0].action, "SCMP_ACT_ERRNO");
	assert_true(l->time_monotonic.present);
	assert_int_equal(l->time_monotonic.secs, 172800);
	assert_int_equal(l->time_boottime.secs, 604800);
	assert_int_equal(l->n_namespaces, 8);
	assert_int_equal(l->namespaces[7].type, NOOK_NS_TIME);
	assert_null(l->namespaces[0].path);
	assert_ptr_equal(nook_spec_namespace(&s, NOOK_NS_USER), &l->namespaces[5]);
	assert_string_equal(l->masked_paths.v[0], "/proc/kcore");
	assert_int_equal(l->readonly_paths.n, 6);
	assert_string_equal(l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");
	assert_false(l->intel_rdt.present);
	assert_int_equal(s.platforms.n, 0);
	nook_spec_free(&s);
}

static void test_netdevice_and_rdma_values(void **state)
{
	struct nook_spec s;
	struct nook_error err;

	load_test_config(state, "good", "linux-netdevice.json", &s, 0, &err);
	assert_int_equal(s.linux.n_net_devices, 3);
	assert_string_equal(s.linux.net_devices[0].host_name, "eth0");
	assert_string_equal(s.linux.net_devices[0].name, "container_eth0");
	assert_null(s.linux.net_devices[1].name);
	nook_spec_free(&s);

	load_test_config(state, "good", "linux-rdma.json", &s, 0, &err);
	assert_int_equal(s.linux.resources.n_rdma, 3);
	assert_string_equal(s.linux.resources.rdma[0].device, "mlx5_1");
	assert_int_equal(s.linux.resources.rdma[0].hca_handles, 3);
	assert_false(s.linux.resources.rdma[1].has_hca_handles);
	nook_spec_free(&s);

	load_test_config(state, "good", "zos-minimal.json", &s, 0, &err);
	assert_int_equal(s.platforms.n, 1);
	assert_string_equal(s.platforms.v[0], "zos");
	nook_spec_free(&s);
}

static void test_bad_configs_refused(void **state)
{
	static const struct {
		const char *file;
		const char *msg;
	} bad[] = {
	    {"invalid-json.json", "invalid JSON at line 1, column 2: invalid object key"},
	    {"linux-hugepage.json",
	     "linux.resources.hugepageLimits[0].pageSize: expected a size such as \"2MB\""},
	    {"linux-netdevice.json", "linux.netDevices[\"eth0\"].name: expected string, got 23"},
	    {"linux-rdma.json", "linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected integer, "
	                        "got string \"not a uint32\""},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nook_spec s;
		struct nook_error err;

		load_test_config(state, "bad", bad[i].file, &s, -1, &err);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].file, err.msg,
			         bad[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

/* ---- values at the edges that must be accepted ---- */

#define DOC(x)         "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"}," x "}"
#define IDMAP_MOUNT(x) DOC("\"mounts\":[{\"destination\":\"/a\"," x "}]")
#define ONE            "[{\"containerID\":0,\"hostID\":1,\"size\":1}]"
#define PROC(x)        DOC("\"process\":{\"cwd\":\"/\"," x "}")
#define LINUX(x)       DOC("\"linux\":{" x "}")
#define RES(x)         LINUX("\"resources\":{" x "}")
#define SECCOMP(x)     LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"," x "}")

static void test_integer_edges_accepted(void **state)
{
	struct nook_spec s;
	struct nook_error err;
	const char *json =
	    PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":18446744073709551615,"
	         "\"hard\":18446744073709551615},{\"type\":\"RLIMIT_FOO\",\"soft\":0,\"hard\":-0}],"
	         "\"user\":{\"uid\":4294967295,\"gid\":0},\"oomScoreAdj\":-1000");

	assert_int_equal(parse(json, &s, &err), 0);
	assert_true(s.process.rlimits[0].soft == UINT64_MAX);
	assert_true(s.process.rlimits[0].hard == UINT64_MAX);
	assert_int_equal(s.process.rlimits[1].resource, -1);
	assert_true(s.process.user.uid == UINT32_MAX);
	assert_true(s.process.has_oom_score_adj);
	assert_int_equal(s.process.oom_score_adj, -1000);
	nook_spec_free(&s);

	json = RES("\"memory\":{\"limit\":-9223372036854775808,\"swap\":9223372036854775807}");
	assert_int_equal(parse(json, &s, &err), 0);
	assert_true(s.linux.resources.memory.limit == INT64_MIN);
	assert_true(s.linux.resources.memory.swap == INT64_MAX);
	nook_spec_free(&s);
}

/* Id-mapped mounts: the spec's mappings, and crun's inline option read
 * into the same fields; a range may end at the last id. */
static void test_mount_mappings_read(void **state)
{
	struct nook_spec s;
	struct nook_error err;
	const char *json = IDMAP_MOUNT(
	    "\"options\":[\"rbind\",\"ridmap=uids=0-1000-10#10-2000-5;gids=7-4294967286-10\"]");

	assert_int_equal(parse(json, &s, &err), 0);
	assert_int_equal(s.mounts[0].n_uid_mappings, 2);
	assert_int_equal(s.mounts[0].uid_mappings[1].container_id, 10);
	assert_int_equal(s.mounts[0].uid_mappings[1].host_id, 2000);
	assert_int_equal(s.mounts[0].uid_mappings[1].size, 5);
	assert_int_equal(s.mounts[0].n_gid_mappings, 1);
	assert_true(s.mounts[0].gid_mappings[0].host_id == 4294967286U);
	assert_int_equal(nook_spec_mount_idmap(&s.mounts[0]), NOOK_IDMAP_RECURSIVE);
	nook_spec_free(&s);

	json = IDMAP_MOUNT("\"uidMappings\":[{\"containerID\":4294967295,\"hostID\":0,"
	                   "\"size\":1}],\"gidMappings\":" ONE);
	assert_int_equal(parse(json, &s, &err), 0);
	assert_true(s.mounts[0].uid_mappings[0].container_id == UINT32_MAX);
	assert_int_equal(nook_spec_mount_idmap(&s.mounts[0]), NOOK_IDMAP);
	nook_spec_free(&s);
}

static void test_unknown_keys_and_null_ignored(void **state)
{
	struct nook_spec s;
	struct nook_error err;
	const char *json = DOC(
	    "\"futureThing\":{\"a\":[1,2]},\"hostname\":null,"
	    "\"process\":{\"cwd\":\"/x\",\"newField\":true,\"user\":{\"uid\":1,\"gid\":2,\"x\":0}},"
	    "\"linux\":{\"resources\":{},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
	    "\"defaultErrnoRet\":38,\"unknown\":1}}");

	assert_int_equal(parse(json, &s, &err), 0);
	assert_null(s.hostname);
	assert_string_equal(s.process.cwd, "/x");
	assert_int_equal(s.process.user.gid, 2);
	assert_true(s.linux.resources.present);
	assert_true(s.linux.seccomp.has_default_errno_ret);
	assert_int_equal(s.linux.seccomp.default_errno_ret, 38);
	nook_spec_free(&s);
}

static void test_versions(void **state)
{
	static const char *const ok[] = {"1.0.0",  "1.3.0", "0.5.0-dev", "1.2.3-rc.1+build.5",
	                                 "1.10.0", "0.0.0"};
	char json[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct nook_spec s;
		struct nook_error err;

		snprintf(json, sizeof(json), "{\"ociVersion\":\"%s\"}", ok[i]);
		if (parse(json, &s, &err) < 0)
			fail_msg("%s: %s", ok[i], err.msg);
		nook_spec_free(&s);
	}
}

/* ---- malformed inputs, each with (a fragment of) its message ---- */

struct bad_case {
	const char *json;
	const char *msg; /* the whole message when it starts with "config.json:" */
};

static const struct bad_case bad_cases[] = {
    /* wrong types */
    {RES("\"memory\":{\"limit\":\"64M\"}"),
     "config.json: linux.resources.memory.limit: expected integer, got string \"64M\""},
    {PROC("\"terminal\":\"yes\""),
     "config.json: process.terminal: expected boolean, got string \"yes\""},
    {PROC("\"args\":\"sh\""), "config.json: process.args: expected array, got string \"sh\""},
    {PROC("\"args\":[\"sh\",5]"), "config.json: process.args[1]: expected string, got 5"},
    {PROC("\"env\":{}"), "config.json: process.env: expected array, got object"},
    {PROC("\"user\":[]"), "config.json: process.user: expected object, got array"},
    {"{\"ociVersion\":1}", "config.json: ociVersion: expected string, got 1"},
    {DOC("\"root\":\"rootfs\""), "key given twice"},
    {"{\"ociVersion\":\"1.0.0\",\"root\":\"rootfs\"}",
     "config.json: root: expected object, got string \"rootfs\""},
    {DOC("\"mounts\":{}"), "config.json: mounts: expected array, got object"},
    {DOC("\"mounts\":[5]"), "config.json: mounts[0]: expected object, got 5"},
    {DOC("\"annotations\":{\"a\":1}"), "config.json: annotations[\"a\"]: expected string, got 1"},
    {DOC("\"annotations\":{\"\":\"x\"}"), "config.json: annotations[\"\"]: empty key"},
    {LINUX("\"sysctl\":{\"net.x\":true}"),
     "config.json: linux.sysctl[\"net.x\"]: expected string, got true"},
    {DOC("\"hooks\":{\"poststop\":[{\"path\":null}]}"),
     "config.json: hooks.poststop[0].path: required field is missing"},
    {"[1]", "config.json: expected object, got array"},
    {"\"x\"", "config.json: expected object, got string \"x\""},
    /* integer ranges */
    {PROC("\"user\":{\"uid\":4294967296,\"gid\":0}"),
     "config.json: process.user.uid: expected uint32 (0..4294967295), got 4294967296"},
    {PROC("\"user\":{\"uid\":-1,\"gid\":0}"),
     "config.json: process.user.uid: expected uint32 (0..4294967295), got -1"},
    {PROC("\"user\":{\"uid\":1.5,\"gid\":0}"),
     "config.json: process.user.uid: expected integer, got 1.5"},
    {PROC("\"user\":{\"uid\":1e3,\"gid\":0}"),
     "config.json: process.user.uid: expected integer, got 1e3"},
    {PROC("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[1,-2]}"),
     "config.json: process.user.additionalGids[1]: expected uint32 (0..4294967295), got -2"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":-1,\"hard\":1}]"),
     "config.json: process.rlimits[0].soft: expected uint64 (0..18446744073709551615), got -1"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":18446744073709551616}]"),
     "process.rlimits[0].hard: expected uint64 (0..18446744073709551615), got "
     "18446744073709551616"},
    {RES("\"memory\":{\"limit\":9223372036854775808}"),
     "config.json: linux.resources.memory.limit: expected int64 "
     "(-9223372036854775808..9223372036854775807), got 9223372036854775808"},
    {RES("\"memory\":{\"swappiness\":-1}"), "linux.resources.memory.swappiness: expected uint64"},
    {RES("\"blockIO\":{\"weight\":70000}"),
     "linux.resources.blockIO.weight: expected uint16 (0..65535), got 70000"},
    {PROC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":2147483648}"),
     "process.ioPriority.priority: expected int32 (-2147483648..2147483647), got 2147483648"},
    {LINUX("\"timeOffsets\":{\"boottime\":{\"secs\":1,\"nanosecs\":-5}}"),
     "config.json: linux.timeOffsets.boottime.nanosecs: expected uint32"},
    {LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1,\"minor\":1,"
           "\"fileMode\":512}]"),
     "config.json: linux.devices[0].fileMode: expected a file mode (0..511), got 512"},
    /* enums and patterns */
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},"
          "{\"type\":\"nofile\",\"soft\":1,\"hard\":1}]"),
     "config.json: process.rlimits[1].type: expected RLIMIT_<NAME>, got \"nofile\""},
    {LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"foo\"}]"),
     "config.json: linux.namespaces[2].type: unknown namespace type \"foo\" (expected one of "
     "mount, pid, network, uts, ipc, user, cgroup, time)"},
    {LINUX("\"rootfsPropagation\":\"recursive\""),
     "config.json: linux.rootfsPropagation: expected one of private, shared, slave, "
     "unbindable, rprivate, rshared, rslave, runbindable, got \"recursive\""},
    {RES("\"hugepageLimits\":[{\"pageSize\":\"02MB\",\"limit\":1}]"),
     "linux.resources.hugepageLimits[0].pageSize: expected a size such as \"2MB\""},
    {RES("\"hugepageLimits\":[{\"pageSize\":\"2TB\",\"limit\":1}]"),
     "linux.resources.hugepageLimits[0].pageSize: expected a size"},
    {LINUX("\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]"),
     "config.json: linux.devices[0].type: expected one of c, b, u, p, got \"x\""},
    {SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_BOOM\"}]"),
     "linux.seccomp.syscalls[0].action: expected one of SCMP_ACT_KILL, "},
    {SECCOMP("\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_VAX\"]"),
     "linux.seccomp.architectures[1]: expected one of SCMP_ARCH_X86, "},
    {SECCOMP("\"flags\":[\"TSYNC\"]"), "linux.seccomp.flags[0]: expected one of "},
    {SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
             "\"args\":[{\"index\":0,\"value\":1,\"op\":\"EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].op: expected one of SCMP_CMP_NE, "},
    {LINUX("\"personality\":{\"domain\":\"LINUX64\"}"),
     "config.json: linux.personality.domain: expected one of LINUX, LINUX32, got \"LINUX64\""},
    {PROC("\"ioPriority\":{\"class\":\"BE\"}"),
     "process.ioPriority.class: expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, "
     "IOPRIO_CLASS_IDLE, got \"BE\""},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_NORMAL\"}"),
     "process.scheduler.policy: expected one of SCHED_OTHER, "},
    {PROC("\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"flags\":[\"RESET\"]}"),
     "process.scheduler.flags[0]: expected one of SCHED_FLAG_RESET_ON_FORK, "},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_ANY\"}"),
     "linux.memoryPolicy.mode: expected one of MPOL_DEFAULT, "},
    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"flags\":[\"MPOL_F_X\"]}"),
     "linux.memoryPolicy.flags[0]: expected one of MPOL_F_NUMA_BALANCING, "},
    {PROC("\"execCPUAffinity\":{\"initial\":\"1-3;5\"}"),
     "config.json: process.execCPUAffinity.initial: expected a CPU list such as \"0-3,7\": "
     "\"1-3;5\" is not a CPU number or range N-M"},
    {PROC("\"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"3-1\"}"),
     "config.json: process.execCPUAffinity.final: expected a CPU list such as \"0-3,7\": "
     "invalid range 3-1"},
    {LINUX("\"intelRdt\":{\"memBwSchema\":\"L3:0=ff\"}"),
     "config.json: linux.intelRdt.memBwSchema: expected \"MB:...\", got \"L3:0=ff\""},
    /* required fields and MUSTs */
    {"{\"root\":{\"path\":\"rootfs\"}}", "config.json: ociVersion: required field is missing"},
    {"{\"ociVersion\":\"1.0.0\",\"root\":{}}", "config.json: root.path: required field is missing"},
    {DOC("\"process\":{}"), "config.json: process.cwd: required field is missing"},
    {PROC("\"user\":{\"uid\":0}"), "config.json: process.user.gid: required field is missing"},
    {DOC("\"process\":{\"cwd\":\"tmp\"}"),
     "config.json: process.cwd: expected an absolute path, got \"tmp\""},
    {PROC("\"args\":[]"),
     "config.json: process.args: expected at least one entry, got an empty array"},
    {PROC("\"consoleSize\":{\"height\":24}"),
     "config.json: process.consoleSize.width: required field is missing"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1}]"),
     "config.json: process.rlimits[0].soft: required field is missing"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1},"
          "{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},"
          "{\"type\":\"RLIMIT_CPU\",\"soft\":1,\"hard\":1},"
          "{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":2},"
          "{\"type\":\"RLIMIT_CORE\",\"soft\":2,\"hard\":2}]"),
     "config.json: process.rlimits[3].type: duplicate RLIMIT_NOFILE (also at "
     "process.rlimits[0])"},
    {LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"pid\"}]"),
     "config.json: linux.namespaces[2].type: duplicate namespace \"pid\" (also at "
     "linux.namespaces[0])"},
    {LINUX("\"namespaces\":[{\"type\":\"net\"}]"), "unknown namespace type \"net\""},
    {LINUX("\"namespaces\":[{\"type\":\"network\",\"path\":\"proc/1/ns/net\"}]"),
     "config.json: linux.namespaces[0].path: expected an absolute path, got \"proc/1/ns/net\""},
    {LINUX("\"namespaces\":[{\"path\":\"/proc/1/ns/net\"}]"),
     "config.json: linux.namespaces[0].type: required field is missing"},
    {LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
     "config.json: linux.uidMappings: set, but linux.namespaces has no user namespace"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}],"
           "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000}]"),
     "config.json: linux.uidMappings[0].size: required field is missing"},
    {DOC("\"mounts\":[{\"type\":\"tmpfs\"}]"),
     "config.json: mounts[0].destination: required field is missing"},
    {DOC("\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[]}]"),
     "config.json: mounts[0].uidMappings: set without gidMappings"},
    /* id-mapped mounts (config.md "Mounts"; the kernel's rules on maps) */
    {IDMAP_MOUNT("\"gidMappings\":" ONE),
     "config.json: mounts[0].gidMappings: set without uidMappings"},
    {IDMAP_MOUNT("\"uidMappings\":[],\"gidMappings\":[]"),
     "config.json: mounts[0].uidMappings: expected at least one mapping, got an empty list"},
    {IDMAP_MOUNT("\"uidMappings\":" ONE ",\"gidMappings\":[]"),
     "config.json: mounts[0].gidMappings: expected at least one mapping, got an empty list"},
    {IDMAP_MOUNT("\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}],"
                 "\"gidMappings\":" ONE),
     "config.json: mounts[0].uidMappings[0].size: expected a number of ids >= 1, got 0"},
    {IDMAP_MOUNT("\"uidMappings\":" ONE ",\"gidMappings\":[{\"containerID\":4294967295,"
                 "\"hostID\":1,\"size\":2}]"),
     "config.json: mounts[0].gidMappings[0].size: expected the range to end at id 4294967295 "
     "at most, got 2 ids from containerID 4294967295, hostID 1"},
    {IDMAP_MOUNT("\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":10},"
                 "{\"containerID\":5,\"hostID\":100,\"size\":1}],\"gidMappings\":" ONE),
     "config.json: mounts[0].uidMappings[1]: expected ranges that do not overlap, got "
     "containerIDs that overlap uidMappings[0]'s"},
    {IDMAP_MOUNT("\"uidMappings\":" ONE ",\"gidMappings\":[{\"containerID\":0,"
                 "\"hostID\":1,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":1}]"),
     "config.json: mounts[0].gidMappings[1]: expected ranges that do not overlap, got "
     "hostIDs that overlap gidMappings[0]'s"},
    /* crun's inline form: the same rules, one of the two ways only */
    {IDMAP_MOUNT("\"options\":[\"bind\",\"idmap=uids=0-1-1;gids=0-1\"]"),
     "config.json: mounts[0].options[1]: expected \"<fs id>-<host id>-<size>\" lists joined "
     "by \"#\" after uids= and gids=, got \"0-1\""},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-1#\"]"),
     "config.json: mounts[0].options[0]: expected \"<fs id>-<host id>-<size>\" lists joined "
     "by \"#\" after uids= and gids=, got \"0-1-1#\""},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-1\"]"),
     "config.json: mounts[0].options[0]: expected both uids= and gids=, got only uids"},
    {IDMAP_MOUNT("\"options\":[\"ridmap=uids=0-1-1;users=0-1-1\"]"),
     "config.json: mounts[0].options[0]: expected uids=... and gids=... joined by \";\", got "
     "\"users=0-1-1\""},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-1;uids=0-1-1\"]"),
     "config.json: mounts[0].options[0]: uids given twice"},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=@0-1-1;gids=0-1-1\"]"),
     "config.json: mounts[0].options[0]: relative (\"@\") inline mappings are not supported"},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-1;gids=0-1-4294967296\"]"),
     "config.json: mounts[0].options[0]: expected \"<fs id>-<host id>-<size>\""},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-1#1-1-1;gids=0-1-1\"]"),
     "config.json: mounts[0].options[0].uids[1]: expected ranges that do not overlap, got "
     "hostIDs that overlap uids[0]'s"},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-0;gids=0-1-1\"]"),
     "config.json: mounts[0].options[0].uids[0].size: expected a number of ids >= 1, got 0"},
    {IDMAP_MOUNT("\"uidMappings\":" ONE ",\"gidMappings\":" ONE
                 ",\"options\":[\"idmap=uids=0-1-1;gids=0-1-1\"]"),
     "config.json: mounts[0].options[0]: inline mappings and uidMappings: give one of the two"},
    {IDMAP_MOUNT("\"options\":[\"idmap=uids=0-1-1;gids=0-1-1\",\"ridmap=uids=0-1-1\"]"),
     "config.json: mounts[0].options[1]: inline mappings and another inline option: give one "
     "of the two"},
    {LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"minor\":1}]"),
     "config.json: linux.devices[0].major: required field is missing"},
    {LINUX("\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]"),
     "config.json: linux.maskedPaths[1]: expected an absolute path, got \"proc/keys\""},
    {RES("\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]"),
     "config.json: linux.resources.hugepageLimits[0].limit: required field is missing"},
    {RES("\"pids\":{}"), "config.json: linux.resources.pids.limit: required field is missing"},
    {RES("\"devices\":[{\"access\":\"rwm\"}]"),
     "config.json: linux.resources.devices[0].allow: required field is missing"},
    {RES("\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0}]}"),
     "config.json: linux.resources.blockIO.weightDevice[0]: expected weight or leafWeight"},
    {RES("\"rdma\":{\"mlx\":{}}"),
     "config.json: linux.resources.rdma[\"mlx\"]: expected hcaHandles or hcaObjects"},
    {SECCOMP("\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]"),
     "config.json: linux.seccomp.syscalls[0].names: expected at least one entry"},
    {SECCOMP("\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]"),
     "config.json: linux.seccomp.syscalls[0].names: required field is missing"},
    {LINUX("\"seccomp\":{\"syscalls\":[]}"),
     "config.json: linux.seccomp.defaultAction: required field is missing"},
    {SECCOMP("\"listenerMetadata\":\"x\""),
     "config.json: linux.seccomp.listenerMetadata: set without listenerPath"},
    {LINUX("\"personality\":{}"),
     "config.json: linux.personality.domain: required field is missing"},
    {DOC("\"hooks\":{\"poststart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}"),
     "config.json: hooks.poststart[0].timeout: expected an integer >= 1, got 0"},
    {DOC("\"hostname\":\"a\",\"hostname\":\"b\""), "config.json: hostname: key given twice"},
    {DOC("\"annotations\":{\"k\":\"1\",\"j\":\"2\",\"k\":\"3\"}"),
     "config.json: annotations[\"k\"]: key given twice"},
    {DOC("\"windows\":[]"), "config.json: windows: expected object, got array"},
    /* versions */
    {"{\"ociVersion\":\"2.0.0\"}",
     "config.json: ociVersion: unsupported version \"2.0.0\" (nook implements 1.3.0)"},
    {"{\"ociVersion\":\"1.0\"}",
     "config.json: ociVersion: expected a version MAJOR.MINOR.PATCH, got \"1.0\""},
    {"{\"ociVersion\":\"01.0.0\"}", "ociVersion: expected a version MAJOR.MINOR.PATCH"},
    {"{\"ociVersion\":\"1.0.0-\"}", "ociVersion: expected a version MAJOR.MINOR.PATCH"},
    {"{\"ociVersion\":\"v1.0.0\"}", "ociVersion: expected a version MAJOR.MINOR.PATCH"},
    /* not JSON */
    {"{]", "config.json: invalid JSON at line 1, column 2: invalid object key (must be a "
           "string)"},
    {"{\"ociVersion\": \"1.0.0\"", "config.json: invalid JSON at line 1, column 23: premature EOF"},
    {"{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": rootfs}\n}",
     "config.json: invalid JSON at line 3, column "},
    {"{\"ociVersion\":\"1.0.0\"} {}",
     "config.json: invalid JSON at line 1, column 24: trailing garbage"},
    {"{\"a\":\"\xff\"}", "config.json: invalid JSON at line 1, column "},
    {"", "config.json: empty, expected a JSON object"},
    {" \n\t ", "config.json: empty, expected a JSON object"},
};

static void test_malformed_inputs(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];
		struct nook_spec s;
		struct nook_error err;
		bool whole = strncmp(t->msg, "config.json:", 12) == 0;

		memset(&err, 0, sizeof(err));
		if (parse(t->json, &s, &err) != -1)
			fail_msg("case %zu parsed: %s", i, t->json);
		if (whole ? strncmp(err.msg, t->msg, strlen(t->msg)) != 0
		          : strstr(err.msg, t->msg) == NULL)
			fail_msg("case %zu: got  \"%s\"\n             want \"%s\"", i, err.msg,
			         t->msg);
		assert_null(strchr(err.msg, '\n'));
		/* nothing left to free on failure */
		assert_null(s.oci_version);
		assert_null(s.process.cwd);
	}
	print_message("%zu malformed inputs refused\n", sizeof(bad_cases) / sizeof(bad_cases[0]));
}

static void test_nul_byte(void **state)
{
	static const char json[] = "{\"ociVersion\":\"1.0.0\"\0}";
	struct nook_spec s;
	struct nook_error err;

	assert_int_equal(nook_spec_parse("config.json", json, sizeof(json) - 1, &s, &err), -1);
	assert_string_equal(err.msg, "config.json: invalid JSON at line 1, column 22: NUL byte");
}

static void test_deep_nesting(void **state)
{
	size_t depth = 100000;
	char *json = malloc(2 * depth + 1);
	struct nook_spec s;
	struct nook_error err;

	assert_non_null(json);
	memset(json, '[', depth);
	memset(json + depth, ']', depth);
	json[2 * depth] = '\0';
	assert_int_equal(parse(json, &s, &err), -1);
	assert_string_equal(err.msg,
	                    "config.json: nested deeper than 64 levels at line 1, column 65");
	/* brackets inside strings do not count */
	memset(json, ' ', 2 * depth);
	memcpy(json, "{\"ociVersion\":\"1.0.0\",\"x\":\"", 27);
	memset(json + 27, '[', 1000);
	memcpy(json + 1027, "\"}", 2);
	json[1029] = '\0';
	assert_int_equal(parse(json, &s, &err), 0);
	nook_spec_free(&s);
	/* a million deep is refused just as fast */
	free(json);
	depth = 1000000;
	json = malloc(depth + 1);
	assert_non_null(json);
	memset(json, '[', depth);
	json[depth] = '\0';
	assert_int_equal(parse(json, &s, &err), -1);
	assert_non_null(strstr(err.msg, "nested deeper than 64 levels"));
	free(json);
}

/* ---- nook_spec_load ---- */

static void test_load_missing_file(void **state)
{
	struct nook_spec s;
	struct nook_error err;
	char buf[512];

	assert_int_equal(nook_spec_load("/nonexistent/config.json", &s, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_string_equal(nook_error_text(&err, buf, sizeof(buf)),
	                    "open /nonexistent/config.json: No such file or directory");
}

static void test_load_not_regular_and_empty(void **state)
{
	char dir[] = "/tmp/nook-spec-test-XXXXXX";
	char path[256];
	struct nook_spec s;
	struct nook_error err;
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(nook_spec_load(dir, &s, &err), -1);
	assert_non_null(strstr(err.msg, "is a directory"));
	assert_int_equal(nook_spec_load("/dev/null", &s, &err), -1);
	assert_string_equal(err.msg, "/dev/null: not a regular file");

	snprintf(path, sizeof(path), "%s/config.json", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(nook_spec_load(path, &s, &err), -1);
	assert_non_null(strstr(err.msg, ": empty, expected a JSON object"));

	/* 100 MB, sparse: refused from its size, before reading it */
	assert_int_equal(ftruncate(fd, 100 * 1024 * 1024), 0);
	close(fd);
	assert_int_equal(nook_spec_load(path, &s, &err), -1);
	assert_non_null(strstr(err.msg, "config.json: file is 104857600 bytes, larger than the 16 "
	                                "MiB limit"));
	unlink(path);
	rmdir(dir);
}

static void test_load_good_file(void **state)
{
	char dir[] = "/tmp/nook-spec-test-XXXXXX";
	char path[256];
	struct nook_spec s;
	struct nook_error err;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(PROC("\"args\":[\"true\"]"), f);
	fclose(f);
	assert_int_equal(nook_spec_load(path, &s, &err), 0);
	assert_string_equal(s.process.args.v[0], "true");
	nook_spec_free(&s);
	nook_spec_free(&s); /* twice is harmless */
	unlink(path);
	rmdir(dir);
}

static void test_namespace_names(void **state)
{
	assert_string_equal(nook_ns_type_name(NOOK_NS_PID), "pid");
	assert_string_equal(nook_ns_type_name(NOOK_NS_NETWORK), "network");
	assert_string_equal(nook_ns_type_name(NOOK_NS_MOUNT), "mount");
	assert_string_equal(nook_ns_type_name(NOOK_NS_TIME), "time");
	assert_string_equal(nook_ns_type_name(NOOK_NS_COUNT), "unknown");
}

/* The tests above that read config files, on nook's fixtures or (named
 * spec_examples:...) on the spec's checkout. */
#define ON_FIXTURES(f)                                                                             \
	{                                                                                          \
#f, f, find_config_dir, NULL, &fixtures                                            \
	}
#define ON_SPEC_EXAMPLES(f)                                                                        \
	{                                                                                          \
		"spec_examples:" #f, f, find_config_dir, NULL, &spec_examples                      \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    ON_FIXTURES(test_good_configs_parse),
	    ON_FIXTURES(test_spec_example_values),
	    ON_FIXTURES(test_netdevice_and_rdma_values),
	    ON_FIXTURES(test_bad_configs_refused),
	    cmocka_unit_test(test_integer_edges_accepted),
	    cmocka_unit_test(test_mount_mappings_read),
	    cmocka_unit_test(test_unknown_keys_and_null_ignored),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_malformed_inputs),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_load_missing_file),
	    cmocka_unit_test(test_load_not_regular_and_empty),
	    cmocka_unit_test(test_load_good_file),
	    cmocka_unit_test(test_namespace_names),
	    /* the extra pass over the spec's own examples */
	    ON_SPEC_EXAMPLES(test_good_configs_parse),
	    ON_SPEC_EXAMPLES(test_spec_example_values),
	    ON_SPEC_EXAMPLES(test_netdevice_and_rdma_values),
	    ON_SPEC_EXAMPLES(test_bad_configs_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
