#!/bin/bash
# /dev: the default devices and links, and linux.devices.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

# dev_line PATH: "PATH TYPE MAJOR:MINOR" as the container prints it (decimal).
DEVLINE='dl() { if [ -c "$1" ]; then t=c; elif [ -b "$1" ]; then t=b; else t=-; fi;
	echo "$1 $t $((0x$(stat -L -c %t "$1"))):$((0x$(stat -L -c %T "$1")))"; }; '

test_default_char_devices() {
	run_ok "$DEVLINE"'for d in null zero full random urandom tty; do dl /dev/$d; done'
	assert_eq "/dev/null c 1:3
/dev/zero c 1:5
/dev/full c 1:7
/dev/random c 1:8
/dev/urandom c 1:9
/dev/tty c 5:0" "$OUT" "default devices"
}

test_default_devices_work() {
	run_ok 'echo gone >/dev/null; head -c 4 /dev/zero | od -An -tx1 | tr -d " "
		head -c 16 /dev/urandom | wc -c
		{ echo x >/dev/full; } 2>&1; true'
	local lines
	mapfile -t lines <<<"$OUT"
	assert_eq 00000000 "${lines[0]}" "bytes of /dev/zero"
	assert_eq 16 "${lines[1]}" "bytes read from /dev/urandom"
	assert_contains "${lines[2]}" "No space left on device" "write to /dev/full"
}

test_dev_fd_and_std_links() {
	run_ok 'for l in fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done'
	assert_eq "fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2" "$OUT"
}

test_dev_ptmx() {
	run_ok "$DEVLINE"'dl /dev/ptmx; [ -c /dev/pts/ptmx ] && echo pts-ptmx'
	# /dev/ptmx is a link to pts/ptmx (5:2) or a device of its own (5:2)
	assert_eq $'/dev/ptmx c 5:2\npts-ptmx' "$OUT"
}

test_dev_is_tmpfs_without_host_devices() {
	run_ok 'ls /dev | grep -E "^(sda|vda|nvme|mem|kmsg|loop)" || echo none'
	assert_eq none "$OUT" "host devices in the container's /dev"
}

test_linux_devices_fuse() {
	cfg '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0}]'
	run_ok "$DEVLINE"'dl /dev/fuse; stat -c "%a %u:%g" /dev/fuse'
	assert_eq $'/dev/fuse c 10:229\n666 0:0' "$OUT"
}

test_linux_devices_mode_and_owner() {
	cfg '.linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 416, uid: 1000, gid: 5}]'
	run_ok "$DEVLINE"'dl /dev/mynull; stat -c "%a %u:%g" /dev/mynull'
	assert_eq $'/dev/mynull c 1:3\n640 1000:5' "$OUT"
}

test_linux_devices_in_subdir() {
	cfg '.linux.devices = [{path: "/dev/net/tun", type: "c", major: 10, minor: 200, fileMode: 438}]'
	run_ok "$DEVLINE"'dl /dev/net/tun'
	assert_eq "/dev/net/tun c 10:200" "$OUT"
}

test_linux_devices_block() {
	cfg '.linux.devices = [{path: "/dev/myloop", type: "b", major: 7, minor: 0, fileMode: 432}]'
	run_ok "$DEVLINE"'dl /dev/myloop'
	assert_eq "/dev/myloop b 7:0" "$OUT"
}

# crun CVE-2026-47766, runc CVE-2026-41579 (issue 9): the image's /dev is a
# symlink into a volume (a host directory) and the config mounts nothing on
# /dev. Following it, nook made 0666 device nodes and links in the host
# directory and unlinked a file of the host there. A symlinked /dev is
# refused; the host directory stays as it was.
test_dev_symlink_in_image_refused() {
	mkdir "$T/hostdir"
	echo precious >"$T/hostdir/null"
	rm -rf "$ROOTFS/dev"
	ln -s /vol "$ROOTFS/dev"
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))
	   | .mounts = [{destination: "/vol", type: "bind", source: $d, options: ["rbind"]}] + .mounts' \
		--arg d "$T/hostdir"
	run_sh true
	assert_eq precious "$(cat "$T/hostdir/null" 2>&1)" "the host's file"
	assert_eq "null" "$(ls -A "$T/hostdir" | tr '\n' ' ' | sed 's/ $//')" "the host directory"
	assert_failed
	assert_error_line '/dev' 'symlink'
}
nook_specific test_dev_symlink_in_image_refused

# The same rule for linux.devices in a /dev bound from the host (a
# privileged container): an entry that is there and is not the device
# asked for is never unlinked.
test_linux_device_never_replaces_other_entry() {
	mkdir "$T/hostdev"
	echo precious >"$T/hostdev/mydev"
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))
	   | .mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
	   | .linux.devices = [{path: "/dev/mydev", type: "c", major: 1, minor: 3, fileMode: 438}]' \
		--arg d "$T/hostdev"
	run_sh true
	assert_eq precious "$(cat "$T/hostdev/mydev" 2>&1)" "the host's file"
	assert_failed
	assert_error_line 'linux.devices\[0\]' '/dev/mydev' 'not the device'
}
nook_specific test_linux_device_never_replaces_other_entry

# ... while the very device already there is kept as it is.
test_linux_device_already_there_is_kept() {
	mkdir "$T/hostdev"
	mknod -m 640 "$T/hostdev/mydev" c 1 3
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))
	   | .mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
	   | .linux.devices = [{path: "/dev/mydev", type: "c", major: 1, minor: 3, fileMode: 438}]' \
		--arg d "$T/hostdev"
	run_ok "$DEVLINE"'dl /dev/mydev'
	assert_eq "/dev/mydev c 1:3" "$OUT"
	assert_eq "640" "$(stat -c %a "$T/hostdev/mydev")" "the mode of the node there"
}

harness_main "$@"
