/* One config mount onto its destination inside the rootfs.
 *
 * The destination is opened with nook_resolve_create() (RESOLVE_IN_ROOT):
 * binds are attached with the new mount API (open_tree + move_mount onto
 * that fd); other filesystems are mounted with mount(2) on /proc/self/fd/N
 * of the same fd. Either way the kernel gets an fd, never a path that a
 * symlink swapped into the rootfs could redirect. proc, sysfs and cgroup2
 * are stricter (mount_kernfs.c): no symlink at all on the way, the new API
 * throughout, and the result verified. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/mount_options.h"
#include "linux/resolve.h"
#include "linux/rootfs/steps.h"

int nook_move_mount_to(int tree, int dest_fd)
{
	return move_mount(tree, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int nook_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = propagation};

	return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
	                     sizeof(attr));
}

bool nook_mounts_bind_dev(const struct nook_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct nook_mount *m = &spec->mounts[i];
		struct nook_mount_options o;
		bool bind;

		if (m->destination == NULL || strcmp(m->destination, "/dev") != 0)
			continue;
		if (nook_mount_options_parse(&m->options, i, &o, NULL) < 0)
			continue;
		bind = o.bind || (m->type != NULL && strcmp(m->type, "bind") == 0);
		nook_mount_options_free(&o);
		if (bind)
			return true;
	}
	return false;
}

/* The MS_* flags a mount already has (statvfs), which a user namespace may
 * have locked: a bind never tries to clear those. */
static unsigned long existing_flags(int fd)
{
	struct statvfs sv;
	unsigned long ms = 0;

	if (fstatvfs(fd, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_RDONLY)
		ms |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		ms |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		ms |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		ms |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		ms |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		ms |= MS_NODIRATIME;
	return ms;
}

static int mount_bind(int root_fd, const struct nook_mount *m, size_t idx,
                      const struct nook_mount_options *o, const struct nook_rootfs_opts *opts,
                      struct nook_error *err)
{
	autofree char *src = NULL;
	autoclose int tree = -1;
	autoclose int dest = -1;
	unsigned long clear = o->clear_flags;
	uint64_t set, clr;
	struct stat st;

	if (m->source == NULL)
		return nook_fail(err, EINVAL,
		                 "mounts[%zu] (destination %s): bind mount without a source", idx,
		                 m->destination);
	src = nook_mount_host_path(opts->bundle, m->source);
	if (src == NULL)
		return nook_fail(err, ENOMEM, "mounts[%zu]", idx);
	/* Opened by the runtime (nook_mount_sources_send) when we are in a
	 * user namespace: no lookup here, so no permission check as the
	 * mapped root. */
	int src_fd = opts->source_fds != NULL ? opts->source_fds[idx] : -1;
	if ((src_fd >= 0 ? fstat(src_fd, &st) : stat(src, &st)) < 0)
		return nook_fail(err, errno, "mounts[%zu] (destination %s): source %s", idx,
		                 m->destination, src);
	/* An id-mapped bind comes cloned and mapped (mount_idmap.c). */
	if (nook_spec_mount_idmap(m) != NOOK_IDMAP_NONE) {
		if (src_fd < 0)
			return nook_fail(err, 0,
			                 "mounts[%zu] (destination %s): no id-mapped clone of %s "
			                 "from the runtime",
			                 idx, m->destination, src);
		tree = fcntl(src_fd, F_DUPFD_CLOEXEC, 0);
	} else
		tree = open_tree(src_fd >= 0 ? src_fd : AT_FDCWD, src_fd >= 0 ? "" : src,
		                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
		                     ((o->flags & MS_REC) ? AT_RECURSIVE : 0) |
		                     (src_fd >= 0 ? AT_EMPTY_PATH : 0));
	if (tree < 0)
		return nook_fail(err, errno, "mounts[%zu]: bind %s on %s", idx, src,
		                 m->destination);

	if (opts->in_user_ns)
		clear &= ~existing_flags(tree);
	nook_mount_flags_to_attr(o->flags, clear, &set, &clr);
	if ((set || clr) && nook_setattr(tree, false, set, clr, 0) < 0)
		return nook_fail(err, errno, "mounts[%zu]: set the options of bind %s on %s", idx,
		                 src, m->destination);
	if ((o->rec_attr_set || o->rec_attr_clr) &&
	    nook_setattr(tree, true, o->rec_attr_set, o->rec_attr_clr, 0) < 0)
		return nook_fail(err, errno,
		                 "mounts[%zu]: set the recursive options of bind %s on %s", idx,
		                 src, m->destination);

	dest = nook_resolve_create(root_fd, m->destination,
	                           S_ISDIR(st.st_mode) ? NOOK_RESOLVE_MKDIR : NOOK_RESOLVE_MKFILE,
	                           err);
	if (dest < 0)
		return nook_error_prefix(err, "mounts[%zu]: destination", idx);
	if (nook_move_mount_to(tree, dest) < 0)
		return nook_fail(err, errno, "mounts[%zu]: bind %s on %s", idx, src,
		                 m->destination);
	/* After move_mount the tree fd stands for the attached mount. */
	if (o->propagation &&
	    nook_setattr(tree, o->propagation & MS_REC, 0, 0, o->propagation & ~MS_REC) < 0)
		return nook_fail(err, errno, "mounts[%zu]: set the propagation of %s", idx,
		                 m->destination);
	return 0;
}

/* Overlay: relative lowerdir/upperdir/workdir entries start at the bundle. */
static char *overlay_data(const char *bundle, const char *data, struct nook_error *err)
{
	autofree char *copy = strdup(data);
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	char *save = NULL;

	if (copy == NULL)
		return NULL;
	f = open_memstream(&out, &len);
	if (f == NULL)
		return NULL;
	for (char *opt = strtok_r(copy, ",", &save); opt != NULL;
	     opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		bool paths = false;

		if (len)
			fputc(',', f);
		if (eq != NULL) {
			size_t klen = (size_t)(eq - opt);
			paths = (klen == 8 && strncmp(opt, "lowerdir", 8) == 0) ||
			        (klen == 8 && strncmp(opt, "upperdir", 8) == 0) ||
			        (klen == 7 && strncmp(opt, "workdir", 7) == 0) ||
			        strncmp(opt, "lowerdir+", 9) == 0 ||
			        strncmp(opt, "datadir+", 8) == 0;
		}
		if (!paths) {
			fputs(opt, f);
			fflush(f);
			continue;
		}
		fwrite(opt, 1, (size_t)(eq - opt) + 1, f);
		/* lowerdir is a ':' list */
		char *dsave = NULL;
		bool first = true;
		for (char *d = strtok_r(eq + 1, ":", &dsave); d != NULL;
		     d = strtok_r(NULL, ":", &dsave)) {
			fprintf(f, "%s%s%s%s", first ? "" : ":", d[0] == '/' ? "" : bundle,
			        d[0] == '/' ? "" : "/", d);
			first = false;
		}
		fflush(f);
	}
	if (fclose(f) != 0) {
		free(out);
		nook_fail(err, ENOMEM, "overlay options");
		return NULL;
	}
	return out;
}

static bool has_option(const char *data, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = data; p != NULL && *p != '\0';) {
		if (strncmp(p, key, klen) == 0)
			return true;
		p = strchr(p, ',');
		p = p != NULL ? p + 1 : NULL;
	}
	return false;
}

/* A tmpfs without mode= takes the mode of the directory it covers, when
 * that exists (runc's mountToRootfs and crun's append_tmpfs_mode_if_missing):
 * a rootfs with a 0700 /root keeps it 0700 under a tmpfs. NULL data and no
 * error: nothing to add. */
static int tmpfs_mode(int root_fd, const struct nook_mount *m, const char *data, char **out,
                      struct nook_error *err)
{
	autoclose int fd = -1;
	struct stat st;

	*out = NULL;
	if (has_option(data, "mode="))
		return 0;
	fd = nook_openat_in_root(root_fd, m->destination, O_PATH, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : nook_fail(err, errno, "%s", m->destination);
	if (fstat(fd, &st) < 0)
		return nook_fail(err, errno, "%s", m->destination);
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (asprintf(out, "mode=%04o%s%s", st.st_mode & 07777, data != NULL && *data ? "," : "",
	             data != NULL ? data : "") < 0)
		return nook_fail(err, ENOMEM, "%s", m->destination);
	return 0;
}

static int mount_fs(int root_fd, const struct nook_mount *m, size_t idx,
                    const struct nook_mount_options *o, const struct nook_rootfs_opts *opts,
                    struct nook_error *err)
{
	autoclose int dest = -1;
	autofree char *ovl = NULL;
	autofree char *labelled = NULL;
	const char *data = o->data;
	const char *type = m->type != NULL ? m->type : "none";
	char fdp[64];

	if (m->type == NULL && !(o->flags & MS_REMOUNT))
		return nook_fail(err, EINVAL,
		                 "mounts[%zu] (destination %s): no type and not a bind mount", idx,
		                 m->destination);
	if (m->type != NULL && strcmp(m->type, "overlay") == 0 && data != NULL &&
	    opts->bundle != NULL) {
		ovl = overlay_data(opts->bundle, data, err);
		if (ovl == NULL)
			return nook_error_prefix(err, "mounts[%zu]", idx);
		data = ovl;
	}
	if (m->type != NULL && strcmp(m->type, "tmpfs") == 0) {
		if (tmpfs_mode(root_fd, m, data, &ovl, err) < 0)
			return nook_error_prefix(err, "mounts[%zu]: destination", idx);
		if (ovl != NULL)
			data = ovl;
	}
	if (opts->mount_label != NULL && nook_spec_mount_takes_label(m)) {
		labelled = nook_spec_mount_label_data(data, opts->mount_label);
		if (labelled == NULL)
			return nook_fail(err, ENOMEM, "mounts[%zu]: linux.mountLabel", idx);
		data = labelled;
	}
	dest = nook_resolve_create(
	    root_fd, m->destination,
	    (o->flags & MS_REMOUNT) ? NOOK_RESOLVE_NO_CREATE : NOOK_RESOLVE_MKDIR, err);
	if (dest < 0)
		return nook_error_prefix(err, "mounts[%zu]: destination", idx);
	if (mount(m->source ? m->source : type, nook_fd_path(dest, fdp, sizeof(fdp)), m->type,
	          o->flags, data) < 0) {
		int e = errno;
		if (e == ENODEV)
			return nook_fail(err, e,
			                 "mounts[%zu]: mount %s on %s: unknown filesystem type",
			                 idx, type, m->destination);
		return nook_fail(err, e, "mounts[%zu]: mount %s on %s", idx, type, m->destination);
	}
	return 0;
}

int nook_mount_entry(int root_fd, const struct nook_mount *m, size_t idx,
                     const struct nook_rootfs_opts *opts, struct nook_error *err)
{
	struct nook_mount_options o;
	autoclose int top = -1;
	int rc;

	if (m->destination == NULL || m->destination[0] == '\0')
		return nook_fail(err, EINVAL, "mounts[%zu]: no destination", idx);
	if (nook_mount_options_parse(&m->options, idx, &o, err) < 0)
		return -1;
	if (o.tmpcopyup)
		nook_warn(
		    "mounts[%zu] (destination %s): option tmpcopyup is not supported, ignored", idx,
		    m->destination);
	if (m->type != NULL && strcmp(m->type, "bind") == 0 && !o.bind) {
		o.bind = true;
		o.flags |= MS_BIND;
	}

	if (o.bind && !(o.flags & MS_REMOUNT))
		rc = mount_bind(root_fd, m, idx, &o, opts, err);
	else if (nook_is_kernfs(m->type) && !(o.flags & MS_REMOUNT)) {
		/* propagation and recursive options included */
		rc = nook_mount_kernfs(root_fd, m, idx, &o, opts, err);
		nook_mount_options_free(&o);
		return rc;
	} else if (m->type != NULL && strcmp(m->type, "cgroup") == 0)
		rc = nook_mount_cgroup(root_fd, m, idx, &o, opts, err);
	else
		rc = mount_fs(root_fd, m, idx, &o, opts, err);
	if (rc < 0 || o.bind) {
		nook_mount_options_free(&o);
		return rc;
	}

	/* Propagation and recursive attributes go to the mount just made:
	 * resolving the destination again lands on its root. */
	if (o.propagation || o.rec_attr_set || o.rec_attr_clr) {
		bool cgroup = m->type != NULL && strcmp(m->type, "cgroup") == 0;
		top = nook_openat_in_root(root_fd, m->destination, O_PATH,
		                          cgroup ? RESOLVE_NO_SYMLINKS : 0);
		if (top < 0)
			rc = nook_fail(err, errno, "mounts[%zu]: reopen %s", idx, m->destination);
		else if ((o.rec_attr_set || o.rec_attr_clr) &&
		         nook_setattr(top, true, o.rec_attr_set, o.rec_attr_clr, 0) < 0)
			rc = nook_fail(err, errno, "mounts[%zu]: set the recursive options of %s",
			               idx, m->destination);
		else if (o.propagation && nook_setattr(top, o.propagation & MS_REC, 0, 0,
		                                       o.propagation & ~MS_REC) < 0)
			rc = nook_fail(err, errno, "mounts[%zu]: set the propagation of %s", idx,
			               m->destination);
	}
	nook_mount_options_free(&o);
	return rc;
}
