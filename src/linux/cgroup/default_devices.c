/* The device rules a container's cgroup gets: the config's own, then the
 * devices every container has (runtime-linux.md "Default Devices", a pty,
 * /dev/console, tun) and mknod of any node, so that a config of just "deny
 * all" (what podman sends) still lets the init make /dev and the workload
 * use it. runc appends the same list. Like runc, linux.devices entries get
 * no rule of their own: the config allows them in resources.devices (podman
 * does). A config without rules leaves the device cgroup open. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"

#define ANY -1

static const struct {
	const char *type;
	int64_t major, minor;
	const char *access;
} always_allowed[] = {
    {"c", ANY, ANY, "m"},   /* mknod of any char device */
    {"b", ANY, ANY, "m"},   /* and block device */
    {"c", 1, 3, "rwm"},     /* /dev/null */
    {"c", 1, 5, "rwm"},     /* /dev/zero */
    {"c", 1, 7, "rwm"},     /* /dev/full */
    {"c", 1, 8, "rwm"},     /* /dev/random */
    {"c", 1, 9, "rwm"},     /* /dev/urandom */
    {"c", 5, 0, "rwm"},     /* /dev/tty */
    {"c", 5, 1, "rwm"},     /* /dev/console */
    {"c", 5, 2, "rwm"},     /* /dev/ptmx */
    {"c", 136, ANY, "rwm"}, /* /dev/pts/N */
    {"c", 10, 200, "rwm"},  /* /dev/net/tun */
};

int nook_cg_container_device_rules(const struct nook_spec *spec, struct nook_device_cgroup **out,
                                   size_t *n, struct nook_error *err)
{
	const struct nook_resources *r = &spec->linux.resources;
	size_t cap = r->n_devices + NOOK_ARRAY_SIZE(always_allowed);
	struct nook_device_cgroup *rules;

	*out = NULL;
	*n = 0;
	if (r->n_devices == 0)
		return 0;
	rules = calloc(cap, sizeof(*rules));
	if (rules == NULL)
		return nook_fail(err, ENOMEM, "linux.resources.devices");
	memcpy(rules, r->devices, r->n_devices * sizeof(*rules));
	*n = r->n_devices;
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(always_allowed); i++)
		rules[(*n)++] = (struct nook_device_cgroup){
		    .allow = true,
		    .type = (char *)always_allowed[i].type,
		    .has_major = always_allowed[i].major != ANY,
		    .major = always_allowed[i].major,
		    .has_minor = always_allowed[i].minor != ANY,
		    .minor = always_allowed[i].minor,
		    .access = (char *)always_allowed[i].access,
		};
	*out = rules;
	return 0;
}
