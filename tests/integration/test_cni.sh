#!/bin/bash
# nook's CNI runner (src/container/cni.c), the bridge network of `nook job
# --network bridge` (issue 14, point 6), driven through tests/lib/cni_run.c
# (built here against build/libnook.a) with Debian's plugins
# (containernetworking-plugins, /usr/lib/cni). The protocol: the CNI
# specification 1.0.0 (SPEC.md: ADD, DEL, the result and error objects).
#
# Every test uses a bridge and a subnet of its own (not nook0 nor
# 10.77.0.0/24, which jobs use), a lease folder under $T, and network
# namespaces it makes (bind mounts under $T/ns); the bridge is deleted at
# the end. The host's ip_forward is never written (test_forwarding_left_alone).
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

PLUGINS=/usr/lib/cni

# cni_setup: skip without the plugins; $CNI (the runner), $BR, $SUBNET
# (10.78.N.0/24: $NET is "10.78.N"), $DATA.
cni_setup() {
	local p
	for p in bridge host-local; do
		[ -x "$PLUGINS/$p" ] ||
			skip "$PLUGINS/$p is missing (Debian: apt-get install containernetworking-plugins)"
	done
	local lib
	lib=$(dirname "$NOOK")/libnook.a
	[ -f "$lib" ] || fail "$lib is missing: the runner is linked against it (make)"
	# shellcheck disable=SC2046 # pkg-config's words are separate flags
	cc -std=gnu17 -D_GNU_SOURCE -I"$HARNESS_REPO/include" -I"$HARNESS_REPO/src" \
		$(pkg-config --cflags yajl) -o "$T/cni_run" "$HARNESS_REPO/tests/lib/cni_run.c" "$lib" \
		$(pkg-config --libs yajl libseccomp libcap libcgroup libsystemd) ||
		fail "cannot build tests/lib/cni_run.c"
	BR=nkt$((RANDOM % 100000))
	NET=10.78.$((RANDOM % 200 + 20))
	SUBNET=$NET.0/24
	DATA=$T/cni
	! ip link show "$BR" >/dev/null 2>&1 || skip "a bridge $BR is there already"
	on_exit 'ip link del "$BR" 2>/dev/null || true'
	mkdir "$T/ns"
	mount --bind "$T/ns" "$T/ns"
	on_exit 'umount -l "$T/ns"'
	mount --make-private "$T/ns"
}

# mk_ns NAME: a network namespace at $T/ns/NAME, lo up.
mk_ns() {
	touch "$T/ns/$1"
	unshare --net="$T/ns/$1" ip link set lo up
	on_exit "umount '$T/ns/$1' 2>/dev/null || true"
}

in_ns() {
	local ns=$1
	shift
	nsenter --net="$T/ns/$ns" "$@"
}

# cni ADD|DEL ID NETNS: sets RC, OUT, ERR.
cni() {
	RC=0
	timeout -k 5 60 "$T/cni_run" "$1" "$2" "$3" eth0 "$BR" "$SUBNET" "$DATA" "${@:4}" \
		>"$T/stdout" 2>"$T/stderr" || RC=$?
	OUT=$(cat "$T/stdout")
	ERR=$(cat "$T/stderr")
	echo "cni $*: exit $RC, out '$OUT', err '$ERR'" >&2
}

leases() { find "$DATA/nook" -maxdepth 1 -name "$NET.*" -printf '%f ' 2>/dev/null || true; }

test_add_gives_an_address_and_del_takes_it_back() {
	cni_setup
	mk_ns a
	cni add job-a "$T/ns/a"
	assert_ok
	local addr gw mac veth
	read -r addr gw mac veth <<<"$OUT"
	assert_match "$addr" "^${NET//./\\.}\.([2-9]|[1-9][0-9]+)/24$" "the address ADD gave"
	assert_eq "$NET.1" "$gw" "the gateway"
	# inside: eth0 has it, with that mac, and the default route is the bridge
	assert_contains "$(in_ns a ip -o addr show dev eth0)" "inet $addr " "eth0 in the namespace"
	assert_contains "$(in_ns a ip -o link show dev eth0)" "link/ether $mac " "eth0's mac"
	assert_contains "$(in_ns a ip route show default)" "via $gw dev eth0" "the default route"
	# outside: the bridge holds the gateway, the veth is its port
	assert_contains "$(ip -o addr show dev "$BR")" "inet $gw/24 " "the bridge's address"
	assert_eq "$BR" "$(basename "$(readlink "/sys/class/net/$veth/master")")" "$veth's master"
	assert_eq "${addr%/*} " "$(leases)" "the leases"
	# DEL: the veth, eth0 and the lease go
	cni del job-a "$T/ns/a"
	assert_ok
	! ip link show "$veth" >/dev/null 2>&1 || fail "$veth is still there after DEL"
	assert_eq "lo" "$(in_ns a ip -o link show | awk -F': ' '{print $2}' | xargs)" "the namespace's links"
	assert_eq "" "$(leases)" "the leases after DEL"
	# a second DEL: nothing to do, no error (SPEC.md: DEL "should not return an error" then)
	cni del job-a "$T/ns/a"
	assert_ok
}

test_two_namespaces_reach_each_other_and_the_bridge() {
	cni_setup
	mk_ns a
	mk_ns b
	cni add job-a "$T/ns/a"
	assert_ok
	local a=${OUT%%/*}
	cni add job-b "$T/ns/b"
	assert_ok
	local b=${OUT%%/*}
	assert_ne "$a" "$b" "the two addresses"
	in_ns a busybox ping -c 1 -W 5 "$b" >&2 || fail "a cannot reach b ($b)"
	in_ns b busybox ping -c 1 -W 5 "$a" >&2 || fail "b cannot reach a ($a)"
	in_ns a busybox ping -c 1 -W 5 "$NET.1" >&2 || fail "a cannot reach the bridge"
	in_ns b busybox ping -c 1 -W 5 "$NET.1" >&2 || fail "b cannot reach the bridge"
	cni del job-a "$T/ns/a"
	assert_ok
	cni del job-b "$T/ns/b"
	assert_ok
	assert_eq "" "$(leases)" "the leases after both DELs"
}

# The job's namespace gone first (the job died): DEL releases the lease;
# the kernel took the veth with the namespace.
test_del_after_the_namespace_is_gone() {
	cni_setup
	mk_ns a
	cni add job-a "$T/ns/a"
	assert_ok
	local veth
	veth=$(awk '{print $4}' <<<"$OUT")
	umount "$T/ns/a"
	local i
	for ((i = 0; i < 100; i++)); do
		ip link show "$veth" >/dev/null 2>&1 || break
		sleep 0.05
	done
	! ip link show "$veth" >/dev/null 2>&1 || fail "$veth outlived its namespace"
	assert_ne "" "$(leases)" "the lease before DEL"
	cni del job-a "$T/ns/a" # the path is a plain file now
	assert_ok
	assert_eq "" "$(leases)" "the leases after DEL"
	cni del job-a - # no namespace at all
	assert_ok
	rm "$T/ns/a"
	cni del job-a "$T/ns/a" # no such file
	assert_ok
}

# isGateway makes the bridge plugin write 1 to /proc/sys/net/ipv4/ip_forward;
# nook masks that file in the plugin's mount namespace (cni.c): forwarding
# is the host's choice.
test_forwarding_left_alone() {
	cni_setup
	local before
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	[ "$before" = 0 ] || skip "the host forwards IPv4 already: a write of 1 would not show"
	mk_ns a
	cni add job-a "$T/ns/a"
	assert_ok
	assert_eq 0 "$(cat /proc/sys/net/ipv4/ip_forward)" "the host's ip_forward after ADD"
	cni del job-a "$T/ns/a"
	assert_ok
}

nook_specific test_refused_namespaces
test_refused_namespaces() {
	cni_setup
	cni add job-a /proc/self/ns/net
	assert_exit 1
	assert_contains "$ERR" "network namespace /proc/self/ns/net is nook's own"
	cni add job-a /proc/self/ns/mnt
	assert_exit 1
	assert_contains "$ERR" "/proc/self/ns/mnt is not a network namespace"
	cni add job-a "$T/nosuch"
	assert_exit 1
	assert_contains "$ERR" "open network namespace $T/nosuch: No such file or directory"
	! ip link show "$BR" >/dev/null 2>&1 || fail "the bridge was made for a refused ADD"
}

# fake_plugins SCRIPT: a plugin folder whose `bridge` is SCRIPT.
fake_plugins() {
	mkdir -p "$T/plugins"
	printf '#!/bin/sh\n%s\n' "$1" >"$T/plugins/bridge"
	cp "$T/plugins/bridge" "$T/plugins/host-local"
	chmod +x "$T/plugins/bridge" "$T/plugins/host-local"
}

nook_specific test_plugin_error_and_deadline
test_plugin_error_and_deadline() {
	cni_setup
	mk_ns a
	# the error object of SPEC.md, with the environment the plugin saw
	fake_plugins 'cat >/dev/null
echo "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"no luck\",\"details\":\"$CNI_COMMAND $CNI_CONTAINERID $CNI_IFNAME $CNI_PATH ${CNI_NETNS:+netns} $(env | wc -l)\"}"
exit 1'
	cni add job-a "$T/ns/a" "$T/plugins"
	assert_exit 1
	# 6 variables: CNI_COMMAND, _CONTAINERID, _NETNS, _IFNAME, _PATH, PATH (and sh's PWD)
	assert_eq "cni_run: CNI plugin $T/plugins/bridge ADD: no luck: ADD job-a eth0 $T/plugins netns 7 (CNI error code 11)" "$ERR"
	# a plugin that hangs is killed at the deadline, with what it forked
	fake_plugins 'sleep 300 & exec sleep 301'
	local start=$SECONDS
	cni add job-a "$T/ns/a" "$T/plugins" 1
	assert_exit 1
	assert_contains "$ERR" "CNI plugin $T/plugins/bridge ADD: timed out after 1s"
	[ $((SECONDS - start)) -lt 10 ] || fail "the deadline of 1 s took $((SECONDS - start)) s (ADD, then DEL)"
}

# A real container's namespace: what the job sees is an address and a
# route to the bridge.
test_in_a_container() {
	cni_setup
	set_caps CAP_NET_RAW CAP_KILL
	set_args sleep 100
	RC=0
	"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$ID" </dev/null || RC=$?
	assert_ok
	on_exit '"$NOOK" --root "$STATE" delete --force "$ID"'
	local pid
	pid=$("$NOOK" --root "$STATE" state "$ID" | jq -r .pid)
	# between create and start, as nook job does
	cni add "$ID" "/proc/$pid/ns/net"
	assert_ok
	local addr=${OUT%% *}
	"$NOOK" --root "$STATE" start "$ID"
	local out
	out=$("$NOOK" --root "$STATE" exec "$ID" sh -c 'ip -o addr show dev eth0; ping -c 1 -W 5 '"$NET.1")
	assert_contains "$out" "inet $addr " "eth0 in the container"
	assert_contains "$out" "1 packets received" "ping of the bridge from the container"
	cni del "$ID" "/proc/$pid/ns/net"
	assert_ok
	assert_eq "" "$(leases)" "the leases after DEL"
}

harness_main "$@"
