/* The sync protocol: the runtime and the process it clones into the
 * container (the init of `create`/`run`, or the child of `nook exec`) talk
 * over a SOCK_SEQPACKET socketpair, one message per packet. Requests and
 * their replies go in pairs; the rest are one-way.
 *
 *   create / run                        runtime          init
 *   ------------------------------------------------------------------
 *   hooks' state, one per hook kind     HOOK_STATE  -->             (1)
 *   id maps written, cgroup joined      GO          -->
 *   bind sources (user ns, id-mapped binds)     <-- MOUNTS_REQUEST  (2)
 *     one reply per bind source         MOUNTS_REPLY -->  (fd or none)
 *   the terminal's master                       <-- PTY             (3)
 *   mounts done, about to pivot_root            <-- HOOKS_REQUEST   (4)
 *     prestart + createRuntime ran      HOOKS_REPLY -->
 *   filter loaded, its listener fd              <-- SECCOMP_FD      (5)
 *   set up, waiting on exec.fifo                <-- READY
 *   `start` writes exec.fifo; execve: end of file, nothing more
 *
 *   exec                                runtime          exec child
 *   ------------------------------------------------------------------
 *   cgroup joined                       GO          -->
 *   the terminal's master                       <-- PTY             (3)
 *   filter loaded, its listener fd              <-- SECCOMP_FD      (5)
 *   execve: end of file
 *
 *   at any point after GO                       <-- ERROR (the last word)
 *   at any point                                <-- LOG
 *
 * (1) only for the createContainer and startContainer hooks the init runs
 *     itself: first the "creating" state, then the "created" one.
 * (2) the runtime opens the bind sources as host root and passes each
 *     O_PATH fd (none: the init opens it itself), see
 *     src/linux/rootfs/mount_sources.c; an id-mapped bind's is its clone,
 *     mapped (src/linux/rootfs/mount_idmap.c).
 * (3) with process.terminal; without a mount namespace of its own the init
 *     sends it before HOOKS_REQUEST.
 * (4) only with prestart or createRuntime hooks.
 * (5) only when linux.seccomp has an SCMP_ACT_NOTIFY rule: sent under the
 *     filter, which may not notify sendmsg (src/spec/support.c); the
 *     runtime hands the fd to the agent at listenerPath as soon as it comes,
 *     so whatever the process does next may be notified (docs/design.md,
 *     "Seccomp notify").
 *
 * ERROR carries a struct nook_error: the first real cause, with its step.
 * LOG carries a level and a line of text (a warning or debug line of the
 * child): every receive of the runtime writes it out by its own route (log
 * file and format, or stderr) and goes on to the next message. LOG only
 * reaches a runtime that still listens: `create` until READY, `run` and
 * `exec` until the execve; after `create` has returned, the init's few
 * remaining lines are dropped, as runc drops them, and an error goes to the
 * init's own stderr (the only place left).
 *
 * The socket is close-on-exec in the child, so end of file after GO means
 * the execve succeeded. */
#ifndef NOOK_SYNC_H
#define NOOK_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "nook/error.h"

enum nook_sync_type {
	NOOK_SYNC_EOF = 0, /* not a message: the other side closed its end */
	/* runtime -> child */
	NOOK_SYNC_HOOK_STATE,
	NOOK_SYNC_GO,
	/* child -> runtime, and the runtime's reply */
	NOOK_SYNC_MOUNTS_REQUEST,
	NOOK_SYNC_MOUNTS_REPLY,
	NOOK_SYNC_HOOKS_REQUEST,
	NOOK_SYNC_HOOKS_REPLY,
	/* child -> runtime, no reply */
	NOOK_SYNC_PTY,
	NOOK_SYNC_SECCOMP_FD,
	NOOK_SYNC_READY,
	NOOK_SYNC_ERROR,
	NOOK_SYNC_LOG,
	NOOK_SYNC_TYPE_COUNT
};

/* "GO", "MOUNTS_REQUEST", ...; "end of file" for NOOK_SYNC_EOF; "unknown"
 * for a number outside the table. */
const char *nook_sync_name(uint32_t type);

/* "sync: unexpected message X (n) while waiting for Y", EPROTO. Returns -1. */
int nook_sync_unexpected(uint32_t got, enum nook_sync_type want, struct nook_error *err);

struct nook_sync_msg {
	uint32_t type;
	struct nook_error err; /* for NOOK_SYNC_ERROR */
};

/* Send a message; pass_fd >= 0 travels with it (SCM_RIGHTS). */
int nook_sync_send(int sock, enum nook_sync_type type, const struct nook_error *payload,
                   int pass_fd, struct nook_error *err);

/* Receive one message. Returns 1 with a message, 0 at end of file, -1 on error.
 * A passed fd lands in *fd_out (close-on-exec) when fd_out is not NULL. */
int nook_sync_recv(int sock, struct nook_sync_msg *msg, int *fd_out, struct nook_error *err);

/* The one receive loop of both halves: messages until `until` arrives. */
struct nook_sync_wait {
	/* The message that ends the wait; NOOK_SYNC_EOF: end of file (the
	 * child's execve). */
	enum nook_sync_type until;
	/* The error when end of file comes first ("container init exited
	 * during setup"); NULL: "sync: end of file while waiting for X". */
	const char *eof_what;
	/* Where PTY's fd lands; NULL: PTY is unexpected. */
	int *pty_fd;
	/* Answers a request of the child (MOUNTS_REQUEST, HOOKS_REQUEST)
	 * with its reply; NULL: requests are unexpected. */
	int (*answer)(void *ctx, enum nook_sync_type request, struct nook_error *err);
	/* Takes SECCOMP_FD's fd (and closes it), hands it on at once;
	 * NULL: SECCOMP_FD is unexpected. */
	int (*seccomp_fd)(void *ctx, int fd, struct nook_error *err);
	void *ctx; /* of answer and seccomp_fd */
};

/* Returns 0 once w->until came. An ERROR message is copied into err and
 * returns -1; any other message ends the wait with "sync: unexpected
 * message X while waiting for Y". */
int nook_sync_wait(int sock, const struct nook_sync_wait *w, struct nook_error *err);

/* nook_sync_wait for `want`, nothing else on the way. */
int nook_sync_expect(int sock, enum nook_sync_type want, const char *eof_what,
                     struct nook_error *err);

/* A message of any size: a 4-byte type, then the bytes. */
int nook_sync_send_bytes(int sock, enum nook_sync_type type, const char *buf, size_t len,
                         struct nook_error *err);
/* Receive one; it must be of `want` type. *out is a malloc'd, NUL-terminated
 * copy. An ERROR message is copied into err. */
int nook_sync_recv_bytes(int sock, enum nook_sync_type want, char **out, struct nook_error *err);

/* From now on, this process's log messages go to the runtime as LOG
 * messages on `sock` (see nook_log_relay_to). For the init and the exec
 * child, first thing after clone (nook_child_begin). */
void nook_sync_route_log(int sock);

#endif
