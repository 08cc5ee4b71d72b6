/* linux.mountLabel (src/spec/mount_label.c): which mounts take it as
 * SELinux's context= (runc's label.FormatMountLabel and the mounts it calls
 * it for) and the option text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "nook/spec.h"

static bool takes(const char *type, const char *opt1, const char *opt2)
{
	char *opts[] = {(char *)opt1, (char *)opt2};
	struct nook_mount m = {
	    .destination = "/x",
	    .type = (char *)type,
	    .options = {.v = opts,
	                .n = opt2 != NULL   ? 2
	                     : opt1 != NULL ? 1
	                                    : 0},
	};

	return nook_spec_mount_takes_label(&m);
}

static void test_which_mounts(void **state)
{
	/* filesystems mounted anew */
	assert_true(takes("tmpfs", "nosuid", "mode=755"));
	assert_true(takes("devpts", "newinstance", NULL));
	assert_true(takes("shm", NULL, NULL));
	assert_true(takes("overlay", NULL, NULL));
	/* not: binds (by type or option), the kernel's own, mqueue, remounts */
	assert_false(takes("bind", "rbind", NULL));
	assert_false(takes("none", "rbind", "ro"));
	assert_false(takes("tmpfs", "bind", NULL));
	assert_false(takes(NULL, "bind", NULL));
	assert_false(takes("proc", NULL, NULL));
	assert_false(takes("sysfs", "ro", NULL));
	assert_false(takes("cgroup", NULL, NULL));
	assert_false(takes("cgroup2", NULL, NULL));
	assert_false(takes("mqueue", NULL, NULL));
	assert_false(takes("tmpfs", "remount", "ro"));
}

static void check_data(const char *data, const char *label, const char *want)
{
	char *got = nook_spec_mount_label_data(data, label);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_option_text(void **state)
{
	check_data(NULL, "system_u:object_r:container_file_t:s0",
	           "context=\"system_u:object_r:container_file_t:s0\"");
	check_data("", "l", "context=\"l\"");
	/* An MCS label's comma stays inside the quotes. */
	check_data("mode=755,size=65536k", "system_u:object_r:container_file_t:s0:c1,c2",
	           "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
}

static void test_valid(void **state)
{
	assert_true(nook_spec_mount_label_valid("system_u:object_r:x_t:s0:c1,c2"));
	assert_false(nook_spec_mount_label_valid(""));
	assert_false(nook_spec_mount_label_valid("a\"b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_which_mounts),
	    cmocka_unit_test(test_option_text),
	    cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
