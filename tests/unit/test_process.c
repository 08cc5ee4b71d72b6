/* nook_process_setup, nook_oom_score_adj_for_child, nook_process_prepare_exec
 * and nook_user_switch, observed from inside forked children. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "nook/security.h"
#include "sec_child.h"

/* ---- rlimits ---- */

struct rlimit_case {
	struct nook_rlimit rl;
	rlim_t lower_hard_first; /* 0: leave the hard limit as it is */
};

static int child_rlimit(void *arg, char *msg, size_t size)
{
	struct rlimit_case *c = arg;
	struct nook_spec spec = {.has_process = true};
	struct nook_error err = {0};
	struct rlimit got;

	if (c->lower_hard_first != 0) {
		struct rlimit lower = {c->lower_hard_first, c->lower_hard_first};
		if (setrlimit(RLIMIT_NOFILE, &lower) < 0)
			return 2;
	}
	spec.process.rlimits = &c->rl;
	spec.process.n_rlimits = 1;
	if (nook_process_setup(&spec, &err) < 0)
		return child_error(msg, size, &err);
	if (getrlimit(RLIMIT_NOFILE, &got) < 0)
		return 3;
	snprintf(msg, size, "%llu %llu", (unsigned long long)got.rlim_cur,
	         (unsigned long long)got.rlim_max);
	return 0;
}

static void test_rlimit_nofile_lowered(void **state)
{
	struct rlimit_case c = {.rl = {"RLIMIT_NOFILE", RLIMIT_NOFILE, 200, 100}};
	struct child_result r;

	run_in_child(child_rlimit, &c, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "100 200");
}

static bool have_effective(cap_value_t cap)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	cap_get_flag(caps, cap, CAP_EFFECTIVE, &v);
	cap_free(caps);
	return v == CAP_SET;
}

static void test_rlimit_raise_hard_needs_sys_resource(void **state)
{
	struct rlimit_case c = {.rl = {"RLIMIT_NOFILE", RLIMIT_NOFILE, 2000, 500},
	                        .lower_hard_first = 1000};
	struct child_result r;

	run_in_child(child_rlimit, &c, &r);
	if (have_effective(CAP_SYS_RESOURCE)) {
		assert_child_exit(&r, 0);
		assert_string_equal(r.msg, "500 2000");
		return;
	}
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg, "process.rlimits[0]: RLIMIT_NOFILE hard limit 2000 is above the "
	                           "current 1000 and nook lacks CAP_SYS_RESOURCE: Operation not "
	                           "permitted");
}

static void test_rlimit_unknown_and_soft_above_hard(void **state)
{
	struct rlimit_case unknown = {.rl = {"RLIMIT_FOO", -1, 1, 1}};
	struct rlimit_case inverted = {.rl = {"RLIMIT_NOFILE", RLIMIT_NOFILE, 10, 20}};

	assert_child_fails(child_rlimit, &unknown,
	                   "process.rlimits[0]: RLIMIT_FOO is not known to this kernel: "
	                   "Invalid argument");
	assert_child_fails_with(child_rlimit, &inverted,
	                        "soft limit 20 is above the hard limit 10");
}

/* ---- oomScoreAdj ---- */

static int read_oom(void)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "re");
	int v = -2000;

	if (f != NULL) {
		if (fscanf(f, "%d", &v) != 1)
			v = -2000;
		fclose(f);
	}
	return v;
}

/* As the runtime does: set our own value around a fork, and see it in the
 * child and our old value back. */
static int child_oom(void *arg, char *msg, size_t size)
{
	struct nook_process proc = {.has_oom_score_adj = true, .oom_score_adj = *(int *)arg};
	struct nook_error err = {0};
	int before = read_oom(), saved, fds[2], in_child = -2000;
	pid_t pid;

	if (nook_oom_score_adj_for_child(&proc, &saved, &err) < 0)
		return child_error(msg, size, &err);
	if (pipe(fds) < 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		int v = read_oom();
		_exit(write(fds[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	nook_oom_score_adj_restore(saved);
	close(fds[1]);
	if (read(fds[0], &in_child, sizeof(in_child)) != sizeof(in_child))
		return 3;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	snprintf(msg, size, "%d", in_child);
	return read_oom() == before ? 0 : 4;
}

static void test_oom_score_adj_raised(void **state)
{
	int want = read_oom() + 100 > 1000 ? 1000 : read_oom() + 100;
	char expect[32];
	struct child_result r;

	run_in_child(child_oom, &want, &r);
	assert_child_exit(&r, 0);
	snprintf(expect, sizeof(expect), "%d", want);
	assert_string_equal(r.msg, expect);
}

static void test_oom_score_adj_lowered(void **state)
{
	int current = read_oom();
	int want = current - 1;
	char expect[256];
	struct child_result r;

	if (current <= -1000)
		skip();
	run_in_child(child_oom, &want, &r);
	if (have_effective(CAP_SYS_RESOURCE)) {
		assert_child_exit(&r, 0);
		return;
	}
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	snprintf(expect, sizeof(expect),
	         "process.oomScoreAdj: %d is below the current %d and nook lacks "
	         "CAP_SYS_RESOURCE: Permission denied",
	         want, current);
	assert_string_equal(r.msg, expect);
}

static void test_oom_score_adj_out_of_range(void **state)
{
	int want = 1001;

	assert_child_fails(child_oom, &want,
	                   "process.oomScoreAdj: 1001 is outside -1000..1000: Invalid "
	                   "argument");
}

/* ---- personality ---- */

static int child_personality(void *arg, char *msg, size_t size)
{
	struct nook_spec spec = {0};
	struct nook_error err = {0};
	struct utsname u;

	spec.linux.personality = *(struct nook_personality *)arg;
	if (nook_process_setup(&spec, &err) < 0)
		return child_error(msg, size, &err);
	if (uname(&u) < 0)
		return 2;
	snprintf(msg, size, "%d %s", personality(0xffffffff) & PER_MASK, u.machine);
	return 0;
}

static void test_personality_linux32(void **state)
{
	struct nook_personality p = {.present = true, .domain = "LINUX32"};
	struct child_result r;
	char expect[64];

	run_in_child(child_personality, &p, &r);
	assert_child_exit(&r, 0);
	snprintf(expect, sizeof(expect), "%d i686", PER_LINUX32);
	assert_string_equal(r.msg, expect);
}

static void test_personality_errors(void **state)
{
	char *flags[] = {"ADDR_NO_RANDOMIZE"};
	struct nook_personality with_flag = {
	    .present = true, .domain = "LINUX", .flags = {flags, 1}};
	struct nook_personality bad_domain = {.present = true, .domain = "BSD"};

	assert_child_fails(child_personality, &with_flag,
	                   "linux.personality.flags[0]: unknown flag \"ADDR_NO_RANDOMIZE\" "
	                   "(nook supports none): Invalid argument");
	assert_child_fails_with(child_personality, &bad_domain,
	                        "linux.personality.domain: unknown domain \"BSD\"");
}

/* ---- ioPriority ---- */

static int child_ioprio(void *arg, char *msg, size_t size)
{
	struct nook_spec spec = {.has_process = true};
	struct nook_error err = {0};
	long prio;

	spec.process.io_priority = *(struct nook_io_priority *)arg;
	if (nook_process_setup(&spec, &err) < 0)
		return child_error(msg, size, &err);
	prio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	snprintf(msg, size, "%ld %ld", IOPRIO_PRIO_CLASS(prio), IOPRIO_PRIO_DATA(prio));
	return 0;
}

static void test_io_priority(void **state)
{
	struct nook_io_priority be = {
	    .present = true, .class_name = "IOPRIO_CLASS_BE", .priority = 6};
	struct nook_io_priority bad = {
	    .present = true, .class_name = "IOPRIO_CLASS_X", .priority = 1};
	struct nook_io_priority range = {
	    .present = true, .class_name = "IOPRIO_CLASS_IDLE", .priority = 8};
	struct child_result r;
	char expect[32];

	run_in_child(child_ioprio, &be, &r);
	assert_child_exit(&r, 0);
	snprintf(expect, sizeof(expect), "%d 6", IOPRIO_CLASS_BE);
	assert_string_equal(r.msg, expect);
	assert_child_fails_with(child_ioprio, &bad,
	                        "process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\"");
	assert_child_fails_with(child_ioprio, &range,
	                        "process.ioPriority.priority: 8 is outside 0..7");
}

/* ---- prepare_exec ---- */

static int child_exec(void *arg, char *msg, size_t size)
{
	const struct nook_process *proc = arg;
	struct nook_error err = {0};
	char exe[PATH_MAX];
	char cwd[PATH_MAX];
	mode_t mask;

	if (nook_process_prepare_exec(proc, exe, sizeof(exe), &err) < 0)
		return child_error(msg, size, &err);
	mask = umask(0);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return 2;
	snprintf(msg, size, "%s %s %03o", exe, cwd, (unsigned)mask);
	return 0;
}

static void run_exec(char **args, size_t n_args, char **env, size_t n_env, const char *cwd,
                     struct child_result *r)
{
	struct nook_process proc = {
	    .args = {args, n_args}, .env = {env, n_env}, .cwd = (char *)cwd};

	run_in_child(child_exec, &proc, r);
}

static void test_exec_path_from_config_env(void **state)
{
	char *args[] = {"sh", "-c", "true"};
	char *env[] = {"HOME=/", "PATH=/nonexistent::/bin"};
	struct child_result r;

	/* The runtime's own PATH must not matter. */
	setenv("PATH", "/nonexistent", 1);
	run_exec(args, 3, env, 2, "/tmp", &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "/bin/sh /tmp 022");
}

static void test_exec_default_path(void **state)
{
	char *args[] = {"sh"};
	char *env[] = {"TERM=xterm"};
	struct child_result r;

	setenv("PATH", "/nonexistent", 1);
	run_exec(args, 1, env, 1, "/", &r);
	assert_child_exit(&r, 0);
	/* The first directory of the default PATH that has sh. */
	assert_true(strcmp(r.msg, "/usr/sbin/sh / 022") == 0 ||
	            strcmp(r.msg, "/usr/bin/sh / 022") == 0 ||
	            strcmp(r.msg, "/sbin/sh / 022") == 0 || strcmp(r.msg, "/bin/sh / 022") == 0);
}

static void test_exec_path_ignores_runtime_path(void **state)
{
	char dir[] = "/tmp/nook-exec-XXXXXX";
	char file[PATH_MAX], env_path[PATH_MAX + 8], expect[PATH_MAX + 32];
	char *args[] = {"nook-test-prog"};
	char *env[] = {env_path};
	struct child_result r;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/nook-test-prog", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	close(fd);

	/* Found through the config's PATH. */
	snprintf(env_path, sizeof(env_path), "PATH=/nonexistent:%s", dir);
	setenv("PATH", "/usr/bin", 1);
	run_exec(args, 1, env, 1, "/", &r);
	assert_child_exit(&r, 0);
	snprintf(expect, sizeof(expect), "%s / 022", file);
	assert_string_equal(r.msg, expect);

	/* Not found when only the runtime's PATH has it. */
	snprintf(env_path, sizeof(env_path), "PATH=/nonexistent");
	setenv("PATH", dir, 1);
	run_exec(args, 1, env, 1, "/", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(
	    r.msg, "process.args[0]: executable file \"nook-test-prog\" not found in $PATH");

	/* Not executable: skipped in the search. */
	chmod(file, 0644);
	snprintf(env_path, sizeof(env_path), "PATH=%s", dir);
	run_exec(args, 1, env, 1, "/", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(
	    r.msg, "process.args[0]: executable file \"nook-test-prog\" not found in $PATH");
	unlink(file);
	rmdir(dir);
}

static void test_exec_errors(void **state)
{
	char *missing[] = {"nook-no-such-program"};
	char *passwd[] = {"/etc/passwd"};
	char *gone[] = {"/nonexistent/prog"};
	char *sh[] = {"/bin/sh"};
	char *env[] = {"PATH=/bin:/usr/bin"};
	struct child_result r;

	run_exec(missing, 1, env, 1, "/", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(
	    r.msg, "process.args[0]: executable file \"nook-no-such-program\" not found in $PATH");

	run_exec(passwd, 1, env, 1, "/", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg, "process.args[0]: \"/etc/passwd\": permission denied");

	run_exec(gone, 1, env, 1, "/", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg,
	                    "process.args[0]: \"/nonexistent/prog\": No such file or directory");

	run_exec(sh, 1, env, 1, "/nope", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg, "process.cwd: chdir /nope: No such file or directory");

	run_exec(sh, 0, env, 1, "/", &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg, "process.args: must not be empty: Invalid argument");
}

static void test_exec_relative_and_umask(void **state)
{
	char *args[] = {"./sh"};
	struct nook_process proc = {.args = {args, 1}, .cwd = "/usr/bin"};
	struct child_result r;

	proc.user.has_umask = true;
	proc.user.umask = 027;
	run_in_child(child_exec, &proc, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "./sh /usr/bin 027");
}

/* ---- user ---- */

static int child_user(void *arg, char *msg, size_t size)
{
	const struct nook_user *user = arg;
	struct nook_error err = {0};
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[16];
	int n, len;

	if (nook_user_switch(user, &err) < 0)
		return child_error(msg, size, &err);
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return 2;
	n = getgroups(16, groups);
	if (n < 0)
		return 3;
	len = snprintf(msg, size, "%u %u %u / %u %u %u / keepcaps %d /", ru, eu, su, rg, eg, sg,
	               prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	for (int i = 0; i < n && len > 0 && (size_t)len < size; i++)
		len += snprintf(msg + len, size - (size_t)len, " %u", groups[i]);
	return 0;
}

static void test_user_switch(void **state)
{
	uint32_t gids[] = {10, 20, 30};
	struct nook_user user = {
	    .uid = 1000, .gid = 1001, .additional_gids = gids, .n_additional_gids = 3};
	struct child_result r;

	run_in_child(child_user, &user, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "1000 1000 1000 / 1001 1001 1001 / keepcaps 0 / 10 20 30");
}

/* ---- HOME and cwd, in a chroot made of a temp dir ---- */

static char chroot_dir[64];

static void chroot_make(void)
{
	snprintf(chroot_dir, sizeof(chroot_dir), "/tmp/nook-chroot.XXXXXX");
	assert_non_null(mkdtemp(chroot_dir));
}

static void chroot_remove(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", chroot_dir);
	assert_int_equal(system(cmd), 0);
}

static int write_text(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", chroot_dir, rel);
	f = fopen(path, "we");
	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int child_home(void *arg, char *msg, size_t size)
{
	const uid_t *uids = arg;
	int len = 0;

	if (chroot(chroot_dir) < 0 || chdir("/") < 0)
		return 2;
	for (size_t i = 0; uids[i] != (uid_t)-1 && (size_t)len < size; i++) {
		char home[256];
		nook_user_home(uids[i], home, sizeof(home));
		len += snprintf(msg + len, size - (size_t)len, "%s[%s]", i ? " " : "", home);
	}
	return 0;
}

/* runc and crun: HOME from the container's /etc/passwd, "/" when the uid
 * is not listed; the first matching line wins, bad lines are skipped. */
static void test_user_home_from_passwd(void **state)
{
	uid_t uids[] = {0, 1000, 1001, 7, 4242, 42, (uid_t)-1};
	struct child_result r;
	char etc[128];

	chroot_make();
	snprintf(etc, sizeof(etc), "%s/etc", chroot_dir);
	assert_int_equal(mkdir(etc, 0755), 0);
	assert_int_equal(write_text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
	                                          "broken line\n"
	                                          "neg:x:-1000:0::/neg:/bin/sh\n"
	                                          "a:x:1000:1000::/home/a:/bin/sh\n"
	                                          "b:x:1000:1000::/home/b:/bin/sh\n"
	                                          "noshell:x:1001:1::/home/noshell\n"
	                                          "empty:x:7:7:::/bin/sh\n"
	                                          "x:x:42junk:0::/junk:/bin/sh\n"
	                                          "last:x:4242:0::/last"),
	                 0);
	run_in_child(child_home, uids, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "[/root] [/home/a] [/home/noshell] [] [/last] [/]");

	uid_t root_only[] = {0, (uid_t)-1};
	char passwd[128];
	snprintf(passwd, sizeof(passwd), "%s/etc/passwd", chroot_dir);
	assert_int_equal(unlink(passwd), 0);
	run_in_child(child_home, root_only, &r);
	assert_string_equal(r.msg, "[/]");
	assert_int_equal(mkfifo(passwd, 0644), 0);
	run_in_child(child_home, root_only, &r);
	assert_string_equal(r.msg, "[/]");
	chroot_remove();
}

static int child_make_cwd(void *arg, char *msg, size_t size)
{
	struct nook_process proc = {.cwd = arg};
	struct stat st;

	if (chroot(chroot_dir) < 0 || chdir("/") < 0)
		return 2;
	umask(022);
	nook_process_make_cwd(&proc);
	if (stat(proc.cwd, &st) < 0)
		snprintf(msg, size, "missing");
	else
		snprintf(msg, size, "%s %o", S_ISDIR(st.st_mode) ? "dir" : "other",
		         st.st_mode & 07777);
	return 0;
}

static void test_make_cwd(void **state)
{
	struct child_result r;

	chroot_make();
	run_in_child(child_make_cwd, "/a/b//c/", &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "dir 755");
	run_in_child(child_make_cwd, "/a/b/c", &r);
	assert_string_equal(r.msg, "dir 755");
	/* a file on the way: nothing made, the chdir will say why */
	assert_int_equal(write_text("file", "x"), 0);
	run_in_child(child_make_cwd, "/file/sub", &r);
	assert_string_equal(r.msg, "missing");
	chroot_remove();
}

/* CVE-2024-21626: a cwd that a leaked fd put outside the root (here: the
 * host's /tmp, entered after a chroot) passes chdir, but not the check. */
static int child_cwd_outside_root(void *arg, char *msg, size_t size)
{
	char *args[] = {"sh"};
	struct nook_process proc = {.args = {args, 1}, .cwd = arg};
	struct nook_error err = {0};
	char exe[PATH_MAX];
	int outside = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (outside < 0 || chroot(chroot_dir) < 0 || chdir("/") < 0)
		return 2;
	if (strcmp(proc.cwd, ".") == 0 && fchdir(outside) < 0)
		return 3;
	if (nook_process_prepare_exec(&proc, exe, sizeof(exe), &err) < 0)
		return child_error(msg, size, &err);
	return 0;
}

static void test_exec_cwd_outside_root(void **state)
{

	chroot_make();
	assert_child_fails(child_cwd_outside_root, ".",
	                   "process.cwd: . is outside the container's root (CVE-2024-21626)");
	/* Inside the root the check passes; the chroot has no sh to find. */
	assert_child_fails(child_cwd_outside_root, "/",
	                   "process.args[0]: executable file \"sh\" not found in $PATH");
	chroot_remove();
}

static void test_user_switch_clears_groups(void **state)
{
	struct nook_user user = {.uid = 0, .gid = 0};
	struct child_result r;

	run_in_child(child_user, &user, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "0 0 0 / 0 0 0 / keepcaps 0 /");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rlimit_nofile_lowered),
	    cmocka_unit_test(test_rlimit_raise_hard_needs_sys_resource),
	    cmocka_unit_test(test_rlimit_unknown_and_soft_above_hard),
	    cmocka_unit_test(test_oom_score_adj_raised),
	    cmocka_unit_test(test_oom_score_adj_lowered),
	    cmocka_unit_test(test_oom_score_adj_out_of_range),
	    cmocka_unit_test(test_user_home_from_passwd),
	    cmocka_unit_test(test_make_cwd),
	    cmocka_unit_test(test_exec_cwd_outside_root),
	    cmocka_unit_test(test_personality_linux32),
	    cmocka_unit_test(test_personality_errors),
	    cmocka_unit_test(test_io_priority),
	    cmocka_unit_test(test_exec_path_from_config_env),
	    cmocka_unit_test(test_exec_default_path),
	    cmocka_unit_test(test_exec_path_ignores_runtime_path),
	    cmocka_unit_test(test_exec_errors),
	    cmocka_unit_test(test_exec_relative_and_umask),
	    cmocka_unit_test(test_user_switch),
	    cmocka_unit_test(test_user_switch_clears_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
