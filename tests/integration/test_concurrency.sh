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

harness_main "$@"
