/* The "options" of a config mount, turned into what the kernel takes:
 * mount(2) flags, a propagation change, mount_setattr(2) attributes (for
 * binds, and the recursive r* options with AT_RECURSIVE) and the data
 * string of every option nook does not know (filesystem-specific ones such
 * as "mode=755" or "lowerdir=..."). Pure: no syscall. */
#ifndef NOOK_MOUNT_OPTIONS_H
#define NOOK_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "nook/error.h"
#include "nook/spec.h"

struct nook_mount_options {
	unsigned long flags;       /* MS_* set by the options (MS_BIND, MS_REC for rbind) */
	unsigned long clear_flags; /* MS_* that an option turned off (rw, suid, dev, ...) */
	unsigned long propagation; /* MS_PRIVATE|MS_SHARED|MS_SLAVE|MS_UNBINDABLE [|MS_REC], or 0 */
	uint64_t rec_attr_set;     /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
	uint64_t rec_attr_clr;
	bool bind;      /* bind or rbind */
	bool tmpcopyup; /* asked for, not implemented: the caller warns */
	char *data;     /* "mode=755,size=65536k" or NULL; free with nook_mount_options_free */
};

/* Parse `options` (index `idx` for messages: "mounts[3]: options[0]: ...").
 * "idmap"/"ridmap" and crun's "idmap=..." change nothing here
 * (nook_spec_mount_idmap reads them). Fails on an empty option. */
int nook_mount_options_parse(const struct nook_strv *options, size_t idx,
                             struct nook_mount_options *out, struct nook_error *err);
void nook_mount_options_free(struct nook_mount_options *opts);

/* The MS_* flags of a bind, as mount_setattr(2) attributes: `set` from
 * `flags`, `clr` from `clear_flags` (an atime mode counts as set). */
void nook_mount_flags_to_attr(unsigned long flags, unsigned long clear_flags, uint64_t *set,
                              uint64_t *clr);

/* The i-th option name nook's table knows ("ro", "rbind", "rprivate", ...),
 * NULL past the last: what `nook features` lists. Not in the table, so not
 * listed: "tmpcopyup" (accepted but not implemented). */
const char *nook_mount_option_name(size_t i);

/* "private" / "rslave" ... → MS_* propagation, 0 if not one of them. */
unsigned long nook_propagation_from_name(const char *name);

#endif
