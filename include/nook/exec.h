/* `nook exec`: a new process in a running container. */
#ifndef NOOK_EXEC_H
#define NOOK_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nook/container.h"

struct nook_exec_opts {
	const char *process_file; /* --process: a process object as JSON; the flags
				     below then do not apply */
	char **args;              /* the command and its arguments */
	size_t n_args;
	bool tty, detach, no_new_privs;
	const char *console_socket, *pid_file, *cwd;
	const char *user; /* "UID[:GID]" */
	char **env;       /* KEY=VALUE, added or replacing */
	size_t n_env;
	char **caps; /* added to bounding, effective, permitted (and ambient
			when the process has inheritable ones, as runc does) */
	size_t n_caps;
	uint32_t *gids; /* --additional-gids */
	size_t n_gids;
	int preserve_fds;
	/* --apparmor, --process-label: replace the container's
	 * process.apparmorProfile and process.selinuxLabel (runc's flags) */
	const char *apparmor, *process_label;
	char **cgroups; /* --cgroup [CTRL[,CTRL]:]SUB (runc): join sub-cgroups */
	size_t n_cgroups;
	bool ignore_paused; /* --ignore-paused: exec into a paused container */
};

/* The process the exec runs: from --process, or the container's own
 * process with the flags applied. Freed by nook_exec_process_free. */
struct nook_exec_process {
	struct nook_process proc;
	struct nook_spec holder; /* what --process was parsed into */
	bool from_file;
	void *allocs[8];
	size_t n_allocs;
};
int nook_exec_process_build(const struct nook_container *c, const struct nook_exec_opts *o,
                            struct nook_exec_process *out, struct nook_error *err);
void nook_exec_process_free(struct nook_exec_process *p);

/* Run it. Returns the process's exit code (foreground), 0 (detached), or
 * -1 with err set when nook itself fails. */
int nook_container_exec(struct nook_container *c, const struct nook_exec_opts *o,
                        struct nook_error *err);

#endif
