/* Numbers from the command line: nook_parse_integer, nook_parse_size, and
 * the signal numbers of `kill` (issue 9: every numeric flag validated). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <string.h>

#include "cli/cli_util.h"
#include "nook/number.h"

static int integer(const char *s, int64_t min, int64_t max, int64_t *out, struct nook_error *err)
{
	*out = 12345;
	return nook_parse_integer(s, min, max, "--flag", out, err);
}

static void test_integer_accepts_the_range(void **state)
{
	struct nook_error err;
	int64_t v;

	assert_int_equal(integer("0", 0, 10, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(integer("10", 0, 10, &v, &err), 0);
	assert_int_equal(v, 10);
	assert_int_equal(integer("007", 0, 10, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(integer("-1", -1, 10, &v, &err), 0);
	assert_int_equal(v, -1);
	assert_int_equal(integer("9223372036854775807", 0, INT64_MAX, &v, &err), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(integer("-9223372036854775808", INT64_MIN, 0, &v, &err), 0);
	assert_true(v == INT64_MIN);
}

static void test_integer_refuses_junk_sign_and_overflow(void **state)
{
	const char *bad[] = {"",
	                     "-",
	                     "+1",
	                     " 1",
	                     "1 ",
	                     "1x",
	                     "0x10",
	                     "1.0",
	                     "1e3",
	                     "--1",
	                     "-1",
	                     "-0",
	                     "11",
	                     "9223372036854775808",
	                     "99999999999999999999999"};
	struct nook_error err;
	int64_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(integer(bad[i], 0, 10, &v, &err), -1);
		assert_int_equal(v, 12345); /* untouched */
		char want[128];
		snprintf(want, sizeof(want), "--flag: expected an integer from 0 to 10, got \"%s\"",
		         bad[i]);
		assert_string_equal(err.msg, want);
	}
	assert_int_equal(integer("-2", -1, 10, &v, &err), -1);
	assert_int_equal(integer("-9223372036854775809", INT64_MIN, 0, &v, &err), -1);
	assert_int_equal(integer("4294967295", 0, UINT32_MAX - 1, &v, &err), -1);
}

static int size(const char *s, int64_t *out, struct nook_error *err)
{
	*out = 12345;
	return nook_parse_size(s, "--memory", out, err);
}

static void test_size(void **state)
{
	struct nook_error err;
	int64_t v;

	assert_int_equal(size("1024", &v, &err), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(size("64m", &v, &err), 0);
	assert_int_equal(v, 64 << 20);
	assert_int_equal(size("1GB", &v, &err), 0);
	assert_int_equal(v, 1 << 30);
	assert_int_equal(size("2kb", &v, &err), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(size("-1", &v, &err), 0);
	assert_int_equal(v, -1);
	assert_int_equal(size("8589934591g", &v, &err), 0);
	assert_true(v == (int64_t)8589934591 << 30);

	const char *bad[] = {"", "-5", "-1k", "1x", "1mm", "1mbb", " 1", "+1", "1.5g", "k"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(size(bad[i], &v, &err), -1);
		assert_int_equal(v, 12345);
		assert_non_null(strstr(err.msg, "--memory: expected a size"));
	}
	assert_int_equal(size("8589934592g", &v, &err), -1);
	assert_string_equal(err.msg,
	                    "--memory: \"8589934592g\" is more than 9223372036854775807 bytes");
	assert_int_equal(size("99999999999999999999", &v, &err), -1);
	assert_non_null(strstr(err.msg, "is more than"));
}

static void test_signal_numbers(void **state)
{
	assert_int_equal(cli_signal_number("9"), SIGKILL);
	assert_int_equal(cli_signal_number("KILL"), SIGKILL);
	assert_int_equal(cli_signal_number("sigterm"), SIGTERM);
	assert_int_equal(cli_signal_number("RTMIN"), SIGRTMIN);
	assert_int_equal(cli_signal_number("RTMIN+2"), SIGRTMIN + 2);
	assert_int_equal(cli_signal_number("SIGRTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(cli_signal_number("RTMAX"), SIGRTMAX);
	assert_int_equal(cli_signal_number("64"), 64);

	const char *bad[] = {"0",  "65",       "-9",       "+9",     " 9",
	                     "9 ", "RTMIN-1",  "RTMAX+1",  "RTMIN+", "RTMIN+99999999999999999999",
	                     "",   "RTMIN+ 1", "RTMAX--1", "NOSUCH"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cli_signal_number(bad[i]), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integer_accepts_the_range),
	    cmocka_unit_test(test_integer_refuses_junk_sign_and_overflow),
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_signal_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
