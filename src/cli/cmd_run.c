/* nook run [--bundle DIR] [--pid-file F] ID */
#include <stdio.h>

#include "nook/cli.h"

int nook_cmd_run(const struct nook_globals *g, int argc, char **argv)
{
	(void)g;
	(void)argc;
	(void)argv;
	fprintf(stderr, "nook: run: not written yet\n");
	return 1;
}
