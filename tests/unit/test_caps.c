/* nook_caps_*: names to masks (warnings, never failures), then the bounding
 * drop, the user switch and capset in forked children, observed in
 * /proc/self/status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <linux/capability.h>
#include <stdlib.h>

#include "nook/log.h"
#include "nook/security.h"
#include "sec_child.h"

#define BIT(cap) (UINT64_C(1) << (cap))

#define NAMES(...)                                                                                 \
	((struct nook_strv){(char *[]){__VA_ARGS__},                                               \
	                    sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)})

/* ---- prepare, with the warnings it logs ---- */

static char log_text[8192];

/* nook_caps_prepare with the log going to a file, read into log_text. */
static int prepare_logged(const struct nook_capabilities *caps, struct nook_caps *out,
                          struct nook_error *err)
{
	char path[] = "/tmp/nook-caps-log-XXXXXX";
	int fd = mkstemp(path);
	ssize_t n;
	int rc;

	if (fd < 0) /* no cmocka assert: this runs in forked children too */
		return nook_fail(err, errno, "mkstemp %s", path);
	rc = nook_log_open(path, NOOK_LOG_TEXT, false, err);
	if (rc == 0) {
		rc = nook_caps_prepare(caps, out, err);
		nook_log_close();
	}
	n = pread(fd, log_text, sizeof(log_text) - 1, 0);
	log_text[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return rc;
}

static void test_prepare_masks(void **state)
{
	struct nook_capabilities caps = {
	    .present = true,
	    .bounding = NAMES("CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_KILL"),
	    .effective = NAMES("CAP_CHOWN"),
	    .inheritable = NAMES("CAP_KILL"),
	    .permitted = NAMES("CAP_CHOWN", "CAP_KILL"),
	    .ambient = NAMES("CAP_KILL"),
	};
	struct nook_caps out;
	struct nook_error err = {0};

	assert_int_equal(prepare_logged(&caps, &out, &err), 0);
	assert_string_equal(log_text, "");
	assert_true(out.bounding == (BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL)));
	assert_true(out.effective == BIT(CAP_CHOWN));
	assert_true(out.inheritable == BIT(CAP_KILL));
	assert_true(out.permitted == (BIT(CAP_CHOWN) | BIT(CAP_KILL)));
	assert_true(out.ambient == BIT(CAP_KILL));
}

static void test_prepare_absent_is_empty(void **state)
{
	struct nook_capabilities caps = {0};
	struct nook_caps out = {1, 1, 1, 1, 1};
	struct nook_error err = {0};

	assert_int_equal(nook_caps_prepare(&caps, &out, &err), 0);
	assert_true(out.bounding == 0 && out.effective == 0 && out.inheritable == 0 &&
	            out.permitted == 0 && out.ambient == 0);
}

static void test_prepare_unknown_is_a_warning(void **state)
{
	struct nook_capabilities caps = {
	    .present = true,
	    .bounding = NAMES("CAP_CHOWN", "CAP_NOT_A_THING"),
	    .permitted = NAMES("12", "CAP_CHOWN"),
	};
	struct nook_caps out;
	struct nook_error err = {0};

	assert_int_equal(prepare_logged(&caps, &out, &err), 0);
	assert_true(out.bounding == BIT(CAP_CHOWN));
	assert_true(out.permitted == BIT(CAP_CHOWN));
	assert_non_null(strstr(log_text, "nook: warning: process.capabilities.bounding[1]: unknown "
	                                 "capability \"CAP_NOT_A_THING\", ignored\n"));
	assert_non_null(strstr(log_text,
	                       "nook: warning: process.capabilities.permitted[0]: unknown "
	                       "capability \"12\", ignored\n"));
}

/* In a child that has dropped CAP_SYS_RESOURCE from its own bounding set
 * (as root on most hosts has it): the masks, then what was logged. */
static int child_prepare_without_sys_resource(void *arg, char *msg, size_t size)
{
	const struct nook_capabilities *caps = arg;
	struct nook_caps out;
	struct nook_error err = {0};

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_RESOURCE, 0, 0, 0) < 0) {
		snprintf(msg, size, "PR_CAPBSET_DROP CAP_SYS_RESOURCE: %s", strerror(errno));
		return 2;
	}
	if (prepare_logged(caps, &out, &err) < 0)
		return child_error(msg, size, &err);
	snprintf(msg, size, "bnd %llx eff %llx\n%s", (unsigned long long)out.bounding,
	         (unsigned long long)out.effective, log_text);
	return 0;
}

static void test_prepare_not_in_own_bounding_is_a_warning(void **state)
{
	struct nook_capabilities caps = {
	    .present = true,
	    .bounding = NAMES("CAP_SYS_RESOURCE", "CAP_CHOWN"),
	    .effective = NAMES("CAP_SYS_RESOURCE"),
	};
	struct child_result r;
	char expect[64];

	run_in_child(child_prepare_without_sys_resource, &caps, &r);
	assert_child_exit(&r, 0);
	snprintf(expect, sizeof(expect), "bnd %llx eff 0\n", (unsigned long long)BIT(CAP_CHOWN));
	if (strncmp(r.msg, expect, strlen(expect)) != 0)
		fail_msg("got \"%s\", want it to start with \"%s\"", r.msg, expect);
	assert_non_null(strstr(r.msg, "process.capabilities.bounding[0]: CAP_SYS_RESOURCE is not "
	                              "in nook's own bounding set, ignored"));
	assert_non_null(strstr(r.msg, "process.capabilities.effective[0]: CAP_SYS_RESOURCE is "
	                              "not in nook's own bounding set, ignored"));
}

/* ---- applied in a child ---- */

struct apply_case {
	struct nook_caps caps;
	bool switch_user;
	struct nook_user user;
	bool exec_check; /* also report the caps of a program run afterwards */
};

static unsigned long long status_field(const char *field)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long v = ~0ULL;
	size_t len = strlen(field);

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			v = strtoull(line + len + 1, NULL, 16);
	if (f != NULL)
		fclose(f);
	return v;
}

static int child_apply(void *arg, char *msg, size_t size)
{
	const struct apply_case *c = arg;
	struct nook_error err = {0};
	int len;

	if (nook_caps_drop_bounding(&c->caps, &err) < 0)
		return child_error(msg, size, &err);
	if (c->switch_user && nook_user_switch(&c->user, &err) < 0)
		return child_error(msg, size, &err);
	if (nook_caps_apply(&c->caps, &err) < 0)
		return child_error(msg, size, &err);
	len = snprintf(msg, size, "uid %u bnd %llx eff %llx prm %llx inh %llx amb %llx", getuid(),
	               status_field("CapBnd"), status_field("CapEff"), status_field("CapPrm"),
	               status_field("CapInh"), status_field("CapAmb"));
	if (c->exec_check) {
		/* A program started now (sh, then grep) gets the ambient set. */
		FILE *p = popen("exec grep -E '^Cap(Eff|Prm|Amb)' /proc/self/status", "r");
		char line[128];

		while (p != NULL && fgets(line, sizeof(line), p) != NULL && len > 0 &&
		       (size_t)len < size) {
			line[strcspn(line, "\n")] = '\0';
			len += snprintf(msg + len, size - (size_t)len, " | %s", line);
		}
		if (p == NULL || pclose(p) != 0)
			return 3;
	}
	return 0;
}

static void test_apply_sets(void **state)
{
	struct apply_case c = {.caps = {
	                           .bounding = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) |
	                                       BIT(CAP_KILL) | BIT(CAP_SETPCAP),
	                           .effective = BIT(CAP_CHOWN),
	                           .permitted = BIT(CAP_CHOWN) | BIT(CAP_KILL),
	                           .inheritable = BIT(CAP_KILL),
	                           .ambient = BIT(CAP_KILL),
	                       }};
	struct child_result r;
	char expect[256];

	run_in_child(child_apply, &c, &r);
	assert_child_exit(&r, 0);
	snprintf(expect, sizeof(expect), "uid 0 bnd %llx eff %llx prm %llx inh %llx amb %llx",
	         (unsigned long long)c.caps.bounding, (unsigned long long)c.caps.effective,
	         (unsigned long long)c.caps.permitted, (unsigned long long)c.caps.inheritable,
	         (unsigned long long)c.caps.ambient);
	assert_string_equal(r.msg, expect);
}

static void test_apply_empty_drops_everything(void **state)
{
	struct apply_case c = {0};
	struct child_result r;

	run_in_child(child_apply, &c, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "uid 0 bnd 0 eff 0 prm 0 inh 0 amb 0");
}

/* Apply caps, switch to uid 1000, and run a program: what the child and
 * the program see. */
static void check_as_user_1000(struct nook_caps caps, const char *want)
{
	struct apply_case c = {
	    .caps = caps,
	    .switch_user = true,
	    .user = {.uid = 1000, .gid = 1000},
	    .exec_check = true,
	};
	struct child_result r;

	run_in_child(child_apply, &c, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, want);
}

static void test_user_1000_keeps_ambient(void **state)
{
	uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);

	check_as_user_1000((struct nook_caps){.bounding = nbs,
	                                      .effective = nbs,
	                                      .permitted = nbs,
	                                      .inheritable = nbs,
	                                      .ambient = nbs},
	                   "uid 1000 bnd 400 eff 400 prm 400 inh 400 amb 400"
	                   " | CapPrm:\t0000000000000400"
	                   " | CapEff:\t0000000000000400"
	                   " | CapAmb:\t0000000000000400");
}

static void test_user_1000_without_ambient_loses_caps_on_exec(void **state)
{
	uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);

	check_as_user_1000((struct nook_caps){.bounding = nbs, .effective = nbs, .permitted = nbs},
	                   "uid 1000 bnd 400 eff 400 prm 400 inh 0 amb 0"
	                   " | CapPrm:\t0000000000000000"
	                   " | CapEff:\t0000000000000000"
	                   " | CapAmb:\t0000000000000000");
}

static void test_ambient_needs_inheritable(void **state)
{
	uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);
	struct apply_case c = {.caps = {.bounding = nbs, .permitted = nbs, .ambient = nbs}};
	struct child_result r;

	/* A warning on the child's stderr; the ambient set stays empty. */
	run_in_child(child_apply, &c, &r);
	assert_child_exit(&r, 0);
	assert_string_equal(r.msg, "uid 0 bnd 400 eff 0 prm 400 inh 0 amb 0");
}

static void test_apply_effective_outside_permitted_fails(void **state)
{
	struct apply_case c = {.caps = {.bounding = BIT(CAP_CHOWN),
	                                .effective = BIT(CAP_CHOWN) | BIT(CAP_KILL),
	                                .permitted = BIT(CAP_CHOWN)}};
	struct child_result r;

	run_in_child(child_apply, &c, &r);
	assert_child_exit(&r, CHILD_NOOK_FAILED);
	assert_string_equal(r.msg, "process.capabilities: capset (effective must be within "
	                           "permitted, inheritable within bounding): Operation not "
	                           "permitted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prepare_masks),
	    cmocka_unit_test(test_prepare_absent_is_empty),
	    cmocka_unit_test(test_prepare_unknown_is_a_warning),
	    cmocka_unit_test(test_prepare_not_in_own_bounding_is_a_warning),
	    cmocka_unit_test(test_apply_sets),
	    cmocka_unit_test(test_apply_empty_drops_everything),
	    cmocka_unit_test(test_user_1000_keeps_ambient),
	    cmocka_unit_test(test_user_1000_without_ambient_loses_caps_on_exec),
	    cmocka_unit_test(test_ambient_needs_inheritable),
	    cmocka_unit_test(test_apply_effective_outside_permitted_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
