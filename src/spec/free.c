/* nook_spec_free(): everything the parser allocated, also when it stopped
 * half way (arrays are calloc'd, so unfilled elements are all NULL). */
#include <stdlib.h>
#include <string.h>

#include "nook/spec.h"

static void strv_free(struct nook_strv *s)
{
	for (size_t i = 0; s->v != NULL && i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void map_free(struct nook_map *m)
{
	for (size_t i = 0; m->v != NULL && i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
}

static void process_free(struct nook_process *p)
{
	free(p->user.additional_gids);
	free(p->user.username);
	strv_free(&p->args);
	free(p->command_line);
	strv_free(&p->env);
	free(p->cwd);
	strv_free(&p->capabilities.bounding);
	strv_free(&p->capabilities.effective);
	strv_free(&p->capabilities.inheritable);
	strv_free(&p->capabilities.permitted);
	strv_free(&p->capabilities.ambient);
	for (size_t i = 0; p->rlimits != NULL && i < p->n_rlimits; i++)
		free(p->rlimits[i].type_name);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->io_priority.class_name);
	free(p->scheduler.policy);
	strv_free(&p->scheduler.flags);
	free(p->exec_cpu_affinity.initial);
	free(p->exec_cpu_affinity.final);
}

static void mounts_free(struct nook_mount *m, size_t n)
{
	for (size_t i = 0; m != NULL && i < n; i++) {
		free(m[i].destination);
		free(m[i].type);
		free(m[i].source);
		strv_free(&m[i].options);
		free(m[i].uid_mappings);
		free(m[i].gid_mappings);
	}
	free(m);
}

static void hook_list_free(struct nook_hook_list *l)
{
	for (size_t i = 0; l->v != NULL && i < l->n; i++) {
		free(l->v[i].path);
		strv_free(&l->v[i].args);
		strv_free(&l->v[i].env);
	}
	free(l->v);
}

static void hooks_free(struct nook_hooks *h)
{
	hook_list_free(&h->prestart);
	hook_list_free(&h->create_runtime);
	hook_list_free(&h->create_container);
	hook_list_free(&h->start_container);
	hook_list_free(&h->poststart);
	hook_list_free(&h->poststop);
}

static void resources_free(struct nook_resources *r)
{
	for (size_t i = 0; r->devices != NULL && i < r->n_devices; i++) {
		free(r->devices[i].type);
		free(r->devices[i].access);
	}
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_device);
	free(r->block_io.throttle_read_bps.v);
	free(r->block_io.throttle_write_bps.v);
	free(r->block_io.throttle_read_iops.v);
	free(r->block_io.throttle_write_iops.v);
	for (size_t i = 0; r->hugepage_limits != NULL && i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; r->network.priorities != NULL && i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
	for (size_t i = 0; r->rdma != NULL && i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	map_free(&r->unified);
}

static void seccomp_free(struct nook_seccomp *s)
{
	free(s->default_action);
	strv_free(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	strv_free(&s->architectures);
	for (size_t i = 0; s->syscalls != NULL && i < s->n_syscalls; i++) {
		struct nook_seccomp_syscall *sc = &s->syscalls[i];

		strv_free(&sc->names);
		free(sc->action);
		for (size_t j = 0; sc->args != NULL && j < sc->n_args; j++)
			free(sc->args[j].op);
		free(sc->args);
	}
	free(s->syscalls);
}

static void linux_free(struct nook_linux *l)
{
	for (size_t i = 0; l->namespaces != NULL && i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; l->devices != NULL && i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	for (size_t i = 0; l->net_devices != NULL && i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	free(l->cgroups_path);
	resources_free(&l->resources);
	free(l->rootfs_propagation);
	seccomp_free(&l->seccomp);
	map_free(&l->sysctl);
	strv_free(&l->masked_paths);
	strv_free(&l->readonly_paths);
	free(l->mount_label);
	free(l->intel_rdt.clos_id);
	strv_free(&l->intel_rdt.schemata);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	free(l->memory_policy.mode);
	free(l->memory_policy.nodes);
	strv_free(&l->memory_policy.flags);
	free(l->personality.domain);
	strv_free(&l->personality.flags);
}

void nook_spec_free(struct nook_spec *spec)
{
	if (spec == NULL)
		return;
	free(spec->oci_version);
	free(spec->root.path);
	process_free(&spec->process);
	free(spec->hostname);
	free(spec->domainname);
	mounts_free(spec->mounts, spec->n_mounts);
	hooks_free(&spec->hooks);
	map_free(&spec->annotations);
	linux_free(&spec->linux);
	strv_free(&spec->platforms);
	memset(spec, 0, sizeof(*spec));
}
