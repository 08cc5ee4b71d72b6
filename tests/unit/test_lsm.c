/* src/linux/lsm.c: the exec attribute opened early and written late. On a
 * host without AppArmor or SELinux the kernel refuses the write (EINVAL);
 * with AppArmor, a profile that is not loaded is refused (ENOENT). Either
 * way nothing changes for this process, and the error names the field and
 * the value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "linux/lsm.h"

static void test_nothing_to_do(void **state)
{
	struct nook_process proc = {0};
	struct nook_lsm lsm = {0};
	struct nook_error err;

	/* not opened, nothing asked: no error, no fd */
	assert_int_equal(nook_lsm_apply(&proc, &lsm, &err), 0);
	assert_int_equal(nook_lsm_open(&proc, &lsm, &err), 0);
	assert_int_equal(lsm.apparmor_fd, -1);
	assert_int_equal(lsm.selinux_fd, -1);
	assert_int_equal(nook_lsm_apply(&proc, &lsm, &err), 0);
}

static void test_apply_without_open_is_an_error(void **state)
{
	struct nook_process proc = {.apparmor_profile = "p"};
	struct nook_lsm lsm = {0};
	struct nook_error err;

	assert_int_equal(nook_lsm_apply(&proc, &lsm, &err), -1);
	assert_non_null(strstr(err.msg, "not opened"));
}

static void test_profile_not_applicable(void **state)
{
	struct nook_process proc = {.apparmor_profile = "nook-unit-test-not-loaded"};
	struct nook_lsm lsm;
	struct nook_error err;
	char before[256] = "", after[256] = "";
	int fd = open("/proc/thread-self/attr/current", O_RDONLY);

	if (fd >= 0) {
		(void)!read(fd, before, sizeof(before) - 1);
		close(fd);
	}
	assert_int_equal(nook_lsm_open(&proc, &lsm, &err), 0);
	assert_true(lsm.apparmor_fd >= 0);
	assert_true(strcmp(lsm.apparmor_path, "/proc/thread-self/attr/apparmor/exec") == 0 ||
	            strcmp(lsm.apparmor_path, "/proc/thread-self/attr/exec") == 0);
	assert_int_equal(nook_lsm_apply(&proc, &lsm, &err), -1);
	assert_non_null(strstr(err.msg, "process.apparmorProfile"));
	assert_non_null(strstr(err.msg, "\"nook-unit-test-not-loaded\""));
	assert_int_equal(lsm.apparmor_fd, -1); /* closed */
	fd = open("/proc/thread-self/attr/current", O_RDONLY);
	if (fd >= 0) {
		(void)!read(fd, after, sizeof(after) - 1);
		close(fd);
	}
	assert_string_equal(before, after);
}

static void test_label_not_applicable(void **state)
{
	struct nook_process proc = {.selinux_label = "nook_u:nook_r:nook_unit_test_t:s0"};
	struct nook_lsm lsm;
	struct nook_error err;

	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		skip(); /* a real policy might know some label; ours it does not, but be safe */
	assert_int_equal(nook_lsm_open(&proc, &lsm, &err), 0);
	assert_string_equal(lsm.selinux_path, "/proc/thread-self/attr/exec");
	/* the session keyring's label (attr/keycreate), refused alike */
	if (lsm.key_fd >= 0) {
		assert_int_equal(nook_lsm_key_label(&proc, &lsm, true, &err), -1);
		assert_non_null(strstr(err.msg, "process.selinuxLabel"));
		assert_non_null(strstr(err.msg, "keycreate"));
		/* it is the first write of the label: the error names it (the
		 * distro stage's SELinux boot, tests/distro/guest/test_selinux.sh) */
		assert_non_null(strstr(err.msg, "\"nook_u:nook_r:nook_unit_test_t:s0\""));
	}
	assert_int_equal(nook_lsm_apply(&proc, &lsm, &err), -1);
	assert_non_null(strstr(err.msg, "process.selinuxLabel"));
	assert_non_null(strstr(err.msg, "\"nook_u:nook_r:nook_unit_test_t:s0\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_to_do),
	    cmocka_unit_test(test_apply_without_open_is_an_error),
	    cmocka_unit_test(test_profile_not_applicable),
	    cmocka_unit_test(test_label_not_applicable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
