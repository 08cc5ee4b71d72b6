#!/bin/bash
# Namespaces: each one observed from inside the container.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

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

# A new user namespace needs both maps, for root too (runc's validator):
# refused before anything is made, not when the init cannot become gid 0.
test_user_ns_without_mappings_refused() {
	add_ns user
	rm -f "$ROOTFS/ran"
	run_sh 'touch /ran'
	assert_failed
	assert_error_line 'linux\.uidMappings: a new user namespace .* needs both linux\.uidMappings and linux\.gidMappings'
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	run_sh 'touch /ran'
	assert_failed
	assert_error_line 'linux\.gidMappings: a new user namespace'
	[ ! -e "$ROOTFS/ran" ] || fail "the container's process ran"
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
	new_netns_file
	nsenter --net="$T/ns/net" ip link add nooktest0 type bridge
	add_ns network "$T/ns/net"
	run_ok 'echo $(ls /sys/class/net | sort); readlink /proc/self/ns/net'
	assert_eq "lo nooktest0" "${OUT%%$'\n'*}" "links in the joined namespace"
	assert_eq "$(nsenter --net="$T/ns/net" readlink /proc/self/ns/net)" "${OUT##*$'\n'}" "network namespace"
}

# A new user namespace with a network namespace given by path: the init,
# already in its user namespace, may not join a namespace the host's user
# namespace owns (setns needs CAP_SYS_ADMIN there), so the runtime joins it
# before the clone, as runc does before it makes the user namespace (crun's
# exec-root-netns-with-userns; issue 8). No sysfs: the kernel refuses it in a
# user namespace that does not own the network namespace.
test_join_netns_by_path_with_new_userns() {
	new_netns_file
	nsenter --net="$T/ns/net" ip link add nooktest0 type bridge
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	add_ns network "$T/ns/net"
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .mounts |= map(select(.type != "sysfs"))'
	run_ok 'ip link show nooktest0 >/dev/null && echo seen; readlink /proc/self/ns/net'
	assert_eq "seen" "${OUT%%$'\n'*}" "the joined namespace's link"
	assert_eq "$(nsenter --net="$T/ns/net" readlink /proc/self/ns/net)" "${OUT##*$'\n'}" "network namespace"
	assert_eq "$(readlink /proc/self/ns/net)" "$(readlink /proc/$$/ns/net)" "the runtime went back to its own"
}

# config-linux.md "Namespaces": "If a namespace type is not specified in the
# namespaces array, the container MUST inherit the runtime namespace of that
# type." Without a mount namespace nothing can be mounted without mounting it
# on the host, so nook mounts nothing: the rootfs is used as it is (chroot),
# as crun does. Issue 8: nook refused this config.
# Also no pid namespace: a process in another pid namespace whose
# mountinfo names a test's $T is a leftover to the harness, and these see
# the host's mount table, so a concurrent harness would take them for its.
no_mount_ns() {
	remove_ns mount
	remove_ns pid
	cfg '.mounts = [] | del(.linux.maskedPaths, .linux.readonlyPaths)'
}

test_no_mount_ns_keeps_runtime_mount_ns() {
	no_mount_ns
	echo inside >"$ROOTFS/only-in-rootfs"
	set_args sh -c 'cat /only-in-rootfs; echo made >/made-inside; sleep 30'
	create_ctr
	assert_ok
	local pid
	pid=$(init_pid)
	assert_eq "$(readlink /proc/self/ns/mnt)" "$(readlink "/proc/$pid/ns/mnt")" "mount namespace"
	assert_eq "$ROOTFS" "$(readlink "/proc/$pid/root")" "root of the init"
	# nothing was mounted on the host for it
	assert_eq "" "$(grep -F " $ROOTFS" /proc/self/mountinfo || true)" "host mounts in the rootfs"
	nk start "$ID"
	assert_ok
	wait_for_file "$ROOTFS/made-inside"
	assert_eq inside "$(cat "$T/ctr.out")" "what the container read from its /"
	# exec enters the same root (setns alone would leave it at the host's /)
	nk exec "$ID" cat /only-in-rootfs
	assert_ok
	assert_eq inside "$OUT" "what exec read from its /"
	nk delete --force "$ID"
	assert_ok
}

# linux.sysctl without a mount namespace: written through the runtime's
# /proc before the chroot; /proc/sys follows the writer's namespaces, so it
# lands in the container's new network namespace. The value asked for is the
# host's own (harmless if it went there); it must differ from a new
# namespace's default to tell where it went.
test_no_mount_ns_sysctl_in_own_net_ns() {
	local key=net/ipv4/ping_group_range fresh mine
	# nook itself runs in a network namespace of the test's, whose value is
	# not a new namespace's default: a write that went to the runtime's
	# namespace instead of the container's shows, and never reaches the host.
	new_netns_file
	fresh=$(nsenter --net="$T/ns/net" cat /proc/sys/$key | tr '\t' ' ')
	mine="0 0"
	[ "$fresh" != "$mine" ] || mine="1 1"
	nsenter --net="$T/ns/net" sh -c "echo '$mine' >/proc/sys/$key"
	no_mount_ns
	cfg '.linux.sysctl = {"net.ipv4.ping_group_range": $v}' --arg v "$mine"
	set_args sleep 30
	local real=$NOOK
	printf '#!/bin/sh\nexec nsenter --net=%s %s "$@"\n' "$T/ns/net" "$real" >"$T/nook-in-ns"
	chmod +x "$T/nook-in-ns"
	NOOK=$T/nook-in-ns
	create_ctr
	NOOK=$real
	assert_ok
	assert_eq "$mine" "$(nsenter --net="/proc/$(init_pid)/ns/net" cat /proc/sys/$key | tr '\t' ' ')" "the container's $key"
	assert_ne "net:[$(stat -L -c %i "$T/ns/net")]" "$(readlink "/proc/$(init_pid)/ns/net")" "the container's own network namespace"
	nk delete --force "$ID"
	assert_ok
}

nook_specific test_no_mount_ns_refuses_mounts
test_no_mount_ns_refuses_mounts() {
	remove_ns mount
	rm -f "$ROOTFS/ran"
	run_sh 'touch /ran'
	assert_failed
	assert_contains "$ERR" 'mounts[0]: not allowed, the container has no mount namespace of its own (linux.namespaces has no "mount" entry)'
	[ ! -e "$ROOTFS/ran" ] || fail "the container's process ran"
}

# A namespace file kept by a bind mount in $T/ns (private, so that binding
# a mount namespace there makes no loop).
ns_file() { # TYPE (unshare's option name)
	if [ ! -d "$T/ns" ]; then
		mkdir "$T/ns"
		mount --bind "$T/ns" "$T/ns"
		on_exit 'umount -l "$T/ns"'
		mount --make-private "$T/ns"
	fi
	touch "$T/ns/$1"
	unshare --"$1"="$T/ns/$1" true
	on_exit "umount '$T/ns/$1'"
}

# config-linux.md: a namespace with a path is joined. runc and crun then
# build the rootfs inside it (mounts, pivot_root); so does nook. The mounts
# stay in that namespace, never on the host. Issue 8: nook refused this.
test_join_mount_ns_by_path() {
	ns_file mount
	add_ns mount "$T/ns/mount"
	run_ok 'readlink /proc/self/ns/mnt; ls /bin/busybox'
	assert_eq "mnt:[$(stat -L -c %i "$T/ns/mount")]" "${OUT%%$'\n'*}" "mount namespace"
	assert_contains "$OUT" "/bin/busybox"
	assert_eq "" "$(grep -F " $ROOTFS" /proc/self/mountinfo || true)" "host mounts in the rootfs"
}

# config.md "Hostname": set in the container's uts namespace, which may be
# one joined by path. Issue 8: nook refused it.
test_hostname_in_uts_ns_joined_by_path() {
	local host
	host=$(hostname)
	ns_file uts
	add_ns uts "$T/ns/uts"
	cfg '.hostname = "joined-uts"'
	run_ok 'hostname; readlink /proc/self/ns/uts'
	assert_eq "joined-uts" "${OUT%%$'\n'*}" "hostname in the container"
	assert_eq "uts:[$(stat -L -c %i "$T/ns/uts")]" "${OUT##*$'\n'}" "uts namespace"
	assert_eq "joined-uts" "$(nsenter --uts="$T/ns/uts" hostname)" "hostname of the joined namespace"
	assert_eq "$host" "$(hostname)" "the host's hostname"
}

nook_specific test_hostname_in_runtime_uts_ns_refused
test_hostname_in_runtime_uts_ns_refused() {
	local host
	host=$(hostname)
	add_ns uts /proc/self/ns/uts
	cfg '.hostname = "not-the-host"'
	run_sh true
	assert_failed
	assert_contains "$ERR" "hostname: set, but the container has no uts namespace of its own (linux.namespaces[4].path /proc/self/ns/uts is the runtime's own)"
	assert_eq "$host" "$(hostname)" "the host's hostname"
}

harness_main "$@"
