/* Namespace types: one table of their names (config.json's, /proc's) and
 * clone flags, looked up both ways. */
#include <sched.h>
#include <string.h>

#include "json.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;      /* linux.namespaces[].type (config-linux.md) */
	const char *proc_name; /* its file in /proc/<pid>/ns */
	int clone_flag;        /* CLONE_NEW* */
} ns_types[NOOK_NS_COUNT] = {
    [NOOK_NS_PID] = {"pid", "pid", CLONE_NEWPID},
    [NOOK_NS_NETWORK] = {"network", "net", CLONE_NEWNET},
    [NOOK_NS_MOUNT] = {"mount", "mnt", CLONE_NEWNS},
    [NOOK_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
    [NOOK_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
    [NOOK_NS_USER] = {"user", "user", CLONE_NEWUSER},
    [NOOK_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
    [NOOK_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *nook_ns_type_name(enum nook_ns_type type)
{
	if ((unsigned)type >= NOOK_NS_COUNT)
		return "unknown";
	return ns_types[type].name;
}

const char *nook_ns_proc_name(enum nook_ns_type type)
{
	if ((unsigned)type >= NOOK_NS_COUNT)
		return "unknown";
	return ns_types[type].proc_name;
}

int nook_ns_clone_flag(enum nook_ns_type type)
{
	if ((unsigned)type >= NOOK_NS_COUNT)
		return 0;
	return ns_types[type].clone_flag;
}

int spec_ns_type(const char *name)
{
	for (int i = 0; i < NOOK_NS_COUNT; i++)
		if (strcmp(ns_types[i].name, name) == 0)
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
