/* Safe lookups and creation inside a root directory (see nook/resolve.h). */
#include "nook/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"

int nook_openat_in_root(int root_fd, const char *path, int flags, unsigned long long extra_resolve)
{
	struct open_how how = {
	    .flags = (unsigned long long)flags | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve,
	};
	const char *p = path;
	int fd;

	/* openat2 wants a relative path here only for readability: an absolute
	 * one is rooted at root_fd anyway with RESOLVE_IN_ROOT. */
	while (*p == '/')
		p++;
	if (*p == '\0')
		p = ".";
	for (int tries = 0; tries < 32; tries++) {
		fd = (int)syscall(SYS_openat2, root_fd, p, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

const char *nook_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

int nook_resolve_create(int root_fd, const char *path, enum nook_resolve_create create,
                        struct nook_error *err)
{
	autofree char *copy = NULL;
	autofree char *prefix = NULL;
	autoclose int cur = -1;
	size_t len = 0;
	char *save = NULL;
	char *comp;
	int fd;

	fd = nook_openat_in_root(root_fd, path, O_PATH, 0);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || create == NOOK_RESOLVE_NO_CREATE)
		return nook_fail(err, errno, "%s", path);

	copy = strdup(path);
	prefix = calloc(1, strlen(path) + 2);
	if (copy == NULL || prefix == NULL)
		return nook_fail(err, ENOMEM, "%s", path);
	cur = nook_openat_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0);
	if (cur < 0)
		return nook_fail(err, errno, "%s: open the root", path);

	comp = strtok_r(copy, "/", &save);
	while (comp != NULL) {
		char *next_comp = strtok_r(NULL, "/", &save);
		bool last = next_comp == NULL;
		int next;

		if (strcmp(comp, ".") == 0) {
			comp = next_comp;
			continue;
		}
		len += (size_t)sprintf(prefix + len, "%s%s", len ? "/" : "", comp);
		next = nook_openat_in_root(root_fd, prefix, O_PATH, 0);
		if (next < 0 && errno == ENOENT) {
			/* `cur` is the resolved parent: creating `comp` in it is
			 * creating `prefix` inside the root, whatever symlinks
			 * led there. */
			if (last && create == NOOK_RESOLVE_MKFILE) {
				int f = openat(cur, comp,
				               O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				               0644);
				if (f < 0 && errno != EEXIST)
					return nook_fail(err, errno, "%s: create file %s", path,
					                 prefix);
				if (f >= 0)
					close(f);
			} else if (mkdirat(cur, comp, 0755) < 0 && errno != EEXIST) {
				return nook_fail(err, errno, "%s: mkdir %s", path, prefix);
			}
			next = nook_openat_in_root(root_fd, prefix, O_PATH, 0);
		}
		if (next < 0)
			return nook_fail(err, errno, "%s: open %s", path, prefix);
		close(cur);
		cur = next;
		comp = next_comp;
	}
	return nook_steal_fd(&cur);
}
