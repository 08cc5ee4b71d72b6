#!/bin/bash
# state.json is data, not proof (issue 9). A pid is the container's init
# only with the start time create recorded next to it; a cgroup directory is
# the container's only where it is the one planned from the pinned config in
# a hierarchy mounted here. Each test tampers with a container's state.json
# to point nook at a decoy the TEST started (a sleep outside any container,
# a cgroup the test made itself outside nook's plan) and proves that kill
# and delete leave the decoy alone. Class: CWE-345 (insufficient
# verification of data authenticity) / CWE-283 (unverified ownership); the
# pid case is pid reuse, which runc and crun guard against with the start
# time too.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_cgroup_outside_plan_is_a_warning

# start_long: a running container whose init loops; REAL is its pid.
start_long() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	REAL=$(init_pid)
}

# start_decoy: a process of the test's own, outside any container (its
# argv[0] names $T, so the harness would see it if it were left); DECOY.
start_decoy() {
	(exec -a "nook-decoy-$T" sleep 1000) &
	DECOY=$!
	on_exit "kill -9 $DECOY 2>/dev/null; wait $DECOY 2>/dev/null || true"
	alive "$DECOY" || fail "the decoy did not start"
}

# tamper JQ-FILTER [jq args...]: rewrite the container's state.json.
tamper() {
	local filter=$1
	shift
	jq "$@" "$filter" "$STATE/$ID/state.json" >"$T/state.new" || fail "jq $filter"
	cp "$T/state.new" "$STATE/$ID/state.json"
}

# A state.json without nookStartTime made nook trust its pid: `kill` sent
# the signal to whatever process had it, `delete --force` SIGKILLed it and
# then waited forever for a process that is not its child to go.
test_pid_without_start_time_is_not_the_init() {
	start_long
	start_decoy
	tamper '.pid = $p | del(.nookStartTime)' --argjson p "$DECOY"
	assert_eq stopped "$(status)" "status with a pid but no start time"
	nk state "$ID"
	assert_ok
	assert_eq 0 "$(jq -r ".pid // 0" <<<"$OUT")" "pid shown for a stopped container"
	nk kill "$ID" KILL
	assert_failed
	assert_contains "$ERR" "is not running"
	alive "$DECOY" || fail "nook kill signalled the decoy (pid $DECOY) named in state.json"
	HARNESS_TIMEOUT=15 nk delete --force "$ID"
	[ "$RC" -ne 124 ] || fail "delete --force hung (it waits for the decoy to die)"
	assert_ok
	alive "$DECOY" || fail "nook delete --force killed the decoy (pid $DECOY)"
	[ ! -e "$STATE/$ID" ] || fail "state dir left after delete --force"
	# the real init was in the container's cgroup: delete killed it there
	wait_gone "$REAL"
}

# The same with a plain delete: the decoy made the container look running.
test_delete_ignores_pid_without_start_time() {
	start_long
	start_decoy
	nk kill "$ID" KILL
	assert_ok
	wait_gone "$REAL"
	tamper '.pid = $p | del(.nookStartTime)' --argjson p "$DECOY"
	nk delete "$ID"
	assert_ok
	alive "$DECOY" || fail "nook delete killed the decoy (pid $DECOY)"
	[ ! -e "$STATE/$ID" ] || fail "state dir left after delete"
}

# A start time of 0, or one that is not the process's, is "not this container" too.
test_pid_with_other_start_time_is_not_the_init() {
	start_long
	start_decoy
	local t
	for t in 0 1 "$(awk '{print $22}' "/proc/$REAL/stat")"; do
		tamper '.pid = $p | .nookStartTime = $t' --argjson p "$DECOY" --argjson t "$t"
		assert_eq stopped "$(status)" "status with the decoy's pid and start time $t"
		nk kill "$ID" KILL
		assert_failed
		alive "$DECOY" || fail "nook kill signalled the decoy (start time $t in state.json)"
	done
	HARNESS_TIMEOUT=15 nk delete --force "$ID"
	assert_ok
	alive "$DECOY" || fail "nook delete --force killed the decoy"
	wait_gone "$REAL"
}

# decoy_cgroup: a cgroup of the test's own with the decoy in it, outside
# nook's plan: pids (v1) or the v2 root. Sets CG_HIER (as state.json names
# the hierarchy) and CG_DECOY.
decoy_cgroup() {
	if cgroup_v2; then
		CG_HIER=""
		CG_DECOY=/sys/fs/cgroup/nook-decoy-$ID
	else
		need_cgroup pids
		CG_HIER=pids
		CG_DECOY=/sys/fs/cgroup/pids/nook-decoy-$ID
	fi
	mkdir "$CG_DECOY"
	on_exit "rmdir $CG_DECOY 2>/dev/null || true"
	start_decoy
	echo "$DECOY" >"$CG_DECOY/cgroup.procs"
}

# decoy_untouched: the decoy lives, in its cgroup, which still exists.
decoy_untouched() {
	alive "$DECOY" || fail "nook killed the decoy (pid $DECOY) in the cgroup $CG_DECOY named in state.json"
	[ -d "$CG_DECOY" ] || fail "nook removed the cgroup $CG_DECOY named in state.json"
	grep -qx "$DECOY" "$CG_DECOY/cgroup.procs" || fail "the decoy is no longer in $CG_DECOY"
}

# put_first DIR-JSON: a directory in front of the container's own (kill
# --all takes the first, delete kills in the first one marked created).
put_first() {
	tamper '.nookCgroup.dirs = [$d] + .nookCgroup.dirs' --argjson d "$1"
}

# delete --force killed every process of the host cgroup state.json named
# and removed it.
test_delete_force_ignores_cgroup_outside_plan() {
	start_long
	decoy_cgroup
	put_first "$(jq -n --arg h "$CG_HIER" --arg p "$CG_DECOY" \
		'{hierarchy: $h, path: $p, created: true, createdDepth: 1}')"
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	assert_ok
	decoy_untouched
	wait_gone "$REAL"
}

# kill --all signalled the processes of the first cgroup directory.
test_kill_all_ignores_cgroup_outside_plan() {
	start_long
	decoy_cgroup
	put_first "$(jq -n --arg h "$CG_HIER" --arg p "$CG_DECOY" \
		'{hierarchy: $h, path: $p, created: false}')"
	nk kill --all "$ID" KILL
	assert_ok
	wait_gone "$REAL"
	decoy_untouched
	nk delete "$ID"
	assert_ok
	decoy_untouched
}

# Paths that end like the planned one but climb out of it, or sit under
# another hierarchy's mount, or name a hierarchy that is not mounted.
test_cgroup_paths_that_escape_are_ignored() {
	start_long
	decoy_cgroup
	local real_dir mount bad
	real_dir=$(jq -r --arg h "$CG_HIER" '.nookCgroup.dirs[] | select(.hierarchy == $h) | .path' \
		"$STATE/$ID/state.json")
	[ -n "$real_dir" ] || fail "no $CG_HIER directory in state.json"
	mount=${CG_DECOY%/*}
	for bad in "$CG_DECOY/../nook-decoy-$ID" "$CG_DECOY/." "$mount//nook-decoy-$ID" \
		"$real_dir/../nook-decoy-$ID" "$CG_DECOY/x/.." "$mount/nook-decoy-$ID/"; do
		put_first "$(jq -n --arg h "$CG_HIER" --arg p "$bad" \
			'{hierarchy: $h, path: $p, created: true, createdDepth: 1}')"
	done
	put_first "$(jq -n --arg p "$CG_DECOY" '{hierarchy: "nosuchcontroller", path: $p, created: true}')"
	nk kill --all "$ID" KILL
	assert_ok
	wait_gone "$REAL"
	decoy_untouched
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	assert_ok
	decoy_untouched
}

# createdDepth above the cgroupsPath: delete removed the parents "nook made"
# up to it, here the (empty) cgroup the creator ran in, which the test made.
test_created_depth_stops_at_cgroups_path() {
	cgroup_v2 && skip "needs a v1 pids hierarchy (on v2 a relative path goes next to the caller's cgroup)"
	need_cgroup pids
	local parent=/sys/fs/cgroup/pids/nook-parent-$ID
	mkdir "$parent"
	on_exit "rmdir $parent/$ID 2>/dev/null; rmdir $parent 2>/dev/null || true"
	set_args sh -c "$LONG_RUNNING"
	on_exit 'force_delete "$ID"'
	# create from inside $parent: the relative path (the id) goes below it
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$parent" \
		"$NOOK" --root "$STATE" run --detach --bundle "$BUNDLE" "$ID" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" || RC=$?
	ERR=$(cat "$T/ctr.err")
	assert_ok
	assert_eq "$parent/$ID" \
		"$(jq -r '.nookCgroup.dirs[] | select(.hierarchy == "pids") | .path' "$STATE/$ID/state.json")" \
		"the pids directory"
	tamper '(.nookCgroup.dirs[] | select(.hierarchy == "pids") | .createdDepth) = 2'
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	assert_ok
	[ ! -d "$parent/$ID" ] || fail "delete left the container's cgroup $parent/$ID"
	[ -d "$parent" ] || fail "delete removed $parent, above the container's cgroupsPath"
}

# The directory that is dropped is named in a warning.
test_cgroup_outside_plan_is_a_warning() {
	start_long
	decoy_cgroup
	put_first "$(jq -n --arg h "$CG_HIER" --arg p "$CG_DECOY" '{hierarchy: $h, path: $p, created: true}')"
	nk state "$ID"
	assert_ok
	assert_match "$ERR" "^nook: warning: container \"$ID\": state.json: nookCgroup: dirs\\[0\\]: \"$CG_DECOY\" is not the cgroup planned for the id" "stderr"
	assert_eq running "$(jq -r .status <<<"$OUT")" "status"
	decoy_untouched
}

harness_main "$@"
