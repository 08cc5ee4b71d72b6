/* Reading and writing whole small files. */
#ifndef NOOK_FILE_H
#define NOOK_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "nook/error.h"

/* The whole of `path` (relative to dirfd, or AT_FDCWD), NUL-terminated, in
 * a malloc'd buffer; *len (if not NULL) gets its length. Works for /proc
 * files, whose size stat does not know. More than `max` bytes is an error.
 * open_flags are added to O_RDONLY|O_CLOEXEC (e.g. O_NOFOLLOW). */
char *nook_read_file(int dirfd, const char *path, int open_flags, size_t max, size_t *len,
                     struct nook_error *err);

/* Write pid to path through a temp file and rename, so a reader never sees
 * a half-written pid file (--pid-file). */
int nook_write_pid_file(const char *path, pid_t pid, struct nook_error *err);

#endif
