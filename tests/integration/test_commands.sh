#!/bin/bash
# The lifecycle commands: create, start, state, kill, delete, run --detach and
# --keep, list, ps, pause, resume, update, events; bad input and exit codes.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_no_process_create_then_start_fails test_error_bad_id \
	test_error_wrong_state_messages \
	test_error_missing_bundle_create test_error_exec_unreadable_process_file \
	test_error_unknown_id test_list_skips_broken_entry test_error_usage_in_log_json

# ------------------------------------------------------------ 1. lifecycle

test_create_start_kill_delete() {
	set_args sh -c "echo out-from-ctr; $LONG_RUNNING"
	create_ctr
	assert_ok
	assert_eq created "$(status)" "status after create"
	local pid
	pid=$(init_pid)
	assert_match "$pid" '^[0-9]+$' "pid in state"
	alive "$pid" || fail "the pid of a created container ($pid) is not alive"
	assert_eq "$pid 1" "$(awk '/^NSpid:/ {print $2, $3}' "/proc/$pid/status")" "NSpid of the init"
	# not yet the container's process: it waits for start
	assert_not_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "out-from-ctr" "cmdline before start"
	assert_eq "" "$(cat "$T/ctr.out")" "the process's output before start"
	[ ! -e "$ROOTFS/tmp/ready" ] || fail "the process ran before start"
	nk state "$ID"
	assert_ok
	jq -e --arg id "$ID" --arg b "$BUNDLE" '.id == $id and .bundle == $b and (.ociVersion | test("^1\\."))
		and (.created | test("^[0-9]{4}-")) and .status == "created"' <<<"$OUT" >/dev/null ||
		fail "state JSON: $OUT"

	nk start "$ID"
	assert_ok
	assert_eq running "$(status)" "status after start"
	assert_eq "$pid" "$(init_pid)" "pid after start"
	assert_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sh -c echo out-from-ctr" "cmdline after start"
	wait_content "$T/ctr.out" '^out-from-ctr$'

	nk kill "$ID" KILL
	assert_ok
	wait_status stopped
	wait_gone "$pid"

	nk delete "$ID"
	assert_ok
	[ ! -e "$STATE/$ID" ] || fail "state dir left after delete"
	nk state "$ID"
	assert_exit 1
	assert_contains "$ERR" "does not exist"
}

test_start_running_container_fails() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local pid
	pid=$(init_pid)
	nk start "$ID"
	assert_failed
	assert_contains "$ERR" "running"
	assert_eq running "$(status)" "status after a refused start"
	assert_eq "$pid" "$(init_pid)" "pid after a refused start"
}

test_start_twice_runs_once() {
	set_args sh -c "echo started >>/tmp/count; $LONG_RUNNING"
	create_ctr
	assert_ok
	nk start "$ID"
	assert_ok
	nk start "$ID"
	assert_failed
	sleep 0.2
	assert_eq started "$(cat "$ROOTFS/tmp/count")" "the process ran once"
	assert_eq running "$(status)"
}

test_start_stopped_container_fails() {
	set_args sh -c 'echo ran >>/tmp/count'
	run_ctr --keep
	assert_ok
	on_exit 'force_delete "$ID"'
	assert_eq stopped "$(status)"
	nk start "$ID"
	assert_failed
	assert_eq ran "$(cat "$ROOTFS/tmp/count")" "the process ran once"
	assert_eq stopped "$(status)"
	nk delete "$ID"
	assert_ok
}

# runtime.md says deleting a container that is not stopped must fail; runc
# and crun delete a created one (its process never ran), containerd's shim
# relies on it, and so does crun's test_start.py delete-in-created-state.
test_delete_created_kills_and_deletes() {
	set_args sh -c "touch /ran; $LONG_RUNNING"
	create_ctr
	assert_ok
	local pid
	pid=$(init_pid)
	nk delete "$ID"
	assert_ok
	wait_gone "$pid"
	[ ! -e "$ROOTFS/ran" ] || fail "the process ran"
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
	[ -z "$(cgroups_named "$ID")" ] || fail "cgroups left: $(cgroups_named "$ID")"
}

test_delete_running_refused_then_forced() {
	set_args sh -c "sleep 1000 & $LONG_RUNNING"
	run_detached
	assert_ok
	local pid
	pid=$(init_pid)
	nk delete "$ID"
	assert_failed
	assert_eq running "$(status)" "status after a refused delete"
	alive "$pid" || fail "a refused delete killed the init"
	[ -f "$ROOTFS/tmp/ready" ] || sleep 0.2
	nk delete --force "$ID"
	assert_ok
	wait_gone "$pid"
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
	[ -z "$(cgroups_named "$ID")" ] || fail "cgroups left: $(cgroups_named "$ID")"
	nk state "$ID"
	assert_exit 1
}

test_delete_force_paused() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local pid
	pid=$(init_pid)
	nk pause "$ID"
	assert_ok
	assert_eq paused "$(status)"
	nk delete --force "$ID"
	assert_ok
	wait_gone "$pid"
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
}

test_run_detach_kill_delete() {
	set_args sh -c "echo detached-out; $LONG_RUNNING"
	local t0 t1
	t0=$(date +%s%N)
	run_detached
	t1=$(date +%s%N)
	assert_ok
	[ $(((t1 - t0) / 1000000)) -lt 5000 ] || fail "run --detach took $(((t1 - t0) / 1000000)) ms"
	assert_eq running "$(status)"
	wait_content "$T/ctr.out" 'detached-out'
	local pid
	pid=$(init_pid)
	nk kill "$ID" 9
	assert_ok
	wait_status stopped
	wait_gone "$pid"
	nk delete "$ID"
	assert_ok
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
}

test_run_keep_leaves_stopped() {
	set_args sh -c 'echo kept; exit 3'
	run_ctr --keep
	on_exit 'force_delete "$ID"'
	assert_exit 3
	assert_eq kept "$OUT"
	assert_eq stopped "$(status)"
	nk list -q
	assert_eq "$ID" "$OUT" "list -q after run --keep"
	nk delete "$ID"
	assert_ok
	nk state "$ID"
	assert_exit 1
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
}

test_run_without_keep_removes() {
	set_args true
	run_ctr
	assert_ok
	nk state "$ID"
	assert_exit 1
	[ -z "$(ls -A "$STATE")" ] || fail "state left: $(ls -A "$STATE")"
}

test_no_process_create_then_start_fails() {
	cfg 'del(.process)'
	create_ctr
	assert_ok
	assert_eq created "$(status)"
	nk start "$ID"
	assert_exit 1
	assert_error_line 'process' "$ID"
	assert_eq created "$(status)" "status after the failed start"
	nk delete --force "$ID"
	assert_ok
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
}

# ------------------------------------------------------------ 2. state from the live process

test_state_after_init_killed_from_host() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local pid
	pid=$(init_pid)
	kill -9 "$pid"
	wait_status stopped
	nk delete "$ID"
	assert_ok
}

test_state_stale_pid_reads_stopped() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local pid other
	pid=$(init_pid)
	kill -9 "$pid"
	wait_status stopped
	# a pid that now belongs to another (live) process
	sleep 1000 &
	other=$!
	on_exit "kill $other 2>/dev/null || true"
	jq --argjson p "$other" '.pid = $p' "$STATE/$ID/state.json" >"$T/state.new"
	cp "$T/state.new" "$STATE/$ID/state.json"
	assert_eq stopped "$(status)" "status with a pid of another process"
	nk kill "$ID" KILL
	alive "$other" || fail "nook kill signalled the stranger that has the old pid"
	nk delete "$ID"
	assert_ok
	alive "$other" || fail "nook delete killed the stranger that has the old pid"
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
}

# ------------------------------------------------------------ 3. kill

test_kill_default_is_term_to_trap() {
	set_args sh -c "trap 'echo got-term >/tmp/sig; exit 0' TERM; $LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	nk kill "$ID"
	assert_ok
	wait_content "$ROOTFS/tmp/sig" '^got-term$'
	wait_status stopped
	nk delete "$ID"
	assert_ok
}

test_kill_names_and_numbers() {
	set_args sh -c "trap 'echo usr1 >>/tmp/sig' USR1; trap 'echo term >>/tmp/sig' TERM; $LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	nk kill "$ID" SIGUSR1
	assert_ok
	wait_content "$ROOTFS/tmp/sig" '^usr1$'
	nk kill "$ID" USR1
	assert_ok
	wait_content "$ROOTFS/tmp/sig" $'^usr1\nusr1$'
	nk kill "$ID" 15
	assert_ok
	wait_content "$ROOTFS/tmp/sig" $'^usr1\nusr1\nterm$'
	nk kill "$ID" SIGTERM
	assert_ok
	wait_content "$ROOTFS/tmp/sig" $'term\nterm$'
	assert_eq running "$(status)" "the traps keep it running"
	nk kill "$ID" 9
	assert_ok
	wait_status stopped
}

test_kill_unknown_signal_refused() {
	set_args sh -c "trap 'echo sig >>/tmp/sig' USR1 USR2 TERM HUP; $LONG_RUNNING"
	run_detached
	assert_ok
	local s
	for s in BOGUS SIGBOGUS 99 -1 ""; do
		nk kill "$ID" "$s"
		assert_failed
		[ -n "$ERR" ] || fail "kill '$s': no message"
	done
	sleep 0.2
	[ ! -e "$ROOTFS/tmp/sig" ] || fail "a refused kill sent a signal: $(cat "$ROOTFS/tmp/sig")"
	assert_eq running "$(status)"
}

test_kill_all_reaches_child() {
	# the init ignores TERM by trap (a handled signal is reset in its
	# children); it reports when its background child is gone
	set_args sh -c "trap 'echo init-term >>/tmp/sig' TERM; sleep 1000 & c=\$!; touch /tmp/ready
		while kill -0 \$c 2>/dev/null; do sleep 0.05; done; echo child-gone >/tmp/child; $LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	nk kill --all "$ID" TERM
	assert_ok
	wait_content "$ROOTFS/tmp/child" '^child-gone$'
	wait_content "$ROOTFS/tmp/sig" '^init-term$'
	assert_eq running "$(status)"
	nk kill --all "$ID" KILL
	assert_ok
	wait_status stopped
}

test_kill_all_without_pid_namespace() {
	remove_ns pid
	set_args sh -c "sleep 1000 & echo \$! >/tmp/child; $LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	local pid child
	pid=$(init_pid)
	child=$(cat "$ROOTFS/tmp/child")
	on_exit "kill -9 $child 2>/dev/null || true"
	alive "$child" || fail "child $child not alive"
	assert_eq "sleep" "$(cat "/proc/$child/comm")" "comm of the child (host pid, no pid namespace)"
	nk kill --all "$ID" KILL
	assert_ok
	wait_gone "$pid"
	wait_gone "$child"
	wait_status stopped
	nk delete "$ID"
	assert_ok
}

# ------------------------------------------------------------ 4. list, ps, pause, update, events

test_list_table_quiet_json() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local id2="$ID-b" pid
	pid=$(init_pid)
	on_exit 'force_delete "$ID-b"'
	"$NOOK" --root "$STATE" run -d --bundle "$BUNDLE" "$id2" </dev/null >/dev/null 2>"$T/err2" ||
		fail "second run -d: $(cat "$T/err2")"
	nk list
	assert_ok
	local header
	header=$(head -n1 <<<"$OUT")
	assert_match "$header" '^ID +PID +STATUS +BUNDLE +CREATED' "table header"
	assert_match "$OUT" "(^|"$'\n'")$ID +$pid +running +$BUNDLE " "table row of $ID"
	assert_eq 3 "$(grep -c . <<<"$OUT")" "lines of the table"
	nk list -q
	assert_ok
	assert_eq "$(printf '%s\n' "$ID" "$id2" | sort)" "$(sort <<<"$OUT")" "list -q"
	nk list --format json
	assert_ok
	assert_eq "$(printf '%s\n' "$ID" "$id2" | sort)" "$(jq -r '.[].id' <<<"$OUT" | sort)" "ids in list --format json"
	assert_eq "$pid running" "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | "\(.pid) \(.status)"' <<<"$OUT")"
	force_delete "$id2"
	[ -z "$(cgroups_named "$id2")" ] || fail "cgroups left: $(cgroups_named "$id2")"
	nk list -q
	assert_eq "$ID" "$OUT" "list -q after deleting the second"
}

test_list_empty() {
	nk list -q
	assert_ok
	assert_eq "" "$OUT"
	nk list --format json
	assert_ok
	assert_eq 0 "$(jq '. // [] | length' <<<"$OUT")" "containers in an empty list"
}

# A state directory entry that cannot be loaded (a broken state.json) beside
# a good one: `list` leaves it out with a warning naming it, and its json is
# still one valid array. The old list printed "[,{...}]" when the first entry
# (in id order) failed, and said nothing about it.
test_list_skips_broken_entry() {
	create_ctr
	assert_ok
	local broken="0broken-$ID"
	on_exit 'rm -rf "$STATE/0broken-$ID"'
	mkdir -p "$STATE/$broken"
	printf '{"status": ' >"$STATE/$broken/state.json"
	nk list --format json
	assert_ok
	python3 -m json.tool <<<"$OUT" >/dev/null || fail "list --format json is not JSON: $OUT"
	assert_eq "$ID" "$(jq -r '.[].id' <<<"$OUT")" "ids in list --format json"
	assert_match "$ERR" "warning: list: skipped $broken: .*state\.json" "the warning"
	nk list -q
	assert_ok
	assert_eq "$ID" "$OUT" "list -q"
}

test_ps_json_and_table() {
	set_args sh -c "sleep 1000 & $LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	local pid
	pid=$(init_pid)
	nk ps --format json "$ID"
	assert_ok
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$OUT" >/dev/null || fail "ps json lacks the init $pid: $OUT"
	[ "$(jq length <<<"$OUT")" -ge 2 ] || fail "ps json lacks the child: $OUT"
	nk ps "$ID"
	assert_ok
	assert_match "$(head -n1 <<<"$OUT")" 'PID' "ps header"
	# procps puts UID first, busybox PID first: the pid as a whole word
	assert_match "$OUT" $'\n''([^ ]+ +)? *'"$pid"' ' "ps row of the init"
	assert_contains "$OUT" "sleep 1000"
}

test_pause_resume_progress() {
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/c; sleep 0.02; done'
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/c"
	nk pause "$ID"
	assert_ok
	assert_eq paused "$(status)"
	local a b
	a=$(cat "$ROOTFS/tmp/c")
	sleep 0.5
	b=$(cat "$ROOTFS/tmp/c")
	assert_eq "$a" "$b" "the counter while paused"
	nk pause "$ID"
	echo "pause of a paused container: $RC" >&2
	nk resume "$ID"
	assert_ok
	assert_eq running "$(status)"
	sleep 0.5
	b=$(cat "$ROOTFS/tmp/c")
	[ "$b" -gt "$((a + 3))" ] || fail "the counter after resume: $a then $b"
	nk resume "$ID"
	assert_failed
}

test_update_pids_limit() {
	need_cgroup pids
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local pid dir
	pid=$(init_pid)
	dir=$(cgroup_dir pids "$pid")
	nk update --pids-limit 10 "$ID"
	assert_ok
	assert_eq 10 "$(cat "$dir/pids.max")" "$dir/pids.max"
	nk exec "$ID" sh -c '( i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); done ) 2>/dev/null
		n=0; for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = sleep ] && n=$((n+1)); done; echo $n'
	assert_ok
	[ "$OUT" -lt 10 ] || fail "sleeps started under pids.max 10: $OUT"
	[ "$OUT" -gt 0 ] || fail "no sleep started at all"
	echo '{"pids": {"limit": 15}}' >"$T/res.json"
	nk update -r "$T/res.json" "$ID"
	assert_ok
	assert_eq 15 "$(cat "$dir/pids.max")" "pids.max after update -r"
}

test_update_memory() {
	need_cgroup memory
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	local pid dir limit=memory.limit_in_bytes
	cgroup_v2 && limit=memory.max
	pid=$(init_pid)
	dir=$(cgroup_dir memory "$pid")
	nk update --memory 64m "$ID"
	assert_ok
	assert_eq 67108864 "$(cat "$dir/$limit")" "$dir/$limit"
	nk events --stats "$ID"
	assert_ok
	assert_eq 67108864 "$(jq -r .data.memory.usage.limit <<<"$OUT")" "memory limit in events --stats"
	nk update --memory 1x "$ID"
	assert_failed
	assert_eq 67108864 "$(cat "$dir/$limit")" "limit after a bad update"
}

test_events_stats() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	nk events --stats "$ID"
	assert_ok
	assert_eq 1 "$(grep -c . <<<"$OUT")" "lines of events --stats"
	jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.memory.usage.usage > 0
		and .data.pids.current >= 1 and .data.cpu.usage.total > 0
		and (.data.blkio.ioServiceBytesRecursive | type) == "array"
		and (.data.blkio.ioServicedRecursive | type) == "array"' <<<"$OUT" >/dev/null ||
		fail "events --stats: $OUT"
	# huge pages where the kernel has them: one entry per page size
	if [ -n "$(ls /sys/kernel/mm/hugepages 2>/dev/null)" ]; then
		jq -e '.data.hugetlb | length > 0 and all(.[]; .usage >= 0)' <<<"$OUT" >/dev/null ||
			fail "events --stats: no hugetlb: $OUT"
	fi
}

test_events_stream_oom() {
	need_cgroup memory
	if cgroup_v2; then
		cfg '.linux.resources.memory = {limit: 33554432}'
	else
		cfg '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	fi
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	timeout -k 2 20 "$NOOK" --root "$STATE" events --interval 1s "$ID" >"$T/events" 2>"$T/events.err" &
	local ev=$!
	on_exit "kill $ev 2>/dev/null || true"
	sleep 0.3
	nk exec "$ID" tail /dev/zero
	assert_exit 137
	wait_content "$T/events" '"type": *"oom"' 5
	jq -se --arg id "$ID" 'any(.[]; .type == "oom" and .id == $id)' "$T/events" >/dev/null ||
		fail "oom event: $(cat "$T/events")"
	wait_content "$T/events" '"type": *"stats"' 3
	nk kill "$ID" KILL
	wait_status stopped
	# the stream ends when the container stops
	poll_exit "$ev" 5 || fail "events did not end after the container stopped"
	local rc=0
	wait "$ev" || rc=$?
	echo "events exit: $rc; stderr: $(cat "$T/events.err")" >&2
	assert_ne 124 "$rc" "events exit (timeout)"
}

# ------------------------------------------------------------ 10. bad input

test_error_unknown_id() {
	local c
	for c in state start pause resume ps delete kill events; do
		nk "$c" "$ID"
		assert_exit 1
		assert_error_line 'does not exist' "$ID"
	done
	nk exec "$ID" true
	assert_exit 255
	assert_error_line 'does not exist' "$ID"
}

test_error_bad_id() {
	local id
	for id in ../x x/y .. "a b"; do
		RC=0
		"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$id" </dev/null >"$T/out" 2>"$T/err" || RC=$?
		ERR=$(cat "$T/err")
		assert_exit 1
		assert_error_line 'invalid'
		nk state "$id"
		assert_exit 1
		assert_error_line 'invalid'
	done
	[ -z "$(ls -A "$STATE")" ] || fail "state made: $(ls -A "$STATE")"
	[ ! -e "$T/x" ] || fail "something made outside the state root: $T/x"
}

test_error_wrong_state_messages() {
	set_args sh -c "$LONG_RUNNING"
	create_ctr
	assert_ok
	nk exec "$ID" true
	assert_exit 255
	assert_error_line 'created'
	nk start "$ID"
	assert_ok
	nk resume "$ID"
	assert_exit 1
	assert_error_line 'running' 'resume'
	nk start "$ID"
	assert_exit 1
	assert_error_line 'running' 'start'
	nk delete "$ID"
	assert_exit 1
	assert_error_line 'running' '--force'
}

test_error_missing_bundle_create() {
	BUNDLE=$T/no-such-bundle
	create_ctr
	assert_exit 1
	assert_error_line 'no-such-bundle' 'No such file or directory'
	[ -z "$(ls -A "$STATE")" ] || fail "state made: $(ls -A "$STATE")"
}

test_error_exec_unreadable_process_file() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	nk exec --process "$T/no-such-process.json" "$ID"
	assert_exit 255
	assert_error_line 'no-such-process\.json'
	echo '{"args": [' >"$T/bad.json"
	nk exec --process "$T/bad.json" "$ID"
	assert_exit 255
	assert_error_line 'bad\.json'
	assert_eq running "$(status)"
}

test_error_log_json() {
	RC=0
	"$NOOK" --root "$STATE" --log "$T/log" --log-format json state "$ID" </dev/null >"$T/out" 2>"$T/err" || RC=$?
	assert_exit 1
	[ -s "$T/log" ] || fail "nothing in the log file"
	local line
	line=$(grep '"error"' "$T/log" | tail -n1)
	jq -e --arg id "$ID" '.level == "error" and (.msg | contains($id)) and (.time | test("^[0-9]{4}-"))' \
		<<<"$line" >/dev/null || fail "json log: $(cat "$T/log")"
}

# A usage error once --log is known lands in the log file, in its format
# (containerd's shim and podman show the user only that file), and still on
# stderr.
test_error_usage_in_log_json() {
	RC=0
	"$NOOK" --root "$STATE" --log "$T/log" --log-format json kill </dev/null >"$T/out" 2>"$T/err" || RC=$?
	assert_failed
	assert_contains "$(cat "$T/err")" "nook: kill: expected ID [SIGNAL]" "stderr"
	jq -e 'select(.level == "error" and (.msg | contains("kill: expected ID [SIGNAL]")))' \
		"$T/log" >/dev/null || fail "json log: $(cat "$T/log")"
	# a bad global flag after --log is reported there too
	RC=0
	"$NOOK" --root "$STATE" --log "$T/log2" --log-format json --rootless maybe list </dev/null >"$T/out" 2>"$T/err" || RC=$?
	assert_failed
	jq -e 'select(.level == "error" and (.msg | contains("--rootless: expected auto, true or false")))' \
		"$T/log2" >/dev/null || fail "json log: $(cat "$T/log2" 2>&1)"
	# and a command's unknown flag (getopt's own message went to stderr only)
	RC=0
	"$NOOK" --root "$STATE" --log "$T/log3" --log-format json delete --nope "$ID" </dev/null >"$T/out" 2>"$T/err" || RC=$?
	assert_failed
	jq -e 'select(.level == "error" and (.msg | contains("delete: unknown option \"--nope\"")))' \
		"$T/log3" >/dev/null || fail "json log: $(cat "$T/log3" 2>&1)"
}

# `state` during a create that is still under way (a createRuntime hook
# that takes 1 s): it waits for the create, as runc and crun only write
# their state at its end, and reads "created", never a half-made container
# ("stopped" before the init's pid is known, or "creating"). crun's
# test_commands.py start-command and state-created poll like this.
test_state_during_create_waits_for_it() {
	cfg '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "1"]}]}'
	set_args sh -c "$LONG_RUNNING"
	on_exit 'force_delete "$ID"'
	"$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
	local creator=$! out="" i
	for ((i = 0; i < 100; i++)); do
		[ -d "$STATE/$ID" ] && break
		sleep 0.01
	done
	[ -d "$STATE/$ID" ] || fail "create never made its state directory"
	out=$("$NOOK" --root "$STATE" state "$ID" 2>&1) || true
	wait "$creator" || fail "create failed"
	assert_eq created "$(jq -r .status <<<"$out" 2>/dev/null)" "status read while create ran: $out"
}

harness_main "$@"
