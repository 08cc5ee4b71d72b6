/* linux.netDevices (config-linux.md, "Network Devices"): move host network
 * interfaces into the container's network namespace at create. */
#ifndef NOOK_NET_DEVICES_H
#define NOOK_NET_DEVICES_H

#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* Move every linux.netDevices entry from the runtime's network namespace
 * into the network namespace of the container (the init `pid`'s new one, or
 * the one linux.namespaces names by path), under its new name, with its
 * permanent global addresses, and set it up. Nothing is moved back on
 * delete: the spec forbids it, and the kernel returns physical devices to
 * the initial namespace and destroys virtual ones when the namespace dies. */
int nook_net_devices_move(const struct nook_spec *spec, pid_t pid, struct nook_error *err);

#endif
