/* nook run [options] ID: create + start, then in the foreground wait +
 * delete. The exit code is the workload's (128+N for a signal), 1 if nook
 * itself fails. */
#include "cli_util.h"

int nook_cmd_run(const struct nook_globals *g, int argc, char **argv)
{
	struct cli_create_args a;
	struct nook_error err;
	bool done;
	int code = cli_parse_create(g, "run", argc, argv, &a, &done);

	if (code != 0 || done)
		return code;
	code = nook_container_run(&a.opts, a.detach, a.keep, &err);
	return code < 0 ? cli_fail(&err) : code;
}
