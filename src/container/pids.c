/* The processes of a container: those of its cgroup; for a container
 * without one (made by an older nook), those of its pid namespace, or just
 * the init when it shares the host's. */
#include "nook/container.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool same_link(const char *a, const char *b)
{
	char la[64], lb[64];
	ssize_t na = readlink(a, la, sizeof(la) - 1);
	ssize_t nb = readlink(b, lb, sizeof(lb) - 1);

	return na > 0 && na == nb && memcmp(la, lb, (size_t)na) == 0;
}

int nook_container_pids(struct nook_container *c, pid_t **pids, size_t *n, struct nook_error *err)
{
	char init_ns[64], self_ns[] = "/proc/self/ns/pid";
	size_t cap = 16;
	DIR *proc;
	struct dirent *e;

	if (c->have_cgroup)
		return nook_cgroup_pids(&c->cgroup, pids, n, err);
	*n = 0;
	*pids = malloc(cap * sizeof(**pids));
	if (*pids == NULL)
		return nook_fail(err, ENOMEM, "list processes");
	if (!nook_container_init_alive(c))
		return 0;
	snprintf(init_ns, sizeof(init_ns), "/proc/%d/ns/pid", (int)c->pid);
	if (same_link(init_ns, self_ns)) {
		(*pids)[(*n)++] = c->pid;
		return 0;
	}
	proc = opendir("/proc");
	if (proc == NULL)
		return nook_fail(err, errno, "open /proc");
	while ((e = readdir(proc)) != NULL) {
		char path[64];
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end != '\0' || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (!same_link(path, init_ns))
			continue;
		if (*n == cap) {
			pid_t *grown = realloc(*pids, 2 * cap * sizeof(**pids));
			if (grown == NULL) {
				closedir(proc);
				return nook_fail(err, ENOMEM, "list processes");
			}
			*pids = grown;
			cap *= 2;
		}
		(*pids)[(*n)++] = (pid_t)pid;
	}
	closedir(proc);
	return 0;
}
