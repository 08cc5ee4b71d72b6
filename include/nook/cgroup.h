/* The container's cgroup, on pure v2 (unified), v1 (legacy) and hybrid
 * hosts (v1 controllers plus a cgroup2 mount, e.g. /sys/fs/cgroup/unified).
 *
 * One container has one directory per hierarchy it uses. Which directories
 * they are, and whether nook made them, is kept in state.json so that later
 * commands (delete, update, pause, events, exec) find them again.
 *
 * Create path (src/container/create.c):
 *   nook_cgroup_create()       resolve linux.cgroupsPath, make the dirs,
 *                              enable v2 controllers, apply linux.resources
 *   nook_cgroup_open_unified() fd for clone3(CLONE_INTO_CGROUP) on v2
 *   nook_cgroup_attach()       the init's pid into every other hierarchy,
 *                              before GO (the init then unshares its cgroup
 *                              namespace)
 * Delete: nook_cgroup_destroy() kills what is left and removes what nook made. */
#ifndef NOOK_CGROUP_H
#define NOOK_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "nook/error.h"
#include "nook/spec.h"

enum nook_cgroup_mode { NOOK_CGROUP_UNIFIED, NOOK_CGROUP_LEGACY, NOOK_CGROUP_HYBRID };

struct nook_cgroup_dir {
	char *hierarchy;    /* "" for the v2 hierarchy; else the v1 controllers as
			    /proc/self/cgroup names them: "cpu,cpuacct", "name=systemd" */
	char *path;         /* absolute path of the container's directory */
	bool created;       /* nook made it, so nook removes it */
	unsigned n_created; /* how many trailing components of path nook made
			       (1: the leaf; 2: the leaf and its parent, for
			       cgroupsPath "nook/x" when "nook" was new too) */
};

struct nook_cgroup {
	enum nook_cgroup_mode mode;
	struct nook_cgroup_dir *dirs;
	size_t n_dirs;
	char v2_mount[256]; /* where cgroup2 is mounted ("" if not); not saved */
	/* The systemd driver (--systemd-cgroup; src/linux/cgroup/systemd.c):
	 * set `systemd` before plan; unit is then the scope ("nook-x.scope"),
	 * saved, and dirs[0] its v2 directory. NULL: the cgroupfs driver. */
	bool systemd;
	char *unit;
	/* Rootless (set before plan, not saved): no device rules are applied
	 * (a user namespace may not), as runc's rootless manager. */
	bool rootless;
};

/* What mode this host is in (from /proc/self/mountinfo). */
int nook_cgroup_detect(enum nook_cgroup_mode *mode, struct nook_error *err);

/* Resolve linux.cgroupsPath (absent: the container id; relative: under the
 * caller's own cgroup of each hierarchy; absolute: under each hierarchy's
 * root), make the directories, and apply linux.resources. On failure nothing
 * nook made is left. */
int nook_cgroup_create(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                       struct nook_error *err);

/* nook_cgroup_create in two steps, so that the caller can record the
 * directories (state.json) before any exists: a runtime killed in between
 * then leaves nothing `delete` does not know of. plan resolves the paths and
 * marks the components that will be made; realize makes them, enables v2
 * controllers and applies the limits (on failure it removes what it made). */
int nook_cgroup_plan(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                     struct nook_error *err);
int nook_cgroup_realize(const struct nook_spec *spec, struct nook_cgroup *cg,
                        struct nook_error *err);

/* O_PATH|O_DIRECTORY fd of the v2 directory for CLONE_INTO_CGROUP, or -1
 * (no v2 directory; with the systemd driver: the scope is not started yet). */
int nook_cgroup_open_unified(const struct nook_cgroup *cg, struct nook_error *err);

/* Write pid into cgroup.procs of every directory (skip_unified: the v2 one
 * is already joined through clone3). Also for `exec` processes. */
int nook_cgroup_attach(const struct nook_cgroup *cg, pid_t pid, bool skip_unified,
                       struct nook_error *err);

/* The container's init, after the clone and before GO: nook_cgroup_attach;
 * with the systemd driver, start the scope with pid in it, then apply the
 * limits to its directory (on failure the unit is stopped). */
int nook_cgroup_attach_init(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                            pid_t pid, bool skip_unified, struct nook_error *err);

/* Apply limits (create and `update`; the systemd driver also sets the
 * unit's properties). Errors name the config path and the
 * file: "linux.resources.blockIO.leafWeight: blkio.leaf_weight: no such file". */
int nook_cgroup_apply(const struct nook_cgroup *cg, const struct nook_resources *res,
                      struct nook_error *err);

/* pause / resume: v1 freezer, v2 cgroup.freeze; waits until frozen. */
int nook_cgroup_freeze(const struct nook_cgroup *cg, bool frozen, struct nook_error *err);
int nook_cgroup_is_frozen(const struct nook_cgroup *cg, bool *frozen, struct nook_error *err);
/* Thaw the container's own freezer, whoever froze it, without waiting for
 * it (a destroy waits for the processes to die instead). */
void nook_cgroup_thaw_nowait(const struct nook_cgroup *cg);
/* Is process pid (0: the container's own freezer cgroup) frozen by a v1
 * freezer cgroup that is not the container's own (which nook thaws,
 * whoever froze it): an ancestor, or one someone moved the process into?
 * 1 with its directory in `who`, else 0. A task frozen by a v1 freezer does
 * not even die of SIGKILL until it is thawed; on v2 it does, so v2 is never
 * reported. */
int nook_cgroup_frozen_elsewhere(const struct nook_cgroup *cg, pid_t pid, char *who, size_t size);

/* Every pid in the container's cgroup (`ps`, `kill --all`). *pids is malloc'd. */
int nook_cgroup_pids(const struct nook_cgroup *cg, pid_t **pids, size_t *n, struct nook_error *err);

/* Send sig to every process in the cgroup (v2 SIGKILL: cgroup.kill). */
int nook_cgroup_signal_all(const struct nook_cgroup *cg, int sig, struct nook_error *err);

/* runc's stats JSON object (the "data" of `events --stats`): cpu, memory
 * (usage, max, failcnt, ...), pids, blkio, hugetlb. */
int nook_cgroup_stats(const struct nook_cgroup *cg, yajl_gen g, struct nook_error *err);

/* What the cgroup's processes used, as far as the kernel keeps it (-1
 * where not): cpu time (v2 cpu.stat; v1 cpuacct.usage_user/_sys, else
 * cpuacct.stat in clock ticks), peak memory (v2 memory.peak, v1
 * memory.max_usage_in_bytes), peak pids (pids.peak, Linux 6.1+). nook
 * job's report. */
struct nook_cgroup_usage {
	double cpu_user_seconds;
	double cpu_system_seconds;
	int64_t memory_peak_bytes;
	int64_t pids_peak;
};
void nook_cgroup_usage(const struct nook_cgroup *cg, struct nook_cgroup_usage *u);

/* OOM kills so far (memory.events oom_kill on v2, memory.oom_control
 * oom_kill on v1); and an fd that becomes readable when it may have changed
 * (v2: inotify on memory.events; v1: eventfd via cgroup.event_control). */
int nook_cgroup_oom_count(const struct nook_cgroup *cg, uint64_t *count, struct nook_error *err);
int nook_cgroup_oom_watch(const struct nook_cgroup *cg, struct nook_error *err);

/* Kill what is left (and wait until the cgroup is empty), then remove the
 * directories nook made, deepest first. Never removes one it did not make. */
int nook_cgroup_destroy(struct nook_cgroup *cg, struct nook_error *err);

/* `exec --cgroup ARG...` (runc's forms, src/linux/cgroup/sub.c): a copy of
 * cg whose directories are the sub-cgroups named, each checked to exist and
 * to be inside cg's. Freed by nook_cgroup_free. */
int nook_cgroup_sub_view(const struct nook_cgroup *cg, char *const *args, size_t n,
                         struct nook_cgroup *out, struct nook_error *err);

void nook_cgroup_free(struct nook_cgroup *cg);

/* Rootless (src/linux/cgroup/rootless.c): the JSON path of the first limit
 * linux.resources sets ("linux.resources.memory"; devices are not limits),
 * or NULL. */
const char *nook_cgroup_first_limit(const struct nook_resources *r);
/* Before anything is made: a config with limits needs cgroup directories
 * the caller may make or join; the error says which is not writable and
 * what is missing (delegation). */
int nook_cgroup_rootless_check(const struct nook_spec *spec, const char *id, bool systemd,
                               struct nook_error *err);

/* The directory of the hierarchy that holds controller ("memory", "hugetlb";
 * "" for the v2 directory itself), or NULL. v2 names: "io" finds a v1
 * "blkio" hierarchy where there is one. */
const struct nook_cgroup_dir *nook_cgroup_dir_for(const struct nook_cgroup *cg,
                                                  const char *controller);

/* v2 helpers, pure (unit tested): runc's conversion of cpu.shares to
 * cpu.weight, and the lines of cpu.max and io.max. */
uint64_t nook_cgroup_shares_to_weight(uint64_t shares);
void nook_cgroup_cpu_max(const struct nook_cpu *cpu, char *buf, size_t size);
/* One io.max line per device of the four throttle lists, "MAJ:MIN rbps=N
 * wbps=N riops=N wiops=N" (only the keys given); malloc'd, "" if none. */
char *nook_cgroup_io_max(const struct nook_block_io *bio);

/* In state.json: {"mode": "hybrid", "dirs": [{"hierarchy": "cpu,cpuacct",
 * "path": "/sys/fs/cgroup/cpu,cpuacct/nook/x", "created": true}, ...]},
 * plus "systemdUnit": "nook-x.scope" with the systemd driver. */
int nook_cgroup_to_json(const struct nook_cgroup *cg, yajl_gen g);
int nook_cgroup_from_json(yajl_val v, struct nook_cgroup *cg, struct nook_error *err);

/* After nook_cgroup_from_json: keep only the directories that are the ones
 * nook plans for container `id` from its pinned config (`spec`; NULL: none
 * is kept), in hierarchies mounted here, one per hierarchy; each dropped
 * one is a warning. The mode becomes the host's. n_dirs may end at 0. */
void nook_cgroup_check_saved(struct nook_cgroup *cg, const struct nook_spec *spec, const char *id);

#endif
