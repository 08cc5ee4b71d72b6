/* placeholder until the spec layer lands */
#include "nook/spec.h"

int nook_spec_write_default(const char *out_path, bool rootless, uid_t uid, gid_t gid,
                            struct nook_error *err)
{
	(void)out_path;
	(void)rootless;
	(void)uid;
	(void)gid;
	return nook_fail(err, 0, "spec: not written yet");
}
