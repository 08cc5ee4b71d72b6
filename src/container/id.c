#include <string.h>

#include "nook/state.h"

int nook_id_check(const char *id, struct nook_error *err)
{
	size_t len = strlen(id);

	if (len == 0 || len > 1024)
		return nook_fail(err, 0, "container id must be 1 to 1024 characters long");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return nook_fail(err, 0, "invalid container id \"%s\"", id);
	for (const char *p = id; *p != '\0'; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		          (*p >= '0' && *p <= '9') || strchr("_+.-", *p) != NULL;
		if (!ok)
			return nook_fail(err, 0,
			                 "invalid container id \"%s\": only letters, digits and "
			                 "_ + . - are allowed",
			                 id);
	}
	return 0;
}
