# Helpers of the guest tests (tests/distro/guest/test_*.sh), sourced with
# the test file into a fresh bash per test: a test is a function test_*
# that fails by a non-zero status (set -e is on) or by fail; skip ends it
# as skipped. Its output is shown when it fails.

# the runtime under test, as installed by run-guest.sh (nook, or Debian's
# runc when DISTRO_RUNTIME=runc)
RT=/usr/local/sbin/nook
# the busybox rootfs of the image (tests/distro/build-image.sh), and the
# same as a tarball for podman import
BB_ROOTFS=/opt/nook-tests/rootfs
BB_TAR=/opt/nook-tests/busybox.tar
BB_IMAGE=localhost/nook-busybox

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# run_ok CMD...: run it, show its output, fail if it fails
run_ok() {
	local rc=0
	echo "+ $*"
	"$@" || rc=$?
	[ "$rc" -eq 0 ] || fail "exit $rc: $*"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# assert_match WHAT ERE ACTUAL
assert_match() {
	[[ $3 =~ $2 ]] || fail "$1: expected to match /$2/, got '$3'"
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s
wait_until() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

apparmor_on() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

# podman with the runtime under test and podman's default config otherwise
# (containers.conf: cgroup_manager "systemd", the default AppArmor profile)
P() {
	podman --runtime "$RT" "$@"
}

# the busybox image in podman's store (imported once per boot)
podman_image() {
	podman image exists "$BB_IMAGE" ||
		podman import --change 'CMD=["/bin/sh"]' "$BB_TAR" "$BB_IMAGE" >/dev/null
}

# make_bundle DIR ARGS_JSON: a bundle with a copy of the busybox rootfs,
# namespaces pid ipc uts mount cgroup, no cgroupsPath, a pids limit of 20
make_bundle() {
	mkdir -p "$1"
	cp -a "$BB_ROOTFS" "$1/rootfs"
	cat >"$1/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false, "user": {"uid": 0, "gid": 0},
    "args": $2,
    "env": ["PATH=/bin:/usr/bin:/sbin"], "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
      "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
      "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"]
    },
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "distro-test",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
  ],
  "linux": {
    "resources": {"pids": {"limit": 20}},
    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
    "maskedPaths": ["/proc/kcore", "/sys/firmware"],
    "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"]
  }
}
JSON
}
