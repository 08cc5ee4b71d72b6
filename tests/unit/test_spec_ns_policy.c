/* src/spec/ns_policy.c: what a config may change, by the namespaces the
 * container owns (config-linux.md "Namespaces" and "Sysctl", config.md
 * "Hostname" and "Domainname"). Anything else would change the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "nook/host_facts.h"
#include "nook/spec.h"
#include "spec_check.h"

#define DOC(x)                "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}," x "}"
/* A config with these namespaces and this sysctl object. */
#define NS_SYSCTL(ns, sysctl) DOC("\"linux\":{\"namespaces\":[" ns "],\"sysctl\":{" sysctl "}}")

static const struct nook_host_facts nothing_joined = {.apparmor = false};

/* The same with linux.namespaces of type `t` naming the runtime's own. */
static int check_joining_runtime(const char *json, enum nook_ns_type t, struct nook_error *err)
{
	struct nook_host_facts host = {.apparmor = false};

	host.joins_runtime_ns[t] = true;
	return check(json, &host, err);
}

#define NEW(t)   "{\"type\":\"" t "\"}"
#define JOIN(t)  "{\"type\":\"" t "\",\"path\":\"/run/ns/" t "\"}"
#define KV(k, v) "\"" k "\":\"" v "\""

static void test_sysctl_in_owned_namespace(void **state)
{
	static const char *const ok[] = {
	    /* ipc: runc's list, the *_next_id ones and fs.mqueue.* */
	    NS_SYSCTL(
	        NEW("ipc"),
	        KV("kernel.msgmax", "8192") "," KV("kernel.msgmnb", "1") "," KV("kernel.msgmni", "1") "," KV("kernel.sem", "1 2 3 4") "," KV(
	            "kernel.shmall",
	            "1") "," KV("kernel.shmmax",
	                        "1") "," KV("kernel.shmmni",
	                                    "1") "," KV("kernel.shm_rmid_forced",
	                                                "1") "," KV("kernel.msg_next_id",
	                                                            "1") "," KV("kernel.sem_next_"
	                                                                        "id",
	                                                                        "1") "," KV("kernel"
	                                                                                    ".shm_"
	                                                                                    "next_"
	                                                                                    "id",
	                                                                                    "1") "," KV("fs.mqueue.queues_max",
	                                                                                                "1")),
	    NS_SYSCTL(JOIN("ipc"), KV("fs.mqueue.msg_max", "10")),
	    NS_SYSCTL(NEW("network"), KV("net.ipv4.ping_group_range", "0 0")),
	    NS_SYSCTL(JOIN("network"), KV("net.ipv4.ip_forward", "1")),
	    NS_SYSCTL(NEW("uts"), KV("kernel.domainname", "d")),
	    NS_SYSCTL(NEW("user"), KV("user.max_user_namespaces", "5")),
	    /* written with slashes (runc's convertSysctlVariableToDotsSeparator) */
	    NS_SYSCTL(NEW("network"), KV("net/ipv4/conf/eth0.100/forwarding", "1")),
	    NS_SYSCTL(NEW("ipc"), KV("kernel/shmmax", "1")),
	    /* the same value as "domainname" is no conflict (crun) */
	    DOC("\"domainname\":\"d\",\"linux\":{\"namespaces\":[" NEW(
	        "uts") "],"
	               "\"sysctl\":{" KV("kernel.domainname", "d") "}}"),
	};
	struct nook_error err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (check(ok[i], &nothing_joined, &err) < 0)
			fail_msg("case %zu refused: %s", i, err.msg);
}

/* Each of these, run, changed the host's value before (issue 8). */
static void test_sysctl_refused(void **state)
{
	static const struct refusal cases[] = {
	    {NS_SYSCTL(NEW("ipc") "," NEW("network") "," NEW("uts") "," NEW("user"),
	               KV("vm.swappiness", "60")),
	     "linux.sysctl[\"vm.swappiness\"]: not allowed, it is not in a namespace a container "
	     "can have: writing it would change the host's value"},
	    {NS_SYSCTL(NEW("network"), KV("fs.mqueue.queues_max", "100")),
	     "linux.sysctl[\"fs.mqueue.queues_max\"]: not allowed, it belongs to the ipc namespace "
	     "and the container has no ipc namespace of its own (linux.namespaces has no \"ipc\" "
	     "entry): writing it would change the host's value"},
	    {NS_SYSCTL(NEW("network"), KV("kernel.msgmax", "8192")),
	     "linux.sysctl[\"kernel.msgmax\"]: not allowed, it belongs to the ipc namespace"},
	    {NS_SYSCTL(NEW("ipc"), KV("net.ipv4.ping_group_range", "0 0")),
	     "linux.sysctl[\"net.ipv4.ping_group_range\"]: not allowed, it belongs to the network "
	     "namespace and the container has no network namespace of its own"},
	    {NS_SYSCTL(NEW("ipc"),
	               KV("fs/mqueue/queues_max", "1") "," KV("net/ipv4/ip_forward", "1")),
	     "linux.sysctl[\"net/ipv4/ip_forward\"]: not allowed, it belongs to the network"},
	    /* runc and crun: kernel.hostname conflicts with "hostname", always */
	    {NS_SYSCTL(NEW("uts"), KV("kernel.hostname", "h")),
	     "linux.sysctl[\"kernel.hostname\"]: not allowed, it conflicts with the \"hostname\" "
	     "field (set that instead)"},
	    {NS_SYSCTL(NEW("ipc"), KV("kernel.domainname", "d")),
	     "linux.sysctl[\"kernel.domainname\"]: not allowed, it belongs to the uts namespace"},
	    {DOC("\"domainname\":\"a\",\"linux\":{\"namespaces\":[" NEW(
	         "uts") "],"
	                "\"sysctl\":{" KV("kernel.domainname", "b") "}}"),
	     "linux.sysctl[\"kernel.domainname\"]: conflicts with the \"domainname\" field "
	     "(\"a\")"},
	    {NS_SYSCTL(NEW("ipc"), KV("user.max_user_namespaces", "0")),
	     "linux.sysctl[\"user.max_user_namespaces\"]: not allowed, it belongs to the user "
	     "namespace"},
	    /* near misses of the lists */
	    {NS_SYSCTL(NEW("ipc"), KV("kernel.shmmax2", "1")), "linux.sysctl[\"kernel.shmmax2\"]: "
	                                                       "not allowed, it is not in a "
	                                                       "namespace"},
	    {NS_SYSCTL(NEW("ipc"), KV("fs.mqueue", "1")),
	     "linux.sysctl[\"fs.mqueue\"]: not allowed, it is not in a namespace"},
	    {NS_SYSCTL(NEW("network"), KV("netfilter.x", "1")),
	     "linux.sysctl[\"netfilter.x\"]: not allowed, it is not in a namespace"},
	};
	ASSERT_REFUSED(cases, &nothing_joined);
}

/* A namespace joined by path is the container's unless it is the runtime's
 * own: then it is the host's for what the container changes in it. */
static void test_joined_runtime_namespace_is_the_hosts(void **state)
{
	struct nook_error err;

	assert_int_equal(
	    check_joining_runtime(NS_SYSCTL(JOIN("network"), KV("net.ipv4.ip_forward", "1")),
	                          NOOK_NS_NETWORK, &err),
	    -1);
	assert_string_equal(err.msg,
	                    "linux.sysctl[\"net.ipv4.ip_forward\"]: not allowed, it belongs to the "
	                    "network namespace and the container has no network namespace of its "
	                    "own (linux.namespaces[0].path /run/ns/network is the runtime's own): "
	                    "writing it would change the host's value");
	assert_int_equal(check_joining_runtime(NS_SYSCTL(JOIN("ipc"), KV("kernel.sem", "1 2 3 4")),
	                                       NOOK_NS_IPC, &err),
	                 -1);
	/* only the type that is the runtime's matters */
	assert_int_equal(check_joining_runtime(NS_SYSCTL(JOIN("ipc"), KV("kernel.sem", "1 2 3 4")),
	                                       NOOK_NS_NETWORK, &err),
	                 0);
	/* a new namespace is the container's whatever the facts say */
	assert_int_equal(check_joining_runtime(NS_SYSCTL(NEW("ipc"), KV("kernel.sem", "1 2 3 4")),
	                                       NOOK_NS_IPC, &err),
	                 0);
}

/* config.md "Hostname": it changes the container's uts namespace, which
 * must then be the container's: new, or joined and not the runtime's. */
static void test_hostname_needs_owned_uts(void **state)
{
	struct nook_error err;

	assert_int_equal(
	    check(DOC("\"hostname\":\"h\",\"linux\":{\"namespaces\":[" JOIN("uts") "]}"),
	          &nothing_joined, &err),
	    0);
	assert_int_equal(
	    check(DOC("\"domainname\":\"d\",\"linux\":{\"namespaces\":[" NEW("uts") "]}"),
	          &nothing_joined, &err),
	    0);
	assert_int_equal(
	    check(DOC("\"hostname\":\"h\",\"linux\":{\"namespaces\":[" NEW("pid") "]}"),
	          &nothing_joined, &err),
	    -1);
	assert_string_equal(err.msg,
	                    "hostname: set, but the container has no uts namespace of its "
	                    "own (linux.namespaces has no \"uts\" entry): setting it would "
	                    "change the host's hostname");
	assert_int_equal(check(DOC("\"domainname\":\"d\""), &nothing_joined, &err), -1);
	assert_string_equal(err.msg, "domainname: set, but the container has no uts namespace of "
	                             "its own (linux.namespaces has no \"uts\" entry): setting it "
	                             "would change the host's domainname");
	assert_int_equal(check_joining_runtime(
	                     DOC("\"hostname\":\"h\",\"linux\":{\"namespaces\":[" JOIN("uts") "]}"),
	                     NOOK_NS_UTS, &err),
	                 -1);
	assert_string_equal(err.msg, "hostname: set, but the container has no uts namespace of its "
	                             "own (linux.namespaces[0].path /run/ns/uts is the runtime's "
	                             "own): setting it would change the host's hostname");
}

/* config-linux.md: no "mount" entry keeps the runtime's mount namespace;
 * nothing may then be mounted (it would be mounted on the host). */
static void test_mounting_needs_owned_mount_ns(void **state)
{
	static const struct {
		const char *json;
		const char *path;
	} cases[] = {
	    {DOC("\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}]"),
	     "mounts[0]"},
	    {DOC("\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1,"
	         "\"minor\":3}]}"),
	     "linux.devices[0]"},
	    {DOC("\"linux\":{\"maskedPaths\":[\"/proc/kcore\"]}"), "linux.maskedPaths"},
	    {DOC("\"linux\":{\"readonlyPaths\":[\"/proc/sys\"]}"), "linux.readonlyPaths"},
	    {"{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true}}",
	     "root.readonly"},
	    {DOC("\"linux\":{\"rootfsPropagation\":\"private\"}"), "linux.rootfsPropagation"},
	};
	struct nook_error err;
	char want[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (check(cases[i].json, &nothing_joined, &err) != -1)
			fail_msg("case %zu accepted: %s", i, cases[i].json);
		snprintf(want, sizeof(want),
		         "%s: not allowed, the container has no mount namespace of its own "
		         "(linux.namespaces has no \"mount\" entry): nook would have to mount in "
		         "the host's mount table (without one, the rootfs is used as it is)",
		         cases[i].path);
		assert_string_equal(err.msg, want);
	}
	/* Nothing to mount: the rootfs is used as it is. */
	assert_int_equal(check(DOC("\"mounts\":[],\"linux\":{\"namespaces\":[" NEW("pid") "]}"),
	                       &nothing_joined, &err),
	                 0);
	/* A mount namespace joined by path (not the runtime's) is built in. */
	assert_int_equal(check(DOC("\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}],"
	                           "\"linux\":{\"namespaces\":[" JOIN("mount") "]}"),
	                       &nothing_joined, &err),
	                 0);
	assert_int_equal(check_joining_runtime(DOC("\"mounts\":[{\"destination\":\"/proc\","
	                                           "\"type\":\"proc\"}],\"linux\":{\"namespaces\":"
	                                           "[" JOIN("mount") "]}"),
	                                       NOOK_NS_MOUNT, &err),
	                 -1);
	assert_string_equal(err.msg, "mounts[0]: not allowed, the container has no mount namespace "
	                             "of its own (linux.namespaces[0].path /run/ns/mount is the "
	                             "runtime's own): nook would have to mount in the host's mount "
	                             "table (without one, the rootfs is used as it is)");
}

static void test_owns_ns(void **state)
{
	const char *json = DOC("\"linux\":{\"namespaces\":[" NEW("pid") "," JOIN("mount") "]}");
	struct nook_host_facts host = {.apparmor = false};
	struct nook_spec s;
	struct nook_error err;

	assert_int_equal(nook_spec_parse("config.json", json, strlen(json), &s, &err), 0);
	assert_true(nook_spec_owns_ns(&s, &host, NOOK_NS_PID));
	assert_true(nook_spec_owns_ns(&s, &host, NOOK_NS_MOUNT));
	assert_false(nook_spec_owns_ns(&s, &host, NOOK_NS_UTS));
	host.joins_runtime_ns[NOOK_NS_MOUNT] = true;
	host.joins_runtime_ns[NOOK_NS_PID] = true; /* no path: ignored */
	assert_false(nook_spec_owns_ns(&s, &host, NOOK_NS_MOUNT));
	assert_true(nook_spec_owns_ns(&s, &host, NOOK_NS_PID));
	nook_spec_free(&s);
}

/* nook_host_facts_read: a path naming our own namespace is found out. */
static void test_facts_read(void **state)
{
	const char *json = DOC("\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":"
	                       "\"/proc/self/ns/net\"},{\"type\":\"ipc\",\"path\":"
	                       "\"/nonexistent/ipc\"},{\"type\":\"uts\"}]}");
	struct nook_host_facts host;
	struct nook_spec s;
	struct nook_error err;

	assert_int_equal(nook_spec_parse("config.json", json, strlen(json), &s, &err), 0);
	nook_host_facts_read(&s, &host);
	assert_true(host.joins_runtime_ns[NOOK_NS_NETWORK]);
	assert_false(host.joins_runtime_ns[NOOK_NS_IPC]); /* unreadable: the join will say */
	assert_false(host.joins_runtime_ns[NOOK_NS_UTS]);
	nook_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sysctl_in_owned_namespace),
	    cmocka_unit_test(test_sysctl_refused),
	    cmocka_unit_test(test_joined_runtime_namespace_is_the_hosts),
	    cmocka_unit_test(test_hostname_needs_owned_uts),
	    cmocka_unit_test(test_mounting_needs_owned_mount_ns),
	    cmocka_unit_test(test_owns_ns),
	    cmocka_unit_test(test_facts_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
