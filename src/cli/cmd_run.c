/* nook run [options] ID: create + start, then in the foreground wait +
 * delete. The exit code is the workload's (128+N for a signal), 1 if nook
 * itself fails. */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "cli_util.h"
#include "nook/log.h"
#include "nook/sealed_exe.h"

static int finish(struct nook_container *c, bool keep, int code)
{
	struct nook_error err;

	if (!keep && nook_container_delete(c, true, &err) < 0) {
		nook_log_error(&err);
		if (code == 0)
			code = 1;
	}
	/* The cgroup is empty now: what of the container came to us as
	 * subreaper is dead or dying; reap it before returning. */
	nook_reap_dying_children();
	nook_container_release(c);
	return code;
}

int nook_cmd_run(const struct nook_globals *g, int argc, char **argv)
{
	struct cli_create_args a;
	struct nook_container c;
	struct nook_error err;
	sigset_t forwarded;
	bool done;
	int code = cli_parse_create(g, "run", argc, argv, &a, &done);

	if (code != 0 || done)
		return code;
	if (nook_exe_seal(g->root, &err) < 0) /* CVE-2019-5736 */
		return cli_fail(&err);
	/* Held from here on so that none is lost before the container exists;
	 * the init unblocks them for itself. */
	nook_forwarded_signals(&forwarded);
	if (!a.detach)
		sigprocmask(SIG_BLOCK, &forwarded, NULL);
	/* In the foreground, the container's orphans (no pid namespace of its
	 * own) come to us, not to the host's pid 1: we reap them while waiting
	 * and after delete killed them, so that nothing of the container is
	 * left when run returns (runc run is a subreaper too). */
	if (!a.detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	nook_container_clear(&c);
	if (nook_container_create(&a.opts, &c, &err) < 0)
		return cli_fail(&err);
	if (nook_container_start(&c, &err) < 0) {
		nook_log_error(&err);
		return finish(&c, false, 1);
	}
	if (a.detach) {
		nook_container_release(&c);
		return 0;
	}
	code = nook_container_wait(&c, &err);
	if (code < 0) {
		nook_log_error(&err);
		code = 1;
	}
	return finish(&c, a.keep, code);
}
