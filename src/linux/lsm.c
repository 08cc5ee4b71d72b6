/* The exec attribute of AppArmor and SELinux (see src/linux/lsm.h). */
#include "linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static int write_attr(int fd, const char *value, size_t len)
{
	ssize_t n;

	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n != len)
		errno = EIO;
	return n >= 0 && (size_t)n == len ? 0 : -1;
}

/* The first of `paths` that exists, opened for writing, on a procfs. */
static int open_attr(const char *const *paths, size_t n, const char *field, char *used,
                     size_t used_size, struct nook_error *err)
{
	struct statfs sfs;
	int fd = -1;

	for (size_t i = 0; i < n && fd < 0; i++) {
		fd = open(paths[i], O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno != ENOENT)
			return nook_fail(err, errno, "%s: open %s", field, paths[i]);
		if (fd >= 0)
			snprintf(used, used_size, "%s", paths[i]);
	}
	if (fd < 0)
		return nook_fail(err, ENOENT, "%s: open %s", field, paths[n - 1]);
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return nook_fail(err, 0, "%s: %s is not on a procfs", field, used);
	}
	return fd;
}

int nook_lsm_open(const struct nook_process *proc, struct nook_lsm *lsm, struct nook_error *err)
{
	static const char *const apparmor[] = {"/proc/thread-self/attr/apparmor/exec",
	                                       "/proc/thread-self/attr/exec"};
	static const char *const selinux[] = {"/proc/thread-self/attr/exec"};

	*lsm = (struct nook_lsm){.opened = true, .apparmor_fd = -1, .selinux_fd = -1, .key_fd = -1};
	if (proc->apparmor_profile != NULL) {
		lsm->apparmor_fd = open_attr(apparmor, 2, "process.apparmorProfile",
		                             lsm->apparmor_path, sizeof(lsm->apparmor_path), err);
		if (lsm->apparmor_fd < 0)
			return -1;
	}
	if (proc->selinux_label != NULL) {
		lsm->selinux_fd = open_attr(selinux, 1, "process.selinuxLabel", lsm->selinux_path,
		                            sizeof(lsm->selinux_path), err);
		if (lsm->selinux_fd < 0) {
			nook_lsm_close(lsm);
			return -1;
		}
		lsm->key_fd = open("/proc/thread-self/attr/keycreate", O_WRONLY | O_CLOEXEC);
	}
	return 0;
}

int nook_lsm_key_label(const struct nook_process *proc, struct nook_lsm *lsm, bool set,
                       struct nook_error *err)
{
	const char *label = set ? proc->selinux_label : "";

	if (!lsm->opened || lsm->key_fd < 0 || proc->selinux_label == NULL)
		return 0;
	if (write_attr(lsm->key_fd, label, strlen(label)) < 0) {
		/* the keyring is labelled before the exec attribute is written:
		 * this is where a label the policy does not know shows first */
		if (errno == EINVAL && set)
			return nook_fail(
			    err, 0,
			    "process.selinuxLabel: \"%s\" is not a valid label for the "
			    "loaded SELinux policy (write /proc/thread-self/attr/keycreate)",
			    label);
		return nook_fail(err, errno,
		                 "process.selinuxLabel: %s the label of the session keyring "
		                 "(write /proc/thread-self/attr/keycreate)",
		                 set ? "set" : "reset");
	}
	return 0;
}

void nook_lsm_close(struct nook_lsm *lsm)
{
	if (!lsm->opened)
		return;
	if (lsm->apparmor_fd >= 0)
		close(lsm->apparmor_fd);
	if (lsm->selinux_fd >= 0)
		close(lsm->selinux_fd);
	if (lsm->key_fd >= 0)
		close(lsm->key_fd);
	lsm->apparmor_fd = lsm->selinux_fd = lsm->key_fd = -1;
}

/* AppArmor's answers (security/apparmor/domain.c, aa_change_profile):
 * ENOENT for a profile that is not loaded, EINVAL when AppArmor is not the
 * module behind the attribute. */
static int apply_apparmor(const char *profile, struct nook_lsm *lsm, struct nook_error *err)
{
	char cmd[4096];
	int n = snprintf(cmd, sizeof(cmd), "exec %s", profile);

	if (n < 0 || (size_t)n >= sizeof(cmd))
		return nook_fail(err, ENAMETOOLONG, "process.apparmorProfile: \"%.64s...\"",
		                 profile);
	if (write_attr(lsm->apparmor_fd, cmd, (size_t)n) == 0)
		return 0;
	if (errno == ENOENT)
		return nook_fail(err, 0,
		                 "process.apparmorProfile: AppArmor has no profile \"%s\" loaded "
		                 "(load it with apparmor_parser)",
		                 profile);
	return nook_fail(err, errno, "process.apparmorProfile: apply \"%s\" (write %s)", profile,
	                 lsm->apparmor_path);
}

/* SELinux refuses a label its policy does not know with EINVAL. */
static int apply_selinux(const char *label, struct nook_lsm *lsm, struct nook_error *err)
{
	if (write_attr(lsm->selinux_fd, label, strlen(label)) == 0)
		return 0;
	if (errno == EINVAL)
		return nook_fail(err, 0,
		                 "process.selinuxLabel: \"%s\" is not a valid label for the "
		                 "loaded SELinux policy",
		                 label);
	return nook_fail(err, errno, "process.selinuxLabel: set \"%s\" (write %s)", label,
	                 lsm->selinux_path);
}

int nook_lsm_apply(const struct nook_process *proc, struct nook_lsm *lsm, struct nook_error *err)
{
	int rc = 0;

	if (proc->apparmor_profile == NULL && proc->selinux_label == NULL)
		return 0;
	if (!lsm->opened)
		return nook_fail(err, 0, "internal: the exec attribute was not opened early");
	if (proc->selinux_label != NULL)
		rc = apply_selinux(proc->selinux_label, lsm, err);
	if (rc == 0 && proc->apparmor_profile != NULL)
		rc = apply_apparmor(proc->apparmor_profile, lsm, err);
	nook_lsm_close(lsm);
	return rc;
}
