# shellcheck shell=bash
# The systemd cgroup driver (issue 11 point 1) under a real systemd as PID 1
# on pure cgroup v2: `nook --systemd-cgroup` with linux.cgroupsPath
# "slice:prefix:name" (runc's systemd.md) makes the transient scope
# prefix-name.scope in the slice, with Delegate=yes and the limits as unit
# properties and in cgroupfs; update, pause/resume, kill --all, exec and
# delete work through it; delete removes the unit; bad input leaves nothing.
# Sourced with lib.sh (make_bundle, run_ok, assert_*, RT) by run-guest.sh.

# sd_bundle DIR ID ARGS_JSON: make_bundle's bundle in system.slice:nook:ID
# with a memory limit of 64 MiB (pids.limit 20 from make_bundle)
sd_bundle() {
	make_bundle "$1" "$3"
	jq --arg p "system.slice:nook:$2" \
		'.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 67108864}' \
		"$1/config.json" >"$1/config.json.new"
	mv "$1/config.json.new" "$1/config.json"
}

sd_cfg() { # DIR JQ-FILTER [jq args...]
	local dir=$1 filter=$2
	shift 2
	jq "$@" "$filter" "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

unit_prop() { # UNIT PROPERTY
	systemctl show -p "$2" --value "$1"
}

unit_gone() { # UNIT: not loaded (systemd unloads a stopped transient scope)
	local state
	state=$(unit_prop "$1" LoadState)
	[ "$state" = not-found ] || [ "$(unit_prop "$1" ActiveState)" = inactive ]
}

no_nook_units() {
	local left
	left=$(systemctl list-units --all --no-legend 'nook-sd-*' 2>/dev/null)
	[ -z "$left" ] || fail "units left: $left"
}

on_v2_systemd() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || fail "/sys/fs/cgroup is not cgroup v2"
	[ -S /run/systemd/private ] || fail "no /run/systemd/private: systemd is not PID 1?"
}

test_systemd_scope_lifecycle() {
	on_v2_systemd
	local b=/tmp/bundle-sd-life id=sd-life unit=nook-sd-life.scope dir pid
	dir=/sys/fs/cgroup/system.slice/$unit
	sd_bundle "$b" "$id" '["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.2; done"]'
	run_ok "$RT" --systemd-cgroup create --bundle "$b" "$id"
	pid=$("$RT" state "$id" | jq -r .pid)
	# the scope exists, holds the init, is delegated, in system.slice
	systemctl status "$unit" --no-pager || true
	assert_eq ActiveState active "$(unit_prop "$unit" ActiveState)"
	assert_eq Slice system.slice "$(unit_prop "$unit" Slice)"
	assert_eq Delegate yes "$(unit_prop "$unit" Delegate)"
	assert_eq "cgroup of the init" "0::/system.slice/$unit" "$(cat /proc/"$pid"/cgroup)"
	# the limits as unit properties and in cgroupfs
	assert_eq MemoryMax 67108864 "$(unit_prop "$unit" MemoryMax)"
	assert_eq TasksMax 20 "$(unit_prop "$unit" TasksMax)"
	assert_eq memory.max 67108864 "$(cat "$dir/memory.max")"
	assert_eq pids.max 20 "$(cat "$dir/pids.max")"
	# state.json records the unit (delete --force finds it)
	run_ok "$RT" start "$id"
	assert_eq status running "$("$RT" state "$id" | jq -r .status)"
	# from inside: the container's own cgroup (cgroup namespace) and limits
	local inside
	inside=$("$RT" exec "$id" sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max')
	echo "$inside"
	assert_eq "inside" "$(printf '0::/\n67108864\n20')" "$inside"
	# update: unit properties and cgroupfs
	run_ok "$RT" update --memory 134217728 --pids-limit 30 "$id"
	assert_eq "MemoryMax after update" 134217728 "$(unit_prop "$unit" MemoryMax)"
	assert_eq "TasksMax after update" 30 "$(unit_prop "$unit" TasksMax)"
	assert_eq "memory.max after update" 134217728 "$(cat "$dir/memory.max")"
	assert_eq "pids.max after update" 30 "$(cat "$dir/pids.max")"
	# pause / resume through the scope's cgroup.freeze
	run_ok "$RT" pause "$id"
	assert_eq status paused "$("$RT" state "$id" | jq -r .status)"
	assert_eq cgroup.freeze 1 "$(cat "$dir/cgroup.freeze")"
	run_ok "$RT" resume "$id"
	assert_eq status running "$("$RT" state "$id" | jq -r .status)"
	# events --stats reads the scope's files
	"$RT" events --stats "$id" | jq -e '.data.pids.current >= 1' >/dev/null || fail "events --stats"
	# kill --all: every process of the scope
	"$RT" exec -d "$id" sleep 1000
	run_ok "$RT" kill --all "$id" KILL
	wait_until 20 sh -c "[ \"\$($RT state $id | jq -r .status)\" = stopped ]" || fail "not stopped after kill --all"
	run_ok "$RT" delete "$id"
	wait_until 10 unit_gone "$unit" || fail "$unit still there after delete: $(unit_prop "$unit" ActiveState)"
	[ ! -d "$dir" ] || fail "$dir left after delete"
	if "$RT" state "$id" >/dev/null 2>&1; then fail "state of $id left after delete"; fi
	rm -rf "$b"
}

test_systemd_run_foreground_and_annotation() {
	on_v2_systemd
	local b=/tmp/bundle-sd-run id=sd-run unit=nook-sd-run.scope out
	sd_bundle "$b" "$id" '["sh", "-c", "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max"]'
	sd_cfg "$b" '.linux.resources.cpu = {"quota": 50000, "period": 100000, "shares": 1024}
		| .annotations = {"org.systemd.property.CollectMode": "'"'"'inactive-or-failed'"'"'"}'
	# CollectMode is checked while the container runs: a created one
	run_ok "$RT" --systemd-cgroup create --bundle "$b" "$id"
	assert_eq CollectMode inactive-or-failed "$(unit_prop "$unit" CollectMode)"
	assert_eq CPUQuotaPerSecUSec 500ms "$(unit_prop "$unit" CPUQuotaPerSecUSec)"
	assert_eq CPUWeight 39 "$(unit_prop "$unit" CPUWeight)"
	run_ok "$RT" delete -f "$id"
	wait_until 10 unit_gone "$unit" || fail "$unit still there after delete -f"
	out=$("$RT" --systemd-cgroup run --bundle "$b" "$id")
	echo "$out"
	assert_eq "limits inside" "$(printf '67108864\n20\n50000 100000')" "$out"
	wait_until 10 unit_gone "$unit" || fail "$unit still there after run"
	if "$RT" state "$id" >/dev/null 2>&1; then fail "state of $id left after run"; fi
	rm -rf "$b"
}

# a nested slice nests as systemd expands it; the default slice is
# system.slice; no cgroupsPath is ":nook:ID"
test_systemd_slice_nesting_and_defaults() {
	on_v2_systemd
	local b=/tmp/bundle-sd-nest id=sd-nest
	sd_bundle "$b" "$id" '["sleep", "1000"]'
	local path want
	for path in "nooktest-inner.slice:nook:$id" ":nook:$id" ""; do
		case $path in
		nooktest*) want=/sys/fs/cgroup/nooktest.slice/nooktest-inner.slice/nook-$id.scope ;;
		*) want=/sys/fs/cgroup/system.slice/nook-$id.scope ;;
		esac
		if [ -z "$path" ]; then sd_cfg "$b" 'del(.linux.cgroupsPath)'; else sd_cfg "$b" '.linux.cgroupsPath = $p' --arg p "$path"; fi
		run_ok "$RT" --systemd-cgroup create --bundle "$b" "$id"
		[ -d "$want" ] || fail "cgroupsPath '$path': no $want"
		grep -qx "$("$RT" state "$id" | jq -r .pid)" "$want/cgroup.procs" || fail "the init is not in $want"
		run_ok "$RT" delete -f "$id"
		wait_until 10 unit_gone "nook-$id.scope" || fail "nook-$id.scope left ('$path')"
		[ ! -d "$want" ] || fail "$want left ('$path')"
	done
	rm -rf "$b"
}

# bad input: one line naming linux.cgroupsPath, exit non-zero, no state,
# no unit, no cgroup
test_systemd_bad_input_leaves_nothing() {
	on_v2_systemd
	local b=/tmp/bundle-sd-bad id=sd-bad path err rc
	sd_bundle "$b" "$id" '["true"]'
	for path in "system.slice:nook" "system.slice:nook:$id:x" "system:nook:$id" \
		"a--b.slice:nook:$id" "system.slice:nook:" "/nook/$id"; do
		sd_cfg "$b" '.linux.cgroupsPath = $p' --arg p "$path"
		rc=0
		err=$("$RT" --systemd-cgroup run --bundle "$b" "$id" 2>&1 >/dev/null) || rc=$?
		echo "'$path': $err"
		[ "$rc" -ne 0 ] || fail "'$path' was taken"
		assert_eq "lines of the error ('$path')" 1 "$(grep -c . <<<"$err")"
		assert_match "error ('$path')" 'linux\.cgroupsPath' "$err"
		if "$RT" state "$id" >/dev/null 2>&1; then fail "state left ('$path')"; fi
	done
	no_nook_units
	# a property systemd refuses: the D-Bus error, and nothing left
	sd_cfg "$b" '.linux.cgroupsPath = $p | .annotations = {"org.systemd.property.NoSuchProperty": "true"}' \
		--arg p "system.slice:nook:$id"
	rc=0
	err=$("$RT" --systemd-cgroup run --bundle "$b" "$id" 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" -ne 0 ] || fail "an unknown unit property was taken"
	assert_match "error" 'StartTransientUnit nook-sd-bad\.scope' "$err"
	if "$RT" state "$id" >/dev/null 2>&1; then fail "state left after a refused unit"; fi
	wait_until 10 unit_gone "nook-$id.scope" || fail "unit left after a refused start"
	[ ! -d "/sys/fs/cgroup/system.slice/nook-$id.scope" ] || fail "cgroup left after a refused start"
	rm -rf "$b"
}

# the unit name of a running container: another container with the same
# cgroupsPath is refused, and the first one is left alone
test_systemd_same_unit_refused_first_untouched() {
	on_v2_systemd
	local b=/tmp/bundle-sd-dup rc err
	sd_bundle "$b" sd-dup1 '["sleep", "1000"]'
	run_ok "$RT" --systemd-cgroup run -d --bundle "$b" sd-dup1
	rc=0
	err=$("$RT" --systemd-cgroup run -d --bundle "$b" sd-dup2 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" -ne 0 ] || fail "a second container in nook-sd-dup1.scope was taken"
	assert_match "error" 'linux\.cgroupsPath' "$err"
	assert_eq "first container" running "$("$RT" state sd-dup1 | jq -r .status)"
	assert_eq "its unit" active "$(unit_prop nook-sd-dup1.scope ActiveState)"
	if "$RT" state sd-dup2 >/dev/null 2>&1; then fail "state of sd-dup2 left"; fi
	run_ok "$RT" delete -f sd-dup1
	wait_until 10 unit_gone nook-sd-dup1.scope || fail "nook-sd-dup1.scope left"
	rm -rf "$b"
}

test_systemd_features() {
	assert_eq "linux.cgroup.systemd" true "$("$RT" features | jq -r .linux.cgroup.systemd)"
}
