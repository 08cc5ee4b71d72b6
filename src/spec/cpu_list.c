/* CPU lists ("0-3,7"), read as runc's configs.ToCPUSet does: see
 * include/nook/cpu_affinity.h. Pure. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nook/cpu_affinity.h"

/* One number of an element: decimal digits only, at most NOOK_CPU_LIST_MAX. */
static int cpu_number(const char *s, size_t len, unsigned *out)
{
	unsigned long v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > NOOK_CPU_LIST_MAX)
			return -2;
	}
	*out = (unsigned)v;
	return 0;
}

struct range {
	unsigned lo, hi;
};

/* The element s[0..len) with its spaces trimmed: "N" or "N-M". */
static int element(const char *s, size_t len, struct range *r, char *why, size_t why_size)
{
	const char *dash = memchr(s, '-', len);
	size_t n1 = dash != NULL ? (size_t)(dash - s) : len;
	int rc = cpu_number(s, n1, &r->lo);

	r->hi = r->lo;
	if (rc == 0 && dash != NULL)
		rc = cpu_number(dash + 1, len - n1 - 1, &r->hi);
	if (rc == -2)
		snprintf(why, why_size, "CPU numbers above %d are not supported: \"%.*s\"",
		         NOOK_CPU_LIST_MAX, (int)len, s);
	else if (rc < 0)
		snprintf(why, why_size, "\"%.*s\" is not a CPU number or range N-M", (int)len, s);
	else if (r->lo > r->hi)
		snprintf(why, why_size, "invalid range %.*s (the first CPU is above the last)",
		         (int)len, s);
	return rc < 0 || r->lo > r->hi ? -1 : 0;
}

/* The elements of s into out (up to max_out); how many there are, or -1. */
static int each_range(const char *s, struct range *out, size_t max_out, char *why, size_t why_size)
{
	size_t n = 0;

	for (const char *p = s;;) {
		size_t len = strcspn(p, ",");
		const char *e = p, *end = p + len;
		while (e < end && *e == ' ')
			e++;
		while (end > e && end[-1] == ' ')
			end--;
		if (end > e) {
			struct range r;
			if (element(e, (size_t)(end - e), &r, why, why_size) < 0)
				return -1;
			if (out != NULL && n < max_out)
				out[n] = r;
			n++;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return (int)(n > INT32_MAX ? INT32_MAX : n);
}

int nook_cpu_list_parse(const char *s, uint8_t **mask, size_t *n_bytes, char *why, size_t why_size)
{
	*mask = NULL;
	*n_bytes = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	int n = each_range(s, NULL, 0, why, why_size);
	if (n < 0)
		return -1;
	if (n == 0) {
		snprintf(why, why_size, "no CPU in the list \"%s\"", s);
		return -1;
	}
	struct range *r = calloc((size_t)n, sizeof(*r));
	if (r == NULL) {
		snprintf(why, why_size, "%s", strerror(ENOMEM));
		return -1;
	}
	each_range(s, r, (size_t)n, why, why_size);
	unsigned top = 0;
	for (int i = 0; i < n; i++)
		top = r[i].hi > top ? r[i].hi : top;
	*n_bytes = top / 8 + 1;
	*mask = calloc(*n_bytes, 1);
	if (*mask == NULL) {
		free(r);
		snprintf(why, why_size, "%s", strerror(ENOMEM));
		return -1;
	}
	for (int i = 0; i < n; i++)
		for (unsigned cpu = r[i].lo; cpu <= r[i].hi; cpu++)
			(*mask)[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
	free(r);
	return 0;
}
