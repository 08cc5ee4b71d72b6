/* linux.uidMappings / gidMappings of a new user namespace (nook/userns.h).
 *
 * A privileged runtime writes /proc/<pid>/uid_map and gid_map itself. An
 * unprivileged one may write there only a single mapping of its own euid
 * (and of its own egid after "deny" in /proc/<pid>/setgroups:
 * user_namespaces(7)); anything more goes through the setuid helpers
 * newuidmap / newgidmap of Debian's uidmap package, which allow the ranges
 * /etc/subuid and /etc/subgid grant the caller, as runc and crun do. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/userns.h"

/* One of the two maps: uid or gid. */
struct map_kind {
	const char *json;   /* "linux.uidMappings" */
	const char *file;   /* "uid_map" */
	const char *helper; /* "newuidmap" */
	const char *subids; /* "/etc/subuid" */
	unsigned own;       /* the caller's euid / egid */
	const struct nook_id_mapping *maps;
	size_t n;
};

static void kinds(const struct nook_spec *spec, struct map_kind k[2])
{
	k[0] = (struct map_kind){"linux.uidMappings",
	                         "uid_map",
	                         "newuidmap",
	                         "/etc/subuid",
	                         geteuid(),
	                         spec->linux.uid_mappings,
	                         spec->linux.n_uid_mappings};
	k[1] = (struct map_kind){"linux.gidMappings",
	                         "gid_map",
	                         "newgidmap",
	                         "/etc/subgid",
	                         getegid(),
	                         spec->linux.gid_mappings,
	                         spec->linux.n_gid_mappings};
}

enum how { MAP_NONE, MAP_DIRECT, MAP_OWN_ID, MAP_HELPER };

static enum how how_to_map(const struct map_kind *k)
{
	if (k->n == 0)
		return MAP_NONE;
	if (geteuid() == 0)
		return MAP_DIRECT;
	if (k->n == 1 && k->maps[0].size == 1 && k->maps[0].host_id == k->own)
		return MAP_OWN_ID;
	return MAP_HELPER;
}

/* The helper's path in $PATH (as runc's exec.LookPath), or -1. */
static int find_helper(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path != '\0') {
		size_t len = strcspn(path, ":");
		if (len > 0 &&
		    (size_t)snprintf(out, size, "%.*s/%s", (int)len, path, name) < size &&
		    access(out, X_OK) == 0)
			return 0;
		path += len;
		if (*path == ':')
			path++;
	}
	return -1;
}

/* The ranges `file` (/etc/subuid, /etc/subgid) grants the caller, by name
 * or by number: up to `max` into `out`; their number, or -1 when the file
 * cannot be read. */
struct subid_range {
	unsigned long long start, count;
};

static int caller_ranges(const char *file, struct subid_range *out, int max)
{
	autofclose FILE *f = fopen(file, "re");
	struct passwd *pw = getpwuid(geteuid());
	char number[32];
	char line[512];
	int n = 0;

	if (f == NULL)
		return -1;
	snprintf(number, sizeof(number), "%u", (unsigned)geteuid());
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char *owner = strtok(line, ":\n");
		char *first = strtok(NULL, ":\n");
		char *len = strtok(NULL, ":\n");
		if (owner == NULL || first == NULL || len == NULL)
			continue;
		if (strcmp(owner, number) != 0 && (pw == NULL || strcmp(owner, pw->pw_name) != 0))
			continue;
		out[n++] = (struct subid_range){strtoull(first, NULL, 10), strtoull(len, NULL, 10)};
	}
	return n;
}

/* Is [start, start+count) inside a range /etc/subuid (subgid) grants the
 * caller? 1 yes, 0 no, -1 the file cannot be read. */
static int granted(const struct map_kind *k, unsigned long long start, unsigned long long count)
{
	struct subid_range r[64];
	int n = caller_ranges(k->subids, r, 64);

	for (int i = 0; i < n; i++)
		if (start >= r[i].start && start + count <= r[i].start + r[i].count)
			return 1;
	return n < 0 ? -1 : 0;
}

int nook_subid_range(const char *file, uint32_t *start, uint32_t *count)
{
	struct subid_range r[64];
	int n = caller_ranges(file, r, 64);

	for (int i = 0; i < n; i++) {
		if (r[i].count == 0 || r[i].start + r[i].count > UINT32_MAX)
			continue;
		*start = (uint32_t)r[i].start;
		*count = (uint32_t)r[i].count;
		return 0;
	}
	return -1;
}

/* Is [start, start+count) mapped in the runtime's own user namespace (the
 * first column of /proc/self/uid_map)? 1 yes, 0 no, -1 unreadable. */
static int mapped_here(const struct map_kind *k, unsigned long long start, unsigned long long count)
{
	char path[32];
	char line[128];
	unsigned long long cur = start, end = start + count;
	bool moved = true;

	snprintf(path, sizeof(path), "/proc/self/%s", k->file);
	while (cur < end && moved) {
		autofclose FILE *f = fopen(path, "re");
		if (f == NULL)
			return -1;
		moved = false;
		while (fgets(line, sizeof(line), f) != NULL) {
			unsigned long long in, out, n;
			if (sscanf(line, "%llu %llu %llu", &in, &out, &n) == 3 && cur >= in &&
			    cur < in + n) {
				cur = in + n;
				moved = true;
				break;
			}
		}
	}
	return cur >= end;
}

/* uid 0 of a user namespace that is not the initial one (rootless podman,
 * `unshare --map-root-user`) writes the maps itself, but the kernel takes
 * only ids mapped in that namespace: say which are not, before anything is
 * made (crun's peer suite found a bare "write .../uid_map: Operation not
 * permitted" after the clone). */
static int check_direct(const struct map_kind *k, struct nook_error *err)
{
	if (how_to_map(k) != MAP_DIRECT || nook_in_initial_userns())
		return 0;
	for (size_t i = 0; i < k->n; i++) {
		const struct nook_id_mapping *m = &k->maps[i];
		int ok = mapped_here(k, m->host_id, m->size);
		if (ok < 0)
			return nook_fail(err, errno, "%s[%zu]: read /proc/self/%s", k->json, i,
			                 k->file);
		if (ok == 0)
			return nook_fail(err, 0,
			                 "%s[%zu]: host ids %u-%llu are not all mapped in the "
			                 "runtime's own user namespace (see /proc/self/%s): "
			                 "only those can be mapped into the container",
			                 k->json, i, m->host_id,
			                 (unsigned long long)m->host_id + m->size - 1, k->file);
	}
	return 0;
}

static int check_kind(const struct map_kind *k, struct nook_error *err)
{
	char path[PATH_MAX];

	if (check_direct(k, err) < 0)
		return -1;
	if (how_to_map(k) != MAP_HELPER)
		return 0;
	if (find_helper(k->helper, path, sizeof(path)) < 0)
		return nook_fail(
		    err, 0,
		    "%s: mapping more than the caller's own id (%u) needs %s, which is "
		    "not in $PATH: install it (Debian package uidmap)",
		    k->json, k->own, k->helper);
	for (size_t i = 0; i < k->n; i++) {
		const struct nook_id_mapping *m = &k->maps[i];
		if (m->size == 1 && m->host_id == k->own)
			continue;
		int ok = granted(k, m->host_id, m->size);
		if (ok < 0)
			return nook_fail(err, errno, "%s[%zu]: read %s", k->json, i, k->subids);
		if (ok == 0)
			return nook_fail(
			    err, 0,
			    "%s[%zu]: host ids %u-%llu are not granted to uid %u by %s "
			    "(add a range for the user there, or map only the "
			    "caller's own id)",
			    k->json, i, m->host_id, (unsigned long long)m->host_id + m->size - 1,
			    (unsigned)geteuid(), k->subids);
	}
	return 0;
}

int nook_id_maps_check(const struct nook_spec *spec, struct nook_error *err)
{
	struct map_kind k[2];

	kinds(spec, k);
	return check_kind(&k[0], err) < 0 || check_kind(&k[1], err) < 0 ? -1 : 0;
}

static int write_proc(pid_t pid, const char *file, const char *buf, size_t len,
                      const char *json_path, struct nook_error *err)
{
	char path[64];
	autoclose int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nook_fail(err, errno, "%s: open %s", json_path, path);
	if (write(fd, buf, len) != (ssize_t)len)
		return nook_fail(err, errno, "%s: write %s (\"%.*s\")", json_path, path,
		                 (int)strcspn(buf, "\n"), buf);
	return 0;
}

int nook_ns_write_map(pid_t pid, const char *file, const struct nook_id_mapping *maps, size_t n,
                      const char *json_path, struct nook_error *err)
{
	char buf[4096];
	size_t len = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", maps[i].container_id,
		                 maps[i].host_id, maps[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return nook_fail(err, 0, "%s: too many mappings", json_path);
		len += (size_t)w;
	}
	return write_proc(pid, file, buf, len, json_path, err);
}

static int write_direct(pid_t pid, const struct map_kind *k, struct nook_error *err)
{
	return nook_ns_write_map(pid, k->file, k->maps, k->n, k->json, err);
}

/* Run `helper PID C H S ...`; its stderr becomes the error. */
static int run_helper(pid_t pid, const struct map_kind *k, struct nook_error *err)
{
	char path[PATH_MAX];
	char(*nums)[24] = calloc(1 + 3 * k->n, sizeof(*nums));
	autofree char **argv = calloc(3 + 3 * k->n, sizeof(*argv));
	int pipefd[2];

	if (nums == NULL || argv == NULL) {
		free(nums);
		return nook_fail(err, ENOMEM, "%s", k->json);
	}
	if (find_helper(k->helper, path, sizeof(path)) < 0) {
		free(nums);
		return nook_fail(err, ENOENT, "%s: %s", k->json, k->helper);
	}
	argv[0] = (char *)k->helper;
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)pid);
	argv[1] = nums[0];
	for (size_t i = 0; i < k->n; i++) {
		unsigned v[3] = {k->maps[i].container_id, k->maps[i].host_id, k->maps[i].size};
		for (int j = 0; j < 3; j++) {
			snprintf(nums[1 + 3 * i + j], sizeof(nums[0]), "%u", v[j]);
			argv[2 + 3 * i + j] = nums[1 + 3 * i + j];
		}
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		free(nums);
		return nook_fail(err, errno, "%s: pipe for %s", k->json, k->helper);
	}
	pid_t child = fork();
	if (child == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execv(path, argv);
		dprintf(STDERR_FILENO, "exec %s: %s", path, strerror(errno));
		_exit(127);
	}
	int saved = errno;
	free(nums);
	close(pipefd[1]);
	autoclose int out = pipefd[0];
	if (child < 0)
		return nook_fail(err, saved, "%s: fork for %s", k->json, k->helper);
	char msg[512] = "";
	size_t got = 0;
	ssize_t r;
	while (got < sizeof(msg) - 1 && (r = read(out, msg + got, sizeof(msg) - 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
	}
	msg[got] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return nook_fail(err, errno, "%s: wait for %s", k->json, k->helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return nook_fail(err, 0, "%s: %s %d failed (status %d): %s", k->json, path,
		                 (int)pid,
		                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		                 msg[0] != '\0' ? msg : "no message");
	return 0;
}

static int write_kind(pid_t pid, const struct map_kind *k, bool gid, struct nook_error *err)
{
	switch (how_to_map(k)) {
	case MAP_NONE:
		return 0;
	case MAP_DIRECT:
		return write_direct(pid, k, err);
	case MAP_OWN_ID:
		/* user_namespaces(7): an unprivileged gid_map needs setgroups
		 * "deny" first (the container cannot then call setgroups). */
		if (gid && write_proc(pid, "setgroups", "deny", 4, k->json, err) < 0)
			return -1;
		return write_direct(pid, k, err);
	case MAP_HELPER:
		return run_helper(pid, k, err);
	}
	return 0;
}

int nook_ns_write_id_maps(const struct nook_spec *spec, pid_t pid, struct nook_error *err)
{
	struct map_kind k[2];

	kinds(spec, k);
	if (write_kind(pid, &k[0], false, err) < 0)
		return -1;
	return write_kind(pid, &k[1], true, err);
}
