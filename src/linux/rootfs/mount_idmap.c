/* Id-mapped bind mounts (config.md "Mounts": uidMappings, gidMappings, the
 * "idmap" and "ridmap" options), made by the runtime for the init.
 *
 * mount_setattr(MOUNT_ATTR_IDMAP) asks for CAP_SYS_ADMIN over the user
 * namespace that carries the mapping and over the filesystem's own (the
 * host's): an init in the container's user namespace has neither. So the
 * runtime, host root, makes the mount, as runc does (mountFd, run in the
 * container's mount namespace by goCreateMountSources): a helper process
 * joins the init's mount namespace (open_tree(2) clones only a mount of the
 * caller's namespace), clones the source (OPEN_TREE_CLONE, with
 * AT_RECURSIVE for rbind), sets the mapping (AT_RECURSIVE for "ridmap": on
 * every mount of the clone; "idmap": on its top mount only) and hands the
 * detached mount back. It travels to the init as the bind source
 * (mount_sources.c), and the init sets the options on it and moves it onto
 * its destination (mount_bind() in mounts.c).
 *
 * The mapping: the mount's own uidMappings/gidMappings, in a user namespace
 * made for them (a child cloned into a new one, its maps written, its
 * namespace file kept, the child gone), as runc's userns.Handles; without
 * them, the container's user namespace (the init's). The support check
 * (src/spec/support.c) has refused an id-mapped mount that is not a bind,
 * and "idmap" without mappings or a user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/clone.h"
#include "nook/namespaces.h"
#include "nook/sync.h"
#include "nook/userns.h"
#include "linux/rootfs/steps.h"

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* A user namespace with the mount's mappings: its namespace file. */
static int userns_of(const struct nook_mount *m, size_t idx, struct nook_error *err)
{
	int hold[2];
	char path[64], what_u[64], what_g[64];
	bool into;
	int fd = -1;

	if (pipe2(hold, O_CLOEXEC) < 0)
		return nook_fail(err, errno, "mounts[%zu]: pipe", idx);
	pid_t pid = nook_clone(CLONE_NEWUSER, -1, &into);
	if (pid == 0) {
		/* Waits, mapped, until the runtime has the namespace open. */
		char c;
		close(hold[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	int clone_errno = errno;
	close(hold[0]);
	if (pid < 0) {
		close(hold[1]);
		return nook_fail(err, clone_errno,
		                 "mounts[%zu]: make a user namespace for the mount's mappings",
		                 idx);
	}
	snprintf(what_u, sizeof(what_u), "mounts[%zu].uidMappings", idx);
	snprintf(what_g, sizeof(what_g), "mounts[%zu].gidMappings", idx);
	if (nook_ns_write_map(pid, "uid_map", m->uid_mappings, m->n_uid_mappings, what_u, err) ==
	        0 &&
	    nook_ns_write_map(pid, "gid_map", m->gid_mappings, m->n_gid_mappings, what_g, err) ==
	        0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			nook_fail(err, errno, "mounts[%zu]: open %s", idx, path);
	}
	close(hold[1]);
	reap(pid);
	return fd;
}

/* In the helper, in the init's mount namespace: the detached, id-mapped
 * clone of `src_fd`, or -1 with err. */
static int clone_mapped(int src_fd, int userns, const struct nook_mount *m, size_t idx,
                        const char *src, bool rbind, enum nook_idmap kind, struct nook_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	int tree = open_tree(src_fd, "",
	                     AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
	                         (rbind ? AT_RECURSIVE : 0));

	if (tree < 0)
		return nook_fail(err, errno, "mounts[%zu]: bind %s on %s: clone the source", idx,
		                 src, m->destination);
	if (mount_setattr(tree, "",
	                  AT_EMPTY_PATH | (kind == NOOK_IDMAP_RECURSIVE ? AT_RECURSIVE : 0), &attr,
	                  sizeof(attr)) == 0)
		return tree;
	int e = errno;
	close(tree);
	/* EINVAL: a filesystem without FS_ALLOW_IDMAP (or, for ridmap, a
	 * mount under the source on one), or a mapping the filesystem has
	 * already. */
	if (e == EINVAL)
		return nook_fail(err, e,
		                 "mounts[%zu] (destination %s): id-map %s: its filesystem does not "
		                 "support id-mapped mounts%s (mount_setattr MOUNT_ATTR_IDMAP)",
		                 idx, m->destination, src,
		                 kind == NOOK_IDMAP_RECURSIVE ? ", or one mounted below it does not"
		                                              : "");
	return nook_fail(err, e,
	                 "mounts[%zu] (destination %s): id-map %s (mount_setattr MOUNT_ATTR_IDMAP)",
	                 idx, m->destination, src);
}

int nook_idmap_tree(pid_t init_pid, int src_fd, const struct nook_mount *m, size_t idx,
                    const char *src, bool rbind, struct nook_error *err)
{
	enum nook_idmap kind = nook_spec_mount_idmap(m);
	autoclose int userns = -1;
	autoclose int mnt_ns = -1;
	autoclose int sock = -1;
	char path[64];
	bool into;
	int tree = -1;

	if (m->uid_mappings != NULL) {
		userns = userns_of(m, idx, err);
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init_pid);
		userns = open(path, O_RDONLY | O_CLOEXEC);
		if (userns < 0)
			nook_fail(err, errno,
			          "mounts[%zu]: the container's user namespace: open %s", idx,
			          path);
	}
	if (userns < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init_pid);
	mnt_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (mnt_ns < 0)
		return nook_fail(
		    err, errno, "mounts[%zu]: the container's mount namespace: open %s", idx, path);

	pid_t pid = nook_clone_synced(0, -1, &into, &sock, err);
	if (pid < 0)
		return nook_error_prefix(err, "mounts[%zu]: id-map %s", idx, src);
	if (pid == 0) {
		struct nook_error e = {0}, send_err;
		if (setns(mnt_ns, CLONE_NEWNS) < 0)
			nook_fail(&e, errno, "mounts[%zu]: join the container's mount namespace",
			          idx);
		else
			tree = clone_mapped(src_fd, userns, m, idx, src, rbind, kind, &e);
		if (tree >= 0)
			nook_sync_send(sock, NOOK_SYNC_MOUNTS_REPLY, NULL, tree, &send_err);
		else
			nook_sync_send(sock, NOOK_SYNC_ERROR, &e, -1, &send_err);
		_exit(tree >= 0 ? 0 : 1);
	}

	struct nook_sync_msg msg;
	int rc = nook_sync_recv(sock, &msg, &tree, err);
	reap(pid);
	if (rc < 0)
		return nook_error_prefix(err, "mounts[%zu]: id-map %s", idx, src);
	if (rc == 0)
		return nook_fail(err, 0, "mounts[%zu]: id-map %s: the helper died", idx, src);
	if (msg.type == NOOK_SYNC_ERROR) {
		*err = msg.err;
		return -1;
	}
	if (msg.type != NOOK_SYNC_MOUNTS_REPLY || tree < 0) {
		if (tree >= 0)
			close(tree);
		return nook_sync_unexpected(msg.type, NOOK_SYNC_MOUNTS_REPLY, err);
	}
	return tree;
}
