/* OCI hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"). */
#ifndef NOOK_HOOKS_H
#define NOOK_HOOKS_H

#include "nook/error.h"
#include "nook/spec.h"

/* Run every hook of `hooks` in order. Each gets `path` executed with `args`
 * (args[0] as given; none: just the path), exactly the configured `env`
 * (empty when absent), `state_json` on stdin, its stdout and stderr
 * captured. A hook that exits non-zero, is killed, or outlives its `timeout`
 * (killed with SIGKILL then) fails with an error naming
 * "hooks.<kind>[i] (<path>)", the exit status and the start of its stderr.
 * `kind` is the JSON name: "prestart", "createRuntime", "poststart", ... */
int nook_hooks_run(const struct nook_hook_list *hooks, const char *kind, const char *state_json,
                   struct nook_error *err);

#endif
