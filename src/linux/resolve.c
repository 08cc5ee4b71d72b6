/* Safe lookups and creation inside a root directory (see resolve.h). */
#include "linux/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"

/* openat2(2), again while it fails with EAGAIN (a rename raced with the
 * lookup), at most 32 times. */
static int openat2_retry(int dir, const char *path, struct open_how *how)
{
	int fd;

	for (int tries = 0; tries < 32; tries++) {
		fd = (int)syscall(SYS_openat2, dir, path, how, sizeof(*how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

int nook_openat_in_root(int root_fd, const char *path, int flags, unsigned long long extra_resolve)
{
	struct open_how how = {
	    .flags = (unsigned long long)flags | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve,
	};
	const char *p = path;

	/* openat2 wants a relative path here only for readability: an absolute
	 * one is rooted at root_fd anyway with RESOLVE_IN_ROOT. */
	while (*p == '/')
		p++;
	if (*p == '\0')
		p = ".";
	return openat2_retry(root_fd, p, &how);
}

const char *nook_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

/* `link` (the text of a symlink found at `at`, a path inside the root)
 * followed by `rest`: the path to resolve next. A relative target starts in
 * the directory that holds the link, as the kernel would take it; the result
 * is only ever looked up with RESOLVE_IN_ROOT, so ".." and absolute targets
 * stay inside the root. */
static char *follow(const char *at, const char *link, const char *rest)
{
	const char *slash = strrchr(at, '/');
	int dir_len = link[0] == '/' || slash == NULL ? 0 : (int)(slash - at);
	char *out = NULL;

	if (asprintf(&out, "%.*s%s%s%s%s", dir_len, at, dir_len ? "/" : "", link,
	             rest[0] ? "/" : "", rest) < 0)
		return NULL;
	return out;
}

/* Make the missing `comp` in the resolved directory `dir`. Returns 1 when
 * `comp` is there but is a symlink whose target is missing (its text in
 * `link`), 0 when made (or made meanwhile), -1 on error. */
static int make_missing(int dir, const char *comp, bool as_file, char *link, size_t size)
{
	int rc;

	if (as_file) {
		int f =
		    openat(dir, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		rc = f < 0 ? -1 : 0;
		if (f >= 0)
			close(f);
	} else {
		rc = mkdirat(dir, comp, 0755);
	}
	if (rc == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	ssize_t n = readlinkat(dir, comp, link, size - 1);
	if (n < 0)
		return errno == EINVAL ? 0 : -1; /* not a symlink: made meanwhile */
	link[n] = '\0';
	return 1;
}

/* The next component of the path at *p into comp, *p moved past it: 1; none
 * left: 0; one longer than NAME_MAX: -1 (err names `path`). */
static int next_component(const char **p, char comp[NAME_MAX + 1], const char *path,
                          struct nook_error *err)
{
	size_t clen;

	while (**p == '/')
		(*p)++;
	if (**p == '\0')
		return 0;
	clen = strcspn(*p, "/");
	if (clen > NAME_MAX)
		return nook_fail(err, ENAMETOOLONG, "%s", path);
	memcpy(comp, *p, clen);
	comp[clen] = '\0';
	*p += clen;
	return 1;
}

/* A walk down `path` from the root one component at a time: `cur` is the
 * directory reached, `prefix` the components walked so far ("a/b", or
 * "/a/b" when `absolute`). */
struct walk {
	const char *path, *p;
	char *prefix;
	size_t len;
	bool absolute;
	int cur;
};

static void walk_end(struct walk *w)
{
	free(w->prefix);
	if (w->cur >= 0)
		close(w->cur);
}

/* At the root, to walk `todo`: 0, or -1 (err names `path`). */
static int walk_start(struct walk *w, int root_fd, const char *todo, const char *path,
                      bool absolute, struct nook_error *err)
{
	*w = (struct walk){.path = path, .p = todo, .absolute = absolute, .cur = -1};
	w->prefix = calloc(1, strlen(todo) + 2);
	if (w->prefix == NULL)
		return nook_fail(err, ENOMEM, "%s", path);
	w->cur = nook_openat_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0);
	if (w->cur < 0)
		return nook_fail(err, errno, "%s: open the root", path);
	return 0;
}

/* The next component other than "." into comp, added to prefix: 1; none
 * left: 0; too long: -1. */
static int walk_next(struct walk *w, char comp[NAME_MAX + 1], struct nook_error *err)
{
	int more;

	do
		more = next_component(&w->p, comp, w->path, err);
	while (more > 0 && strcmp(comp, ".") == 0);
	if (more <= 0)
		return more;
	w->len +=
	    (size_t)sprintf(w->prefix + w->len, "%s%s", w->absolute || w->len > 0 ? "/" : "", comp);
	return 1;
}

/* The directory reached replaced by `next` (taken over). */
static void walk_into(struct walk *w, int next)
{
	close(w->cur);
	w->cur = next;
}

int nook_resolve_create(int root_fd, const char *path, enum nook_resolve_create create,
                        struct nook_error *err)
{
	autofree char *todo = NULL;
	int fd;

	fd = nook_openat_in_root(root_fd, path, O_PATH, 0);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || create == NOOK_RESOLVE_NO_CREATE)
		return nook_fail(err, errno, "%s", path);
	todo = strdup(path);
	if (todo == NULL)
		return nook_fail(err, ENOMEM, "%s", path);

	/* One pass per dangling symlink met on the way (at most 40, as the
	 * kernel's own limit): each pass walks `todo` from the root, making
	 * what is missing; a missing component that is a dangling symlink
	 * restarts the walk at its target. */
	for (int links = 0; links <= 40; links++) {
		struct walk w __attribute__((cleanup(walk_end)));
		char *next_todo = NULL;

		if (walk_start(&w, root_fd, todo, path, false, err) < 0)
			return -1;
		for (;;) {
			char comp[NAME_MAX + 1], link[PATH_MAX];
			int next, more = walk_next(&w, comp, err);

			if (more <= 0)
				return more < 0 ? -1 : nook_steal_fd(&w.cur);
			while (*w.p == '/')
				w.p++;
			next = nook_openat_in_root(root_fd, w.prefix, O_PATH, 0);
			if (next < 0 && errno == ENOENT) {
				/* `cur` is the resolved parent: making `comp` in it
				 * makes `prefix` inside the root, whatever symlinks
				 * led there. */
				bool as_file = *w.p == '\0' && create == NOOK_RESOLVE_MKFILE;
				int m = make_missing(w.cur, comp, as_file, link, sizeof(link));
				if (m < 0)
					return nook_fail(err, errno, "%s: %s %s", path,
					                 as_file ? "create file" : "mkdir",
					                 w.prefix);
				if (m == 1) {
					w.prefix[w.len] = '\0';
					next_todo = follow(w.prefix, link, w.p);
					break;
				}
				next = nook_openat_in_root(root_fd, w.prefix, O_PATH, 0);
			}
			if (next < 0)
				return nook_fail(err, errno, "%s: open %s", path, w.prefix);
			walk_into(&w, next);
		}
		if (next_todo == NULL)
			return nook_fail(err, ENOMEM, "%s", path);
		free(todo);
		todo = next_todo;
	}
	return nook_fail(err, ELOOP, "%s: too many levels of symbolic links", path);
}

/* One component `comp` below the directory `dir`, never through a symlink. */
static int open_dir_below(int dir, const char *comp)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return openat2_retry(dir, comp, &how);
}

int nook_resolve_dir_nofollow(int root_fd, const char *path, bool create, struct nook_error *err)
{
	struct walk w __attribute__((cleanup(walk_end)));
	char comp[NAME_MAX + 1];
	int more;

	if (walk_start(&w, root_fd, path, path, true, err) < 0)
		return -1;
	while ((more = walk_next(&w, comp, err)) > 0) {
		int next;

		if (strcmp(comp, "..") == 0)
			return nook_fail(err, EINVAL, "%s: \"..\" is not allowed here", path);
		next = open_dir_below(w.cur, comp);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(w.cur, comp, 0755) < 0 && errno != EEXIST)
				return nook_fail(err, errno, "%s: mkdir %s", path, w.prefix);
			next = open_dir_below(w.cur, comp);
		}
		if (next < 0 && errno == ELOOP)
			return strcmp(w.prefix, path) == 0
			           ? nook_fail(err, ELOOP, "%s is a symlink", path)
			           : nook_fail(err, ELOOP, "%s: %s is a symlink", path, w.prefix);
		if (next < 0 && errno == ENOTDIR)
			return nook_fail(err, ENOTDIR, "%s: %s is not a directory", path, w.prefix);
		if (next < 0)
			return nook_fail(err, errno, "%s: open %s", path, w.prefix);
		walk_into(&w, next);
	}
	return more < 0 ? -1 : nook_steal_fd(&w.cur);
}
