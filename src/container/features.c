/* `nook features` (features.md, features-linux.md): what this build of nook
 * recognizes and what this host offers, as pretty JSON.
 *
 * Kept true to the code: mount options come from the table of
 * src/linux/rootfs/mount_options.c; the seccomp names are the tables of
 * src/spec/seccomp_names.c, all of which src/linux/seccomp.c compiles
 * (tests/unit/test_features.c compiles a filter with each of them;
 * SCMP_ACT_NOTIFY with linux.seccomp.listenerPath, which features-linux.md
 * has no field for); id-mapped bind mounts (mountExtensions.idmap, the
 * "idmap"/"ridmap" options) are src/linux/rootfs/mount_idmap.c; netDevices
 * is src/linux/net_devices.c; the memoryPolicy
 * modes and flags are the tables of src/spec/mempolicy_args.c. */
#include "nook/features.h"

#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"
#include "nook/json_gen.h"
#include "nook/version.h"
#include "nook/mempolicy.h"
#include "nook/mount_options.h"
#include "nook/names.h"
#include "nook/security.h"
#include "nook/spec.h"

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
		char name[64];

		if (nook_cap_name(cap, name, sizeof(name)))
			nook_gen_str(g, name);
	}
	nook_gen_close_array(g);
}

/* The cgroup layer's managers: cgroupfs on v1, v2 and hybrid hosts; the
 * systemd driver (--systemd-cgroup, src/linux/cgroup/systemd.c) on v2 for
 * the system manager. Under a user manager it is untested, so not said. */
static void cgroup(struct nook_gen *g)
{
	nook_gen_open_map(g, "cgroup");
	nook_gen_key_bool(g, "v1", true);
	nook_gen_key_bool(g, "v2", true);
	nook_gen_key_bool(g, "systemd", true);
	nook_gen_key_bool(g, "systemdUser", true);
	nook_gen_key_bool(g, "rdma", true);
	nook_gen_close_map(g);
}

typedef bool (*supported_fn)(uint64_t value);

/* The names of a table whose value `supported` takes (NULL: all), sorted
 * when `sorted` (as runc lists them), else in the table's order. */
static void table_names(struct nook_gen *g, const char *k, const struct nook_names *t,
                        supported_fn supported, bool sorted)
{
	size_t n = 0;
	autofree const char **names = calloc(t->n + 1, sizeof(*names));

	if (names == NULL) {
		g->failed = true;
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		if (supported == NULL || supported(t->v[i].value))
			names[n++] = t->v[i].name;
	if (sorted)
		qsort(names, n, sizeof(*names), cmp_str);
	key_names(g, k, names, n);
}

/* Token 0: the libseccomp nook is built with predates the architecture. */
static bool arch_known(uint64_t token)
{
	return token != 0;
}

static void seccomp(struct nook_gen *g)
{
	nook_gen_open_map(g, "seccomp");
	nook_gen_key_bool(g, "enabled", true);
	table_names(g, "actions", &nook_seccomp_actions, nook_seccomp_action_supported, true);
	table_names(g, "operators", &nook_seccomp_operators, NULL, true);
	table_names(g, "archs", &nook_seccomp_archs, arch_known, true);
	table_names(g, "knownFlags", &nook_seccomp_flags, NULL, false);
	table_names(g, "supportedFlags", &nook_seccomp_flags, nook_seccomp_flag_supported, false);
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
	/* features-linux.md: whether the runtime supports them, "irrelevant to
	 * the availability ... on the host" (runc and crun say true). nook
	 * applies process.apparmorProfile, process.selinuxLabel and
	 * linux.mountLabel (src/linux/lsm.c); a host without the module
	 * refuses them at create (src/spec/support.c). */
	key_enabled(g, "apparmor", true);
	key_enabled(g, "selinux", true);
	memory_policy(g);
	/* linux.intelRdt: src/linux/intel_rdt.c, schemata and enableMonitoring
	 * included; a host without resctrl refuses it at create. */
	nook_gen_open_map(g, "intelRdt");
	nook_gen_key_bool(g, "enabled", true);
	nook_gen_key_bool(g, "schemata", true);
	nook_gen_key_bool(g, "monitoring", true);
	nook_gen_close_map(g);
	/* mounts[].uidMappings/gidMappings, "idmap", "ridmap": bind mounts
	 * only, which features-linux.md allows ("partial implementations ...
	 * MUST still set this value to true"). */
	nook_gen_open_map(g, "mountExtensions");
	key_enabled(g, "idmap", true);
	nook_gen_close_map(g);
	key_enabled(g, "netDevices", true);
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
	table_names(g, "hooks", &nook_hook_names, NULL, false);
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
