/* Global flags and command dispatch, as runc takes them:
 *   nook [--root DIR] [--log FILE] [--log-format text|json] [--debug]
 *        [--systemd-cgroup] [--rootless auto|true|false] COMMAND ... */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_util.h"
#include "nook/log.h"
#include "nook/userns.h"

static const struct nook_command commands[] = {
    {"create", "create a container; its process waits for start", nook_cmd_create},
    {"start", "start the process of a created container", nook_cmd_start},
    {"run", "create and start a container, and wait for it", nook_cmd_run},
    {"state", "print the state of a container as JSON", nook_cmd_state},
    {"exec", "run a new process in a running container", nook_cmd_exec},
    {"kill", "send a signal to a container's process", nook_cmd_kill},
    {"delete", "delete a container and everything nook made for it", nook_cmd_delete},
    {"list", "list containers", nook_cmd_list},
    {"ps", "list the processes of a container", nook_cmd_ps},
    {"pause", "freeze every process of a container", nook_cmd_pause},
    {"resume", "thaw a paused container", nook_cmd_resume},
    {"update", "change the resource limits of a running container", nook_cmd_update},
    {"events", "cgroup statistics and OOM events of a container", nook_cmd_events},
    {"features", "print what nook implements (features.md JSON)", nook_cmd_features},
    {"spec", "write a default config.json", nook_cmd_spec},
    {"job", "run a command in a throwaway, limited container", nook_cmd_job},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: nook [global options] COMMAND [options] [ARGS]\n\n"
	             "nook runs OCI containers (runtime-spec " NOOK_SPEC_VERSION ").\n\n"
	             "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nglobal options:\n"
	             "  --root DIR              state directory (default /run/nook; "
	             "rootless:\n"
	             "                          $XDG_RUNTIME_DIR/nook)\n"
	             "  --log FILE              write diagnostics to FILE\n"
	             "  --log-format FORMAT     text or json\n"
	             "  --debug                 more diagnostics\n"
	             "  --systemd-cgroup        the container's cgroup is a systemd scope;\n"
	             "                          linux.cgroupsPath is \"slice:prefix:name\"\n"
	             "  --rootless auto|true|false\n"
	             "                          rootless cgroup handling (auto: when not "
	             "root,\n"
	             "                          or root in a user namespace)\n"
	             "  --version, --help\n\n"
	             "nook COMMAND --help tells about a command.\n");
}

/* Commands that keep no state need no state root, nor does a command's
 * --help (an unprivileged caller without $XDG_RUNTIME_DIR can read it).
 * args: the command's name and its arguments. */
static bool needs_root(int argc, char **args)
{
	if (strcmp(args[0], "spec") == 0 || strcmp(args[0], "features") == 0)
		return false;
	for (int i = 1; i < argc && strcmp(args[i], "--") != 0; i++) {
		if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0)
			return false;
	}
	return true;
}

/* The global flags as given; checked once the log is open, so that a wrong
 * one is reported where --log says (containerd's shim and podman show the
 * user only that file). */
struct raw_globals {
	const char *log_format;
	const char *rootless;
};

/* Returns -1 to go on, else the exit code. */
static int global_flag(int c, struct nook_globals *g, struct raw_globals *raw)
{
	switch (c) {
	case 'r':
		g->root = optarg;
		return -1;
	case 'l':
		g->log = optarg;
		return -1;
	case 'f':
		raw->log_format = optarg;
		g->log_json = strcmp(optarg, "json") == 0;
		return -1;
	case 'd':
		g->debug = true;
		return -1;
	case 's':
		g->systemd_cgroup = true;
		return -1;
	case 'R':
		raw->rootless = optarg;
		return -1;
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

/* 0, or 1 after logging what is wrong. */
static int check_globals(const struct raw_globals *raw)
{
	if (raw->log_format != NULL && strcmp(raw->log_format, "json") != 0 &&
	    strcmp(raw->log_format, "text") != 0)
		return cli_error("--log-format: expected text or json, got \"%s\"",
		                 raw->log_format);
	if (raw->rootless != NULL && strcmp(raw->rootless, "auto") != 0 &&
	    strcmp(raw->rootless, "true") != 0 && strcmp(raw->rootless, "false") != 0)
		return cli_error("--rootless: expected auto, true or false, got \"%s\"",
		                 raw->rootless);
	return 0;
}

int nook_cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_ARG("root", 'r'),
	    CLI_ARG("log", 'l'),
	    CLI_ARG("log-format", 'f'),
	    CLI_FLAG("debug", 'd'),
	    CLI_FLAG("systemd-cgroup", 's'),
	    CLI_ARG("rootless", 'R'),
	    CLI_FLAG("version", 'v'),
	    CLI_FLAG("help", 'h'),
	    {0},
	};
	struct nook_globals g = {0};
	static char default_root[4096];
	struct raw_globals raw = {0};
	struct nook_error err;
	int c;

	/* '+': stop at the command, its flags are its own. */
	while ((c = cli_getopt_quiet(NULL, argc, argv, "+hv", opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			break; /* told once the log is open */
		int code = global_flag(c, &g, &raw);
		if (code >= 0)
			return code;
	}
	if (nook_log_open(g.log, g.log_json ? NOOK_LOG_JSON : NOOK_LOG_TEXT, g.debug, &err) < 0) {
		nook_log_error(&err);
		return 1;
	}
	if (c == '?' || c == ':') {
		cli_error("%s", cli_bad_option());
		usage(stderr);
		return 1;
	}
	if (check_globals(&raw) != 0)
		return 1;
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	const char *name = argv[optind];
	g.rootless = nook_rootless_decide(raw.rootless);
	if (g.root == NULL && needs_root(argc - optind, argv + optind)) {
		if (nook_state_root_default(default_root, sizeof(default_root), &err) < 0) {
			nook_log_error(&err);
			return 1;
		}
		g.root = default_root;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0) {
			argv += optind;
			argc -= optind;
			optind = 0; /* reset getopt for the command's own flags */
			return commands[i].main(&g, argc, argv);
		}
	}
	return cli_error("unknown command \"%s\" (see nook --help)", name);
}
