/* nook_parse_integer, nook_parse_size: the whole string, in range. */
#include "nook/number.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>

/* The digits at *p as a magnitude (negative values are taken with it, so
 * INT64_MIN fits); false on no digit or overflow. */
static bool digits(const char **p, uint64_t limit, uint64_t *out, bool *overflow)
{
	const char *s = *p;
	uint64_t v = 0;

	*overflow = false;
	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (limit - d) / 10)
			*overflow = true;
		else
			v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return !*overflow;
}

static int bad_integer(const char *s, int64_t min, int64_t max, const char *what,
                       struct nook_error *err)
{
	return nook_fail(err, 0,
	                 "%s: expected an integer from %" PRId64 " to %" PRId64 ", got \"%s\"",
	                 what, min, max, s);
}

int nook_parse_integer(const char *s, int64_t min, int64_t max, const char *what, int64_t *out,
                       struct nook_error *err)
{
	const char *p = s;
	bool negative = *p == '-', overflow;
	uint64_t mag;

	if (negative) {
		if (min >= 0)
			return bad_integer(s, min, max, what, err);
		p++;
	}
	if (!digits(&p, negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &mag,
	            &overflow) ||
	    *p != '\0')
		return bad_integer(s, min, max, what, err);
	int64_t v =
	    negative ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
	if (v < min || v > max)
		return bad_integer(s, min, max, what, err);
	*out = v;
	return 0;
}

int nook_parse_size(const char *s, const char *what, int64_t *out, struct nook_error *err)
{
	const char *p = s;
	uint64_t v, unit = 1;
	bool overflow;

	if (s[0] == '-' && s[1] == '1' && s[2] == '\0') {
		*out = -1;
		return 0;
	}
	if (!digits(&p, INT64_MAX, &v, &overflow) && !overflow)
		goto bad;
	switch (tolower((unsigned char)*p)) {
	case '\0':
		break;
	case 'k':
		unit = 1024;
		break;
	case 'm':
		unit = 1024 * 1024;
		break;
	case 'g':
		unit = 1024 * 1024 * 1024;
		break;
	default:
		goto bad;
	}
	if (*p != '\0' && p[1] != '\0' && !(tolower((unsigned char)p[1]) == 'b' && p[2] == '\0'))
		goto bad;
	if (overflow || v > INT64_MAX / unit)
		return nook_fail(err, 0, "%s: \"%s\" is more than %" PRId64 " bytes", what, s,
		                 INT64_MAX);
	*out = (int64_t)(v * unit);
	return 0;
bad:
	return nook_fail(err, 0, "%s: expected a size like 64m, 1g or -1, got \"%s\"", what, s);
}
