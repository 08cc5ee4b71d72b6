/* linux.sysctl: write each value to /proc/sys/<key as a path>. Which keys
 * may be written at all is decided before anything is made (src/spec/ns_policy.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "nook/cleanup.h"
#include "linux/resolve.h"
#include "nook/rootfs.h"
#include "linux/rootfs/steps.h"

/* The path under /proc/sys of a key, as sysctl(8) and runc read it: with
 * dots ("net.ipv4.ip_forward"), a '/' inside stands for a '.' in a name
 * ("net.ipv4.conf.eth0/100.forwarding" is net/ipv4/conf/eth0.100/...);
 * with slashes (the first separator is '/'), a '.' is part of a name.
 * NULL if a name is empty, "." or "..", or has a byte outside
 * [A-Za-z0-9_.-]. */
static char *sysctl_rel_path(const char *key)
{
	size_t n = strlen(key);
	bool slashes = key[strcspn(key, "./")] == '/';
	char *path;
	size_t seg = 0;

	if (n == 0)
		return NULL;
	path = malloc(n + 1);
	if (path == NULL)
		return NULL;
	for (size_t i = 0; i <= n; i++) {
		char c = key[i];

		if (c == (slashes ? '/' : '.') || c == '\0') {
			size_t start = i - seg;
			if (seg == 0 || (seg == 1 && path[start] == '.') ||
			    (seg == 2 && path[start] == '.' && path[start + 1] == '.'))
				goto bad;
			path[i] = c == '\0' ? '\0' : '/';
			seg = 0;
			continue;
		}
		if (c == '/' || c == '.')
			c = '.'; /* '/' in a dotted key, '.' in a slashed one */
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		           (c >= '0' && c <= '9') || c == '_' || c == '-'))
			goto bad;
		path[i] = c;
		seg++;
	}
	return path;
bad:
	free(path);
	return NULL;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int nook_sysctl_apply(const struct nook_spec *spec, struct nook_error *err)
{
	autoclose int sys = -1;
	struct statfs sfs;
	bool under;

	if (spec->linux.sysctl.n == 0)
		return 0;
	/* Through the proc mount nook made (mount_kernfs.c), not through a
	 * "/proc" a swapped symlink could send elsewhere (CVE-2025-52881). */
	sys = nook_kernfs_open("/proc/sys", O_PATH | O_DIRECTORY, &under);
	if (!under)
		sys = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sys < 0 || fstatfs(sys, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return nook_fail(err, sys < 0 ? errno : 0,
		                 "linux.sysctl: no /proc mounted in the container");
	for (size_t i = 0; i < spec->linux.sysctl.n; i++) {
		const struct nook_kv *kv = &spec->linux.sysctl.v[i];
		autofree char *rel = sysctl_rel_path(kv->key);
		autoclose int fd = -1;

		if (rel == NULL)
			return nook_fail(err, EINVAL, "linux.sysctl[\"%s\"]: invalid key", kv->key);
		fd = nook_openat_in_root(sys, rel, O_WRONLY | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
		if (fd < 0)
			return nook_fail(err, errno, "linux.sysctl[\"%s\"]: open /proc/sys/%s",
			                 kv->key, rel);
		if (write_all(fd, kv->value ? kv->value : "", strlen(kv->value ? kv->value : "")) <
		    0)
			return nook_fail(err, errno, "linux.sysctl[\"%s\"]: write /proc/sys/%s",
			                 kv->key, rel);
	}
	return 0;
}
