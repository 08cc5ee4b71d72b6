/* `nook features` (features.md, features-linux.md): what this build of nook
 * recognizes and what this host offers, as pretty JSON.
 *
 * Kept true to the code: mount options come from the table of
 * src/linux/rootfs/mount_options.c; the seccomp names below are the ones
 * src/linux/seccomp.c accepts (tests/unit/test_features.c compiles a filter
 * with each of them, so a name dropped there fails the test); what
 * src/spec/support.c refuses is reported as not enabled or left out
 * (SCMP_ACT_NOTIFY, idmap mounts, netDevices, intelRdt); the memoryPolicy
 * modes and flags are the tables of src/spec/mempolicy_args.c. */
#include "nook/features.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"
#include "nook/host_facts.h"
#include "nook/json_gen.h"
#include "nook/version.h"
#include "nook/mempolicy.h"
#include "nook/mount_options.h"
#include "nook/spec.h"

/* ---- what nook's seccomp.c accepts ---- */

static const char *const seccomp_actions[] = {
    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",   "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

static const char *const seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",        "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ",
};

/* The spec's names and libseccomp's: only those libseccomp resolves. */
static const struct {
	const char *spec, *lib;
} seccomp_archs[] = {
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
};

/* settable: nook can set it through libseccomp (WAIT_KILLABLE_RECV is known
 * but refused). The kernel is asked too, see flag_supported(). */
static const struct {
	const char *name;
	unsigned long flag;
	bool settable;
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, true},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, true},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, true},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, false},
};

static const char *const hook_names[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* ---- the generator ---- */

static void key_names(struct nook_gen *g, const char *k, const char *const *v, size_t n)
{
	nook_gen_open_array(g, k);
	for (size_t i = 0; i < n; i++)
		nook_gen_str(g, v[i]);
	nook_gen_close_array(g);
}

/* { "enabled": <enabled> } */
static void key_enabled(struct nook_gen *g, const char *k, bool enabled)
{
	nook_gen_open_map(g, k);
	nook_gen_key_bool(g, "enabled", enabled);
	nook_gen_close_map(g);
}

/* ---- the parts ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, as runc lists them. */
static void mount_options(struct nook_gen *g)
{
	size_t n = 0;
	autofree const char **names = NULL;

	while (nook_mount_option_name(n) != NULL)
		n++;
	names = calloc(n + 1, sizeof(*names));
	if (names == NULL) {
		g->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = nook_mount_option_name(i);
	qsort(names, n, sizeof(*names), cmp_str);
	key_names(g, "mountOptions", names, n);
}

static void namespaces(struct nook_gen *g)
{
	nook_gen_open_array(g, "namespaces");
	for (int t = 0; t < NOOK_NS_COUNT; t++)
		nook_gen_str(g, nook_ns_type_name((enum nook_ns_type)t));
	nook_gen_close_array(g);
}

/* Every capability libcap names, up to the running kernel's last. */
static void capabilities(struct nook_gen *g)
{
	nook_gen_open_array(g, "capabilities");
	for (int cap = 0; cap < (int)cap_max_bits(); cap++) {
		char *name = cap_to_name(cap);
		char upper[64];

		if (name != NULL && strncmp(name, "cap_", 4) == 0) {
			snprintf(upper, sizeof(upper), "%s", name);
			for (char *p = upper; *p != '\0'; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 'a' + 'A');
			nook_gen_str(g, upper);
		}
		cap_free(name);
	}
	nook_gen_close_array(g);
}

/* The cgroup layer's managers: cgroupfs on v1, v2 and hybrid hosts; no
 * systemd driver. */
static void cgroup(struct nook_gen *g)
{
	nook_gen_open_map(g, "cgroup");
	nook_gen_key_bool(g, "v1", true);
	nook_gen_key_bool(g, "v2", true);
	nook_gen_key_bool(g, "systemd", false);
	nook_gen_key_bool(g, "systemdUser", false);
	nook_gen_key_bool(g, "rdma", true);
	nook_gen_close_map(g);
}

/* The kernel knows a filter flag if seccomp(2) with no filter fails with
 * EFAULT rather than EINVAL. */
static bool flag_supported(unsigned long flag)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static void seccomp_archs_list(struct nook_gen *g)
{
	nook_gen_open_array(g, "archs");
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(seccomp_archs); i++)
		if (seccomp_arch_resolve_name(seccomp_archs[i].lib) != 0)
			nook_gen_str(g, seccomp_archs[i].spec);
	nook_gen_close_array(g);
}

static void seccomp_flags_lists(struct nook_gen *g)
{
	nook_gen_open_array(g, "knownFlags");
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(seccomp_flags); i++)
		nook_gen_str(g, seccomp_flags[i].name);
	nook_gen_close_array(g);
	nook_gen_open_array(g, "supportedFlags");
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(seccomp_flags); i++)
		if (seccomp_flags[i].settable && flag_supported(seccomp_flags[i].flag))
			nook_gen_str(g, seccomp_flags[i].name);
	nook_gen_close_array(g);
}

static void seccomp(struct nook_gen *g)
{
	nook_gen_open_map(g, "seccomp");
	nook_gen_key_bool(g, "enabled", true);
	key_names(g, "actions", seccomp_actions, NOOK_ARRAY_SIZE(seccomp_actions));
	key_names(g, "operators", seccomp_operators, NOOK_ARRAY_SIZE(seccomp_operators));
	seccomp_archs_list(g);
	seccomp_flags_lists(g);
	nook_gen_close_map(g);
}

/* features-linux.md "MemoryPolicy": what linux.memoryPolicy accepts. */
static void memory_policy(struct nook_gen *g)
{
	const char *name;

	nook_gen_open_map(g, "memoryPolicy");
	nook_gen_open_array(g, "modes");
	for (size_t i = 0; (name = nook_mempolicy_mode_name(i)) != NULL; i++)
		nook_gen_str(g, name);
	nook_gen_close_array(g);
	nook_gen_open_array(g, "flags");
	for (size_t i = 0; (name = nook_mempolicy_flag_name(i)) != NULL; i++)
		nook_gen_str(g, name);
	nook_gen_close_array(g);
	nook_gen_close_map(g);
}

static void linux_features(struct nook_gen *g)
{
	nook_gen_open_map(g, "linux");
	namespaces(g);
	capabilities(g);
	cgroup(g);
	seccomp(g);
	key_enabled(g, "apparmor", nook_apparmor_enabled());
	key_enabled(g, "selinux", nook_selinux_enabled());
	memory_policy(g);
	key_enabled(g, "intelRdt", false);
	nook_gen_open_map(g, "mountExtensions");
	key_enabled(g, "idmap", false);
	nook_gen_close_map(g);
	key_enabled(g, "netDevices", false);
	nook_gen_close_map(g);
}

static void annotations(struct nook_gen *g)
{
	const struct scmp_version *v = seccomp_version();
	char lib[64] = "unknown";

	if (v != NULL)
		snprintf(lib, sizeof(lib), "%u.%u.%u", v->major, v->minor, v->micro);
	nook_gen_open_map(g, "annotations");
	nook_gen_key_str(g, "io.github.nook.version", NOOK_VERSION);
	nook_gen_key_str(g, "io.github.nook.libseccomp.version", lib);
	nook_gen_close_map(g);
}

static void document(struct nook_gen *g)
{
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "ociVersionMin", "1.0.0");
	nook_gen_key_str(g, "ociVersionMax", NOOK_SPEC_VERSION);
	key_names(g, "hooks", hook_names, NOOK_ARRAY_SIZE(hook_names));
	mount_options(g);
	linux_features(g);
	annotations(g);
	nook_gen_close_map(g);
}

char *nook_features_json(struct nook_error *err)
{
	struct nook_gen g = {.g = yajl_gen_alloc(NULL)};
	const unsigned char *buf;
	size_t len;
	char *json = NULL;

	if (g.g == NULL) {
		nook_fail(err, ENOMEM, "features");
		return NULL;
	}
	yajl_gen_config(g.g, yajl_gen_beautify, 1);
	yajl_gen_config(g.g, yajl_gen_indent_string, "    ");
	document(&g);
	if (!g.failed)
		nook_gen_check(&g, yajl_gen_get_buf(g.g, &buf, &len));
	if (!g.failed)
		json = strndup((const char *)buf, len);
	if (json == NULL)
		nook_fail(err, ENOMEM, "features: generate the JSON");
	yajl_gen_free(g.g);
	return json;
}

int nook_features_write(FILE *out, struct nook_error *err)
{
	autofree char *json = nook_features_json(err);

	if (json == NULL)
		return -1;
	if (fputs(json, out) == EOF || fputc('\n', out) == EOF || fflush(out) != 0)
		return nook_fail(err, errno, "features: write");
	return 0;
}
