/* The lifecycle of one container (docs/design.md, "The create path"):
 *
 *   nook_container_create   parse, lock state, clone the init, wait for READY
 *   nook_container_start    one byte on exec.fifo; the init execs
 *   nook_container_wait     forward signals, relay the terminal, reap the init
 *   nook_container_destroy  kill what is left, remove everything nook made
 *   nook_container_release  free memory and fds (the container stays as it is)
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
#include "nook/host_facts.h"
#include "nook/spec.h"

struct nook_create_opts {
	const char *root; /* state directory root */
	const char *id;
	const char *bundle;         /* as given; "." by default */
	const char *pid_file;       /* or NULL */
	const char *console_socket; /* process.terminal: where the pty master goes */
	int preserve_fds;           /* fds 3 .. 3+N-1 stay open in the container */
	bool no_pivot;
	bool no_new_keyring;
	bool relay_terminal; /* foreground run: keep the pty master to relay it */
	bool systemd_cgroup; /* --systemd-cgroup: the cgroup is a systemd scope unit */
	bool rootless;       /* --rootless / nook_rootless_decide (nook/userns.h) */
};

struct nook_container {
	const char *root;
	const char *id;
	char bundle[PATH_MAX]; /* absolute */
	char rootfs[PATH_MAX]; /* absolute */
	struct nook_spec spec;
	struct nook_host_facts host; /* create: read once, for the checks and the init */
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
	char *config; /* create: the bytes of config.json, parsed and pinned */
	size_t config_len;
	uid_t owner;
	int saved_status; /* enum nook_status as state.json has it */
	bool is_parent;   /* the init is our child: waitpid works */
	bool exited;
	int wait_status;
	bool deleted; /* nook_container_delete done (a failed poststart does it) */
	/* run, after its wait: the state directory is no longer ours to change
	 * (another nook deleted it, or held its lock too long: reported) */
	bool not_ours;
};

void nook_container_clear(struct nook_container *c);

/* An existing container from <root>/<id>: state.json and the config it was
 * created with. `lock`: LOCK_EX for commands that change it, else 0. */
int nook_container_load(const char *root, const char *id, int lock, struct nook_container *c,
                        struct nook_error *err);
/* 1 if <root>/<id> exists, 0 if not, -1 for a bad id. */
int nook_container_exists(const char *root, const char *id);

/* Close and free what load or create holds, without touching the container. */
void nook_container_release(struct nook_container *c);

/* The status, derived from the live process, not trusted from the file: a
 * dead init, or a pid now used by another process (start time differs),
 * reads "stopped"; exec.fifo present reads "created". Returns an enum
 * nook_status. */
int nook_container_status(struct nook_container *c);

/* The state JSON of the spec (plus runc's rootfs, created, owner). */
char *nook_container_state_json(struct nook_container *c, bool pretty, struct nook_error *err);

/* pause (freeze) or resume (thaw) through the cgroup freezer. */
int nook_container_pause(struct nook_container *c, bool pause, struct nook_error *err);

/* `update`: apply the present fields of `res` to the live cgroup. */
int nook_container_update(struct nook_container *c, const struct nook_resources *res,
                          struct nook_error *err);

/* `events`: one stats event, or a stream of stats every interval and oom
 * events as they happen, until the container stops. Each event is one JSON
 * object (`len` bytes, no newline) handed to emit(ctx, ...). */
typedef void (*nook_event_fn)(void *ctx, const char *json, size_t len);
int nook_container_events(struct nook_container *c, bool stats_once, int interval_ms,
                          nook_event_fn emit, void *ctx, struct nook_error *err);

/* Host pids of every process of the container (*pids is malloc'd). */
int nook_container_pids(struct nook_container *c, pid_t **pids, size_t *n, struct nook_error *err);

/* `ps`: the host pids of container <root>/<id> (*pids malloc'd), and when
 * `table` is not NULL, `ps -ef`'s header and the rows of those pids in a
 * malloc'd *table. */
int nook_container_ps(const char *root, const char *id, pid_t **pids, size_t *n, char **table,
                      struct nook_error *err);

/* `list`: fn is called for each subdirectory of `root` named as an id, in
 * id order, with the loaded container (released after the call), or with
 * c NULL and why it could not be loaded (a broken state.json, or a
 * container being created or deleted right now). A missing root holds no
 * containers. -1 only when root cannot be read. */
typedef void (*nook_list_fn)(void *ctx, const char *id, struct nook_container *c,
                             const struct nook_error *load_err);
int nook_container_list(const char *root, nook_list_fn fn, void *ctx, struct nook_error *err);

/* Is the init alive and the same process (pid + start time)? */
bool nook_container_init_alive(const struct nook_container *c);
int nook_container_create(const struct nook_create_opts *opts, struct nook_container *c,
                          struct nook_error *err);
int nook_container_start(struct nook_container *c, struct nook_error *err);
/* Returns the exit code as a shell reports it: status, or 128+signal. The
 * state lock is not held while it waits, so that `kill` and `delete
 * --force` from elsewhere work on the container (issue 8); it is taken back
 * afterwards, else not_ours is set. */
int nook_container_wait(struct nook_container *c, struct nook_error *err);
int nook_container_destroy(struct nook_container *c, struct nook_error *err);

/* kill: `all` signals every process of the container, not only the init. */
int nook_container_kill(struct nook_container *c, int sig, bool all, struct nook_error *err);

/* delete: refuses a container that is not stopped unless `force` (runtime.md:
 * deleting one that is not stopped MUST have no effect and MUST fail). A
 * second call on the same `c` does nothing, nor one when it is not_ours. */
int nook_container_delete(struct nook_container *c, bool force, struct nook_error *err);

/* The commands on an existing container by id (src/container/by_id.c):
 * each loads <root>/<id> with the lock it needs, acts, releases it. */
int nook_container_start_by_id(const char *root, const char *id, struct nook_error *err);
/* The state JSON, pretty; during a create, once that create is done. */
char *nook_container_state_by_id(const char *root, const char *id, struct nook_error *err);
int nook_container_kill_by_id(const char *root, const char *id, int sig, bool all,
                              struct nook_error *err);
/* force: also a container already gone, or one whose create died before
 * it wrote state.json, is deleted without an error (as runc). */
int nook_container_delete_by_id(const char *root, const char *id, bool force,
                                struct nook_error *err);
int nook_container_pause_by_id(const char *root, const char *id, bool pause,
                               struct nook_error *err);
/* resources_file: linux.resources as JSON ("-": stdin), or NULL; applied
 * before the fields of `res`. */
int nook_container_update_by_id(const char *root, const char *id, const char *resources_file,
                                const struct nook_resources *res, struct nook_error *err);
int nook_container_events_by_id(const char *root, const char *id, bool stats_once, int interval_ms,
                                nook_event_fn emit, void *ctx, struct nook_error *err);
/* Seal the runtime's binary, then nook_container_exec: its exit code, or
 * -1 with *err. */
struct nook_exec_opts;
int nook_container_exec_by_id(const char *root, const char *id, const struct nook_exec_opts *o,
                              struct nook_error *err);

/* `create` (src/container/run.c): seal the runtime's binary, create. */
int nook_container_create_new(const struct nook_create_opts *opts, struct nook_error *err);
/* `run`: seal, create, start; unless `detach`, wait in the foreground and
 * delete (unless `keep`). Returns the exit code (the workload's, 128+N for
 * a signal, 1 when a step after create failed: reported already), or -1
 * with *err when nothing was created. */
int nook_container_run(const struct nook_create_opts *opts, bool detach, bool keep,
                       struct nook_error *err);

/* `nook spec`: write nook_spec_default_json to a new file `out_path`
 * ("File ... exists. Remove it first" when there is one already). */
int nook_spec_write_default(const char *out_path, bool rootless, uid_t uid, gid_t gid,
                            struct nook_error *err);

/* Wait in the foreground for our child `pid`: forward signals to it, relay
 * *pty_master (if >= 0) to the caller's terminal. Returns the exit code as
 * a shell reports it (128+N for signal N). */
int nook_wait_foreground(pid_t pid, int *pty_master, int *wait_status, struct nook_error *err);

/* After the container's cgroup was emptied (every process in it has been
 * killed and is past the point of leaving it): reap every child of ours
 * that is dead or dying, i.e. the container's processes that came to the
 * foreground `run` as their subreaper. Children still alive (a hook's
 * daemon, a process that left the cgroup) are not waited for. */
void nook_reap_dying_children(void);

/* Signals the runtime forwards to the container while it waits. */
void nook_forwarded_signals(sigset_t *set);

#endif
