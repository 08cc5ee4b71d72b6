/* nook_spec_default_json(): the config.json of `nook spec`, after runc's
 * (written by nook_spec_write_default, src/container/spec_file.c).
 *
 * Differences from runc, on purpose: no linux.resources (cgroups are not
 * implemented, and the support check would refuse them), terminal off and a
 * writable root. The rootless variant follows runc's ToRootless(): a user
 * namespace mapping the caller to root, no network namespace, /sys as a
 * read-only rbind of the host's (which brings /sys/fs/cgroup along, so no
 * cgroup mount of its own), and no gid= options. */
#include <errno.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"
#include "nook/json_gen.h"
#include "nook/spec.h"

/* "key": [ ...NULL-terminated strings ] */
static void key_strv(struct nook_gen *g, const char *k, const char *const *v)
{
	nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_array_open(g->g));
	for (; *v != NULL; v++)
		nook_gen_str(g, *v);
	nook_gen_check(g, yajl_gen_array_close(g->g));
}

static void process(struct nook_gen *g)
{
	static const char *const args[] = {"sh", NULL};
	static const char *const env[] = {
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
	    NULL};
	static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
	                                   NULL};

	nook_gen_open_map(g, "process");
	nook_gen_key_bool(g, "terminal", false);
	nook_gen_open_map(g, "user");
	nook_gen_key_uint(g, "uid", 0);
	nook_gen_key_uint(g, "gid", 0);
	nook_gen_close_map(g);
	key_strv(g, "args", args);
	key_strv(g, "env", env);
	nook_gen_key_str(g, "cwd", "/");
	nook_gen_open_map(g, "capabilities");
	key_strv(g, "bounding", caps);
	key_strv(g, "effective", caps);
	key_strv(g, "permitted", caps);
	nook_gen_close_map(g);
	nook_gen_str(g, "rlimits");
	nook_gen_check(g, yajl_gen_array_open(g->g));
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "type", "RLIMIT_NOFILE");
	nook_gen_key_uint(g, "hard", 1024);
	nook_gen_key_uint(g, "soft", 1024);
	nook_gen_close_map(g);
	nook_gen_check(g, yajl_gen_array_close(g->g));
	nook_gen_key_bool(g, "noNewPrivileges", true);
	nook_gen_close_map(g);
}

static void mount(struct nook_gen *g, const char *dest, const char *type, const char *source,
                  const char *const *options)
{
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "destination", dest);
	nook_gen_key_str(g, "type", type);
	nook_gen_key_str(g, "source", source);
	if (options != NULL)
		key_strv(g, "options", options);
	nook_gen_close_map(g);
}

static void mounts(struct nook_gen *g, bool rootless)
{
	static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
	static const char *const pts[] = {"nosuid",    "noexec", "newinstance", "ptmxmode=0666",
	                                  "mode=0620", "gid=5",  NULL};
	static const char *const pts_rootless[] = {"nosuid",        "noexec",    "newinstance",
	                                           "ptmxmode=0666", "mode=0620", NULL};
	static const char *const shm[] = {"nosuid",    "noexec",      "nodev",
	                                  "mode=1777", "size=65536k", NULL};
	static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
	static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
	static const char *const sys_rootless[] = {"rbind", "nosuid", "noexec",
	                                           "nodev", "ro",     NULL};
	static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};

	nook_gen_str(g, "mounts");
	nook_gen_check(g, yajl_gen_array_open(g->g));
	mount(g, "/proc", "proc", "proc", NULL);
	mount(g, "/dev", "tmpfs", "tmpfs", dev);
	mount(g, "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts);
	mount(g, "/dev/shm", "tmpfs", "shm", shm);
	mount(g, "/dev/mqueue", "mqueue", "mqueue", mqueue);
	if (rootless) {
		mount(g, "/sys", "none", "/sys", sys_rootless);
	} else {
		mount(g, "/sys", "sysfs", "sysfs", sys);
		mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
	}
	nook_gen_check(g, yajl_gen_array_close(g->g));
}

static void id_mapping(struct nook_gen *g, const char *key, unsigned long long host_id)
{
	nook_gen_str(g, key);
	nook_gen_check(g, yajl_gen_array_open(g->g));
	nook_gen_open_map(g, NULL);
	nook_gen_key_uint(g, "containerID", 0);
	nook_gen_key_uint(g, "hostID", host_id);
	nook_gen_key_uint(g, "size", 1);
	nook_gen_close_map(g);
	nook_gen_check(g, yajl_gen_array_close(g->g));
}

static void linux_section(struct nook_gen *g, bool rootless, uid_t uid, gid_t gid)
{
	static const char *const masked[] = {"/proc/acpi",
	                                     "/proc/asound",
	                                     "/proc/kcore",
	                                     "/proc/keys",
	                                     "/proc/latency_stats",
	                                     "/proc/timer_list",
	                                     "/proc/timer_stats",
	                                     "/proc/sched_debug",
	                                     "/sys/firmware",
	                                     "/proc/scsi",
	                                     NULL};
	static const char *const readonly[] = {
	    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
	static const char *const ns_rootless[] = {"pid",    "ipc",  "uts", "mount",
	                                          "cgroup", "user", NULL};

	nook_gen_open_map(g, "linux");
	if (rootless) {
		id_mapping(g, "uidMappings", uid);
		id_mapping(g, "gidMappings", gid);
	}
	nook_gen_str(g, "namespaces");
	nook_gen_check(g, yajl_gen_array_open(g->g));
	for (const char *const *t = rootless ? ns_rootless : ns; *t != NULL; t++) {
		nook_gen_open_map(g, NULL);
		nook_gen_key_str(g, "type", *t);
		nook_gen_close_map(g);
	}
	nook_gen_check(g, yajl_gen_array_close(g->g));
	key_strv(g, "maskedPaths", masked);
	key_strv(g, "readonlyPaths", readonly);
	nook_gen_close_map(g);
}

static void document(struct nook_gen *g, bool rootless, uid_t uid, gid_t gid)
{
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "ociVersion", "1.3.0");
	process(g);
	nook_gen_open_map(g, "root");
	nook_gen_key_str(g, "path", "rootfs");
	nook_gen_key_bool(g, "readonly", false);
	nook_gen_close_map(g);
	nook_gen_key_str(g, "hostname", "nook");
	mounts(g, rootless);
	linux_section(g, rootless, uid, gid);
	nook_gen_close_map(g);
}

char *nook_spec_default_json(bool rootless, uid_t uid, gid_t gid, size_t *len,
                             struct nook_error *err)
{
	struct nook_gen g = {0};
	const unsigned char *buf;
	char *out = NULL;

	g.g = yajl_gen_alloc(NULL);
	if (g.g == NULL) {
		nook_fail(err, ENOMEM, "generate the default config.json");
		return NULL;
	}
	yajl_gen_config(g.g, yajl_gen_beautify, 1);
	yajl_gen_config(g.g, yajl_gen_indent_string, "\t");
	document(&g, rootless, uid, gid);
	if (!g.failed)
		nook_gen_check(&g, yajl_gen_get_buf(g.g, &buf, len));
	if (!g.failed)
		out = strndup((const char *)buf, *len);
	yajl_gen_free(g.g);
	if (out == NULL)
		nook_fail(err, ENOMEM, "generate the default config.json");
	return out;
}
