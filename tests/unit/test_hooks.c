/* OCI hooks: argv, env, stdin, timeouts, failures, and what must not leak. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "nook/hooks.h"

#define STRV(...)                                                                                  \
	((struct nook_strv){.v = (char *[]){__VA_ARGS__, NULL},                                    \
	                    .n = sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)})

static const char state_json[] =
    "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
    "\"bundle\":\"/b\"}";

static char dir[64];

/* ---- helpers ---- */

static char *path_in_dir(const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

/* "/bin/sh -c <script>" (a macro: the args live in the caller's scope). */
#define sh_hook(script) ((struct nook_hook){.path = "/bin/sh", .args = STRV("sh", "-c", (script))})

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *data = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(f);
	assert_non_null(data);
	n = fread(data, 1, (1 << 16) - 1, f);
	fclose(f);
	if (len != NULL)
		*len = n;
	return data;
}

static int run_list(struct nook_hook *v, size_t n, const char *kind, const char *state,
                    struct nook_error *err)
{
	struct nook_hook_list list = {.v = v, .n = n};

	nook_error_clear(err);
	return nook_hooks_run(&list, kind, state, err);
}

static int run_one(struct nook_hook hook, const char *state, struct nook_error *err)
{
	return run_list(&hook, 1, "prestart", state, err);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---- tests ---- */

static void state_reaches_stdin(void **unused)
{
	char script[512];
	struct nook_error err;
	char *got;

	snprintf(script, sizeof(script), "exec /bin/cat > %s", path_in_dir("state"));
	assert_int_equal(run_one(sh_hook(script), state_json, &err), 0);
	got = read_file(path_in_dir("state"), NULL);
	assert_string_equal(got, state_json);
	free(got);
}

/* Run a hook that dumps its /proc/$$/environ, with env set when not NULL,
 * as a prestart hook or, given opts, as a startContainer hook run with
 * them; what it dumped (len bytes). */
static char *hook_environ(const struct nook_strv *env, const struct nook_hooks_opts *opts,
                          size_t *len)
{
	char script[512];
	struct nook_error err;
	struct nook_hook hook;
	struct nook_hook_list list = {.v = &hook, .n = 1};

	snprintf(script, sizeof(script), "/bin/cat /proc/$$/environ > %s", path_in_dir("env"));
	hook = sh_hook(script);
	if (env != NULL)
		hook.env = *env;
	if (opts == NULL)
		assert_int_equal(run_one(hook, state_json, &err), 0);
	else
		assert_int_equal(
		    nook_hooks_run_opts(&list, "startContainer", state_json, opts, &err), 0);
	return read_file(path_in_dir("env"), len);
}

/* /proc/<pid>/environ is exactly what execve got: the configured env, an
 * empty one for `env: []`, and without env the runtime's own (runc, crun)
 * or the caller's default. */
static void env_is_exactly_configured(void **unused)
{
	struct nook_strv env = STRV("A=1", "PATH=/nowhere", "B=two words");
	size_t len;
	char *got;

	got = hook_environ(&env, NULL, &len);
	assert_int_equal(len, sizeof("A=1\0PATH=/nowhere\0B=two words"));
	assert_memory_equal(got, "A=1\0PATH=/nowhere\0B=two words", len);
	free(got);

	env = (struct nook_strv){.v = (char *[]){NULL}, .n = 0};
	got = hook_environ(&env, NULL, &len);
	assert_int_equal(len, 0);
	free(got);
}

static void env_absent_is_the_runtimes_or_the_default(void **unused)
{
	const struct nook_hooks_opts opts = {.default_env = (char *[]){"ONLY=this", NULL}};
	size_t len;
	char *got;

	assert_int_equal(setenv("NOOK_UNIT_HOOK", "from-runtime", 1), 0);
	got = hook_environ(NULL, NULL, &len);
	unsetenv("NOOK_UNIT_HOOK");
	assert_true(memmem(got, len, "NOOK_UNIT_HOOK=from-runtime", 28) != NULL);
	free(got);

	got = hook_environ(NULL, &opts, &len);
	assert_int_equal(len, sizeof("ONLY=this"));
	assert_memory_equal(got, "ONLY=this", len);
	free(got);
}

static void args_are_passed(void **unused)
{
	char script[512];
	struct nook_error err;
	struct nook_hook hook;
	char *got;

	snprintf(script, sizeof(script), "printf '%%s|' \"$0\" \"$@\" > %s", path_in_dir("args"));
	hook = (struct nook_hook){.path = "/bin/sh",
	                          .args = STRV("not-sh", "-c", script, "zero", "a", "b c")};
	assert_int_equal(run_one(hook, state_json, &err), 0);
	got = read_file(path_in_dir("args"), NULL);
	assert_string_equal(got, "zero|a|b c|");
	free(got);
}

/* Without args, argv is just the path. */
static void no_args_means_path_only(void **unused)
{
	char *script_path = path_in_dir("script");
	char *out_path = path_in_dir("argv0");
	struct nook_error err;
	FILE *f = fopen(script_path, "we");
	char *got;

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nprintf '%%s %%s' \"$0\" \"$#\" > %s\n", out_path);
	fclose(f);
	assert_int_equal(chmod(script_path, 0755), 0);
	assert_int_equal(run_one((struct nook_hook){.path = script_path}, state_json, &err), 0);
	got = read_file(out_path, NULL);
	assert_true(strncmp(got, script_path, strlen(script_path)) == 0);
	assert_string_equal(got + strlen(script_path), " 0");
	free(got);
}

static void failure_names_hook_status_and_stderr(void **unused)
{
	struct nook_hook hooks[] = {
	    {.path = "/bin/true"},
	    sh_hook("echo first line >&2; echo second >&2; exit 3"),
	};
	struct nook_error err;

	assert_int_equal(run_list(hooks, 2, "prestart", state_json, &err), -1);
	assert_string_equal(err.msg,
	                    "hooks.prestart[1] (/bin/sh): exited with status 3: first line");
	assert_int_equal(err.errnum, 0);

	hooks[1] = sh_hook("exit 4");
	assert_int_equal(run_list(hooks, 2, "poststop", state_json, &err), -1);
	assert_string_equal(err.msg, "hooks.poststop[1] (/bin/sh): exited with status 4");
}

static void killed_by_signal(void **unused)
{
	struct nook_error err;

	assert_int_equal(run_one(sh_hook("kill -9 $$"), state_json, &err), -1);
	assert_string_equal(err.msg, "hooks.prestart[0] (/bin/sh): killed by signal 9");
}

static bool process_gone(pid_t pid)
{
	char path[64], stat[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return true;
	if (fgets(stat, sizeof(stat), f) == NULL)
		stat[0] = '\0';
	fclose(f);
	/* A killed grandchild is a zombie until its new parent reaps it. */
	return strstr(stat, ") Z ") != NULL;
}

static pid_t read_pid(const char *path)
{
	char *text = read_file(path, NULL);
	pid_t pid = (pid_t)atoi(text);

	free(text);
	return pid;
}

static void timeout_kills_the_hook(void **unused)
{
	char script[512];
	struct nook_error err;
	struct nook_hook hook;
	struct timespec start;
	pid_t hook_pid, child_pid;

	snprintf(script, sizeof(script), "/bin/sleep 10 & echo $! > %s; echo $$ > %s; wait",
	         path_in_dir("child.pid"), path_in_dir("hook.pid"));
	hook = sh_hook(script);
	hook.has_timeout = true;
	hook.timeout = 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(run_list(&hook, 1, "poststart", state_json, &err), -1);
	assert_true(seconds_since(&start) < 5.0);
	assert_true(seconds_since(&start) >= 0.9);
	assert_string_equal(err.msg, "hooks.poststart[0] (/bin/sh): timed out after 1s");
	hook_pid = read_pid(path_in_dir("hook.pid"));
	child_pid = read_pid(path_in_dir("child.pid"));
	assert_true(hook_pid > 0 && child_pid > 0);
	assert_true(process_gone(hook_pid));
	for (int i = 0; i < 100 && !process_gone(child_pid); i++)
		usleep(10000);
	assert_true(process_gone(child_pid));
}

static void timeout_not_reached(void **unused)
{
	struct nook_error err;
	struct nook_hook hook = {.path = "/bin/true", .has_timeout = true, .timeout = 5};
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(run_one(hook, state_json, &err), 0);
	assert_true(seconds_since(&start) < 2.0);
}

static void missing_path(void **unused)
{
	struct nook_hook hooks[] = {{.path = "/nope/hook"}, {.path = "/bin/true"}};
	struct nook_error err;

	assert_int_equal(run_list(hooks, 2, "createRuntime", state_json, &err), -1);
	assert_string_equal(err.msg, "hooks.createRuntime[0] (/nope/hook)");
	assert_int_equal(err.errnum, ENOENT);
}

static void run_in_order_and_stop_at_first_failure(void **unused)
{
	char s1[512], s2[512], s3[512];
	char *log = path_in_dir("order");
	struct nook_error err;
	char *got;

	snprintf(s1, sizeof(s1), "echo 1 >> %s", log);
	snprintf(s2, sizeof(s2), "echo 2 >> %s; exit 1", log);
	snprintf(s3, sizeof(s3), "echo 3 >> %s", log);
	struct nook_hook hooks[] = {sh_hook(s1), sh_hook(s1), sh_hook(s2), sh_hook(s3)};

	assert_int_equal(run_list(hooks, 4, "createContainer", state_json, &err), -1);
	assert_string_equal(err.msg, "hooks.createContainer[2] (/bin/sh): exited with status 1");
	got = read_file(log, NULL);
	assert_string_equal(got, "1\n1\n2\n");
	free(got);
}

static void empty_list_is_fine(void **unused)
{
	struct nook_error err;

	assert_int_equal(run_list(NULL, 0, "poststop", state_json, &err), 0);
	assert_int_equal(nook_hooks_run(NULL, "poststop", state_json, &err), 0);
}

/* runtime.md lifecycle 13 (poststop): a failure is a warning and the
 * rest still run; the call fails at the end. */
static void keep_going_runs_the_rest(void **unused)
{
	char s1[512], s3[512];
	char *log = path_in_dir("keep-going");
	struct nook_error err;
	char *got;

	snprintf(s1, sizeof(s1), "echo 1 >> %s; exit 2", log);
	snprintf(s3, sizeof(s3), "echo 3 >> %s", log);
	struct nook_hook hooks[] = {sh_hook(s1), {.path = "/nope/hook"}, sh_hook(s3)};
	struct nook_hook_list list = {.v = hooks, .n = 3};
	const struct nook_hooks_opts opts = {.keep_going = true};

	nook_error_clear(&err);
	assert_int_equal(nook_hooks_run_opts(&list, "poststop", state_json, &opts, &err), -1);
	assert_string_equal(err.msg, "2 of 3 poststop hooks failed");
	got = read_file(log, NULL);
	assert_string_equal(got, "1\n3\n");
	free(got);
}

static int refuse_with_eacces(void *ctx)
{
	int *calls = ctx;

	++*calls; /* in the child: the parent's copy stays 0 */
	return EACCES;
}

static int write_marker(void *ctx)
{
	int fd = open(ctx, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* before_exec runs in the hook's child just before execve; its errno fails
 * the hook as an execve errno would. */
static void before_exec_runs_in_the_child(void **unused)
{
	struct nook_hook hook = {.path = "/bin/true"};
	struct nook_hook_list list = {.v = &hook, .n = 1};
	struct nook_error err;
	int calls = 0;
	char *marker = path_in_dir("before-exec");
	struct nook_hooks_opts opts = {.before_exec = refuse_with_eacces, .ctx = &calls};

	nook_error_clear(&err);
	assert_int_equal(nook_hooks_run_opts(&list, "startContainer", state_json, &opts, &err), -1);
	assert_int_equal(err.errnum, EACCES);
	assert_string_equal(err.msg, "hooks.startContainer[0] (/bin/true)");
	assert_int_equal(calls, 0);

	opts = (struct nook_hooks_opts){.before_exec = write_marker, .ctx = marker};
	assert_int_equal(nook_hooks_run_opts(&list, "startContainer", state_json, &opts, &err), 0);
	assert_int_equal(access(marker, F_OK), 0);
}

/* An fd of the runtime without O_CLOEXEC does not reach the hook. */
static void runtime_fds_do_not_leak(void **unused)
{
	char script[512];
	struct nook_error err;
	int fd = open(path_in_dir("leaked"), O_WRONLY | O_CREAT, 0600);
	int high;
	char *got;

	assert_true(fd >= 0);
	high = dup2(fd, 100);
	assert_int_equal(high, 100);
	snprintf(script, sizeof(script), "exec /bin/ls -l /proc/self/fd/ > %s", path_in_dir("fds"));
	assert_int_equal(run_one(sh_hook(script), state_json, &err), 0);
	got = read_file(path_in_dir("fds"), NULL);
	assert_non_null(strstr(got, " 0 -> pipe:"));
	assert_non_null(strstr(got, " 2 -> pipe:"));
	assert_null(strstr(got, "leaked"));
	assert_null(strstr(got, " 100 -> "));
	free(got);
	close(fd);
	close(high);
}

/* A hook that never reads a 1 MB state neither hangs nor kills the runtime
 * with SIGPIPE, and leaves no SIGPIPE pending or unblocked. */
static void unread_big_state(void **unused)
{
	size_t len = 1 << 20;
	char *big = malloc(len + 1);
	struct nook_error err;
	struct timespec start;
	sigset_t mask, pending;

	assert_non_null(big);
	memset(big, 'x', len);
	big[len] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(run_one((struct nook_hook){.path = "/bin/true"}, big, &err), 0);
	assert_int_equal(run_one(sh_hook("/bin/sleep 0.2"), big, &err), 0);
	assert_true(seconds_since(&start) < 5.0);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	assert_int_equal(sigismember(&mask, SIGPIPE), 0);
	sigpending(&pending);
	assert_int_equal(sigismember(&pending, SIGPIPE), 0);
	free(big);
}

/* Output beyond the capture buffers is drained, not a deadlock. */
static void big_output_is_drained(void **unused)
{
	struct nook_error err;

	assert_int_equal(run_one(sh_hook("/usr/bin/head -c 1000000 /dev/zero; "
	                                 "/usr/bin/head -c 1000000 /dev/zero >&2"),
	                         state_json, &err),
	                 0);
	assert_int_equal(run_one(sh_hook("/usr/bin/head -c 1000000 /dev/zero | /usr/bin/tr "
	                                 "'\\0' e >&2; exit 2"),
	                         state_json, &err),
	                 -1);
	assert_true(
	    strncmp(err.msg, "hooks.prestart[0] (/bin/sh): exited with status 2: eeee", 55) == 0);
	assert_true(strlen(err.msg) < NOOK_ERROR_MSG_MAX);
}

/* ---- setup ---- */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **unused)
{
	snprintf(dir, sizeof(dir), "/tmp/nook-hooks.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **unused)
{
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(state_reaches_stdin),
	    cmocka_unit_test(env_is_exactly_configured),
	    cmocka_unit_test(env_absent_is_the_runtimes_or_the_default),
	    cmocka_unit_test(keep_going_runs_the_rest),
	    cmocka_unit_test(before_exec_runs_in_the_child),
	    cmocka_unit_test(args_are_passed),
	    cmocka_unit_test(no_args_means_path_only),
	    cmocka_unit_test(failure_names_hook_status_and_stderr),
	    cmocka_unit_test(killed_by_signal),
	    cmocka_unit_test(timeout_kills_the_hook),
	    cmocka_unit_test(timeout_not_reached),
	    cmocka_unit_test(missing_path),
	    cmocka_unit_test(run_in_order_and_stop_at_first_failure),
	    cmocka_unit_test(empty_list_is_fine),
	    cmocka_unit_test(runtime_fds_do_not_leak),
	    cmocka_unit_test(unread_big_state),
	    cmocka_unit_test(big_output_is_drained),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
