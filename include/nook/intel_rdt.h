/* linux.intelRdt (config-linux.md, "IntelRdt") through the resctrl
 * filesystem. The resctrl root is a parameter, so the steps run against a
 * plain directory tree in the unit tests. */
#ifndef NOOK_INTEL_RDT_H
#define NOOK_INTEL_RDT_H

#include <stddef.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* The mount point of resctrl in the runtime's mount namespace, from
 * /proc/self/mountinfo ("MUST generate an error" without one). */
int nook_rdt_find_root(char *root, size_t size, struct nook_error *err);

/* The container's CTRL_MON group (closID, "/" for the root, or `id`), made
 * if needed, its schemata written (l3CacheSchema, memBwSchema, then each
 * of schemata) or compared with an existing closID group's, `pid` added to
 * its tasks; with enableMonitoring, the MON group mon_groups/<id> too. */
int nook_rdt_apply(const char *root, const struct nook_intel_rdt *r, const char *id, pid_t pid,
                   struct nook_error *err);

/* Delete: the MON group, and the group named after `id` (never a closID
 * one: "MUST NOT remove"). Gone already is fine. */
int nook_rdt_remove(const char *root, const struct nook_intel_rdt *r, const char *id,
                    struct nook_error *err);

#endif
