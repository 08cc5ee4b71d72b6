#!/bin/bash
# `nook job --network bridge` (issue 14, point 6): the job gets eth0, a veth
# into the host bridge nook0, with an address of 10.77.0.0/24 and a default
# route through the bridge's address 10.77.0.1; two jobs reach each other
# and the bridge; the veth and the lease go when the job ends, also when
# nook job is SIGKILLed (its keeper releases the lease). The runner itself:
# test_cni.sh. nook leaves nook0 for the next job (docs/design.md, "nook
# job's bridge network"); each test deletes it, and the lease folder
# /run/nook-cni, if the test made them. The host's ip_forward is not written.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

BRIDGE=nook0
LEASES=/run/nook-cni/nook

job() {
	RC=0
	timeout -k 5 60 "$NOOK" --root "$STATE" job "$@" </dev/null >"$T/stdout" 2>"$T/stderr" || RC=$?
	OUT=$(cat "$T/stdout")
	ERR=$(cat "$T/stderr")
	echo "job: exit $RC" >&2
	[ -z "$OUT" ] || printf 'job stdout: %s\n' "$OUT" >&2
	[ -z "$ERR" ] || printf 'job stderr: %s\n' "$ERR" >&2
}

leases() { { find "$LEASES" -maxdepth 1 -name '10.77.0.*' -printf '%f\n' 2>/dev/null || true; } | sort | xargs; }
ports() { { ls "/sys/class/net/$BRIDGE/brif" 2>/dev/null || true; } | xargs; }

# net_setup: skip without the plugins; the bridge and the lease folder are
# removed at the end if they were not there before. What jobs of others
# hold (a bridge that was there) is the baseline of the checks.
net_setup() {
	local p
	for p in bridge host-local; do
		[ -x "/usr/lib/cni/$p" ] ||
			skip "/usr/lib/cni/$p is missing (Debian: apt-get install containernetworking-plugins)"
	done
	if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
		on_exit 'ip link del "$BRIDGE" 2>/dev/null || true'
	fi
	if [ ! -e /run/nook-cni ]; then
		on_exit 'rm -rf /run/nook-cni'
	fi
	LEASES_BEFORE=$(leases)
	PORTS_BEFORE=$(ports)
	FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)
}

# nothing_left: no state, the bridge's ports and leases as before, and
# ip_forward as it was.
nothing_left() {
	local left
	left=$(ls -A "$STATE" 2>/dev/null || true)
	[ -z "$left" ] || fail "left in the state root: $left"
	assert_eq "$PORTS_BEFORE" "$(ports)" "the ports of $BRIDGE"
	assert_eq "$LEASES_BEFORE" "$(leases)" "the leases"
	assert_eq "$FORWARD_BEFORE" "$(cat /proc/sys/net/ipv4/ip_forward)" "the host's ip_forward"
}

test_bridge_gives_eth0_an_address_and_a_route() {
	net_setup
	job --rootfs "$ROOTFS" --network bridge -- sh -c 'ip -o -4 addr show dev eth0; ip route'
	assert_ok
	assert_match "$OUT" 'inet 10\.77\.0\.([2-9]|[1-9][0-9]+)/24 ' "the job's eth0"
	assert_contains "$OUT" "default via 10.77.0.1 dev eth0" "the job's routes"
	assert_contains "$(ip -o -4 addr show dev "$BRIDGE")" "inet 10.77.0.1/24 " "the bridge's address"
	nothing_left
}

# The address comes before the job's command runs: the first thing it does
# can use the network.
test_two_jobs_reach_each_other_and_the_bridge() {
	net_setup
	local port=$((20000 + RANDOM % 20000)) a i
	mkdir "$T/shared"
	# nc -l gives up when its stdin (/dev/null) ends: the connection goes to -e's program
	printf '#!/bin/sh\ncat >/shared/got\n' >"$T/shared/recv"
	chmod +x "$T/shared/recv"
	"$NOOK" --root "$STATE" job --rootfs "$ROOTFS" --network bridge --timeout 30 \
		--bind "$T/shared:/shared" -- sh -c "
		ip -o -4 addr show dev eth0 | sed 's/.*inet \([0-9.]*\).*/\1/' >/shared/a.new
		mv /shared/a.new /shared/a
		nc -l -p $port -e /shared/recv" </dev/null >"$T/a.out" 2>&1 &
	local job_a=$!
	on_exit "kill $job_a 2>/dev/null || true"
	for ((i = 0; i < 200; i++)); do
		[ -s "$T/shared/a" ] && break
		sleep 0.05
	done
	a=$(cat "$T/shared/a")
	assert_match "$a" '^10\.77\.0\.[0-9]+$' "job A's address"
	# the bridge's address reaches job A (the host's side of the bridge)
	busybox ping -c 1 -W 5 "$a" >&2 || fail "the host cannot reach job A at $a"
	# job B reaches job A, and a listener on the bridge's address
	# (busybox nc cannot bind to one address; the host's other addresses stay out of it)
	python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.1", int(sys.argv[1])))
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
sys.stdout.write(c.makefile().read())' $((port + 1)) >"$T/host_got" &
	local listener=$!
	on_exit "kill $listener 2>/dev/null || true"
	sleep 0.2
	job --rootfs "$ROOTFS" --network bridge -- sh -c "
		echo from-b | nc -w 5 $a $port && echo sent-to-a
		echo to-bridge | nc -w 5 10.77.0.1 $((port + 1)) && echo sent-to-bridge"
	assert_ok
	assert_eq "sent-to-a
sent-to-bridge" "$OUT" "job B's output"
	wait "$job_a" || fail "job A exited $?: $(cat "$T/a.out")"
	assert_eq from-b "$(cat "$T/shared/got")" "what job A received from job B"
	wait "$listener" || true
	assert_eq to-bridge "$(cat "$T/host_got")" "what the bridge's address received from job B"
	nothing_left
}

# issue 14, point 5 with a bridge: nook job SIGKILLed; its keeper deletes the
# job, the namespace goes and takes the veth, and the lease is released.
test_sigkill_of_a_bridge_job_releases_its_address() {
	net_setup
	local pid i
	"$NOOK" --root "$STATE" job --rootfs "$ROOTFS" --network bridge -- sleep 402 \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		[ "$(leases)" != "$LEASES_BEFORE" ] && [ "$(ports)" != "$PORTS_BEFORE" ] && break
		sleep 0.05
	done
	sleep 0.2 # started: the address is there before the job's command
	assert_ne "$LEASES_BEFORE" "$(leases)" "the leases while the job runs"
	assert_ne "$PORTS_BEFORE" "$(ports)" "the ports of $BRIDGE while the job runs"
	kill -KILL "$pid"
	wait "$pid" || true
	for ((i = 0; i < 60; i++)); do
		[ -z "$(ls -A "$STATE")" ] && [ "$(leases)" = "$LEASES_BEFORE" ] &&
			[ "$(ports)" = "$PORTS_BEFORE" ] && break
		sleep 0.05
	done
	nothing_left
}

# issue 14, point 7 with a bridge: 20 jobs at once (their plugin runs
# serialised by nook's lock) get 20 different addresses, and leave nothing.
test_twenty_bridge_jobs_at_once() {
	net_setup
	local i pids=()
	mkdir "$T/out"
	for ((i = 0; i < 20; i++)); do
		timeout -k 5 60 "$NOOK" --root "$STATE" job --rootfs "$ROOTFS" --network bridge \
			--bind "$T/out:/out" -- sh -c "ip -o -4 addr show dev eth0 >/out/$i" \
			</dev/null >"$T/job$i.log" 2>&1 &
		pids+=($!)
	done
	for ((i = 0; i < 20; i++)); do
		wait "${pids[$i]}" || fail "job $i exited $?: $(cat "$T/job$i.log")"
	done
	local addrs
	addrs=$(cat "$T"/out/* | sed 's/.*inet \([0-9.]*\)\/24 .*/\1/' | sort -u)
	assert_eq 20 "$(wc -l <<<"$addrs")" "different addresses of 20 jobs: $(xargs <<<"$addrs")"
	assert_no_match "$(xargs <<<"$addrs")" '[^0-9. ]' "the addresses"
	nothing_left
}

# The bridge stays for the next job (it is the host's from then on, as
# docker0 or cni-podman0): removing it when the last job leaves would race
# with the next job's ADD.
nook_specific test_bridge_stays
test_bridge_stays() {
	net_setup
	job --rootfs "$ROOTFS" --network bridge -- true
	assert_ok
	ip link show "$BRIDGE" >/dev/null || fail "$BRIDGE is gone"
	nothing_left
}

nook_specific test_bad_network_mode
test_bad_network_mode() {
	job --rootfs "$ROOTFS" --network bridged -- true
	assert_exit 125
	assert_error_line '--network' 'expected none, host or bridge'
}

harness_main "$@"
