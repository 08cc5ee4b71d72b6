#!/bin/bash
# process.scheduler (config.md "Scheduler") and linux.memoryPolicy
# (config-linux.md "Memory policy"): what the container's process reads of
# its own scheduling policy and NUMA memory policy, for run and exec, and the
# configs refused before anything is made.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_scheduler_fifo_without_rt_runtime_says_why test_scheduler_exec_bad_process_refused \
	test_scheduler_bad_priority_refused_before_create test_scheduler_deadline_order_refused \
	test_mempolicy_bad_nodes_refused_before_create test_mempolicy_bind_without_nodes_refused
runc_gap test_scheduler_batch_nice "runc 1.1 ignores process.scheduler"
runc_gap test_scheduler_idle "runc 1.1 ignores process.scheduler"
runc_gap test_scheduler_fifo_priority "runc 1.1 ignores process.scheduler"
runc_gap test_scheduler_deadline "runc 1.1 ignores process.scheduler"
runc_gap test_scheduler_exec "runc 1.1 ignores process.scheduler"
runc_gap test_mempolicy_bind "runc 1.1 ignores linux.memoryPolicy"
runc_gap test_mempolicy_preferred_static "runc 1.1 ignores linux.memoryPolicy"
runc_gap test_mempolicy_exec "runc 1.1 ignores linux.memoryPolicy"

# Fields of /proc/PID/stat (proc(5)): 19 nice, 40 rt_priority, 41 policy.
# `cat` is a child of the shell: it inherits the policy (no reset-on-fork).
STAT_NICE_PRIO_POLICY='cat /proc/self/stat | awk "{print \$19, \$40, \$41}"'

# With cgroup v1 real-time group scheduling a new cpu cgroup has no
# real-time runtime (cpu.rt_runtime_us 0) and the kernel refuses SCHED_FIFO
# in it (EPERM).
rt_group_sched() { [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; }

need_numa() {
	[ -e /proc/self/numa_maps ] || skip "no /proc/self/numa_maps: kernel without NUMA"
}

# A createRuntime hook that leaves a mark on the host: when a config is
# refused before anything is made, it never runs.
add_marker_hook() {
	cfg '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "touch \($m)"]}]' \
		--arg m "$T/hook-ran"
}

assert_nothing_made() {
	[ ! -e "$T/hook-ran" ] || fail "the createRuntime hook ran: the config was refused too late"
	[ ! -e "$STATE/$ID" ] || fail "state directory $STATE/$ID left behind"
}

# ---------------------------------------------------------------- scheduler

test_scheduler_batch_nice() {
	cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	run_ok "$STAT_NICE_PRIO_POLICY"
	assert_eq "5 0 3" "$OUT" "nice rt_priority policy (SCHED_BATCH = 3)"
}

test_scheduler_idle() {
	cfg '.process.scheduler = {policy: "SCHED_IDLE"}'
	run_ok "$STAT_NICE_PRIO_POLICY"
	assert_eq "0 0 5" "$OUT" "nice rt_priority policy (SCHED_IDLE = 5)"
}

test_scheduler_fifo_priority() {
	cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 1, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
	if rt_group_sched; then
		cfg '.linux.resources.cpu.realtimeRuntime = 10000'
	fi
	# reset-on-fork: the shell's child `cat` is back to SCHED_OTHER
	set_args sh -c "grep -E '^(policy|prio) ' /proc/\$\$/sched | tr -s ' '; $STAT_NICE_PRIO_POLICY"
	run_ctr
	assert_ok
	assert_eq $'policy : 1\nprio : 98\n0 0 0' "$OUT" "the shell's policy and prio (99 - 1), then its child's"
}

test_scheduler_fifo_without_rt_runtime_says_why() {
	rt_group_sched || skip "no cgroup v1 real-time group scheduling on this host"
	cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 1}'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'process\.scheduler' 'SCHED_FIFO' 'realtimeRuntime' 'Operation not permitted'
}

test_scheduler_deadline() {
	[ -e /proc/sys/kernel/sched_deadline_period_max_us ] || skip "kernel without SCHED_DEADLINE"
	cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 1000000, deadline: 2000000, period: 4000000}'
	# A SCHED_DEADLINE task cannot fork: no shell, the process reads itself.
	set_args cat /proc/self/sched
	run_ctr
	assert_ok
	# dl.runtime is the budget left in the current period, so it shrinks
	# while the task runs (under load it is no longer the configured one).
	assert_eq 'policy : 6' "$(grep -E '^policy ' <<<"$OUT" | tr -s ' ')"
}

test_scheduler_exec() {
	cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	# runc: exec without --process runs the config's process, scheduler included
	nk exec "$ID" sh -c "$STAT_NICE_PRIO_POLICY"
	assert_ok
	assert_eq "7 0 3" "$OUT" "exec with the config's scheduler"
	jq -n '{cwd: "/", args: ["sh", "-c", $s], scheduler: {policy: "SCHED_IDLE"}}' \
		--arg s "$STAT_NICE_PRIO_POLICY" >"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_ok
	assert_eq "0 0 5" "$OUT" "exec with the --process file's scheduler"
}

test_scheduler_exec_bad_process_refused() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	jq -n '{cwd: "/", args: ["sh", "-c", "echo ran"], scheduler: {policy: "SCHED_RR"}}' \
		>"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_failed
	assert_eq "" "$OUT" "the exec process must not run"
	assert_contains "$ERR" "process.scheduler.priority: SCHED_RR needs a priority from 1 to 99"
	assert_eq running "$(status)" "the container after a refused exec"
}

test_scheduler_bad_priority_refused_before_create() {
	add_marker_hook
	cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 0}'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'process\.scheduler\.priority' 'SCHED_FIFO' '1 to 99'
	assert_nothing_made
}

test_scheduler_deadline_order_refused() {
	add_marker_hook
	cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 3000000, deadline: 2000000}'
	run_sh 'echo ran'
	assert_failed
	assert_error_line 'process\.scheduler\.runtime' 'must be <= deadline'
	assert_nothing_made
}

# ------------------------------------------------------------ memory policy

# The policy shows on every mapping of /proc/self/numa_maps; the line of the
# reader's own text is the first.
NUMA_POLICY='sed -n 1p /proc/self/numa_maps | cut -d" " -f2'

test_mempolicy_bind() {
	need_numa
	run_ok "$NUMA_POLICY"
	assert_eq default "$OUT" "without memoryPolicy"
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
	run_ok "$NUMA_POLICY"
	assert_eq bind:0 "$OUT"
}

test_mempolicy_preferred_static() {
	need_numa
	cfg '.linux.memoryPolicy = {mode: "MPOL_PREFERRED", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
	run_ok "$NUMA_POLICY"
	assert_eq prefer=static:0 "$OUT"
}

test_mempolicy_exec() {
	need_numa
	cfg '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	# as runc: exec processes get the container's memory policy too
	nk exec "$ID" sh -c "$NUMA_POLICY"
	assert_ok
	assert_eq interleave:0 "$OUT"
}

test_mempolicy_bad_nodes_refused_before_create() {
	add_marker_hook
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0-x"}'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'linux\.memoryPolicy\.nodes' '"0-x"'
	assert_nothing_made
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "10284838"}'
	run_sh 'echo ran'
	assert_failed
	assert_error_line 'linux\.memoryPolicy\.nodes' 'node 10284838 is out of range'
	assert_nothing_made
}

test_mempolicy_bind_without_nodes_refused() {
	add_marker_hook
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND"}'
	run_sh 'echo ran'
	assert_failed
	assert_error_line 'linux\.memoryPolicy\.nodes' 'MPOL_BIND needs at least one node'
	assert_nothing_made
}

harness_main "$@"
