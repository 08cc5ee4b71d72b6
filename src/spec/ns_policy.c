/* What a config may change, by the namespaces the container owns.
 *
 * config-linux.md "Namespaces": a type with no entry is the runtime's own
 * namespace, one with a path is joined. What the container changes in a
 * namespace it does not own (no entry, or a path naming the runtime's own
 * namespace) the host sees, so these are refused before anything is made:
 *
 *   linux.sysctl   (config-linux.md "Sysctl") each key must live in a
 *                  namespace the container owns; the lists are runc's
 *                  (validator.go sysctl()) and crun's (validate_sysctl):
 *                    ipc      kernel.msgmax msgmnb msgmni sem shmall shmmax
 *                             shmmni shm_rmid_forced, the *_next_id ones,
 *                             fs.mqueue.*
 *                    network  net.*
 *                    uts      kernel.domainname, unless "domainname" asks
 *                             for another value (crun)
 *                    user     user.* (runc)
 *                  kernel.hostname is always refused, as runc and crun do:
 *                  "hostname" is the field for it. Any other key is global.
 *   hostname, domainname (config.md) need a uts namespace of the container.
 *   mounts, linux.devices, maskedPaths, readonlyPaths, root.readonly and
 *   rootfsPropagation need a mount namespace of the container: without one
 *   the init only chroots into the rootfs (src/linux/init.c), as crun does.
 *
 * A namespace joined by path is the container's unless it is the runtime's
 * own (runc asks the same of a network namespace, isHostNetNS; it and crun
 * accept any joined ipc or uts namespace). */
#include "ns_policy.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nook/cleanup.h"

void spec_read_ns_facts(const struct nook_spec *spec, struct nook_host_facts *host)
{
	for (size_t i = 0; i < spec->linux.n_namespaces; i++) {
		const struct nook_namespace *ns = &spec->linux.namespaces[i];
		char own[64];
		struct stat a, b;

		if (ns->path == NULL || (unsigned)ns->type >= NOOK_NS_COUNT)
			continue;
		snprintf(own, sizeof(own), "/proc/self/ns/%s", nook_ns_proc_name(ns->type));
		/* A path that cannot be read is not the runtime's: joining it
		 * fails later with its own error. */
		if (stat(ns->path, &a) == 0 && stat(own, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			host->joins_runtime_ns[ns->type] = true;
	}
}

bool nook_spec_owns_ns(const struct nook_spec *spec, const struct nook_host_facts *host,
                       enum nook_ns_type type)
{
	const struct nook_namespace *ns = nook_spec_namespace(spec, type);

	return ns != NULL && (ns->path == NULL || !host->joins_runtime_ns[type]);
}

/* Why the container does not own a namespace of this type. */
static const char *not_owned(const struct nook_spec *spec, enum nook_ns_type type, char *buf,
                             size_t size)
{
	const struct nook_namespace *ns = nook_spec_namespace(spec, type);
	const char *name = nook_ns_type_name(type);

	if (ns == NULL)
		snprintf(buf, size,
		         "the container has no %s namespace of its own (linux.namespaces has no "
		         "\"%s\" entry)",
		         name, name);
	else
		snprintf(buf, size,
		         "the container has no %s namespace of its own (linux.namespaces[%zu].path "
		         "%s is the runtime's own)",
		         name, (size_t)(ns - spec->linux.namespaces), ns->path);
	return buf;
}

/* runc's rule for a key written with slashes: if its first separator is
 * '/', '/' separates the parts and a '.' belongs to one
 * ("net/ipv4/conf/eth0.100/forwarding" is net.ipv4.conf.eth0/100.forwarding).
 * Only the parts matter here, so either way the result is dotted. */
static char *dotted(const char *key)
{
	char *s = strdup(key);
	size_t first = strcspn(key, "./");

	if (s == NULL || key[first] != '/')
		return s;
	for (char *p = s; *p != '\0'; p++)
		*p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
	return s;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The namespace a sysctl lives in, or -1 if it is global. */
static int sysctl_ns(const char *name)
{
	static const char *const ipc[] = {
	    "kernel.msgmax",      "kernel.msgmnb",          "kernel.msgmni",
	    "kernel.sem",         "kernel.shmall",          "kernel.shmmax",
	    "kernel.shmmni",      "kernel.shm_rmid_forced", "kernel.msg_next_id",
	    "kernel.sem_next_id", "kernel.shm_next_id",
	};

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(ipc); i++)
		if (strcmp(name, ipc[i]) == 0)
			return NOOK_NS_IPC;
	if (has_prefix(name, "fs.mqueue."))
		return NOOK_NS_IPC;
	if (has_prefix(name, "net."))
		return NOOK_NS_NETWORK;
	if (strcmp(name, "kernel.domainname") == 0 || strcmp(name, "kernel.hostname") == 0)
		return NOOK_NS_UTS;
	if (has_prefix(name, "user."))
		return NOOK_NS_USER;
	return -1;
}

static int check_sysctl(const struct nook_spec *spec, const struct nook_host_facts *host,
                        const struct nook_kv *kv, struct nook_error *err)
{
	autofree char *name = dotted(kv->key);
	char why[PATH_MAX + 160];
	int type;

	if (name == NULL)
		return nook_fail(err, ENOMEM, "linux.sysctl[\"%s\"]", kv->key);
	if (strcmp(name, "kernel.hostname") == 0)
		return nook_fail(err, 0,
		                 "linux.sysctl[\"%s\"]: not allowed, it conflicts with the "
		                 "\"hostname\" field (set that instead)",
		                 kv->key);
	if (strcmp(name, "kernel.domainname") == 0 && spec->domainname != NULL &&
	    strcmp(spec->domainname, kv->value != NULL ? kv->value : "") != 0)
		return nook_fail(err, 0,
		                 "linux.sysctl[\"%s\"]: conflicts with the \"domainname\" field "
		                 "(\"%s\")",
		                 kv->key, spec->domainname);
	type = sysctl_ns(name);
	if (type < 0)
		return nook_fail(err, 0,
		                 "linux.sysctl[\"%s\"]: not allowed, it is not in a namespace a "
		                 "container can have: writing it would change the host's value",
		                 kv->key);
	if (!nook_spec_owns_ns(spec, host, (enum nook_ns_type)type))
		return nook_fail(
		    err, 0,
		    "linux.sysctl[\"%s\"]: not allowed, it belongs to the %s namespace "
		    "and %s: writing it would change the host's value",
		    kv->key, nook_ns_type_name((enum nook_ns_type)type),
		    not_owned(spec, (enum nook_ns_type)type, why, sizeof(why)));
	return 0;
}

static int check_uts(const struct nook_spec *spec, const struct nook_host_facts *host,
                     struct nook_error *err)
{
	const char *field = spec->hostname != NULL ? "hostname" : "domainname";
	char why[PATH_MAX + 160];

	if (spec->hostname == NULL && spec->domainname == NULL)
		return 0;
	if (nook_spec_owns_ns(spec, host, NOOK_NS_UTS))
		return 0;
	return nook_fail(err, 0, "%s: set, but %s: setting it would change the host's %s", field,
	                 not_owned(spec, NOOK_NS_UTS, why, sizeof(why)), field);
}

/* Without a mount namespace of its own, anything mounted would land in the
 * host's mount table (runc refuses maskedPaths and readonlyPaths there;
 * crun ignores the mounts). */
static int check_mount(const struct nook_spec *spec, const struct nook_host_facts *host,
                       struct nook_error *err)
{
	const struct nook_linux *l = &spec->linux;
	const char *path = NULL;
	char why[PATH_MAX + 160];

	if (nook_spec_owns_ns(spec, host, NOOK_NS_MOUNT))
		return 0;
	if (spec->n_mounts > 0)
		path = "mounts[0]";
	else if (l->n_devices > 0)
		path = "linux.devices[0]";
	else if (l->masked_paths.n > 0)
		path = "linux.maskedPaths";
	else if (l->readonly_paths.n > 0)
		path = "linux.readonlyPaths";
	else if (spec->root.readonly)
		path = "root.readonly";
	else if (l->rootfs_propagation != NULL)
		path = "linux.rootfsPropagation";
	if (path == NULL)
		return 0;
	return nook_fail(err, 0,
	                 "%s: not allowed, %s: nook would have to mount in the host's mount "
	                 "table (without one, the rootfs is used as it is)",
	                 path, not_owned(spec, NOOK_NS_MOUNT, why, sizeof(why)));
}

int spec_check_ns_policy(const struct nook_spec *spec, const struct nook_host_facts *host,
                         struct nook_error *err)
{
	for (size_t i = 0; i < spec->linux.sysctl.n; i++)
		if (check_sysctl(spec, host, &spec->linux.sysctl.v[i], err) < 0)
			return -1;
	if (check_uts(spec, host, err) < 0)
		return -1;
	return check_mount(spec, host, err);
}
