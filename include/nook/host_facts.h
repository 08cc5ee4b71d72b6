/* What the spec's support checks need to know of the host (struct
 * nook_host_facts in nook/spec.h, plain data), read from /sys and /proc by
 * src/linux/host_facts.c. */
#ifndef NOOK_HOST_FACTS_H
#define NOOK_HOST_FACTS_H

#include <stdbool.h>

#include "nook/error.h"
#include "nook/spec.h"

/* /sys/module/apparmor/parameters/enabled reads "Y". */
bool nook_apparmor_enabled(void);
/* selinuxfs is mounted on /sys/fs/selinux. */
bool nook_selinux_enabled(void);

/* The facts a config's checks need: /sys is read only when the config asks
 * for a label, and each namespace path is compared (stat) with the
 * runtime's own /proc/self/ns/<type>. */
void nook_host_facts_read(const struct nook_spec *spec, struct nook_host_facts *host);

/* nook_host_facts_read, then nook_spec_check_supported_on: refuse what
 * nook cannot run yet, and what would change the host rather than the
 * container (a sysctl, a hostname or a mount outside the container's own
 * namespaces). */
int nook_spec_check_supported(const struct nook_spec *spec, struct nook_error *err);

#endif
