/* nook_spec_default_json(): the config.json of `nook spec`, after runc's
 * (written by nook_spec_write_default, src/container/spec_file.c).
 *
 * Differences from runc, on purpose: no linux.resources (cgroups are not
 * implemented, and the support check would refuse them), terminal off and a
 * writable root. The rootless variant follows runc's ToRootless(): a user
 * namespace mapping the caller to root, no network namespace, /sys as a
 * read-only rbind of the host's (which brings /sys/fs/cgroup along, so no
 * cgroup mount of its own), and no gid= options.
 *
 * `nook job` makes its config here too (nook_spec_generate with a job,
 * src/spec/job_config.c): the same document, with the job's process, root,
 * extra mounts, resources and network in their places. */
#include <errno.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"
#include "nook/json_gen.h"
#include "nook/spec.h"
#include "spec/generate.h"

/* "key": [ ...NULL-terminated strings ] */
void nook_spec_gen_strv(struct nook_gen *g, const char *k, const char *const *v)
{
	nook_gen_str(g, k);
	nook_gen_check(g, yajl_gen_array_open(g->g));
	for (; *v != NULL; v++)
		nook_gen_str(g, *v);
	nook_gen_check(g, yajl_gen_array_close(g->g));
}

static void process(struct nook_gen *g, const struct nook_job_spec *job)
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
	nook_gen_key_uint(g, "uid", job != NULL ? job->uid : 0);
	nook_gen_key_uint(g, "gid", job != NULL ? job->gid : 0);
	nook_gen_close_map(g);
	if (job != NULL) {
		nook_spec_job_args(g, job);
		nook_spec_job_env(g, env, job);
	} else {
		nook_spec_gen_strv(g, "args", args);
		nook_spec_gen_strv(g, "env", env);
	}
	nook_gen_key_str(g, "cwd", job != NULL && job->workdir != NULL ? job->workdir : "/");
	nook_gen_open_map(g, "capabilities");
	nook_spec_gen_strv(g, "bounding", caps);
	nook_spec_gen_strv(g, "effective", caps);
	nook_spec_gen_strv(g, "permitted", caps);
	nook_gen_close_map(g);
	nook_gen_str(g, "rlimits");
	nook_gen_check(g, yajl_gen_array_open(g->g));
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "type", "RLIMIT_NOFILE");
	nook_gen_key_uint(g, "hard",
	                  job != NULL && job->nofile > 0 ? (unsigned long long)job->nofile : 1024);
	nook_gen_key_uint(g, "soft",
	                  job != NULL && job->nofile > 0 ? (unsigned long long)job->nofile : 1024);
	nook_gen_close_map(g);
	nook_gen_check(g, yajl_gen_array_close(g->g));
	nook_gen_key_bool(g, "noNewPrivileges", true);
	nook_gen_close_map(g);
}

void nook_spec_gen_mount(struct nook_gen *g, const char *dest, const char *type, const char *source,
                         const char *const *options)
{
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "destination", dest);
	nook_gen_key_str(g, "type", type);
	nook_gen_key_str(g, "source", source);
	if (options != NULL)
		nook_spec_gen_strv(g, "options", options);
	nook_gen_close_map(g);
}

static void mounts(struct nook_gen *g, bool rootless, const struct nook_job_spec *job)
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
	nook_spec_gen_mount(g, "/proc", "proc", "proc", NULL);
	nook_spec_gen_mount(g, "/dev", "tmpfs", "tmpfs", dev);
	/* In a user namespace gid 5 (tty) is not mapped, and sysfs can be
	 * mounted only for a network namespace of that user namespace. */
	bool in_userns = rootless || (job != NULL && job->in_userns);
	bool host_sysfs =
	    rootless || (in_userns && job != NULL && job->network == NOOK_JOB_NET_HOST);

	nook_spec_gen_mount(g, "/dev/pts", "devpts", "devpts", in_userns ? pts_rootless : pts);
	nook_spec_gen_mount(g, "/dev/shm", "tmpfs", "shm", shm);
	nook_spec_gen_mount(g, "/dev/mqueue", "mqueue", "mqueue", mqueue);
	if (host_sysfs) {
		nook_spec_gen_mount(g, "/sys", "none", "/sys", sys_rootless);
	} else {
		nook_spec_gen_mount(g, "/sys", "sysfs", "sysfs", sys);
		nook_spec_gen_mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
	}
	if (job != NULL)
		nook_spec_job_mounts(g, job);
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

static void linux_section(struct nook_gen *g, bool rootless, uid_t uid, gid_t gid,
                          const struct nook_job_spec *job)
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
		/* --network host: the host's network namespace */
		if (job != NULL && job->network == NOOK_JOB_NET_HOST && strcmp(*t, "network") == 0)
			continue;
		nook_gen_open_map(g, NULL);
		nook_gen_key_str(g, "type", *t);
		nook_gen_close_map(g);
	}
	nook_gen_check(g, yajl_gen_array_close(g->g));
	nook_spec_gen_strv(g, "maskedPaths", masked);
	nook_spec_gen_strv(g, "readonlyPaths", readonly);
	if (job != NULL)
		nook_spec_job_resources(g, job);
	nook_gen_close_map(g);
}

static void document(struct nook_gen *g, bool rootless, uid_t uid, gid_t gid,
                     const struct nook_job_spec *job)
{
	nook_gen_open_map(g, NULL);
	nook_gen_key_str(g, "ociVersion", "1.3.0");
	process(g, job);
	nook_gen_open_map(g, "root");
	nook_gen_key_str(g, "path", job != NULL ? job->root_path : "rootfs");
	nook_gen_key_bool(g, "readonly", job != NULL && job->root_readonly);
	nook_gen_close_map(g);
	nook_gen_key_str(g, "hostname", "nook");
	mounts(g, rootless, job);
	linux_section(g, rootless, uid, gid, job);
	nook_gen_close_map(g);
}

char *nook_spec_generate(bool rootless, uid_t uid, gid_t gid, const struct nook_job_spec *job,
                         size_t *len, struct nook_error *err)
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
	document(&g, rootless, uid, gid, job);
	if (!g.failed)
		nook_gen_check(&g, yajl_gen_get_buf(g.g, &buf, len));
	if (!g.failed)
		out = strndup((const char *)buf, *len);
	yajl_gen_free(g.g);
	if (out == NULL)
		nook_fail(err, ENOMEM, "generate the default config.json");
	return out;
}

char *nook_spec_default_json(bool rootless, uid_t uid, gid_t gid, size_t *len,
                             struct nook_error *err)
{
	return nook_spec_generate(rootless, uid, gid, NULL, len, err);
}
