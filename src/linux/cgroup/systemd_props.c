/* The pure half of the systemd cgroup driver: linux.cgroupsPath
 * "slice:prefix:name" into a unit and a path (runc's systemd.md,
 * systemd's slice naming in systemd.slice(5)), and linux.resources and
 * org.systemd.property.* annotations into unit properties. No bus here:
 * tests/unit/test_cgroup_systemd.c tests all of it. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup/systemd.h"
#include "nook/cleanup.h"

#define CP          "linux.cgroupsPath"
#define RES         "linux.resources."
#define ANN         "annotations."
#define SD_INFINITY UINT64_MAX

/* systemd's unit name characters (unit-name.c VALID_CHARS, without '@':
 * an instance is not a scope nook makes). */
static bool unit_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(":-_.\\", *s) == NULL)
			return false;
	return true;
}

int nook_cg_sd_expand_slice(const char *slice, char *out, size_t size, struct nook_error *err)
{
	static const char suffix[] = ".slice";
	size_t len = strlen(slice), slen = sizeof(suffix) - 1;

	if (len <= slen || strcmp(slice + len - slen, suffix) != 0)
		return nook_fail(err, EINVAL, CP ": slice \"%s\" does not end in \".slice\"",
		                 slice);
	if (strcmp(slice, "-.slice") == 0) {
		snprintf(out, size, "%s", "");
		return 0;
	}
	size_t plen = len - slen; /* "a-b" of "a-b.slice" */
	if (len > 255 || !unit_chars(slice) || strchr(slice, '/') != NULL)
		return nook_fail(err, EINVAL,
		                 CP ": slice \"%s\" is not a systemd unit name (letters, digits, "
		                    "\":-_.\\\", at most 255)",
		                 slice);
	if (slice[0] == '-' || slice[plen - 1] == '-' || strstr(slice, "--") != NULL)
		return nook_fail(
		    err, EINVAL,
		    CP ": slice \"%s\": a \"-\" separates parent slices (\"a-b.slice\" is "
		       "in \"a.slice\"), so it cannot lead, end or double",
		    slice);
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i <= plen; i++) {
		if (i < plen && slice[i] != '-')
			continue;
		int n = snprintf(out + used, size - used, "%s%.*s.slice", used ? "/" : "", (int)i,
		                 slice);
		if (n < 0 || (size_t)n >= size - used)
			return nook_fail(err, ENAMETOOLONG, CP ": slice \"%s\"", slice);
		used += (size_t)n;
	}
	return 0;
}

int nook_cg_sd_parse(const char *cgroups_path, const char *id, bool user,
                     struct nook_cg_sd_name *out, struct nook_error *err)
{
	char buf[1024], *f[3];
	size_t n = 0;
	char expanded[sizeof(out->rel)];

	if (cgroups_path == NULL || cgroups_path[0] == '\0')
		snprintf(buf, sizeof(buf), ":nook:%s", id);
	else if (snprintf(buf, sizeof(buf), "%s", cgroups_path) >= (int)sizeof(buf))
		return nook_fail(err, ENAMETOOLONG, CP);
	for (char *p = buf, *colon;; p = colon + 1) {
		colon = strchr(p, ':');
		if (n == 3)
			return nook_fail(
			    err, EINVAL,
			    CP ": \"%s\": with --systemd-cgroup it is \"slice:prefix:name\" "
			       "(three fields), not more",
			    cgroups_path);
		f[n++] = p;
		if (colon == NULL)
			break;
		*colon = '\0';
	}
	if (n != 3)
		return nook_fail(err, EINVAL,
		                 CP ": \"%s\": with --systemd-cgroup it is \"slice:prefix:name\" "
		                    "(three fields, e.g. \"system.slice:nook:ID\")",
		                 cgroups_path);
	const char *slice = f[0][0] != '\0' ? f[0] : user ? "user.slice" : "system.slice";
	const char *prefix = f[1], *name = f[2];
	if (name[0] == '\0')
		return nook_fail(err, EINVAL, CP ": \"%s\": the name (third field) is empty",
		                 cgroups_path);
	size_t nlen = strlen(name);
	if (nlen >= 6 && strcmp(name + nlen - 6, ".slice") == 0)
		return nook_fail(err, EINVAL,
		                 CP
		                 ": \"%s\": a slice as the container's own unit is not supported "
		                 "by nook (only a scope, \"prefix-name.scope\")",
		                 cgroups_path);
	if (!unit_chars(prefix) || !unit_chars(name))
		return nook_fail(err, EINVAL,
		                 CP ": \"%s\": the prefix and name make the unit name: letters, "
		                    "digits and \":-_.\\\" only",
		                 cgroups_path);
	if (nook_cg_sd_expand_slice(slice, expanded, sizeof(expanded), err) < 0)
		return -1;
	snprintf(out->slice, sizeof(out->slice), "%s", slice);
	if (snprintf(out->unit, sizeof(out->unit), "%s%s%s.scope", prefix, prefix[0] ? "-" : "",
	             name) >= 256)
		return nook_fail(err, ENAMETOOLONG,
		                 CP ": \"%s\": the unit name is longer than systemd's 255",
		                 cgroups_path);
	if (snprintf(out->rel, sizeof(out->rel), "%s%s%s", expanded, expanded[0] ? "/" : "",
	             out->unit) >= (int)sizeof(out->rel))
		return nook_fail(err, ENAMETOOLONG, CP ": \"%s\"", cgroups_path);
	return 0;
}

void nook_cg_sd_props_free(struct nook_cg_sd_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].s);
		free(p->v[i].bytes);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

struct nook_cg_sd_prop *nook_cg_sd_props_put(struct nook_cg_sd_props *p, const char *name,
                                             const char *sig)
{
	struct nook_cg_sd_prop *x = NULL;

	for (size_t i = 0; i < p->n && x == NULL; i++)
		if (strcmp(p->v[i].name, name) == 0)
			x = &p->v[i];
	if (x == NULL) {
		struct nook_cg_sd_prop *v = realloc(p->v, (p->n + 1) * sizeof(*v));
		if (v == NULL)
			return NULL;
		p->v = v;
		x = &p->v[p->n++];
	} else {
		free(x->s);
		free(x->bytes);
	}
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	snprintf(x->sig, sizeof(x->sig), "%s", sig);
	return x;
}

static int put_u64(struct nook_cg_sd_props *p, const char *name, uint64_t v, struct nook_error *err)
{
	struct nook_cg_sd_prop *x = nook_cg_sd_props_put(p, name, "t");
	if (x == NULL)
		return nook_fail(err, ENOMEM, "systemd property %s", name);
	x->u = v;
	return 0;
}

int nook_cg_sd_cpuset_mask(const char *list, const char *cfg, uint8_t **mask, size_t *n,
                           struct nook_error *err)
{
	uint8_t *m = NULL;
	size_t len = 0;
	const char *p = list;

	*mask = NULL;
	*n = 0;
	while (*p != '\0') {
		char *end;
		errno = 0;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p || errno != 0 || !isdigit((unsigned char)*p))
			goto bad;
		p = end;
		if (*p == '-') {
			const char *q = p + 1;
			b = strtoul(q, &end, 10);
			if (end == q || errno != 0 || !isdigit((unsigned char)*q) || b < a)
				goto bad;
			p = end;
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			goto bad;
		if (b >= 8192) /* systemd's own limit on a cpu set */
			goto bad;
		if (b / 8 + 1 > len) {
			uint8_t *grown = realloc(m, b / 8 + 1);
			if (grown == NULL) {
				free(m);
				return nook_fail(err, ENOMEM, "%s", cfg);
			}
			memset(grown + len, 0, b / 8 + 1 - len);
			m = grown;
			len = b / 8 + 1;
		}
		for (unsigned long i = a; i <= b; i++)
			m[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	*mask = m;
	*n = len;
	return 0;
bad:
	free(m);
	return nook_fail(err, EINVAL, "%s: \"%s\" is not a cpu list (e.g. \"0-3,7\")", cfg, list);
}

uint64_t nook_cg_sd_quota_per_sec(int64_t quota, uint64_t period)
{
	if (quota <= 0)
		return SD_INFINITY;
	if (period == 0)
		period = 100000;
	uint64_t usec = (uint64_t)quota * 1000000 / period;
	/* systemd keeps CPUQuota in percent: round up to 10ms a second, as
	 * runc does, so that the quota is never below what was asked */
	if (usec % 10000 != 0)
		usec = (usec / 10000 + 1) * 10000;
	return usec;
}

static int put_mask(struct nook_cg_sd_props *p, const char *name, const char *list, const char *cfg,
                    struct nook_error *err)
{
	uint8_t *mask;
	size_t n;

	if (nook_cg_sd_cpuset_mask(list, cfg, &mask, &n, err) < 0)
		return -1;
	struct nook_cg_sd_prop *x = nook_cg_sd_props_put(p, name, "ay");
	if (x == NULL) {
		free(mask);
		return nook_fail(err, ENOMEM, "%s", cfg);
	}
	x->bytes = mask;
	x->n_bytes = n;
	return 0;
}

static int memory_props(const struct nook_memory *m, struct nook_cg_sd_props *p,
                        struct nook_error *err)
{
	if (m->has_limit && m->limit != 0 &&
	    put_u64(p, "MemoryMax", m->limit < 0 ? SD_INFINITY : (uint64_t)m->limit, err) < 0)
		return -1;
	if (m->has_reservation && m->reservation != 0 &&
	    put_u64(p, "MemoryLow", m->reservation < 0 ? SD_INFINITY : (uint64_t)m->reservation,
	            err) < 0)
		return -1;
	/* the config's swap is memory+swap, MemorySwapMax is swap only (as
	 * v2.c writes memory.swap.max); what does not fit is its error */
	if (m->has_swap && m->swap < 0)
		return put_u64(p, "MemorySwapMax", SD_INFINITY, err);
	if (m->has_swap && m->has_limit && m->limit > 0 && m->swap >= m->limit)
		return put_u64(p, "MemorySwapMax", (uint64_t)(m->swap - m->limit), err);
	return 0;
}

static int cpu_props(const struct nook_cpu *c, struct nook_cg_sd_props *p, struct nook_error *err)
{
	if (c->has_shares && c->shares != 0 &&
	    put_u64(p, "CPUWeight", nook_cgroup_shares_to_weight(c->shares), err) < 0)
		return -1;
	int64_t quota = c->has_quota ? c->quota : 0;
	uint64_t period = c->has_period ? c->period : 0;
	if (period != 0 && put_u64(p, "CPUQuotaPeriodUSec", period, err) < 0)
		return -1;
	if ((quota != 0 || period != 0) &&
	    put_u64(p, "CPUQuotaPerSecUSec", nook_cg_sd_quota_per_sec(quota, period), err) < 0)
		return -1;
	if (c->cpus != NULL && c->cpus[0] != '\0' &&
	    put_mask(p, "AllowedCPUs", c->cpus, RES "cpu.cpus", err) < 0)
		return -1;
	if (c->mems != NULL && c->mems[0] != '\0' &&
	    put_mask(p, "AllowedMemoryNodes", c->mems, RES "cpu.mems", err) < 0)
		return -1;
	return 0;
}

int nook_cg_sd_resource_props(const struct nook_resources *r, struct nook_cg_sd_props *p,
                              struct nook_error *err)
{
	if (memory_props(&r->memory, p, err) < 0 || cpu_props(&r->cpu, p, err) < 0)
		return -1;
	if (r->has_pids_limit && r->pids_limit != 0 &&
	    put_u64(p, "TasksMax", r->pids_limit < 0 ? SD_INFINITY : (uint64_t)r->pids_limit, err) <
	        0)
		return -1;
	/* blkio 10..1000 onto IOWeight 1..10000, as v2.c maps it to io.weight */
	if (r->block_io.has_weight) {
		uint64_t w = r->block_io.weight < 10 ? 10 : r->block_io.weight;
		if (put_u64(p, "IOWeight", 1 + (w - 10) * 9999 / 990, err) < 0)
			return -1;
	}
	return 0;
}

/* One annotation value in GVariant text, as runc's dbus.ParseVariant
 * takes the common cases. */
static int annotation_value(const char *key, const char *value, struct nook_cg_sd_prop *x,
                            struct nook_error *err)
{
	static const struct {
		const char *word, *sig;
	} typed[] = {{"uint64 ", "t"}, {"uint32 ", "u"}, {"int64 ", "x"}, {"int32 ", "i"}};
	size_t len = strlen(value);
	char *end;

	if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
		snprintf(x->sig, sizeof(x->sig), "b");
		x->u = value[0] == 't';
		return 0;
	}
	if (len >= 2 && (value[0] == '\'' || value[0] == '"') && value[len - 1] == value[0]) {
		snprintf(x->sig, sizeof(x->sig), "s");
		x->s = strndup(value + 1, len - 2);
		return x->s != NULL ? 0 : nook_fail(err, ENOMEM, ANN "%s", key);
	}
	const char *num = value, *sig = "i"; /* a bare integer is an int32 in GVariant */
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(typed); i++)
		if (strncmp(value, typed[i].word, strlen(typed[i].word)) == 0) {
			num = value + strlen(typed[i].word);
			sig = typed[i].sig;
		}
	errno = 0;
	if (sig[0] == 't' || sig[0] == 'u') {
		x->u = strtoull(num, &end, 10);
		if (num[0] == '-' || (sig[0] == 'u' && x->u > UINT32_MAX))
			errno = ERANGE;
	} else {
		x->i = strtoll(num, &end, 10);
		if (sig[0] == 'i' && (x->i > INT32_MAX || x->i < INT32_MIN))
			errno = ERANGE;
	}
	if (num[0] == '\0' || *end != '\0' || errno != 0 || isspace((unsigned char)num[0]))
		return nook_fail(err, EINVAL,
		                 ANN "%s: \"%s\" is not a value nook can pass to systemd (true, "
		                     "false, 'text', N, uint64 N, uint32 N, int64 N, int32 N)",
		                 key, value);
	snprintf(x->sig, sizeof(x->sig), "%s", sig);
	return 0;
}

int nook_cg_sd_annotation_props(const struct nook_map *annotations, struct nook_cg_sd_props *p,
                                struct nook_error *err)
{
	static const char prefix[] = "org.systemd.property.";

	for (size_t i = 0; i < annotations->n; i++) {
		const char *key = annotations->v[i].key;
		if (strncmp(key, prefix, sizeof(prefix) - 1) != 0)
			continue;
		const char *name = key + sizeof(prefix) - 1;
		bool ok = name[0] != '\0' && strlen(name) < sizeof(p->v[0].name);
		for (const char *c = name; *c != '\0'; c++)
			ok = ok && isalnum((unsigned char)*c);
		if (!ok)
			return nook_fail(err, EINVAL, ANN "%s: not a systemd property name", key);
		struct nook_cg_sd_prop *x = nook_cg_sd_props_put(p, name, "");
		if (x == NULL)
			return nook_fail(err, ENOMEM, ANN "%s", key);
		if (annotation_value(key, annotations->v[i].value, x, err) < 0) {
			p->n--; /* the last one: a new or a replaced entry, now empty */
			if (x != &p->v[p->n])
				*x = p->v[p->n];
			return -1;
		}
	}
	return 0;
}
