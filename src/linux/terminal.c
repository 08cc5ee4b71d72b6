/* process.terminal. The pty comes from the container's own devpts (opened
 * after pivot_root through its /dev/ptmx), so the slave has a name inside
 * the container; it becomes stdio, the controlling terminal and
 * /dev/console. The master goes to the runtime, which relays it to the
 * caller's terminal (or, later, to a --console-socket). */
#include "nook/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "nook/cleanup.h"

_Static_assert(sizeof(struct termios) <= sizeof(((struct nook_tty_saved *)0)->termios),
               "termios fits");

static int bind_dev_console(const char *slave_path, struct nook_error *err)
{
	/* After pivot_root "/" is the container's root, so this name cannot
	 * lead out of it. O_EXCL: never open an existing device node. */
	autoclose int fd = open(
	    "/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);

	if (fd < 0 && errno != EEXIST)
		return nook_fail(err, errno, "process.terminal: create /dev/console");
	if (mount(slave_path, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return nook_fail(err, errno, "process.terminal: bind %s on /dev/console",
		                 slave_path);
	return 0;
}

static int make_controlling(int slave, struct nook_error *err)
{
	if (setsid() < 0)
		return nook_fail(err, errno, "process.terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return nook_fail(err, errno, "process.terminal: make it the controlling terminal");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			return nook_fail(err, errno, "process.terminal: dup2 onto fd %d", fd);
	return 0;
}

int nook_terminal_open_in_container(const struct nook_process *proc, bool bind_console,
                                    struct nook_error *err)
{
	autoclose int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	autoclose int slave = -1;
	char slave_path[64];

	if (master < 0)
		return nook_fail(err, errno,
		                 "process.terminal: open /dev/ptmx in the container (is a devpts "
		                 "mounted on /dev/pts?)");
	if (unlockpt(master) < 0 || ptsname_r(master, slave_path, sizeof(slave_path)) != 0)
		return nook_fail(err, errno, "process.terminal: unlock pty");
	slave = open(slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return nook_fail(err, errno, "process.terminal: open %s", slave_path);
	if (fchown(slave, proc->user.uid, proc->user.gid) < 0)
		return nook_fail(err, errno, "process.terminal: chown %s to %u:%u", slave_path,
		                 proc->user.uid, proc->user.gid);
	if (proc->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)proc->console_height,
		                     .ws_col = (unsigned short)proc->console_width};
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	if (bind_console && bind_dev_console(slave_path, err) < 0)
		return -1;
	if (make_controlling(slave, err) < 0)
		return -1;
	return nook_steal_fd(&master);
}

void nook_tty_make_raw(int fd, struct nook_tty_saved *saved)
{
	struct termios t;

	saved->active = false;
	if (!isatty(fd) || tcgetattr(fd, &t) < 0)
		return;
	memcpy(saved->termios, &t, sizeof(t));
	saved->fd = fd;
	saved->active = true;
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
}

void nook_tty_restore(struct nook_tty_saved *saved)
{
	struct termios t;

	if (!saved->active)
		return;
	memcpy(&t, saved->termios, sizeof(t));
	tcsetattr(saved->fd, TCSANOW, &t);
	saved->active = false;
}

void nook_tty_copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}
