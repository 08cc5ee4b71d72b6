/* What a config may change, given the namespaces the container owns
 * (src/spec/ns_policy.c). */
#ifndef NOOK_SPEC_NS_POLICY_H
#define NOOK_SPEC_NS_POLICY_H

#include "nook/error.h"
#include "nook/spec.h"

/* linux.sysctl, hostname, domainname and everything that mounts: refused
 * when it would change the runtime's (the host's) namespace. Pure. */
int spec_check_ns_policy(const struct nook_spec *spec, const struct nook_host_facts *host,
                         struct nook_error *err);

#endif
