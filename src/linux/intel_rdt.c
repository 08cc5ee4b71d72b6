/* linux.intelRdt (config-linux.md, "IntelRdt") through resctrl; see
 * include/nook/intel_rdt.h. Writes open with O_CREAT|O_APPEND: a kernfs
 * file exists already and takes each write as one line; in a plain tree
 * (the unit tests) the lines accumulate. */
#include "nook/intel_rdt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/file.h"

int nook_rdt_find_root(char *root, size_t size, struct nook_error *err)
{
	autofree char *mi = nook_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, 4 << 20, NULL, err);
	if (mi == NULL)
		return nook_error_prefix(err, "linux.intelRdt");
	for (char *line = strtok(mi, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		/* "id parent maj:min root mountpoint opts [tags] - type source" */
		char *sep = strstr(line, " - ");
		char mnt[4096];
		if (sep == NULL || strncmp(sep + 3, "resctrl ", 8) != 0 ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (strchr(mnt, '\\') != NULL)
			continue; /* an escaped path: not the one to use */
		if ((size_t)snprintf(root, size, "%s", mnt) >= size)
			continue;
		return 0;
	}
	return nook_fail(err, ENOENT,
	                 "linux.intelRdt: no resctrl filesystem is mounted (none in "
	                 "/proc/self/mountinfo; mount -t resctrl resctrl /sys/fs/resctrl)");
}

static void group_path(const char *root, const struct nook_intel_rdt *r, const char *id, char *out,
                       size_t size)
{
	if (r->clos_id != NULL && strcmp(r->clos_id, "/") == 0)
		snprintf(out, size, "%s", root);
	else
		snprintf(out, size, "%s/%s", root, r->clos_id != NULL ? r->clos_id : id);
}

static int write_line(const char *dir, const char *file, const char *text, const char *field,
                      struct nook_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	autoclose int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return nook_fail(err, errno, "%s: open %s", field, path);
	size_t len = strlen(text);
	char buf[4096];
	if (len + 2 > sizeof(buf))
		return nook_fail(err, E2BIG, "%s: longer than %zu bytes", field, sizeof(buf) - 2);
	memcpy(buf, text, len);
	buf[len++] = '\n';
	if (write(fd, buf, len) != (ssize_t)len)
		return nook_fail(err, errno ? errno : EIO, "%s: write \"%s\" to %s", field, text,
		                 path);
	return 0;
}

static int add_task(const char *dir, pid_t pid, const char *field, struct nook_error *err)
{
	char text[24];
	snprintf(text, sizeof(text), "%d", (int)pid);
	return write_line(dir, "tasks", text, field, err);
}

/* A schema line without its white space: the kernel pads what it shows. */
static void squeeze(const char *in, char *out, size_t size)
{
	size_t n = 0;
	for (; *in != '\0' && n + 1 < size; in++)
		if (*in != ' ' && *in != '\t')
			out[n++] = *in;
	out[n] = '\0';
}

static bool schemata_has(const char *text, const char *want)
{
	char w[4096], line[4096];
	squeeze(want, w, sizeof(w));
	for (const char *p = text; *p != '\0';) {
		const char *end = strchrnul(p, '\n');
		size_t len =
		    (size_t)(end - p) < sizeof(line) - 1 ? (size_t)(end - p) : sizeof(line) - 1;
		char raw[4096];
		memcpy(raw, p, len);
		raw[len] = '\0';
		squeeze(raw, line, sizeof(line));
		if (strcmp(line, w) == 0)
			return true;
		p = *end == '\0' ? end : end + 1;
	}
	return false;
}

/* An existing closID group: its schemata must already say what the config
 * asks ("MUST compare ... and generate an error if doesn't match"). */
static int compare_schemata(const char *dir, const struct nook_intel_rdt *r, struct nook_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/schemata", dir);
	autofree char *text = nook_read_file(AT_FDCWD, path, 0, 1 << 20, NULL, err);
	if (text == NULL)
		return nook_error_prefix(err, "linux.intelRdt.closID");
	if (r->l3_cache_schema != NULL && !schemata_has(text, r->l3_cache_schema))
		return nook_fail(err, EINVAL,
		                 "linux.intelRdt.l3CacheSchema: \"%s\" does not match %s of the "
		                 "existing closID group",
		                 r->l3_cache_schema, path);
	if (r->mem_bw_schema != NULL && !schemata_has(text, r->mem_bw_schema))
		return nook_fail(err, EINVAL,
		                 "linux.intelRdt.memBwSchema: \"%s\" does not match %s of the "
		                 "existing closID group",
		                 r->mem_bw_schema, path);
	return 0;
}

static int write_schemata(const char *dir, const struct nook_intel_rdt *r, struct nook_error *err)
{
	char field[64];

	/* l3CacheSchema first, memBwSchema last, then schemata (config-linux.md). */
	if (r->l3_cache_schema != NULL && write_line(dir, "schemata", r->l3_cache_schema,
	                                             "linux.intelRdt.l3CacheSchema", err) < 0)
		return -1;
	if (r->mem_bw_schema != NULL &&
	    write_line(dir, "schemata", r->mem_bw_schema, "linux.intelRdt.memBwSchema", err) < 0)
		return -1;
	for (size_t i = 0; i < r->schemata.n; i++) {
		snprintf(field, sizeof(field), "linux.intelRdt.schemata[%zu]", i);
		if (write_line(dir, "schemata", r->schemata.v[i], field, err) < 0)
			return -1;
	}
	return 0;
}

int nook_rdt_apply(const char *root, const struct nook_intel_rdt *r, const char *id, pid_t pid,
                   struct nook_error *err)
{
	char dir[PATH_MAX];
	bool has_schema =
	    r->l3_cache_schema != NULL || r->mem_bw_schema != NULL || r->schemata.n > 0;
	struct stat st;

	group_path(root, r, id, dir, sizeof(dir));
	bool exists = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	if (r->clos_id != NULL && !has_schema && !exists)
		return nook_fail(err, ENOENT, "linux.intelRdt.closID: no resctrl group %s", dir);
	if (r->clos_id != NULL && exists) {
		if (compare_schemata(dir, r, err) < 0)
			return -1;
	} else {
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "linux.intelRdt: mkdir %s", dir);
		if (write_schemata(dir, r, err) < 0)
			return -1;
	}
	/* closID "/" with schemata: the root group exists, so it is compared
	 * above, never rewritten. */
	if (add_task(dir, pid, "linux.intelRdt", err) < 0)
		return -1;
	if (!r->enable_monitoring)
		return 0;
	char mon[PATH_MAX];
	if ((size_t)snprintf(mon, sizeof(mon), "%s/mon_groups/%s", dir, id) >= sizeof(mon))
		return nook_fail(err, ENAMETOOLONG, "linux.intelRdt.enableMonitoring: %s", dir);
	if (mkdir(mon, 0755) < 0 && errno != EEXIST)
		return nook_fail(err, errno, "linux.intelRdt.enableMonitoring: mkdir %s", mon);
	return add_task(mon, pid, "linux.intelRdt.enableMonitoring", err);
}

int nook_rdt_remove(const char *root, const struct nook_intel_rdt *r, const char *id,
                    struct nook_error *err)
{
	char dir[PATH_MAX], mon[PATH_MAX];

	group_path(root, r, id, dir, sizeof(dir));
	if (r->enable_monitoring) {
		snprintf(mon, sizeof(mon), "%s/mon_groups/%s", dir, id);
		if (rmdir(mon) < 0 && errno != ENOENT)
			return nook_fail(err, errno, "linux.intelRdt.enableMonitoring: rmdir %s",
			                 mon);
	}
	/* "If closID is set ... MUST NOT remove the sub-directory". */
	if (r->clos_id == NULL && rmdir(dir) < 0 && errno != ENOENT)
		return nook_fail(err, errno, "linux.intelRdt: rmdir %s", dir);
	return 0;
}
