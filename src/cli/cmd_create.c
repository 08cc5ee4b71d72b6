/* nook create [options] ID: the container's process is set up and waits for
 * `nook start`; create returns once it is ready. */
#include "cli_util.h"

int nook_cmd_create(const struct nook_globals *g, int argc, char **argv)
{
	struct cli_create_args a;
	struct nook_error err;
	bool done;
	int code = cli_parse_create(g, "create", argc, argv, &a, &done);

	if (code != 0 || done)
		return code;
	if (nook_container_create_new(&a.opts, &err) < 0)
		return cli_fail(&err);
	return 0;
}
