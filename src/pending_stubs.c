/* TEMPORARY: stand-ins for the spec, rootfs and security layers while they
 * are written on their branches. Removed when they land. */
#include "nook/rootfs.h"
#include "nook/security.h"
#include "nook/spec.h"

int nook_spec_load(const char *path, struct nook_spec *spec, struct nook_error *err)
{
	return nook_fail(err, 0, "%s: parser not merged yet", path);
}
void nook_spec_free(struct nook_spec *spec)
{
}
int nook_spec_check_supported(const struct nook_spec *spec, struct nook_error *err)
{
	return 0;
}
const struct nook_namespace *nook_spec_namespace(const struct nook_spec *spec,
                                                 enum nook_ns_type type)
{
	for (size_t i = 0; i < spec->linux.n_namespaces; i++)
		if (spec->linux.namespaces[i].type == type)
			return &spec->linux.namespaces[i];
	return 0;
}
const char *nook_ns_type_name(enum nook_ns_type type)
{
	return "?";
}
