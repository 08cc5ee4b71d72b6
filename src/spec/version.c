/* ociVersion: SemVer 2.0.0, and a major version that nook implements. */
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "nook/version.h"

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_ident_char(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-';
}

/* A numeric identifier: "0" or no leading zero. */
static bool number(const char **p, unsigned long long *value)
{
	const char *s = *p;

	if (!is_digit(*s) || (s[0] == '0' && is_digit(s[1])))
		return false;
	*value = 0;
	for (; is_digit(*s); s++)
		*value = *value > 1000000 ? *value : *value * 10 + (unsigned)(*s - '0');
	*p = s;
	return true;
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-]. */
static bool identifiers(const char **p)
{
	const char *s = *p;

	for (;;) {
		const char *start = s;

		while (is_ident_char(*s))
			s++;
		if (s == start)
			return false;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return true;
}

static bool semver(const char *s, unsigned long long *major)
{
	unsigned long long minor, patch;

	if (!number(&s, major) || *s++ != '.' || !number(&s, &minor) || *s++ != '.' ||
	    !number(&s, &patch))
		return false;
	if (*s == '-' && (s++, !identifiers(&s)))
		return false;
	if (*s == '+' && (s++, !identifiers(&s)))
		return false;
	return *s == '\0';
}

int spec_parse_version(struct jctx *c, yajl_val doc, char **out)
{
	unsigned long long major;
	size_t mark;
	char q[100];

	if (j_str(c, doc, "ociVersion", true, out) < 0)
		return -1;
	mark = j_push_key(c, "ociVersion");
	if (!semver(*out, &major))
		return j_error(c, "expected a version MAJOR.MINOR.PATCH, got %s",
		               j_quote(*out, q, sizeof(q)));
	if (major > 1)
		return j_error(c, "unsupported version %s (nook implements %s)",
		               j_quote(*out, q, sizeof(q)), NOOK_SPEC_VERSION);
	j_pop(c, mark);
	return 0;
}
