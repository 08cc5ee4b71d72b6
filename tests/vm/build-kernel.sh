#!/bin/bash
# Fetch Debian's cloud kernel and the few modules the VM stage needs into a
# cache dir, without installing the package (no initramfs generation):
#   tests/vm/build-kernel.sh [DIR]      (default: tests/.work/vm-kernel)
# Leaves DIR/vmlinuz, DIR/modules/*.ko (uncompressed) and DIR/version.
# Idempotent: does nothing when DIR is complete.
# Exit status: 0 done; 3 the kernel package cannot be had (no apt, no
# network, no such package): the caller may skip with the printed reason;
# anything else is a real failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-${VM_KERNEL_DIR:-$(cd "$here/.." && pwd)/.work/vm-kernel}}
META=${VM_KERNEL_PACKAGE:-linux-image-cloud-amd64}
# modules loaded in the guest, in load order (dependencies first)
MODULES=${VM_MODULES:-overlay llc stp bridge veth}

unavailable() {
	echo "build-kernel: $*" >&2
	exit 3
}

complete() {
	local m
	[ -s "$dir/vmlinuz" ] && [ -s "$dir/version" ] || return 1
	for m in $MODULES; do [ -s "$dir/modules/$m.ko" ] || return 1; done
}

if complete; then
	echo "build-kernel: $dir is ready ($(cat "$dir/version"))"
	exit 0
fi

command -v apt-get >/dev/null 2>&1 || unavailable "no apt-get on this machine: cannot fetch $META"
command -v dpkg >/dev/null 2>&1 || unavailable "no dpkg on this machine"

# the metapackage depends on the versioned image package
pkg=$(apt-cache depends "$META" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}') || true
if [ -z "$pkg" ]; then
	if [ "$(id -u)" = 0 ]; then apt-get update >/dev/null 2>&1 || true; fi
	pkg=$(apt-cache depends "$META" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}') || true
fi
[ -n "$pkg" ] || unavailable "apt knows no package $META (apt-get update? a Debian amd64 machine?)"

tmp=$(mktemp -d /tmp/nook-vm-kernel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "build-kernel: downloading $pkg"
if ! (cd "$tmp" && apt-get download "$pkg" >download.log 2>&1); then
	sed 's/^/    | /' "$tmp/download.log" >&2
	unavailable "apt-get download $pkg failed (no network?)"
fi
deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
[ -n "$deb" ] || unavailable "apt-get download $pkg left no .deb"
dpkg -x "$deb" "$tmp/x"

kver=${pkg#linux-image-}
vmlinuz=$tmp/x/boot/vmlinuz-$kver
[ -s "$vmlinuz" ] || {
	echo "build-kernel: no /boot/vmlinuz-$kver in $pkg" >&2
	exit 1
}
moddir=$tmp/x/lib/modules/$kver

rm -rf "$dir"
mkdir -p "$dir/modules.new"
for m in $MODULES; do
	ko=$(find "$moddir" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n1)
	if [ -z "$ko" ]; then
		# built in: nothing to load
		if grep -q "/$m.ko\$" "$moddir/modules.builtin" 2>/dev/null; then continue; fi
		echo "build-kernel: module $m is neither in $pkg nor built in" >&2
		exit 1
	fi
	case $ko in
	*.xz) xz -dc "$ko" >"$dir/modules.new/$m.ko" ;;
	*.zst) zstd -qdc "$ko" >"$dir/modules.new/$m.ko" ;;
	*) cp "$ko" "$dir/modules.new/$m.ko" ;;
	esac
done
# record the load order; builtin modules are absent
for m in $MODULES; do
	[ -e "$dir/modules.new/$m.ko" ] && echo "$m"
done >"$dir/modules.new/order"
mv "$dir/modules.new" "$dir/modules"
cp "$vmlinuz" "$dir/vmlinuz"
echo "$kver" >"$dir/version"
echo "build-kernel: $dir is ready ($kver)"
