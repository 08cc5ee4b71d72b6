/* nook create [options] ID: the container's process is set up and waits for
 * `nook start`; create returns once it is ready. */
#include "cli_util.h"
#include "nook/sealed_exe.h"

int nook_cmd_create(const struct nook_globals *g, int argc, char **argv)
{
	struct cli_create_args a;
	struct nook_container c;
	struct nook_error err;
	bool done;
	int code = cli_parse_create(g, "create", argc, argv, &a, &done);

	if (code != 0 || done)
		return code;
	if (nook_exe_seal(g->root, &err) < 0) /* CVE-2019-5736 */
		return cli_fail(&err);
	nook_container_clear(&c);
	if (nook_container_create(&a.opts, &c, &err) < 0)
		return cli_fail(&err);
	nook_container_release(&c);
	return 0;
}
