/* Becoming process.user: groups, gid, uid, keeping the permitted
 * capabilities across the uid change so that nook_caps_apply can set the
 * configured ones afterwards. */
#include "nook/security.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/prctl.h>
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
