/* The host facts of the spec's support checks (nook/host_facts.h): whether
 * AppArmor and SELinux are enabled, and which namespace paths name the
 * runtime's own namespaces. `nook features` asks the same two probes. */
#include "nook/host_facts.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"

bool nook_apparmor_enabled(void)
{
	autofclose FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");

	return f != NULL && fgetc(f) == 'Y';
}

bool nook_selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* host->joins_runtime_ns[]: stat each namespace path and /proc/self/ns/<x>. */
static void read_ns_facts(const struct nook_spec *spec, struct nook_host_facts *host)
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

void nook_host_facts_read(const struct nook_spec *spec, struct nook_host_facts *host)
{
	/* /sys is read only when the config asks for a label. */
	*host = (struct nook_host_facts){
	    .apparmor = spec->process.apparmor_profile != NULL && nook_apparmor_enabled(),
	    .selinux = (spec->process.selinux_label != NULL || spec->linux.mount_label != NULL) &&
	               nook_selinux_enabled(),
	};
	read_ns_facts(spec, host);
}

int nook_spec_check_supported(const struct nook_spec *spec, struct nook_error *err)
{
	struct nook_host_facts host;

	nook_host_facts_read(spec, &host);
	return nook_spec_check_supported_on(spec, &host, err);
}
