/* Becoming process.user: groups, gid, uid, keeping the permitted
 * capabilities across the uid change so that nook_caps_apply can set the
 * configured ones afterwards; and the user's home directory for HOME. */
#include "nook/security.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"

/* EINVAL from set*id means the id has no mapping in our user namespace. */
static const char *unmapped_hint(int errnum)
{
	return errnum == EINVAL ? " (not mapped in the user namespace?)" : "";
}

static int set_groups(const struct nook_user *user, struct nook_error *err)
{
	autofree gid_t *gids = NULL;

	if (user->n_additional_gids > 0) {
		gids = calloc(user->n_additional_gids, sizeof(*gids));
		if (gids == NULL)
			return nook_fail(err, ENOMEM, "process.user.additionalGids");
		for (size_t i = 0; i < user->n_additional_gids; i++)
			gids[i] = (gid_t)user->additional_gids[i];
	}
	if (setgroups(user->n_additional_gids, gids) == 0)
		return 0;
	/* In a user namespace with setgroups "deny" there is nothing to drop
	 * and nothing was asked for. */
	if (errno == EPERM && user->n_additional_gids == 0)
		return 0;
	return nook_fail(err, errno, "process.user.additionalGids: setgroups of %zu groups%s",
	                 user->n_additional_gids, unmapped_hint(errno));
}

int nook_user_switch(const struct nook_user *user, struct nook_error *err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nook_fail(err, errno, "process.user: prctl(PR_SET_KEEPCAPS, 1)");
	if (set_groups(user, err) < 0)
		return -1;
	if (setresgid(user->gid, user->gid, user->gid) < 0)
		return nook_fail(err, errno, "process.user.gid: setresgid %u%s", user->gid,
		                 unmapped_hint(errno));
	if (setresuid(user->uid, user->uid, user->uid) < 0)
		return nook_fail(err, errno, "process.user.uid: setresuid %u%s", user->uid,
		                 unmapped_hint(errno));
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return nook_fail(err, errno, "process.user: prctl(PR_SET_KEEPCAPS, 0)");
	return 0;
}

/* The home directory of `uid` in the container's /etc/passwd, read as a
 * file (never through NSS, which would load the container's libraries), the
 * first matching line winning; "/" when there is none, as runc and crun do.
 * Called after pivot_root, so the path is the container's. */
void nook_user_home(uid_t uid, char *home, size_t size)
{
	autoclose int fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	autofclose FILE *f = NULL;
	autofree char *line = NULL;
	size_t cap = 0;
	struct stat st;

	snprintf(home, size, "/");
	/* A fifo or a device must not block or feed us forever. */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	f = fdopen(fd, "re");
	if (f == NULL)
		return;
	fd = -1; /* the FILE owns it now */
	while (getline(&line, &cap, f) > 0) {
		/* name:password:uid:gid:gecos:home:shell */
		char *fields[7] = {0}, *p = line;
		size_t n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 7 && p != NULL) {
			fields[n++] = p;
			p = strchr(p, ':');
			if (p != NULL)
				*p++ = '\0';
		}
		if (n < 6 || fields[2][0] == '\0')
			continue;
		char *end;
		errno = 0;
		unsigned long id = strtoul(fields[2], &end, 10);
		if (*end != '\0' || errno != 0 || fields[2][0] == '-' || id != (unsigned long)uid)
			continue;
		snprintf(home, size, "%s", fields[5]);
		return;
	}
}
