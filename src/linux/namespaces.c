/* Namespaces: new ones from clone flags, joined ones with setns(2).
 *
 * pid and time namespaces only apply to the children of the process that
 * enters them, so the runtime itself enters them (or, for a time namespace
 * with offsets, creates it and writes the offsets before anyone lives in it)
 * just before cloning the init, then returns to its own. */
#include "nook/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int nook_ns_new_flags(const struct nook_spec *spec)
{
	int flags = 0;

	for (size_t i = 0; i < spec->linux.n_namespaces; i++)
		if (spec->linux.namespaces[i].path == NULL)
			flags |= nook_ns_clone_flag(spec->linux.namespaces[i].type);
	return flags;
}

int nook_ns_open_path(const struct nook_spec *spec, size_t index, struct nook_error *err)
{
	const struct nook_namespace *ns = &spec->linux.namespaces[index];
	autoclose int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return nook_fail(err, errno, "linux.namespaces[%zu].path: open %s", index,
		                 ns->path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return nook_fail(err, errno, "linux.namespaces[%zu].path: %s is not a namespace",
		                 index, ns->path);
	if (type != nook_ns_clone_flag(ns->type))
		return nook_fail(err, 0, "linux.namespaces[%zu].path: %s is not a %s namespace",
		                 index, ns->path, nook_ns_type_name(ns->type));
	return nook_steal_fd(&fd);
}

static int join_one(const struct nook_spec *spec, size_t index, struct nook_error *err)
{
	const struct nook_namespace *ns = &spec->linux.namespaces[index];
	autoclose int fd = nook_ns_open_path(spec, index, err);

	if (fd < 0)
		return -1;
	if (setns(fd, nook_ns_clone_flag(ns->type)) < 0)
		return nook_fail(err, errno, "linux.namespaces[%zu]: join %s namespace %s", index,
		                 nook_ns_type_name(ns->type), ns->path);
	return 0;
}

/* The namespace behind `fd` is the one we are in (before any join: the
 * runtime's). */
static int is_own_ns(int fd, enum nook_ns_type type, struct nook_error *err)
{
	char own[64];
	struct stat a, b;

	snprintf(own, sizeof(own), "/proc/self/ns/%s", nook_ns_proc_name(type));
	if (fstat(fd, &a) < 0 || stat(own, &b) < 0)
		return nook_fail(err, errno, "compare a %s namespace with %s",
		                 nook_ns_type_name(type), own);
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Every path is opened before the first setns: they are paths of the
 * runtime's mount namespace (config-linux.md "Namespaces"), which a joined
 * mount namespace would hide. Then the user namespace first: it decides
 * what the others may do. */
static int join_open(const struct nook_spec *spec, const int *fds, struct nook_error *err)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < spec->linux.n_namespaces; i++) {
			const struct nook_namespace *ns = &spec->linux.namespaces[i];

			if (fds[i] < 0 || (pass == 0) != (ns->type == NOOK_NS_USER))
				continue;
			if (setns(fds[i], nook_ns_clone_flag(ns->type)) < 0)
				return nook_fail(err, errno,
				                 "linux.namespaces[%zu]: join %s namespace %s", i,
				                 nook_ns_type_name(ns->type), ns->path);
		}
	}
	return 0;
}

int nook_ns_join_paths(const struct nook_spec *spec, int skip, int foreign, struct nook_error *err)
{
	size_t n = spec->linux.n_namespaces;
	int fds[NOOK_NS_COUNT];
	int rc = 0;

	if (n > NOOK_NS_COUNT) /* the parser refuses duplicate types */
		return nook_fail(err, EINVAL, "linux.namespaces: more entries than types");
	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct nook_namespace *ns = &spec->linux.namespaces[i];
		int flag = nook_ns_clone_flag(ns->type);

		if (ns->path == NULL || (flag & skip))
			continue;
		fds[i] = nook_ns_open_path(spec, i, err);
		if (fds[i] < 0) {
			rc = -1;
			break;
		}
		if (!(flag & foreign))
			continue;
		int own = is_own_ns(fds[i], ns->type, err);
		if (own != 0)
			rc = own < 0 ? -1
			             : nook_fail(err, 0,
			                         "linux.namespaces[%zu].path: %s is now the "
			                         "runtime's own %s namespace",
			                         i, ns->path, nook_ns_type_name(ns->type));
	}
	if (rc == 0)
		rc = join_open(spec, fds, err);
	close_all(fds, n);
	return rc;
}

int nook_ns_write_map(pid_t pid, const char *file, const struct nook_id_mapping *maps, size_t n,
                      const char *json_path, struct nook_error *err)
{
	char path[64];
	char buf[4096];
	size_t len = 0;
	autoclose int fd = -1;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", maps[i].container_id,
		                 maps[i].host_id, maps[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return nook_fail(err, 0, "%s: too many mappings", json_path);
		len += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nook_fail(err, errno, "%s: open %s", json_path, path);
	if (write(fd, buf, len) != (ssize_t)len)
		return nook_fail(err, errno, "%s: write %s (\"%.*s\")", json_path, path,
		                 (int)strcspn(buf, "\n"), buf);
	return 0;
}

int nook_ns_write_id_maps(const struct nook_spec *spec, pid_t pid, struct nook_error *err)
{
	if (nook_ns_write_map(pid, "uid_map", spec->linux.uid_mappings, spec->linux.n_uid_mappings,
	                      "linux.uidMappings", err) < 0)
		return -1;
	return nook_ns_write_map(pid, "gid_map", spec->linux.gid_mappings,
	                         spec->linux.n_gid_mappings, "linux.gidMappings", err);
}

int nook_ns_loopback_up(struct nook_error *err)
{
	autoclose int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};

	if (sock < 0)
		return nook_fail(err, errno, "network namespace: socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return nook_fail(err, errno, "network namespace: get flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return nook_fail(err, errno, "network namespace: bring lo up");
	return 0;
}

int nook_ns_set_uts(const struct nook_spec *spec, struct nook_error *err)
{
	if (spec->hostname != NULL && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return nook_fail(err, errno, "hostname: set \"%s\"", spec->hostname);
	if (spec->domainname != NULL &&
	    setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return nook_fail(err, errno, "domainname: set \"%s\"", spec->domainname);
	return 0;
}

static int write_time_offsets(const struct nook_spec *spec, struct nook_error *err)
{
	const struct nook_time_offset *offs[2] = {&spec->linux.time_monotonic,
	                                          &spec->linux.time_boottime};
	const char *names[2] = {"monotonic", "boottime"};
	autoclose int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return nook_fail(err, errno, "linux.timeOffsets: open /proc/self/timens_offsets");
	for (int i = 0; i < 2; i++) {
		char line[96];
		int len;

		if (!offs[i]->present)
			continue;
		len = snprintf(line, sizeof(line), "%s %lld %u\n", names[i],
		               (long long)offs[i]->secs, offs[i]->nanosecs);
		if (write(fd, line, (size_t)len) != len)
			return nook_fail(err, errno, "linux.timeOffsets.%s: write offset",
			                 names[i]);
	}
	return 0;
}

static int save_own_ns(const char *name, int *fd, struct nook_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return nook_fail(err, errno, "open %s", path);
	return 0;
}

/* A new user namespace and a network, ipc, uts or cgroup namespace given by
 * path: join that one here, before the clone makes the user namespace (see
 * struct nook_ns_saved). */
static bool joined_before_userns(const struct nook_spec *spec, const struct nook_namespace *ns)
{
	const struct nook_namespace *user = nook_spec_namespace(spec, NOOK_NS_USER);

	if (user == NULL || user->path != NULL || ns->path == NULL)
		return false;
	return ns->type == NOOK_NS_NETWORK || ns->type == NOOK_NS_IPC || ns->type == NOOK_NS_UTS ||
	       ns->type == NOOK_NS_CGROUP;
}

static int join_for_userns_child(const struct nook_spec *spec, size_t index, int foreign,
                                 struct nook_ns_saved *saved, struct nook_error *err)
{
	const struct nook_namespace *ns = &spec->linux.namespaces[index];
	int flag = nook_ns_clone_flag(ns->type);
	autoclose int fd = nook_ns_open_path(spec, index, err);

	if (fd < 0)
		return -1;
	if (flag & foreign) {
		int own = is_own_ns(fd, ns->type, err);
		if (own != 0)
			return own < 0 ? -1
			               : nook_fail(err, 0,
			                           "linux.namespaces[%zu].path: %s is now the "
			                           "runtime's own %s namespace",
			                           index, ns->path, nook_ns_type_name(ns->type));
	}
	if (save_own_ns(nook_ns_proc_name(ns->type), &saved->own_fds[ns->type], err) < 0)
		return -1;
	if (setns(fd, flag) < 0)
		return nook_fail(err, errno, "linux.namespaces[%zu]: join %s namespace %s", index,
		                 nook_ns_type_name(ns->type), ns->path);
	saved->joined_flags |= flag;
	return 0;
}

static void saved_clear(struct nook_ns_saved *saved)
{
	saved->pid_fd = -1;
	saved->time_fd = -1;
	saved->joined_flags = 0;
	for (size_t i = 0; i < NOOK_NS_COUNT; i++)
		saved->own_fds[i] = -1;
}

int nook_ns_prepare_for_children(const struct nook_spec *spec, int foreign,
                                 struct nook_ns_saved *saved, int *clone_flags,
                                 struct nook_error *err)
{
	saved_clear(saved);
	for (size_t i = 0; i < spec->linux.n_namespaces; i++)
		if (joined_before_userns(spec, &spec->linux.namespaces[i]) &&
		    join_for_userns_child(spec, i, foreign, saved, err) < 0)
			return -1;
	for (size_t i = 0; i < spec->linux.n_namespaces; i++) {
		const struct nook_namespace *ns = &spec->linux.namespaces[i];

		if (ns->type != NOOK_NS_PID && ns->type != NOOK_NS_TIME)
			continue;
		bool is_pid = ns->type == NOOK_NS_PID;
		int *slot = is_pid ? &saved->pid_fd : &saved->time_fd;
		if (save_own_ns(nook_ns_proc_name(ns->type), slot, err) < 0)
			return -1;
		if (ns->path != NULL) {
			if (join_one(spec, i, err) < 0)
				return -1;
			continue;
		}
		if (is_pid)
			continue; /* a new pid namespace comes from the clone flag */
		/* A new time namespace: make it here so the offsets can be written
		 * before its first member (the init) exists. */
		if (unshare(CLONE_NEWTIME) < 0)
			return nook_fail(err, errno, "linux.namespaces[%zu]: new time namespace",
			                 i);
		if (write_time_offsets(spec, err) < 0)
			return -1;
		*clone_flags &= ~CLONE_NEWTIME;
	}
	return 0;
}

int nook_ns_enter_for_children_of(int pidfd, int flags, struct nook_ns_saved *saved,
                                  struct nook_error *err)
{
	saved_clear(saved);
	if (flags & CLONE_NEWPID) {
		if (save_own_ns("pid", &saved->pid_fd, err) < 0)
			return -1;
		if (setns(pidfd, CLONE_NEWPID) < 0)
			return nook_fail(err, errno, "join the container's pid namespace");
	}
	if (flags & CLONE_NEWTIME) {
		if (save_own_ns("time", &saved->time_fd, err) < 0)
			return -1;
		if (setns(pidfd, CLONE_NEWTIME) < 0)
			return nook_fail(err, errno, "join the container's time namespace");
	}
	return 0;
}

int nook_ns_restore_for_children(struct nook_ns_saved *saved, struct nook_error *err)
{
	int rc = 0;

	if (saved->pid_fd >= 0) {
		if (setns(saved->pid_fd, CLONE_NEWPID) < 0)
			rc = nook_fail(err, errno, "return to the runtime's pid namespace");
		close(saved->pid_fd);
		saved->pid_fd = -1;
	}
	if (saved->time_fd >= 0) {
		if (setns(saved->time_fd, CLONE_NEWTIME) < 0 && rc == 0)
			rc = nook_fail(err, errno, "return to the runtime's time namespace");
		close(saved->time_fd);
		saved->time_fd = -1;
	}
	for (int type = 0; type < NOOK_NS_COUNT; type++) {
		if (saved->own_fds[type] < 0)
			continue;
		if (setns(saved->own_fds[type], 0) < 0 && rc == 0)
			rc = nook_fail(err, errno, "return to the runtime's %s namespace",
			               nook_ns_proc_name((enum nook_ns_type)type));
		close(saved->own_fds[type]);
		saved->own_fds[type] = -1;
	}
	return rc;
}

int nook_ns_of_process(pid_t pid, int *flags, struct nook_error *err)
{
	*flags = 0;
	for (int t = 0; t < NOOK_NS_COUNT; t++) {
		const char *name = nook_ns_proc_name((enum nook_ns_type)t);
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", name);
		if (stat(theirs, &a) < 0) {
			/* Every kernel has pid namespaces: the process is gone. */
			if (errno == ENOENT && t != NOOK_NS_PID)
				continue; /* a kernel without this kind */
			return nook_fail(err, errno, "stat %s", theirs);
		}
		if (stat(ours, &b) < 0)
			return nook_fail(err, errno, "stat %s", ours);
		if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			*flags |= nook_ns_clone_flag((enum nook_ns_type)t);
	}
	return 0;
}
