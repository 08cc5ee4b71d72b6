/* nook_fds_close_inherited and nook_fds_close_on_exec (CVE-2024-21626),
 * observed in forked children on fds placed at fixed numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>

#include "linux/fds.h"
#include "sec_child.h"

/* Above whatever the test runner holds; the child's own fds (its result
 * pipe) are below and kept. */
#define BASE 200

/* fd `at` open on /dev/null, close-on-exec or not. */
static int place(int at, bool cloexec)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || dup3(fd, at, cloexec ? O_CLOEXEC : 0) != at)
		return -1;
	close(fd);
	return 0;
}

/* "fd:flag" for each fd in BASE .. BASE+9: o open, c open close-on-exec,
 * - closed. */
static void describe(char *msg, size_t size)
{
	size_t len = 0;

	for (int fd = BASE; fd < BASE + 10 && len < size; fd++) {
		int flags = fcntl(fd, F_GETFD);
		char c = flags < 0 ? '-' : (flags & FD_CLOEXEC) ? 'c' : 'o';
		len += (size_t)snprintf(msg + len, size - len, "%s%d:%c", len ? " " : "", fd - BASE,
		                        c);
	}
}

/* keep: the runner's fds below BASE (they are not under test), BASE+2, BASE+6. */
static int keep_below_base(int *keep, size_t max)
{
	size_t n = 0;

	for (int fd = 3; fd < BASE && n < max; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			keep[n++] = fd;
	return (int)n;
}

/* The preserved range ends at BASE+4 (3 .. BASE+3):
 *   0 caller's (not close-on-exec)  stays
 *   1 nook's (close-on-exec)        closed
 *   2 nook's, kept                  stays
 *   3 -                             stays closed
 *   4 caller's, above the range     closed
 *   5 nook's, above                 closed
 *   6 nook's, above, kept           stays
 *   9 caller's, far above           closed */
static int child_close_inherited(void *arg, char *msg, size_t size)
{
	int keep[BASE];
	int n = keep_below_base(keep, BASE - 3);

	keep[n++] = BASE + 2;
	keep[n++] = BASE + 6;
	keep[n++] = -1; /* ignored */
	if (place(BASE + 0, false) < 0 || place(BASE + 1, true) < 0 || place(BASE + 2, true) < 0 ||
	    place(BASE + 4, false) < 0 || place(BASE + 5, true) < 0 || place(BASE + 6, true) < 0 ||
	    place(BASE + 9, false) < 0)
		return 2;
	nook_fds_close_inherited(BASE + 4 - 3, keep, (size_t)n);
	describe(msg, size);
	return 0;
}

static void test_close_inherited(void **state)
{
	struct child_result r;

	run_in_child(child_close_inherited, NULL, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "0:o 1:- 2:c 3:- 4:- 5:- 6:c 7:- 8:- 9:-");
}

/* Without --preserve-fds nothing above 2 but keep[] stays, whatever its flag. */
static int child_close_inherited_none(void *arg, char *msg, size_t size)
{
	int keep[BASE];
	int n = keep_below_base(keep, BASE);

	if (place(BASE + 0, false) < 0 || place(BASE + 1, true) < 0)
		return 2;
	nook_fds_close_inherited(0, keep, (size_t)n);
	describe(msg, size);
	return 0;
}

static void test_close_inherited_no_preserve(void **state)
{
	struct child_result r;

	run_in_child(child_close_inherited_none, NULL, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "0:- 1:- 2:- 3:- 4:- 5:- 6:- 7:- 8:- 9:-");
}

/* A huge --preserve-fds does not overflow: the caller's fds stay, nook's go. */
static int child_close_inherited_huge(void *arg, char *msg, size_t size)
{
	int keep[BASE];
	int n = keep_below_base(keep, BASE);

	if (place(BASE + 0, false) < 0 || place(BASE + 1, true) < 0 || place(BASE + 9, false) < 0)
		return 2;
	nook_fds_close_inherited(INT32_MAX, keep, (size_t)n);
	describe(msg, size);
	return 0;
}

static void test_close_inherited_huge_preserve(void **state)
{
	struct child_result r;

	run_in_child(child_close_inherited_huge, NULL, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "0:o 1:- 2:- 3:- 4:- 5:- 6:- 7:- 8:- 9:o");
}

/* Below 3+N flags stay as they are; from 3+N on all close-on-exec. */
static int child_close_on_exec(void *arg, char *msg, size_t size)
{
	struct nook_error err = {0};

	if (place(BASE + 0, false) < 0 || place(BASE + 1, true) < 0 || place(BASE + 4, false) < 0 ||
	    place(BASE + 5, true) < 0)
		return 2;
	if (nook_fds_close_on_exec(BASE + 4 - 3, &err) < 0)
		return child_error(msg, size, &err);
	describe(msg, size);
	return 0;
}

static void test_close_on_exec(void **state)
{
	struct child_result r;

	run_in_child(child_close_on_exec, NULL, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "0:o 1:c 2:- 3:- 4:c 5:c 6:- 7:- 8:- 9:-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_close_inherited),
	    cmocka_unit_test(test_close_inherited_no_preserve),
	    cmocka_unit_test(test_close_inherited_huge_preserve),
	    cmocka_unit_test(test_close_on_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
