/* The last steps before execve: umask, the working directory, and finding
 * args[0] in the PATH of the container's environment (never the runtime's). */
#include "nook/security.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The value of the last PATH= in env, as execve would hand it to a shell. */
static const char *env_path(const struct nook_strv *env)
{
	const char *path = NULL;

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], "PATH=", 5) == 0)
			path = env->v[i] + 5;
	return path != NULL ? path : DEFAULT_PATH;
}

/* A regular file we may execute. */
static bool is_executable(const char *file)
{
	struct stat st;

	return stat(file, &st) == 0 && S_ISREG(st.st_mode) &&
	       faccessat(AT_FDCWD, file, X_OK, AT_EACCESS) == 0;
}

static int copy_exe(char *exe, size_t exe_size, const char *file, struct nook_error *err)
{
	if ((size_t)snprintf(exe, exe_size, "%s", file) >= exe_size)
		return nook_fail(err, ENAMETOOLONG, "process.args[0]: \"%s\"", file);
	return 0;
}

/* args[0] with a slash is a path as it is (relative to the cwd). */
static int check_path(const char *file, char *exe, size_t exe_size, struct nook_error *err)
{
	struct stat st;

	if (stat(file, &st) < 0)
		return nook_fail(err, errno, "process.args[0]: \"%s\"", file);
	if (!is_executable(file))
		return nook_fail(err, 0, "process.args[0]: \"%s\": permission denied", file);
	return copy_exe(exe, exe_size, file, err);
}

/* Each element of PATH in turn; an empty one means the cwd. */
static int search_path(const char *file, const char *path, char *exe, size_t exe_size,
                       struct nook_error *err)
{
	char candidate[PATH_MAX];

	while (file[0] != '\0') {
		size_t len = strcspn(path, ":");
		int n = len == 0 ? snprintf(candidate, sizeof(candidate), "./%s", file)
		                 : snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, path,
		                            file);

		if (n > 0 && (size_t)n < sizeof(candidate) && is_executable(candidate))
			return copy_exe(exe, exe_size, candidate, err);
		if (path[len] == '\0')
			break;
		path += len + 1;
	}
	return nook_fail(err, 0, "process.args[0]: executable file \"%s\" not found in $PATH",
	                 file);
}

/* runc 1.1.12's check (CVE-2024-21626): a cwd reached through an fd or a
 * mount that leads out of the container's root is not below the root, and
 * the kernel's getcwd then answers "(unreachable)/..." instead of a path
 * from "/" (the raw syscall: glibc would turn that into ENOENT, and on
 * ENAMETOOLONG walk ".." by itself). */
static int check_cwd_in_root(const char *cwd, struct nook_error *err)
{
	char buf[PATH_MAX];
	long n = syscall(SYS_getcwd, buf, sizeof(buf));

	if (n < 0 && errno == ENOENT)
		return nook_fail(err, 0, "process.cwd: %s: the directory was removed", cwd);
	if (n < 0)
		return nook_fail(err, errno, "process.cwd: %s: getcwd", cwd);
	if (n == 0 || buf[0] != '/')
		return nook_fail(err, 0,
		                 "process.cwd: %s is outside the container's root "
		                 "(CVE-2024-21626)",
		                 cwd);
	return 0;
}

int nook_process_prepare_exec(const struct nook_process *proc, char *exe, size_t exe_size,
                              struct nook_error *err)
{
	/* runc uses 0022 when process.user.umask is absent. */
	umask(proc->user.has_umask ? (mode_t)proc->user.umask : 022);
	if (proc->cwd == NULL)
		return nook_fail(err, EINVAL, "process.cwd: required");
	if (chdir(proc->cwd) < 0)
		return nook_fail(err, errno, "process.cwd: chdir %s", proc->cwd);
	if (check_cwd_in_root(proc->cwd, err) < 0)
		return -1;
	if (proc->args.n == 0)
		return nook_fail(err, EINVAL, "process.args: must not be empty");
	if (strchr(proc->args.v[0], '/') != NULL)
		return check_path(proc->args.v[0], exe, exe_size, err);
	return search_path(proc->args.v[0], env_path(&proc->env), exe, exe_size, err);
}

/* runc and crun create a missing process.cwd (0755) in the container's root
 * before it is made read-only; a failure is left for the chdir to report. */
void nook_process_make_cwd(const struct nook_process *proc)
{
	char path[PATH_MAX];

	if (proc->cwd == NULL || proc->cwd[0] != '/' ||
	    (size_t)snprintf(path, sizeof(path), "%s", proc->cwd) >= sizeof(path))
		return;
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (p > path && p[-1] != '/' && mkdir(path, 0755) < 0 && errno != EEXIST)
			return;
		*p = saved;
		if (saved == '\0')
			return;
	}
}
