#!/bin/bash
# Seccomp notify (config-linux.md "Seccomp": SCMP_ACT_NOTIFY, listenerPath,
# listenerMetadata; "The Container Process State"): the listener fd goes to
# the agent at listenerPath with the container's state, and the agent's
# answers are what the workload's syscalls return. The agent is
# tests/lib/seccomp_agent.c, built here.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_notify_without_listener_path test_notify_listener_unreachable \
	test_notify_default_action_refused test_notify_sendmsg_refused

# notify_rules [LISTENER-PATH [METADATA]]: defaultAction ALLOW, mkdir and
# mkdirat notified.
notify_rules() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	       architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	       syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}
	     | if $p != "" then .linux.seccomp.listenerPath = $p else . end
	     | if $m != "" then .linux.seccomp.listenerMetadata = $m else . end' \
		--arg p "${1:-}" --arg m "${2:-}"
}

# start_agent MODE: the agent listening on $SOCK, logging to $AGENT_LOG.
start_agent() {
	[ "$(uname -m)" = x86_64 ] || skip "the agent's syscall numbers are x86_64's"
	command -v cc >/dev/null || skip "no C compiler for the agent"
	cc -O2 -Wall -o "$T/agent" "$HARNESS_REPO/tests/lib/seccomp_agent.c" || fail "build the agent"
	SOCK=$T/agent.sock
	AGENT_LOG=$T/agent.log
	"$T/agent" "$SOCK" "$AGENT_LOG" "$1" >"$T/agent.out" 2>"$T/agent.err" &
	on_exit "kill -9 $! 2>/dev/null; wait $! 2>/dev/null || true"
	wait_content "$T/agent.out" ready
}

# the JSON line of connection N (1, 2, ...) of the agent's log
state_line() { grep '^{' "$AGENT_LOG" | sed -n "${1}p"; }

test_notify_errno() {
	start_agent errno:1
	notify_rules "$SOCK"
	run_sh '{ mkdir /tmp/x; } 2>&1; echo "rc=$?"; touch /tmp/y && echo touch-ok'
	assert_ok
	assert_eq $'mkdir: can\'t create directory \'/tmp/x\': Operation not permitted\nrc=1\ntouch-ok' "$OUT"
	assert_match "$(cat "$AGENT_LOG")" $'\nnotify mkdir(at)? [0-9]+' "agent log"
}

test_notify_with_no_new_privileges() {
	start_agent errno:1
	notify_rules "$SOCK"
	cfg '.process.noNewPrivileges = true'
	run_sh '{ mkdir /tmp/x; } 2>&1; grep "^NoNewPrivs:" /proc/self/status | tr -s "\t " " "'
	assert_ok
	assert_eq $'mkdir: can\'t create directory \'/tmp/x\': Operation not permitted\nNoNewPrivs: 1' "$OUT"
}

# The filter is loaded before READY: startContainer hooks (runtime.md
# lifecycle 7) run under it, as the workload does, and the agent answers.
test_notify_start_container_hook() {
	start_agent errno:1
	notify_rules "$SOCK"
	cfg '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "mkdir /tmp/h 2>/dev/null || touch /tmp/h-refused"]}]'
	run_sh 'ls /tmp'
	assert_ok
	assert_eq h-refused "$OUT"
}

test_notify_errno_other_value() {
	start_agent errno:28
	notify_rules "$SOCK"
	run_sh '{ mkdir /tmp/x; } 2>&1; true'
	assert_ok
	assert_contains "$OUT" "No space left on device"
}

test_notify_continue() {
	start_agent continue
	notify_rules "$SOCK"
	run_sh 'mkdir /tmp/x && test -d /tmp/x && echo made'
	assert_ok
	assert_eq made "$OUT"
	assert_match "$(cat "$AGENT_LOG")" $'\nnotify mkdir(at)? [0-9]+' "agent log (the kernel asked the agent)"
}

# config-linux.md "The Container Process State": ociVersion, fds
# ["seccompFd"], pid, metadata, state (the container's, "creating").
test_notify_state_and_metadata() {
	start_agent continue
	notify_rules "$SOCK" 'MKNOD=/dev/null;some "quoted" text'
	cfg '.annotations = {"org.example.key": "value"}'
	create_ctr
	assert_ok
	local pid line
	pid=$(init_pid)
	line=$(state_line 1)
	echo "state: $line" >&2
	assert_eq 1.3.0 "$(jq -r .ociVersion <<<"$line")" "ociVersion"
	assert_eq '["seccompFd"]' "$(jq -c .fds <<<"$line")" "fds"
	assert_eq "$pid" "$(jq -r .pid <<<"$line")" "pid"
	assert_eq 'MKNOD=/dev/null;some "quoted" text' "$(jq -r .metadata <<<"$line")" "metadata"
	assert_eq "$ID" "$(jq -r .state.id <<<"$line")" "state.id"
	assert_eq creating "$(jq -r .state.status <<<"$line")" "state.status"
	assert_eq "$pid" "$(jq -r .state.pid <<<"$line")" "state.pid"
	assert_eq "$BUNDLE" "$(jq -r .state.bundle <<<"$line")" "state.bundle"
	assert_eq value "$(jq -r '.state.annotations["org.example.key"]' <<<"$line")" "state.annotations"
	assert_not_contains "$(cat "$AGENT_LOG")" "error:" "agent log"
	# without listenerMetadata, no metadata member
	nk delete --force "$ID"
	assert_ok
}

test_notify_no_metadata_member() {
	start_agent continue
	notify_rules "$SOCK"
	run_ok true
	assert_eq false "$(state_line 1 | jq 'has("metadata")')"
}

# runc sends the state for exec's process too: its pid, the running state.
test_notify_exec() {
	start_agent errno:1
	notify_rules "$SOCK"
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	nk exec "$ID" sh -c '{ mkdir /tmp/x; } 2>&1; echo "rc=$?"; echo $$'
	assert_ok
	local lines line
	mapfile -t lines <<<"$OUT"
	assert_eq "mkdir: can't create directory '/tmp/x': Operation not permitted" "${lines[0]}"
	assert_eq rc=1 "${lines[1]}"
	line=$(state_line 2)
	echo "exec state: $line" >&2
	assert_eq running "$(jq -r .state.status <<<"$line")" "exec: state.status"
	assert_eq "$(init_pid)" "$(jq -r .state.pid <<<"$line")" "exec: state.pid"
	assert_ne "$(init_pid)" "$(jq -r .pid <<<"$line")" "exec: pid is the exec'd process's"
	assert_eq '["seccompFd"]' "$(jq -c .fds <<<"$line")" "exec: fds"
	nk delete --force "$ID"
	assert_ok
}

# A rule without a listener is useless; refused before anything is made.
test_notify_without_listener_path() {
	notify_rules ""
	create_ctr
	assert_failed
	assert_error_line 'linux\.seccomp\.listenerPath: required when an action is SCMP_ACT_NOTIFY'
	assert_eq "" "$(ls -A "$STATE" 2>/dev/null)" "state dir"
}

# config-linux.md: "If sending to this socket fails, the runtime MUST
# generate an error"; nothing stays behind (the harness checks processes,
# cgroups, mounts and state).
test_notify_listener_unreachable() {
	notify_rules "$T/nobody-listens.sock"
	create_ctr
	assert_failed
	assert_error_line "linux\.seccomp\.listenerPath $T/nobody-listens\.sock: connect to the seccomp agent: No such file or directory"
	assert_eq "" "$(ls -A "$STATE" 2>/dev/null)" "state dir"
	run_sh true
	assert_failed
	assert_contains "$ERR" "connect to the seccomp agent"
}

# The spec: listenerPath is ignored when no action is SCMP_ACT_NOTIFY.
test_listener_path_without_notify_ignored() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p, listenerMetadata: "m"}' \
		--arg p "$T/nobody-listens.sock"
	run_ok 'mkdir /tmp/x && echo made'
	assert_eq made "$OUT"
}

test_notify_default_action_refused() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/x"}'
	create_ctr
	assert_failed
	assert_error_line 'not supported: linux\.seccomp\.defaultAction: SCMP_ACT_NOTIFY'
}

test_notify_sendmsg_refused() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/x",
	       syscalls: [{names: ["mkdir", "sendmsg"], action: "SCMP_ACT_NOTIFY"}]}'
	create_ctr
	assert_failed
	assert_error_line 'not supported: linux\.seccomp\.syscalls\[0\]\.names\[1\]: SCMP_ACT_NOTIFY for sendmsg'
}

harness_main "$@"
