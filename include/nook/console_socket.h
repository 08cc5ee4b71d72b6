/* --console-socket: the pty master goes to the caller's unix socket with
 * SCM_RIGHTS, the way conmon and containerd's shim expect. */
#ifndef NOOK_CONSOLE_SOCKET_H
#define NOOK_CONSOLE_SOCKET_H

#include "nook/error.h"

/* Connect to the SOCK_STREAM unix socket at `path` and send `master_fd` in
 * one message (runc sends the pty's name, e.g. "/dev/ptmx", as the data). */
int nook_console_socket_send(const char *path, int master_fd, struct nook_error *err);

#endif
