/* Rootless (issue 12; docs/design.md, "Rootless"): what counts as a limit
 * (src/linux/cgroup/rootless.c) and who is rootless
 * (src/linux/userns_facts.c), as runc's shouldUseRootlessCgroupManager. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nook/cgroup.h"
#include "nook/userns.h"

static void test_devices_are_not_a_limit(void **state)
{
	struct nook_device_cgroup dev = {0};
	struct nook_resources r = {.present = true, .devices = &dev, .n_devices = 1};

	assert_null(nook_cgroup_first_limit(&r));
	r.has_pids_limit = true;
	assert_string_equal(nook_cgroup_first_limit(&r), "linux.resources.pids");
	r.memory.present = true;
	assert_string_equal(nook_cgroup_first_limit(&r), "linux.resources.memory");
}

static void test_cpu_fields_are_limits(void **state)
{
	struct nook_resources r = {.present = true};

	r.cpu.cpus = "0";
	assert_string_equal(nook_cgroup_first_limit(&r), "linux.resources.cpu");
	r.cpu.cpus = NULL;
	r.cpu.has_quota = true;
	assert_string_equal(nook_cgroup_first_limit(&r), "linux.resources.cpu");
}

static void test_flag_wins(void **state)
{
	assert_true(nook_rootless_decide("true"));
	assert_false(nook_rootless_decide("false"));
	/* auto: root in the initial user namespace is not rootless */
	if (geteuid() == 0 && nook_in_initial_userns())
		assert_false(nook_rootless_decide("auto"));
}

/* In a new user namespace (uid 0 there, as under rootless podman), auto
 * says rootless and the namespace is not the initial one. */
static void test_root_of_a_user_namespace_is_rootless(void **state)
{
	int fds[2];
	char got[3] = "";

	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char out[3] = {'-', '-', '-'};
		uid_t uid = geteuid();
		if (unshare(CLONE_NEWUSER) == 0) {
			/* no mapping yet: the uid_map is empty */
			out[0] = nook_in_initial_userns() ? 'i' : 'n';
			/* then "0 <uid> 1", as under rootless podman */
			char map[32];
			int len = snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
			FILE *f = fopen("/proc/self/uid_map", "w");
			if (f != NULL && fwrite(map, 1, (size_t)len, f) == (size_t)len &&
			    fclose(f) == 0) {
				out[1] = nook_in_initial_userns() ? 'i' : 'n';
				out[2] = nook_rootless_decide(NULL) ? 'r' : 'p';
			}
		}
		(void)!write(fds[1], out, 3);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], got, 3), 3);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	if (got[0] == '-')
		skip(); /* no user namespaces here */
	assert_int_equal(got[0], 'n');
	assert_int_equal(got[1], 'n');
	assert_int_equal(got[2], 'r');
}

/* /etc/subuid lines name the user or its uid; the first usable range wins
 * (a range of size 0, or one past 2^32, is skipped). */
static void test_subid_range_of_the_caller(void **state)
{
	char path[] = "/tmp/nook-subuid-XXXXXX";
	int fd = mkstemp(path);
	uint32_t start = 0, count = 0;

	assert_true(fd >= 0);
	dprintf(fd,
	        "someoneelse:100000:65536\n%u:200000:0\nbroken line\n%u:4294967000:65536\n"
	        "%u:300000:1000\n%u:400000:5\n",
	        (unsigned)geteuid(), (unsigned)geteuid(), (unsigned)geteuid(), (unsigned)geteuid());
	close(fd);
	assert_int_equal(nook_subid_range(path, &start, &count), 0);
	assert_int_equal(start, 300000);
	assert_int_equal(count, 1000);
	fd = open(path, O_WRONLY | O_TRUNC);
	dprintf(fd, "someoneelse:100000:65536\n");
	close(fd);
	assert_int_equal(nook_subid_range(path, &start, &count), -1);
	unlink(path);
	assert_int_equal(nook_subid_range(path, &start, &count), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_devices_are_not_a_limit),
	    cmocka_unit_test(test_cpu_fields_are_limits),
	    cmocka_unit_test(test_flag_wins),
	    cmocka_unit_test(test_root_of_a_user_namespace_is_rootless),
	    cmocka_unit_test(test_subid_range_of_the_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
