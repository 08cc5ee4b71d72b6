#include "nook/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nook/cleanup.h"

char *nook_read_file(int dirfd, const char *path, int open_flags, size_t max, size_t *len,
                     struct nook_error *err)
{
	autoclose int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | open_flags);
	autofree char *buf = NULL;
	size_t size = 0, cap = 0;

	if (fd < 0) {
		nook_fail(err, errno, "open %s", path);
		return NULL;
	}
	for (;;) {
		if (size + 1 >= cap) {
			size_t want = cap == 0 ? 4096 : cap * 2;
			char *grown = realloc(buf, want);
			if (grown == NULL) {
				nook_fail(err, ENOMEM, "read %s", path);
				return NULL;
			}
			buf = grown;
			cap = want;
		}
		ssize_t n = read(fd, buf + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nook_fail(err, errno, "read %s", path);
			return NULL;
		}
		if (n == 0)
			break;
		size += (size_t)n;
		if (size > max) {
			nook_fail(err, EFBIG, "read %s: more than %zu bytes", path, max);
			return NULL;
		}
	}
	buf[size] = '\0';
	if (len != NULL)
		*len = size;
	return nook_steal_ptr(&buf);
}

int nook_write_pid_file(const char *path, pid_t pid, struct nook_error *err)
{
	char tmp[PATH_MAX];
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d", (int)pid);

	snprintf(tmp, sizeof(tmp), "%s.nook-tmp", path);
	autoclose int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nook_fail(err, errno, "--pid-file: create %s", tmp);
	if (write(fd, buf, (size_t)len) != len || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		return nook_fail(err, saved, "--pid-file: write %s", path);
	}
	return 0;
}
