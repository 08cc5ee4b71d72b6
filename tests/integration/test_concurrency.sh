#!/bin/bash
# Many runtimes at once on one --root, and a runtime killed in the middle of
# create: nothing may be left that `delete --force` does not clean.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

# nothing_left_of ID: no state dir, cgroup, mount or process for that id.
nothing_left_of() {
	[ ! -e "$STATE/$1" ] || fail "state dir left for $1"
	local cg
	cg=$(cgroups_named "$1")
	[ -z "$cg" ] || fail "cgroups left for $1: $cg"
	! grep -qF -e "$1" /proc/self/mountinfo || fail "mount left for $1: $(grep -F -e "$1" /proc/self/mountinfo)"
	local p
	p=$(grep -lsaF -e "$1" /proc/[0-9]*/cmdline | grep -v "^/proc/$BASHPID/" || true)
	for p in $p; do
		p=${p#/proc/}
		p=${p%/cmdline}
		alive "$p" && fail "process left for $1: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
	done
	return 0
}

test_parallel_create_start_delete() {
	set_args true
	cat >"$T/cycle.sh" <<'EOF'
#!/bin/bash
# cycle.sh NOOK STATE BUNDLE ID: create, start, wait until stopped, delete
set -u
n=$1 st=$2 b=$3 id=$4
"$n" --root "$st" create --bundle "$b" "$id" </dev/null >/dev/null 2>"$st.err.$id" || { echo "create $id: $(cat "$st.err.$id")"; exit 1; }
"$n" --root "$st" start "$id" </dev/null >/dev/null 2>>"$st.err.$id" || { echo "start $id: $(cat "$st.err.$id")"; exit 1; }
for i in $(seq 200); do
	s=$("$n" --root "$st" state "$id" 2>/dev/null | jq -r .status)
	[ "$s" = stopped ] && break
	sleep 0.05
done
[ "$s" = stopped ] || { echo "$id: status $s, not stopped"; exit 1; }
"$n" --root "$st" delete "$id" </dev/null >/dev/null 2>>"$st.err.$id" || { echo "delete $id: $(cat "$st.err.$id")"; exit 1; }
rm -f "$st.err.$id"
echo "ok $id"
EOF
	chmod +x "$T/cycle.sh"
	local i
	for i in $(seq 1 50); do echo "$ID-$i"; done >"$T/ids"
	on_exit 'while read -r i; do force_delete "$i"; done <"$T/ids"'
	local rc=0
	timeout -k 5 100 xargs -P 8 -I{} "$T/cycle.sh" "$NOOK" "$STATE" "$BUNDLE" {} <"$T/ids" >"$T/results" 2>&1 || rc=$?
	echo "xargs: exit $rc" >&2
	grep -v '^ok ' "$T/results" >&2 || true
	assert_eq 50 "$(grep -c '^ok ' "$T/results")" "cycles that succeeded"
	assert_eq 0 "$rc" "xargs exit"
	[ -z "$(ls -A "$STATE")" ] || fail "state left: $(ls -A "$STATE")"
	while read -r i; do nothing_left_of "$i"; done <"$T/ids"
}

test_concurrent_create_same_id() {
	set_args sh -c "$LONG_RUNNING"
	on_exit 'force_delete "$ID"'
	local a b ra=0 rb=0
	"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$T/err.a" &
	a=$!
	"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$T/err.b" &
	b=$!
	wait "$a" || ra=$?
	wait "$b" || rb=$?
	echo "a: $ra $(cat "$T/err.a"); b: $rb $(cat "$T/err.b")" >&2
	if [ "$ra" -eq 0 ]; then
		assert_ne 0 "$rb" "exit of the second create"
		assert_contains "$(cat "$T/err.b")" "already exists"
	else
		assert_eq 0 "$rb" "exit of the create that won"
		assert_contains "$(cat "$T/err.a")" "already exists"
	fi
	assert_eq created "$(status)"
	alive "$(init_pid)" || fail "the init of the winner is not alive"
	nk delete --force "$ID"
	assert_ok
	nothing_left_of "$ID"
}

test_runtime_killed_during_create() {
	cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "0.2"]}]'
	# a failure leaves empty cgroups of this test's id: remove them afterwards
	# (rmdir removes only empty ones; the test has failed already)
	on_exit 'for d in $(cgroups_named "$ID"); do rmdir "$d" 2>/dev/null || true; done'
	set_args sh -c "$LONG_RUNNING"
	local i delay pid rc n_existed=0
	for ((i = 0; i < 20; i++)); do
		delay=$(printf '0.%03d' $((RANDOM % 31)))
		"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$T/err" &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		if [ -e "$STATE/$ID" ]; then n_existed=$((n_existed + 1)); fi
		rc=0
		timeout -k 5 20 "$NOOK" --root "$STATE" delete --force "$ID" </dev/null >/dev/null 2>"$T/err.del" || rc=$?
		echo "round $i: delay $delay, state: $(status), delete --force: $rc $(cat "$T/err.del")" >&2
		[ "$rc" -eq 0 ] || grep -q "does not exist" "$T/err.del" ||
			fail "round $i (delay $delay): delete --force failed: $(cat "$T/err.del")"
		sleep 0.05
		nothing_left_of "$ID"
		! grep -lsaF -e "$BUNDLE" /proc/[0-9]*/cmdline >/dev/null || {
			local p
			for p in $(grep -lsaF -e "$BUNDLE" /proc/[0-9]*/cmdline); do
				p=${p#/proc/}
				p=${p%/cmdline}
				alive "$p" && fail "round $i: process naming the bundle: $p"
			done
		}
		[ -z "$(harness_mounts)" ] || fail "round $i: mounts left: $(harness_mounts)"
	done
	echo "rounds in which the state dir existed: $n_existed" >&2
}

# ------------------------------------------------- issue 8: nothing may hang
# A foreground `run` must not hold the container's lock while it waits, a
# lock held by another process is waited for a bounded time, and a delete
# --force of a container frozen by a freezer cgroup nook did not make ends
# with a clear error. Every command runs under a timeout: exit 124 = a hang.

test_delete_force_while_run_in_foreground() {
	set_args sh -c "$LONG_RUNNING"
	on_exit 'force_delete "$ID"'
	(
		rc=0
		timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$ID" \
			</dev/null >"$T/run.out" 2>"$T/run.err" || rc=$?
		echo "$rc" >"$T/run.rc"
	) &
	wait_for_file "$ROOTFS/tmp/ready"
	HARNESS_TIMEOUT=15 nk delete --force "$ID"
	assert_ok
	wait_for_file "$T/run.rc" 15
	assert_eq 137 "$(cat "$T/run.rc")" "exit of the foreground run (its init got SIGKILL)"
	assert_eq "" "$(cat "$T/run.err")" "stderr of the foreground run"
	nothing_left_of "$ID"
}

nook_specific test_lock_wait_is_bounded
test_lock_wait_is_bounded() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local fd
	exec {fd}<"$STATE/$ID"
	on_exit "exec $fd<&-"
	flock -x "$fd"
	local start=$SECONDS
	HARNESS_TIMEOUT=25 nk delete --force "$ID"
	assert_exit 1
	assert_error_line "container \"$ID\" is busy: .* has held its lock .* for more than [0-9]+ s"
	[ $((SECONDS - start)) -le 15 ] || fail "delete waited $((SECONDS - start)) s"
	assert_eq running "$(status)"
	exec {fd}<&-
	nk delete --force "$ID"
	assert_ok
	nothing_left_of "$ID"
}

# freezer_outer: a freezer cgroup the test makes (not nook) as the parent of
# the container's; OUTER is its directory, FREEZE / THAW what freezes it.
freezer_outer() {
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		OUTER=/sys/fs/cgroup/$ID-outer
		FREEZE="echo 1 >$OUTER/cgroup.freeze"
		THAW="echo 0 >$OUTER/cgroup.freeze"
	else
		[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"
		OUTER=/sys/fs/cgroup/freezer/$ID-outer
		FREEZE="echo FROZEN >$OUTER/freezer.state"
		THAW="echo THAWED >$OUTER/freezer.state"
	fi
	mkdir "$OUTER"
	on_exit "rmdir '$OUTER'"
	on_exit 'force_delete "$ID"' # after the thaw, before the rmdir
	cfg '.linux.cgroupsPath = $p' --arg p "/$ID-outer/$ID"
}

nook_specific test_delete_force_frozen_from_above
test_delete_force_frozen_from_above() {
	freezer_outer
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	on_exit "$THAW" # first of all
	eval "$FREEZE"
	wait_status paused
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	if [ "${OUTER#/sys/fs/cgroup/freezer/}" = "$OUTER" ]; then
		# v2: a frozen task dies of SIGKILL
		assert_ok
		nothing_left_of "$ID"
		return
	fi
	# v1: it cannot die before a thaw nook may not do; a clear error, and
	# the container is kept for a later delete
	assert_exit 1
	assert_error_line "frozen by $OUTER" "did not make"
	assert_eq paused "$(status)"
	eval "$THAW"
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	assert_ok
	nothing_left_of "$ID"
	[ -z "$(ls -d /sys/fs/cgroup/*/"$ID-outer" 2>/dev/null | grep -vxF "$OUTER")" ] ||
		fail "nook left its $ID-outer cgroups: $(ls -d /sys/fs/cgroup/*/"$ID-outer")"
}

# crun's test_delete.py does this: the init moved into a frozen v1 freezer
# cgroup of someone else's (crun then removes the state and leaves the
# process; runc fails after 10 s).
nook_specific test_delete_force_init_moved_into_frozen_freezer
test_delete_force_init_moved_into_frozen_freezer() {
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"
	local foreign=/sys/fs/cgroup/freezer/$ID-foreign
	mkdir "$foreign"
	on_exit "rmdir '$foreign'"
	on_exit 'force_delete "$ID"'
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	on_exit "echo THAWED >'$foreign/freezer.state'"
	init_pid >"$foreign/cgroup.procs"
	echo FROZEN >"$foreign/freezer.state"
	wait_content "$foreign/freezer.state" '^FROZEN$'
	local start=$SECONDS
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	assert_exit 1
	assert_error_line "frozen by $foreign" "did not make"
	[ $((SECONDS - start)) -le 5 ] || fail "delete took $((SECONDS - start)) s to give up"
	[ -d "$STATE/$ID" ] || fail "the state of a container nook could not kill is gone"
	echo THAWED >"$foreign/freezer.state"
	HARNESS_TIMEOUT=20 nk delete --force "$ID"
	assert_ok
	nothing_left_of "$ID"
}

nook_specific test_delete_force_own_freezer_frozen_by_another
test_delete_force_own_freezer_frozen_by_another() {
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	local own
	own=$(cgroup_dir freezer "$(init_pid)")
	echo FROZEN >"$own/freezer.state"
	wait_status paused
	HARNESS_TIMEOUT=15 nk delete --force "$ID"
	assert_ok
	nothing_left_of "$ID"
}

harness_main "$@"
