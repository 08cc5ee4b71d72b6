/* The fds the container's processes keep (see fds.h). */
#include "linux/fds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* 3 + preserve_fds: the first fd that is never passed on. */
static unsigned first_not_preserved(int preserve_fds)
{
	if (preserve_fds <= 0)
		return 3U;
	if ((unsigned)preserve_fds > (unsigned)INT_MAX - 3U)
		return (unsigned)INT_MAX;
	return 3U + (unsigned)preserve_fds;
}

static bool is_kept(int fd, const int *keep, size_t n_keep)
{
	for (size_t i = 0; i < n_keep; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* The highest open fd we could have opened ourselves: below the fd limit. */
static unsigned fd_limit(void)
{
	long max = sysconf(_SC_OPEN_MAX);

	return max > 0 && max < INT_MAX ? (unsigned)max : 1024U * 1024U;
}

/* close_range(first, last), or one by one on a kernel without it (< 5.9). */
static void close_fds(unsigned first, unsigned last)
{
	if (first > last)
		return;
	if (syscall(SYS_close_range, first, last, 0U) == 0)
		return;
	unsigned limit = fd_limit();
	for (unsigned fd = first; fd <= last && fd < limit; fd++)
		close((int)fd);
}

void nook_fds_close_inherited(int preserve_fds, const int *keep, size_t n_keep)
{
	unsigned end = first_not_preserved(preserve_fds), limit = fd_limit();

	/* In the preserved range: nook's own fds (close-on-exec) go. */
	for (unsigned fd = 3; fd < end && fd < limit; fd++) {
		int flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0 && (flags & FD_CLOEXEC) && !is_kept((int)fd, keep, n_keep))
			close((int)fd);
	}
	/* Above it: all but keep[], in increasing order. */
	unsigned from = end;
	for (;;) {
		unsigned next = UINT_MAX;
		for (size_t i = 0; i < n_keep; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= from && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == UINT_MAX) {
			close_fds(from, UINT_MAX);
			return;
		}
		if (next > from)
			close_fds(from, next - 1);
		from = next + 1;
	}
}

int nook_fds_close_on_exec(int preserve_fds, struct nook_error *err)
{
	unsigned end = first_not_preserved(preserve_fds);

	if (syscall(SYS_close_range, end, UINT_MAX, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return nook_fail(err, errno, "mark fds from %u on close-on-exec", end);
	unsigned limit = fd_limit();
	for (unsigned fd = end; fd < limit; fd++) {
		int flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0 && fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) < 0)
			return nook_fail(err, errno, "mark fd %u close-on-exec", fd);
	}
	return 0;
}
