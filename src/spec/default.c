/* placeholder: replaced below */
#include "nook/spec.h"

int nook_spec_write_default(const char *out_path, bool rootless, uid_t uid, gid_t gid,
                            struct nook_error *err)
{
	return nook_fail(err, 0, "spec: not written yet");
}
