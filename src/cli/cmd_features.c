/* nook features: what this nook implements, as features.md's JSON. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "nook/cleanup.h"
#include "nook/features.h"

int nook_cmd_features(const struct nook_globals *g, int argc, char **argv)
{
	struct nook_error err;

	(void)g;
	if (argc > 1) {
		bool help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
		fprintf(help ? stdout : stderr, "usage: nook features\n\nPrint what nook "
		                                "implements as the JSON of the runtime-spec's "
		                                "features.md.\n");
		return help ? 0 : 1;
	}
	autofree char *json = nook_features_json(&err);
	if (json == NULL)
		return cli_fail(&err);
	printf("%s\n", json);
	return 0;
}
