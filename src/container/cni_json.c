/* The JSON of the CNI runner (see cni.h): the network configuration nook
 * hands the bridge plugin, and the plugin's result and error objects
 * (CNI SPEC.md, "Section 5: Result Types"). No syscalls. */
#include "container/cni.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <yajl/yajl_tree.h>

#include "nook/cleanup.h"
#include "nook/json_gen.h"

static void document(struct nook_gen *g, const struct nook_cni_net *net)
{
	nook_gen_key_str(g, "cniVersion", NOOK_CNI_VERSION);
	nook_gen_key_str(g, "name", net->name);
	nook_gen_key_str(g, "type", "bridge");
	nook_gen_key_str(g, "bridge", net->bridge);
	nook_gen_key_bool(g, "isGateway", true);
	nook_gen_key_bool(g, "isDefaultGateway", true);
	nook_gen_key_bool(g, "ipMasq", false);
	nook_gen_key_bool(g, "hairpinMode", false);
	nook_gen_open_map(g, "ipam");
	nook_gen_key_str(g, "type", "host-local");
	nook_gen_open_array(g, "ranges");
	nook_gen_open_array(g, NULL);
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "subnet", net->subnet);
	nook_gen_close_map(g);
	nook_gen_close_array(g);
	nook_gen_close_array(g);
	nook_gen_key_str(g, "dataDir", net->data_dir);
	nook_gen_close_map(g);
}

char *nook_cni_config_json(const struct nook_cni_net *net, const char *prev_result,
                           struct nook_error *err)
{
	struct nook_gen g = {.g = yajl_gen_alloc(NULL)};
	const unsigned char *buf;
	size_t len = 0;
	char *out = NULL;

	if (g.g == NULL) {
		nook_fail(err, ENOMEM, "CNI network configuration");
		return NULL;
	}
	/* The map is left open: prevResult, already JSON, goes in as text. */
	nook_gen_open_map(&g, NULL);
	document(&g, net);
	if (!g.failed)
		nook_gen_check(&g, yajl_gen_get_buf(g.g, &buf, &len));
	if (!g.failed && asprintf(&out, "%.*s%s%s}", (int)len, (const char *)buf,
	                          prev_result != NULL ? ",\"prevResult\":" : "",
	                          prev_result != NULL ? prev_result : "") < 0)
		out = NULL;
	yajl_gen_free(g.g);
	if (out == NULL)
		nook_fail(err, ENOMEM, "CNI network configuration");
	return out;
}

/* ---- replies ---- */

static yajl_val get(yajl_val obj, const char *key, yajl_type type)
{
	const char *path[] = {key, NULL};

	return yajl_tree_get(obj, path, type);
}

static const char *get_str(yajl_val obj, const char *key)
{
	yajl_val v = get(obj, key, yajl_t_string);

	return v != NULL ? YAJL_GET_STRING(v) : NULL;
}

static int copy(char *dst, size_t size, const char *src, const char *what, struct nook_error *err)
{
	if (src == NULL)
		src = "";
	if (strlen(src) >= size)
		return nook_fail(err, EPROTO, "CNI result: %s is too long: \"%.64s\"", what, src);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* interfaces[i] when it is the one inside the sandbox named `ifname`. */
static bool is_inside(yajl_val ifaces, long long i, const char *ifname)
{
	if (ifaces == NULL || i < 0 || (size_t)i >= YAJL_GET_ARRAY(ifaces)->len)
		return false;
	yajl_val iface = YAJL_GET_ARRAY(ifaces)->values[i];
	const char *name = get_str(iface, "name");
	const char *sandbox = get_str(iface, "sandbox");

	return name != NULL && strcmp(name, ifname) == 0 && sandbox != NULL && sandbox[0] != '\0';
}

static yajl_val pick_ip(yajl_val ips, yajl_val ifaces, const char *ifname, yajl_val *iface)
{
	*iface = NULL;
	for (size_t i = 0; i < YAJL_GET_ARRAY(ips)->len; i++) {
		yajl_val ip = YAJL_GET_ARRAY(ips)->values[i];
		yajl_val idx = get(ip, "interface", yajl_t_number);

		if (idx != NULL && YAJL_IS_INTEGER(idx) &&
		    is_inside(ifaces, YAJL_GET_INTEGER(idx), ifname)) {
			*iface = YAJL_GET_ARRAY(ifaces)->values[YAJL_GET_INTEGER(idx)];
			return ip;
		}
	}
	return YAJL_GET_ARRAY(ips)->len > 0 ? YAJL_GET_ARRAY(ips)->values[0] : NULL;
}

static const char *host_side(yajl_val ifaces, const char *bridge)
{
	for (size_t i = 0; ifaces != NULL && i < YAJL_GET_ARRAY(ifaces)->len; i++) {
		yajl_val iface = YAJL_GET_ARRAY(ifaces)->values[i];
		const char *name = get_str(iface, "name");
		const char *sandbox = get_str(iface, "sandbox");

		if (name != NULL && strcmp(name, bridge) != 0 &&
		    (sandbox == NULL || *sandbox == '\0'))
			return name;
	}
	return NULL;
}

int nook_cni_parse_result(const char *json, const char *ifname, const char *bridge,
                          struct nook_cni_result *out, struct nook_error *err)
{
	char errbuf[256];
	yajl_val root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	yajl_val ips, ifaces, ip, iface;
	int rc = -1;

	*out = (struct nook_cni_result){0};
	if (root == NULL || !YAJL_IS_OBJECT(root)) {
		nook_fail(err, EPROTO, "CNI result: not a JSON object: %.*s",
		          (int)strcspn(root == NULL ? errbuf : json, "\n"),
		          root == NULL ? errbuf : json);
		goto done;
	}
	ips = get(root, "ips", yajl_t_array);
	ifaces = get(root, "interfaces", yajl_t_array);
	if (ips == NULL || (ip = pick_ip(ips, ifaces, ifname, &iface)) == NULL ||
	    !YAJL_IS_OBJECT(ip)) {
		nook_fail(err, EPROTO, "CNI result: no address in ips[]");
		goto done;
	}
	if (get_str(ip, "address") == NULL) {
		nook_fail(err, EPROTO, "CNI result: ips[] has no \"address\"");
		goto done;
	}
	if (copy(out->address, sizeof(out->address), get_str(ip, "address"), "address", err) < 0 ||
	    copy(out->gateway, sizeof(out->gateway), get_str(ip, "gateway"), "gateway", err) < 0 ||
	    copy(out->mac, sizeof(out->mac), iface != NULL ? get_str(iface, "mac") : NULL, "mac",
	         err) < 0 ||
	    copy(out->host_ifname, sizeof(out->host_ifname), host_side(ifaces, bridge),
	         "host interface", err) < 0)
		goto done;
	out->json = strdup(json);
	if (out->json == NULL) {
		nook_fail(err, ENOMEM, "CNI result");
		goto done;
	}
	rc = 0;
done:
	yajl_tree_free(root);
	return rc;
}

void nook_cni_result_free(struct nook_cni_result *r)
{
	free(r->json);
	r->json = NULL;
}

/* ---- errors ---- */

static int from_error_json(const char *plugin, const char *command, const char *out,
                           struct nook_error *err)
{
	char errbuf[64];
	yajl_val root = yajl_tree_parse(out, errbuf, sizeof(errbuf));
	yajl_val code = root != NULL ? get(root, "code", yajl_t_number) : NULL;
	const char *msg = root != NULL ? get_str(root, "msg") : NULL;
	const char *details = root != NULL ? get_str(root, "details") : NULL;
	int rc = 0;

	if (msg != NULL) {
		long long n = code != NULL && YAJL_IS_INTEGER(code) ? YAJL_GET_INTEGER(code) : 0;

		rc = nook_fail(err, 0, "CNI plugin %s %s: %s%s%s (CNI error code %lld)", plugin,
		               command, msg, details != NULL && *details ? ": " : "",
		               details != NULL ? details : "", n);
	}
	yajl_tree_free(root);
	return rc;
}

int nook_cni_fail(const char *plugin, const char *command, const char *out, const char *errout,
                  int status, struct nook_error *err)
{
	int line = (int)strcspn(errout, "\n");

	if (from_error_json(plugin, command, out, err) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return nook_fail(err, 0, "CNI plugin %s %s: killed by signal %d", plugin, command,
		                 WTERMSIG(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return nook_fail(err, 0, "CNI plugin %s %s: exited with status %d%s%.*s", plugin,
		                 command, WEXITSTATUS(status), line > 0 ? ": " : "", line, errout);
	if (line == 0)
		return nook_fail(err, EPROTO, "CNI plugin %s %s: no result", plugin, command);
	return nook_fail(err, EPROTO, "CNI plugin %s %s: %.*s", plugin, command, line, errout);
}
