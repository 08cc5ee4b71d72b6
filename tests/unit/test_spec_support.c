/* nook_spec_check_supported(): each thing the runtime cannot run yet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "nook/host_facts.h"
#include "nook/spec.h"
#include "spec_check.h"

#define DOC(x)   "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}," x "}"
#define PROC(x)  DOC("\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]," x "}")
#define LINUX(x) DOC("\"linux\":{" x "}")
#define RES(x)   LINUX("\"resources\":{" x "}")
#define MAP1     "[{\"containerID\":0,\"hostID\":1,\"size\":1}]"

static const struct nook_host_facts no_lsm = {.apparmor = false, .selinux = false};
static const struct nook_host_facts all_lsm = {.apparmor = true, .selinux = true};

static void test_supported(void **state)
{
	static const char *const ok[] = {
	    DOC("\"hostname\":\"h\",\"domainname\":\"d\",\"annotations\":{\"a\":\"b\"},"
	        "\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}"),
	    PROC("\"terminal\":true,\"consoleSize\":{\"height\":1,\"width\":2},"
	         "\"user\":{\"uid\":1,\"gid\":1,\"umask\":18,\"additionalGids\":[2]},"
	         "\"env\":[\"A=b\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},"
	         "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2}],"
	         "\"oomScoreAdj\":5,\"noNewPrivileges\":true,"
	         "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\"},"
	         "\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":5},"
	         "\"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"0-3, 7\"}"),
	    DOC("\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/y\","
	        "\"options\":[\"rbind\"]}],\"hooks\":{\"prestart\":[]},"
	        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"),
	    LINUX("\"namespaces\":[{\"type\":\"user\"},{\"type\":\"time\"},"
	          "{\"type\":\"mount\"},{\"type\":\"ipc\"}],"
	          "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
	          "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
	          "\"devices\":[{\"type\":\"p\",\"path\":\"/dev/fifo\"}],"
	          "\"rootfsPropagation\":\"private\",\"sysctl\":{\"kernel.shmmax\":\"1\"},"
	          "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
	          "\"personality\":{\"domain\":\"LINUX32\"},"
	          "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-3,7\"},"
	          "\"timeOffsets\":{\"monotonic\":{\"secs\":1}},"
	          "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
	          "[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]},\"resources\":{}"),
	    /* id-mapped binds: own mappings with or without a user namespace
	     * (and without idmap/ridmap: runc's rule), the container's with one;
	     * a range may end at the last id */
	    DOC("\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/y\","
	        "\"options\":[\"idmap\"],\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1 "},"
	        "{\"destination\":\"/z\",\"source\":\"/y\",\"options\":[\"rbind\"],"
	        "\"uidMappings\":[{\"containerID\":4294967294,\"hostID\":0,\"size\":2}],"
	        "\"gidMappings\":" MAP1 "}],\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"),
	    DOC("\"mounts\":[{\"destination\":\"/x\",\"source\":\"/y\",\"options\":[\"bind\","
	        "\"ridmap\"]}],\"linux\":{\"namespaces\":[{\"type\":\"user\"},"
	        "{\"type\":\"mount\"}],"
	        "\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1 "}"),
	    /* cgroups: every section is accepted; the host decides when applied */
	    LINUX("\"cgroupsPath\":\"/a\",\"resources\":{\"devices\":[],\"memory\":{},"
	          "\"cpu\":{\"shares\":2},\"pids\":{\"limit\":5},\"blockIO\":{},"
	          "\"hugepageLimits\":[],\"network\":{},\"rdma\":{},\"unified\":{}}"),
	};
	struct nook_error err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (check(ok[i], &no_lsm, &err) < 0)
			fail_msg("case %zu refused: %s", i, err.msg);
}

static void test_labels_need_their_lsm(void **state)
{
	struct nook_error err;

	assert_int_equal(check(PROC("\"apparmorProfile\":\"p\""), &no_lsm, &err), -1);
	assert_string_equal(err.msg, "not supported: process.apparmorProfile: AppArmor is not "
	                             "enabled on this host");
	assert_int_equal(check(PROC("\"apparmorProfile\":\"p\""), &all_lsm, &err), 0);
	assert_int_equal(check(PROC("\"selinuxLabel\":\"l\""), &no_lsm, &err), -1);
	assert_string_equal(err.msg, "not supported: process.selinuxLabel: SELinux is not enabled "
	                             "on this host");
	/* linux.mountLabel without SELinux: refused where runc's mount fails
	 * (a mount that takes context=), accepted where no mount takes it. */
	assert_int_equal(check(LINUX("\"mountLabel\":\"l\""), &no_lsm, &err), 0);
	assert_int_equal(
	    check(DOC("\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
	              "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/y\"}],"
	              "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"mountLabel\":\"l\"}"),
	          &no_lsm, &err),
	    0);
	assert_int_equal(
	    check(DOC("\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
	              "{\"destination\":\"/dev\",\"type\":\"tmpfs\"}],"
	              "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"mountLabel\":\"l\"}"),
	          &no_lsm, &err),
	    -1);
	assert_string_equal(err.msg, "not supported: linux.mountLabel: SELinux is not enabled on "
	                             "this host (mounts[1], tmpfs on /dev, would take it)");
	assert_int_equal(
	    check(DOC("\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\"}],"
	              "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"mountLabel\":\"l\"}"),
	          &all_lsm, &err),
	    0);
	assert_int_equal(check(LINUX("\"namespaces\":[{\"type\":\"mount\"}],\"mountLabel\":\"l\","
	                             "\"maskedPaths\":[\"/proc/acpi\"]"),
	                       &no_lsm, &err),
	                 -1);
	assert_string_equal(err.msg, "not supported: linux.mountLabel: SELinux is not enabled on "
	                             "this host (the tmpfs masking a directory of "
	                             "linux.maskedPaths would take it)");
	/* A '"' cannot be written inside the quoted context="...". */
	assert_int_equal(check(LINUX("\"mountLabel\":\"a\\\"b\""), &all_lsm, &err), -1);
	assert_string_equal(err.msg, "linux.mountLabel: \"a\"b\": must be a label without '\"'");
}

static void test_unsupported(void **state)
{
	static const struct refusal cases[] = {
	    {"{\"ociVersion\":\"1.3.0\"}",
	     "not supported: root: a Linux container needs root.path"},
	    {DOC("\"windows\":{}"), "not supported: windows: the section of another platform"},
	    {DOC("\"solaris\":{}"), "not supported: solaris: "},
	    {DOC("\"vm\":{}"), "not supported: vm: "},
	    {DOC("\"zos\":{}"), "not supported: zos: "},
	    {DOC("\"freebsd\":{}"), "not supported: freebsd: "},
	    {PROC("\"user\":{\"uid\":0,\"gid\":0,\"username\":\"u\"}"),
	     "not supported: process.user.username: Windows only"},
	    {PROC("\"commandLine\":\"sh\""), "not supported: process.commandLine: Windows only"},
	    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},"
	          "{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]"),
	     "not supported: process.rlimits[1].type: RLIMIT_FOO is not a Linux resource limit"},
	    {PROC("\"scheduler\":{\"policy\":\"SCHED_ISO\"}"),
	     "not supported: process.scheduler.policy: Linux has no SCHED_ISO policy"},
	    /* id-mapped mounts: binds only (as runc); "idmap" alone takes the
	     * container's user namespace (config.md: else an error) */
	    {DOC("\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\","
	         "\"type\":\"tmpfs\",\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1 "}]"),
	     "not supported: mounts[1] (destination /b): an id-mapped mount of type tmpfs: only "
	     "bind mounts (type \"bind\", or option bind or rbind) can be id-mapped"},
	    {DOC("\"mounts\":[{\"destination\":\"/b\",\"type\":\"tmpfs\",\"options\":"
	         "[\"ridmap\"]}],\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}"),
	     "not supported: mounts[0] (destination /b): an id-mapped mount of type tmpfs"},
	    {DOC("\"mounts\":[{\"destination\":\"/b\",\"source\":\"/s\",\"options\":"
	         "[\"rbind\",\"ridmap\"]}]"),
	     "mounts[0].options: \"ridmap\" without uidMappings and gidMappings takes the "
	     "container's user namespace, and linux.namespaces has no user namespace: give the "
	     "mount uidMappings and gidMappings"},
	    {DOC("\"mounts\":[{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/s\","
	         "\"options\":[\"idmap\"]}]"),
	     "mounts[0].options: \"idmap\" without uidMappings"},
	    {DOC("\"mounts\":[{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/s\","
	         "\"options\":[\"bind\",\"remount\",\"ro\"],\"uidMappings\":" MAP1
	         ",\"gidMappings\":" MAP1 "}]"),
	     "not supported: mounts[0] (destination /b): an id-mapped remount: only a new bind "
	     "mount can be id-mapped"},
	    {LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/s\"}"),
	     "not supported: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY as the default"},
	    {LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
	           "[\"read\"],\"action\":\"SCMP_ACT_LOG\"},{\"names\":[\"open\"],\"action\":"
	           "\"SCMP_ACT_NOTIFY\"}]}"),
	     "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY"},
	    {LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/s\","
	           "\"syscalls\":[{\"names\":[\"open\",\"sendmsg\"],\"action\":"
	           "\"SCMP_ACT_NOTIFY\"}]}"),
	     "not supported: linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY for sendmsg"},
	    {LINUX("\"intelRdt\":{\"closID\":\"a/b\"}"),
	     "linux.intelRdt.closID: \"a/b\": must be \"/\" or one directory name"},
	    {LINUX("\"intelRdt\":{\"closID\":\"..\"}"),
	     "linux.intelRdt.closID: \"..\": must be \"/\" or one directory name"},
	    {LINUX("\"intelRdt\":{\"closID\":\"\"}"),
	     "linux.intelRdt.closID: \"\": must be \"/\" or one directory name"},
	    {LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}"),
	     "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node"},
	};
	ASSERT_REFUSED(cases, &all_lsm);
}

/* Which mounts are id-mapped, and how: runc's rule (specconv). */
static void test_mount_idmap_kind(void **state)
{
	struct nook_id_mapping one = {.container_id = 0, .host_id = 1, .size = 1};
	char *idmap_ridmap[] = {"rbind", "idmap", "ridmap"};
	char *ridmap_idmap[] = {"ridmap", "ro", "idmap"};
	char *bind[] = {"bind"};
	char *none[] = {"idmapx", "nodev"};
	struct nook_mount m = {.destination = "/d"};

	assert_int_equal(nook_spec_mount_idmap(&m), NOOK_IDMAP_NONE);
	assert_false(nook_spec_mount_is_bind(&m));
	m.options = (struct nook_strv){.v = none, .n = 2};
	assert_int_equal(nook_spec_mount_idmap(&m), NOOK_IDMAP_NONE);
	/* the last of the two options counts */
	m.options = (struct nook_strv){.v = idmap_ridmap, .n = 3};
	assert_int_equal(nook_spec_mount_idmap(&m), NOOK_IDMAP_RECURSIVE);
	assert_true(nook_spec_mount_is_bind(&m));
	m.options = (struct nook_strv){.v = ridmap_idmap, .n = 3};
	assert_int_equal(nook_spec_mount_idmap(&m), NOOK_IDMAP);
	assert_false(nook_spec_mount_is_bind(&m));
	/* mappings alone: idmap, not recursive */
	m.options = (struct nook_strv){.v = bind, .n = 1};
	m.uid_mappings = m.gid_mappings = &one;
	m.n_uid_mappings = m.n_gid_mappings = 1;
	assert_int_equal(nook_spec_mount_idmap(&m), NOOK_IDMAP);
	assert_true(nook_spec_mount_is_bind(&m));
	m.options = (struct nook_strv){0};
	m.type = "bind";
	assert_true(nook_spec_mount_is_bind(&m));
}

/* linux.netDevices (config-linux.md, "Network Devices"): checked before
 * anything is made; the devices themselves are src/linux/net_devices.c's. */
#define NETNS "\"namespaces\":[{\"type\":\"network\"}],"
static void test_net_devices_checked(void **state)
{
	static const struct refusal cases[] = {
	    {LINUX("\"netDevices\":{\"eth0\":{}}"),
	     "linux.netDevices: needs a network namespace in linux.namespaces"},
	    {LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"a/b\"}}"),
	     "linux.netDevices[\"eth0\"].name: \"a/b\": not a valid interface name"},
	    {LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"..\"}}"),
	     "linux.netDevices[\"eth0\"].name: \"..\": not a valid interface name"},
	    {LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"a b\"}}"),
	     "linux.netDevices[\"eth0\"].name: \"a b\": not a valid interface name"},
	    {LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"0123456789abcdef\"}}"),
	     "linux.netDevices[\"eth0\"].name: \"0123456789abcdef\": not a valid"},
	    {LINUX(NETNS "\"netDevices\":{\"a:1\":{}}"),
	     "linux.netDevices[\"a:1\"]: not a valid interface name"},
	    {LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"x\"},\"eth1\":{\"name\":\"x\"}}"),
	     "linux.netDevices[\"eth1\"].name: \"x\" is also the name of "
	     "linux.netDevices[\"eth0\"] in the container"},
	    {LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"eth1\"},\"eth1\":{}}"),
	     "linux.netDevices[\"eth1\"].name: \"eth1\" is also the name of "
	     "linux.netDevices[\"eth0\"]"},
	};
	static const char *const ok[] = {
	    LINUX(NETNS "\"netDevices\":{\"eth0\":{}}"),
	    LINUX(NETNS "\"netDevices\":{\"eth0\":{\"name\":\"012345678901234\"}}"),
	    /* a template may repeat: the kernel makes the names unique */
	    LINUX(NETNS "\"netDevices\":{\"a\":{\"name\":\"e%d\"},\"b\":{\"name\":\"e%d\"}}"),
	    LINUX("\"intelRdt\":{\"closID\":\"/\"}"),
	    LINUX("\"intelRdt\":{\"closID\":\"gold\",\"memBwSchema\":\"MB:0=20\"}"),
	    LINUX("\"namespaces\":[{\"type\":\"network\",\"path\":\"/n\"}],"
	          "\"netDevices\":{\"eth0\":{}}"),
	};
	struct nook_error err;

	ASSERT_REFUSED(cases, &all_lsm);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(check(ok[i], &all_lsm, &err), 0);
}

/* config-linux.md: listenerPath "is ignored" without SCMP_ACT_NOTIFY; with
 * it, a notify rule runs (docs/design.md, "Seccomp notify"). */
static void test_seccomp_listener_accepted(void **state)
{
	static const char *const ok[] = {
	    LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/s\"}"),
	    LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/s\","
	          "\"listenerMetadata\":\"m\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	          "\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
	};
	struct nook_error err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(check(ok[i], &all_lsm, &err), 0);
}

/* All six hook kinds run (src/linux/hooks.c and the lifecycle). */
static void test_hooks_supported(void **state)
{
	struct nook_spec s;
	struct nook_error err;
	const char *json = DOC("\"hooks\":{\"prestart\":[{\"path\":\"/x\"}],"
	                       "\"createRuntime\":[{\"path\":\"/x\"}],"
	                       "\"createContainer\":[{\"path\":\"/x\"}],"
	                       "\"startContainer\":[{\"path\":\"/x\"}],"
	                       "\"poststart\":[{\"path\":\"/x\",\"timeout\":3}],"
	                       "\"poststop\":[{\"path\":\"/x\"}]}");

	assert_int_equal(nook_spec_parse("config.json", json, strlen(json), &s, &err), 0);
	assert_int_equal(s.hooks.poststart.n, 1);
	assert_int_equal(nook_spec_check_supported(&s, &err), 0);
	nook_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_supported),
	    cmocka_unit_test(test_labels_need_their_lsm),
	    cmocka_unit_test(test_unsupported),
	    cmocka_unit_test(test_hooks_supported),
	    cmocka_unit_test(test_seccomp_listener_accepted),
	    cmocka_unit_test(test_mount_idmap_kind),
	    cmocka_unit_test(test_net_devices_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
