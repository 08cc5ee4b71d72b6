#!/bin/bash
# Build (or reuse) the Debian 12 image the distro stage boots: a stock
# bookworm with systemd as PID 1, AppArmor, podman, conmon, containerd and
# Debian's cloud kernel, made with mmdebstrap from Debian's archive. It also
# holds Debian's SELinux reference policy (selinux-policy-default), set to
# permissive: booted with "security=selinux selinux=1" (tests/distro/run.sh,
# DISTRO_LSM=selinux) the same image runs under SELinux instead of AppArmor
# (one major LSM at a time on Debian 12's kernel). Its files are not
# labelled (unlabeled_t): permissive mode allows it, and the labels the
# tests check are those nook sets on processes and mounts.
#   tests/distro/build-image.sh [CACHE_DIR]     (default tests/.work/distro)
# Prints the image's directory, CACHE_DIR/image-KEY, holding rootfs.ext4,
# vmlinuz and initrd.img; KEY is a hash of the package list and of this
# script, so a second run with the same inputs reuses the image (a cold
# build takes 1.5-3 minutes: mmdebstrap most of it).
# Exit status: 0 built or reused; 3 cannot be had here (no mmdebstrap or
# mke2fs, or Debian's archive unreachable: the reason on stderr's last
# line); 1 anything else.
#
# The image runs the tests with no login: nook-tests.service (after
# multi-user.target) runs /usr/local/sbin/nook-tests-boot, which mounts the
# second disk (/dev/vdb, made by tests/distro/run.sh), installs its nook,
# runs its guest/run-guest.sh with the output on ttyS0 and powers off.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${1:-$repo/tests/.work/distro}
MIRROR=${DISTRO_MIRROR:-http://deb.debian.org/debian}
SIZE_MB=${DISTRO_IMAGE_MB:-3072}

# The packages: what the guest tests drive (podman, conmon, containerd,
# runc as the reference runtime, apparmor, selinux-policy-default with
# its selinux-utils and policycoreutils), what they use (busybox-static
# for the containers' rootfs, jq, iproute2), and the libraries nook links.
# Rootless (issue 12): uidmap (newuidmap, newgidmap) and dbus-user-session
# (the user's bus at /run/user/UID/bus, which rootless podman and the
# systemd driver of an unprivileged caller talk to).
PACKAGES="systemd-sysv apparmor dbus linux-image-cloud-amd64 initramfs-tools
podman conmon containerd runc busybox-static iproute2 jq kmod udev procps
selinux-policy-default selinux-utils policycoreutils uidmap dbus-user-session
libyajl2 libseccomp2 libcap2 libcgroup2 libapparmor1 libselinux1 libsystemd0"

fail3() {
	echo "$*" >&2
	exit 3
}

command -v mmdebstrap >/dev/null 2>&1 || fail3 "mmdebstrap is not installed (apt-get install mmdebstrap)"
command -v mke2fs >/dev/null 2>&1 || fail3 "mke2fs is not installed (apt-get install e2fsprogs)"
[ "$(id -u)" = 0 ] || fail3 "building the image needs root (mmdebstrap into a directory, mke2fs -d)"

# the key: the packages and this script's lines but its comments
# shellcheck disable=SC2020 # one package a line: spaces and newlines alike
key=$({
	echo "$PACKAGES" | tr -s ' \n' '\n\n' | sort
	grep -v '^[[:space:]]*#' "$0"
} | sha256sum | cut -c1-16)
out=$cache/image-$key
if [ -f "$out/ok" ]; then
	echo "$out"
	exit 0
fi

# one build at a time (two runs started together: the second waits and
# reuses the first's image)
mkdir -p "$cache"
exec 9>"$cache/build.lock"
flock 9
if [ -f "$out/ok" ]; then
	echo "$out"
	exit 0
fi
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
log=$tmp/mmdebstrap.log
start=$(date +%s)
echo "distro: building the Debian 12 image (mmdebstrap; 1.5-3 minutes)" >&2
# shellcheck disable=SC2086 # split the list into words
if ! mmdebstrap --variant=minbase --include="$(echo $PACKAGES | tr ' ' ,)" \
	bookworm "$root" "$MIRROR" >"$log" 2>&1; then
	tail -n 15 "$log" >&2
	if grep -qiE 'could not resolve|failed to fetch|temporary failure|unable to connect|connection (refused|timed out)' "$log"; then
		fail3 "mmdebstrap could not reach $MIRROR"
	fi
	echo "mmdebstrap failed (log above)" >&2
	exit 1
fi

# --- the system
echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$root/etc/fstab"
echo distro-vm >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 distro-vm\n' >"$root/etc/hosts"
# a fixed machine id: an "uninitialized" one makes every boot a first boot
# (systemd-firstboot would prompt on the console)
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"
echo >>"$root/etc/machine-id"
# nothing that waits for a login or runs maintenance on the console, and
# not podman's API service and timers (each costs seconds of boot under TCG;
# the tests use the podman command)
for u in systemd-firstboot.service serial-getty@ttyS0.service getty@tty1.service \
	apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
	fstrim.timer man-db.timer dpkg-db-backup.timer systemd-timesyncd.service \
	podman.service podman.socket podman-auto-update.timer podman-auto-update.service \
	podman-restart.service; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done

# --- SELinux, for the boots with "security=selinux selinux=1": permissive,
# Debian's reference policy (systemd loads it from
# /etc/selinux/default/policy/ early in boot)
cat >"$root/etc/selinux/config" <<'SECFG'
SELINUX=permissive
SELINUXTYPE=default
SECFG
ls "$root"/etc/selinux/default/policy/policy.* >/dev/null || {
	echo "selinux-policy-default left no /etc/selinux/default/policy/policy.*" >&2
	exit 1
}

# --- rootless (issue 12, tests/distro/guest/test_rootless.sh): the user
# nookuser (uid 1000) with subordinate ids for newuidmap/newgidmap and
# lingering, so that logind starts user@1000.service (its systemd, its
# delegated cgroup, its bus /run/user/1000/bus) at boot with no login;
# nookother (uid 1001), another unprivileged user, neither
chroot "$root" useradd -m -u 1000 -U -s /bin/bash nookuser
chroot "$root" useradd -m -u 1001 -U -s /bin/bash nookother
echo "nookuser:100000:65536" >"$root/etc/subuid"
echo "nookuser:100000:65536" >"$root/etc/subgid"
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/nookuser"

# --- containerd: the runc shim with the systemd cgroup driver, nook as its
# binary (what kubeadm sets up for the CRI; ctr passes the same options as
# flags: --runc-binary, --runc-systemd-cgroup)
mkdir -p "$root/etc/containerd"
cat >"$root/etc/containerd/config.toml" <<'TOML'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    BinaryName = "/usr/local/sbin/nook"
    SystemdCgroup = true
TOML

# --- the containers' rootfs: busybox, as a directory and as a tarball
# (podman import)
bb=$root/opt/nook-tests/rootfs
mkdir -p "$bb/bin" "$bb/etc" "$bb/proc" "$bb/sys" "$bb/dev" "$bb/tmp" "$bb/root" "$bb/run"
cp "$root/usr/bin/busybox" "$bb/bin/busybox"
for a in $(chroot "$root" /usr/bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "$bb/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$bb/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$bb/etc/group"
tar -C "$bb" -cf "$root/opt/nook-tests/busybox.tar" .

# --- the test service
cat >"$root/etc/systemd/system/nook-tests.service" <<'UNIT'
[Unit]
Description=nook's distro test stage (tests/distro/run.sh)
After=multi-user.target containerd.service apparmor.service dbus.service
Wants=containerd.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/nook-tests-boot
StandardInput=null
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/nook-tests.service "$root/etc/systemd/system/multi-user.target.wants/nook-tests.service"
cat >"$root/usr/local/sbin/nook-tests-boot" <<'BOOT'
#!/bin/bash
# Run the tests of the second disk, then power off (tests/distro/run.sh).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
up=$(cut -d' ' -f1 /proc/uptime)
lsm=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null | sed 's/Y/AppArmor on/;s/N/AppArmor off/')
if [ -e /sys/fs/selinux/enforce ]; then lsm="SELinux $(getenforce 2>/dev/null)"; fi
echo "DISTRO-INFO booted to multi-user in ${up}s ($(uname -r), $lsm)"
d=/run/nook-tests
mkdir -p $d
if ! mount -o ro /dev/vdb $d; then
	echo "DISTRO-EXIT 1 (no test disk /dev/vdb)"
else
	rc=0
	bash $d/guest/run-guest.sh $d || rc=$?
	echo "DISTRO-EXIT $rc"
fi
sync
systemctl poweroff --force --force
BOOT
chmod 755 "$root/usr/local/sbin/nook-tests-boot"

# --- the disk and the boot files
cp -L "$root"/boot/vmlinuz-* "$tmp/vmlinuz"
cp -L "$root"/boot/initrd.img-* "$tmp/initrd.img"
# shellcheck disable=SC2012 # one file, named by Debian
ls "$root"/boot/vmlinuz-* | sed 's|.*/vmlinuz-||' >"$tmp/version"
rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_Packages
truncate -s "${SIZE_MB}M" "$tmp/rootfs.ext4"
mke2fs -q -t ext4 -L distro-root -d "$root" "$tmp/rootfs.ext4"
rm -rf "$root"
mkdir -p "$out"
mv "$tmp/rootfs.ext4" "$tmp/vmlinuz" "$tmp/initrd.img" "$tmp/version" "$out/"
echo "$PACKAGES" >"$out/packages"
echo "$(($(date +%s) - start))" >"$out/build-seconds"
touch "$out/ok"
# older images of other keys: keep only this one
for old in "$cache"/image-*; do
	[ "$old" = "$out" ] || rm -rf "$old"
done
echo "distro: image built in $(cat "$out/build-seconds")s: $out" >&2
echo "$out"
