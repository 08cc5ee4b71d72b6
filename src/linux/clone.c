#include "nook/clone.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t nook_clone(unsigned long flags, int cgroup_fd, bool *into_cgroup)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	pid_t pid;

	*into_cgroup = false;
	if (cgroup_fd >= 0) {
		struct clone_args with = args;
		with.flags |= CLONE_INTO_CGROUP;
		with.cgroup = (uint64_t)cgroup_fd;
		pid = (pid_t)syscall(SYS_clone3, &with, sizeof(with));
		if (pid >= 0 || (errno != EINVAL && errno != ENOSYS && errno != E2BIG)) {
			*into_cgroup = pid >= 0;
			return pid;
		}
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

pid_t nook_clone_synced(unsigned long flags, int cgroup_fd, bool *into_cgroup, int *sync_fd,
                        struct nook_error *err)
{
	int sv[2];

	*sync_fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return nook_fail(err, errno, "create the sync socket");
	pid_t pid = nook_clone(flags, cgroup_fd, into_cgroup);
	if (pid == 0) {
		close(sv[0]);
		*sync_fd = sv[1];
		return 0;
	}
	int clone_errno = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return nook_fail(err, clone_errno, "clone (namespaces 0x%lx)", flags);
	}
	*sync_fd = sv[0];
	return pid;
}
