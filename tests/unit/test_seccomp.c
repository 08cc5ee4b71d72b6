/* nook_seccomp_prepare/load: every filter is loaded in a forked child and
 * observed there through what the probed syscalls return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/security.h"
#include "sec_child.h"

#define ERRNO_MARK 42

/* ---- building configs by hand ---- */

#define NAMES(...)                                                                                 \
	((struct nook_strv){(char *[]){__VA_ARGS__},                                               \
	                    sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)})

static struct nook_seccomp allow_all_but(struct nook_seccomp_syscall *rules, size_t n)
{
	return (struct nook_seccomp){.present = true,
	                             .default_action = "SCMP_ACT_ALLOW",
	                             .syscalls = rules,
	                             .n_syscalls = n};
}

static struct nook_seccomp_syscall rule(struct nook_strv names, char *action)
{
	return (struct nook_seccomp_syscall){.names = names, .action = action};
}

static struct nook_seccomp_syscall rule_errno(struct nook_strv names, uint32_t errnum)
{
	return (struct nook_seccomp_syscall){
	    .names = names, .action = "SCMP_ACT_ERRNO", .has_errno_ret = true, .errno_ret = errnum};
}

/* ---- the child: prepare, load, probe ---- */

typedef void (*probe_fn)(char *msg, size_t size);

struct filter_case {
	const struct nook_seccomp *seccomp;
	probe_fn probe;
	bool drop_sys_admin; /* before loading */
};

/* "ok" or "errno N" for a syscall result. */
static void result_text(long rc, int errnum, char *msg, size_t size)
{
	if (rc < 0)
		snprintf(msg, size, "errno %d", errnum);
	else
		snprintf(msg, size, "ok");
}

static void probe_getcwd(char *msg, size_t size)
{
	char buf[PATH_MAX];
	long rc = syscall(SYS_getcwd, buf, sizeof(buf));

	result_text(rc, errno, msg, size);
}

static void probe_getppid(char *msg, size_t size)
{
	long rc = syscall(SYS_getppid);

	result_text(rc, errno, msg, size);
}

/* close() of fds that are not open: EBADF unless a rule returns ERRNO_MARK.
 * arg1 is passed too, so rules on it can be observed. */
static const long close_probes[][2] = {
    {999, 7}, {1000, 7}, {1000, 8}, {1001, 7}, {1500, 7}, {2000, 7}, {0x1234, 7}, {0x1334, 7},
};

static void probe_close(char *msg, size_t size)
{
	size_t len = 0;

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(close_probes) && len < size; i++) {
		long rc = syscall(SYS_close, close_probes[i][0], close_probes[i][1]);
		int e = rc < 0 ? errno : 0;

		len += (size_t)snprintf(msg + len, size - len, "%s%ld,%ld:%s", i ? " " : "",
		                        close_probes[i][0], close_probes[i][1],
		                        e == ERRNO_MARK ? "X"
		                        : e == EBADF    ? "-"
		                                        : "?");
	}
}

static int drop_effective_sys_admin(void)
{
	cap_t caps = cap_get_proc();
	cap_value_t v = CAP_SYS_ADMIN;
	int rc;

	if (caps == NULL)
		return -1;
	rc = cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
	if (rc == 0)
		rc = cap_set_proc(caps);
	cap_free(caps);
	return rc;
}

static int child_filter(void *arg, char *msg, size_t size)
{
	const struct filter_case *c = arg;
	struct nook_seccomp_filter *filter = NULL;
	struct nook_error err = {0};

	if (nook_seccomp_prepare(c->seccomp, &filter, &err) < 0)
		return child_error(msg, size, &err);
	if (c->drop_sys_admin && drop_effective_sys_admin() < 0)
		return 2;
	if (nook_seccomp_load(filter, &err) < 0) {
		nook_seccomp_free(filter);
		return child_error(msg, size, &err);
	}
	/* The filter stays in force; freeing the context is only memory. */
	nook_seccomp_free(filter);
	c->probe(msg, size);
	return 0;
}

static void run_filter(const struct nook_seccomp *seccomp, probe_fn probe, struct child_result *r)
{
	struct filter_case c = {seccomp, probe, false};

	run_in_child(child_filter, &c, r);
}

/* ---- actions ---- */

static void test_errno_ret(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule_errno(NAMES("getcwd", "chmod"), ERRNO_MARK)};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct child_result r;

	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 42");
	/* Without the filter getcwd works. */
	probe_getcwd(r.msg, sizeof(r.msg));
	assert_string_equal(r.msg, "ok");
}

static void test_errno_default_eperm(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule(NAMES("getcwd"), "SCMP_ACT_ERRNO")};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct child_result r;

	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 1");
}

static void test_trace_without_tracer_is_enosys(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule(NAMES("getcwd"), "SCMP_ACT_TRACE")};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct child_result r;

	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 38"); /* ENOSYS: no tracer attached */
}

static void test_kill_actions_give_sigsys(void **state)
{
	const char *kills[] = {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
	                       "SCMP_ACT_TRAP"};

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(kills); i++) {
		struct nook_seccomp_syscall rules[] = {rule(NAMES("getcwd"), (char *)kills[i])};
		struct nook_seccomp sc = allow_all_but(rules, 1);
		struct child_result r;

		run_filter(&sc, probe_getcwd, &r);
		assert_child_signal(&r, SIGSYS);
	}
}

static void test_log_and_allow_allow(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule(NAMES("getcwd"), "SCMP_ACT_LOG"),
	                                       rule(NAMES("getppid"), "SCMP_ACT_ALLOW")};
	struct nook_seccomp sc = allow_all_but(rules, 2);
	struct child_result r;

	/* LOG allows; ALLOW equals the default and is skipped rather than
	 * refused by libseccomp. */
	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "ok");
	run_filter(&sc, probe_getppid, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "ok");
}

static void test_default_errno_with_allow_list(void **state)
{
	struct nook_seccomp_syscall rules[] = {
	    rule(NAMES("write", "exit_group", "exit", "rt_sigreturn", "getcwd", "close", "munmap",
	               "madvise", "mmap", "futex", "sigaltstack"),
	         "SCMP_ACT_ALLOW")};
	struct nook_seccomp sc = {.present = true,
	                          .default_action = "SCMP_ACT_ERRNO",
	                          .has_default_errno_ret = true,
	                          .default_errno_ret = 77,
	                          .syscalls = rules,
	                          .n_syscalls = 1};
	struct child_result r;

	run_filter(&sc, probe_getppid, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 77");
	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "ok");
}

static void test_unknown_syscall_name_skipped(void **state)
{
	struct nook_seccomp_syscall rules[] = {
	    rule_errno(NAMES("nook_no_such_syscall", "getcwd"), ERRNO_MARK)};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct child_result r;

	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 42");
}

static void test_architectures_and_flags(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule_errno(NAMES("getcwd"), ERRNO_MARK)};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct child_result r;

	sc.architectures = NAMES("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
	                         "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64");
	/* LOONGARCH64 is newer than libseccomp 2.5: a warning, not an error. */
	sc.flags = NAMES("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	                 "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	run_filter(&sc, probe_getcwd, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 42");
}

/* ---- args ---- */

static struct nook_seccomp_syscall close_rule(struct nook_seccomp_arg *args, size_t n)
{
	static char *close_name[] = {"close"};
	struct nook_seccomp_syscall s = rule_errno((struct nook_strv){close_name, 1}, ERRNO_MARK);

	s.args = args;
	s.n_args = n;
	return s;
}

/* The probes of close_probes in order, X where the rule matched. */
static void check_close(struct nook_seccomp_arg *args, size_t n, const char *expect)
{
	struct nook_seccomp_syscall rules[] = {close_rule(args, n)};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct child_result r;

	run_filter(&sc, probe_close, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, expect);
}

static void test_args_operators(void **state)
{
	struct nook_seccomp_arg eq = {0, 1000, 0, "SCMP_CMP_EQ"};
	struct nook_seccomp_arg ne = {0, 1000, 0, "SCMP_CMP_NE"};
	struct nook_seccomp_arg lt = {0, 1000, 0, "SCMP_CMP_LT"};
	struct nook_seccomp_arg le = {0, 1000, 0, "SCMP_CMP_LE"};
	struct nook_seccomp_arg ge = {0, 1000, 0, "SCMP_CMP_GE"};
	struct nook_seccomp_arg gt = {0, 1000, 0, "SCMP_CMP_GT"};

	/* probes: 999 1000 1000 1001 1500 2000 0x1234 0x1334 (arg1 7 but
	 * the third is 8) */
	check_close(&eq, 1,
	            "999,7:- 1000,7:X 1000,8:X 1001,7:- 1500,7:- 2000,7:- 4660,7:- 4916,7:-");
	/* NE also matches the fds below 999 the child never closes. */
	check_close(&ne, 1,
	            "999,7:X 1000,7:- 1000,8:- 1001,7:X 1500,7:X 2000,7:X 4660,7:X 4916,7:X");
	check_close(&lt, 1,
	            "999,7:X 1000,7:- 1000,8:- 1001,7:- 1500,7:- 2000,7:- 4660,7:- 4916,7:-");
	check_close(&le, 1,
	            "999,7:X 1000,7:X 1000,8:X 1001,7:- 1500,7:- 2000,7:- 4660,7:- 4916,7:-");
	check_close(&ge, 1,
	            "999,7:- 1000,7:X 1000,8:X 1001,7:X 1500,7:X 2000,7:X 4660,7:X 4916,7:X");
	check_close(&gt, 1,
	            "999,7:- 1000,7:- 1000,8:- 1001,7:X 1500,7:X 2000,7:X 4660,7:X 4916,7:X");
}

static void test_args_masked_eq(void **state)
{
	/* (arg0 & value) == valueTwo: value is the mask, as in Docker's
	 * profile ({"value": CLONE_NEW*, "valueTwo": 0} on clone). */
	struct nook_seccomp_arg masked = {0, 0xff00, 0x1200, "SCMP_CMP_MASKED_EQ"};
	struct nook_seccomp_arg bit_clear = {0, 0x0200, 0, "SCMP_CMP_MASKED_EQ"};

	check_close(&masked, 1,
	            "999,7:- 1000,7:- 1000,8:- 1001,7:- 1500,7:- 2000,7:- 4660,7:X 4916,7:-");
	/* Bit 0x200 is clear in 1500 (0x5dc) only. */
	check_close(&bit_clear, 1,
	            "999,7:- 1000,7:- 1000,8:- 1001,7:- 1500,7:X 2000,7:- 4660,7:- 4916,7:-");
}

static void test_args_distinct_indexes_are_and(void **state)
{
	struct nook_seccomp_arg args[] = {{0, 1000, 0, "SCMP_CMP_EQ"}, {1, 7, 0, "SCMP_CMP_EQ"}};

	check_close(args, 2,
	            "999,7:- 1000,7:X 1000,8:- 1001,7:- 1500,7:- 2000,7:- 4660,7:- 4916,7:-");
}

static void test_args_same_index_are_or(void **state)
{
	struct nook_seccomp_arg args[] = {{0, 1000, 0, "SCMP_CMP_EQ"}, {0, 2000, 0, "SCMP_CMP_EQ"}};

	check_close(args, 2,
	            "999,7:- 1000,7:X 1000,8:X 1001,7:- 1500,7:- 2000,7:X 4660,7:- 4916,7:-");
}

/* ---- errors (prepare makes no syscall: checked in this process) ---- */

static void expect_prepare_error(const struct nook_seccomp *sc, const char *expect)
{
	struct nook_seccomp_filter *filter = (void *)1;
	struct nook_error err = {0};
	char text[NOOK_ERROR_MSG_MAX + 64];

	assert_int_equal(nook_seccomp_prepare(sc, &filter, &err), -1);
	assert_null(filter);
	assert_string_equal(nook_error_text(&err, text, sizeof(text)), expect);
}

static void test_errors_name_the_json_path(void **state)
{
	struct nook_seccomp_arg bad_op[] = {{0, 1, 0, "SCMP_CMP_EQ"}, {1, 1, 0, "SCMP_CMP_FOO"}};
	struct nook_seccomp_arg bad_index[] = {{6, 1, 0, "SCMP_CMP_EQ"}};
	struct nook_seccomp_syscall rules[] = {
	    rule(NAMES("getcwd"), "SCMP_ACT_ERRNO"),
	    rule(NAMES("getcwd"), "SCMP_ACT_ERRNO"),
	    rule(NAMES("getcwd"), "SCMP_ACT_ERRNO"),
	};
	struct nook_seccomp sc = allow_all_but(rules, 3);

	rules[2].action = "SCMP_ACT_FOO";
	expect_prepare_error(&sc, "linux.seccomp.syscalls[2].action: unknown action "
	                          "\"SCMP_ACT_FOO\": Invalid argument");
	rules[2].action = "SCMP_ACT_ALLOW";
	rules[2].has_errno_ret = true;
	expect_prepare_error(&sc, "linux.seccomp.syscalls[2].errnoRet: only SCMP_ACT_ERRNO and "
	                          "SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW: Invalid "
	                          "argument");
	rules[2] = rule(NAMES("getcwd"), "SCMP_ACT_ERRNO");

	rules[1].args = bad_op;
	rules[1].n_args = 2;
	expect_prepare_error(&sc, "linux.seccomp.syscalls[1].args[1].op: unknown operator "
	                          "\"SCMP_CMP_FOO\": Invalid argument");
	rules[1].args = bad_index;
	rules[1].n_args = 1;
	expect_prepare_error(&sc, "linux.seccomp.syscalls[1].args[0].index: 6 is above 5: Invalid "
	                          "argument");
	rules[1].n_args = 0;

	sc.architectures = NAMES("SCMP_ARCH_X86_64", "SCMP_ARCH_VAX");
	expect_prepare_error(&sc, "linux.seccomp.architectures[1]: unknown architecture "
	                          "\"SCMP_ARCH_VAX\": Invalid argument");
	sc.architectures = NAMES("SCMP_ARCH_X86_64");
	sc.flags = NAMES("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
	expect_prepare_error(&sc, "not supported: linux.seccomp.flags[1]: "
	                          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (libseccomp 2.5 cannot "
	                          "set it)");
	sc.flags = NAMES("SECCOMP_FILTER_FLAG_BOGUS");
	expect_prepare_error(&sc, "linux.seccomp.flags[0]: unknown flag "
	                          "\"SECCOMP_FILTER_FLAG_BOGUS\": Invalid argument");
	sc.flags.n = 0;

	sc.default_action = "SCMP_ACT_BOGUS";
	expect_prepare_error(&sc, "linux.seccomp.defaultAction: unknown action "
	                          "\"SCMP_ACT_BOGUS\": Invalid argument");
	sc.default_action = "SCMP_ACT_KILL";
	sc.has_default_errno_ret = true;
	expect_prepare_error(&sc, "linux.seccomp.defaultErrnoRet: only SCMP_ACT_ERRNO and "
	                          "SCMP_ACT_TRACE take an errno, not SCMP_ACT_KILL: Invalid "
	                          "argument");
}

static void test_absent_is_no_filter(void **state)
{
	struct nook_seccomp sc = {0};
	struct nook_seccomp_filter *filter = (void *)1;
	struct nook_error err = {0};

	assert_int_equal(nook_seccomp_prepare(&sc, &filter, &err), 0);
	assert_null(filter);
	assert_int_equal(nook_seccomp_load(NULL, &err), 0);
	nook_seccomp_free(NULL);
}

static void test_prepare_free_without_load(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule_errno(NAMES("getcwd"), ERRNO_MARK)};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct nook_seccomp_filter *filter = NULL;
	struct nook_error err = {0};

	assert_int_equal(nook_seccomp_prepare(&sc, &filter, &err), 0);
	assert_non_null(filter);
	nook_seccomp_free(filter);
}

static void test_load_without_sys_admin(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule_errno(NAMES("getcwd"), ERRNO_MARK)};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct filter_case c = {&sc, probe_getcwd, true};
	struct child_result r;

	run_in_child(child_filter, &c, &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg, "linux.seccomp: load the filter (without no_new_privs this "
	                           "needs CAP_SYS_ADMIN): Permission denied");
}

/* SCMP_ACT_NOTIFY: loaded with a listener (the fd is returned,
 * close-on-exec); once the listener is closed the kernel fails a notified
 * syscall with ENOSYS. */
static int child_listener(void *arg, char *msg, size_t size)
{
	const struct nook_seccomp *sc = arg;
	struct nook_seccomp_filter *filter = NULL;
	struct nook_error err = {0};
	int fd;

	if (nook_seccomp_prepare(sc, &filter, &err) < 0)
		return child_error(msg, size, &err);
	if (!nook_seccomp_notifies(filter))
		return 3;
	fd = nook_seccomp_load_listener(filter, &err);
	nook_seccomp_free(filter);
	if (fd < 0)
		return child_error(msg, size, &err);
	if ((fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0)
		return 4;
	close(fd);
	probe_getppid(msg, size);
	return 0;
}

static void test_notify_loads_with_a_listener(void **state)
{
	struct nook_seccomp_syscall rules[] = {rule(NAMES("getppid"), "SCMP_ACT_NOTIFY")};
	struct nook_seccomp sc = allow_all_but(rules, 1);
	struct nook_seccomp_syscall errno_rules[] = {rule_errno(NAMES("getcwd"), ERRNO_MARK)};
	struct nook_seccomp no_notify = allow_all_but(errno_rules, 1);
	struct nook_seccomp_filter *filter = NULL;
	struct nook_error err = {0};
	struct child_result r;

	run_in_child(child_listener, &sc, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "errno 38"); /* ENOSYS */
	assert_int_equal(nook_seccomp_prepare(&no_notify, &filter, &err), 0);
	assert_false(nook_seccomp_notifies(filter));
	nook_seccomp_free(filter);
	assert_false(nook_seccomp_notifies(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errno_ret),
	    cmocka_unit_test(test_errno_default_eperm),
	    cmocka_unit_test(test_trace_without_tracer_is_enosys),
	    cmocka_unit_test(test_kill_actions_give_sigsys),
	    cmocka_unit_test(test_log_and_allow_allow),
	    cmocka_unit_test(test_default_errno_with_allow_list),
	    cmocka_unit_test(test_unknown_syscall_name_skipped),
	    cmocka_unit_test(test_architectures_and_flags),
	    cmocka_unit_test(test_args_operators),
	    cmocka_unit_test(test_args_masked_eq),
	    cmocka_unit_test(test_args_distinct_indexes_are_and),
	    cmocka_unit_test(test_args_same_index_are_or),
	    cmocka_unit_test(test_errors_name_the_json_path),
	    cmocka_unit_test(test_absent_is_no_filter),
	    cmocka_unit_test(test_prepare_free_without_load),
	    cmocka_unit_test(test_load_without_sys_admin),
	    cmocka_unit_test(test_notify_loads_with_a_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
