/* linux.netDevices (config-linux.md, "Network Devices"), over rtnetlink:
 * for each device, in the runtime's network namespace, find its index and
 * its permanent addresses of global scope, set it down, and move and rename
 * it in one RTM_NEWLINK (IFLA_NET_NS_FD, IFLA_IFNAME); then, through a
 * socket made in the container's namespace, give the addresses back (the
 * kernel drops them on a move: "the runtime MUST preserve ... all permanent
 * IP addresses ... with global scope") and set it up ("MUST set the network
 * device state to up"). Nothing is moved back on delete ("MUST NOT attempt
 * to move the interface out of the namespace"). */
#include "nook/net_devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "nook/namespaces.h"

#define NL_MAX_ADDRS 64
#define NL_MAX_LINKS 256

struct nl_msg {
	struct nlmsghdr h;
	char body[512];
};

struct saved_addr {
	struct ifaddrmsg ifa;
	unsigned char local[16], address[16], broadcast[4];
	bool has_local, has_address, has_broadcast;
};

struct addr_list {
	int index;
	size_t n;
	struct saved_addr v[NL_MAX_ADDRS];
};

struct link_list {
	size_t n;
	int v[NL_MAX_LINKS];
	int found;          /* RTM_GETLINK by name: the index */
	unsigned int flags; /* and its flags */
};

typedef void (*nl_cb)(const struct nlmsghdr *h, void *ctx);

static void *msg_init(struct nl_msg *m, uint16_t type, uint16_t flags, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = NLMSG_LENGTH(len);
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_REQUEST | flags;
	return NLMSG_DATA(&m->h);
}

static void msg_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)&m->h + NLMSG_ALIGN(m->h.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send one request; read the answers until its ack or the end of the dump.
 * -1 with errno: the kernel's refusal, or a socket error. */
static int nl_talk(int fd, struct nl_msg *m, nl_cb cb, void *ctx)
{
	static uint32_t seq;
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));

	m->h.nlmsg_seq = ++seq;
	if (send(fd, m, m->h.nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (e->error == 0)
					return 0;
				errno = -e->error;
				return -1;
			}
			if (cb != NULL)
				cb(h, ctx);
		}
	}
}

static int nl_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/* A netlink socket of the namespace `nsfd`: made there, used from here. */
static int nl_open_in(int nsfd, struct nook_error *err)
{
	autoclose int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return nook_fail(err, errno, "open /proc/thread-self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return nook_fail(err, errno, "join the container's network namespace");
	int fd = nl_open();
	int saved = errno;
	if (setns(home, CLONE_NEWNET) < 0) {
		if (fd >= 0)
			close(fd);
		return nook_fail(err, errno, "return to the runtime's network namespace");
	}
	if (fd < 0)
		return nook_fail(err, saved, "netlink socket in the container's network namespace");
	return fd;
}

static void on_link(const struct nlmsghdr *h, void *ctx)
{
	struct link_list *l = ctx;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	if (h->nlmsg_type != RTM_NEWLINK)
		return;
	l->found = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (l->n < NL_MAX_LINKS)
		l->v[l->n++] = ifi->ifi_index;
}

static int link_index(int fd, const char *name, unsigned int *flags)
{
	struct nl_msg m;
	static struct link_list l;

	memset(&l, 0, sizeof(l));
	msg_init(&m, RTM_GETLINK, NLM_F_ACK, sizeof(struct ifinfomsg));
	msg_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	if (nl_talk(fd, &m, on_link, &l) < 0)
		return -1;
	if (l.found <= 0) {
		errno = ENODEV;
		return -1;
	}
	if (flags != NULL)
		*flags = l.flags;
	return l.found;
}

static int link_dump(int fd, struct link_list *l)
{
	struct nl_msg m;

	memset(l, 0, sizeof(*l));
	msg_init(&m, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg));
	return nl_talk(fd, &m, on_link, l);
}

static int link_set_up(int fd, int index, bool up)
{
	struct nl_msg m;
	struct ifinfomsg *ifi = msg_init(&m, RTM_NEWLINK, NLM_F_ACK, sizeof(*ifi));

	ifi->ifi_index = index;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nl_talk(fd, &m, NULL, NULL);
}

static void copy_attr(const struct rtattr *rta, unsigned char *to, size_t cap, bool *has)
{
	size_t len = RTA_PAYLOAD(rta);
	if (len > cap)
		return;
	memcpy(to, RTA_DATA(rta), len);
	*has = true;
}

static void on_addr(const struct nlmsghdr *h, void *ctx)
{
	struct addr_list *l = ctx;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	uint32_t flags = ifa->ifa_flags;
	struct saved_addr a = {.ifa = *ifa};

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != l->index ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE || l->n == NL_MAX_ADDRS)
		return;
	int len = IFA_PAYLOAD(h);
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) == sizeof(uint32_t))
			memcpy(&flags, RTA_DATA(rta), sizeof(flags));
		else if (rta->rta_type == IFA_LOCAL)
			copy_attr(rta, a.local, sizeof(a.local), &a.has_local);
		else if (rta->rta_type == IFA_ADDRESS)
			copy_attr(rta, a.address, sizeof(a.address), &a.has_address);
		else if (rta->rta_type == IFA_BROADCAST)
			copy_attr(rta, a.broadcast, sizeof(a.broadcast), &a.has_broadcast);
	}
	/* RFC 3549 2.3.3.2: permanent, not learned (a DHCP or SLAAC address). */
	if (!(flags & IFA_F_PERMANENT))
		return;
	l->v[l->n++] = a;
}

static int addr_add(int fd, int index, const struct saved_addr *a)
{
	struct nl_msg m;
	struct ifaddrmsg *ifa =
	    msg_init(&m, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	size_t alen = a->ifa.ifa_family == AF_INET ? 4 : 16;

	ifa->ifa_family = a->ifa.ifa_family;
	ifa->ifa_prefixlen = a->ifa.ifa_prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	if (a->has_local)
		msg_attr(&m, IFA_LOCAL, a->local, alen);
	if (a->has_address)
		msg_attr(&m, IFA_ADDRESS, a->address, alen);
	if (a->has_broadcast && alen == 4)
		msg_attr(&m, IFA_BROADCAST, a->broadcast, 4);
	return nl_talk(fd, &m, NULL, NULL);
}

/* The index of the link in `after` that is not in `before`: the moved one,
 * whatever name a "%d" template gave it. */
static int new_link(const struct link_list *before, const struct link_list *after)
{
	for (size_t i = 0; i < after->n; i++) {
		bool old = false;
		for (size_t j = 0; j < before->n && !old; j++)
			old = before->v[j] == after->v[i];
		if (!old)
			return after->v[i];
	}
	return -1;
}

static int move_one(int host, int target, int nsfd, const struct nook_net_device *d,
                    struct nook_error *err)
{
	const char *name = d->name != NULL ? d->name : d->host_name;
	static struct addr_list addrs;
	struct link_list before, after;
	struct nl_msg m;

	unsigned int flags = 0;
	int index = link_index(host, d->host_name, &flags);
	if (index < 0)
		return nook_fail(err, errno, "no device \"%s\" in the runtime's network namespace",
		                 d->host_name);
	/* "The runtime MUST check if moving ... is possible": a name taken there
	 * is found before the move, as the kernel would refuse the rename only
	 * after moving the device (do_setlink moves first). A "%d" template is
	 * the kernel's to resolve. */
	if (strchr(name, '%') == NULL && link_index(target, name, NULL) >= 0)
		return nook_fail(err, EEXIST,
		                 "a device named \"%s\" is already in the container's network "
		                 "namespace",
		                 name);
	memset(&addrs, 0, sizeof(addrs));
	addrs.index = index;
	msg_init(&m, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	if (nl_talk(host, &m, on_addr, &addrs) < 0)
		return nook_fail(err, errno, "list the addresses of \"%s\"", d->host_name);
	/* Down before the move, as runc does: the host's users of it see it go. */
	if (link_set_up(host, index, false) < 0)
		return nook_fail(err, errno, "set \"%s\" down", d->host_name);
	if (link_dump(target, &before) < 0)
		return nook_fail(err, errno, "list the container's network devices");

	struct ifinfomsg *ifi = msg_init(&m, RTM_NEWLINK, NLM_F_ACK, sizeof(*ifi));
	uint32_t ns = (uint32_t)nsfd;
	ifi->ifi_index = index;
	msg_attr(&m, IFLA_NET_NS_FD, &ns, sizeof(ns));
	msg_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	if (nl_talk(host, &m, NULL, NULL) < 0) {
		int e = errno;
		if (flags & IFF_UP)
			link_set_up(host, index, true); /* not moved: as it was */
		return nook_fail(err, e,
		                 "move \"%s\" into the container's network namespace as \"%s\"",
		                 d->host_name, name);
	}

	if (link_dump(target, &after) < 0)
		return nook_fail(err, errno, "list the container's network devices");
	int moved = new_link(&before, &after);
	if (moved < 0)
		return nook_fail(err, ENODEV,
		                 "\"%s\" moved, but is not in the container's namespace", name);
	for (size_t i = 0; i < addrs.n; i++)
		if (addr_add(target, moved, &addrs.v[i]) < 0 && errno != EEXIST)
			return nook_fail(err, errno, "give \"%s\" back its address %zu", name, i);
	if (link_set_up(target, moved, true) < 0)
		return nook_fail(err, errno, "set \"%s\" up in the container", name);
	return 0;
}

static int open_netns(const struct nook_spec *spec, pid_t pid, struct nook_error *err)
{
	const struct nook_linux *l = &spec->linux;

	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].type == NOOK_NS_NETWORK && l->namespaces[i].path != NULL)
			return nook_ns_open_path(spec, i, err);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nook_fail(err, errno, "open %s", path);
	return fd;
}

int nook_net_devices_move(const struct nook_spec *spec, pid_t pid, struct nook_error *err)
{
	const struct nook_linux *l = &spec->linux;

	if (l->n_net_devices == 0)
		return 0;
	autoclose int nsfd = open_netns(spec, pid, err);
	if (nsfd < 0)
		return nook_error_prefix(err, "linux.netDevices");
	autoclose int host = nl_open();
	if (host < 0)
		return nook_fail(err, errno, "linux.netDevices: netlink socket");
	autoclose int target = nl_open_in(nsfd, err);
	if (target < 0)
		return nook_error_prefix(err, "linux.netDevices");
	for (size_t i = 0; i < l->n_net_devices; i++)
		if (move_one(host, target, nsfd, &l->net_devices[i], err) < 0)
			return nook_error_prefix(err, "linux.netDevices[\"%s\"]",
			                         l->net_devices[i].host_name);
	return 0;
}
