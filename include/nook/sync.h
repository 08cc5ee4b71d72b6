/* The runtime and the container init talk over a SOCK_SEQPACKET socketpair:
 *
 *   runtime -> init  GO      id maps written (and, later, cgroup joined)
 *   init -> runtime  PTY     the terminal's master, with the fd attached
 *   init -> runtime  READY   set up, now waiting for start
 *   init -> runtime  ERROR   a nook_error: the first real cause, with its step
 *   init -> runtime  HOOKS   mounts done, about to pivot_root: run prestart and
 *                            createRuntime now, then GO again
 *   runtime -> init  STATE   the state JSON for the hooks the init runs itself
 *                            (createContainer, then startContainer), before GO
 *   init -> runtime  MOUNTS  in a user namespace, before the first mount: open
 *                            the bind sources as host root; the runtime answers
 *                            with one MOUNTS per bind source, its O_PATH fd
 *                            attached (none: the init opens it itself)
 *   init -> runtime  LOG     a warning (or debug line) of the init, or of the
 *                            child of `nook exec`: a level and the text. Any
 *                            receive of the runtime writes it out by its own
 *                            route (log file and format, or stderr) and goes
 *                            on to the next message.
 *
 * LOG only reaches a runtime that still listens: `create` until READY, `run`
 * and `exec` until the execve. After `create` has returned, the init's few
 * remaining lines (the debug lines of startContainer hooks) are dropped, as
 * runc drops them; an error is still written to the init's own stderr.
 *
 * The socket is close-on-exec in the init, so end-of-file after start means
 * the execve succeeded. */
#ifndef NOOK_SYNC_H
#define NOOK_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "nook/error.h"

enum nook_sync_type {
	NOOK_SYNC_GO = 1,
	NOOK_SYNC_PTY,
	NOOK_SYNC_READY,
	NOOK_SYNC_ERROR,
	NOOK_SYNC_HOOKS,
	NOOK_SYNC_STATE,
	NOOK_SYNC_MOUNTS,
	NOOK_SYNC_LOG,
};

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

/* Receive a message that must be of `want` type; an ERROR message is copied
 * into err and returns -1, end of file gets `eof_what` as the message. */
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
 * child, right after clone. */
void nook_sync_route_log(int sock);

#endif
