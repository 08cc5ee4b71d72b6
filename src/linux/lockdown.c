#include "nook/lockdown.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int load_seccomp(struct nook_seccomp_filter *filter, struct nook_error *err)
{
	if (filter == NULL)
		return 0;
	return nook_seccomp_load(filter, err);
}

int nook_lock_down(const struct nook_process *proc, struct nook_seccomp_filter *filter, char *exe,
                   size_t exe_size, struct nook_error *err)
{
	struct nook_caps caps;

	if (nook_caps_prepare(&proc->capabilities, &caps, err) < 0)
		return -1;
	if (!proc->no_new_privileges && load_seccomp(filter, err) < 0)
		return -1;
	if (nook_caps_drop_bounding(&caps, err) < 0)
		return -1;
	if (nook_user_switch(&proc->user, err) < 0)
		return -1;
	if (nook_caps_apply(&caps, err) < 0)
		return -1;
	if (nook_process_prepare_exec(proc, exe, exe_size, err) < 0)
		return -1;
	if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nook_fail(err, errno, "process.noNewPrivileges: prctl");
	if (proc->no_new_privileges && load_seccomp(filter, err) < 0)
		return -1;
	return 0;
}

int nook_close_fds_on_exec(int preserve_fds, struct nook_error *err)
{
	unsigned first_closed = 3U + (unsigned)preserve_fds;

	for (int fd = 3; fd < (int)first_closed; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
			return nook_fail(err, errno, "--preserve-fds: fd %d", fd);
	}
	if (syscall(SYS_close_range, first_closed, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nook_fail(err, errno, "mark fds close-on-exec");
	return 0;
}
