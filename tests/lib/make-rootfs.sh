#!/bin/bash
# Build a minimal root filesystem from Debian's busybox-static into DIR:
#   tests/lib/make-rootfs.sh DIR
# Every applet is a symlink to /bin/busybox; /etc has root and nobody.
set -euo pipefail

dir=${1:?usage: make-rootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}
if ! "$busybox" --list >/dev/null 2>&1; then
	echo "make-rootfs: $busybox is missing: apt-get install busybox-static" >&2
	exit 1
fi
if ! file_out=$(LC_ALL=C readelf -d "$busybox" 2>&1) || grep -q NEEDED <<<"$file_out"; then
	echo "make-rootfs: $busybox is not static: apt-get install busybox-static" >&2
	exit 1
fi

mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home,run,var/tmp}
chmod 1777 "$dir/tmp" "$dir/var/tmp"
install -m 0755 "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] && continue
	[ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
cat >"$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$dir/etc/group" <<'GROUP'
root:x:0:
tty:x:5:
nogroup:x:65534:
GROUP
echo nook >"$dir/etc/hostname"
