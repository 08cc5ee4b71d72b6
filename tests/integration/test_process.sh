#!/bin/bash
# process: user, umask, cwd, env, args, rlimits, oomScoreAdj, personality,
# exit codes, terminal.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

status_field() { # FIELD: awk program printing a /proc/self/status field inside
	printf 'awk -F"\\t" "/^%s:/ {print \\$2}" /proc/self/status' "$1"
}

test_user_uid_gid() {
	cfg '.process.user = {uid: 1000, gid: 1001}'
	run_ok 'id -u; id -g; grep -E "^(Uid|Gid):" /proc/self/status | tr -s "\t " " "'
	assert_eq $'1000\n1001\nUid: 1000 1000 1000 1000\nGid: 1001 1001 1001 1001' "$OUT"
}

test_user_additional_gids() {
	cfg '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 100, 2000]}'
	run_ok "$(status_field Groups) | tr -s ' ' '\n' | grep . | sort -n | tr '\n' ' '"
	assert_eq "5 100 2000 " "$OUT" "supplementary groups"
}

test_user_no_additional_gids_means_none() {
	cfg '.process.user = {uid: 1000, gid: 1001}'
	run_ok "$(status_field Groups) | tr -d ' '"
	assert_eq "" "$OUT" "supplementary groups"
}

test_umask() {
	cfg '.process.user.umask = 23' # 0027
	run_ok 'umask; touch /tmp/f; stat -c %a /tmp/f'
	assert_eq $'0027\n640' "$OUT"
}

test_cwd() {
	mkdir -p "$ROOTFS/work/dir"
	cfg '.process.cwd = "/work/dir"'
	run_ok 'pwd'
	assert_eq /work/dir "$OUT"
}

test_env() {
	cfg '.process.env += ["NOOK_GREETING=hello world", "EMPTY="]'
	run_ok 'echo "$NOOK_GREETING"; env | grep -c "^EMPTY=$"; echo "$PATH"'
	assert_eq $'hello world\n1\n/usr/sbin:/usr/bin:/sbin:/bin' "$OUT"
}

test_env_only_from_config() {
	export NOOK_HOST_ONLY=leak
	run_ok 'env | grep -c NOOK_HOST_ONLY || true'
	assert_eq 0 "$OUT" "host environment variables in the container"
}

test_args_passed_verbatim() {
	set_args sh -c 'for a in "$@"; do printf "[%s]" "$a"; done' argv0 "a b" "" '$HOME' "-x"
	run_ctr
	assert_ok
	assert_eq '[a b][][$HOME][-x]' "$OUT"
}

test_args_path_lookup() {
	# args[0] without a slash is looked up in the config's PATH
	set_args busybox echo found
	run_ctr
	assert_ok
	assert_eq found "$OUT"
}

test_rlimit_nofile_lowered() {
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 200}]'
	run_ok 'ulimit -n; ulimit -Hn; grep "Max open files" /proc/self/limits | tr -s " "'
	assert_eq $'100\n200\nMax open files 100 200 files ' "$OUT"
}

test_rlimit_nproc_and_core() {
	cfg '.process.rlimits = [{type: "RLIMIT_CORE", soft: 0, hard: 0},
	                          {type: "RLIMIT_NPROC", soft: 50, hard: 60}]'
	run_ok 'grep -E "Max (core file size|processes)" /proc/self/limits | tr -s " "'
	assert_eq $'Max core file size 0 0 bytes \nMax processes 50 60 processes ' "$OUT"
}

runc_gap test_rlimit_duplicate_refused "runc 1.1 applies both entries"
test_rlimit_duplicate_refused() {
	# control: one entry runs
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 200}]'
	run_ok 'ulimit -n'
	assert_eq 100 "$OUT" "soft limit with one entry"
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 200},
	                          {type: "RLIMIT_NOFILE", soft: 50, hard: 60}]'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
}

nook_specific test_rlimit_hard_above_host_needs_cap_sys_resource
test_rlimit_hard_above_host_needs_cap_sys_resource() {
	if host_has_cap 24; then
		skip "this host has CAP_SYS_RESOURCE: hard limits can be raised"
	fi
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "the hard limit of open files is unlimited here"
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $h}]' --argjson h $((hard + 1))
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'RLIMIT_NOFILE' 'CAP_SYS_RESOURCE'
}

test_oom_score_adj_raised() {
	cfg '.process.oomScoreAdj = 500'
	run_ok 'cat /proc/self/oom_score_adj'
	assert_eq 500 "$OUT"
}

test_oom_score_adj_unset_inherits() {
	run_ok 'cat /proc/self/oom_score_adj'
	assert_eq "$(cat /proc/self/oom_score_adj)" "$OUT" "oom_score_adj without oomScoreAdj (the runtime's own)"
}

runc_gap test_personality_linux32 "runc 1.1 ignores linux.personality"
test_personality_linux32() {
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 is checked on x86_64 only (this is $(uname -m))"
	cfg '.linux.personality = {domain: "LINUX32"}'
	run_ok 'uname -m'
	assert_match "$OUT" '^i[3-6]86$' "uname -m under LINUX32"
}

test_exit_code_passed_through() {
	run_sh 'exit 3'
	assert_exit 3
}

test_exit_code_zero_and_max() {
	run_sh 'exit 255'
	assert_exit 255
}

test_exit_killed_by_sigkill_is_137() {
	# pid 1 of a pid namespace cannot be SIGKILLed from inside it, so run
	# without one: `kill -9 $$` then kills the container process itself
	remove_ns pid
	run_sh 'kill -9 $$; echo survived'
	assert_exit 137
	assert_eq "" "$OUT"
}

test_exit_killed_by_sigterm_is_143() {
	remove_ns pid
	run_sh 'kill -TERM $$; sleep 5; echo survived'
	assert_exit 143
}

# Without its own pid namespace, what the init leaves behind is orphaned
# when it exits. `run` returns only when nothing of the container is left
# (runtime.md "delete": its resources are gone): as runc run does, nook is
# the subreaper of those orphans, kills them with the cgroup and reaps them,
# instead of leaving zombies for the host's pid 1 to reap (some reap late).
test_run_reaps_orphans_without_pid_namespace() {
	remove_ns pid
	run_ok 'sleep 100 & echo $! >/tmp/child; (sleep 100 &); exit 0'
	local child stat
	child=$(cat "$ROOTFS/tmp/child")
	# a pid reused since is not the child: only one in the container's cgroup is
	if { stat=$(cat "/proc/$child/stat") && grep -qE "/$ID( |\$)" "/proc/$child/cgroup"; } 2>/dev/null; then
		fail "process $child of the container still exists after run returned: $stat"
	fi
	local left
	left=$(grep -lsE "/$ID( |\$)" /proc/[0-9]*/cgroup || true)
	assert_eq "" "$left" "processes in the container's cgroup after run returned"
}

test_stdout_and_stderr_separate() {
	run_ok 'echo to-out; echo to-err >&2'
	assert_eq to-out "$OUT"
	assert_eq to-err "$ERR"
}

test_terminal_without_console_socket() {
	command -v script >/dev/null || skip "script (bsdutils) is not installed"
	cfg '.process.terminal = true'
	set_args sh -c 'tty; echo "stdin-is-tty=$([ -t 0 ] && echo yes || echo no)"'
	local rc=0
	timeout -k 5 20 script -qec "$(printf '%q ' "$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$ID")" /dev/null \
		</dev/null >"$T/out" 2>&1 || rc=$?
	OUT=$(tr -d '\r' <"$T/out")
	echo "script: exit $rc, output: $OUT" >&2
	assert_eq 0 "$rc" "exit code"
	assert_match "$OUT" '/dev/(pts/[0-9]+|console)'$'\n' "tty inside"
	assert_contains "$OUT" "stdin-is-tty=yes"
}

# ---- seccomp goes in last (issue 8): after the filter only execve runs ----

# What static busybox needs to run `echo` and `sleep` (strace), and nothing
# of nook's own steps: no faccessat2 (the executable lookup), close_range,
# setgroups, setresuid, capset, sendmsg, read. runc loads the filter "as
# close to execve as possible" so that profiles need few syscalls; OCI's own
# validation configs are such deny-by-default lists.
BUSYBOX_ONLY='["execve", "arch_prctl", "brk", "set_tid_address", "set_robust_list", "rseq",
  "prlimit64", "getrandom", "mprotect", "readlink", "getuid", "geteuid", "prctl", "write",
  "exit_group", "exit", "clock_nanosleep", "nanosleep", "rt_sigreturn"]'

# seccomp_busybox_only: deny (EPERM) everything busybox does not need.
seccomp_busybox_only() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}' --argjson n "$BUSYBOX_ONLY"
}

test_seccomp_deny_by_default_with_no_new_privileges() {
	seccomp_busybox_only
	cfg '.process.noNewPrivileges = true | .process.user = {uid: 1000, gid: 1000}'
	set_args echo hello
	run_ctr
	assert_ok
	assert_eq hello "$OUT"
}

test_seccomp_deny_by_default_without_no_new_privileges() {
	# Without no_new_privs, loading needs CAP_SYS_ADMIN: runc loads the
	# filter before the user switch, so its profile must allow setresuid,
	# capset...; nook keeps CAP_SYS_ADMIN until execve and loads last.
	seccomp_busybox_only
	cfg '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
	set_args echo hello
	run_ctr
	assert_ok
	assert_eq hello "$OUT"
}

# Keeping CAP_SYS_ADMIN until execve must not reach the workload: its sets
# are what the config says, as without a filter.
test_seccomp_without_no_new_privileges_keeps_configured_caps() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
	cfg '.process.noNewPrivileges = false'
	cfg '.process.capabilities = {bounding: ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"],
		effective: ["CAP_KILL"], permitted: ["CAP_KILL"], inheritable: ["CAP_KILL"],
		ambient: ["CAP_KILL"]}'
	local script='grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|Seccomp):" /proc/self/status | tr -s "\t " " "'
	cfg '.process.user = {uid: 1000, gid: 1000}'
	run_ok "$script"
	local k b
	k=$(cap_mask CAP_KILL)
	b=$(cap_mask CAP_KILL CAP_CHOWN CAP_NET_RAW)
	assert_eq "CapInh: $k
CapPrm: $k
CapEff: $k
CapBnd: $b
CapAmb: $k
Seccomp: 2" "$OUT" "capabilities of uid 1000"
	# root: permitted and effective are the bounding set after execve
	cfg '.process.user = {uid: 0, gid: 0}'
	run_ok "$script"
	assert_eq "CapInh: $k
CapPrm: $b
CapEff: $b
CapBnd: $b
CapAmb: $k
Seccomp: 2" "$OUT" "capabilities of root"
}

# ---- HOME, cwd, session (issue 8; runc and crun do each) ----

test_home_from_passwd() {
	cfg '.process.env = ["PATH=/bin"]'
	run_ok 'echo "$HOME"'
	assert_eq /root "$OUT" "HOME of uid 0 (root:...:/root in the container's /etc/passwd)"
	cfg '.process.user = {uid: 65534, gid: 65534}'
	run_ok 'echo "$HOME"'
	assert_eq /nonexistent "$OUT" "HOME of uid 65534"
}

test_home_unknown_uid_is_root_dir() {
	cfg '.process.user = {uid: 101010, gid: 101010}'
	run_ok 'echo "$HOME"; env | grep -c "^HOME="'
	assert_eq $'/\n1' "$OUT"
}

test_home_from_env_is_kept() {
	cfg '.process.env += ["HOME=/my/home"]'
	run_ok 'echo "$HOME"; env | grep -c "^HOME="'
	assert_eq $'/my/home\n1' "$OUT"
}

test_home_passwd_not_a_file_is_root_dir() {
	rm -f "$ROOTFS/etc/passwd"
	mkfifo "$ROOTFS/etc/passwd"
	run_ok 'echo "$HOME"'
	assert_eq / "$OUT" "HOME with a fifo for /etc/passwd"
}

test_cwd_missing_is_created() {
	cfg '.process.cwd = "/made/by/nook" | .root.readonly = true'
	run_ok 'pwd'
	assert_eq /made/by/nook "$OUT"
	[ -d "$ROOTFS/made/by/nook" ] || fail "cwd not created in the rootfs"
	assert_eq 755 "$(stat -c %a "$ROOTFS/made/by/nook")" "mode of the created cwd"
}

# /proc/PID/stat fields 5 and 6: process group and session.
PGRP_SID='read -r pid _ _ _ pgrp sid _ </proc/$$/stat; echo "$pid $pgrp $sid"'

test_init_is_session_leader() {
	run_ok "$PGRP_SID"
	assert_eq "1 1 1" "$OUT" "pid, process group and session of the init"
	remove_ns pid
	run_ok "$PGRP_SID"
	local f
	read -r -a f <<<"$OUT"
	assert_eq "${f[0]} ${f[0]}" "${f[1]} ${f[2]}" "process group and session without a pid namespace"
}

# ---- oomScoreAdj from the runtime's side (issue 8) ----

test_oom_score_adj_in_user_namespace() {
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	cfg '.process.oomScoreAdj = 400'
	run_ok 'cat /proc/self/oom_score_adj'
	assert_eq 400 "$OUT"
}

test_oom_score_adj_without_proc_mount() {
	cfg '.mounts |= map(select(.destination != "/proc"))'
	cfg '.process.oomScoreAdj = 300'
	set_args sh -c 'echo ran'
	run_ctr
	assert_ok
	assert_eq ran "$OUT"
}

test_oom_score_adj_lowering_needs_cap_sys_resource() {
	if host_has_cap 24; then
		skip "this host has CAP_SYS_RESOURCE: oom_score_adj can be lowered"
	fi
	local cur
	cur=$(cat /proc/self/oom_score_adj)
	[ "$cur" -gt -1000 ] || skip "oom_score_adj is already -1000 here"
	cfg '.process.oomScoreAdj = $v' --argjson v $((cur - 1))
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'oomScoreAdj' 'CAP_SYS_RESOURCE'
}
nook_specific test_oom_score_adj_lowering_needs_cap_sys_resource

test_terminal_init_is_session_leader() {
	command -v script >/dev/null || skip "script (bsdutils) is not installed"
	cfg '.process.terminal = true'
	set_args sh -c 'read -r pid _ _ _ pgrp sid tty _ </proc/$$/stat; echo "ids $pid $pgrp $sid $tty"'
	local rc=0
	timeout -k 5 20 script -qec "$(printf '%q ' "$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$ID")" /dev/null \
		</dev/null >"$T/out" 2>&1 || rc=$?
	OUT=$(tr -d '\r' <"$T/out" | grep -o 'ids [0-9 ]*' || true)
	echo "script: exit $rc, output: $(cat "$T/out")" >&2
	assert_eq 0 "$rc" "exit code"
	local f
	read -r -a f <<<"$OUT"
	assert_eq "1 1 1" "${f[1]:-} ${f[2]:-} ${f[3]:-}" "pid, process group and session"
	assert_ne 0 "${f[4]:-0}" "controlling terminal"
}

harness_main "$@"
