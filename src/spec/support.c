#include "nook/spec.h"
int nook_spec_check_supported(const struct nook_spec *spec, struct nook_error *err)
{
	return 0;
}
