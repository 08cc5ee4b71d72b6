/* TEMPORARY: stand-ins for the hooks, console socket and features layer
 * while it is written on its branch. Removed when it lands. */
#include "nook/console_socket.h"
#include "nook/features.h"
#include "nook/hooks.h"

int nook_console_socket_send(const char *path, int master_fd, struct nook_error *err)
{
	return nook_fail(err, 0, "--console-socket: not merged yet");
}

int nook_hooks_run(const struct nook_hook_list *hooks, const char *kind, const char *state_json,
                   struct nook_error *err)
{
	return hooks->n == 0 ? 0 : nook_fail(err, 0, "hooks: not merged yet");
}

int nook_features_write(FILE *out, struct nook_error *err)
{
	return nook_fail(err, 0, "features: not merged yet");
}
