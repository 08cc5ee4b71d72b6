/* For the tests of nook_spec_check_supported_on(): a config text parsed and
 * checked against given host facts, and a table of configs each refused
 * with (the start of) its message. Include after cmocka.h. */
#ifndef NOOK_TEST_SPEC_CHECK_H
#define NOOK_TEST_SPEC_CHECK_H

#include <string.h>

#include "nook/spec.h"

/* Parse json (it must parse) and check it against host; 0 or -1 and err. */
static inline int check(const char *json, const struct nook_host_facts *host,
                        struct nook_error *err)
{
	struct nook_spec s;
	int rc;

	if (nook_spec_parse("config.json", json, strlen(json), &s, err) < 0)
		fail_msg("does not parse: %s", err->msg);
	rc = nook_spec_check_supported_on(&s, host, err);
	nook_spec_free(&s);
	return rc;
}

struct refusal {
	const char *json;
	const char *msg; /* the message starts with this */
};

/* Every case is refused on host, its message starting with case's msg. */
static inline void assert_refused(const struct refusal *cases, size_t n,
                                  const struct nook_host_facts *host)
{
	struct nook_error err;

	for (size_t i = 0; i < n; i++) {
		if (check(cases[i].json, host, &err) != -1)
			fail_msg("case %zu accepted: %s", i, cases[i].json);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, cases[i].msg);
	}
}

#define ASSERT_REFUSED(cases, host) assert_refused(cases, sizeof(cases) / sizeof(cases[0]), host)

#endif
