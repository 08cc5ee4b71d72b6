#!/bin/bash
# linux.netDevices (config-linux.md, "Network Devices"). The host's own
# interfaces are never touched: each test makes a scratch network namespace
# (new_netns_file), a veth pair inside it, and runs nook there (nsenter
# --net), so that namespace is the runtime's "host" one.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

# scratch_netns [BRD]: the scratch namespace with the veth pair nd0
# (10.99.0.1/24, with broadcast BRD if given, and a link-scope address that
# must not follow it) / nd1, and $NOOK
# switched to a wrapper that runs the runtime in it.
scratch_netns() {
	new_netns_file
	in_ns ip link add nd0 type veth peer name nd1
	in_ns ip addr add 10.99.0.1/24 ${1:+brd "$1"} dev nd0
	in_ns ip addr add 10.98.0.1/24 scope link dev nd0
	in_ns ip link set nd0 up
	printf '#!/bin/sh\nexec nsenter --net=%s %s "$@"\n' "$T/ns/net" "$NOOK" >"$T/nook-in-ns"
	chmod +x "$T/nook-in-ns"
	NOOK=$T/nook-in-ns
}

in_ns() { nsenter --net="$T/ns/net" "$@"; }

ns_links() { in_ns ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' '; }

test_moved_renamed_with_global_address_and_up() {
	scratch_netns 10.99.0.254
	cfg '.linux.netDevices = {"nd0": {"name": "ctr0"}}'
	run_ok 'ls /sys/class/net | tr "\n" " "; echo; cat /sys/class/net/ctr0/flags; ip -o addr show dev ctr0'
	local lines
	mapfile -t lines <<<"$OUT"
	assert_eq "ctr0 lo " "${lines[0]}" "the container's devices"
	assert_eq 1 $((lines[1] & 1)) "IFF_UP of ctr0 (flags ${lines[1]}): 'MUST set ... up'"
	# permanent, global scope: kept; the link-scope one is not (RFC 3549 2.3.3.2)
	assert_match "$OUT" 'inet 10\.99\.0\.1/24 brd 10\.99\.0\.254 ' "ctr0's addresses"
	assert_not_contains "$OUT" "10.98.0.1" "ctr0's addresses (a link-scope one)"
	# Gone with the container's namespace: a veth is destroyed, with its
	# peer (network_namespaces(7)); nook does not move it back ("MUST NOT
	# attempt to move the interface out of the namespace"). The kernel frees
	# a namespace in a work queue, a moment after its last process.
	local i links
	for ((i = 0; i < 100; i++)); do
		links=$(ns_links)
		[ "$links" = "lo " ] && break
		sleep 0.05
	done
	assert_eq "lo " "$links" "the scratch namespace's devices after delete"
}

test_same_name_when_name_is_absent() {
	scratch_netns
	cfg '.linux.netDevices = {"nd0": {}}'
	run_ok 'ls /sys/class/net | tr "\n" " "'
	assert_eq "lo nd0 " "$OUT" "the container's devices"
}

test_name_template_resolved_by_kernel() {
	scratch_netns
	# "%d": the kernel picks a free name; the address still follows
	cfg '.linux.netDevices = {"nd0": {"name": "eth%d"}}'
	run_ok 'ls /sys/class/net | tr "\n" " "; echo; ip -o addr show dev eth0'
	assert_match "$OUT" '^eth0 lo '$'\n' "the container's devices"
	assert_match "$OUT" 'inet 10\.99\.0\.1/24 ' "eth0's addresses"
	assert_not_contains "$OUT" "brd" "eth0's addresses (none was given)"
}

test_into_user_namespace_container() {
	scratch_netns
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.netDevices = {"nd0": {"name": "u0"}}'
	run_ok 'ls /sys/class/net | tr "\n" " "; echo; ip -o addr show dev u0'
	assert_match "$OUT" '^lo u0 '$'\n' "the container's devices"
	assert_match "$OUT" 'inet 10\.99\.0\.1/24 ' "u0's addresses"
}

# A network namespace joined by path: the devices go there, and stay with
# it after the container is deleted (its owner manages them, config-linux.md).
test_into_joined_namespace() {
	scratch_netns
	touch "$T/ns/ctr"
	unshare --net="$T/ns/ctr" true
	on_exit 'umount "$T/ns/ctr"'
	cfg '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)
	   | .linux.netDevices = {"nd0": {"name": "j0"}}' --arg p "$T/ns/ctr"
	run_ok 'ls /sys/class/net | tr "\n" " "'
	assert_eq "j0 lo " "$OUT" "the container's devices"
	assert_eq "lo nd1 " "$(ns_links)" "the scratch namespace's devices"
	nsenter --net="$T/ns/ctr" ip -o addr show dev j0 >"$T/addr"
	assert_match "$(cat "$T/addr")" 'inet 10\.99\.0\.1/24' "j0's address in the joined namespace"
}

test_kept_while_container_lives() {
	scratch_netns
	cfg '.linux.netDevices = {"nd0": {"name": "eth0"}}'
	set_args sleep 100
	RC=0
	"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$ID" </dev/null || RC=$?
	assert_ok
	on_exit '"$NOOK" --root "$STATE" delete --force "$ID"'
	assert_eq "lo nd1 " "$(ns_links)" "the scratch namespace's devices while the container lives"
	local pid
	pid=$("$NOOK" --root "$STATE" state "$ID" | jq -r .pid)
	assert_eq "eth0 lo " "$(nsenter --net=/proc/"$pid"/ns/net ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')" "the container's devices"
}

nook_specific test_missing_device_named
test_missing_device_named() {
	scratch_netns
	cfg '.linux.netDevices = {"nosuch0": {}}'
	run_sh true
	assert_failed
	assert_error_line 'linux\.netDevices\["nosuch0"\]: no device "nosuch0"'
	assert_eq "lo nd0 nd1 " "$(ns_links)" "the scratch namespace's devices"
}

nook_specific test_name_taken_in_container
test_name_taken_in_container() {
	scratch_netns
	# "MUST generate an error" when the name exists there; lo always does
	cfg '.linux.netDevices = {"nd0": {"name": "lo"}}'
	run_sh true
	assert_failed
	assert_error_line 'linux\.netDevices\["nd0"\]: a device named "lo" is already in the container'
	assert_eq "lo nd0 nd1 " "$(ns_links)" "the scratch namespace's devices"
	in_ns ip -o addr show dev nd0 >"$T/addr"
	assert_match "$(cat "$T/addr")" 'inet 10\.99\.0\.1/24' "nd0's address, untouched"
}

nook_specific test_needs_network_namespace
test_needs_network_namespace() {
	scratch_netns
	cfg '.linux.netDevices = {"nd0": {}} | .linux.namespaces |= map(select(.type != "network"))'
	run_sh true
	assert_failed
	assert_error_line 'linux\.netDevices: needs a network namespace'
	assert_eq "lo nd0 nd1 " "$(ns_links)" "the scratch namespace's devices"
}

nook_specific test_two_devices_one_name
test_two_devices_one_name() {
	scratch_netns
	cfg '.linux.netDevices = {"nd0": {"name": "x0"}, "nd1": {"name": "x0"}}'
	run_sh true
	assert_failed
	assert_error_line 'linux\.netDevices\["nd1"\]\.name: "x0" is also the name of linux\.netDevices\["nd0"\]'
	assert_eq "lo nd0 nd1 " "$(ns_links)" "the scratch namespace's devices"
}

nook_specific test_invalid_name
test_invalid_name() {
	scratch_netns
	cfg '.linux.netDevices = {"nd0": {"name": "a/b"}}'
	run_sh true
	assert_failed
	assert_error_line 'linux\.netDevices\["nd0"\]\.name: "a/b": not a valid interface name'
}

harness_main "$@"
