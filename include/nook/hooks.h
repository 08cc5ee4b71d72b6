/* OCI hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"). */
#ifndef NOOK_HOOKS_H
#define NOOK_HOOKS_H

#include <stdbool.h>

#include "nook/error.h"
#include "nook/spec.h"

/* Run every hook of `hooks` in order. Each gets `path` executed with `args`
 * (args[0] as given; none: just the path), exactly the configured `env`
 * (when absent: the runtime's own environment, as runc and crun give it),
 * `state_json` on stdin, its stdout and stderr captured. A hook that exits non-zero, is killed, or outlives its `timeout`
 * (killed with SIGKILL then) fails with an error naming
 * "hooks.<kind>[i] (<path>)", the exit status and the start of its stderr.
 * `kind` is the JSON name: "prestart", "createRuntime", "poststart", ... */
int nook_hooks_run(const struct nook_hook_list *hooks, const char *kind, const char *state_json,
                   struct nook_error *err);

struct nook_hooks_opts {
	/* For a hook without `env`; NULL: the runtime's environment. The init
	 * gives startContainer hooks the process's environment (runc does). */
	char *const *default_env;
	/* In the hook's child, the last thing before execve; a non-zero
	 * return is an errno and the hook fails with it. */
	int (*before_exec)(void *ctx);
	void *ctx;
	/* poststop (runtime.md lifecycle 13): a failing hook is a warning and
	 * the rest still run; -1 at the end if any failed. */
	bool keep_going;
};

int nook_hooks_run_opts(const struct nook_hook_list *hooks, const char *kind,
                        const char *state_json, const struct nook_hooks_opts *opts,
                        struct nook_error *err);

#endif
