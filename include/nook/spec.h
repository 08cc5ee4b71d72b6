/* The config model: config.json (OCI runtime-spec v1.3.0) as typed C structs.
 *
 * nook_spec_load() reads and validates the whole document; every field of
 * config.md and config-linux.md that applies to Linux has a place here.
 * Parsing is pure (no syscall but reading the file) so it is unit-tested and
 * fuzzed. Whether nook can *run* what was parsed is a second question, asked
 * by nook_spec_check_supported_on(): what nook does not implement yet is refused
 * there with "not supported: <json path>", never silently ignored.
 *
 * Conventions: strings are NUL-terminated heap copies, NULL when absent;
 * arrays are a pointer plus a count; optional scalars carry a has_ flag.
 * Everything is freed by nook_spec_free(). */
#ifndef NOOK_SPEC_H
#define NOOK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/error.h"

/* GNU C predefines `linux` as 1; the config has a "linux" object. */
#undef linux

/* Limits on the input (each refused with one clear line). */
#define NOOK_SPEC_MAX_FILE_SIZE (16u * 1024 * 1024) /* bytes of config.json */
#define NOOK_SPEC_MAX_DEPTH     64                  /* nesting of arrays and objects */

/* v[n] is NULL, so v can be handed to execve() as it is. */
struct nook_strv {
	char **v;
	size_t n;
};

/* A string to string map kept in document order (annotations, sysctl, unified). */
struct nook_kv {
	char *key;
	char *value;
};
struct nook_map {
	struct nook_kv *v;
	size_t n;
};

struct nook_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* ---- process ---- */

struct nook_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* Windows only: refused on Linux by the support check */
};

struct nook_capabilities {
	bool present; /* process.capabilities was given */
	struct nook_strv bounding;
	struct nook_strv effective;
	struct nook_strv inheritable;
	struct nook_strv permitted;
	struct nook_strv ambient;
};

struct nook_rlimit {
	char *type_name; /* "RLIMIT_NOFILE" as written */
	int resource;    /* RLIMIT_NOFILE, or -1 if the kernel has no such limit */
	uint64_t hard;
	uint64_t soft;
};

struct nook_scheduler {
	bool present;
	char *policy; /* SCHED_OTHER ... SCHED_DEADLINE */
	bool has_nice, has_priority, has_runtime, has_deadline, has_period;
	int32_t nice;
	int32_t priority;
	struct nook_strv flags;
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct nook_io_priority {
	bool present;
	char *class_name; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
	int32_t priority;
};

struct nook_exec_cpu_affinity {
	bool present;
	char *initial;
	char *final;
};

struct nook_process {
	bool terminal;
	bool has_console_size;
	uint64_t console_height;
	uint64_t console_width;
	struct nook_user user;
	struct nook_strv args;
	char *command_line; /* Windows only */
	struct nook_strv env;
	char *cwd; /* required */
	struct nook_capabilities capabilities;
	struct nook_rlimit *rlimits;
	size_t n_rlimits;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	struct nook_io_priority io_priority;
	bool no_new_privileges;
	struct nook_scheduler scheduler;
	struct nook_exec_cpu_affinity exec_cpu_affinity;
};

/* ---- root, mounts, hooks ---- */

struct nook_root {
	char *path; /* as written: relative to the bundle, or absolute */
	bool readonly;
};

struct nook_mount {
	char *destination; /* required */
	char *type;
	char *source;
	struct nook_strv options;
	struct nook_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct nook_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

struct nook_hook {
	char *path;
	struct nook_strv args;
	struct nook_strv env;
	bool has_timeout;
	int64_t timeout; /* seconds, >= 1 */
};

struct nook_hook_list {
	struct nook_hook *v;
	size_t n;
};

struct nook_hooks {
	struct nook_hook_list prestart; /* deprecated, still run */
	struct nook_hook_list create_runtime;
	struct nook_hook_list create_container;
	struct nook_hook_list start_container;
	struct nook_hook_list poststart;
	struct nook_hook_list poststop;
};

/* ---- linux ---- */

enum nook_ns_type {
	NOOK_NS_PID,
	NOOK_NS_NETWORK,
	NOOK_NS_MOUNT,
	NOOK_NS_IPC,
	NOOK_NS_UTS,
	NOOK_NS_USER,
	NOOK_NS_CGROUP,
	NOOK_NS_TIME,
	NOOK_NS_COUNT
};

struct nook_namespace {
	enum nook_ns_type type;
	char *path; /* NULL: a new namespace; else join this one */
};

struct nook_device {
	char type; /* 'c', 'b', 'u' or 'p' */
	char *path;
	bool has_major, has_minor, has_file_mode, has_uid, has_gid;
	int64_t major;
	int64_t minor;
	uint32_t file_mode; /* 0..0777 */
	uint32_t uid;
	uint32_t gid;
};

struct nook_net_device {
	char *host_name; /* the key in linux.netDevices */
	char *name;      /* the name inside the container; NULL: same */
};

struct nook_device_cgroup {
	bool allow;
	char *type; /* "a", "c", "b"; NULL: all */
	bool has_major, has_minor;
	int64_t major;
	int64_t minor;
	char *access; /* "rwm" subset; NULL: all */
};

struct nook_memory {
	bool present;
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	bool has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
	int64_t limit;
	int64_t reservation;
	int64_t swap;
	int64_t kernel;
	int64_t kernel_tcp;
	uint64_t swappiness;
	bool disable_oom_killer;
	bool use_hierarchy;
	bool check_before_update;
};

struct nook_cpu {
	bool present;
	bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
	    has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota;
	uint64_t burst;
	uint64_t period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	char *cpus;
	char *mems;
	int64_t idle;
};

struct nook_blkio_weight_device {
	int64_t major;
	int64_t minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight;
	uint16_t leaf_weight;
};

struct nook_blkio_throttle {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct nook_throttle_list {
	struct nook_blkio_throttle *v;
	size_t n;
};

struct nook_block_io {
	bool present;
	bool has_weight, has_leaf_weight;
	uint16_t weight;
	uint16_t leaf_weight;
	struct nook_blkio_weight_device *weight_device;
	size_t n_weight_device;
	struct nook_throttle_list throttle_read_bps;
	struct nook_throttle_list throttle_write_bps;
	struct nook_throttle_list throttle_read_iops;
	struct nook_throttle_list throttle_write_iops;
};

struct nook_hugepage_limit {
	char *page_size; /* "2MB": ^[1-9][0-9]*[KMG]B$ */
	uint64_t limit;
};

struct nook_net_priority {
	char *name;
	uint32_t priority;
};

struct nook_network_resources {
	bool present;
	bool has_class_id;
	uint32_t class_id;
	struct nook_net_priority *priorities;
	size_t n_priorities;
};

struct nook_rdma {
	char *device; /* the key */
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles;
	uint32_t hca_objects;
};

struct nook_resources {
	bool present;
	struct nook_device_cgroup *devices;
	size_t n_devices;
	struct nook_memory memory;
	struct nook_cpu cpu;
	bool has_pids_limit;
	int64_t pids_limit;
	struct nook_block_io block_io;
	struct nook_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct nook_network_resources network;
	struct nook_rdma *rdma;
	size_t n_rdma;
	struct nook_map unified;
};

struct nook_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	char *op; /* SCMP_CMP_* */
};

struct nook_seccomp_syscall {
	struct nook_strv names; /* at least one */
	char *action;           /* SCMP_ACT_* */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct nook_seccomp_arg *args;
	size_t n_args;
};

struct nook_seccomp {
	bool present;
	char *default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct nook_strv flags;
	char *listener_path;
	char *listener_metadata;
	struct nook_strv architectures;
	struct nook_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct nook_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct nook_intel_rdt {
	bool present;
	char *clos_id;
	struct nook_strv schemata;
	char *l3_cache_schema;
	char *mem_bw_schema;
	bool enable_monitoring;
};

struct nook_memory_policy {
	bool present;
	char *mode;
	char *nodes;
	struct nook_strv flags;
};

struct nook_personality {
	bool present;
	char *domain; /* LINUX | LINUX32 */
	struct nook_strv flags;
};

struct nook_linux {
	bool present;
	struct nook_namespace *namespaces;
	size_t n_namespaces;
	struct nook_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct nook_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct nook_device *devices;
	size_t n_devices;
	struct nook_net_device *net_devices;
	size_t n_net_devices;
	char *cgroups_path;
	struct nook_resources resources;
	char *rootfs_propagation; /* private | shared | slave | unbindable */
	struct nook_seccomp seccomp;
	struct nook_map sysctl;
	struct nook_strv masked_paths;
	struct nook_strv readonly_paths;
	char *mount_label;
	struct nook_intel_rdt intel_rdt;
	struct nook_memory_policy memory_policy;
	struct nook_personality personality;
	struct nook_time_offset time_boottime;
	struct nook_time_offset time_monotonic;
};

struct nook_spec {
	char *oci_version;
	struct nook_root root; /* root.path required on Linux */
	bool has_root;
	bool has_process;
	struct nook_process process;
	char *hostname;
	char *domainname;
	struct nook_mount *mounts;
	size_t n_mounts;
	bool has_hooks;
	struct nook_hooks hooks;
	struct nook_map annotations;
	struct nook_linux linux;
	/* Sections of other platforms that were given ("windows", "solaris",
	 * "vm", "zos", "freebsd"): parsed as opaque, refused by the support check. */
	struct nook_strv platforms;
};

/* Read `path` (a config.json) into `spec`. On failure `err` reads
 * "<file>: <json path>: <what was expected>, got <what was there>" and
 * `spec` holds nothing to free. */
int nook_spec_load(const char *path, struct nook_spec *spec, struct nook_error *err);

/* The same from a buffer; `name` stands for the file in messages. */
int nook_spec_parse(const char *name, const char *json, size_t len, struct nook_spec *spec,
                    struct nook_error *err);

void nook_spec_free(struct nook_spec *spec);

/* What the support checks need to know of the host, read by
 * nook_host_facts_read (nook/host_facts.h, the linux layer). All false: no
 * security module, no namespace path naming the runtime's own namespace. */
struct nook_host_facts {
	bool apparmor; /* /sys/module/apparmor/parameters/enabled is "Y" */
	bool selinux;  /* selinuxfs is mounted on /sys/fs/selinux */
	/* The linux.namespaces entry of this type has a path, and it names the
	 * runtime's own namespace (same nsfs inode as /proc/self/ns/...). */
	bool joins_runtime_ns[NOOK_NS_COUNT];
};
/* Refuse what nook cannot run yet: "not supported: <json path>: <why>",
 * and what would change the host rather than the container (a sysctl, a
 * hostname or a mount outside the container's own namespaces). Pure. */
int nook_spec_check_supported_on(const struct nook_spec *spec, const struct nook_host_facts *host,
                                 struct nook_error *err);

/* The container has a namespace of this type of its own: a new one, or one
 * joined by path that is not the runtime's. Without one, what the container
 * changes in that namespace (sysctl, hostname, mounts) the host sees.
 * (config-linux.md "Namespaces": no entry means the runtime's namespace.) */
bool nook_spec_owns_ns(const struct nook_spec *spec, const struct nook_host_facts *host,
                       enum nook_ns_type type);

/* linux.mountLabel (src/spec/mount_label.c): whether it goes into the
 * mount data of `m` as SELinux's context= (not for bind mounts, proc,
 * sysfs, cgroup, mqueue, remounts: runc's rule); whether a label can be
 * written there (not empty, no '"'); and `data` (NULL or "" for none) with
 * context="label" appended, malloc'd (NULL: out of memory). */
bool nook_spec_mount_takes_label(const struct nook_mount *m);
bool nook_spec_mount_label_valid(const char *label);
char *nook_spec_mount_label_data(const char *data, const char *label);

/* Id-mapped mounts (src/spec/mount_idmap.c): whether `m` is one, and
 * recursively ("ridmap": every mount of an rbind) or not ("idmap", or
 * mappings without either option, as runc; crun's inline "idmap=..." and
 * "ridmap=..." count as the option, their mappings read by the parser);
 * whether `m` is a bind (type "bind", or option bind/rbind). */
enum nook_idmap { NOOK_IDMAP_NONE, NOOK_IDMAP, NOOK_IDMAP_RECURSIVE };
enum nook_idmap nook_spec_mount_idmap(const struct nook_mount *m);
bool nook_spec_mount_is_bind(const struct nook_mount *m);

/* Lookups that the runtime needs. */
const struct nook_namespace *nook_spec_namespace(const struct nook_spec *spec,
                                                 enum nook_ns_type type);
const char *nook_ns_type_name(enum nook_ns_type type); /* "pid", "network", ... */
const char *nook_ns_proc_name(enum nook_ns_type type); /* in /proc/<pid>/ns: "net", ... */
int nook_ns_clone_flag(enum nook_ns_type type);        /* CLONE_NEW* */

/* The default config.json of `nook spec` (like runc's), pretty-printed, in a
 * malloc'd string of *len bytes. rootless: the variant for an unprivileged
 * caller (user namespace with the caller's ids mapped, no network
 * namespace, bind-mounted /sys). */
char *nook_spec_default_json(bool rootless, uid_t uid, gid_t gid, size_t *len,
                             struct nook_error *err);

#endif
