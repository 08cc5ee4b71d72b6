/* Setting CPU affinity for process.execCPUAffinity and the init's reset
 * (see include/nook/cpu_affinity.h). sched_setaffinity(2) clamps the mask
 * to the CPUs the kernel supports and to the task's cgroup cpuset; a mask
 * with no CPU of the cpuset is EINVAL. */
#include "nook/cpu_affinity.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "nook/cleanup.h"

int nook_cpu_affinity_set(pid_t pid, const char *list, const char *what, struct nook_error *err)
{
	char why[160];
	autofree uint8_t *mask = NULL;
	size_t n_bytes;

	if (nook_cpu_list_parse(list, &mask, &n_bytes, why, sizeof(why)) < 0)
		return nook_fail(err, 0, "%s: %s", what, why);
	if (mask == NULL)
		return 0;
	size_t n_cpus = n_bytes * 8;
	cpu_set_t *set = CPU_ALLOC(n_cpus);
	if (set == NULL)
		return nook_fail(err, ENOMEM, "%s", what);
	size_t size = CPU_ALLOC_SIZE(n_cpus);
	CPU_ZERO_S(size, set);
	for (size_t cpu = 0; cpu < n_cpus; cpu++)
		if (mask[cpu / 8] & (1u << (cpu % 8)))
			CPU_SET_S(cpu, size, set);
	int rc = sched_setaffinity(pid, size, set);
	int saved = errno;
	CPU_FREE(set);
	if (rc < 0)
		return nook_fail(err, saved, "%s: sched_setaffinity to CPUs \"%s\"%s", what, list,
		                 saved == EINVAL ? " (none of them is online and in the "
		                                   "container's cpuset?)"
		                                 : "");
	return 0;
}

int nook_cpu_affinity_reset(pid_t pid, struct nook_error *err)
{
	/* All of NOOK_CPU_LIST_MAX: the kernel clamps to what it has, and a
	 * CPU added to the cpuset later is allowed too (as runc). */
	size_t size = CPU_ALLOC_SIZE(NOOK_CPU_LIST_MAX);
	cpu_set_t *set = CPU_ALLOC(NOOK_CPU_LIST_MAX);

	if (set == NULL)
		return nook_fail(err, ENOMEM, "reset the CPU affinity");
	memset(set, 0xff, size);
	int rc = sched_setaffinity(pid, size, set);
	int saved = errno;
	CPU_FREE(set);
	if (rc < 0)
		return nook_fail(err, saved, "reset the CPU affinity of pid %d", (int)pid);
	return 0;
}

bool nook_exec_cpu_affinity_has_initial(const struct nook_exec_cpu_affinity *a)
{
	return a->present && a->initial != NULL && a->initial[0] != '\0';
}

static bool has_final(const struct nook_exec_cpu_affinity *a)
{
	return a->present && a->final != NULL && a->final[0] != '\0';
}

int nook_exec_cpu_affinity_initial(pid_t pid, const struct nook_exec_cpu_affinity *a,
                                   struct nook_error *err)
{
	if (!nook_exec_cpu_affinity_has_initial(a))
		return 0;
	return nook_cpu_affinity_set(pid, a->initial, "process.execCPUAffinity.initial", err);
}

/* config.md: without final the runtime "SHOULD NOT change process' CPU
 * affinity after the process is moved to container's cgroup"; with neither,
 * runc and crun reset it, so the exec does not keep the runtime's. */
int nook_exec_cpu_affinity_final(pid_t pid, const struct nook_exec_cpu_affinity *a,
                                 struct nook_error *err)
{
	if (has_final(a))
		return nook_cpu_affinity_set(pid, a->final, "process.execCPUAffinity.final", err);
	if (nook_exec_cpu_affinity_has_initial(a))
		return 0;
	return nook_cpu_affinity_reset(pid, err);
}
