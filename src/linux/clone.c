#include "nook/clone.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
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
