/* Who the caller is, for rootless (nook/userns.h): runc's
 * shouldUseRootlessCgroupManager and shouldHonorXDGRuntimeDir (runc's
 * utils_linux.go and main.go), behaviour only. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/userns.h"

bool nook_in_initial_userns(void)
{
	autofclose FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long long inside, outside, count;
	char extra[8];

	/* No /proc: assume the initial one, as runc does. */
	if (f == NULL)
		return true;
	/* Empty: a user namespace whose map is not written yet
	 * (user_namespaces(7)), not the initial one. */
	if (fscanf(f, "%llu %llu %llu", &inside, &outside, &count) != 3)
		return false;
	if (fscanf(f, "%7s", extra) == 1)
		return false; /* more than one line */
	return inside == 0 && outside == 0 && count == 4294967295ULL;
}

bool nook_rootless_decide(const char *flag)
{
	if (flag != NULL && strcmp(flag, "true") == 0)
		return true;
	if (flag != NULL && strcmp(flag, "false") == 0)
		return false;
	if (geteuid() != 0)
		return true;
	return !nook_in_initial_userns();
}

/* runc's shouldHonorXDGRuntimeDir, without the check that it is set. */
static bool honor_xdg(void)
{
	const char *user = getenv("USER");

	if (geteuid() != 0)
		return true;
	if (nook_in_initial_userns())
		return false;
	return user == NULL || strcmp(user, "root") != 0;
}

int nook_state_root_default(char *buf, size_t size, struct nook_error *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (!honor_xdg() || ((xdg == NULL || xdg[0] == '\0') && geteuid() == 0)) {
		snprintf(buf, size, "/run/nook");
		return 0;
	}
	if (xdg == NULL || xdg[0] == '\0')
		return nook_fail(err, 0,
		                 "XDG_RUNTIME_DIR is not set: a rootless nook keeps its state in "
		                 "$XDG_RUNTIME_DIR/nook; set it or pass --root");
	if (stat(xdg, &st) < 0)
		return nook_fail(err, errno,
		                 "XDG_RUNTIME_DIR=%s (the rootless state root is "
		                 "$XDG_RUNTIME_DIR/nook; pass --root for another)",
		                 xdg);
	if (!S_ISDIR(st.st_mode))
		return nook_fail(err, ENOTDIR, "XDG_RUNTIME_DIR=%s", xdg);
	if ((size_t)snprintf(buf, size, "%s/nook", xdg) >= size)
		return nook_fail(err, ENAMETOOLONG, "XDG_RUNTIME_DIR=%s", xdg);
	/* Its nook directory is made at the first create: the directory
	 * itself must let us. */
	if (access(buf, F_OK) < 0 && faccessat(AT_FDCWD, xdg, W_OK | X_OK, AT_EACCESS) < 0)
		return nook_fail(err, errno,
		                 "XDG_RUNTIME_DIR=%s: cannot make the state root %s in it "
		                 "(pass --root for another)",
		                 xdg, buf);
	return 0;
}

int nook_userns_join_for_exec(int pidfd, int *flags, struct nook_error *err)
{
	if (geteuid() == 0 || !(*flags & CLONE_NEWUSER))
		return 0;
	if (setns(pidfd, CLONE_NEWUSER) < 0)
		return nook_fail(err, errno, "exec: join the container's user namespace");
	*flags &= ~CLONE_NEWUSER;
	return 0;
}
