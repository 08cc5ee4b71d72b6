/* CPU lists for process.execCPUAffinity (src/spec/cpu_list.c): what runc's
 * configs.ToCPUSet accepts and refuses, and the bitmask built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nook/cpu_affinity.h"

/* The mask of s as "0,1,2,7" (the CPUs set), or "refused: WHY". */
static const char *cpus_of(const char *s)
{
	static char out[512];
	char why[160];
	uint8_t *mask;
	size_t n, len = 0;

	out[0] = '\0';
	if (nook_cpu_list_parse(s, &mask, &n, why, sizeof(why)) < 0) {
		snprintf(out, sizeof(out), "refused: %s", why);
		return out;
	}
	for (size_t cpu = 0; cpu < n * 8; cpu++)
		if (mask[cpu / 8] & (1u << (cpu % 8)))
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%zu",
			                        len > 0 ? "," : "", cpu);
	free(mask);
	return out;
}

static void test_accepted(void **state)
{
	assert_string_equal(cpus_of("0-3,7"), "0,1,2,3,7");
	assert_string_equal(cpus_of("7"), "7");
	assert_string_equal(cpus_of(" 1 , 3-4 ,"), "1,3,4"); /* spaces, empty elements */
	assert_string_equal(cpus_of("2,,2-2"), "2");
	assert_string_equal(cpus_of("010"), "10");
	assert_string_equal(cpus_of("65536"), "65536");
	assert_string_equal(cpus_of(""), ""); /* no list */
}

static void test_refused(void **state)
{
	assert_string_equal(cpus_of("3-1"),
	                    "refused: invalid range 3-1 (the first CPU is above the last)");
	assert_string_equal(cpus_of(","), "refused: no CPU in the list \",\"");
	assert_string_equal(cpus_of(" "), "refused: no CPU in the list \" \"");
	assert_string_equal(cpus_of("65537"),
	                    "refused: CPU numbers above 65536 are not supported: \"65537\"");
	const char *bad[] = {"a", "1-", "-1", "1--2", "0-1-2", "1 - 2", "+1", "1;2", "0x1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[160];
		snprintf(want, sizeof(want), "refused: \"%s\" is not a CPU number or range N-M",
		         bad[i]);
		assert_string_equal(cpus_of(bad[i]), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
