/* Namespace names and lookups. */
#include <string.h>

#include "json.h"

static const char *const ns_names[NOOK_NS_COUNT] = {
    [NOOK_NS_PID] = "pid",       [NOOK_NS_NETWORK] = "network", [NOOK_NS_MOUNT] = "mount",
    [NOOK_NS_IPC] = "ipc",       [NOOK_NS_UTS] = "uts",         [NOOK_NS_USER] = "user",
    [NOOK_NS_CGROUP] = "cgroup", [NOOK_NS_TIME] = "time",
};

const char *nook_ns_type_name(enum nook_ns_type type)
{
	if ((unsigned)type >= NOOK_NS_COUNT)
		return "unknown";
	return ns_names[type];
}

int spec_ns_type(const char *name)
{
	for (int i = 0; i < NOOK_NS_COUNT; i++)
		if (strcmp(ns_names[i], name) == 0)
			return i;
	return -1;
}

const struct nook_namespace *nook_spec_namespace(const struct nook_spec *spec,
                                                 enum nook_ns_type type)
{
	for (size_t i = 0; i < spec->linux.n_namespaces; i++)
		if (spec->linux.namespaces[i].type == type)
			return &spec->linux.namespaces[i];
	return NULL;
}
