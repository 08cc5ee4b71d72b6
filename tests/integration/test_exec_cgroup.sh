#!/bin/bash
# `nook exec --cgroup [CTRL[,CTRL]:]SUB` and `exec --ignore-paused`, as runc
# has them (runc's exec.go and tests/integration/exec.bats "runc exec --cgroup
# sub-cgroups [v1]", cgroups.bats "runc exec --ignore-paused"): the exec
# process joins an existing sub-cgroup of the container's, in every
# hierarchy or in those named; a path out of the container's cgroup or a
# missing one is refused; a paused container is refused unless
# --ignore-paused, and then the process runs once the container is resumed.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_exec_cgroup_refusals test_exec_paused_refused_without_flag \
	test_exec_cgroup_sub_in_some_hierarchies

# start_long: a running container whose init loops; PID is its pid.
start_long() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	PID=$(init_pid)
}

# The container's cgroup directories, one a line (each hierarchy once, also
# where two names lead to one, as cpu and cpu,cpuacct).
ctr_dirs() { cgroups_named "$ID" | xargs -r realpath | sort -u; }

# make_sub NAME [DIR...]: NAME under each DIR (default: every directory of
# the container's), removed when the test ends (before the delete).
make_sub() {
	local name=$1 d
	shift
	[ $# -gt 0 ] || mapfile -t sub_parents < <(ctr_dirs)
	[ $# -eq 0 ] || sub_parents=("$@")
	for d in "${sub_parents[@]}"; do
		mkdir "$d/$name" || fail "mkdir $d/$name"
		on_exit "[ ! -d '$d/$name' ] || rmdir '$d/$name'"
		# a new v1 cpuset has no CPUs and no memory nodes: no task may join
		if [ -e "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/$name/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/$name/cpuset.mems"
		fi
	done
}

# The line of a /proc/PID/cgroup text for a v1 controller ("" for v2).
line_of() { grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" <<<"$1" || true; }

test_exec_cgroup_sub_everywhere() {
	start_long
	make_sub sub
	nk exec --cgroup sub "$ID" cat /proc/self/cgroup
	assert_ok
	local n
	n=$(grep -c . <<<"$OUT")
	assert_eq "$n" "$(grep -c "/$ID/sub\$" <<<"$OUT")" "every hierarchy in /$ID/sub: $OUT"
	assert_eq "$(grep -c . "/proc/$PID/cgroup")" "$n" "one line per hierarchy"
	assert_eq 0 "$(grep -c /sub "/proc/$PID/cgroup")" "the init stays where it was"
	# "/" is the container's own directory, "./sub/" is sub
	nk exec --cgroup / "$ID" cat /proc/self/cgroup
	assert_ok
	assert_eq "$(cat "/proc/$PID/cgroup")" "$OUT" "--cgroup /"
	nk exec --cgroup ./sub/ "$ID" cat /proc/self/cgroup
	assert_ok
	assert_eq "$n" "$(grep -c "/$ID/sub\$" <<<"$OUT")" "--cgroup ./sub/: $OUT"
}

# On v1 a sub-cgroup made in a few hierarchies only: joined where it exists,
# the container's own directory elsewhere (crun's cgroup-v1-exec-cgroup-subpath
# makes it in one hierarchy; runc refuses).
test_exec_cgroup_sub_in_some_hierarchies() {
	need_cgroup pids
	cgroup_v2 && skip "one hierarchy on a pure v2 host"
	start_long
	make_sub part "$(cgroup_dir pids "$PID")"
	nk exec --cgroup part "$ID" cat /proc/self/cgroup
	assert_ok
	assert_match "$(line_of "$OUT" pids)" ":pids:/$ID/part\$" "pids"
	assert_eq 1 "$(grep -c /part <<<"$OUT")" "only the pids hierarchy: $OUT"
	assert_eq "$(line_of "$(cat "/proc/$PID/cgroup")" freezer)" "$(line_of "$OUT" freezer)" \
		"freezer: the container's own"
}

test_exec_cgroup_per_controller() {
	cgroup_v2 && skip "CONTROLLER:SUB names v1 hierarchies"
	need_cgroup pids
	need_cgroup memory
	start_long
	make_sub a "$(cgroup_dir pids "$PID")"
	make_sub b "$(cgroup_dir memory "$PID")"
	nk exec --cgroup pids:a --cgroup memory:b "$ID" cat /proc/self/cgroup
	assert_ok
	assert_match "$(line_of "$OUT" pids)" ":pids:/$ID/a\$" "pids"
	assert_match "$(line_of "$OUT" memory)" "/$ID/b\$" "memory"
	assert_eq "$(line_of "$(cat "/proc/$PID/cgroup")" freezer)" "$(line_of "$OUT" freezer)" \
		"freezer: the container's own"
	# one argument, two controllers
	make_sub c "$(cgroup_dir pids "$PID")" "$(cgroup_dir freezer "$PID")"
	nk exec --cgroup pids,freezer:c "$ID" cat /proc/self/cgroup
	assert_ok
	assert_match "$(line_of "$OUT" pids)" ":pids:/$ID/c\$" "pids"
	assert_match "$(line_of "$OUT" freezer)" ":freezer:/$ID/c\$" "freezer"
}

# delete --force kills what runs in a sub-cgroup and removes the sub-cgroups
# with the container's (runc's GetAllPids and RemovePath, crun).
test_delete_kills_and_removes_sub_cgroups() {
	start_long
	make_sub sub
	make_sub deeper "$(cgroup_dir pids "$PID")/sub"
	local dirs
	dirs=$(ctr_dirs)
	nk exec -d --pid-file "$T/exec.pid" --cgroup sub "$ID" sleep 1000
	assert_ok
	local pid
	pid=$(cat "$T/exec.pid")
	assert_match "$(cat "/proc/$pid/cgroup")" "/$ID/sub" "the exec process"
	nk delete --force "$ID"
	assert_ok
	wait_gone "$pid" 5 || fail "the exec process $pid in the sub-cgroup survived delete"
	local d
	while read -r d; do
		[ ! -e "$d" ] || fail "$d is left after delete"
	done <<<"$dirs"
}

# Refused before the process runs; the container runs on.
test_exec_cgroup_refusals() {
	need_cgroup pids
	start_long
	local arg
	# any "..", also one that stays inside (as crun; runc refuses those
	# that leave): ../$ID and sub/.. exist
	make_sub sub "$(cgroup_dir pids "$PID")"
	local args=("../$ID" "sub/../../$ID" .. sub/..)
	cgroup_v2 || args+=(pids:.. pids:sub/..)
	for arg in "${args[@]}"; do
		nk exec --cgroup "$arg" "$ID" sh -c 'echo ran'
		assert_failed
		assert_eq "" "$OUT" "the exec process must not run ($arg)"
		assert_contains "$ERR" "exec --cgroup $arg: bad sub-cgroup path: \`..\` components are not allowed"
	done
	nk exec --cgroup nosuch "$ID" sh -c 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the exec process must not run (nosuch)"
	assert_contains "$ERR" "exec --cgroup nosuch: no sub-cgroup "
	assert_contains "$ERR" "/$ID/nosuch"
	if ! cgroup_v2; then
		nk exec --cgroup pids:nosuch "$ID" sh -c 'echo ran'
		assert_failed
		assert_contains "$ERR" "exec --cgroup pids:nosuch: no sub-cgroup $(cgroup_dir pids "$PID")/nosuch"
	fi
	nk exec --cgroup whaaat:/ "$ID" true
	assert_failed
	assert_contains "$ERR" "unknown controller whaaat"
	nk exec --cgroup a --cgroup b "$ID" true
	assert_failed
	assert_contains "$ERR" "missing CONTROLLER: prefix"
	nk exec --cgroup :a "$ID" true
	assert_failed
	assert_contains "$ERR" "empty CONTROLLER prefix"
	assert_eq running "$(status)" "the container after refused execs"
	assert_eq "" "$(grep -l "sh -c echo ran" /proc/[0-9]*/cmdline 2>/dev/null || true)" \
		"no exec process left"
}

test_exec_paused_refused_without_flag() {
	need_cgroup freezer
	start_long
	nk pause "$ID"
	assert_ok
	on_exit '"$NOOK" --root "$STATE" resume "$ID" >/dev/null 2>&1 || true'
	nk exec "$ID" sh -c 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the exec process must not run"
	assert_contains "$ERR" "cannot exec in a paused container (use --ignore-paused to override)"
	assert_eq paused "$(status)"
}

# runc: the process joins the frozen cgroup and runs once resumed.
test_exec_ignore_paused_runs_after_resume() {
	need_cgroup freezer
	start_long
	nk pause "$ID"
	assert_ok
	on_exit '"$NOOK" --root "$STATE" resume "$ID" >/dev/null 2>&1 || true'
	date +%s%N >"$T/start"
	(
		sleep 1
		date +%s%N >"$T/resumed"
		"$NOOK" --root "$STATE" resume "$ID"
	) &
	local resumer=$!
	nk exec --ignore-paused "$ID" sh -c 'echo ok'
	wait "$resumer" || fail "resume failed"
	assert_ok
	assert_eq ok "$OUT"
	[ "$(date +%s%N)" -ge "$(cat "$T/resumed")" ] || fail "exec returned before the resume"
	assert_eq running "$(status)"
}

harness_main "$@"
