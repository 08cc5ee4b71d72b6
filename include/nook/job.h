/* `nook job` (issue 14): one command that runs a CI job in a throwaway
 * container. The spec layer turns a struct nook_job_spec into a config.json
 * (src/spec/job_config.c, through the generator of `nook spec`); the
 * container layer (src/container/job*.c) makes the ephemeral root, runs the
 * config through the ordinary create/start/wait/delete path, enforces the
 * wall-clock timeout, writes the report and keeps a keeper process that
 * cleans up when `nook job` itself is killed. docs/design.md, "nook job". */
#ifndef NOOK_JOB_H
#define NOOK_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/error.h"

/* Exit codes of `nook job` besides the job's own (coreutils timeout's). */
#define NOOK_JOB_EXIT_ERROR   125 /* nook's own failure before the job ran */
#define NOOK_JOB_EXIT_TIMEOUT 124

enum nook_job_network { NOOK_JOB_NET_NONE, NOOK_JOB_NET_HOST, NOOK_JOB_NET_BRIDGE };

struct nook_job_bind {
	const char *src; /* absolute, resolved */
	const char *dst;
	bool ro;
};

struct nook_job_tmpfs {
	const char *dst;
	int64_t size; /* bytes; 0: the kernel's default */
};

/* What the config of a job is made of (pure data: no syscalls). */
struct nook_job_spec {
	char *const *args; /* the command, n_args >= 1 */
	size_t n_args;
	const char *const *env; /* K=V from --env, in order; later wins */
	size_t n_env;
	const char *workdir; /* NULL: "/" */
	uid_t uid;
	gid_t gid;
	const char *root_path; /* root.path */
	bool root_readonly;
	const struct nook_job_bind *binds;
	size_t n_binds;
	const struct nook_job_tmpfs *tmpfs;
	size_t n_tmpfs;
	int64_t memory;     /* bytes, 0: no limit */
	bool memory_swap;   /* with memory: no swap beyond it (the host swaps
	                       and can limit swap) */
	int64_t pids;       /* 0: no limit */
	int64_t cpu_quota;  /* microseconds per cpu_period, 0: no limit */
	int64_t cpu_period; /* microseconds */
	int64_t nofile;     /* RLIMIT_NOFILE, 0: the default of `nook spec` */
	enum nook_job_network network;
	bool in_userns; /* run by a caller that is not root of the host: nook job
	                   is root of a user namespace of its own, the container
	                   gets no user namespace of its own (as under rootless
	                   podman), and the mounts are those such a root may make */
};

struct nook_job_opts {
	struct nook_job_spec spec;
	const char *state_root; /* --root */
	const char *id;         /* --id, or NULL: job-<pid>-<random hex> */
	const char *rootfs;     /* --rootfs, or NULL: the host's root read-only */
	const char *upper;      /* --upper DIR, or NULL: a tmpfs */
	int64_t disk;           /* --disk: bytes of the tmpfs, 0: the kernel's default */
	int64_t timeout;        /* seconds, 0: none */
	const char *report;     /* --report FILE, or NULL */
	bool print_config;
};

/* The config.json of a job (malloc'd, *len bytes): `nook spec`'s defaults
 * with the job's process, mounts, resources and network. */
char *nook_spec_job_json(const struct nook_job_spec *job, size_t *len, struct nook_error *err);

/* Check what the job names on the host (the rootfs, bind sources, the
 * upper directory) before anything is made. */
int nook_job_check(const struct nook_job_opts *o, struct nook_error *err);

/* Run the job; returns its exit code (128+N for a signal, 124 at the
 * timeout), or -1 with *err when nook failed before the job ran (then
 * nothing is left behind). --print-config prints and returns 0. */
int nook_job_run(struct nook_job_opts *o, struct nook_error *err);

#endif
