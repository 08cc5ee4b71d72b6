/* CVE-2019-5736: the container must never reach the host's nook binary.
 *
 * The init and the exec helper are clones of the nook process: until their
 * execve their /proc/<pid>/exe is what nook runs from, and so is the
 * /proc/self/exe that a container process execs through a "#!/proc/self/exe"
 * script. The image's ELF interpreter then runs in a process whose exe is
 * nook; it keeps that file open and writes into it once nook has exited.
 * PR_SET_DUMPABLE does not help there. So create, run and exec first
 * re-execute nook from a copy nobody can write (runc 1.2's
 * libcontainer/exeseal and crun's cloned_binary.c do this for their init):
 *
 *   overlay  a private overlayfs with two lower layers and no upper one (so
 *            nothing can be written or copied up): the binary's directory on
 *            top, the state root (or its nearest existing parent) below:
 *            overlayfs wants two lower layers, neither inside the other.
 *            Mounted read-only with fsmount and never attached anywhere; nook
 *            is opened O_PATH in it and the mount goes when the last process
 *            running from it ends. Nothing is copied: the page cache is the
 *            binary's own. Needs CAP_SYS_ADMIN.
 *   memfd    (when overlay cannot be had: rootless, no overlayfs, overlapping
 *            directories) a memfd holding a copy of the binary, sealed against
 *            writing, growing, shrinking and new seals. It costs the binary's
 *            size in memory for as long as a process runs from it.
 *
 * Whether /proc/self/exe is sealed is read from the file itself (the memfd's
 * seals; an overlayfs mounted read-only), never from the environment.
 * NOOK_EXE_SEALED only carries the process name over the re-exec and stops a
 * second one from looping if the check keeps failing. */
#include "nook/sealed_exe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/log.h"

#define SEALED_ENV "NOOK_EXE_SEALED"
#define BASE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020 /* Linux 6.3 */
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3 */
#endif

extern char **environ;

/* An fd of /proc/self/exe that fcntl and fstatfs accept (O_PATH, which
 * F_GET_SEALS refuses, only when the binary cannot be read). */
static int open_self(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == EACCES)
		fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	return fd;
}

static bool is_sealed(int fd)
{
	struct statfs fs;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0 && (seals & BASE_SEALS) == BASE_SEALS)
		return true;
	return fstatfs(fd, &fs) == 0 && fs.f_type == OVERLAYFS_SUPER_MAGIC &&
	       (fs.f_flags & ST_RDONLY);
}

/* path with '\' and ':' escaped, as overlayfs reads a layer list. */
static char *escape_layer(const char *path)
{
	char *out = malloc(2 * strlen(path) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *path != '\0'; path++) {
		if (*path == '\\' || *path == ':')
			*o++ = '\\';
		*o++ = *path;
	}
	*o = '\0';
	return out;
}

/* The state root as a canonical path; before the first create, its nearest
 * existing parent (/run for /run/nook). NULL with errno. */
static char *existing_dir(const char *state_root)
{
	struct stat st;
	autofree char *dir = strdup(state_root);
	char *slash;

	if (dir == NULL)
		return NULL;
	while (stat(dir, &st) < 0 && errno == ENOENT && (slash = strrchr(dir, '/')) != NULL &&
	       slash != dir)
		*slash = '\0';
	return realpath(dir, NULL);
}

/* One canonical path is the other or inside it: overlayfs refuses such
 * layers (ELOOP, slowly, and with a line in dmesg). */
static bool nested(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	const char *longer = la < lb ? b : a;

	return strncmp(a, b, n) == 0 && (n == 1 || longer[n] == '\0' || longer[n] == '/');
}

/* nook opened O_PATH on a private read-only overlayfs, or -1 (errno; the
 * reason in debug). */
static int seal_overlay(int self, const char *state_root)
{
	char path[PATH_MAX];
	struct stat want, got;
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n < 0 || state_root == NULL || fstat(self, &want) < 0)
		return -1;
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	if (path[0] != '/' || slash == NULL || strstr(path, " (deleted)") != NULL) {
		errno = ENOENT;
		return -1;
	}
	*slash = '\0';
	const char *name = slash + 1, *bin_dir = path[0] != '\0' ? path : "/";
	autofree char *state_dir = existing_dir(state_root);
	if (state_dir == NULL)
		return -1;
	if (nested(bin_dir, state_dir)) {
		nook_debug("sealed exe: %s and %s are inside one another", bin_dir, state_dir);
		errno = ELOOP;
		return -1;
	}
	autofree char *top = escape_layer(bin_dir);
	autofree char *bottom = escape_layer(state_dir);
	autofree char *layers = NULL;
	if (top == NULL || bottom == NULL || asprintf(&layers, "%s:%s", top, bottom) < 0)
		return -1;

	autoclose int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", layers, 0) < 0)
		return -1;
	/* off when it can be: else a message in dmesg when the layers are on
	 * two filesystems; nook needs no inode numbers of its own */
	fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	autoclose int mnt =
	    fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return -1;
	autoclose int exe = openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (exe < 0 || fstat(exe, &got) < 0)
		return -1;
	if (!S_ISREG(got.st_mode) || got.st_size != want.st_size) {
		errno = ESTALE; /* replaced since this process started */
		return -1;
	}
	return nook_steal_fd(&exe);
}

/* A sealed memfd copy of self, or -1 with err. */
static int seal_memfd(int self, struct nook_error *err)
{
	struct stat st;
	off_t done = 0;
	autoclose int fd = memfd_create("nook", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL) /* before Linux 6.3: no MFD_EXEC */
		fd = memfd_create("nook", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return nook_fail(err, errno, "memfd_create");
	if (fstat(self, &st) < 0)
		return nook_fail(err, errno, "stat /proc/self/exe");
	while (done < st.st_size) {
		ssize_t n = sendfile(fd, self, &done, (size_t)(st.st_size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nook_fail(err, n < 0 ? errno : 0,
			                 "copy /proc/self/exe into a memfd (%lld of %lld bytes)",
			                 (long long)done, (long long)st.st_size);
	}
	if (fchmod(fd, 0555) < 0)
		return nook_fail(err, errno, "chmod the memfd copy");
	fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC); /* Linux 6.3: its mode stays */
	if (fcntl(fd, F_ADD_SEALS, BASE_SEALS) < 0)
		return nook_fail(err, errno, "seal the memfd copy");
	return nook_steal_fd(&fd);
}

/* This process's argv as the kernel keeps it (getopt may have permuted
 * the pointers, never the strings), in *buf; NULL with err. */
static char **read_argv(char **buf, struct nook_error *err)
{
	size_t len, n = 0;
	char **argv;

	*buf = nook_read_file(AT_FDCWD, "/proc/self/cmdline", 0, 1 << 22, &len, err);
	if (*buf == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		n += (*buf)[i] == '\0';
	argv = calloc(n + 1, sizeof(char *));
	if (argv == NULL) {
		nook_fail(err, errno, "read /proc/self/cmdline");
		return NULL;
	}
	for (size_t i = 0, k = 0; k < n; i += strlen(*buf + i) + 1)
		argv[k++] = *buf + i;
	return argv;
}

int nook_exe_seal(const char *state_root, struct nook_error *err)
{
	char comm[16] = "";
	const char *seen = getenv(SEALED_ENV);
	autoclose int self = open_self();

	if (self < 0)
		return nook_fail(err, errno, "open /proc/self/exe");
	if (is_sealed(self)) {
		if (seen != NULL) {
			/* execveat(fd, "") named the process after the fd */
			prctl(PR_SET_NAME, seen, 0, 0, 0);
			unsetenv(SEALED_ENV);
		}
		return 0;
	}
	if (seen != NULL)
		return nook_fail(err, 0,
		                 "/proc/self/exe is not sealed after re-executing from a sealed "
		                 "copy (CVE-2019-5736)");

	const char *how = "overlay";
	autoclose int exe = seal_overlay(self, state_root);
	if (exe < 0) {
		nook_debug("sealed exe: no read-only overlay (%s), copying into a memfd",
		           strerror(errno));
		how = "memfd";
		exe = seal_memfd(self, err);
		if (exe < 0)
			return nook_error_prefix(err, "CVE-2019-5736: a sealed copy of nook");
	}
	autofree char *args = NULL;
	autofree char **argv = read_argv(&args, err);
	if (argv == NULL)
		return -1;
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	if (setenv(SEALED_ENV, comm[0] != '\0' ? comm : "nook", 1) < 0)
		return nook_fail(err, errno, "setenv " SEALED_ENV);
	nook_debug("sealed exe: re-executing from a sealed copy (%s)", how);
	fexecve(exe, argv, environ);
	int e = errno;
	unsetenv(SEALED_ENV);
	return nook_fail(err, e, "re-execute nook from its sealed copy (%s)", how);
}
