#include "nook/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nook/cleanup.h"

int nook_proc_start_time(pid_t pid, unsigned long long *out, struct nook_error *err)
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
	 * the last ')'. Field 3 follows it; field 22 is 19 fields later. */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return nook_fail(err, EPROTO, "parse %s", path);
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (field == 22) {
			*out = strtoull(p, NULL, 10);
			return 0;
		}
		p = strchr(p, ' ');
		if (p == NULL)
			break;
	}
	return nook_fail(err, EPROTO, "parse %s", path);
}
