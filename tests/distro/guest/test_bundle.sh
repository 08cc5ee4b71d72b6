# (a) the runtime alone under systemd as PID 1 (issue 11 point 4): a plain
# bundle with no cgroupsPath and no --systemd-cgroup is run with the
# cgroupfs driver on the pure cgroup v2 hierarchy systemd mounted; the
# container sees its own cgroup (cgroup namespace) with the pids limit of
# config.json, and delete leaves no cgroup behind (config-linux.md,
# "Control groups": with no cgroupsPath the runtime picks one).

test_plain_bundle_cgroupfs_under_systemd() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || fail "/sys/fs/cgroup is not cgroup v2"
	[ "$(readlink /proc/1/exe)" = /usr/lib/systemd/systemd ] || fail "PID 1 is not systemd"
	local b=/tmp/bundle-plain id=distro-plain out
	make_bundle "$b" '["sh", "-c", "echo hello; cat /sys/fs/cgroup/pids.max; cat /proc/self/cgroup"]'
	out=$("$RT" run --bundle "$b" "$id")
	echo "$out"
	"$RT" delete -f "$id" 2>/dev/null || true
	assert_eq "first line" hello "$(sed -n 1p <<<"$out")"
	assert_eq "pids.max inside" 20 "$(sed -n 2p <<<"$out")"
	assert_eq "cgroup inside (cgroup namespace)" "0::/" "$(sed -n 3p <<<"$out")"
	# nothing left: no state, no cgroup named after the container
	if "$RT" state "$id" >/dev/null 2>&1; then fail "state of $id left after delete"; fi
	local left
	left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "*$id*")
	[ -z "$left" ] || fail "cgroup left after delete: $left"
	rm -rf "$b"
}

test_plain_bundle_create_start_kill_delete() {
	local b=/tmp/bundle-life id=distro-life pid cg
	make_bundle "$b" '["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.2; done"]'
	run_ok "$RT" create --bundle "$b" "$id"
	pid=$("$RT" state "$id" | jq -r .pid)
	cg=$(cut -d: -f3 </proc/"$pid"/cgroup)
	echo "cgroup of the container: $cg"
	[ -f "/sys/fs/cgroup$cg/pids.max" ] || fail "no cgroup v2 dir /sys/fs/cgroup$cg"
	assert_eq "pids.max" 20 "$(cat "/sys/fs/cgroup$cg/pids.max")"
	run_ok "$RT" start "$id"
	assert_eq status running "$("$RT" state "$id" | jq -r .status)"
	run_ok "$RT" kill "$id" TERM
	wait_until 20 sh -c "[ \"\$($RT state $id | jq -r .status)\" = stopped ]" || fail "not stopped 20 s after SIGTERM"
	run_ok "$RT" delete "$id"
	[ ! -d "/sys/fs/cgroup$cg" ] || fail "cgroup /sys/fs/cgroup$cg left after delete"
	rm -rf "$b"
}
