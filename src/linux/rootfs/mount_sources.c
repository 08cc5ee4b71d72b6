/* Bind sources opened with the runtime's credentials (see nook/rootfs.h).
 *
 * In a user namespace the init is root of that namespace only: a source
 * below a directory that the mapped root may not search (a 0700 root-owned
 * parent) cannot be looked up there. So the init asks, once it sits in its
 * final mount namespace and before it mounts anything; the runtime looks
 * each source up as host root, starting at /proc/<init>/root, so that the
 * fd names a mount of the init's own namespace (open_tree(2) clones only
 * from the caller's namespace), and sends it over the sync socket. runc
 * does the same (goCreateMountSources: O_PATH fds taken in the container's
 * mount namespace with host credentials); crun opens them in the parent
 * too (prepare_and_send_mount_mounts). Locked mount flags stay locked:
 * the init still clones the mount itself.
 *
 * An id-mapped bind is the one exception: the runtime sends the clone
 * itself, with the mapping set (mount_idmap.c), so the init asks for the
 * sources whenever the config has one, in a user namespace or not. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/mount_options.h"
#include "linux/resolve.h"
#include "linux/rootfs/steps.h"
#include "nook/rootfs.h"
#include "nook/sync.h"

char *nook_mount_host_path(const char *bundle, const char *path)
{
	char *out = NULL;

	if (path[0] == '/' || bundle == NULL)
		return strdup(path);
	if (asprintf(&out, "%s/%s", bundle, path) < 0)
		return NULL;
	return out;
}

/* A bind that mount_bind() makes from a source: what gets an fd. The
 * same test on both sides, so that they agree on how many messages. */
static bool wants_source(const struct nook_mount *m)
{
	struct nook_mount_options o;
	bool bind;

	if (m->source == NULL || m->destination == NULL)
		return false;
	if (nook_mount_options_parse(&m->options, 0, &o, NULL) < 0)
		return false;
	bind = (o.bind || (m->type != NULL && strcmp(m->type, "bind") == 0)) &&
	       !(o.flags & MS_REMOUNT);
	nook_mount_options_free(&o);
	return bind;
}

bool nook_mount_sources_idmapped(const struct nook_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (wants_source(&spec->mounts[i]) &&
		    nook_spec_mount_idmap(&spec->mounts[i]) != NOOK_IDMAP_NONE)
			return true;
	return false;
}

/* Whether mounts[i] is cloned whole (rbind: MS_REC), as mount_bind() would. */
static bool is_rbind(const struct nook_mount *m)
{
	struct nook_mount_options o;
	bool rec;

	if (nook_mount_options_parse(&m->options, 0, &o, NULL) < 0)
		return false;
	rec = (o.flags & MS_REC) != 0;
	nook_mount_options_free(&o);
	return rec;
}

int nook_mount_sources_send(int sock, pid_t init_pid, const struct nook_spec *spec,
                            const char *bundle, struct nook_error *err)
{
	char proc_root[64];
	autoclose int root = -1;

	snprintf(proc_root, sizeof(proc_root), "/proc/%d/root", (int)init_pid);
	root = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		nook_debug("bind sources: open %s: %s; the init opens them itself", proc_root,
		           strerror(errno));
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct nook_mount *m = &spec->mounts[i];
		autofree char *src = NULL;
		autoclose int fd = -1;

		if (!wants_source(m))
			continue;
		src = nook_mount_host_path(bundle, m->source);
		if (src == NULL)
			return nook_fail(err, ENOMEM, "mounts[%zu]: source", i);
		/* RESOLVE_IN_ROOT: an absolute symlink in the source stays in
		 * the init's namespace. Failing here is not an error: the init
		 * then tries itself and reports what it finds. */
		int open_errno = ENOENT;
		if (root >= 0) {
			fd = nook_openat_in_root(root, src, O_PATH, 0);
			open_errno = errno;
		}
		if (fd < 0 && root >= 0)
			nook_debug("mounts[%zu]: source %s: %s; the init opens it itself", i, src,
			           strerror(errno));
		if (nook_spec_mount_idmap(m) != NOOK_IDMAP_NONE) {
			/* Only the runtime can id-map it: no source, no mount. */
			if (fd < 0)
				return nook_fail(err, open_errno,
				                 "mounts[%zu] (destination %s): source %s", i,
				                 m->destination, src);
			int tree = nook_idmap_tree(init_pid, fd, m, i, src, is_rbind(m), err);
			if (tree < 0)
				return -1;
			close(fd);
			fd = tree;
		}
		if (nook_sync_send(sock, NOOK_SYNC_MOUNTS_REPLY, NULL, fd, err) < 0)
			return nook_error_prefix(err, "mounts[%zu]: send the source", i);
	}
	return 0;
}

void nook_mount_sources_free(int *fds, size_t n)
{
	if (fds == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

int nook_mount_sources_request(int sock, const struct nook_spec *spec, int **out,
                               struct nook_error *err)
{
	int *fds = malloc((spec->n_mounts ? spec->n_mounts : 1) * sizeof(*fds));

	*out = NULL;
	if (fds == NULL)
		return nook_fail(err, ENOMEM, "bind sources");
	for (size_t i = 0; i < spec->n_mounts; i++)
		fds[i] = -1;
	if (nook_sync_send(sock, NOOK_SYNC_MOUNTS_REQUEST, NULL, -1, err) < 0) {
		free(fds);
		return -1;
	}
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct nook_sync_msg msg;
		int rc;

		if (!wants_source(&spec->mounts[i]))
			continue;
		rc = nook_sync_recv(sock, &msg, &fds[i], err);
		if (rc <= 0 || msg.type != NOOK_SYNC_MOUNTS_REPLY) {
			if (rc == 0)
				nook_fail(err, 0, "runtime went away while sending bind sources");
			else if (rc > 0)
				nook_sync_unexpected(msg.type, NOOK_SYNC_MOUNTS_REPLY, err);
			nook_mount_sources_free(fds, spec->n_mounts);
			return nook_error_prefix(err, "mounts[%zu]: bind source", i);
		}
	}
	*out = fds;
	return 0;
}
