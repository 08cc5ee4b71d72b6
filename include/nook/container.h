/* The lifecycle of one container (DESIGN.md "the create path"):
 *
 *   nook_container_create   parse, lock state, clone the init, wait for READY
 *   nook_container_start    one byte on exec.fifo; the init execs
 *   nook_container_wait     forward signals, relay the terminal, reap the init
 *   nook_container_destroy  kill what is left, remove everything nook made
 *
 * `nook run` is these four in a row. */
#ifndef NOOK_CONTAINER_H
#define NOOK_CONTAINER_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "nook/cgroup.h"
#include "nook/error.h"
#include "nook/spec.h"

struct nook_create_opts {
	const char *root; /* state directory root */
	const char *id;
	const char *bundle;   /* as given; "." by default */
	const char *pid_file; /* or NULL */
	bool no_pivot;
};

struct nook_container {
	const char *root;
	const char *id;
	char bundle[PATH_MAX]; /* absolute */
	char rootfs[PATH_MAX]; /* absolute */
	struct nook_spec spec;
	bool have_spec;
	bool have_state_dir;
	struct nook_cgroup cgroup; /* valid when have_cgroup */
	bool have_cgroup;
	bool in_unified_cgroup; /* the init was cloned into the v2 directory */
	int state_dirfd;        /* locked */
	int sync_fd;            /* runtime end of the sync socket */
	int fifo_fd;
	int pty_master; /* process.terminal: the pty's master, else -1 */
	pid_t pid;      /* container init, 0 before clone */
	unsigned long long start_time;
	char created[40];
	bool exited;
	int wait_status;
};

void nook_container_init(struct nook_container *c);
int nook_container_create(const struct nook_create_opts *opts, struct nook_container *c,
                          struct nook_error *err);
int nook_container_start(struct nook_container *c, struct nook_error *err);
/* Returns the exit code as a shell reports it: status, or 128+signal. */
int nook_container_wait(struct nook_container *c, struct nook_error *err);
int nook_container_destroy(struct nook_container *c, struct nook_error *err);

/* Signals the runtime forwards to the container while it waits. */
void nook_forwarded_signals(sigset_t *set);

#endif
