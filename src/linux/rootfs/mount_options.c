/* Mount option strings → flags, propagation, attributes, data. */
#include "nook/mount_options.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "nook/cleanup.h"

enum opt_kind {
	OPT_SET,
	OPT_CLEAR,
	OPT_PROPAGATION,
	OPT_REC_SET,
	OPT_REC_CLEAR,
	OPT_REC_ATIME,
	OPT_ELSEWHERE, /* not the kernel's: read by nook_spec_mount_idmap() */
};

struct opt {
	const char *name;
	enum opt_kind kind;
	unsigned long value; /* MS_* or MOUNT_ATTR_* */
};

static const struct opt opt_table[] = {
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"bind", OPT_SET, MS_BIND},
    {"defaults", OPT_SET, 0},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"dirsync", OPT_SET, MS_DIRSYNC},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"iversion", OPT_SET, MS_I_VERSION},
    {"lazytime", OPT_SET, MS_LAZYTIME},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"mand", OPT_SET, MS_MANDLOCK},
    {"noatime", OPT_SET, MS_NOATIME},
    {"nodev", OPT_SET, MS_NODEV},
    {"nodiratime", OPT_SET, MS_NODIRATIME},
    {"noexec", OPT_SET, MS_NOEXEC},
    {"noiversion", OPT_CLEAR, MS_I_VERSION},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"nosuid", OPT_SET, MS_NOSUID},
    {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
    {"rbind", OPT_SET, MS_BIND | MS_REC},
    {"relatime", OPT_SET, MS_RELATIME},
    {"remount", OPT_SET, MS_REMOUNT},
    {"ro", OPT_SET, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"silent", OPT_SET, MS_SILENT},
    {"strictatime", OPT_SET, MS_STRICTATIME},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    {"sync", OPT_SET, MS_SYNCHRONOUS},

    {"private", OPT_PROPAGATION, MS_PRIVATE},
    {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROPAGATION, MS_SHARED},
    {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
    {"slave", OPT_PROPAGATION, MS_SLAVE},
    {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},
    {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},

    {"rro", OPT_REC_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW},
    /* The atime mode is one field: each of these sets it as a whole.
     * "atime" and "nostrictatime" fall back to the kernel default (relatime);
     * "norelatime" means full atime updates (strictatime). */
    {"ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
    {"rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME},
    {"rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},

    /* config.md: "This option SHOULD NOT be passed to the underlying
     * mount(2) call"; the mount is id-mapped by the runtime
     * (src/linux/rootfs/mount_idmap.c). */
    {"idmap", OPT_ELSEWHERE, 0},
    {"ridmap", OPT_ELSEWHERE, 0},
};

static const struct opt *opt_lookup(const char *name)
{
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(opt_table); i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return &opt_table[i];
	return NULL;
}

const char *nook_mount_option_name(size_t i)
{
	return i < NOOK_ARRAY_SIZE(opt_table) ? opt_table[i].name : NULL;
}

unsigned long nook_propagation_from_name(const char *name)
{
	const struct opt *o = name ? opt_lookup(name) : NULL;

	return o != NULL && o->kind == OPT_PROPAGATION ? o->value : 0;
}

void nook_mount_options_free(struct nook_mount_options *opts)
{
	free(opts->data);
	opts->data = NULL;
}

static int data_append(char **data, size_t *len, const char *opt)
{
	size_t add = strlen(opt) + (*len ? 1 : 0);
	char *grown = realloc(*data, *len + add + 1);

	if (grown == NULL)
		return -1;
	if (*len)
		grown[(*len)++] = ',';
	strcpy(grown + *len, opt);
	*len += strlen(opt);
	*data = grown;
	return 0;
}

int nook_mount_options_parse(const struct nook_strv *options, size_t idx,
                             struct nook_mount_options *out, struct nook_error *err)
{
	size_t data_len = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; options != NULL && i < options->n; i++) {
		const char *name = options->v[i];
		const struct opt *o;

		if (name == NULL || *name == '\0') {
			nook_mount_options_free(out);
			return nook_fail(err, EINVAL, "mounts[%zu]: options[%zu]: empty option",
			                 idx, i);
		}
		/* crun's "idmap=uids=...;gids=...": mappings, which the parser
		 * read (src/spec/parse_mount.c), not filesystem data. */
		if (strncmp(name, "idmap=", 6) == 0 || strncmp(name, "ridmap=", 7) == 0)
			continue;
		if (strcmp(name, "tmpcopyup") == 0) {
			out->tmpcopyup = true;
			continue;
		}
		o = opt_lookup(name);
		if (o == NULL) {
			if (data_append(&out->data, &data_len, name) < 0) {
				nook_mount_options_free(out);
				return nook_fail(err, ENOMEM, "mounts[%zu]: options", idx);
			}
			continue;
		}
		switch (o->kind) {
		case OPT_SET:
			out->flags |= o->value;
			out->clear_flags &= ~o->value;
			break;
		case OPT_CLEAR:
			out->flags &= ~o->value;
			out->clear_flags |= o->value;
			break;
		case OPT_PROPAGATION:
			out->propagation = o->value;
			break;
		case OPT_REC_SET:
			out->rec_attr_set |= o->value;
			out->rec_attr_clr &= ~o->value;
			break;
		case OPT_REC_CLEAR:
			out->rec_attr_clr |= o->value;
			out->rec_attr_set &= ~o->value;
			break;
		case OPT_ELSEWHERE:
			break;
		case OPT_REC_ATIME:
			out->rec_attr_clr |= MOUNT_ATTR__ATIME;
			out->rec_attr_set =
			    (out->rec_attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | o->value;
			break;
		}
	}
	if (out->flags & MS_BIND)
		out->bind = true;
	return 0;
}

void nook_mount_flags_to_attr(unsigned long flags, unsigned long clear_flags, uint64_t *set,
                              uint64_t *clr)
{
	static const struct {
		unsigned long ms;
		uint64_t attr;
	} map[] = {
	    {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
	    {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
	};

	*set = 0;
	*clr = 0;
	for (size_t i = 0; i < NOOK_ARRAY_SIZE(map); i++) {
		if (flags & map[i].ms)
			*set |= map[i].attr;
		else if (clear_flags & map[i].ms)
			*clr |= map[i].attr;
	}
	if (flags & MS_NOATIME) {
		*clr |= MOUNT_ATTR__ATIME;
		*set |= MOUNT_ATTR_NOATIME;
	} else if (flags & MS_STRICTATIME) {
		*clr |= MOUNT_ATTR__ATIME;
		*set |= MOUNT_ATTR_STRICTATIME;
	} else if (flags & MS_RELATIME) {
		*clr |= MOUNT_ATTR__ATIME;
		*set |= MOUNT_ATTR_RELATIME;
	} else if (clear_flags & MS_RELATIME) {
		*clr |= MOUNT_ATTR__ATIME;
		*set |= MOUNT_ATTR_STRICTATIME;
	} else if (clear_flags & (MS_NOATIME | MS_STRICTATIME)) {
		*clr |= MOUNT_ATTR__ATIME;
		*set |= MOUNT_ATTR_RELATIME;
	}
}
