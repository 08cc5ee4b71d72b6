/* A small CNI runner: nook's bridge network for `nook job --network bridge`
 * through the plugins Debian ships (containernetworking-plugins, in
 * /usr/lib/cni): `bridge` makes the veth pair into the host bridge and
 * asks `host-local` for an address. The protocol is the CNI specification
 * 1.0.0 (github.com/containernetworking/cni, SPEC.md): the command in
 * CNI_COMMAND (ADD, DEL), the attachment in CNI_CONTAINERID, CNI_NETNS and
 * CNI_IFNAME, the plugin directory in CNI_PATH, the network configuration
 * as JSON on stdin, a result or an error as JSON on stdout.
 *
 * cni_json.c builds the configuration and reads the replies (pure);
 * cni.c runs the plugin (through the hook runner, src/linux/hooks.c). */
#ifndef NOOK_CONTAINER_CNI_H
#define NOOK_CONTAINER_CNI_H

#include <net/if.h>
#include <stdint.h>

#include "nook/error.h"
#include "nook/hooks.h"

#define NOOK_CNI_VERSION "1.0.0"

/* nook's default bridge network. The subnet avoids the defaults of podman
 * (10.88.0.0/16, then 10.89.x.0/24), cri-o (10.85.0.0/16), Docker
 * (172.17.0.0/16 and up), flannel (10.244.0.0/16) and Kubernetes services
 * (10.96.0.0/12). The leases are on /run (a tmpfs), so a reboot forgets
 * them with the namespaces they were for; they are not under the state
 * root because the bridge is the host's, shared by every --root. */
#define NOOK_CNI_NETWORK    "nook"
#define NOOK_CNI_BRIDGE     "nook0"
#define NOOK_CNI_SUBNET     "10.77.0.0/24"
#define NOOK_CNI_PLUGIN_DIR "/usr/lib/cni"
#define NOOK_CNI_DATA_DIR   "/run/nook-cni"
#define NOOK_CNI_TIMEOUT_S  20

struct nook_cni_net {
	const char *name;       /* the network's name (host-local's lease folder) */
	const char *bridge;     /* the host bridge, made on first use */
	const char *subnet;     /* IPv4 CIDR; the bridge gets its first address */
	const char *plugin_dir; /* CNI_PATH */
	const char *data_dir;   /* host-local's dataDir, and the runner's lock */
	int64_t timeout_s;      /* per plugin run; killed after it */
};

/* The defaults above. */
void nook_cni_default_net(struct nook_cni_net *net);

/* What ADD gave the job's interface. */
struct nook_cni_result {
	char address[64];           /* "10.77.0.2/24" */
	char gateway[64];           /* the bridge's address, "" if none */
	char mac[32];               /* of the interface inside */
	char host_ifname[IFNAMSIZ]; /* the veth's end on the bridge, "" if unknown */
	char *json;                 /* the plugin's result as it came (DEL's prevResult) */
};

void nook_cni_result_free(struct nook_cni_result *r);

/* ADD: `ifname` in the network namespace at `netns_path` (a bind mount of
 * one, or /proc/self/fd/N of an fd the caller holds: it must name the job's
 * namespace for the whole call, which /proc/PID/ns/net of a process that
 * may die does not) gets a veth into net->bridge and an address. On failure
 * the attachment is taken down again (DEL) and the error names the plugin
 * and its message. nook's own network namespace is refused. */
int nook_cni_add(const struct nook_cni_net *net, const char *container_id, const char *netns_path,
                 const char *ifname, struct nook_cni_result *out, struct nook_error *err);

/* DEL: the veth and the lease go. Tolerant of what is gone already: a
 * namespace that no longer exists (netns_path NULL, a path that cannot be
 * opened, ENOENT or ESRCH, or that is no namespace any more: an unmounted
 * bind mount's file) only releases the lease (the kernel destroyed the
 * veth with the namespace), and a second DEL succeeds. `prev` (may be NULL)
 * is the ADD's result, handed to the plugin as prevResult. */
int nook_cni_del(const struct nook_cni_net *net, const char *container_id, const char *netns_path,
                 const char *ifname, const struct nook_cni_result *prev, struct nook_error *err);

/* ---- cni_json.c: pure ---- */

/* The network configuration on the plugin's stdin: `bridge` with
 * `host-local` IPAM, isGateway and isDefaultGateway (the bridge holds the
 * gateway address, the job a default route through it), no ipMasq (NAT
 * to the outside is the host's concern). prev_result (may be NULL): a
 * JSON object, put in as prevResult. malloc'd; NULL with err set. */
char *nook_cni_config_json(const struct nook_cni_net *net, const char *prev_result,
                           struct nook_error *err);

/* A plugin's ADD result (stdout) into `out`: the first of ips[] on the
 * interface named `ifname` inside the sandbox (else the first of ips[]),
 * and the host-side interface (no sandbox, not the bridge). */
int nook_cni_parse_result(const char *json, const char *ifname, const char *bridge,
                          struct nook_cni_result *out, struct nook_error *err);

/* A plugin run that failed, as one message: "<plugin> <COMMAND>: <msg>:
 * <details> (CNI error code N)" from the error JSON on stdout, else its
 * exit status and the first line of its stderr. Returns -1. */
int nook_cni_fail(const char *plugin, const char *command, const char *out, const char *errout,
                  int status, struct nook_error *err);

#endif
