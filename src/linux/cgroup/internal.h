/* Shared by the files of src/linux/cgroup/ and their unit tests. */
#ifndef NOOK_CGROUP_INTERNAL_H
#define NOOK_CGROUP_INTERNAL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "nook/cgroup.h"

/* One mounted hierarchy, from /proc/self/mountinfo. */
struct nook_cg_hier {
	char *controllers; /* v1: "cpu,cpuacct", "name=systemd"; v2: "" */
	char *mountpoint;
};

struct nook_cg_layout {
	enum nook_cgroup_mode mode;
	struct nook_cg_hier *h;
	size_t n;
};

/* Parse the text of /proc/self/mountinfo (first mount of each hierarchy). */
int nook_cg_parse_mountinfo(const char *text, struct nook_cg_layout *l, struct nook_error *err);
void nook_cg_layout_free(struct nook_cg_layout *l);

/* The caller's own cgroup in hierarchy h, from the text of /proc/self/cgroup. */
int nook_cg_own_path(const char *proc_cgroup, const struct nook_cg_hier *h, char *out, size_t size,
                     struct nook_error *err);

/* The container's directories (paths only, nothing made): one per
 * hierarchy of the layout. cgroups_path NULL: id, relative. */
int nook_cg_resolve(const struct nook_cg_layout *l, const char *proc_cgroup,
                    const char *cgroups_path, const char *id, struct nook_cgroup *cg,
                    struct nook_error *err);

/* nook_cg_resolve from this process's /proc/self/mountinfo and cgroup;
 * v2_mount gets the cgroup2 mount point, or "". */
int nook_cg_resolve_host(const char *cgroups_path, const char *id, struct nook_cgroup *cg,
                         char *v2_mount, size_t size, struct nook_error *err);

/* Whole-file helpers; errors name the config path (cfg, may be NULL) and the file. */
int nook_cg_write(const char *dir, const char *file, const char *value, const char *cfg,
                  struct nook_error *err);
int nook_cg_writef(const char *dir, const char *file, const char *cfg, struct nook_error *err,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int nook_cg_read(const char *dir, const char *file, char *buf, size_t size, struct nook_error *err);
bool nook_cg_has_file(const char *dir, const char *file);

/* fn(child) for every cgroup directly below dir (a dir that is gone has
 * none); stops at the first failure. The sub-cgroups of a container's
 * directory: made by the workload or for `exec --cgroup`. */
int nook_cg_each_child(const char *dir,
                       int (*fn)(const char *sub, void *ctx, struct nook_error *err), void *ctx,
                       struct nook_error *err);
/* No process in dir nor in any cgroup below it (or dir is gone). */
bool nook_cg_tree_empty(const char *dir);
/* "key N" from a flat keyed file (memory.events, cgroup.events, oom_control). */
int nook_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *value,
                     struct nook_error *err);
bool nook_cg_list_has(const char *list, char sep, const char *word);
/* The same set of comma-separated names, in any order ("" is a set of one
 * empty name: check for the v2 hierarchy "" before calling). */
bool nook_cg_same_set(const char *a, const char *b);
/* linux.cgroupsPath (or the id) made relative and clean: "/a//b/" -> "a/b";
 * refuses ".." so that a path never leaves its base. */
int nook_cg_clean_path(const char *in, char *out, size_t size, struct nook_error *err);

/* Is d, read back from state.json, the directory nook plans for this
 * container in layout l? Its hierarchy is mounted, its path is below that
 * hierarchy's mount point with no "", "." or ".." component, and it ends
 * with the cleaned cgroupsPath (NULL: the id): the whole rest for an
 * absolute cgroupsPath; for a relative one anything before it (the
 * creator's own cgroup, which another caller cannot know). n_created is cut
 * to the components of the cgroupsPath, so that nothing above it is ever
 * removed. 0, or -1 with err saying why not. */
int nook_cg_check_saved_dir(const struct nook_cg_layout *l, const char *cgroups_path,
                            const char *id, struct nook_cgroup_dir *d, struct nook_error *err);

/* The dir for a controller, or an error "cfg: cgroup controller "x" is not
 * available". For v2 it also checks the directory's cgroup.controllers. */
const struct nook_cgroup_dir *nook_cg_need(const struct nook_cgroup *cg, const char *controller,
                                           const char *cfg, struct nook_error *err);

/* nook_cgroup_apply without the systemd unit: cgroupfs files only. */
int nook_cg_apply_fs(const struct nook_cgroup *cg, const struct nook_resources *res,
                     struct nook_error *err);

int nook_cg_apply_v1_memory(const char *dir, const struct nook_memory *m, struct nook_error *err);
int nook_cg_apply_v1_cpu(const char *dir, const struct nook_cpu *c, struct nook_error *err);
int nook_cg_apply_v1_cpuset(const char *dir, const struct nook_cpu *c, struct nook_error *err);
int nook_cg_apply_v1_blkio(const char *dir, const struct nook_block_io *b, struct nook_error *err);
int nook_cg_apply_v2_memory(const char *dir, const struct nook_memory *m, struct nook_error *err);
int nook_cg_apply_v2_cpu(const char *dir, const struct nook_cpu *c, struct nook_error *err);
int nook_cg_apply_v2_cpuset(const char *dir, const struct nook_cpu *c, struct nook_error *err);
int nook_cg_apply_v2_io(const char *dir, const struct nook_block_io *b, struct nook_error *err);

/* Device rules. v1: devices.deny / devices.allow in order. v2: the eBPF
 * program (default deny, later rules win) attached to the directory. */
int nook_cg_devices_v1(const char *dir, const struct nook_device_cgroup *r, size_t n,
                       struct nook_error *err);
int nook_cg_devices_bpf_build(const struct nook_device_cgroup *r, size_t n, struct bpf_insn **insns,
                              size_t *n_insns);
int nook_cg_devices_bpf_attach(const char *dir, const struct nook_device_cgroup *r, size_t n,
                               struct nook_error *err);

/* mkdir path and the missing parents above it, down from the first missing
 * one; *n_created says how many components were made. */
int nook_cg_mkdir(const char *path, unsigned *n_created, struct nook_error *err);

/* The config's device rules plus what every container needs (see
 * default_devices.c). *out is malloc'd (NULL when the config has no
 * rules); its strings point into the spec or static storage. */
int nook_cg_container_device_rules(const struct nook_spec *spec, struct nook_device_cgroup **out,
                                   size_t *n, struct nook_error *err);

/* memory.checkBeforeUpdate: refuse a limit below the usage in usage_file
 * (v1 memory.usage_in_bytes, v2 memory.current). */
int nook_cg_check_usage(const char *dir, const char *usage_file, int64_t limit,
                        struct nook_error *err);

#endif
