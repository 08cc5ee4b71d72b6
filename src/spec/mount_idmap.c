/* Id-mapped mounts (config.md "Mounts": uidMappings, gidMappings and the
 * "idmap"/"ridmap" options): which mounts are id-mapped and how. The rule
 * is runc's (specconv createLibcontainerMount): the options say idmap or
 * ridmap (the last of them counts), or the mount gives mappings without
 * either option, which is idmap. crun's "idmap=uids=...;gids=..." (and
 * "ridmap=...") count as the option; parse_mount.c read their mappings. */
#include <string.h>

#include "nook/spec.h"

enum nook_idmap nook_spec_mount_idmap(const struct nook_mount *m)
{
	enum nook_idmap kind = NOOK_IDMAP_NONE;

	for (size_t i = 0; i < m->options.n; i++) {
		const char *o = m->options.v[i];

		/* also crun's "idmap=uids=...;gids=..." (src/spec/parse_mount.c) */
		if (strcmp(o, "idmap") == 0 || strncmp(o, "idmap=", 6) == 0)
			kind = NOOK_IDMAP;
		else if (strcmp(o, "ridmap") == 0 || strncmp(o, "ridmap=", 7) == 0)
			kind = NOOK_IDMAP_RECURSIVE;
	}
	if (kind == NOOK_IDMAP_NONE && (m->uid_mappings != NULL || m->gid_mappings != NULL))
		kind = NOOK_IDMAP;
	return kind;
}

bool nook_spec_mount_is_bind(const struct nook_mount *m)
{
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->options.n; i++)
		if (strcmp(m->options.v[i], "bind") == 0 || strcmp(m->options.v[i], "rbind") == 0)
			return true;
	return false;
}
