/* The container init: the process clone3() makes, from its first instruction
 * to the execve of process.args. It reports its first failure to the runtime
 * over the sync socket and exits; it never returns. */
#ifndef NOOK_INIT_H
#define NOOK_INIT_H

#include <stdbool.h>

#include "nook/spec.h"

struct nook_cgroup;

struct nook_init_args {
	const struct nook_spec *spec;
	const char *rootfs; /* absolute host path */
	const char *bundle; /* absolute host path */
	int sync_fd;        /* our end of the sync socketpair */
	int fifo_fd;        /* exec.fifo, read-write: one byte from `start` means go */
	int new_ns_flags;   /* CLONE_NEW* of every new namespace but cgroup */
	int unshare_flags;  /* those of them to unshare after joining a user namespace */
	int preserve_fds;   /* --preserve-fds: fds 3 .. 3+N-1 reach the workload */
	const struct nook_cgroup *cgroup; /* the container's cgroup dirs, or NULL */
	/* A new mount namespace, or one joined that is not the runtime's: the
	 * rootfs is built in it. Else the init only chroots into the rootfs. */
	bool own_mount_ns;
	/* CLONE_NEW* of namespaces joined by path that must not turn out to be
	 * the runtime's own (the config checks relied on it). */
	int foreign_join_flags;
	/* CLONE_NEW* of namespaces the runtime joined for us before the clone
	 * (struct nook_ns_saved): we are in them already. */
	int joined_by_runtime;
	bool no_pivot;
	bool no_new_keyring; /* keep the runtime's session keyring */
};

__attribute__((noreturn)) void nook_init_main(const struct nook_init_args *args);

#endif
