/* The CNI runner (see cni.h): one plugin run per command, without a shell.
 *
 * The plugin runs as a hook does (src/linux/hooks.c: exactly the
 * environment given, the configuration on stdin, stdout and stderr
 * captured, a deadline after which its process group is killed). Three
 * things are the runner's own:
 *
 *  - The namespace is opened by nook, checked to be a network namespace
 *    and not nook's own (ADD there would put the job's interface on the
 *    host), and handed to the plugin as /proc/<nook's pid>/fd/<fd>: the
 *    plugin acts on the namespace nook checked, whatever happens to the
 *    path meanwhile.
 *  - The bridge plugin with isGateway switches the host's IPv4 forwarding
 *    on (/proc/sys/net/ipv4/ip_forward, a host-wide setting). Forwarding,
 *    like NAT, is the host's concern: the plugin runs in a mount namespace
 *    of its own with /dev/null bound over that file, so its write goes
 *    nowhere. Jobs on the bridge reach each other and the bridge's address
 *    without forwarding.
 *  - Runs are serialised by a lock in the data directory: two first ADDs
 *    at once would both make the bridge and give it its address, and the
 *    plugin does not expect to lose that race. */
#include "container/cni.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/log.h"

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

void nook_cni_default_net(struct nook_cni_net *net)
{
	*net = (struct nook_cni_net){
	    .name = NOOK_CNI_NETWORK,
	    .bridge = NOOK_CNI_BRIDGE,
	    .subnet = NOOK_CNI_SUBNET,
	    .plugin_dir = NOOK_CNI_PLUGIN_DIR,
	    .data_dir = NOOK_CNI_DATA_DIR,
	    .timeout_s = NOOK_CNI_TIMEOUT_S,
	};
}

/* In the plugin's child, just before execve (async-signal-safe calls only):
 * a mount namespace of its own where ip_forward is /dev/null. */
static int mask_forwarding(void *ctx)
{
	(void)ctx;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("/dev/null", IP_FORWARD, NULL, MS_BIND, NULL) < 0)
		return errno;
	return 0;
}

/* The attachment one command is about. */
struct attachment {
	const struct nook_cni_net *net;
	const char *id;
	const char *ifname;
	int netns_fd; /* -1: gone (DEL only) */
};

static int run_plugin(const struct attachment *a, const char *command, const char *config,
                      struct nook_hook_capture *out, struct nook_error *err)
{
	char plugin[PATH_MAX], netns[64] = "";
	autofree char *v_cmd = NULL, *v_id = NULL, *v_ns = NULL, *v_if = NULL, *v_path = NULL;
	autofree struct nook_hook_capture *errc = calloc(1, sizeof(*errc));
	int status = 0;

	snprintf(plugin, sizeof(plugin), "%s/bridge", a->net->plugin_dir);
	if (a->netns_fd >= 0)
		snprintf(netns, sizeof(netns), "/proc/%d/fd/%d", (int)getpid(), a->netns_fd);
	if (errc == NULL || asprintf(&v_cmd, "CNI_COMMAND=%s", command) < 0 ||
	    asprintf(&v_id, "CNI_CONTAINERID=%s", a->id) < 0 ||
	    asprintf(&v_ns, "CNI_NETNS=%s", netns) < 0 ||
	    asprintf(&v_if, "CNI_IFNAME=%s", a->ifname) < 0 ||
	    asprintf(&v_path, "CNI_PATH=%s", a->net->plugin_dir) < 0)
		return nook_fail(err, ENOMEM, "CNI plugin %s %s", plugin, command);
	char *envp[] = {v_cmd, v_id, v_ns, v_if, v_path, "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	                NULL};
	const struct nook_hook hook = {
	    .path = plugin,
	    .env = {envp, NOOK_ARRAY_SIZE(envp) - 1},
	    .has_timeout = true,
	    .timeout = a->net->timeout_s,
	};
	const struct nook_hooks_opts opts = {.before_exec = mask_forwarding};

	nook_debug("cni: %s %s for %s (%s in %s)", plugin, command, a->id, a->ifname,
	           netns[0] ? netns : "no namespace");
	if (nook_hook_exec(&hook, config, &opts, out, errc, &status, err) < 0) {
		if (err->msg[0] == '\0')
			return nook_fail(err, err->errnum, "CNI plugin %s %s", plugin, command);
		return nook_error_prefix(err, "CNI plugin %s %s", plugin, command);
	}
	if (errc->len > 0)
		nook_debug("cni: %s %s stderr: %s", plugin, command, errc->data);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return nook_cni_fail(plugin, command, out->data, errc->data, status, err);
	return 0;
}

/* A plugin that is not there fails with the package to install. */
static int check_plugins(const struct nook_cni_net *net, struct nook_error *err)
{
	const char *names[] = {"bridge", "host-local"};
	char path[PATH_MAX];

	for (size_t i = 0; i < NOOK_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", net->plugin_dir, names[i]);
		if (access(path, X_OK) < 0)
			return nook_fail(err, errno,
			                 "CNI plugin %s (Debian and Ubuntu: apt-get install "
			                 "containernetworking-plugins)",
			                 path);
	}
	return 0;
}

/* The namespace at `path`, checked; gone_ok: a namespace that is no more
 * (no such file or process, or a file that is not a namespace) is *fd = -1,
 * not an error. */
static int open_netns(const char *path, bool gone_ok, int *fd, struct nook_error *err)
{
	struct stat ns, own;

	*fd = -1;
	if (path == NULL && gone_ok)
		return 0;
	if (path == NULL)
		return nook_fail(err, EINVAL, "no network namespace given");
	autoclose int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 && gone_ok && (errno == ENOENT || errno == ESRCH))
		return 0;
	if (nsfd < 0)
		return nook_fail(err, errno, "open network namespace %s", path);
	int type = ioctl(nsfd, NS_GET_NSTYPE);
	/* ENOTTY: not a namespace file, as a bind mount's mount point is once
	 * the namespace was unmounted. */
	if (type < 0 && errno == ENOTTY && gone_ok)
		return 0;
	if (type != CLONE_NEWNET)
		return nook_fail(err, type < 0 ? errno : 0, "%s is not a network namespace", path);
	if (fstat(nsfd, &ns) < 0 || stat("/proc/self/ns/net", &own) < 0)
		return nook_fail(err, errno, "stat network namespace %s", path);
	if (ns.st_dev == own.st_dev && ns.st_ino == own.st_ino)
		return nook_fail(err, 0,
		                 "network namespace %s is nook's own: a job's interface goes into "
		                 "the job's namespace",
		                 path);
	*fd = nook_steal_fd(&nsfd);
	return 0;
}

/* The data directory (one level made if missing) and its lock, held until
 * the fd is closed. */
static int lock_data_dir(const struct nook_cni_net *net, struct nook_error *err)
{
	char path[PATH_MAX];

	if (mkdir(net->data_dir, 0700) < 0 && errno != EEXIST)
		return nook_fail(err, errno, "CNI data directory %s", net->data_dir);
	snprintf(path, sizeof(path), "%s/%s.lock", net->data_dir, net->bridge);
	autoclose int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nook_fail(err, errno, "CNI lock %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return nook_fail(err, errno, "CNI lock %s", path);
	return nook_steal_fd(&fd);
}

static int check_args(const char *id, const char *ifname, struct nook_error *err)
{
	if (id == NULL || id[0] == '\0')
		return nook_fail(err, EINVAL, "CNI: no container id");
	if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IFNAMSIZ ||
	    strpbrk(ifname, "/ :") != NULL)
		return nook_fail(err, EINVAL, "CNI: bad interface name \"%s\"",
		                 ifname != NULL ? ifname : "");
	return 0;
}

int nook_cni_add(const struct nook_cni_net *net, const char *container_id, const char *netns_path,
                 const char *ifname, struct nook_cni_result *out, struct nook_error *err)
{
	autoclose int nsfd = -1;
	autoclose int lock = -1;
	autofree char *config = NULL;
	autofree struct nook_hook_capture *res = calloc(1, sizeof(*res));

	*out = (struct nook_cni_result){0};
	if (res == NULL)
		return nook_fail(err, ENOMEM, "CNI ADD");
	if (check_args(container_id, ifname, err) < 0 || check_plugins(net, err) < 0 ||
	    open_netns(netns_path, false, &nsfd, err) < 0)
		return -1;
	if ((config = nook_cni_config_json(net, NULL, err)) == NULL)
		return -1;
	if ((lock = lock_data_dir(net, err)) < 0)
		return -1;
	const struct attachment a = {net, container_id, ifname, nsfd};
	if (run_plugin(&a, "ADD", config, res, err) == 0) {
		if (nook_cni_parse_result(res->data, ifname, net->bridge, out, err) == 0)
			return 0;
		nook_error_prefix(err, "CNI plugin %s/bridge ADD", net->plugin_dir);
	}
	/* Half made (or killed at the deadline): taken down again. Its own
	 * failure is most often the ADD's again (a bad configuration): the
	 * ADD's error is the one the caller reads. */
	struct nook_error del_err;
	if (run_plugin(&a, "DEL", config, res, &del_err) < 0) {
		char text[NOOK_ERROR_MSG_MAX + 64];
		nook_debug("cni: after the failed ADD: %s",
		           nook_error_text(&del_err, text, sizeof(text)));
	}
	return -1;
}

int nook_cni_del(const struct nook_cni_net *net, const char *container_id, const char *netns_path,
                 const char *ifname, const struct nook_cni_result *prev, struct nook_error *err)
{
	autoclose int nsfd = -1;
	autoclose int lock = -1;
	autofree char *config = NULL;
	autofree struct nook_hook_capture *res = calloc(1, sizeof(*res));

	if (res == NULL)
		return nook_fail(err, ENOMEM, "CNI DEL");
	if (check_args(container_id, ifname, err) < 0 || check_plugins(net, err) < 0 ||
	    open_netns(netns_path, true, &nsfd, err) < 0)
		return -1;
	config = nook_cni_config_json(net, prev != NULL ? prev->json : NULL, err);
	if (config == NULL || (lock = lock_data_dir(net, err)) < 0)
		return -1;
	const struct attachment a = {net, container_id, ifname, nsfd};
	return run_plugin(&a, "DEL", config, res, err);
}
