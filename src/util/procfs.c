#include "nook/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nook/cleanup.h"

/* Field `want` (3 or more) of /proc/<pid>/stat, as text. */
static int stat_field(pid_t pid, int want, char *out, size_t size, struct nook_error *err)
{
	char path[64];
	char buf[1024];
	autoclose int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nook_fail(err, errno, "open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return nook_fail(err, n < 0 ? errno : EIO, "read %s", path);
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses: skip to
	 * the last ')'. Field 3 follows it. */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return nook_fail(err, EPROTO, "parse %s", path);
	p++;
	for (int field = 3; field <= want; field++) {
		while (*p == ' ')
			p++;
		if (field == want) {
			size_t len = strcspn(p, " \n");
			snprintf(out, size, "%.*s", (int)len, p);
			return 0;
		}
		p = strchr(p, ' ');
		if (p == NULL)
			break;
	}
	return nook_fail(err, EPROTO, "parse %s", path);
}

int nook_proc_start_time(pid_t pid, unsigned long long *out, struct nook_error *err)
{
	char field[32];

	if (stat_field(pid, 22, field, sizeof(field), err) < 0)
		return -1;
	*out = strtoull(field, NULL, 10);
	return 0;
}

int nook_proc_state(pid_t pid, char *out, struct nook_error *err)
{
	char field[8];

	if (stat_field(pid, 3, field, sizeof(field), err) < 0)
		return -1;
	*out = field[0];
	return 0;
}

int nook_proc_parent_flags(pid_t pid, pid_t *ppid, unsigned long *flags, struct nook_error *err)
{
	char field[32];

	if (stat_field(pid, 4, field, sizeof(field), err) < 0)
		return -1;
	*ppid = (pid_t)strtol(field, NULL, 10);
	if (stat_field(pid, 9, field, sizeof(field), err) < 0)
		return -1;
	*flags = strtoul(field, NULL, 10);
	return 0;
}
