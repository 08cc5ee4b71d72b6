/* The state of a container on disk: <root>/<id>/ holding state.json
 * (written to a temp file and renamed), exec.fifo while it waits for start,
 * and a lock (flock on the directory) held by whoever changes it. */
#ifndef NOOK_STATE_H
#define NOOK_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/cgroup.h"
#include "nook/error.h"
#include "nook/spec.h"

enum nook_status { NOOK_CREATING, NOOK_CREATED, NOOK_RUNNING, NOOK_STOPPED, NOOK_PAUSED };

struct nook_state {
	const char *id;
	enum nook_status status;
	pid_t pid;                     /* 0 before the init exists */
	unsigned long long start_time; /* of the init, /proc/<pid>/stat field 22 */
	const char *bundle;            /* absolute */
	const char *rootfs;            /* absolute */
	char created[40];              /* RFC 3339 */
	uid_t owner;
	const struct nook_map *annotations;
	const struct nook_cgroup *cgroup; /* or NULL; "nookCgroup" */
};

const char *nook_status_name(enum nook_status status);
int nook_status_parse(const char *name, enum nook_status *out);

/* An id is 1-1024 of [A-Za-z0-9_+.-], not "." or ".." (runc's rule). */
int nook_id_check(const char *id, struct nook_error *err);

/* Make <root> (0700) and <root>/<id>, refusing an id already in use; the
 * returned directory fd holds an exclusive lock. */
int nook_state_dir_create(const char *root, const char *id, struct nook_error *err);

/* Open <root>/<id> ("container \"x\" does not exist" when it doesn't) and
 * lock it with nook_state_lock (`lock`: LOCK_EX, LOCK_SH, or 0 for none). */
int nook_state_dir_open(const char *root, const char *id, int lock, struct nook_error *err);

/* How long a command waits for another one's lock before it gives up. */
#define NOOK_LOCK_WAIT_MS 10000

/* flock dirfd, the directory <root>/<id>, with `lock`, waiting at most
 * NOOK_LOCK_WAIT_MS for the process that holds it (named in the error).
 * Returns 1 locked; 0 when the directory was deleted meanwhile (it is no
 * longer <root>/<id>; not locked then); -1 on error. */
int nook_state_lock(int dirfd, const char *root, const char *id, int lock, struct nook_error *err);
void nook_state_unlock(int dirfd);

/* Write state.json atomically into the locked directory. */
int nook_state_write(int dirfd, const struct nook_state *state, struct nook_error *err);

/* The state as the spec's JSON (what `nook state` prints and hooks read on
 * stdin), in a malloc'd string. */
char *nook_state_render(const struct nook_state *state, bool pretty, struct nook_error *err);

/* Keep the bytes of the bundle's config.json in the state directory: the container
 * keeps the config it was created with (runtime.md: later changes to
 * config.json do not affect it). */
int nook_state_pin_config(int dirfd, const char *config, size_t len, struct nook_error *err);

/* Remove <root>/<id> and what nook put in it. */
int nook_state_dir_remove(const char *root, const char *id, struct nook_error *err);

#endif
