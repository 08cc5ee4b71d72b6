/* nook_rootfs_enter/finish and nook_sysctl_apply with real mounts.
 *
 * Every test forks a child that unshares its mount namespace (and more when
 * needed), builds the container's view on a copy of a busybox rootfs and
 * checks it from inside; failures come back through a pipe. The runner's
 * own mount namespace never gets a mount: after each test it checks that
 * /proc/self/mountinfo is unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/resolve.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#include "nook/rootfs.h"
#include "linux/rootfs/steps.h"

static char g_tmp[PATH_MAX];      /* mkdtemp dir of this binary */
static char g_template[PATH_MAX]; /* busybox rootfs built once */
static char g_bundle[PATH_MAX];   /* per test: g_tmp/bundle-N */
static char g_rootfs[PATH_MAX];   /* per test: g_bundle/rootfs */
static int g_bundle_n;
static int g_report_fd = -1; /* child → parent messages */
static int g_mounts_before;

/* ---- helpers ---- */

static int run_cmd(const char *fmt, ...)
{
	char cmd[3 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int count_mounts(const char *containing)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (containing == NULL || strstr(line, containing) != NULL)
			n++;
	fclose(f);
	return n;
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(g_report_fd, buf, (size_t)n) < 0)
		_exit(99);
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			report("%s:%d: %s (errno: %s)", __FILE__, __LINE__, #cond,                 \
			       strerror(errno));                                                   \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_OK(call)                                                                             \
	do {                                                                                       \
		struct nook_error err_;                                                            \
		char text_[4096];                                                                  \
		nook_error_clear(&err_);                                                           \
		if ((call(&err_)) < 0) {                                                           \
			report("%s:%d: %s failed: %s", __FILE__, __LINE__, #call,                  \
			       nook_error_text(&err_, text_, sizeof(text_)));                      \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

typedef void (*child_fn)(void *arg);

/* Run fn in a child with its own mount namespace (plus `ns_flags`). With
 * CLONE_NEWPID it runs in a grandchild, pid 1 of the new pid namespace.
 * Returns the exit status; the child's reports are in `msg`. */
static int run_child(int ns_flags, child_fn fn, void *arg, char *msg, size_t msg_size)
{
	int p[2];
	pid_t pid;
	int status;
	size_t got = 0;
	ssize_t r;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		g_report_fd = p[1];
		if (unshare(CLONE_NEWNS | ns_flags) < 0) {
			report("unshare: %s", strerror(errno));
			_exit(2);
		}
		if (ns_flags & CLONE_NEWPID) {
			pid_t inner = fork();
			int st;
			if (inner < 0)
				_exit(3);
			if (inner == 0) {
				fn(arg);
				_exit(0);
			}
			if (waitpid(inner, &st, 0) < 0)
				_exit(4);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	while (got + 1 < msg_size && (r = read(p[0], msg + got, msg_size - 1 - got)) > 0)
		got += (size_t)r;
	msg[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

#define RUN_CHILD(flags, fn, arg)                                                                  \
	do {                                                                                       \
		char msg_[8192];                                                                   \
		int rc_ = run_child(flags, fn, arg, msg_, sizeof(msg_));                           \
		if (rc_ != 0)                                                                      \
			fail_msg("child exited %d: %s", rc_, msg_);                                \
	} while (0)

/* The config, filled by hand. */
struct cfg {
	struct nook_spec spec;
	struct nook_mount mounts[80];
	char *opts[80][12];
	struct nook_device devices[8];
	struct nook_kv sysctl[8];
	char *masked[8];
	char *readonly[8];
	struct nook_rootfs_opts opts_rootfs;
};

static void cfg_clear(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->spec.mounts = c->mounts;
	c->spec.linux.devices = c->devices;
	c->spec.linux.sysctl.v = c->sysctl;
	c->spec.linux.masked_paths.v = c->masked;
	c->spec.linux.readonly_paths.v = c->readonly;
	c->opts_rootfs.rootfs = g_rootfs;
	c->opts_rootfs.bundle = g_bundle;
}

/* add_mount(c, dest, type, source, "opt", ..., NULL) */
static void add_mount(struct cfg *c, const char *dest, const char *type, const char *source, ...)
{
	size_t i = c->spec.n_mounts++;
	struct nook_mount *m = &c->mounts[i];
	va_list ap;
	const char *o;

	m->destination = (char *)dest;
	m->type = (char *)type;
	m->source = (char *)source;
	m->options.v = c->opts[i];
	va_start(ap, source);
	while ((o = va_arg(ap, const char *)) != NULL)
		c->opts[i][m->options.n++] = (char *)o;
	va_end(ap);
}

static void add_proc(struct cfg *c)
{
	add_mount(c, "/proc", "proc", "proc", "nosuid", "noexec", "nodev", NULL);
}

static struct cfg *g_cfg; /* the config the child uses */

static void enter(void)
{
	struct nook_error err;
	char text[4096];

	nook_error_clear(&err);
	if (nook_rootfs_enter(&g_cfg->spec, &g_cfg->opts_rootfs, &err) < 0) {
		report("nook_rootfs_enter: %s", nook_error_text(&err, text, sizeof(text)));
		_exit(1);
	}
}

static void finish(void)
{
	struct nook_error err;
	char text[4096];

	nook_error_clear(&err);
	if (nook_rootfs_finish(&g_cfg->spec, &err) < 0) {
		report("nook_rootfs_finish: %s", nook_error_text(&err, text, sizeof(text)));
		_exit(1);
	}
}

/* A child that expects nook_rootfs_enter to fail and reports the text. */
static void enter_expect_failure(void *arg)
{
	struct nook_error err;
	char text[4096];

	nook_error_clear(&err);
	if (nook_rootfs_enter(&g_cfg->spec, &g_cfg->opts_rootfs, &err) == 0) {
		report("nook_rootfs_enter succeeded");
		_exit(1);
	}
	report("%s", nook_error_text(&err, text, sizeof(text)));
	_exit(10);
}

static char *expect_enter_error(char *msg, size_t size)
{
	int rc = run_child(0, enter_expect_failure, NULL, msg, size);

	if (rc != 10)
		fail_msg("child exited %d: %s", rc, msg);
	return msg;
}

static char *read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* The mountinfo line of mount point `path` (the last one: on top), "" if none. */
static const char *mountinfo_line(const char *path, char *line, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char want[PATH_MAX + 3];
	char cur[4096];

	line[0] = '\0';
	snprintf(want, sizeof(want), " %s ", path);
	if (f == NULL)
		return line;
	while (fgets(cur, sizeof(cur), f) != NULL) {
		/* field 5 is the mount point: "id parent maj:min root mountpoint " */
		char *p = cur;
		for (int i = 0; i < 4 && p != NULL; i++)
			p = strchr(p + 1, ' ');
		if (p != NULL && strncmp(p, want, strlen(want)) == 0)
			snprintf(line, size, "%s", cur);
	}
	fclose(f);
	return line;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == magic;
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	char exe[PATH_MAX];
	char script[PATH_MAX + 64];
	ssize_t n;

	if (geteuid() != 0) {
		fprintf(stderr, "test_rootfs: needs root (real mounts)\n");
		return -1;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	/* <repo>/<build>/tests/test_rootfs */
	snprintf(script, sizeof(script), "%s/../../tests/lib/make-rootfs.sh", dirname(exe));
	strcpy(g_tmp, "/tmp/nook-test-rootfs.XXXXXX");
	if (mkdtemp(g_tmp) == NULL)
		return -1;
	snprintf(g_template, sizeof(g_template), "%s/template", g_tmp);
	if (run_cmd("bash '%s' '%s' >/dev/null", script, g_template) != 0) {
		run_cmd("rm -rf '%s'", g_tmp);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	if (count_mounts(g_tmp) != 0)
		fprintf(stderr, "test_rootfs: mounts left under %s\n", g_tmp);
	run_cmd("rm -rf '%s'", g_tmp);
	return 0;
}

static int setup(void **state)
{
	snprintf(g_bundle, sizeof(g_bundle), "%s/bundle-%d", g_tmp, ++g_bundle_n);
	snprintf(g_rootfs, sizeof(g_rootfs), "%s/rootfs", g_bundle);
	if (mkdir(g_bundle, 0755) < 0)
		return -1;
	if (run_cmd("cp -a '%s' '%s'", g_template, g_rootfs) != 0)
		return -1;
	g_cfg = calloc(1, sizeof(*g_cfg));
	if (g_cfg == NULL)
		return -1;
	cfg_clear(g_cfg);
	g_mounts_before = count_mounts(NULL);
	return 0;
}

static int teardown(void **state)
{
	int leftover = count_mounts(g_tmp);
	int now = count_mounts(NULL);

	free(g_cfg);
	g_cfg = NULL;
	run_cmd("rm -rf '%s'", g_bundle);
	/* The runner's namespace never gets a mount. */
	if (leftover != 0 || now != g_mounts_before) {
		fprintf(stderr, "host mounts changed: %d under the temp dir, %d -> %d\n", leftover,
		        g_mounts_before, now);
		return -1;
	}
	return 0;
}

/* ---- tests ---- */

static void child_basic(void *arg)
{
	char buf[256];
	struct stat st;
	ssize_t n;
	int fd;

	enter();
	CHECK(access("/bin/busybox", X_OK) == 0);
	CHECK(access(g_tmp, F_OK) < 0 && errno == ENOENT); /* the host is out of sight */
	CHECK(is_fs("/proc", PROC_SUPER_MAGIC));
	CHECK(getpid() == 1);
	{
		char cwd[PATH_MAX];
		CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, "/") == 0);
	}
	/* default devices */
	static const struct {
		const char *path;
		unsigned maj, min;
	} devs[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
	            {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		CHECK(lstat(devs[i].path, &st) == 0);
		if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != devs[i].maj ||
		    minor(st.st_rdev) != devs[i].min || (st.st_mode & 07777) != 0666 ||
		    st.st_uid != 0 || st.st_gid != 0) {
			report("%s: mode %o rdev %u:%u", devs[i].path, st.st_mode,
			       major(st.st_rdev), minor(st.st_rdev));
			_exit(1);
		}
	}
	fd = open("/dev/null", O_WRONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "x", 1) == 1);
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 4) == 4 && buf[0] == 0);
	close(fd);
	/* /dev symlinks */
	n = readlink("/dev/fd", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "/proc/self/fd") == 0));
	n = readlink("/dev/stdin", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "/proc/self/fd/0") == 0));
	n = readlink("/dev/stdout", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "/proc/self/fd/1") == 0));
	n = readlink("/dev/stderr", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "/proc/self/fd/2") == 0));
	CHECK(access("/dev/fd/0", F_OK) == 0);
}

static void test_basic(void **state)
{
	add_proc(g_cfg);
	RUN_CHILD(CLONE_NEWPID, child_basic, NULL);
}

static void child_no_pivot(void *arg)
{
	enter();
	CHECK(access("/bin/busybox", X_OK) == 0);
	CHECK(access(g_tmp, F_OK) < 0);
	CHECK(access("/dev/null", W_OK) == 0);
}

static void test_no_pivot(void **state)
{
	g_cfg->opts_rootfs.no_pivot = true;
	RUN_CHILD(0, child_no_pivot, NULL);
}

/* CVE-2021-30465 family: symlinks in the rootfs that point at the host. */
static void child_symlink_escape(void *arg)
{
	char path[128];
	struct stat st;

	enter();
	snprintf(path, sizeof(path), "/tmp/nook-escape-%d", (int)(intptr_t)arg);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(is_fs(path, TMPFS_MAGIC));
	snprintf(path, sizeof(path), "/tmp/nook-escape2-%d", (int)(intptr_t)arg);
	CHECK(is_fs(path, TMPFS_MAGIC));
	/* "/tmp/evil3/.." is the parent of the link's target "/tmp": "/" */
	snprintf(path, sizeof(path), "/evil3/nook-escape3-%d", (int)(intptr_t)arg);
	CHECK(is_fs(path, TMPFS_MAGIC));
}

static void test_symlink_escape(void **state)
{
	char link[PATH_MAX + 32], d1[128], d2[128], d3[128], p[PATH_MAX + 128];
	int pid = getpid();
	DIR *dir;
	struct dirent *e;

	snprintf(link, sizeof(link), "%s/evil", g_rootfs);
	assert_int_equal(symlink("/", link), 0);
	snprintf(link, sizeof(link), "%s/evil2", g_rootfs);
	assert_int_equal(symlink("../../../../../../../../tmp", link), 0);
	snprintf(link, sizeof(link), "%s/tmp/evil3", g_rootfs);
	assert_int_equal(symlink("/tmp", link), 0);
	snprintf(d1, sizeof(d1), "/evil/tmp/nook-escape-%d", pid);
	snprintf(d2, sizeof(d2), "/evil2/nook-escape2-%d", pid);
	snprintf(d3, sizeof(d3), "/tmp/evil3/../evil3/nook-escape3-%d", pid);
	add_mount(g_cfg, d1, "tmpfs", "tmpfs", "size=1m", NULL);
	add_mount(g_cfg, d2, "tmpfs", "tmpfs", NULL);
	add_mount(g_cfg, d3, "tmpfs", "tmpfs", NULL);
	RUN_CHILD(0, child_symlink_escape, (void *)(intptr_t)pid);

	/* Created inside the rootfs, nothing on the host. */
	snprintf(p, sizeof(p), "%s/tmp/nook-escape-%d", g_rootfs, pid);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/tmp/nook-escape2-%d", g_rootfs, pid);
	assert_int_equal(access(p, F_OK), 0);
	dir = opendir("/tmp");
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, "nook-escape", 11) == 0)
			fail_msg("/tmp/%s was created on the host", e->d_name);
	closedir(dir);
	assert_int_equal(count_mounts("nook-escape"), 0);
}

/* CVE-2021-30465 proper: a path component flips between a directory and a
 * symlink that, followed from the host, leads to the host's /tmp. Whatever
 * the timing, every mount must land inside the rootfs. */
static void child_race(void *arg)
{
	struct nook_error err;

	/* Success or a clean failure (a lost race): both are fine, escaping is not. */
	(void)nook_rootfs_enter(&g_cfg->spec, &g_cfg->opts_rootfs, &err);
}

static void test_symlink_swap_race(void **state)
{
	static char dests[64][96];
	char dir[PATH_MAX + 16], link[PATH_MAX + 16];
	int pid = getpid();
	pid_t swapper;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/swap", g_rootfs);
	snprintf(link, sizeof(link), "%s/swap-link", g_rootfs);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(symlink("../../../../../../../../../../tmp", link), 0);
	for (int i = 0; i < 64; i++) {
		snprintf(dests[i], sizeof(dests[i]), "/swap/nook-race-%d-%d", pid, i);
		add_mount(g_cfg, dests[i], "tmpfs", "tmpfs", "size=64k", NULL);
	}
	swapper = fork();
	assert_true(swapper >= 0);
	if (swapper == 0) {
		for (;;)
			renameat2(AT_FDCWD, dir, AT_FDCWD, link, RENAME_EXCHANGE);
	}
	for (int round = 0; round < 20; round++) {
		char msg[4096];
		int rc = run_child(0, child_race, NULL, msg, sizeof(msg));
		if (rc != 0) {
			kill(swapper, SIGKILL);
			waitpid(swapper, NULL, 0);
			fail_msg("child exited %d: %s", rc, msg);
		}
	}
	kill(swapper, SIGKILL);
	waitpid(swapper, NULL, 0);

	d = opendir("/tmp");
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "nook-race", 9) == 0)
			fail_msg("/tmp/%s was created on the host", e->d_name);
	closedir(d);
}

/* nook_resolve_create on its own (no mounts: runs in the runner). */
static void test_resolve_create_in_root(void **state)
{
	char link[PATH_MAX + 32], p[PATH_MAX + 64];
	struct nook_error err;
	int root, fd;
	struct stat st;

	snprintf(link, sizeof(link), "%s/up", g_rootfs);
	assert_int_equal(symlink("../../../../../..", link), 0);
	snprintf(link, sizeof(link), "%s/abs", g_rootfs);
	assert_int_equal(symlink("/etc", link), 0);
	snprintf(link, sizeof(link), "%s/dangling", g_rootfs);
	assert_int_equal(symlink("/nonexistent/x", link), 0);
	root = open(g_rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);

	fd = nook_resolve_create(root, "/up/up/nook-resolve/a/b", NOOK_RESOLVE_MKDIR, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/nook-resolve/a/b", g_rootfs);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	fd = nook_resolve_create(root, "abs/nook-file", NOOK_RESOLVE_MKFILE, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/etc/nook-file", g_rootfs);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_not_equal(access("/etc/nook-file", F_OK), 0);

	/* existing path: just opened */
	fd = nook_resolve_create(root, "/bin/busybox", NOOK_RESOLVE_NO_CREATE, &err);
	assert_true(fd >= 0);
	close(fd);
	/* missing with NO_CREATE, and a dangling symlink */
	assert_int_equal(nook_resolve_create(root, "/nope", NOOK_RESOLVE_NO_CREATE, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	/* a dangling symlink is followed inside the root and its target made
	 * there (runc's securejoin, crun), never on the host */
	fd = nook_resolve_create(root, "/dangling/x", NOOK_RESOLVE_MKDIR, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/nonexistent/x/x", g_rootfs);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_not_equal(access("/nonexistent", F_OK), 0);
	/* a relative dangling link starts in its own directory */
	snprintf(link, sizeof(link), "%s/etc/rel-dangling", g_rootfs);
	assert_int_equal(symlink("../run/nook-made", link), 0);
	fd = nook_resolve_create(root, "/etc/rel-dangling", NOOK_RESOLVE_MKFILE, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/run/nook-made", g_rootfs);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* a loop ends */
	snprintf(link, sizeof(link), "%s/loop-a", g_rootfs);
	assert_int_equal(symlink("loop-b/x", link), 0);
	snprintf(link, sizeof(link), "%s/loop-b", g_rootfs);
	assert_int_equal(symlink("loop-a/x", link), 0);
	assert_int_equal(nook_resolve_create(root, "/loop-a", NOOK_RESOLVE_MKDIR, &err), -1);
	assert_int_equal(err.errnum, ELOOP);
	/* a magic link is refused */
	snprintf(link, sizeof(link), "%s/magic", g_rootfs);
	assert_int_equal(symlink("/proc/self/root", link), 0);
	assert_int_equal(nook_openat_in_root(root, "/proc", O_PATH, 0) >= 0, 1);
	close(root);
}

/* nook_resolve_dir_nofollow: where proc, sysfs, cgroups and device nodes
 * go (issue 9): no symlink anywhere on the way, even one inside the root. */
static void test_resolve_dir_nofollow(void **state)
{
	char link[PATH_MAX + 32], p[PATH_MAX + 64];
	struct nook_error err;
	int root, fd;
	struct stat st;

	snprintf(link, sizeof(link), "%s/in-root-link", g_rootfs);
	assert_int_equal(symlink("etc", link), 0);
	root = open(g_rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);

	/* made as directories, each in its parent */
	fd = nook_resolve_dir_nofollow(root, "/nook-nf/a//b/", true, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/nook-nf/a/b", g_rootfs);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* a symlink, last or on the way, even pointing inside the root */
	assert_int_equal(nook_resolve_dir_nofollow(root, "/in-root-link", true, &err), -1);
	assert_int_equal(err.errnum, ELOOP);
	assert_non_null(strstr(err.msg, "/in-root-link is a symlink"));
	assert_int_equal(nook_resolve_dir_nofollow(root, "/in-root-link/x", true, &err), -1);
	assert_int_equal(err.errnum, ELOOP);
	assert_non_null(strstr(err.msg, "/in-root-link/x: /in-root-link is a symlink"));
	snprintf(p, sizeof(p), "%s/etc/x", g_rootfs);
	assert_int_not_equal(access(p, F_OK), 0);
	/* not a directory, "..", and missing without create */
	assert_int_equal(nook_resolve_dir_nofollow(root, "/bin/busybox", true, &err), -1);
	assert_int_equal(err.errnum, ENOTDIR);
	assert_int_equal(nook_resolve_dir_nofollow(root, "/etc/../etc", true, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	assert_int_equal(nook_resolve_dir_nofollow(root, "/nope", false, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	snprintf(p, sizeof(p), "%s/nope", g_rootfs);
	assert_int_not_equal(access(p, F_OK), 0);
	close(root);
}

static void child_binds(void *arg)
{
	char buf[64];
	int fd;

	/* a submount in the host dir, to be carried by rbind */
	char sub[PATH_MAX + 32];
	snprintf(sub, sizeof(sub), "%s/rdir/sub", g_bundle);
	CHECK(mount("tmpfs", sub, "tmpfs", 0, "size=1m") == 0);
	enter();

	CHECK(read_small("/mnt/hostfile", buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "host file\n") == 0);
	fd = open("/mnt/hostfile", O_WRONLY);
	CHECK(fd < 0 && errno == EROFS);

	CHECK(read_small("/data/inside", buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "in dir\n") == 0);
	fd = open("/data/new", O_WRONLY | O_CREAT, 0644);
	CHECK(fd < 0 && errno == EROFS);

	/* rw relative bind: writable, lands in the host dir */
	fd = open("/rw/written", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);

	/* rbind carries the submount; plain bind does not */
	CHECK(is_fs("/rbind/sub", TMPFS_MAGIC));
	CHECK(!is_fs("/plainbind/sub", TMPFS_MAGIC));
	/* rro makes the submount read-only too */
	fd = open("/rbind/sub/x", O_WRONLY | O_CREAT, 0644);
	CHECK(fd < 0 && errno == EROFS);

	/* nosuid,nodev observed */
	struct statvfs sv;
	CHECK(statvfs("/data", &sv) == 0);
	CHECK((sv.f_flag & ST_RDONLY) && (sv.f_flag & ST_NOSUID) && (sv.f_flag & ST_NODEV));
}

static void test_bind_mounts(void **state)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/hostfile", g_bundle);
	assert_int_equal(run_cmd("echo 'host file' > '%s'", p), 0);
	assert_int_equal(run_cmd("mkdir -p '%s/dir' '%s/rwdir' '%s/rdir/sub' && echo 'in dir' > "
	                         "'%s/dir/inside'",
	                         g_bundle, g_bundle, g_bundle, g_bundle),
	                 0);
	/* absolute host file, ro: destination file created */
	add_mount(g_cfg, "/mnt/hostfile", "bind", p, "ro", NULL);
	/* relative to the bundle, type none with option bind */
	add_mount(g_cfg, "/data", "none", "dir", "bind", "ro", "nosuid", "nodev", NULL);
	add_mount(g_cfg, "/rw", NULL, "rwdir", "rbind", "rw", NULL);
	add_mount(g_cfg, "/rbind", "bind", "rdir", "rbind", "rro", "rprivate", NULL);
	add_mount(g_cfg, "/plainbind", "bind", "rdir", "bind", NULL);
	RUN_CHILD(0, child_binds, NULL);

	snprintf(p, sizeof(p), "%s/rwdir/written", g_bundle);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/mnt/hostfile", g_rootfs);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode) && st.st_size == 0);
}

static void child_tmpfs(void *arg)
{
	struct stat st;
	struct statvfs sv;
	char line[4096];

	enter();
	CHECK(stat("/scratch", &st) == 0);
	CHECK((st.st_mode & 07777) == 01777);
	CHECK(is_fs("/scratch", TMPFS_MAGIC));
	CHECK(statvfs("/scratch", &sv) == 0);
	CHECK((sv.f_flag & ST_NOSUID) && (sv.f_flag & ST_NODEV) && (sv.f_flag & ST_NOEXEC));
	CHECK(sv.f_blocks * sv.f_frsize == 1024 * 1024);
	CHECK(stat("/deep/new/dir", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(is_fs("/deep/new/dir", TMPFS_MAGIC));
	/* noatime via options, and a propagation option on a plain mount */
	mountinfo_line("/deep/new/dir", line, sizeof(line));
	CHECK(strstr(line, "noatime") != NULL);
	CHECK(strstr(line, "shared:") != NULL);
}

static void test_tmpfs_options(void **state)
{
	add_proc(g_cfg);
	add_mount(g_cfg, "/scratch", "tmpfs", "tmpfs", "nosuid", "nodev", "noexec", "mode=1777",
	          "size=1m", NULL);
	add_mount(g_cfg, "/deep/new/dir", "tmpfs", "tmpfs", "noatime", "shared", NULL);
	RUN_CHILD(0, child_tmpfs, NULL);
}

static void child_devpts_mqueue(void *arg)
{
	char buf[64];
	ssize_t n;
	int fd;

	enter();
	CHECK(is_fs("/dev", TMPFS_MAGIC));
	CHECK(is_fs("/dev/pts", DEVPTS_SUPER_MAGIC));
	n = readlink("/dev/ptmx", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "pts/ptmx") == 0));
	fd = posix_openpt(O_RDWR | O_NOCTTY);
	CHECK(fd >= 0);
	CHECK(grantpt(fd) == 0 && unlockpt(fd) == 0);
	CHECK(strcmp(ptsname(fd), "/dev/pts/0") == 0); /* a new instance starts at 0 */
	CHECK(access("/dev/pts/0", F_OK) == 0);
	close(fd);
	CHECK(is_fs("/dev/mqueue", MQUEUE_MAGIC));
	CHECK(is_fs("/dev/shm", TMPFS_MAGIC));
	CHECK(access("/dev/null", W_OK) == 0);
}

static void test_devpts_mqueue(void **state)
{
	add_mount(g_cfg, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755",
	          "size=65536k", NULL);
	add_mount(g_cfg, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance",
	          "ptmxmode=0666", "mode=0620", "gid=5", NULL);
	add_mount(g_cfg, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777",
	          "size=65536k", NULL);
	add_mount(g_cfg, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev", NULL);
	RUN_CHILD(CLONE_NEWIPC, child_devpts_mqueue, NULL);
}

static void child_overlay(void *arg)
{
	char buf[64];
	int fd;

	enter();
	CHECK(is_fs("/ovl", OVERLAYFS_SUPER_MAGIC));
	CHECK(read_small("/ovl/lowerfile", buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "lower\n") == 0);
	fd = open("/ovl/written", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "up", 2) == 2);
	close(fd);
}

static void test_overlay(void **state)
{
	char p[PATH_MAX + 64];

	assert_int_equal(run_cmd("mkdir -p '%s/lower' '%s/upper' '%s/work' && echo lower > "
	                         "'%s/lower/lowerfile'",
	                         g_bundle, g_bundle, g_bundle, g_bundle),
	                 0);
	/* relative dirs start at the bundle; the work dir absolute */
	snprintf(p, sizeof(p), "workdir=%s/work", g_bundle);
	add_mount(g_cfg, "/ovl", "overlay", "overlay", "lowerdir=lower", "upperdir=upper", p, NULL);
	RUN_CHILD(0, child_overlay, NULL);
	snprintf(p, sizeof(p), "%s/upper/written", g_bundle);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/lower/written", g_bundle);
	assert_int_not_equal(access(p, F_OK), 0);
}

static void test_unknown_fs_type(void **state)
{
	char msg[8192];

	add_mount(g_cfg, "/ok", "tmpfs", "tmpfs", NULL);
	add_mount(g_cfg, "/x", "nosuchfs", "none", NULL);
	expect_enter_error(msg, sizeof(msg));
	if (strstr(msg, "mounts[1]: mount nosuchfs on /x: unknown filesystem type") == NULL)
		fail_msg("got: %s", msg);
}

static void test_missing_bind_source(void **state)
{
	char msg[8192], want[PATH_MAX + 128];

	add_mount(g_cfg, "/ok", "tmpfs", "tmpfs", NULL);
	add_mount(g_cfg, "/y", "tmpfs", "tmpfs", NULL);
	add_mount(g_cfg, "/data", "bind", "/nope-nook", "rbind", NULL);
	add_mount(g_cfg, "/rel", "bind", "nope", "rbind", NULL);
	expect_enter_error(msg, sizeof(msg));
	if (strstr(msg, "mounts[2] (destination /data): source /nope-nook: No such file or "
	                "directory") == NULL)
		fail_msg("got: %s", msg);
	g_cfg->spec.mounts[2].source = "/bin/sh"; /* exists on the host: fine */
	expect_enter_error(msg, sizeof(msg));
	snprintf(want, sizeof(want), "mounts[3] (destination /rel): source %s/nope: No such file",
	         g_bundle);
	if (strstr(msg, want) == NULL)
		fail_msg("got: %s", msg);
}

static void test_bad_options_refused(void **state)
{
	char msg[8192];

	/* an id-mapped bind comes from the runtime (mount_idmap.c), or not at all */
	add_mount(g_cfg, "/i", "bind", "/tmp", "rbind", "idmap", NULL);
	expect_enter_error(msg, sizeof(msg));
	if (strstr(msg,
	           "mounts[0] (destination /i): no id-mapped clone of /tmp from the runtime") ==
	    NULL)
		fail_msg("got: %s", msg);
	g_cfg->spec.n_mounts = 0;
	g_cfg->spec.linux.rootfs_propagation = "sideways";
	expect_enter_error(msg, sizeof(msg));
	if (strstr(msg, "linux.rootfsPropagation: unknown value \"sideways\"") == NULL)
		fail_msg("got: %s", msg);
}

static void child_devices(void *arg)
{
	struct stat st;
	bool user_ns = g_cfg->opts_rootfs.in_user_ns;

	enter();
	CHECK(lstat("/dev/mynull", &st) == 0);
	CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
	if (!user_ns) {
		CHECK((st.st_mode & 07777) == 0600);
		CHECK(st.st_uid == 1000 && st.st_gid == 1001);
		CHECK(lstat("/dev/fifo", &st) == 0 && S_ISFIFO(st.st_mode));
		CHECK(lstat("/devices/elsewhere/zero", &st) == 0 && S_ISCHR(st.st_mode) &&
		      minor(st.st_rdev) == 5);
		/* the configured /dev/tty replaces the default one */
		CHECK(lstat("/dev/tty", &st) == 0 && (st.st_mode & 07777) == 0620);
	} else {
		/* binds of the host nodes on empty files */
		CHECK(lstat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) &&
		      minor(st.st_rdev) == 3);
		char line[4096];
		CHECK(mountinfo_line("/dev/null", line, sizeof(line))[0] != '\0');
	}
	CHECK(lstat("/dev/urandom", &st) == 0 && S_ISCHR(st.st_mode) && minor(st.st_rdev) == 9);
}

static void run_devices(bool in_user_ns)
{
	struct nook_device *d = g_cfg->devices;
	d[0] = (struct nook_device){.type = 'c', .path = "/dev/mynull", .major = 1, .minor = 3};
	d[0].has_file_mode = d[0].has_uid = d[0].has_gid = true;
	d[0].file_mode = 0600, d[0].uid = 1000, d[0].gid = 1001;
	g_cfg->spec.linux.n_devices = 1;
	if (!in_user_ns) {
		d[1] = (struct nook_device){.type = 'p', .path = "/dev/fifo"};
		d[2] = (struct nook_device){
		    .type = 'c', .path = "/devices/elsewhere/zero", .major = 1, .minor = 5};
		d[3] = (struct nook_device){.type = 'c',
		                            .path = "/dev/tty",
		                            .major = 5,
		                            .minor = 0,
		                            .has_file_mode = true,
		                            .file_mode = 0620};
		g_cfg->spec.linux.n_devices = 4;
	} else {
		/* in a user namespace the host's node at the same path is bound */
		d[0].path = "/dev/null";
		d[0].has_file_mode = d[0].has_uid = d[0].has_gid = false;
		d[1] = (struct nook_device){
		    .type = 'c', .path = "/dev/mynull", .major = 1, .minor = 3};
		g_cfg->spec.linux.n_devices = 1;
	}
	g_cfg->opts_rootfs.in_user_ns = in_user_ns;
	RUN_CHILD(0, child_devices, NULL);
}

static void test_devices(void **state)
{
	run_devices(false);
}

static void child_devices_userns(void *arg)
{
	struct stat st;

	enter();
	CHECK(lstat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && minor(st.st_rdev) == 3);
	CHECK(lstat("/dev/tty", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5);
	char line[4096];
	CHECK(mountinfo_line("/dev/null", line, sizeof(line))[0] != '\0');
	CHECK(mountinfo_line("/dev/zero", line, sizeof(line))[0] != '\0');
}

/* in_user_ns: no mknod, every node is a bind of the host's. (Run as real
 * root here: the bind path is the same.) */
static void test_devices_user_ns_binds(void **state)
{
	add_proc(g_cfg);
	g_cfg->opts_rootfs.in_user_ns = true;
	RUN_CHILD(0, child_devices_userns, NULL);
}

static void child_paths(void *arg)
{
	char buf[64];
	int fd;
	DIR *d;
	struct dirent *e;
	int entries = 0;

	enter();
	finish();
	/* readonlyPaths */
	fd = open("/proc/sys/kernel/hostname", O_WRONLY);
	CHECK(fd < 0 && errno == EROFS);
	fd = open("/etc/passwd", O_WRONLY);
	CHECK(fd < 0 && errno == EROFS);
	/* maskedPaths: file reads empty, directory is empty and read-only */
	CHECK(read_small("/etc/hostname", buf, sizeof(buf)) != NULL && buf[0] == '\0');
	CHECK(read_small("/proc/version", buf, sizeof(buf)) != NULL && buf[0] == '\0');
	d = opendir("/root");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			entries++;
	closedir(d);
	CHECK(entries == 0);
	CHECK(mkdir("/root/x", 0755) < 0 && errno == EROFS);
	CHECK(is_fs("/proc/scsi", TMPFS_MAGIC) || access("/proc/scsi", F_OK) < 0);
	/* root.readonly */
	fd = open("/newfile", O_WRONLY | O_CREAT, 0644);
	CHECK(fd < 0 && errno == EROFS);
	CHECK(mkdir("/tmp/x", 0755) < 0 && errno == EROFS);
	/* mounts keep their own flags */
	fd = open("/scratch/ok", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
}

static void test_readonly_masked_root_readonly(void **state)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/root/secret", g_rootfs);
	assert_int_equal(run_cmd("echo secret > '%s'", p), 0);
	add_proc(g_cfg);
	add_mount(g_cfg, "/scratch", "tmpfs", "tmpfs", NULL);
	g_cfg->readonly[0] = "/proc/sys";
	g_cfg->readonly[1] = "/etc/passwd";
	g_cfg->readonly[2] = "/does/not/exist";
	g_cfg->spec.linux.readonly_paths.n = 3;
	g_cfg->masked[0] = "/etc/hostname";
	g_cfg->masked[1] = "/proc/version";
	g_cfg->masked[2] = "/root";
	g_cfg->masked[3] = "/proc/scsi";
	g_cfg->masked[4] = "/missing/too";
	g_cfg->spec.linux.masked_paths.n = 5;
	g_cfg->spec.root.readonly = true;
	RUN_CHILD(CLONE_NEWPID, child_paths, NULL);
}

static int do_sysctl(struct nook_error *err)
{
	return nook_sysctl_apply(&g_cfg->spec, err);
}

static void child_sysctl(void *arg)
{
	char buf[64];

	enter();
	CHECK_OK(do_sysctl);
	CHECK(read_small("/proc/sys/kernel/shmmax", buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "123456789\n") == 0);
	CHECK(read_small("/proc/sys/net/ipv4/ip_forward", buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "1\n") == 0);
	CHECK(read_small("/proc/sys/kernel/msgmax", buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "4242\n") == 0);
}

static void test_sysctl(void **state)
{
	char buf[64];
	char before[64];

	read_small("/proc/sys/kernel/shmmax", before, sizeof(before));
	add_proc(g_cfg);
	g_cfg->sysctl[0] = (struct nook_kv){"kernel.shmmax", "123456789"};
	g_cfg->sysctl[1] = (struct nook_kv){"net.ipv4.ip_forward", "1"};
	g_cfg->sysctl[2] = (struct nook_kv){"kernel/msgmax", "4242"};
	g_cfg->spec.linux.sysctl.n = 3;
	RUN_CHILD(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC, child_sysctl, NULL);
	/* the host's values are untouched */
	read_small("/proc/sys/kernel/shmmax", buf, sizeof(buf));
	assert_string_equal(buf, before);
}

static void child_sysctl_errors(void *arg)
{
	struct nook_error err;
	char text[4096];
	static const char *bad[] = {"../../etc/x", "kernel..x", "kernel/../x",
	                            "a b",         "",          ".kernel"};

	enter();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		g_cfg->sysctl[0] = (struct nook_kv){(char *)bad[i], "1"};
		g_cfg->spec.linux.sysctl.n = 1;
		CHECK(nook_sysctl_apply(&g_cfg->spec, &err) < 0);
		CHECK(strstr(err.msg, "invalid key") != NULL);
	}
	g_cfg->sysctl[0] = (struct nook_kv){"kernel.no_such_knob", "1"};
	CHECK(nook_sysctl_apply(&g_cfg->spec, &err) < 0);
	nook_error_text(&err, text, sizeof(text));
	if (strcmp(text, "linux.sysctl[\"kernel.no_such_knob\"]: open "
	                 "/proc/sys/kernel/no_such_knob: No such file or directory") != 0) {
		report("got: %s", text);
		_exit(1);
	}
	g_cfg->sysctl[0] = (struct nook_kv){"kernel.ngroups_max", "5"}; /* read-only knob */
	CHECK(nook_sysctl_apply(&g_cfg->spec, &err) < 0);
	nook_error_text(&err, text, sizeof(text));
	CHECK(strstr(text, "linux.sysctl[\"kernel.ngroups_max\"]:") == text);
	/* no proc in the container (and none kept by nook_rootfs_enter) */
	nook_kernfs_forget();
	CHECK(umount2("/proc", MNT_DETACH) == 0);
	CHECK(nook_sysctl_apply(&g_cfg->spec, &err) < 0);
	CHECK(strstr(err.msg, "no /proc mounted in the container") != NULL);
}

static void test_sysctl_errors(void **state)
{
	add_proc(g_cfg);
	RUN_CHILD(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC, child_sysctl_errors, NULL);
}

static void child_propagation(void *arg)
{
	const char *want = arg;
	char line[4096];

	/* Play a host whose "/" is shared (as with systemd). */
	CHECK(mount(NULL, "/", NULL, MS_SHARED | MS_REC, NULL) == 0);
	/* The namespace above stays alive through this fd: its mounts are the
	 * peers (the "host") of the copies made by this unshare. */
	int host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	CHECK(host_ns >= 0);
	CHECK(unshare(CLONE_NEWNS) == 0);
	enter();
	mountinfo_line("/", line, sizeof(line));
	if (strcmp(want, "shared") == 0)
		CHECK(strstr(line, " shared:") != NULL && strstr(line, " master:") != NULL);
	else if (strcmp(want, "private") == 0)
		CHECK(strstr(line, " shared:") == NULL && strstr(line, " master:") == NULL);
	else if (strcmp(want, "unbindable") == 0)
		CHECK(strstr(line, " unbindable") != NULL);
	else /* default: rslave */
		CHECK(strstr(line, " shared:") == NULL && strstr(line, " master:") != NULL);
	/* Nothing reached the "host": not the rootfs, not a later mount. */
	CHECK(mount("tmpfs", "/tmp", "tmpfs", 0, NULL) == 0);
	CHECK(setns(host_ns, CLONE_NEWNS) == 0);
	CHECK(count_mounts(g_tmp) == 0);
}

static void test_propagation(void **state)
{
	add_proc(g_cfg);
	RUN_CHILD(0, child_propagation, "slave");
	g_cfg->spec.linux.rootfs_propagation = "slave";
	RUN_CHILD(0, child_propagation, "slave");
	g_cfg->spec.linux.rootfs_propagation = "private";
	RUN_CHILD(0, child_propagation, "private");
	g_cfg->spec.linux.rootfs_propagation = "shared";
	RUN_CHILD(0, child_propagation, "shared");
	g_cfg->spec.linux.rootfs_propagation = "unbindable";
	RUN_CHILD(0, child_propagation, "unbindable");
}

static void child_cgroup(void *arg)
{
	struct statfs sfs;
	int fd;

	enter();
	CHECK(statfs("/sys/fs/cgroup", &sfs) == 0);
	CHECK(sfs.f_flags & ST_RDONLY);
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		/* hybrid v1: the hierarchies are there, read-only */
		CHECK(is_fs("/sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC));
		fd = open("/sys/fs/cgroup/memory/nook-test", O_WRONLY | O_CREAT, 0644);
		CHECK(fd < 0 && errno == EROFS);
		CHECK(mkdir("/sys/fs/cgroup/pids/nook-test", 0755) < 0 && errno == EROFS);
	}
}

static void test_cgroup_mount(void **state)
{
	struct statfs sfs;

	if (statfs("/sys/fs/cgroup/memory", &sfs) != 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
		skip();
	add_mount(g_cfg, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro", NULL);
	add_mount(g_cfg, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev",
	          "relatime", "ro", NULL);
	RUN_CHILD(CLONE_NEWNET, child_cgroup, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_pivot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_escape, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_swap_race, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_create_in_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_dir_nofollow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bind_mounts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tmpfs_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_devpts_mqueue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlay, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_fs_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_bind_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_options_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_devices_user_ns_binds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_masked_root_readonly, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sysctl, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sysctl_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_propagation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cgroup_mount, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
