/* nook list [-q] [--format table|json] and nook ps [--format table|json] ID */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
		fprintf(stderr, "nook: --format: expected table or json, got \"%s\"\n", arg);
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

static void list_one(const struct nook_globals *g, const char *id, bool quiet, bool json,
                     bool *first)
{
	struct nook_container c;
	struct nook_error err;

	nook_container_clear(&c);
	if (nook_container_load(g->root, id, 0, &c, &err) < 0) {
		nook_container_release(&c);
		return; /* being created or deleted right now */
	}
	if (quiet) {
		printf("%s\n", id);
	} else if (json) {
		autofree char *state = nook_container_state_json(&c, false, &err);
		if (state != NULL)
			printf("%s%s", *first ? "" : ",", state);
		*first = false;
	} else {
		int status = nook_container_status(&c);
		char owner[32];
		printf("%-12s %-8d %-10s %-40s %-32s %s\n", id,
		       status == NOOK_STOPPED ? 0 : (int)c.pid,
		       nook_status_name((enum nook_status)status), c.bundle, c.created,
		       owner_name(c.owner, owner, sizeof(owner)));
	}
	nook_container_release(&c);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nook_cmd_list(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	bool quiet = false, json = false, first = true;
	char *names[4096];
	size_t n = 0;
	int ch;

	while ((ch = getopt_long(argc, argv, "+qf:h", opts, NULL)) != -1) {
		if (ch == 'q')
			quiet = true;
		else if (ch == 'f' && parse_format(optarg, &json) == 0)
			continue;
		else {
			fprintf(ch == 'h' ? stdout : stderr,
			        "usage: nook list [-q|--quiet] [--format table|json]\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	DIR *dir = opendir(g->root);
	struct dirent *e;
	while (dir != NULL && (e = readdir(dir)) != NULL && n < NOOK_ARRAY_SIZE(names)) {
		struct nook_error ignored;
		if (e->d_type == DT_DIR && nook_id_check(e->d_name, &ignored) == 0)
			names[n++] = strdup(e->d_name);
	}
	if (dir != NULL)
		closedir(dir);
	qsort(names, n, sizeof(names[0]), compare_names);
	if (json)
		printf("[");
	else if (!quiet)
		printf("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		list_one(g, names[i], quiet, json, &first);
		free(names[i]);
	}
	if (json)
		printf("]\n");
	return 0;
}

/* Which column of ps's header is PID (procps: 2nd, busybox: 1st). */
static int pid_column(const char *header)
{
	char copy[4096], *save = NULL;
	int col = 0;

	snprintf(copy, sizeof(copy), "%s", header);
	for (char *w = strtok_r(copy, " \t\n", &save); w != NULL;
	     w = strtok_r(NULL, " \t\n", &save), col++)
		if (strcmp(w, "PID") == 0)
			return col;
	return -1;
}

static long column_value(const char *line, int col)
{
	char copy[4096], *save = NULL;
	char *w = NULL;

	snprintf(copy, sizeof(copy), "%s", line);
	w = strtok_r(copy, " \t\n", &save);
	for (int i = 0; i < col && w != NULL; i++)
		w = strtok_r(NULL, " \t\n", &save);
	return w != NULL ? strtol(w, NULL, 10) : -1;
}

/* Table format: ps(1)'s own output, keeping its header and the lines of the
 * container's pids (runc does the same). */
static int ps_table(const pid_t *pids, size_t n, struct nook_error *err)
{
	FILE *ps = popen("ps -ef", "r");
	char line[4096];
	int col = -1;

	if (ps == NULL)
		return nook_fail(err, errno, "run ps -ef");
	while (fgets(line, sizeof(line), ps) != NULL) {
		if (col < 0) {
			col = pid_column(line);
			fputs(line, stdout);
			continue;
		}
		long pid = column_value(line, col);
		for (size_t i = 0; i < n; i++)
			if (pids[i] == (pid_t)pid)
				fputs(line, stdout);
	}
	int status = pclose(ps);
	if (status != 0)
		return nook_fail(err, 0, "ps -ef failed (status %d)", status);
	if (col < 0)
		return nook_fail(err, 0, "ps -ef printed no PID column");
	return 0;
}

int nook_cmd_ps(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct nook_container c;
	struct nook_error err;
	autofree pid_t *pids = NULL;
	bool json = false;
	size_t n = 0;
	int ch, rc = 0;

	while ((ch = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
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
	nook_container_clear(&c);
	if (nook_container_load(g->root, id, 0, &c, &err) < 0 ||
	    nook_container_pids(&c, &pids, &n, &err) < 0) {
		nook_container_release(&c);
		return cli_fail(&err);
	}
	nook_container_release(&c);
	if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else if (ps_table(pids, n, &err) < 0) {
		rc = cli_fail(&err);
	}
	return rc;
}
