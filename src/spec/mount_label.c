/* linux.mountLabel (config-linux.md "Mount Label"): which mounts take it as
 * the SELinux `context=` mount option, and that option's text. The rule is
 * the one of runc and crun: every filesystem mounted anew gets it, except
 *   bind mounts     (MS_BIND ignores mount data: the files keep their label)
 *   proc, sysfs     (their labels come from the policy: runc and crun mount
 *                    them without one)
 *   cgroup, cgroup2 (the same; runc mounts them without the label)
 *   mqueue          (runc and crun label its root with setxattr instead;
 *                    nook leaves it the policy's default label for now)
 *   remounts        (a context= that differs from the mount's is EINVAL).
 * The value is quoted, as runc's label.FormatMountLabel writes it: an MCS
 * label holds a comma ("s0:c1,c2"), and the kernel's SELinux option parser
 * reads a quoted value whole. */
#include <stdio.h>
#include <string.h>

#include "nook/spec.h"

static bool has_option(const struct nook_mount *m, const char *name)
{
	for (size_t i = 0; i < m->options.n; i++)
		if (strcmp(m->options.v[i], name) == 0)
			return true;
	return false;
}

bool nook_spec_mount_takes_label(const struct nook_mount *m)
{
	static const char *const unlabelled[] = {"bind",   "proc",    "sysfs",
	                                         "cgroup", "cgroup2", "mqueue"};

	if (m->type == NULL)
		return false; /* a bind mount or a remount: nothing mounted anew */
	for (size_t i = 0; i < sizeof(unlabelled) / sizeof(unlabelled[0]); i++)
		if (strcmp(m->type, unlabelled[i]) == 0)
			return false;
	return !has_option(m, "bind") && !has_option(m, "rbind") && !has_option(m, "remount");
}

bool nook_spec_mount_label_valid(const char *label)
{
	return label[0] != '\0' && strchr(label, '"') == NULL;
}

char *nook_spec_mount_label_data(const char *data, const char *label)
{
	char *out = NULL;
	bool empty = data == NULL || data[0] == '\0';

	if (asprintf(&out, "%s%scontext=\"%s\"", empty ? "" : data, empty ? "" : ",", label) < 0)
		return NULL;
	return out;
}
