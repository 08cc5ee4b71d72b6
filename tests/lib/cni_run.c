/* nook's CNI runner (src/container/cni.c) from the command line, for
 * tests/integration/test_cni.sh; built there against build/libnook.a.
 *
 *   cni_run add|del ID NETNS IFNAME [BRIDGE SUBNET DATA_DIR [PLUGIN_DIR [TIMEOUT]]]
 *
 * NETNS "-": none (del only). add prints "address gateway mac host_ifname"
 * (a "-" for an empty one); the error is one line on stderr, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/cni.h"

static const char *dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

int main(int argc, char **argv)
{
	struct nook_cni_net net;
	struct nook_cni_result res;
	struct nook_error err;
	char text[NOOK_ERROR_MSG_MAX + 64];
	int rc;

	if (argc < 5 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "del") != 0)) {
		fprintf(stderr, "usage: cni_run add|del ID NETNS IFNAME [BRIDGE SUBNET DATA_DIR "
		                "[PLUGIN_DIR [TIMEOUT]]]\n");
		return 2;
	}
	nook_cni_default_net(&net);
	if (argc > 7) {
		net.bridge = argv[5];
		net.subnet = argv[6];
		net.data_dir = argv[7];
	}
	if (argc > 8)
		net.plugin_dir = argv[8];
	if (argc > 9)
		net.timeout_s = atoi(argv[9]);
	nook_error_clear(&err);
	const char *netns = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	if (strcmp(argv[1], "add") == 0) {
		rc = nook_cni_add(&net, argv[2], netns, argv[4], &res, &err);
		if (rc == 0) {
			printf("%s %s %s %s\n", res.address, dash(res.gateway), dash(res.mac),
			       dash(res.host_ifname));
			nook_cni_result_free(&res);
		}
	} else {
		rc = nook_cni_del(&net, argv[2], netns, argv[4], NULL, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "cni_run: %s\n", nook_error_text(&err, text, sizeof(text)));
		return 1;
	}
	return 0;
}
