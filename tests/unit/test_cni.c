/* The CNI runner's JSON (src/container/cni_json.c): the network
 * configuration nook hands the bridge plugin, and the plugin's result and
 * error objects (CNI SPEC.md 1.0.0: "Section 1: Network configuration
 * format", "Section 5: Result Types", "Error"). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <yajl/yajl_tree.h>

#include <cmocka.h>

#include "container/cni.h"

static const char *str_at(yajl_val doc, const char *const *path)
{
	yajl_val v = yajl_tree_get(doc, (const char **)path, yajl_t_string);

	assert_non_null(v);
	return YAJL_GET_STRING(v);
}

#define STR(doc, ...) str_at(doc, (const char *const[]){__VA_ARGS__, NULL})

static bool bool_at(yajl_val doc, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(doc, path, yajl_t_any);

	assert_non_null(v);
	assert_true(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v));
	return YAJL_IS_TRUE(v);
}

static yajl_val parse(const char *json)
{
	char errbuf[128];
	yajl_val doc = yajl_tree_parse(json, errbuf, sizeof(errbuf));

	if (doc == NULL)
		fail_msg("not JSON (%s): %s", errbuf, json);
	return doc;
}

static void config_is_the_bridge_network(void **unused)
{
	struct nook_cni_net net;
	struct nook_error err;

	nook_cni_default_net(&net);
	char *json = nook_cni_config_json(&net, NULL, &err);
	assert_non_null(json);
	yajl_val doc = parse(json);

	/* SPEC.md: cniVersion, name and type are required. */
	assert_string_equal(STR(doc, "cniVersion"), "1.0.0");
	assert_string_equal(STR(doc, "name"), "nook");
	assert_string_equal(STR(doc, "type"), "bridge");
	assert_string_equal(STR(doc, "bridge"), "nook0");
	assert_true(bool_at(doc, "isGateway"));
	assert_true(bool_at(doc, "isDefaultGateway"));
	assert_false(bool_at(doc, "ipMasq")); /* NAT is the host's concern */
	assert_string_equal(STR(doc, "ipam", "type"), "host-local");
	assert_string_equal(STR(doc, "ipam", "dataDir"), "/run/nook-cni");
	const char *ranges[] = {"ipam", "ranges", NULL};
	yajl_val r = yajl_tree_get(doc, ranges, yajl_t_array);
	assert_non_null(r);
	assert_int_equal(YAJL_GET_ARRAY(r)->len, 1);
	yajl_val set = YAJL_GET_ARRAY(r)->values[0];
	assert_true(YAJL_IS_ARRAY(set));
	assert_string_equal(STR(YAJL_GET_ARRAY(set)->values[0], "subnet"), "10.77.0.0/24");
	const char *prev[] = {"prevResult", NULL};
	assert_null(yajl_tree_get(doc, prev, yajl_t_any));
	yajl_tree_free(doc);
	free(json);
}

/* DEL gets the ADD's result as prevResult (SPEC.md, "DEL"); what the
 * network is named goes in escaped. */
static void config_with_prev_result_and_odd_names(void **unused)
{
	struct nook_cni_net net;
	struct nook_error err;

	nook_cni_default_net(&net);
	net.bridge = "b\"r\\0";
	net.data_dir = "/tmp/a dir";
	char *json = nook_cni_config_json(
	    &net, "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.77.0.9/24\"}]}", &err);
	assert_non_null(json);
	yajl_val doc = parse(json);

	assert_string_equal(STR(doc, "bridge"), "b\"r\\0");
	assert_string_equal(STR(doc, "ipam", "dataDir"), "/tmp/a dir");
	assert_string_equal(STR(doc, "prevResult", "cniVersion"), "1.0.0");
	assert_string_equal(STR(doc, "type"), "bridge");
	yajl_tree_free(doc);
	free(json);
}

/* What Debian's bridge plugin (1.1.1) printed for an ADD. */
static const char bridge_result[] =
    "{\"cniVersion\": \"1.0.0\", \"interfaces\": ["
    "{\"name\": \"nook0\", \"mac\": \"e2:b0:2b:66:a0:cb\"},"
    "{\"name\": \"vetha2bffe19\", \"mac\": \"5a:48:35:21:63:9c\"},"
    "{\"name\": \"eth0\", \"mac\": \"f6:31:dd:19:78:4f\", \"sandbox\": \"/proc/1/fd/3\"}],"
    "\"ips\": [{\"interface\": 2, \"address\": \"10.77.0.2/24\", \"gateway\": \"10.77.0.1\"}],"
    "\"dns\": {}}";

static void result_of_the_bridge_plugin(void **unused)
{
	struct nook_cni_result r;
	struct nook_error err;

	assert_int_equal(nook_cni_parse_result(bridge_result, "eth0", "nook0", &r, &err), 0);
	assert_string_equal(r.address, "10.77.0.2/24");
	assert_string_equal(r.gateway, "10.77.0.1");
	assert_string_equal(r.mac, "f6:31:dd:19:78:4f");
	assert_string_equal(r.host_ifname, "vetha2bffe19");
	assert_string_equal(r.json, bridge_result);
	nook_cni_result_free(&r);
	assert_null(r.json);
}

/* The address on the interface asked for is taken, not the first one. */
static void result_picks_the_address_of_the_interface(void **unused)
{
	static const char json[] =
	    "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/x\"},"
	    "{\"name\":\"net1\",\"mac\":\"aa:bb:cc:dd:ee:ff\",\"sandbox\":\"/x\"}],"
	    "\"ips\":[{\"interface\":0,\"address\":\"10.1.0.2/24\"},"
	    "{\"interface\":1,\"address\":\"10.2.0.2/24\"}]}";
	struct nook_cni_result r;
	struct nook_error err;

	assert_int_equal(nook_cni_parse_result(json, "net1", "nook0", &r, &err), 0);
	assert_string_equal(r.address, "10.2.0.2/24");
	assert_string_equal(r.mac, "aa:bb:cc:dd:ee:ff");
	assert_string_equal(r.gateway, "");
	assert_string_equal(r.host_ifname, "");
	nook_cni_result_free(&r);
	/* no interface of that name: the first address, no mac */
	assert_int_equal(nook_cni_parse_result(json, "eth9", "nook0", &r, &err), 0);
	assert_string_equal(r.address, "10.1.0.2/24");
	assert_string_equal(r.mac, "");
	nook_cni_result_free(&r);
}

static void bad_result(const char *json, const char *want)
{
	struct nook_cni_result r;
	struct nook_error err;

	nook_error_clear(&err);
	assert_int_equal(nook_cni_parse_result(json, "eth0", "nook0", &r, &err), -1);
	if (strstr(err.msg, want) == NULL)
		fail_msg("for %s: expected \"%s\" in \"%s\"", json, want, err.msg);
	assert_null(r.json);
}

static void results_that_are_refused(void **unused)
{
	bad_result("", "CNI result: not a JSON object");
	bad_result("[1]", "CNI result: not a JSON object: [1]");
	bad_result("{\"cniVersion\":\"1.0.0\"}", "no address in ips[]");
	bad_result("{\"ips\":[]}", "no address in ips[]");
	bad_result("{\"ips\":[1]}", "no address in ips[]");
	bad_result("{\"ips\":[{\"gateway\":\"10.0.0.1\"}]}", "ips[] has no \"address\"");
	bad_result(
	    "{\"ips\":[{\"address\":\"10.0.0.1/24xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxx\"}]}",
	    "address is too long");
}

static void fails_as(const char *out, const char *errout, int status, const char *want, int errnum)
{
	struct nook_error err;

	nook_error_clear(&err);
	assert_int_equal(nook_cni_fail("/usr/lib/cni/bridge", "ADD", out, errout, status, &err),
	                 -1);
	assert_string_equal(err.msg, want);
	assert_int_equal(err.errnum, errnum);
}

/* SPEC.md "Error": code, msg, details on stdout, and a non-zero exit. */
static void errors_name_the_plugin_and_its_message(void **unused)
{
	int exit1 = 1 << 8; /* as waitpid gives "exited with 1" */

	assert_true(WIFEXITED(exit1) && WEXITSTATUS(exit1) == 1);
	fails_as(
	    "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"failed to allocate\","
	    "\"details\":\"no IP addresses available in range set\"}",
	    "", exit1,
	    "CNI plugin /usr/lib/cni/bridge ADD: failed to allocate: no IP addresses available "
	    "in range set (CNI error code 11)",
	    0);
	fails_as("{\"code\":999,\"msg\":\"invalid CIDR address: 10.0.0.0/33\"}", "ignored\n", exit1,
	         "CNI plugin /usr/lib/cni/bridge ADD: invalid CIDR address: 10.0.0.0/33 (CNI error "
	         "code 999)",
	         0);
	/* no error JSON: the status and stderr's first line */
	fails_as("", "panic: oops\ngoroutine 1\n", exit1,
	         "CNI plugin /usr/lib/cni/bridge ADD: exited with status 1: panic: oops", 0);
	fails_as("garbage", "", 2 << 8, "CNI plugin /usr/lib/cni/bridge ADD: exited with status 2",
	         0);
	fails_as("", "", SIGKILL, "CNI plugin /usr/lib/cni/bridge ADD: killed by signal 9", 0);
	/* exit 0 and still no result */
	fails_as("", "", 0, "CNI plugin /usr/lib/cni/bridge ADD: no result", EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(config_is_the_bridge_network),
	    cmocka_unit_test(config_with_prev_result_and_odd_names),
	    cmocka_unit_test(result_of_the_bridge_plugin),
	    cmocka_unit_test(result_picks_the_address_of_the_interface),
	    cmocka_unit_test(results_that_are_refused),
	    cmocka_unit_test(errors_name_the_plugin_and_its_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
