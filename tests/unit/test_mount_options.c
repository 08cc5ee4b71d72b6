/* Mount option strings → flags, propagation, attributes, data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mount.h>

#include "nook/mount_options.h"

static int parse(const char **opts, size_t n, struct nook_mount_options *o, struct nook_error *err)
{
	struct nook_strv v = {.v = (char **)opts, .n = n};

	return nook_mount_options_parse(&v, 7, o, err);
}

static void test_flags_and_data(void **state)
{
	const char *opts[] = {"nosuid",      "noexec", "nodev",      "mode=755",
	                      "size=65536k", "ro",     "strictatime"};
	struct nook_mount_options o;
	struct nook_error err;

	assert_int_equal(parse(opts, 7, &o, &err), 0);
	assert_int_equal(o.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY | MS_STRICTATIME);
	assert_string_equal(o.data, "mode=755,size=65536k");
	assert_false(o.bind);
	assert_int_equal(o.propagation, 0);
	nook_mount_options_free(&o);
}

static void test_later_option_wins(void **state)
{
	const char *opts[] = {"ro", "rw", "nosuid", "suid", "exec", "noexec"};
	struct nook_mount_options o;
	struct nook_error err;

	assert_int_equal(parse(opts, 6, &o, &err), 0);
	assert_int_equal(o.flags, MS_NOEXEC);
	assert_int_equal(o.clear_flags, MS_RDONLY | MS_NOSUID);
	assert_null(o.data);
	nook_mount_options_free(&o);
}

static void test_all_known_options(void **state)
{
	const char *names[] = {
	    "async",          "atime",      "bind",         "defaults",    "dev",
	    "diratime",       "dirsync",    "exec",         "iversion",    "lazytime",
	    "loud",           "mand",       "noatime",      "nodev",       "nodiratime",
	    "noexec",         "noiversion", "nolazytime",   "nomand",      "norelatime",
	    "nostrictatime",  "nosuid",     "nosymfollow",  "private",     "ratime",
	    "rbind",          "rdev",       "rdiratime",    "relatime",    "remount",
	    "rexec",          "rnoatime",   "rnodiratime",  "rnoexec",     "rnorelatime",
	    "rnostrictatime", "rnosuid",    "rnosymfollow", "ro",          "rprivate",
	    "rrelatime",      "rro",        "rrw",          "rshared",     "rslave",
	    "rstrictatime",   "rsuid",      "rsymfollow",   "runbindable", "rw",
	    "shared",         "silent",     "slave",        "strictatime", "suid",
	    "symfollow",      "sync",       "unbindable",   "tmpcopyup",
	};
	struct nook_error err;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct nook_mount_options o;
		const char *one[] = {names[i]};

		assert_int_equal(parse(one, 1, &o, &err), 0);
		if (o.data != NULL)
			fail_msg("option %s went to the data string", names[i]);
		nook_mount_options_free(&o);
	}
}

static void test_bind_and_propagation(void **state)
{
	const char *opts[] = {"rbind", "rprivate", "rro", "rnoatime"};
	struct nook_mount_options o;
	struct nook_error err;

	assert_int_equal(parse(opts, 4, &o, &err), 0);
	assert_true(o.bind);
	assert_int_equal(o.flags, MS_BIND | MS_REC);
	assert_int_equal(o.propagation, MS_PRIVATE | MS_REC);
	assert_int_equal(o.rec_attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME);
	assert_int_equal(o.rec_attr_clr, MOUNT_ATTR__ATIME);
	nook_mount_options_free(&o);

	assert_int_equal(nook_propagation_from_name("slave"), MS_SLAVE);
	assert_int_equal(nook_propagation_from_name("runbindable"), MS_UNBINDABLE | MS_REC);
	assert_int_equal(nook_propagation_from_name("ro"), 0);
	assert_int_equal(nook_propagation_from_name("bogus"), 0);
}

/* "idmap" and "ridmap" are not mount(2)'s (config.md: "SHOULD NOT be
 * passed to the underlying mount(2) call"): no flag, no data. */
static void test_idmap_not_passed_on(void **state)
{
	const char *opts[] = {"rbind", "idmap", "ridmap", "ro"};
	struct nook_mount_options o;
	struct nook_error err;

	assert_int_equal(parse(opts, 4, &o, &err), 0);
	assert_null(o.data);
	assert_int_equal(o.flags, MS_BIND | MS_REC | MS_RDONLY);
	assert_int_equal(o.rec_attr_set | o.rec_attr_clr, 0);
	nook_mount_options_free(&o);
	/* nor crun's inline mappings, which the parser took */
	const char *inline_maps[] = {"bind", "idmap=uids=0-1-100;gids=0-1-100",
	                             "ridmap=gids=0-1-1"};
	assert_int_equal(parse(inline_maps, 3, &o, &err), 0);
	assert_null(o.data);
	assert_int_equal(o.flags, MS_BIND);
}

static void test_empty_option_refused(void **state)
{
	const char *opts[] = {"ro", ""};
	struct nook_mount_options o;
	struct nook_error err;

	assert_int_equal(parse(opts, 2, &o, &err), -1);
	assert_non_null(strstr(err.msg, "mounts[7]: options[1]: empty option"));
}

static void test_overlay_data_passed(void **state)
{
	const char *opts[] = {"lowerdir=/a:/b", "upperdir=up",   "workdir=w",
	                      "newinstance",    "ptmxmode=0666", "gid=5"};
	struct nook_mount_options o;
	struct nook_error err;

	assert_int_equal(parse(opts, 6, &o, &err), 0);
	assert_string_equal(o.data,
	                    "lowerdir=/a:/b,upperdir=up,workdir=w,newinstance,ptmxmode=0666,gid=5");
	nook_mount_options_free(&o);
}

static void test_flags_to_attr(void **state)
{
	uint64_t set, clr;

	nook_mount_flags_to_attr(MS_RDONLY | MS_NOSUID | MS_NOATIME, MS_NODEV, &set, &clr);
	assert_int_equal(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
	assert_int_equal(clr, MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME);

	nook_mount_flags_to_attr(MS_BIND | MS_REC, 0, &set, &clr);
	assert_int_equal(set, 0);
	assert_int_equal(clr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags_and_data),      cmocka_unit_test(test_later_option_wins),
	    cmocka_unit_test(test_all_known_options),   cmocka_unit_test(test_bind_and_propagation),
	    cmocka_unit_test(test_idmap_not_passed_on), cmocka_unit_test(test_empty_option_refused),
	    cmocka_unit_test(test_overlay_data_passed), cmocka_unit_test(test_flags_to_attr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
