/* process.terminal: a pty made inside the container (from its own devpts),
 * whose slave becomes the init's stdio, controlling terminal and
 * /dev/console, and whose master goes to the runtime over the sync socket. */
#ifndef NOOK_TERMINAL_H
#define NOOK_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/spec.h"

/* In the init after pivot_root (bind_console: the slave also becomes
 * /dev/console), or in an `exec` process after it joined the container's
 * mount namespace. Returns the master fd. */
int nook_terminal_open_in_container(const struct nook_process *proc, bool bind_console,
                                    struct nook_error *err);

/* In the runtime: the caller's terminal in raw mode, restored later. */
struct nook_tty_saved {
	bool active;
	int fd;
	char termios[64]; /* struct termios, kept opaque here */
};
void nook_tty_make_raw(int fd, struct nook_tty_saved *saved);
void nook_tty_restore(struct nook_tty_saved *saved);

/* Copy the window size of `from` to `to` (both terminals). */
void nook_tty_copy_winsize(int from, int to);

#endif
