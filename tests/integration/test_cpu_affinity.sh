#!/bin/bash
# process.execCPUAffinity (config.md "Linux Process", runtime-spec 1.3): the
# CPUs a `nook exec` process runs on, "initial" before it joins the
# container's cgroup and "final" after. "This setting is not applicable to
# the container's init process": the init's affinity, like an exec's without
# execCPUAffinity, is reset to every CPU (runc's tryResetCPUAffinity, crun's
# libcrun_reset_cpu_affinity_mask) and not inherited from the runtime. Read
# from /proc/self/status (Cpus_allowed_list) in the container; the tests
# need 2 CPUs.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_bad_cpu_list_refused_before_create test_bad_cpu_list_in_process_file \
	test_final_outside_cpuset_says_why
runc_gap test_exec_final_only "runc 1.1 ignores process.execCPUAffinity"
runc_gap test_exec_initial_only "runc 1.1 ignores process.execCPUAffinity"
runc_gap test_exec_initial_and_final "runc 1.1 ignores process.execCPUAffinity"
runc_gap test_exec_process_file_affinity "runc 1.1 ignores process.execCPUAffinity"
runc_gap test_exec_without_affinity_resets "runc 1.1 keeps the runtime's affinity for exec"

ALLOWED='grep ^Cpus_allowed_list: /proc/self/status | cut -f2'

need_two_cpus() {
	[ "$(grep ^Cpus_allowed_list: /proc/self/status | cut -f2)" = 0-1 ] ||
		skip "the tests need CPUs 0-1 allowed (here: $(grep ^Cpus_allowed_list: /proc/self/status))"
}

# start_long: a running container whose init loops; PID is its pid.
start_long() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	PID=$(init_pid)
}

init_allowed() { grep ^Cpus_allowed_list: "/proc/$PID/status" | cut -f2; }

test_exec_final_only() {
	need_two_cpus
	cfg '.process.execCPUAffinity = {final: "1"}'
	start_long
	assert_eq 0-1 "$(init_allowed)" "the init (execCPUAffinity is not the init's)"
	nk exec "$ID" sh -c "$ALLOWED"
	assert_ok
	assert_eq 1 "$OUT" "exec with final 1"
}

# Without final the runtime "SHOULD NOT change process' CPU affinity after
# the process is moved to container's cgroup": it keeps initial (the kernel
# keeps an affinity across a cgroup move when the cpuset allows it).
test_exec_initial_only() {
	need_two_cpus
	cfg '.process.execCPUAffinity = {initial: "1"}'
	start_long
	nk exec "$ID" sh -c "$ALLOWED"
	assert_ok
	assert_eq 1 "$OUT" "exec with initial 1 only"
}

test_exec_initial_and_final() {
	need_two_cpus
	cfg '.process.execCPUAffinity = {initial: "0", final: "1"}'
	start_long
	nk exec "$ID" sh -c "$ALLOWED"
	assert_ok
	assert_eq 1 "$OUT" "exec with initial 0, final 1"
}

# --process: its execCPUAffinity, not the config's (as crun's exec-cpu-affinity).
test_exec_process_file_affinity() {
	need_two_cpus
	cfg '.process.execCPUAffinity = {final: "1"}'
	start_long
	jq -n '{cwd: "/", args: ["sh", "-c", $s], env: ["PATH=/bin:/usr/bin"],
		execCPUAffinity: {initial: "1", final: "0"}}' --arg s "$ALLOWED" >"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_ok
	assert_eq 0 "$OUT" "exec --process with final 0"
	jq -n '{cwd: "/", args: ["sh", "-c", $s], env: ["PATH=/bin:/usr/bin"]}' --arg s "$ALLOWED" \
		>"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_ok
	assert_eq 0-1 "$OUT" "exec --process without execCPUAffinity"
}

# Neither the init nor an exec keeps the runtime's own affinity.
test_exec_without_affinity_resets() {
	need_two_cpus
	set_args sh -c "$LONG_RUNNING"
	on_exit 'force_delete "$ID"'
	taskset -c 0 "$NOOK" --root "$STATE" run --detach --bundle "$BUNDLE" "$ID" \
		</dev/null >"$T/ctr.out" 2>"$T/ctr.err" || fail "run: $(cat "$T/ctr.err")"
	wait_for_file "$ROOTFS/tmp/ready"
	PID=$(init_pid)
	assert_eq 0-1 "$(init_allowed)" "the init of a runtime pinned to CPU 0"
	RC=0
	OUT=$(taskset -c 0 "$NOOK" --root "$STATE" exec "$ID" sh -c "$ALLOWED" </dev/null) || RC=$?
	assert_ok
	assert_eq 0-1 "$OUT" "exec from a runtime pinned to CPU 0"
}

# The final list must meet the container's cpuset: the error says which.
test_final_outside_cpuset_says_why() {
	need_two_cpus
	need_cgroup cpuset
	cfg '.linux.resources.cpu.cpus = "0" | .process.execCPUAffinity = {final: "1"}'
	start_long
	assert_eq 0 "$(init_allowed)" "the init in cpuset 0"
	nk exec "$ID" sh -c 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the exec process must not run"
	assert_contains "$ERR" 'process.execCPUAffinity.final: sched_setaffinity to CPUs "1"'
	assert_eq running "$(status)" "the container after a refused exec"
}

# A createRuntime hook that leaves a mark: a config refused before anything
# is made never runs it.
test_bad_cpu_list_refused_before_create() {
	local bad
	cfg '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "touch \($m)"]}]' \
		--arg m "$T/hook-ran"
	for bad in '{"initial": "3-1"}' '{"final": "a"}' '{"final": "1-"}' '{"initial": ","}' \
		'{"final": "70000"}'; do
		cfg '.process.execCPUAffinity = $a' --argjson a "$bad"
		run_sh 'echo ran'
		assert_failed
		assert_eq "" "$OUT" "the process must not run ($bad)"
		assert_error_line 'process\.execCPUAffinity\.(initial|final)' 'expected a CPU list'
		[ ! -e "$T/hook-ran" ] || fail "the createRuntime hook ran: $bad was refused too late"
		[ ! -e "$STATE/$ID" ] || fail "state directory $STATE/$ID left behind ($bad)"
	done
}

test_bad_cpu_list_in_process_file() {
	start_long
	jq -n '{cwd: "/", args: ["sh", "-c", "echo ran"], execCPUAffinity: {final: "0-1-2"}}' \
		>"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_failed
	assert_eq "" "$OUT" "the exec process must not run"
	assert_contains "$ERR" 'process.execCPUAffinity.final: expected a CPU list such as "0-3,7"'
	assert_eq running "$(status)" "the container after a refused exec"
}

harness_main "$@"
