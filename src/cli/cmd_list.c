/* nook list [-q] [--format table|json] and nook ps [--format table|json] ID */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/state.h"

static int parse_format(const char *arg, bool *json)
{
	if (strcmp(arg, "json") == 0)
		*json = true;
	else if (strcmp(arg, "table") == 0)
		*json = false;
	else {
		cli_error("--format: expected table or json, got \"%s\"", arg);
		return -1;
	}
	return 0;
}

static const char *owner_name(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		return pw->pw_name;
	snprintf(buf, size, "#%u", (unsigned)uid);
	return buf;
}

struct list_out {
	bool quiet;
	bool json;
	size_t printed; /* json: elements so far, for the commas */
};

/* A container that cannot be loaded is left out, with a warning; one whose
 * state.json is not there (yet, or any more: a create or delete under way
 * right now) only at --debug. */
static void list_skip(const char *id, const struct nook_error *load_err)
{
	char text[NOOK_ERROR_MSG_MAX + 64];

	nook_error_text(load_err, text, sizeof(text));
	if (load_err->errnum == ENOENT)
		nook_debug("list: skipped %s: %s", id, text);
	else
		nook_warn("list: skipped %s: %s", id, text);
}

static void list_one(void *ctx, const char *id, struct nook_container *c,
                     const struct nook_error *load_err)
{
	struct list_out *o = ctx;
	struct nook_error err;

	if (c == NULL) {
		list_skip(id, load_err);
		return;
	}
	if (o->quiet) {
		printf("%s\n", id);
	} else if (o->json) {
		autofree char *state = nook_container_state_json(c, false, &err);
		if (state == NULL) {
			list_skip(id, &err);
			return;
		}
		printf("%s%s", o->printed++ > 0 ? "," : "", state);
	} else {
		int status = nook_container_status(c);
		char owner[32];
		printf("%-12s %-8d %-10s %-40s %-32s %s\n", id,
		       status == NOOK_STOPPED ? 0 : (int)c->pid,
		       nook_status_name((enum nook_status)status), c->bundle, c->created,
		       owner_name(c->owner, owner, sizeof(owner)));
	}
}

int nook_cmd_list(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_FLAG("quiet", 'q'), CLI_ARG("format", 'f'), CLI_FLAG("help", 'h'), {0}};
	struct list_out o = {0};
	struct nook_error err;
	int ch, rc = 0;

	while ((ch = cli_getopt("list", argc, argv, "+qf:h", opts, NULL)) != -1) {
		if (ch == 'q')
			o.quiet = true;
		else if (ch == 'f' && parse_format(optarg, &o.json) == 0)
			continue;
		else {
			fprintf(ch == 'h' ? stdout : stderr,
			        "usage: nook list [-q|--quiet] [--format table|json]\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	if (o.json && !o.quiet)
		printf("[");
	else if (!o.quiet)
		printf("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	if (nook_container_list(g->root, list_one, &o, &err) < 0)
		rc = cli_fail(&err);
	if (o.json && !o.quiet)
		printf("]\n");
	return rc;
}

int nook_cmd_ps(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {CLI_ARG("format", 'f'), CLI_FLAG("help", 'h'), {0}};
	struct nook_error err;
	autofree pid_t *pids = NULL;
	autofree char *table = NULL;
	bool json = false;
	size_t n = 0;
	int ch;

	while ((ch = cli_getopt("ps", argc, argv, "+f:h", opts, NULL)) != -1) {
		if (ch == 'f' && parse_format(optarg, &json) == 0)
			continue;
		fprintf(ch == 'h' ? stdout : stderr,
		        "usage: nook ps [--format table|json] ID\n\nThe processes of a "
		        "container.\n");
		return ch == 'h' ? 0 : 1;
	}
	const char *id = cli_one_id("ps", argc, argv);
	if (id == NULL)
		return 1;
	if (nook_container_ps(g->root, id, &pids, &n, json ? NULL : &table, &err) < 0)
		return cli_fail(&err);
	if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		fputs(table, stdout);
	}
	return 0;
}
