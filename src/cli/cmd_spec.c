/* nook spec [--bundle DIR] [--rootless]: write a default config.json. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "nook/container.h"
#include "nook/log.h"
#include "nook/spec.h"

int nook_cmd_spec(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"rootless", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *bundle = ".";
	bool rootless = false;
	struct nook_error err;
	char path[PATH_MAX];
	int c;

	(void)g;
	while ((c = getopt_long(argc, argv, "b:h", opts, NULL)) != -1) {
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
	if (nook_spec_write_default(path, rootless, getuid(), getgid(), &err) < 0) {
		nook_log_error(&err);
		return 1;
	}
	return 0;
}
