#!/bin/bash
# The harness's leftover scan (tests/lib/harness.sh, harness_procs): it finds
# the processes a test leaves, and never the harness's own scans.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

# grep reads every /proc/N/cmdline, its own too: a grep whose arguments hold
# $T found itself whenever it had not yet exited when its hit was looked at
# (under load: "process N still alive after SIGKILL" naming that grep). A
# grep on PATH that logs its arguments shows that none holds $T or $ID, and
# the scan of a test that started nothing is empty, every time.
test_scan_does_not_see_itself() {
	local bin i out
	bin=$(mktemp -d /tmp/nook-harness-bin.XXXXXX) # not under $T: its path would match
	on_exit "rm -rf '$bin'"
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"$GREP_LOG"\nexec %q "$@"\n' "$(command -v grep)" >"$bin/grep"
	chmod +x "$bin/grep"
	for ((i = 0; i < 5; i++)); do
		out=$(GREP_LOG=$T/grep.log PATH=$bin:$PATH harness_procs)
		assert_eq "" "$out" "scan $i of a test that started nothing"
	done
	[ -s "$T/grep.log" ] || fail "the scan ran no grep (the wrapper was not used)"
	out=$(grep -F -e "$T" -e "$ID" "$T/grep.log" | head -n 1 | cut -c 1-100 || true)
	assert_eq "" "$out" "a grep command line of the scan holding \$T or \$ID"
}

test_scan_finds_process_naming_t() {
	# one process whose command line names $T (a shell would leave its
	# sleep behind when killed)
	bash -c 'exec -a "sleep-$0" sleep 1000' "$T" &
	local pid=$!
	on_exit "kill -9 $pid 2>/dev/null || true"
	assert_contains "$(harness_procs)" "$pid sleep-$T 1000" "the scan"
}

# A container without a pid namespace of its own: its processes are in ours,
# and only their cgroup names $ID.
test_scan_finds_container_process_in_our_pid_namespace() {
	remove_ns pid
	set_args sh -c "sleep 1000 & echo \$! >/tmp/child; $LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	local child
	child=$(cat "$ROOTFS/tmp/child")
	on_exit "kill -9 $child 2>/dev/null || true"
	assert_contains "$(harness_procs)" "$child sleep 1000" "the scan"
}

test_scan_finds_container_in_its_pid_namespace() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	local pid
	pid=$(init_pid)
	assert_contains "$(harness_procs)" "$pid sh -c $LONG_RUNNING" "the scan"
}

# A leftover is reported, killed, and waited for (bounded) until it is gone.
test_leftovers_reported_and_killed() {
	# one process whose command line names $T (a shell would leave its
	# sleep behind when killed)
	bash -c 'exec -a "sleep-$0" sleep 1000' "$T" &
	local pid=$! out rc=0
	on_exit "kill -9 $pid 2>/dev/null || true"
	out=$(harness_leftovers) || rc=$?
	assert_eq 1 "$rc" "harness_leftovers' status"
	assert_eq "leftover process: $pid sleep-$T 1000" "$out"
	wait "$pid" || true
	[ ! -e "/proc/$pid" ] || fail "process $pid still exists after harness_leftovers"
}

harness_main "$@"
