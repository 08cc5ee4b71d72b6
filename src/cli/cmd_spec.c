/* nook spec [--bundle DIR] [--rootless]: write a default config.json. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli_util.h"

int nook_cmd_spec(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_ARG("bundle", 'b'),
	    CLI_FLAG("rootless", 'R'),
	    CLI_FLAG("help", 'h'),
	    {0},
	};
	const char *bundle = ".";
	bool rootless = false;
	struct nook_error err;
	char path[PATH_MAX];
	int c;

	(void)g;
	while ((c = cli_getopt("spec", argc, argv, "b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'R':
			rootless = true;
			break;
		case 'h':
			printf("usage: nook spec [--bundle DIR] [--rootless]\n\n"
			       "Write a default config.json into the bundle directory.\n");
			return 0;
		default:
			return 1;
		}
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (nook_spec_write_default(path, rootless, getuid(), getgid(), &err) < 0)
		return cli_fail(&err);
	return 0;
}
