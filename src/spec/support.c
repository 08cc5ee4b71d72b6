/* nook_spec_check_supported_on(): what nook can parse but cannot run yet,
 * given the host facts (read by src/linux/host_facts.c).
 *
 * Everything a config may ask for is either implemented or refused here
 * with "not supported: <json path>: <why>"; nothing is silently ignored.
 * The checks below are the whole list, in document order: delete a line
 * when the runtime learns the feature. What would change the host instead
 * of the container is refused by src/spec/ns_policy.c, called from here. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nook/mempolicy.h"
#include "nook/scheduler.h"
#include "nook/spec.h"
#include "ns_policy.h"

#define NOT_YET "not implemented yet"

static int refuse(struct nook_error *err, const char *path, const char *why)
{
	return nook_fail(err, 0, "not supported: %s: %s", path, why);
}

#define REFUSE_IF(cond, path, why)                                                                 \
	do {                                                                                       \
		if (cond)                                                                          \
			return refuse(err, path, why);                                             \
	} while (0)

static int check_top(const struct nook_spec *s, struct nook_error *err)
{
	REFUSE_IF(!s->has_root, "root", "a Linux container needs root.path");
	REFUSE_IF(s->platforms.n > 0, s->platforms.v[0], "the section of another platform");
	return 0;
}

static int check_process(const struct nook_process *p, const struct nook_host_facts *host,
                         struct nook_error *err)
{
	REFUSE_IF(p->user.username != NULL, "process.user.username", "Windows only");
	REFUSE_IF(p->command_line != NULL, "process.commandLine", "Windows only");
	for (size_t i = 0; i < p->n_rlimits; i++) {
		if (p->rlimits[i].resource < 0)
			return nook_fail(err, 0,
			                 "not supported: process.rlimits[%zu].type: %s is not a "
			                 "Linux resource limit",
			                 i, p->rlimits[i].type_name);
	}
	/* A label the host cannot apply is an error, where runc errs too (the
	 * decision and its reasons: docs/design.md, "AppArmor and SELinux").
	 * runc writes the profile whatever the host and the kernel refuses the
	 * write (EINVAL) at create; its validator refuses process.selinuxLabel
	 * when SELinux is off. crun ignores both; nook refuses both, before
	 * anything is made, naming the field. */
	REFUSE_IF(p->apparmor_profile != NULL && !host->apparmor, "process.apparmorProfile",
	          "AppArmor is not enabled on this host");
	REFUSE_IF(p->selinux_label != NULL && !host->selinux, "process.selinuxLabel",
	          "SELinux is not enabled on this host");
	if (p->scheduler.present &&
	    nook_sched_attr_from_spec(&p->scheduler, &(struct nook_sched_attr){0}, err) < 0)
		return -1;
	return 0;
}

/* Id-mapped mounts (config.md "Mounts"). Only binds, as runc
 * (checkIDMapMounts: "id-mapped mounts are only supported for
 * bind-mounts"): the mapping goes on a clone of the source. "idmap" or
 * "ridmap" without mappings of the mount's own takes the container's user
 * namespace, and without one "an error MUST be returned". */
static int check_idmap(const struct nook_spec *s, const struct nook_mount *m, size_t i,
                       struct nook_error *err)
{
	enum nook_idmap kind = nook_spec_mount_idmap(m);
	const char *opt = kind == NOOK_IDMAP_RECURSIVE ? "ridmap" : "idmap";

	if (kind == NOOK_IDMAP_NONE)
		return 0;
	if (!nook_spec_mount_is_bind(m))
		return nook_fail(err, 0,
		                 "not supported: mounts[%zu] (destination %s): an id-mapped mount "
		                 "of type %s: only bind mounts (type \"bind\", or option bind or "
		                 "rbind) can be id-mapped",
		                 i, m->destination, m->type != NULL ? m->type : "(none)");
	/* A remount changes a mount already attached, which the kernel does
	 * not id-map (only a detached clone). */
	for (size_t o = 0; o < m->options.n; o++)
		if (strcmp(m->options.v[o], "remount") == 0)
			return nook_fail(
			    err, 0,
			    "not supported: mounts[%zu] (destination %s): an id-mapped "
			    "remount: only a new bind mount can be id-mapped",
			    i, m->destination);
	if (m->uid_mappings == NULL && nook_spec_namespace(s, NOOK_NS_USER) == NULL)
		return nook_fail(err, 0,
		                 "mounts[%zu].options: \"%s\" without uidMappings and gidMappings "
		                 "takes the container's user namespace, and linux.namespaces has "
		                 "no user namespace: give the mount uidMappings and gidMappings",
		                 i, opt);
	return 0;
}

static int check_mounts(const struct nook_spec *s, const struct nook_host_facts *host,
                        struct nook_error *err)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct nook_mount *m = &s->mounts[i];

		/* runc adds context="..." to these mounts whatever the host, and
		 * without SELinux the kernel refuses the option (EINVAL): runc
		 * fails there (and at a masked directory, below). */
		if (s->linux.mount_label != NULL && !host->selinux &&
		    nook_spec_mount_takes_label(m))
			return nook_fail(err, 0,
			                 "not supported: linux.mountLabel: SELinux is not enabled "
			                 "on this host (mounts[%zu], %s on %s, would take it)",
			                 i, m->type, m->destination);

		if (check_idmap(s, m, i, err) < 0)
			return -1;
	}
	/* runc's masking tmpfs of a directory takes it too; which masked
	 * path is a directory shows only in the container. */
	if (s->linux.mount_label != NULL && !host->selinux && s->linux.masked_paths.n > 0)
		return nook_fail(err, 0,
		                 "not supported: linux.mountLabel: SELinux is not enabled on this "
		                 "host (the tmpfs masking a directory of linux.maskedPaths would "
		                 "take it)");
	return 0;
}

/* SCMP_ACT_NOTIFY (config-linux.md "Seccomp", listenerPath): the listener
 * fd goes to the agent at listenerPath, so a notify rule needs one. The
 * process loads the filter, then sends the fd to the runtime with sendmsg(2)
 * under it: a notified sendmsg would wait for an agent that has no fd yet,
 * for ever. So sendmsg may not notify, nor may the default action (runc
 * refuses a notified write, its sync call, and a notify default alike). */
static int check_seccomp(const struct nook_seccomp *sc, struct nook_error *err)
{
	static const char *notify = "SCMP_ACT_NOTIFY";
	bool used = false;

	REFUSE_IF(sc->default_action != NULL && strcmp(sc->default_action, notify) == 0,
	          "linux.seccomp.defaultAction",
	          "SCMP_ACT_NOTIFY as the default would notify the sendmsg that hands "
	          "the listener fd to the runtime");
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct nook_seccomp_syscall *s = &sc->syscalls[i];

		if (strcmp(s->action, notify) != 0)
			continue;
		used = true;
		for (size_t j = 0; j < s->names.n; j++)
			if (strcmp(s->names.v[j], "sendmsg") == 0)
				return nook_fail(
				    err, 0,
				    "not supported: linux.seccomp.syscalls[%zu].names[%zu]: "
				    "SCMP_ACT_NOTIFY for sendmsg, which sends the listener "
				    "fd to the runtime",
				    i, j);
	}
	if (used && sc->listener_path == NULL)
		return nook_fail(err, EINVAL,
		                 "linux.seccomp.listenerPath: required when an action is "
		                 "SCMP_ACT_NOTIFY (the agent that answers the notifications)");
	return 0;
}

/* A network interface name as the kernel takes it (dev_valid_name): 1 to
 * IFNAMSIZ-1 bytes, not "." or "..", no '/', ':' or white space. */
static bool valid_ifname(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= 16 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}

/* linux.netDevices (config-linux.md, "Network Devices"): moved into the
 * container's network namespace, so there must be one (new or by path, as
 * runc asks); two devices may not take the same name there (the second move
 * would fail after the first was done); a "%d" template may repeat. */
static int check_net_devices(const struct nook_linux *l, struct nook_error *err)
{
	bool netns = false;

	if (l->n_net_devices == 0)
		return 0;
	for (size_t i = 0; i < l->n_namespaces; i++)
		netns = netns || l->namespaces[i].type == NOOK_NS_NETWORK;
	if (!netns)
		return nook_fail(err, EINVAL,
		                 "linux.netDevices: needs a network namespace in "
		                 "linux.namespaces (the devices are moved into it)");
	for (size_t i = 0; i < l->n_net_devices; i++) {
		const struct nook_net_device *d = &l->net_devices[i];
		const char *name = d->name != NULL ? d->name : d->host_name;

		if (!valid_ifname(d->host_name))
			return nook_fail(
			    err, EINVAL,
			    "linux.netDevices[\"%s\"]: not a valid interface name "
			    "(1 to 15 bytes, not \".\" or \"..\", no '/', ':' or space)",
			    d->host_name);
		if (d->name != NULL && !valid_ifname(d->name))
			return nook_fail(
			    err, EINVAL,
			    "linux.netDevices[\"%s\"].name: \"%s\": not a valid interface "
			    "name (1 to 15 bytes, not \".\" or \"..\", no '/', ':' or space)",
			    d->host_name, d->name);
		if (strchr(name, '%') != NULL)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct nook_net_device *o = &l->net_devices[j];
			if (strcmp(o->name != NULL ? o->name : o->host_name, name) == 0)
				return nook_fail(
				    err, EINVAL,
				    "linux.netDevices[\"%s\"].name: \"%s\" is also the "
				    "name of linux.netDevices[\"%s\"] in the container",
				    d->host_name, name, o->host_name);
		}
	}
	return 0;
}

static int check_linux(const struct nook_linux *l, const struct nook_host_facts *host,
                       struct nook_error *err)
{
	if (check_net_devices(l, err) < 0)
		return -1;
	/* linux.cgroupsPath and linux.resources: the files of src/linux/cgroup/; what a
	 * host lacks (a controller, a file) is refused when it is applied. */
	if (check_seccomp(&l->seccomp, err) < 0)
		return -1;
	/* Without SELinux, refused in check_mounts where a mount takes it. */
	if (l->mount_label != NULL && !nook_spec_mount_label_valid(l->mount_label))
		return nook_fail(err, 0, "linux.mountLabel: \"%s\": must be a label without '\"'",
		                 l->mount_label);
	/* linux.intelRdt: src/linux/intel_rdt.c; a host without resctrl is
	 * refused there, before the init runs. closID names one directory of
	 * the resctrl root, or "/" for the root itself. */
	const char *clos = l->intel_rdt.clos_id;
	if (clos != NULL && strcmp(clos, "/") != 0 &&
	    (clos[0] == '\0' || strchr(clos, '/') != NULL || strcmp(clos, ".") == 0 ||
	     strcmp(clos, "..") == 0))
		return nook_fail(err, EINVAL,
		                 "linux.intelRdt.closID: \"%s\": must be \"/\" or one directory "
		                 "name (not empty, \".\" or \"..\", no '/')",
		                 clos);
	if (l->memory_policy.present &&
	    nook_mempolicy_from_spec(&l->memory_policy, &(struct nook_mempolicy){0}, err) < 0)
		return -1;
	return 0;
}

int nook_spec_check_supported_on(const struct nook_spec *spec, const struct nook_host_facts *host,
                                 struct nook_error *err)
{
	if (check_top(spec, err) < 0 || check_process(&spec->process, host, err) < 0 ||
	    check_mounts(spec, host, err) < 0 || check_linux(&spec->linux, host, err) < 0)
		return -1;
	return spec_check_ns_policy(spec, host, err);
}
