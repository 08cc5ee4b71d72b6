/* The small commands on an existing container: start, state, kill, delete. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "nook/cleanup.h"
#include "nook/log.h"

/* Parse just --help, then the ID. */
static const char *simple_args(const char *command, const char *usage, int argc, char **argv,
                               int *code)
{
	static const struct option opts[] = {CLI_FLAG("help", 'h'), {0}};
	int ch;

	*code = 0;
	while ((ch = cli_getopt(command, argc, argv, "+h", opts, NULL)) != -1) {
		fprintf(ch == 'h' ? stdout : stderr, "usage: nook %s\n", usage);
		*code = ch == 'h' ? 0 : 1;
		return NULL;
	}
	const char *id = cli_one_id(command, argc, argv);
	if (id == NULL)
		*code = 1;
	return id;
}

int nook_cmd_start(const struct nook_globals *g, int argc, char **argv)
{
	struct nook_error err;
	int code;
	const char *id = simple_args(
	    "start", "start ID\n\nStart the process of a created container.", argc, argv, &code);

	if (id == NULL)
		return code;
	if (nook_container_start_by_id(g->root, id, &err) < 0)
		return cli_fail(&err);
	return 0;
}

int nook_cmd_state(const struct nook_globals *g, int argc, char **argv)
{
	struct nook_error err;
	int code;
	const char *id = simple_args("state", "state ID\n\nPrint the state of a container as JSON.",
	                             argc, argv, &code);

	if (id == NULL)
		return code;
	autofree char *json = nook_container_state_by_id(g->root, id, &err);
	if (json == NULL)
		return cli_fail(&err);
	printf("%s\n", json);
	return 0;
}

int nook_cmd_kill(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {CLI_FLAG("all", 'a'), CLI_FLAG("help", 'h'), {0}};
	struct nook_error err;
	bool all = false;
	int sig = 15, ch;

	while ((ch = cli_getopt("kill", argc, argv, "+ah", opts, NULL)) != -1) {
		if (ch == 'a') {
			all = true;
			continue;
		}
		printf("usage: nook kill [--all] ID [SIGNAL]\n\nSend SIGNAL (default TERM; a name "
		       "like KILL or SIGKILL, or a number)\nto the container's process, or with "
		       "--all to all of its processes.\n");
		return ch == 'h' ? 0 : 1;
	}
	if (argc - optind < 1 || argc - optind > 2) {
		return cli_error("kill: expected ID [SIGNAL] (see nook kill --help)");
	}
	const char *id = argv[optind];
	if (argc - optind == 2 && (sig = cli_signal_number(argv[optind + 1])) < 0) {
		return cli_error("kill: unknown signal \"%s\"", argv[optind + 1]);
	}
	if (nook_container_kill_by_id(g->root, id, sig, all, &err) < 0)
		return cli_fail(&err);
	return 0;
}

int nook_cmd_delete(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {CLI_FLAG("force", 'f'), CLI_FLAG("help", 'h'), {0}};
	struct nook_error err;
	bool force = false;
	int ch;

	while ((ch = cli_getopt("delete", argc, argv, "+fh", opts, NULL)) != -1) {
		if (ch == 'f') {
			force = true;
			continue;
		}
		printf("usage: nook delete [--force] ID\n\nDelete a stopped container and all nook "
		       "made for it. --force kills a\ncreated or running one first.\n");
		return ch == 'h' ? 0 : 1;
	}
	const char *id = cli_one_id("delete", argc, argv);
	if (id == NULL)
		return 1;
	if (nook_container_delete_by_id(g->root, id, force, &err) < 0)
		return cli_fail(&err);
	return 0;
}
