#!/bin/bash
# Build the VM stage's initramfs:
#   tests/vm/build-initramfs.sh OUT.cpio.gz
# It holds busybox-static (every applet in /bin), bash, jq and the host tools
# the integration harness runs outside the container (GNU coreutils, find,
# grep, sed, awk, util-linux's mount/unshare/nsenter, script, ip) with the
# ldd closure of all of them, the nook binary ($NOOK) at /nook/build/nook,
# tests/run-all.sh, tests/lib/ and tests/integration/ under /nook/tests
# (and config.example.json under /nook), a
# prebuilt busybox rootfs for the containers at /nook/cache/rootfs, the
# kernel modules from build-kernel.sh ($VM_KERNEL_DIR/modules) and /init
# (tests/vm/init).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:?usage: build-initramfs.sh OUT.cpio.gz}
NOOK=${NOOK:-$repo/build/nook}
VM_KERNEL_DIR=${VM_KERNEL_DIR:-$repo/tests/.work/vm-kernel}
busybox=${BUSYBOX:-/bin/busybox}

# Host commands shipped (found on PATH) with their libraries; busybox
# provides the rest. GNU ones where the harness relies on GNU options
# (find -printf, rm --one-file-system, date +%N, timeout's exit status 124,
# grep -a); add a command here when a test needs it outside the container.
TOOLS="bash jq find xargs grep sed awk mount umount unshare nsenter setpriv script ip
	cat cp mv rm ln mkdir rmdir mktemp chmod chown touch ls stat readlink realpath
	date sleep timeout env id basename dirname head tail wc sort uniq cut tr tee od
	seq du df sync uname nproc printf test true false"
REQUIRED="bash jq find grep sed awk mount umount timeout mktemp date rm cp"

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}

[ -x "$NOOK" ] || die "NOOK=$NOOK is not an executable (run make)"
"$busybox" --list >/dev/null 2>&1 || die "$busybox is missing: apt-get install busybox-static"
if LC_ALL=C readelf -d "$busybox" 2>/dev/null | grep -q NEEDED; then
	die "$busybox is not static: apt-get install busybox-static"
fi
[ -f "$VM_KERNEL_DIR/modules/order" ] || die "no kernel modules in $VM_KERNEL_DIR: run tests/vm/build-kernel.sh"
command -v cpio >/dev/null || die "cpio is missing: apt-get install cpio"

root=$(mktemp -d /tmp/nook-vm-initramfs.XXXXXX)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,newroot}
mkdir -p "$root"/nook/{build,tests,cache}
chmod 1777 "$root/tmp"
install -m 0755 "$busybox" "$root/bin/busybox"
# /init makes the applet links (busybox --install: no fork per link)

# Executables go where PATH finds them first (GNU before busybox's /bin);
# then the ldd closure of all of them in one go, at the libraries' paths.
elves=()
is_elf() {
	local magic
	IFS= read -r -n 4 magic <"$1" || true
	[ "$magic" = $'\177ELF' ]
}
for t in $REQUIRED; do
	type -P "$t" >/dev/null || die "$t is missing on this host"
done
for t in $TOOLS; do
	path=$(type -P "$t") || continue
	case $path in
	*/sbin/*) dest=$root/usr/sbin/$t ;;
	*) dest=$root/usr/bin/$t ;;
	esac
	cp -L "$path" "$dest"
	if is_elf "$dest"; then elves+=("$dest"); fi
done
cp "$NOOK" "$root/nook/build/nook"
elves+=("$root/nook/build/nook")
# what ldd does, without its several forks per file: ask the dynamic loader
rtld=$(LC_ALL=C readelf -l "$NOOK" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
[ -x "$rtld" ] || die "no dynamic loader for $NOOK (readelf -l says '$rtld')"
mapfile -t libs < <(for f in "${elves[@]}"; do
	LD_TRACE_LOADED_OBJECTS=1 "$rtld" "$f" 2>/dev/null || true
done | awk '
	$2 == "=>" && $3 ~ /^\// { print $3 }
	$1 ~ /^\// { print $1 }' | sort -u)
[ ${#libs[@]} -gt 0 ] || die "ldd found no libraries (is ldd installed?)"
cp -L --parents "${libs[@]}" "$root/"
ln -sf /usr/bin/bash "$root/bin/bash"

install -m 0755 "$repo/tests/run-all.sh" "$root/nook/tests/run-all.sh"
# what tests take from the repo ($HARNESS_REPO)
cp "$repo/config.example.json" "$root/nook/"
cp -a "$repo/tests/lib" "$repo/tests/integration" "$root/nook/tests/"
# the containers' rootfs, built once per busybox (a link per applet is slow)
rootfs_cache=${VM_WORK:-$repo/tests/.work/vm}/rootfs
if ! cmp -s "$busybox" "$rootfs_cache/bin/busybox"; then
	rm -rf "$rootfs_cache"
	BUSYBOX=$busybox bash "$repo/tests/lib/make-rootfs.sh" "$rootfs_cache.new" >/dev/null
	mv "$rootfs_cache.new" "$rootfs_cache"
fi
cp -a "$rootfs_cache" "$root/nook/cache/rootfs"

mkdir -p "$root/lib/modules"
cp "$VM_KERNEL_DIR"/modules/* "$root/lib/modules/"
install -m 0755 "$here/init" "$root/init"
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
tty:x:5:
nogroup:x:65534:
GROUP

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs: $out ($(du -k "$out" | cut -f1) KiB)"
