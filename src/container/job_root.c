/* The job's ephemeral root (issue 14, point 1). `nook job` enters a mount
 * namespace of its own before it mounts anything, so that the scratch
 * tmpfs and the overlay exist only there and in the container's namespace
 * copied from it: when both are gone (the job ended, or nook job was
 * killed), the kernel drops the mounts, and no other command has to. */
#include "container/job_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/userns.h"

static int make_dir(const char *path, struct nook_error *err)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return nook_fail(err, errno, "create %s", path);
	return 0;
}

static int mount_overlay(const struct nook_job_opts *o, struct job_root *r, struct nook_error *err)
{
	char upper[PATH_MAX], work[PATH_MAX], data[3 * PATH_MAX + 64];
	const char *base = o->upper != NULL ? o->upper : r->scratch;

	/* overlayfs wants its work directory on the upper layer's file
	 * system, beside (not inside) the upper directory. */
	snprintf(upper, sizeof(upper), "%s/upper", base);
	snprintf(work, sizeof(work), "%s/work", base);
	if ((o->upper != NULL && make_dir(o->upper, err) < 0) || make_dir(upper, err) < 0 ||
	    make_dir(work, err) < 0)
		return -1;
	snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s,workdir=%s", o->rootfs, upper, work);
	if (mount("overlay", r->merged, "overlay", 0, data) < 0)
		return nook_fail(err, errno, "mount an overlay of --rootfs %s (upper %s)",
		                 o->rootfs, upper);
	return 0;
}

bool job_rootless(void)
{
	return nook_rootless_decide(NULL); /* the default, whatever --rootless says */
}

static int write_self(const char *file, const char *text, struct nook_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return nook_fail(err, errno, "rootless job: write \"%.*s\" to %s",
		                 (int)strcspn(text, "\n"), text, path);
	return 0;
}

/* The single mapping of the caller's own ids, which an unprivileged process
 * may write for itself (user_namespaces(7); setgroups "deny" first). */
static int map_own_ids(uid_t uid, gid_t gid, struct nook_error *err)
{
	char map[64];

	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_self("uid_map", map, err) < 0 || write_self("setgroups", "deny", err) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_self("gid_map", map, err);
}

/* The whole mapping, as for a rootless container (issue 12): 0 the caller,
 * 1..N the caller's ranges of /etc/subuid and /etc/subgid, when both grant
 * one and newuidmap/newgidmap are there (nook_id_maps_check). Then the
 * job can have other users (--user) and a root made by `mmdebstrap
 * --mode=unshare` has its owners. */
static bool full_mapping(struct nook_spec *spec, struct nook_id_mapping u[2],
                         struct nook_id_mapping g[2])
{
	uint32_t us, uc, gs, gc;
	struct nook_error ignored;

	if (nook_subid_range("/etc/subuid", &us, &uc) < 0 ||
	    nook_subid_range("/etc/subgid", &gs, &gc) < 0)
		return false;
	u[0] = (struct nook_id_mapping){0, (uint32_t)geteuid(), 1};
	u[1] = (struct nook_id_mapping){1, us, uc};
	g[0] = (struct nook_id_mapping){0, (uint32_t)getegid(), 1};
	g[1] = (struct nook_id_mapping){1, gs, gc};
	spec->linux.uid_mappings = u;
	spec->linux.n_uid_mappings = 2;
	spec->linux.gid_mappings = g;
	spec->linux.n_gid_mappings = 2;
	return nook_id_maps_check(spec, &ignored) == 0;
}

/* newuidmap must run from outside the new user namespace: a process forked
 * before unshare writes the maps of nook job (its parent) once told, and
 * sends back an error's text. */
static int enter_userns_mapped_by_helpers(const struct nook_spec *spec, struct nook_error *err)
{
	int go[2] = {-1, -1}, back[2] = {-1, -1};

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(back, O_CLOEXEC) < 0) {
		int e = errno;
		close(go[0]), close(go[1]);
		return nook_fail(err, e, "rootless job: pipe");
	}
	autoclose int go_read = go[0], go_write = go[1];
	autoclose int back_read = back[0], back_write = back[1];
	pid_t mapper = fork();
	if (mapper < 0)
		return nook_fail(err, errno, "rootless job: fork the id mapper");
	if (mapper == 0) {
		struct nook_error e;
		char text[NOOK_ERROR_MSG_MAX + 64];
		char c;
		close(go_write);
		if (read(go_read, &c, 1) != 1)
			_exit(1); /* the unshare failed */
		if (nook_ns_write_id_maps(spec, getppid(), &e) == 0)
			_exit(0);
		const char *t = nook_error_text(&e, text, sizeof(text));
		if (write(back_write, t, strlen(t)) < 0)
			_exit(2);
		_exit(1);
	}
	close(back_write), back_write = -1;
	int rc = unshare(CLONE_NEWUSER);
	int saved = errno;
	if (rc == 0 && write(go_write, "m", 1) != 1)
		saved = errno, rc = -1;
	close(go_write), go_write = -1; /* after a failed unshare: EOF, the mapper ends */
	char msg[NOOK_ERROR_MSG_MAX + 64] = "";
	ssize_t n = read(back_read, msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	int status = 0;
	while (waitpid(mapper, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return nook_fail(err, saved, "rootless job: unshare a user namespace");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return nook_fail(err, 0, "rootless job: map the ids of its user namespace: %s",
		                 msg[0] != '\0' ? msg : "the mapper failed");
	return 0;
}

/* An unprivileged caller: nook job itself enters a user namespace that maps
 * it to 0 (with the caller's subordinate ids where it has them, else its
 * own ids alone). From there on it is uid 0 of a user namespace, as a
 * runtime under rootless podman is: it may mount a tmpfs and an overlay
 * (Linux 5.11+) in a mount namespace of that user namespace, and create
 * makes the container without a user namespace of its own, binding the
 * devices. */
static int enter_own_userns(struct nook_error *err)
{
	struct nook_spec spec = {0};
	struct nook_id_mapping u[2], g[2];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (full_mapping(&spec, u, g))
		return enter_userns_mapped_by_helpers(&spec, err);
	if (unshare(CLONE_NEWUSER) < 0)
		return nook_fail(err, errno, "rootless job: unshare a user namespace");
	return map_own_ids(uid, gid, err);
}

int job_root_make(const struct nook_job_opts *o, struct job_root *r, struct nook_error *err)
{
	char data[64] = "mode=0700";

	snprintf(r->bundle, sizeof(r->bundle), "%s/bundle", r->scratch);
	snprintf(r->merged, sizeof(r->merged), "%s/root", r->scratch);
	if (geteuid() != 0 && enter_own_userns(err) < 0)
		return -1;
	if (unshare(CLONE_NEWNS) < 0)
		return nook_fail(err, errno, "unshare a mount namespace for the job");
	/* What we mount from here on never reaches the host's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return nook_fail(err, errno, "make the job's mount namespace a slave");
	if (o->disk > 0)
		snprintf(data, sizeof(data), "mode=0700,size=%lld", (long long)o->disk);
	if (mount("tmpfs", r->scratch, "tmpfs", MS_NOSUID | MS_NODEV, data) < 0)
		return nook_fail(err, errno, "mount the job's tmpfs on %s", r->scratch);
	r->mounted = true;
	if (make_dir(r->bundle, err) < 0 || make_dir(r->merged, err) < 0)
		return -1;
	if (o->rootfs != NULL)
		return mount_overlay(o, r, err);
	/* The host's root; the config makes it read-only (root.readonly). */
	if (mount("/", r->merged, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nook_fail(err, errno, "bind the host's / on %s", r->merged);
	return 0;
}

void job_root_remove(const char *scratch)
{
	umount2(scratch, MNT_DETACH); /* in the host's namespace: not mounted */
	rmdir(scratch);
}

void job_root_drop_work(const char *upper)
{
	char work[PATH_MAX + 16];

	/* overlayfs keeps a shared whiteout ("#<hex>", a 0:0 device) and
	 * leftovers of interrupted copy-ups in work/work: files only. */
	snprintf(work, sizeof(work), "%s/work/work", upper);
	DIR *d = opendir(work);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
			    unlinkat(dirfd(d), e->d_name, 0) < 0 && errno == EISDIR)
				unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		closedir(d);
	}
	rmdir(work);
	snprintf(work, sizeof(work), "%s/work", upper);
	rmdir(work);
}
