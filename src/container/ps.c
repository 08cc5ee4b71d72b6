/* nook_container_ps: the processes of a container, as pids and as ps(1)'s
 * table (its header and the rows of those pids, as runc gives them). */
#include "nook/container.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nook/cleanup.h"

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

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == (pid_t)pid)
			return true;
	return false;
}

/* `ps -ef`'s header and the lines of `pids`, into a malloc'd string. */
static char *ps_table(const pid_t *pids, size_t n, struct nook_error *err)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	FILE *ps;
	char line[4096];
	int col = -1;

	if (out == NULL) {
		nook_fail(err, errno, "ps table");
		return NULL;
	}
	ps = popen("ps -ef", "r");
	if (ps == NULL) {
		nook_fail(err, errno, "run ps -ef");
		fclose(out);
		free(text);
		return NULL;
	}
	while (fgets(line, sizeof(line), ps) != NULL) {
		if (col < 0) {
			col = pid_column(line);
			fputs(line, out);
		} else if (has_pid(pids, n, column_value(line, col))) {
			fputs(line, out);
		}
	}
	int status = pclose(ps);
	fclose(out);
	if (status != 0)
		nook_fail(err, 0, "ps -ef failed (status %d)", status);
	else if (col < 0)
		nook_fail(err, 0, "ps -ef printed no PID column");
	else
		return text;
	free(text);
	return NULL;
}

int nook_container_ps(const char *root, const char *id, pid_t **pids, size_t *n, char **table,
                      struct nook_error *err)
{
	struct nook_container c;
	int rc;

	*pids = NULL;
	*n = 0;
	if (table != NULL)
		*table = NULL;
	nook_container_clear(&c);
	rc = nook_container_load(root, id, 0, &c, err) < 0 ||
	             nook_container_pids(&c, pids, n, err) < 0
	         ? -1
	         : 0;
	nook_container_release(&c);
	if (rc == 0 && table != NULL && (*table = ps_table(*pids, *n, err)) == NULL)
		rc = -1;
	return rc;
}
