/* The process of `nook exec`, from clone to execve: it joins the
 * container's namespaces through a pidfd of the container's init, opens a
 * terminal if asked, and goes through the same last steps as the init
 * (a new session, rlimits, caps, user, HOME, no_new_privs, and the seccomp
 * filter right before execve); its oomScoreAdj is inherited from the
 * runtime at clone. */
#ifndef NOOK_EXEC_CHILD_H
#define NOOK_EXEC_CHILD_H

#include "nook/spec.h"

struct nook_exec_child_args {
	const struct nook_spec *spec; /* the container's, with the exec's process */
	int init_pidfd;               /* pidfd of the container's init */
	int join_flags;               /* CLONE_NEW* of the namespaces to join */
	int root_fd; /* -1, or the init's root to chroot into (no own mount namespace) */
	int sync_fd; /* GO in; PTY and ERROR out; EOF on exec */
	int preserve_fds;
};

__attribute__((noreturn)) void nook_exec_child_main(const struct nook_exec_child_args *a);

#endif
