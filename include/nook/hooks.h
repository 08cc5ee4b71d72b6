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

/* Bytes kept of each of a hook's stdout and stderr, NUL-terminated. */
#define NOOK_HOOK_CAPTURE_MAX 4096

struct nook_hook_capture {
	char data[NOOK_HOOK_CAPTURE_MAX + 1];
	size_t len;
};

/* One program run as a hook is (the same child, stdin, capture and
 * deadline), for a caller that reads what it printed: the CNI runner
 * (src/container/cni.c). 0 once it exited, whatever its status (*status,
 * as waitpid gives it); -1 if it could not be started (the errno says why)
 * or outlived hook->timeout (killed with its process group then). */
int nook_hook_exec(const struct nook_hook *hook, const char *state, const struct nook_hooks_opts *o,
                   struct nook_hook_capture *out, struct nook_hook_capture *errc, int *status,
                   struct nook_error *err);

int nook_hooks_run_opts(const struct nook_hook_list *hooks, const char *kind,
                        const char *state_json, const struct nook_hooks_opts *opts,
                        struct nook_error *err);

#endif
