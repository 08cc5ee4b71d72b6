/* `nook features`: the JSON parses, says what features.md asks, and every
 * name it lists is one nook really accepts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <yajl/yajl_tree.h>

#include <cmocka.h>

#include "nook/features.h"
#include "nook/mount_options.h"
#include "nook/names.h"
#include "nook/security.h"

static yajl_val doc;

static yajl_val get(const char *const *path, yajl_type type)
{
	yajl_val v = yajl_tree_get(doc, (const char **)path, type);

	assert_non_null(v);
	return v;
}

#define GET(type, ...) get((const char *const[]){__VA_ARGS__, NULL}, type)

static bool array_has(yajl_val array, const char *s)
{
	for (size_t i = 0; i < YAJL_GET_ARRAY(array)->len; i++) {
		const char *v = YAJL_GET_STRING(YAJL_GET_ARRAY(array)->values[i]);

		if (v != NULL && strcmp(v, s) == 0)
			return true;
	}
	return false;
}

static size_t array_len(yajl_val array)
{
	return YAJL_GET_ARRAY(array)->len;
}

static const char *array_str(yajl_val array, size_t i)
{
	const char *s = YAJL_GET_STRING(YAJL_GET_ARRAY(array)->values[i]);

	assert_non_null(s);
	return s;
}

static void versions_and_hooks(void **unused)
{
	static const char *const hooks[] = {"prestart",       "createRuntime", "createContainer",
	                                    "startContainer", "poststart",     "poststop"};
	yajl_val list = GET(yajl_t_array, "hooks");

	assert_string_equal(YAJL_GET_STRING(GET(yajl_t_string, "ociVersionMin")), "1.0.0");
	assert_string_equal(YAJL_GET_STRING(GET(yajl_t_string, "ociVersionMax")), "1.3.0");
	assert_int_equal(array_len(list), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(array_str(list, i), hooks[i]);
}

/* Listed: known to the table, so not passed on as filesystem data. */
static void mount_options_are_nooks(void **unused)
{
	yajl_val list = GET(yajl_t_array, "mountOptions");

	assert_true(array_has(list, "rbind"));
	assert_true(array_has(list, "rro"));
	assert_true(array_has(list, "idmap"));
	assert_true(array_has(list, "ridmap"));
	assert_false(array_has(list, "tmpcopyup"));
	for (size_t i = 0; i < array_len(list); i++) {
		char *name = (char *)array_str(list, i);
		struct nook_strv one = {.v = (char *[]){name, NULL}, .n = 1};
		struct nook_mount_options o;
		struct nook_error err;

		assert_int_equal(nook_mount_options_parse(&one, 0, &o, &err), 0);
		assert_null(o.data);
		nook_mount_options_free(&o);
		if (i > 0)
			assert_true(strcmp(array_str(list, i - 1), name) < 0);
	}
}

static void namespaces_and_capabilities(void **unused)
{
	yajl_val ns = GET(yajl_t_array, "linux", "namespaces");
	yajl_val caps = GET(yajl_t_array, "linux", "capabilities");

	assert_int_equal(array_len(ns), 8);
	assert_true(array_has(ns, "time"));
	assert_true(array_has(ns, "network"));
	assert_true(array_has(caps, "CAP_SYS_ADMIN"));
	assert_true(array_has(caps, "CAP_CHOWN"));
	assert_true(array_len(caps) <= (size_t)cap_max_bits());
	for (size_t i = 0; i < array_len(caps); i++) {
		cap_value_t cap;

		assert_int_equal(cap_from_name(array_str(caps, i), &cap), 0);
		assert_true(cap >= 0 && cap < cap_max_bits());
	}
}

static void cgroup_and_others(void **unused)
{
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "cgroup", "v2")));
	/* the systemd driver (--systemd-cgroup), also with a user manager */
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "cgroup", "systemd")));
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "cgroup", "systemdUser")));
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "intelRdt", "enabled")));
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "intelRdt", "schemata")));
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "intelRdt", "monitoring")));
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "netDevices", "enabled")));
	/* id-mapped bind mounts: src/linux/rootfs/mount_idmap.c */
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "mountExtensions", "idmap", "enabled")));
	/* The runtime's support, whatever the host (features-linux.md). */
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "apparmor", "enabled")));
	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "selinux", "enabled")));
	yajl_val modes = GET(yajl_t_array, "linux", "memoryPolicy", "modes");
	yajl_val flags = GET(yajl_t_array, "linux", "memoryPolicy", "flags");
	assert_int_equal(array_len(modes), 7);
	assert_true(array_has(modes, "MPOL_WEIGHTED_INTERLEAVE"));
	assert_int_equal(array_len(flags), 3);
	assert_true(array_has(flags, "MPOL_F_NUMA_BALANCING"));
	assert_string_equal(
	    YAJL_GET_STRING(GET(yajl_t_string, "annotations", "io.github.nook.version")), "0.1.0");
	assert_non_null(GET(yajl_t_string, "annotations", "io.github.nook.libseccomp.version"));
}

/* A filter with one rule: what nook's seccomp compiler says of it. */
static int compile_err(const char *action, const char *op, const char *arch, const char *flag,
                       struct nook_error *err)
{
	struct nook_seccomp_arg arg = {.index = 0, .value = 1, .op = (char *)op};
	struct nook_seccomp_syscall sc = {
	    .names = {.v = (char *[]){"getpid", NULL}, .n = 1},
	    .action = (char *)action,
	    .args = op != NULL ? &arg : NULL,
	    .n_args = op != NULL ? 1 : 0,
	};
	struct nook_seccomp s = {
	    .present = true,
	    .default_action =
	        strcmp(action, "SCMP_ACT_ALLOW") == 0 ? "SCMP_ACT_KILL" : "SCMP_ACT_ALLOW",
	    .syscalls = &sc,
	    .n_syscalls = 1,
	    .architectures = {.v = (char *[]){(char *)arch, NULL}, .n = arch != NULL},
	    .flags = {.v = (char *[]){(char *)flag, NULL}, .n = flag != NULL},
	};
	struct nook_seccomp_filter *filter = NULL;
	int rc = nook_seccomp_prepare(&s, &filter, err);

	nook_seccomp_free(filter);
	return rc;
}

static int compile(const char *action, const char *op, const char *arch, const char *flag)
{
	struct nook_error err;

	return compile_err(action, op, arch, flag, &err);
}

static void seccomp_names_are_accepted(void **unused)
{
	yajl_val actions = GET(yajl_t_array, "linux", "seccomp", "actions");
	yajl_val ops = GET(yajl_t_array, "linux", "seccomp", "operators");
	yajl_val archs = GET(yajl_t_array, "linux", "seccomp", "archs");
	yajl_val known = GET(yajl_t_array, "linux", "seccomp", "knownFlags");
	yajl_val supported = GET(yajl_t_array, "linux", "seccomp", "supportedFlags");

	assert_true(YAJL_IS_TRUE(GET(yajl_t_true, "linux", "seccomp", "enabled")));
	assert_true(array_has(actions, "SCMP_ACT_ERRNO"));
	/* SCMP_ACT_NOTIFY compiles; listenerPath is src/spec/support.c's check. */
	assert_true(array_has(actions, "SCMP_ACT_NOTIFY"));
	for (size_t i = 0; i < array_len(actions); i++)
		assert_int_equal(compile(array_str(actions, i), NULL, NULL, NULL), 0);
	assert_int_equal(array_len(ops), 7);
	for (size_t i = 0; i < array_len(ops); i++)
		assert_int_equal(compile("SCMP_ACT_ERRNO", array_str(ops, i), NULL, NULL), 0);
	assert_true(array_has(archs, "SCMP_ARCH_X86_64"));
	/* Recognized: libseccomp adds it, or refuses it only for its byte
	 * order (big-endian s390x next to little-endian x86_64: EDOM). */
	for (size_t i = 0; i < array_len(archs); i++) {
		struct nook_error err;

		if (compile_err("SCMP_ACT_ERRNO", NULL, array_str(archs, i), NULL, &err) < 0)
			assert_int_equal(err.errnum, EDOM);
	}
	assert_true(array_has(known, "SECCOMP_FILTER_FLAG_LOG"));
	for (size_t i = 0; i < array_len(supported); i++) {
		assert_true(array_has(known, array_str(supported, i)));
		assert_int_equal(compile("SCMP_ACT_ERRNO", NULL, NULL, array_str(supported, i)), 0);
	}
}

static void assert_sorted(yajl_val array)
{
	for (size_t i = 1; i < array_len(array); i++)
		if (strcmp(array_str(array, i - 1), array_str(array, i)) >= 0)
			fail_msg("%s before %s", array_str(array, i - 1), array_str(array, i));
}

/* Sorted, as runc lists them (SCMP_CMP_MASKED_EQ came last before the
 * names became one table). */
static void seccomp_lists_are_sorted(void **unused)
{
	assert_sorted(GET(yajl_t_array, "linux", "seccomp", "actions"));
	assert_sorted(GET(yajl_t_array, "linux", "seccomp", "operators"));
	assert_sorted(GET(yajl_t_array, "linux", "seccomp", "archs"));
}

/* Every name of the one table the parser checks against is listed, unless
 * the filter refuses it; an architecture is found back from its token. */
static void seccomp_lists_are_the_tables(void **unused)
{
	yajl_val actions = GET(yajl_t_array, "linux", "seccomp", "actions");
	yajl_val ops = GET(yajl_t_array, "linux", "seccomp", "operators");
	yajl_val archs = GET(yajl_t_array, "linux", "seccomp", "archs");
	yajl_val known = GET(yajl_t_array, "linux", "seccomp", "knownFlags");

	for (size_t i = 0; i < nook_seccomp_actions.n; i++) {
		const struct nook_name_value *e = &nook_seccomp_actions.v[i];

		assert_int_equal(array_has(actions, e->name),
		                 nook_seccomp_action_supported(e->value));
	}
	assert_int_equal(array_len(actions), nook_seccomp_actions.n);
	assert_int_equal(array_len(ops), nook_seccomp_operators.n);
	for (size_t i = 0; i < nook_seccomp_archs.n; i++) {
		const struct nook_name_value *e = &nook_seccomp_archs.v[i];

		assert_int_equal(array_has(archs, e->name), e->value != 0);
		if (e->value != 0)
			assert_string_equal(nook_name_of(&nook_seccomp_archs, e->value), e->name);
	}
	assert_int_equal(array_len(known), nook_seccomp_flags.n);
	assert_null(nook_name_find(&nook_seccomp_archs, "SCMP_ARCH_NATIVE"));
}

static int setup(void **unused)
{
	char *text = NULL, errbuf[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct nook_error err;

	if (f == NULL || nook_features_write(f, &err) < 0)
		return -1;
	fclose(f);
	doc = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	if (getenv("NOOK_FEATURES_DUMP") != NULL)
		fputs(text, stdout);
	free(text);
	return doc == NULL ? -1 : 0;
}

static int teardown(void **unused)
{
	yajl_tree_free(doc);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(versions_and_hooks),
	    cmocka_unit_test(mount_options_are_nooks),
	    cmocka_unit_test(namespaces_and_capabilities),
	    cmocka_unit_test(cgroup_and_others),
	    cmocka_unit_test(seccomp_names_are_accepted),
	    cmocka_unit_test(seccomp_lists_are_sorted),
	    cmocka_unit_test(seccomp_lists_are_the_tables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
