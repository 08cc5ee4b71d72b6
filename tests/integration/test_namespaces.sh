#!/bin/bash
# Namespaces: each one observed from inside the container.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

test_pid_ns_init_is_pid1() {
	run_ok 'echo $$'
	assert_eq 1 "$OUT" "pid of the container process"
}

test_pid_ns_ps_shows_only_container() {
	run_ok 'ps -o pid,comm >/tmp/ps; tail -n +2 /tmp/ps'
	# sh as pid 1 and ps itself; nothing of the host
	local lines
	lines=$(printf '%s\n' "$OUT" | wc -l)
	assert_eq 2 "$lines" "number of processes ps lists"
	assert_match "$OUT" '^ *1 sh'$'\n'' *[0-9] ps$' "ps output"
}

test_pid_ns_is_new() {
	run_ok 'readlink /proc/self/ns/pid'
	assert_ne "$(readlink /proc/self/ns/pid)" "$OUT" "pid namespace"
}

test_net_ns_only_lo() {
	run_ok 'ls /sys/class/net'
	assert_eq lo "$OUT" "network interfaces"
}

test_net_ns_lo_is_up() {
	# IFF_UP is bit 0 of the flags; loopback reports operstate "unknown"
	run_ok 'cat /sys/class/net/lo/flags; ip link show lo'
	local flags=${OUT%%$'\n'*}
	assert_eq 1 $((flags & 1)) "IFF_UP in lo flags ($flags)"
	assert_match "$OUT" '<[^>]*\bUP\b[^>]*>' "ip link show lo"
}

test_net_ns_ping_loopback() {
	set_caps CAP_NET_RAW
	run_ok 'ping -c1 -W2 127.0.0.1 >/dev/null && echo reachable'
	assert_eq reachable "$OUT"
}

test_net_ns_is_new() {
	run_ok 'readlink /proc/self/ns/net'
	assert_ne "$(readlink /proc/self/ns/net)" "$OUT" "network namespace"
}

test_uts_hostname() {
	cfg '.hostname = "ctr-host"'
	run_ok 'hostname; cat /proc/sys/kernel/hostname'
	assert_eq $'ctr-host\nctr-host' "$OUT" "hostname"
	assert_ne "ctr-host" "$(hostname)" "host's hostname"
}

runc_gap test_uts_domainname "runc 1.1 ignores domainname"
test_uts_domainname() {
	cfg '.hostname = "ctr-host" | .domainname = "ctr.example"'
	run_ok 'cat /proc/sys/kernel/domainname'
	assert_eq "ctr.example" "$OUT" "domainname"
}

test_ipc_ns_differs_from_host() {
	run_ok 'readlink /proc/self/ns/ipc'
	assert_match "$OUT" '^ipc:\[[0-9]+\]$'
	assert_ne "$(readlink /proc/self/ns/ipc)" "$OUT" "ipc namespace"
}

test_ipc_ns_shared_when_not_requested() {
	remove_ns ipc
	# without an ipc namespace the mqueue mount is not allowed to be new
	cfg '.mounts |= map(select(.type != "mqueue"))'
	run_ok 'readlink /proc/self/ns/ipc'
	assert_eq "$(readlink /proc/self/ns/ipc)" "$OUT" "ipc namespace"
}

test_mnt_ns_differs_from_host() {
	run_ok 'readlink /proc/self/ns/mnt'
	assert_match "$OUT" '^mnt:\[[0-9]+\]$'
	assert_ne "$(readlink /proc/self/ns/mnt)" "$OUT" "mount namespace"
}

test_uts_ns_differs_from_host() {
	run_ok 'readlink /proc/self/ns/uts'
	assert_ne "$(readlink /proc/self/ns/uts)" "$OUT" "uts namespace"
}

test_cgroup_ns_paths_are_root() {
	add_ns cgroup
	run_ok 'cat /proc/self/cgroup; readlink /proc/self/ns/cgroup'
	assert_ne "$(readlink /proc/self/ns/cgroup)" "${OUT##*$'\n'}" "cgroup namespace"
	local lines bad
	lines=$(printf '%s\n' "$OUT" | grep -c '^[0-9]*:')
	[ "$lines" -ge 1 ] || fail "no lines in /proc/self/cgroup"
	bad=$(printf '%s\n' "$OUT" | grep '^[0-9]*:' | grep -v ':/$' || true)
	assert_eq "" "$bad" "cgroup lines whose path is not /"
}

test_user_ns_uid_gid_map() {
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	run_ok 'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u:%g /bin/busybox; readlink /proc/self/ns/user'
	local norm
	norm=$(printf '%s\n' "$OUT" | sed '$d' | tr -s ' \t' ' ' | sed 's/^ //')
	assert_eq $'0 100000 65536\n0 100000 65536\n0\n0:0' "$norm" "uid_map, gid_map, uid, owner of /bin/busybox"
	assert_ne "$(readlink /proc/self/ns/user)" "${OUT##*$'\n'}" "user namespace"
}

test_user_ns_file_owner_seen_from_host() {
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	set_caps CAP_CHOWN
	run_ok 'touch /tmp/made-inside && chown 1000:1000 /tmp/made-inside && echo done'
	assert_eq "done" "$OUT"
	assert_eq "101000:101000" "$(stat -c %u:%g "$ROOTFS/tmp/made-inside")" "host owner of a file chowned to 1000 inside"
}

test_join_netns_by_path() {
	mkdir "$T/ns"
	mount --bind "$T/ns" "$T/ns"
	on_exit 'umount -l "$T/ns"'
	mount --make-private "$T/ns"
	touch "$T/ns/net"
	unshare --net="$T/ns/net" true
	on_exit 'umount "$T/ns/net"'
	nsenter --net="$T/ns/net" ip link add nooktest0 type bridge
	add_ns network "$T/ns/net"
	run_ok 'echo $(ls /sys/class/net | sort); readlink /proc/self/ns/net'
	assert_eq "lo nooktest0" "${OUT%%$'\n'*}" "links in the joined namespace"
	assert_eq "$(nsenter --net="$T/ns/net" readlink /proc/self/ns/net)" "${OUT##*$'\n'}" "network namespace"
}

harness_main "$@"
