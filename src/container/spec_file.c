/* nook_spec_write_default(): `nook spec` writes the default config.json
 * (src/spec/default.c makes it) into a new file. */
#include "nook/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"

#define OUT_MAX 4096

/* Write `len` bytes to a new file next to `path`, then move it into place
 * without replacing what may have appeared there meanwhile. */
static int write_new_file(const char *path, const char *data, size_t len, struct nook_error *err)
{
	char tmp[OUT_MAX];
	const char *slash = strrchr(path, '/');
	int n = snprintf(tmp, sizeof(tmp), "%.*s.config.json.XXXXXX",
	                 slash ? (int)(slash - path + 1) : 0, path);
	autoclose int fd = -1;
	size_t done = 0;

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return nook_fail(err, ENAMETOOLONG, "%s", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return nook_fail(err, errno, "create a temporary file for %s", path);
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			nook_fail(err, errno, "write %s", tmp);
			unlink(tmp);
			return -1;
		}
		done += (size_t)w;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
		int e = errno;

		unlink(tmp);
		if (e == EEXIST)
			return nook_fail(err, 0, "File %s exists. Remove it first", path);
		return nook_fail(err, e, "write %s", path);
	}
	return 0;
}

int nook_spec_write_default(const char *out_path, bool rootless, uid_t uid, gid_t gid,
                            struct nook_error *err)
{
	autofree char *json = NULL;
	size_t len;

	if (access(out_path, F_OK) == 0) /* a clear message before any work */
		return nook_fail(err, 0, "File %s exists. Remove it first", out_path);
	json = nook_spec_default_json(rootless, uid, gid, &len, err);
	if (json == NULL)
		return nook_error_prefix(err, "%s", out_path);
	return write_new_file(out_path, json, len, err);
}
