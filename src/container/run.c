/* `nook create` and `nook run` as one call each: the runtime's binary is
 * sealed first (CVE-2019-5736), then create; run goes on with start and, in
 * the foreground, wait and delete. */
#include "nook/container.h"

#include <signal.h>
#include <sys/prctl.h>

#include "nook/log.h"
#include "nook/sealed_exe.h"

int nook_container_create_new(const struct nook_create_opts *opts, struct nook_error *err)
{
	struct nook_container c;

	if (nook_exe_seal(opts->root, err) < 0) /* CVE-2019-5736 */
		return -1;
	nook_container_clear(&c);
	if (nook_container_create(opts, &c, err) < 0)
		return -1;
	nook_container_release(&c);
	return 0;
}

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

int nook_container_run(const struct nook_create_opts *opts, bool detach, bool keep,
                       struct nook_error *err)
{
	struct nook_container c;
	sigset_t forwarded;
	int code;

	if (nook_exe_seal(opts->root, err) < 0) /* CVE-2019-5736 */
		return -1;
	/* Held from here on so that none is lost before the container exists;
	 * the init unblocks them for itself. */
	nook_forwarded_signals(&forwarded);
	if (!detach)
		sigprocmask(SIG_BLOCK, &forwarded, NULL);
	/* In the foreground, the container's orphans (no pid namespace of its
	 * own) come to us, not to the host's pid 1: we reap them while waiting
	 * and after delete killed them, so that nothing of the container is
	 * left when run returns (runc run is a subreaper too). */
	if (!detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	nook_container_clear(&c);
	if (nook_container_create(opts, &c, err) < 0)
		return -1;
	if (nook_container_start(&c, err) < 0) {
		nook_log_error(err);
		return finish(&c, false, 1);
	}
	if (detach) {
		nook_container_release(&c);
		return 0;
	}
	code = nook_container_wait(&c, err);
	if (code < 0) {
		nook_log_error(err);
		code = 1;
	}
	return finish(&c, keep, code);
}
