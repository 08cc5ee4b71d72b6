/* The pieces of `nook job` (include/nook/job.h), one file each:
 *   job.c         the whole run: check, keeper, root, create/start/wait/delete
 *   job_root.c    the ephemeral root in a private mount namespace
 *   job_keeper.c  the process that cleans up when `nook job` is killed
 *   job_report.c  the cgroup's usage figures and the --report JSON
 *   job_net.c     the job's network beyond what its namespaces give */
#ifndef NOOK_CONTAINER_JOB_INTERNAL_H
#define NOOK_CONTAINER_JOB_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/container.h"
#include "nook/job.h"

/* The scratch directory of a job: <state root>/@<id> (not a valid
 * container id, so `nook list` passes it by), a tmpfs in the job's own
 * mount namespace holding the bundle and the overlay. */
struct job_root {
	char scratch[PATH_MAX];
	char bundle[PATH_MAX]; /* scratch/bundle: config.json */
	char merged[PATH_MAX]; /* the container's root.path */
	bool mounted;
};

/* Enter a private mount namespace (its mounts die with it), mount the
 * scratch tmpfs and the root: an overlay over --rootfs (upper and work on
 * the tmpfs, or in --upper DIR), or the host's / bound read-only. */
int job_root_make(const struct nook_job_opts *o, struct job_root *r, struct nook_error *err);
/* Is nook job run by a caller that is not root of the host (it then enters
 * a user namespace of its own in job_root_make)? */
bool job_rootless(void);
/* Unmount and remove the scratch directory (also the keeper's, from the
 * host's mount namespace, where it is a plain empty directory). */
void job_root_remove(const char *scratch);
/* --upper DIR: remove overlayfs' work directory DIR/work once unmounted. */
void job_root_drop_work(const char *upper);

struct job_keeper {
	pid_t pid;
	int fd;          /* write end: its end of file tells the keeper to clean up */
	bool net_bridge; /* set before start: the keeper also runs job_net_forget */
};
/* Fork the keeper (its own session, in the host's mount namespace): when
 * every copy of the write end is closed without "done" (nook job died),
 * it deletes container <root>/<id> with --force and removes `scratch`. */
int job_keeper_start(struct job_keeper *k, const char *root, const char *id, const char *scratch,
                     struct nook_error *err);
/* Everything is cleaned up: the keeper exits; wait for it. */
void job_keeper_done(struct job_keeper *k);

/* What the report holds. -1: the kernel does not keep it here (null). */
struct job_usage {
	int exit_code;
	int signal; /* 0: none */
	bool timed_out;
	bool oom_killed;
	double wall_seconds;
	double cpu_user_seconds;
	double cpu_system_seconds;
	int64_t memory_peak_bytes;
	int64_t pids_peak;
};
/* Read from the container's cgroup before it is removed. */
void job_usage_read(const struct nook_cgroup *cg, struct job_usage *u);
int job_report_write(const char *path, const struct job_usage *u, struct nook_error *err);

/* --network: after the container's network namespace exists (create) and
 * before its process starts; down after it stopped, before delete. */
int job_net_up(const struct nook_job_opts *o, struct nook_container *c, struct nook_error *err);
void job_net_down(const struct nook_job_opts *o, struct nook_container *c);
/* The keeper's DEL when nook job was killed: the namespace died with the
 * job; the lease of `id` is released. */
void job_net_forget(const char *id);

#endif
