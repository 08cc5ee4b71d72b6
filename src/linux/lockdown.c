/* The last steps before execve, shared by the container init and `exec`'s
 * process (see lockdown.h for the order and why). */
#include "linux/lockdown.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nook/log.h"

#define CAP_BIT(cap) (UINT64_C(1) << (cap))

static bool has_home(const struct nook_strv *env)
{
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], "HOME=", 5) == 0)
			return true;
	return false;
}

/* process.env, plus HOME from the container's /etc/passwd ("/" for a user
 * it does not list) when process.env has none, as runc and crun do. */
static int build_env(const struct nook_process *proc, struct nook_exec_plan *plan,
                     struct nook_error *err)
{
	char home[PATH_MAX];
	size_t n = proc->env.n;

	if (has_home(&proc->env)) {
		plan->envp = proc->env.v;
		return 0;
	}
	nook_user_home(proc->user.uid, home, sizeof(home));
	plan->envp = calloc(n + 2, sizeof(char *));
	if (plan->envp == NULL)
		return nook_fail(err, ENOMEM, "process.env");
	for (size_t i = 0; i < n; i++)
		plan->envp[i] = proc->env.v[i];
	if (asprintf(&plan->envp[n], "HOME=%s", home) < 0) {
		plan->envp[n] = NULL;
		return nook_fail(err, ENOMEM, "process.env: HOME");
	}
	return 0;
}

/* Without no_new_privs, loading the filter needs CAP_SYS_ADMIN in the
 * effective set, so it stays in the effective and permitted sets until
 * execve. That gives the workload nothing: execve computes its sets from
 * the inheritable, ambient and bounding sets and the file's capabilities,
 * never from the permitted and effective sets before it, unless
 * no_new_privs is set (then it keeps P' within P), which is exactly when
 * CAP_SYS_ADMIN is not kept. */
static void keep_sys_admin(struct nook_caps *caps)
{
	if ((caps->ambient & CAP_BIT(CAP_SYS_ADMIN)) != 0 &&
	    (caps->permitted & CAP_BIT(CAP_SYS_ADMIN)) == 0) {
		nook_warn("process.capabilities.ambient: CAP_SYS_ADMIN is not permitted, ignored");
		caps->ambient &= ~CAP_BIT(CAP_SYS_ADMIN);
	}
	caps->permitted |= CAP_BIT(CAP_SYS_ADMIN);
	caps->effective |= CAP_BIT(CAP_SYS_ADMIN);
}

int nook_lock_down(const struct nook_process *proc, struct nook_seccomp_filter *filter,
                   struct nook_exec_plan *plan, struct nook_error *err)
{
	struct nook_caps caps;
	/* A runtime started with no_new_privs passes it on, whatever the config says. */
	bool nnp = proc->no_new_privileges || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;

	plan->filter = filter;
	plan->argv = proc->args.v;
	if (build_env(proc, plan, err) < 0)
		return -1;
	if (nook_caps_prepare(&proc->capabilities, &caps, err) < 0)
		return -1;
	if (filter != NULL && !nnp)
		keep_sys_admin(&caps);
	if (nook_caps_drop_bounding(&caps, err) < 0)
		return -1;
	if (nook_user_switch(&proc->user, err) < 0)
		return -1;
	if (nook_caps_apply(&caps, err) < 0)
		return -1;
	if (nook_process_prepare_exec(proc, plan->exe, sizeof(plan->exe), err) < 0)
		return -1;
	if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nook_fail(err, errno, "process.noNewPrivileges: prctl");
	return 0;
}

int nook_exec_plan_run(const struct nook_exec_plan *plan, struct nook_error *err)
{
	static char *no_env[] = {NULL};

	if (nook_seccomp_load(plan->filter, err) < 0)
		return -1;
	/* Nothing but execve from here on: the filter may allow no more. */
	execve(plan->exe, plan->argv, plan->envp != NULL ? plan->envp : no_env);
	return nook_fail(err, errno, "process.args[0]: exec %s", plan->exe);
}
