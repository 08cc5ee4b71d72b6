/* Global flags and command dispatch, as runc takes them:
 *   nook [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND ... */
#include "nook/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nook/log.h"

static const struct nook_command commands[] = {
    {"run", "create and run a container in the foreground", nook_cmd_run},
    {"spec", "write a default config.json", nook_cmd_spec},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: nook [global options] COMMAND [options] [ARGS]\n\n"
	             "nook runs OCI containers (runtime-spec " NOOK_SPEC_VERSION ").\n\n"
	             "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nglobal options:\n"
	             "  --root DIR           state directory (default /run/nook)\n"
	             "  --log FILE           write diagnostics to FILE\n"
	             "  --log-format FORMAT  text or json\n"
	             "  --debug              more diagnostics\n"
	             "  --version, --help\n");
}

int nook_cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"log", required_argument, NULL, 'l'},
	    {"log-format", required_argument, NULL, 'f'},
	    {"debug", no_argument, NULL, 'd'},
	    {"version", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct nook_globals g = {.root = "/run/nook"};
	struct nook_error err;
	int c;

	/* '+': stop at the command, its flags are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			g.root = optarg;
			break;
		case 'l':
			g.log = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				g.log_json = true;
			} else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr,
				        "nook: --log-format: expected text or json, got \"%s\"\n",
				        optarg);
				return 1;
			}
			break;
		case 'd':
			g.debug = true;
			break;
		case 'v':
			printf("nook version %s\nspec: %s\n", NOOK_VERSION, NOOK_SPEC_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (nook_log_open(g.log, g.log_json ? NOOK_LOG_JSON : NOOK_LOG_TEXT, g.debug, &err) < 0) {
		nook_log_error(&err);
		return 1;
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0) {
			argv += optind;
			argc -= optind;
			optind = 0; /* reset getopt for the command's own flags */
			return commands[i].main(&g, argc, argv);
		}
	}
	fprintf(stderr, "nook: unknown command \"%s\" (see nook --help)\n", name);
	return 1;
}
