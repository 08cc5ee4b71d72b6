/* The keeper of a job (issue 14, point 5: dies with its caller). A CI
 * runner that gives up on a job kills `nook job`, often with SIGKILL and
 * often its whole process group. The keeper is forked before anything of
 * the job exists, leaves the caller's session (setsid), and blocks reading
 * a pipe whose only writer is `nook job` (close-on-exec, so the container's
 * processes never hold it). "d" on the pipe: nook job cleaned up itself.
 * End of file without it: nook job is dead, and the keeper does what
 * `nook delete --force` does (kills every process of the cgroup, removes
 * the cgroup and the state directory), then removes the scratch directory.
 * The mounts need nothing: they live in mount namespaces that die with the
 * last process in them. */
#include "container/job_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/log.h"

static _Noreturn void keeper_main(int fd, const char *root, const char *id, const char *scratch,
                                  bool net_bridge)
{
	struct nook_error err;
	char b;
	ssize_t n;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();
	prctl(PR_SET_NAME, "nook-job-keeper", 0, 0, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Not the caller's stdout: a CI log reader waits for its end. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	if (dup2(fd, 3) < 0)
		_exit(1);
	close_range(4, ~0U, 0);
	while ((n = read(3, &b, 1)) < 0 && errno == EINTR)
		;
	if (n == 1 && b == 'd')
		_exit(0);
	if (nook_container_delete_by_id(root, id, true, &err) < 0)
		nook_log_error(&err);
	if (net_bridge)
		job_net_forget(id);
	job_root_remove(scratch);
	_exit(0);
}

int job_keeper_start(struct job_keeper *k, const char *root, const char *id, const char *scratch,
                     struct nook_error *err)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return nook_fail(err, errno, "pipe for the job's keeper");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return nook_fail(err, errno, "fork the job's keeper");
	}
	if (pid == 0) {
		close(p[1]);
		keeper_main(p[0], root, id, scratch, k->net_bridge);
	}
	close(p[0]);
	k->pid = pid;
	k->fd = p[1];
	return 0;
}

void job_keeper_done(struct job_keeper *k)
{
	if (k->fd >= 0) {
		if (write(k->fd, "d", 1) != 1)
			nook_warn("job keeper: %m");
		close(k->fd);
		k->fd = -1;
	}
	if (k->pid > 0)
		while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
			;
	k->pid = 0;
}
