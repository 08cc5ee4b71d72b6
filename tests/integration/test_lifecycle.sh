#!/bin/bash
# Lifecycle of `run`: --pid-file, signals, ids, stdio; and `spec`.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

# A container that says it is ready and then waits for the host:
# $T/sync is bind-mounted at /sync; the container touches /sync/ready and
# waits for /sync/go. BEFORE is run first (e.g. a trap).
sync_container() {
	mkdir -p "$T/sync"
	add_mount "$(jq -cn --arg s "$T/sync" '{destination: "/sync", type: "bind", source: $s, options: ["bind", "rw"]}')"
	set_args sh -c "${1:-} touch /sync/ready; while [ ! -e /sync/go ]; do sleep 0.05; done; ${2:-}"
}

# start_bg [RUN-OPTIONS...]: start the runtime in the background; BG is its pid.
start_bg() {
	"$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$@" "$ID" </dev/null >"$T/stdout" 2>"$T/stderr" &
	BG=$!
	on_exit 'touch "$T/sync/go"; wait_bg_quietly'
}

wait_bg_quietly() {
	poll_exit "$BG" 5 || true
	kill -KILL "$BG" 2>/dev/null || true
	wait "$BG" 2>/dev/null || true
}

# wait_ready PATH: wait (10 s at most) for PATH while the background runtime lives.
wait_ready() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -e "$1" ] && return 0
		if ! kill -0 "$BG" 2>/dev/null; then
			wait_bg
			fail "the runtime exited ($RC) before $1 appeared; stderr: $ERR"
		fi
		sleep 0.05
	done
	fail "timed out waiting for $1"
}

# wait_bg: wait for the background runtime (at most 20 s); sets RC, OUT, ERR.
wait_bg() {
	poll_exit "$BG" 20 || fail "the runtime did not exit"
	RC=0
	wait "$BG" || RC=$?
	OUT=$(cat "$T/stdout")
	ERR=$(cat "$T/stderr")
	echo "runtime: exit $RC; stdout: $OUT; stderr: $ERR" >&2
}

test_pid_file_has_host_pid_of_init() {
	sync_container
	start_bg --pid-file "$T/pidfile"
	wait_ready "$T/sync/ready"
	wait_ready "$T/pidfile"
	local pid nspid
	pid=$(cat "$T/pidfile")
	assert_match "$pid" '^[0-9]+$' "pid file content"
	nspid=$(awk '/^NSpid:/ {print $2, $3}' "/proc/$pid/status")
	assert_eq "$pid 1" "$nspid" "NSpid of the pid in the pid file (host pid, pid in the container)"
	assert_ne "$(readlink /proc/self/ns/pid)" "$(readlink "/proc/$pid/ns/pid")" "pid namespace of that pid"
	touch "$T/sync/go"
	wait_bg
	assert_ok
}

test_pid_file_relative_path() {
	sync_container
	mkdir "$T/cwd"
	(cd "$T/cwd" && exec "$NOOK" --root "$STATE" run --bundle "$BUNDLE" --pid-file rel.pid "$ID" \
		</dev/null >"$T/stdout" 2>"$T/stderr") &
	BG=$!
	on_exit 'touch "$T/sync/go"; wait_bg_quietly'
	wait_ready "$T/sync/ready"
	wait_ready "$T/cwd/rel.pid"
	local pid
	pid=$(cat "$T/cwd/rel.pid")
	assert_eq "$pid 1" "$(awk '/^NSpid:/ {print $2, $3}' "/proc/$pid/status")" "NSpid"
	touch "$T/sync/go"
	wait_bg
	assert_ok
}

test_sigterm_forwarded_to_container() {
	sync_container "trap 'exit 42' TERM;" ""
	# the container waits in the foreground loop; TERM runs the trap
	start_bg
	wait_ready "$T/sync/ready"
	kill -TERM "$BG"
	wait_bg
	assert_exit 42
}

test_sigusr1_forwarded_to_container() {
	sync_container "trap 'exit 44' USR1;" ""
	start_bg
	wait_ready "$T/sync/ready"
	kill -USR1 "$BG"
	wait_bg
	assert_exit 44
}

test_sigterm_forwarded_while_init_waits() {
	# the brief's shape: init waits on a child
	mkdir -p "$T/sync"
	add_mount "$(jq -cn --arg s "$T/sync" '{destination: "/sync", type: "bind", source: $s, options: ["bind", "rw"]}')"
	set_args sh -c "trap 'exit 42' TERM; sleep 100 & touch /sync/ready; wait"
	start_bg
	wait_ready "$T/sync/ready"
	sleep 0.1
	kill -TERM "$BG"
	wait_bg
	assert_exit 42
}

test_init_killed_from_host_gives_137() {
	sync_container
	start_bg --pid-file "$T/pidfile"
	wait_ready "$T/sync/ready"
	wait_ready "$T/pidfile"
	kill -KILL "$(cat "$T/pidfile")"
	wait_bg
	assert_exit 137
}

test_same_id_can_run_again() {
	run_sh 'echo first'
	assert_ok
	assert_eq first "$OUT"
	run_sh 'echo second'
	assert_ok
	assert_eq second "$OUT"
}

test_duplicate_id_refused_while_running() {
	sync_container
	start_bg
	wait_ready "$T/sync/ready"
	local rc=0
	"$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$ID" </dev/null >"$T/out2" 2>"$T/err2" || rc=$?
	echo "second run: exit $rc; stderr: $(cat "$T/err2")" >&2
	assert_ne 0 "$rc" "exit code of a second run with the same id"
	[ -d "$STATE/$ID" ] || fail "the second run removed the first container's state"
	kill -0 "$BG" || fail "the first container's runtime is gone"
	touch "$T/sync/go"
	wait_bg
	assert_ok
}

test_stdin_passed_through() {
	set_args cat
	RC=0
	printf 'line one\nline two\n' | timeout -k 5 20 "$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$ID" \
		>"$T/stdout" 2>"$T/stderr" || RC=$?
	OUT=$(cat "$T/stdout")
	ERR=$(cat "$T/stderr")
	assert_ok
	assert_eq $'line one\nline two' "$(cat "$T/stdout")"
}

test_no_host_fds_leak_into_container() {
	exec 7>"$T/leak"
	run_ok 'ls /proc/self/fd | sort -n | tr "\n" " "'
	exec 7>&-
	# 0 1 2, and the fd ls uses to read the directory (3)
	assert_eq "0 1 2 3 " "$OUT" "open fds in the container"
}

test_spec_writes_valid_config() {
	mkdir "$T/spec"
	local rc=0
	"$NOOK" spec --bundle "$T/spec" >"$T/out" 2>&1 || rc=$?
	assert_eq 0 "$rc" "exit code of spec ($(cat "$T/out"))"
	jq -e . "$T/spec/config.json" >/dev/null || fail "config.json is not JSON"
	assert_eq rootfs "$(jq -r .root.path "$T/spec/config.json")" "root.path"
	assert_match "$(jq -r .ociVersion "$T/spec/config.json")" '^1\.[0-9]+\.[0-9]+' "ociVersion"
	assert_eq sh "$(jq -r '.process.args[0]' "$T/spec/config.json")" "process.args[0]"
	assert_eq "ipc mount network pid uts" \
		"$(jq -r '[.linux.namespaces[].type | select(. == "pid" or . == "network" or . == "ipc" or . == "uts" or . == "mount")] | sort | join(" ")' "$T/spec/config.json")" \
		"namespaces"
	assert_eq "" "$(jq -r '.linux.namespaces[] | select(.type == "user") | .type' "$T/spec/config.json")" "user namespace"
}

test_spec_rootless_has_user_ns() {
	mkdir "$T/spec"
	local rc=0
	"$NOOK" spec --rootless --bundle "$T/spec" >"$T/out" 2>&1 || rc=$?
	assert_eq 0 "$rc" "exit code of spec --rootless ($(cat "$T/out"))"
	assert_eq user "$(jq -r '.linux.namespaces[] | select(.type == "user") | .type' "$T/spec/config.json")" "user namespace"
	assert_eq "0 $(id -u) 1" "$(jq -r '.linux.uidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$T/spec/config.json")" "uidMappings[0]"
	assert_eq "0 $(id -g) 1" "$(jq -r '.linux.gidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$T/spec/config.json")" "gidMappings[0]"
}

test_spec_config_runs() {
	rm -f "$BUNDLE/config.json"
	"$NOOK" spec --bundle "$BUNDLE"
	cfg '.process.terminal = false | .process.args = ["sh", "-c", "echo from-spec; echo $$"]'
	run_ctr
	assert_ok
	assert_eq $'from-spec\n1' "$OUT"
}

test_example_config_runs() {
	cp "$HARNESS_REPO/config.example.json" "$BUNDLE/config.json"
	run_ctr
	assert_ok
	assert_eq "hello from nook: hostname=nook-example pid=1 uid_map: 0 0 65536 net: lo" "$OUT"
}

harness_main "$@"
