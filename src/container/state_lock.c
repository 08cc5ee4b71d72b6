/* The lock of a state directory: flock on <root>/<id>, taken by the commands
 * that change the container. Never waited for without end (issue 8): after
 * NOOK_LOCK_WAIT_MS the command fails and names the process that holds it,
 * from /proc/locks. A directory deleted (and maybe made again by another
 * create) while we waited is no longer ours: the caller learns it. */
#include "nook/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/file.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The pid holding an flock on st's inode, from /proc/locks, or 0. */
static pid_t lock_holder(const struct stat *st)
{
	autofclose FILE *f = fopen("/proc/locks", "re");
	char line[256];

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char kind[16], mode[16];
		unsigned maj, min;
		unsigned long long ino;
		int pid;
		/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; waiters
		 * have "->" after the number and do not match */
		if (sscanf(line, "%*d: %15s %*s %15s %d %x:%x:%llu", kind, mode, &pid, &maj, &min,
		           &ino) != 6)
			continue;
		if (strcmp(kind, "FLOCK") == 0 && maj == major(st->st_dev) &&
		    min == minor(st->st_dev) && ino == (unsigned long long)st->st_ino)
			return (pid_t)pid;
	}
	return 0;
}

/* "pid 1234 (nook run ctr)" or "another process". */
static void describe_holder(int dirfd, char *buf, size_t size)
{
	struct nook_error ignored;
	struct stat st;
	char path[64];
	size_t len = 0;
	pid_t pid = fstat(dirfd, &st) == 0 ? lock_holder(&st) : 0;

	snprintf(buf, size, "another process");
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	autofree char *cmd = nook_read_file(AT_FDCWD, path, 0, 4096, &len, &ignored);
	for (size_t i = 0; cmd != NULL && i + 1 < len; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	if (cmd != NULL && len > 0)
		snprintf(buf, size, "pid %d (%.120s)", (int)pid, cmd);
	else
		snprintf(buf, size, "pid %d", (int)pid);
}

/* Is dirfd still the directory <root>/<id>? */
static bool still_there(int dirfd, const char *root, const char *id)
{
	char path[4096];
	struct stat a, b;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	if (fstat(dirfd, &a) < 0 || stat(path, &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int nook_state_lock(int dirfd, const char *root, const char *id, int lock, struct nook_error *err)
{
	long long deadline = now_ms() + NOOK_LOCK_WAIT_MS;

	while (flock(dirfd, lock | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return nook_fail(err, errno, "lock state directory %s/%s", root, id);
		if (now_ms() >= deadline) {
			char holder[200];
			describe_holder(dirfd, holder, sizeof(holder));
			return nook_fail(err, 0,
			                 "container \"%s\" is busy: %s has held its lock (%s/%s) "
			                 "for more than %d s",
			                 id, holder, root, id, NOOK_LOCK_WAIT_MS / 1000);
		}
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (still_there(dirfd, root, id))
		return 1;
	flock(dirfd, LOCK_UN);
	return 0;
}

void nook_state_unlock(int dirfd)
{
	if (dirfd >= 0)
		flock(dirfd, LOCK_UN);
}
