/* The systemd cgroup driver (`nook --systemd-cgroup`), shared by
 * systemd.c (the D-Bus calls), systemd_props.c (pure: the name of the
 * unit, the slice path, the unit properties) and their unit tests.
 *
 * As runc's systemd.md: linux.cgroupsPath is "slice:prefix:name"
 * (absent: ":nook:<id>"); the container's cgroup is the transient scope
 * unit "prefix-name.scope" in the slice (empty: system.slice, user.slice
 * for a non-root caller), started over D-Bus with the init's pid. */
#ifndef NOOK_CGROUP_SYSTEMD_H
#define NOOK_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nook/cgroup.h"

struct nook_cg_sd_name {
	char slice[256]; /* "system.slice" */
	char unit[256];  /* "nook-x.scope" */
	char rel[1024];  /* below the manager's root cgroup: "system.slice/nook-x.scope" */
};

/* linux.cgroupsPath (NULL or "": ":nook:<id>") into the slice, the unit
 * and the relative path. user: the default slice is user.slice. */
int nook_cg_sd_parse(const char *cgroups_path, const char *id, bool user,
                     struct nook_cg_sd_name *out, struct nook_error *err);

/* "a-b.slice" -> "a.slice/a-b.slice" (systemd's slice nesting); "-.slice"
 * -> "" (the root slice). Refuses what systemd refuses as a slice name. */
int nook_cg_sd_expand_slice(const char *slice, char *out, size_t size, struct nook_error *err);

/* One unit property, its D-Bus type given by its signature. */
struct nook_cg_sd_prop {
	char name[128];
	char sig[4]; /* "t", "b", "s", "ay", "u", "i", "x" */
	uint64_t u;  /* t, u, b (0/1) */
	int64_t i;   /* i, x */
	char *s;     /* s (malloc'd) */
	uint8_t *bytes;
	size_t n_bytes; /* ay (malloc'd) */
};

struct nook_cg_sd_props {
	struct nook_cg_sd_prop *v;
	size_t n;
};

void nook_cg_sd_props_free(struct nook_cg_sd_props *p);
/* The prop named name (replacing one of that name), or NULL (no memory). */
struct nook_cg_sd_prop *nook_cg_sd_props_put(struct nook_cg_sd_props *p, const char *name,
                                             const char *sig);

/* systemd's bitmask (AllowedCPUs, AllowedMemoryNodes) of a cpuset list
 * "0-3,7": byte i holds 8i..8i+7, lowest bit first. */
int nook_cg_sd_cpuset_mask(const char *list, const char *cfg, uint8_t **mask, size_t *n,
                           struct nook_error *err);

/* CPUQuotaPerSecUSec from quota and period as runc computes it (rounded up
 * to 10ms; no positive quota: infinity). */
uint64_t nook_cg_sd_quota_per_sec(int64_t quota, uint64_t period);

/* The linux.resources systemd can express (runc's v2 table plus
 * IOWeight), appended to p. The same values are then also written to
 * cgroupfs, with what systemd cannot express. */
int nook_cg_sd_resource_props(const struct nook_resources *r, struct nook_cg_sd_props *p,
                              struct nook_error *err);

/* annotations "org.systemd.property.NAME": VALUE in GVariant text as runc
 * takes it ("true", "uint64 5", "'text'", a bare integer is int32),
 * appended to p, replacing a property of that name. */
int nook_cg_sd_annotation_props(const struct nook_map *annotations, struct nook_cg_sd_props *p,
                                struct nook_error *err);

/* systemd.c: the D-Bus side. */
int nook_cg_sd_plan(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                    struct nook_error *err);
int nook_cg_sd_start(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                     pid_t pid, struct nook_error *err);
int nook_cg_sd_stop(const struct nook_cgroup *cg, struct nook_error *err);
int nook_cg_sd_set(const struct nook_cgroup *cg, const struct nook_resources *r,
                   struct nook_error *err);
/* Is the saved unit and directory the one planned for linux.cgroupsPath? */
int nook_cg_sd_check_saved(const struct nook_cgroup *cg, const char *cgroups_path, const char *id,
                           const char *v2_mount, struct nook_error *err);

#endif
