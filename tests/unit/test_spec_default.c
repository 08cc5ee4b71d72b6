/* nook_spec_write_default(): runc's default config, both variants, parse
 * back and pass the support check; an existing config.json is kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/container.h"
#include "nook/host_facts.h"
#include "nook/spec.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/nook-spec-default-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return rmdir(dir); /* fails if a temporary file was left behind */
}

static const struct nook_mount *find_mount(const struct nook_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dest) == 0)
			return &s->mounts[i];
	return NULL;
}

static bool has_option(const struct nook_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->options.n; i++)
		if (strcmp(m->options.v[i], opt) == 0)
			return true;
	return false;
}

static void write_and_load(bool rootless, struct nook_spec *s)
{
	struct nook_error err;
	struct stat st;

	if (nook_spec_write_default(path, rootless, 1000, 1001, &err) < 0)
		fail_msg("write: %s", err.msg);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	if (nook_spec_load(path, s, &err) < 0)
		fail_msg("load: %s", err.msg);
	if (nook_spec_check_supported(s, &err) < 0)
		fail_msg("support: %s", err.msg);
}

static void test_default(void **state)
{
	struct nook_spec s;
	const struct nook_mount *m;

	write_and_load(false, &s);
	assert_string_equal(s.oci_version, "1.3.0");
	assert_false(s.process.terminal);
	assert_int_equal(s.process.user.uid, 0);
	assert_string_equal(s.process.args.v[0], "sh");
	assert_string_equal(s.process.env.v[0],
	                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(s.process.cwd, "/");
	assert_int_equal(s.process.capabilities.bounding.n, 3);
	assert_string_equal(s.process.capabilities.permitted.v[2], "CAP_NET_BIND_SERVICE");
	assert_int_equal(s.process.capabilities.effective.n, 3);
	assert_int_equal(s.process.n_rlimits, 1);
	assert_int_equal(s.process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(s.process.rlimits[0].soft, 1024);
	assert_true(s.process.no_new_privileges);
	assert_string_equal(s.root.path, "rootfs");
	assert_false(s.root.readonly);
	assert_string_equal(s.hostname, "nook");
	assert_int_equal(s.n_mounts, 7);
	m = find_mount(&s, "/dev/pts");
	assert_non_null(m);
	assert_true(has_option(m, "gid=5"));
	m = find_mount(&s, "/sys");
	assert_string_equal(m->type, "sysfs");
	assert_true(has_option(m, "ro"));
	assert_non_null(find_mount(&s, "/sys/fs/cgroup"));
	assert_int_equal(s.linux.n_namespaces, 6);
	assert_non_null(nook_spec_namespace(&s, NOOK_NS_NETWORK));
	assert_non_null(nook_spec_namespace(&s, NOOK_NS_CGROUP));
	assert_null(nook_spec_namespace(&s, NOOK_NS_USER));
	assert_int_equal(s.linux.n_uid_mappings, 0);
	assert_int_equal(s.linux.masked_paths.n, 10);
	assert_string_equal(s.linux.readonly_paths.v[4], "/proc/sysrq-trigger");
	assert_false(s.linux.resources.present);
	nook_spec_free(&s);
}

static void test_rootless(void **state)
{
	struct nook_spec s;
	const struct nook_mount *m;

	write_and_load(true, &s);
	assert_non_null(nook_spec_namespace(&s, NOOK_NS_USER));
	assert_null(nook_spec_namespace(&s, NOOK_NS_NETWORK));
	assert_int_equal(s.linux.n_uid_mappings, 1);
	assert_int_equal(s.linux.uid_mappings[0].container_id, 0);
	assert_int_equal(s.linux.uid_mappings[0].host_id, 1000);
	assert_int_equal(s.linux.uid_mappings[0].size, 1);
	assert_int_equal(s.linux.gid_mappings[0].host_id, 1001);
	m = find_mount(&s, "/sys");
	assert_string_equal(m->source, "/sys");
	assert_true(has_option(m, "rbind"));
	assert_true(has_option(m, "ro"));
	assert_false(has_option(find_mount(&s, "/dev/pts"), "gid=5"));
	assert_null(find_mount(&s, "/sys/fs/cgroup"));
	nook_spec_free(&s);
}

static void test_existing_file_kept(void **state)
{
	struct nook_error err;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("mine", f);
	fclose(f);
	assert_int_equal(nook_spec_write_default(path, false, 0, 0, &err), -1);
	assert_non_null(strstr(err.msg, "config.json exists. Remove it first"));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fgetc(f), 'm');
	fclose(f);
}

static void test_missing_directory(void **state)
{
	struct nook_error err;

	assert_int_equal(
	    nook_spec_write_default("/nonexistent-nook/config.json", false, 0, 0, &err), -1);
	assert_true(err.errnum != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_default, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rootless, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_existing_file_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
