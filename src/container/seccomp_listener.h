/* linux.seccomp.listenerPath: the listener fd of an SCMP_ACT_NOTIFY filter
 * handed to the seccomp agent with the container process state
 * (config-linux.md, "The Container Process State"). */
#ifndef NOOK_CONTAINER_SECCOMP_LISTENER_H
#define NOOK_CONTAINER_SECCOMP_LISTENER_H

#include <sys/types.h>

#include "nook/container.h"
#include "nook/error.h"

/* Connect to listenerPath (AF_UNIX, SOCK_STREAM), send the state of c for
 * process `pid` as JSON with `fd` (SCM_RIGHTS, named "seccompFd"), close
 * the connection. Closes fd in every case. */
int nook_seccomp_listener_send(struct nook_container *c, pid_t pid, int fd, struct nook_error *err);

#endif
