#!/bin/bash
# exec into a running container, and terminals through --console-socket.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_exec_missing_command test_exec_on_stopped_or_missing \
	test_create_terminal_without_console_socket

# start_long [RUN-OPTIONS...]: a running container whose init loops; PID is its pid.
start_long() {
	set_args sh -c "$LONG_RUNNING"
	run_detached "$@"
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	PID=$(init_pid)
}

test_exec_output_and_exit_code() {
	start_long
	nk exec "$ID" sh -c 'echo out; echo err >&2; exit 7'
	assert_exit 7
	assert_eq out "$OUT"
	assert_eq err "$ERR"
	nk exec "$ID" sh -c 'kill -9 $$'
	assert_exit 137
	nk exec "$ID" true
	assert_ok
	assert_eq running "$(status)"
}

test_exec_joins_pid_namespace_and_cgroup() {
	start_long
	nk exec "$ID" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
	assert_ok
	local lines
	mapfile -t lines <<<"$OUT"
	assert_eq "sh -c $LONG_RUNNING " "${lines[0]}" "pid 1 seen by exec"
	assert_ne 1 "${lines[1]}" "exec's own pid"
	nk exec "$ID" ps
	assert_ok
	assert_match "$OUT" '(^|'$'\n'') +1 +root +sh -c touch' "ps in the container"
	nk exec "$ID" cat /proc/self/cgroup
	assert_ok
	assert_eq "$(cat "/proc/$PID/cgroup")" "$OUT" "cgroup of exec and of the init"
	nk exec "$ID" sh -c 'for n in mnt net uts ipc pid; do readlink /proc/self/ns/$n; done'
	assert_ok
	local n want=""
	for n in mnt net uts ipc pid; do want+="$(readlink "/proc/$PID/ns/$n")"$'\n'; done
	assert_eq "${want%$'\n'}" "$OUT" "namespaces of exec and of the init"
}

test_exec_env_and_cwd() {
	start_long
	nk exec --env FOO=bar --env TERM=dumb --cwd /tmp "$ID" sh -c 'echo "$FOO $TERM $PATH"; pwd'
	assert_ok
	assert_eq $'bar dumb /usr/sbin:/usr/bin:/sbin:/bin\n/tmp' "$OUT"
}

test_exec_user_and_groups() {
	start_long
	nk exec --user 1000:1000 "$ID" sh -c 'id -u; id -g; id -G'
	assert_ok
	assert_eq $'1000\n1000\n1000' "$OUT"
	nk exec --user 1000:1000 --additional-gids 5 --additional-gids 44 "$ID" id -G
	assert_ok
	assert_eq "1000 5 44" "$OUT" "groups with --additional-gids"
	nk exec --user 1000 "$ID" sh -c 'id -u; id -g'
	assert_ok
	assert_eq $'1000\n0' "$OUT" "--user without a gid"
}

test_exec_cap_added() {
	start_long
	nk exec "$ID" grep CapEff /proc/self/status
	assert_ok
	assert_eq "$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)" "$(awk '{print $2}' <<<"$OUT")" "CapEff without --cap"
	nk exec --cap CAP_SYS_ADMIN "$ID" grep CapEff /proc/self/status
	assert_ok
	assert_eq "$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_ADMIN)" "$(awk '{print $2}' <<<"$OUT")" "CapEff with --cap CAP_SYS_ADMIN"
}

test_exec_no_new_privs() {
	start_long
	nk exec "$ID" grep NoNewPrivs /proc/self/status
	assert_ok
	assert_eq 0 "$(awk '{print $2}' <<<"$OUT")" "NoNewPrivs without the flag"
	nk exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
	assert_ok
	assert_eq 1 "$(awk '{print $2}' <<<"$OUT")" "NoNewPrivs with --no-new-privs"
}

test_exec_process_file() {
	start_long
	jq -n '{terminal: false, user: {uid: 1000, gid: 1000}, cwd: "/tmp",
		env: ["PATH=/bin:/usr/bin", "FOO=from-file"],
		args: ["sh", "-c", "echo \"$FOO\"; pwd; id -u; exit 3"]}' >"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_exit 3
	assert_eq $'from-file\n/tmp\n1000' "$OUT"
}

test_exec_detach_pid_file() {
	start_long
	nk exec --detach --pid-file "$T/exec.pid" "$ID" sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; echo done >/tmp/exec-done'
	assert_ok
	local epid
	epid=$(cat "$T/exec.pid")
	assert_match "$epid" '^[0-9]+$' "pid file"
	alive "$epid" || fail "the detached process $epid is not alive"
	assert_eq "$(readlink "/proc/$PID/ns/pid")" "$(readlink "/proc/$epid/ns/pid")" "pid namespace of the detached process"
	assert_contains "$(tr '\0' ' ' <"/proc/$epid/cmdline")" "while [ ! -e /tmp/go ]"
	touch "$ROOTFS/tmp/go"
	wait_content "$ROOTFS/tmp/exec-done" '^done$'
	wait_gone "$epid"
}

test_exec_tty_under_script() {
	start_long
	RC=0
	timeout -k 5 20 script -qec "$NOOK --root $STATE exec --tty $ID sh -c 'tty; test -t 0 && echo stdin-is-tty; exit 4'" /dev/null \
		</dev/null >"$T/out" 2>"$T/err" || RC=$?
	# script with stdin at end-of-file types a NUL, echoed as ^@ (runc too)
	OUT=$(tr -d '\r' <"$T/out" | sed 's/^\^@//')
	echo "script: exit $RC; out: $(od -c "$T/out" | head -5); err: $(cat "$T/err")" >&2
	assert_exit 4
	assert_match "$OUT" '(^|'$'\n'')/dev/pts/[0-9]+'$'\n''stdin-is-tty' "output of tty"
}

test_exec_seccomp_applies() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	start_long
	nk exec "$ID" mkdir /tmp/x
	assert_exit 1
	assert_contains "$ERR" "Operation not permitted"
	[ ! -e "$ROOTFS/tmp/x" ] || fail "mkdir in exec worked despite the seccomp rule"
	nk exec "$ID" grep Seccomp: /proc/self/status
	assert_ok
	assert_eq 2 "$(awk '{print $2}' <<<"$OUT")" "Seccomp mode of exec"
	nk exec "$ID" touch /tmp/y
	assert_ok
}

test_exec_on_stopped_or_missing() {
	set_args true
	run_ctr --keep
	on_exit 'force_delete "$ID"'
	assert_ok
	assert_eq stopped "$(status)"
	nk exec "$ID" echo hi
	assert_exit 255
	assert_error_line 'stopped'
	assert_eq "" "$OUT"
	nk delete "$ID"
	assert_ok
	nk exec "$ID" echo hi
	assert_exit 255
	assert_error_line 'does not exist'
}

test_exec_missing_command() {
	start_long
	nk exec "$ID" no-such-command
	assert_exit 255
	assert_error_line 'no-such-command'
	nk exec "$ID" /bin/no-such-command
	assert_exit 255
	assert_error_line '/bin/no-such-command'
	assert_eq running "$(status)"
}

# ------------------------------------------------------------ 6. console socket

# recv_server SOCKET OUTFILE [EXIT-CODE]: a python receiver in the background
# (RECV is its pid): takes one fd by SCM_RIGHTS, types a command into the pty,
# reads until the output shows, then types "exit N" and reads to the end.
recv_server() {
	cat >"$T/recv.py" <<'EOF'
import os, socket, sys, time
path, out, code = sys.argv[1], sys.argv[2], sys.argv[3]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(20)
conn, _ = srv.accept()
msg, fds, flags, addr = socket.recv_fds(conn, 4096, 1)
if not fds:
    sys.exit("no fd received")
fd = fds[0]
log = open(out, "wb", buffering=0)
log.write(b"fd-received\n")
os.write(fd, b"echo hi-from-$((6*7))\n")
buf = b""
deadline = time.time() + 15
sent_exit = False
while time.time() < deadline:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    buf += data
    log.write(data)
    if not sent_exit and b"hi-from-42" in buf:
        os.write(fd, b"exit " + code.encode() + b"\n")
        sent_exit = True
log.write(b"\nreceiver-done\n")
EOF
	python3 "$T/recv.py" "$1" "$2" "${3:-0}" >"$T/recv.log" 2>&1 &
	RECV=$!
	on_exit "kill $RECV 2>/dev/null || true"
	wait_for_file "$1"
}

wait_recv() {
	poll_exit "$RECV" 10 || fail "the receiver did not end: $(cat "$T/pty.out" 2>/dev/null)"
	local rc=0
	wait "$RECV" || rc=$?
	echo "receiver: exit $rc; $(cat "$T/recv.log")" >&2
	[ "$rc" -eq 0 ] || fail "receiver failed: $(cat "$T/recv.log")"
}

test_create_console_socket() {
	cfg '.process.terminal = true'
	set_args sh
	recv_server "$T/console.sock" "$T/pty.out" 0
	create_ctr --console-socket "$T/console.sock"
	assert_ok
	assert_eq created "$(status)"
	nk start "$ID"
	assert_ok
	wait_recv
	assert_contains "$(cat "$T/pty.out")" "fd-received"
	assert_match "$(tr -d '\r' <"$T/pty.out")" $'\n''hi-from-42'$'\n' "pty output"
	wait_status stopped
	nk delete "$ID"
	assert_ok
}

test_exec_tty_console_socket() {
	start_long
	recv_server "$T/console.sock" "$T/pty.out" 6
	nk exec --tty --console-socket "$T/console.sock" "$ID" sh
	assert_exit 6
	wait_recv
	assert_match "$(tr -d '\r' <"$T/pty.out")" $'\n''hi-from-42'$'\n' "pty output"
	assert_eq running "$(status)"
}

# ------------------------------------------------------ 7. the children's warnings
# Issue 8: what the init and the exec'd child say before execve (here: an
# unknown capability, a warning by runtime-spec 1.3 config.md) reaches the
# runtime and leaves by its route: the --log file in its format, or its
# stderr; never the container's stdio.

nook_specific test_exec_warning_in_json_log test_exec_tty_warning_not_in_pty \
	test_create_warning_in_json_log test_create_tty_warning_not_in_pty

# json_warning FILE NEEDLE: FILE has a JSON line of level warning naming NEEDLE.
json_warning() {
	# -s: an empty file is [], not a pass
	jq -s -e --arg n "$2" \
		'any(.[]; .level == "warning" and (.msg | contains($n)) and (.time | test("^[0-9]{4}-")))' \
		"$1" >/dev/null || fail "no json warning about $2 in the log: $(cat "$1")"
}

test_exec_warning_in_json_log() {
	start_long
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" --log "$T/log" --log-format json \
		exec --cap CAP_FOO "$ID" sh -c 'echo out; echo err >&2' </dev/null >"$T/out" 2>"$T/err" || RC=$?
	assert_ok
	assert_eq out "$(cat "$T/out")" "stdout"
	assert_eq err "$(cat "$T/err")" "stderr (the exec'd process's only)"
	json_warning "$T/log" CAP_FOO
}

test_exec_tty_warning_not_in_pty() {
	start_long
	recv_server "$T/console.sock" "$T/pty.out" 0
	nk exec --tty --console-socket "$T/console.sock" --cap CAP_FOO "$ID" sh
	assert_ok
	wait_recv
	assert_match "$(tr -d '\r' <"$T/pty.out")" $'\n''hi-from-42'$'\n' "pty output"
	assert_not_contains "$(cat "$T/pty.out")" CAP_FOO "pty output"
	assert_match "$ERR" '^nook: warning: .*CAP_FOO' "stderr of nook exec"
}

test_create_warning_in_json_log() {
	set_args sh -c 'echo started >&2'
	set_caps CAP_KILL CAP_FOO
	on_exit 'force_delete "$ID"'
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" --log "$T/log" --log-format json \
		create --bundle "$BUNDLE" "$ID" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" || RC=$?
	assert_ok
	json_warning "$T/log" CAP_FOO
	nk start "$ID"
	assert_ok
	wait_status stopped
	assert_eq started "$(cat "$T/ctr.err")" "the container's stderr"
}

test_create_tty_warning_not_in_pty() {
	cfg '.process.terminal = true'
	set_args sh
	set_caps CAP_KILL CAP_FOO
	recv_server "$T/console.sock" "$T/pty.out" 0
	create_ctr --console-socket "$T/console.sock"
	assert_ok
	assert_match "$ERR" '^nook: warning: .*CAP_FOO' "stderr of nook create"
	nk start "$ID"
	assert_ok
	wait_recv
	assert_match "$(tr -d '\r' <"$T/pty.out")" $'\n''hi-from-42'$'\n' "pty output"
	assert_not_contains "$(cat "$T/pty.out")" CAP_FOO "pty output"
	wait_status stopped
}

test_create_terminal_without_console_socket() {
	cfg '.process.terminal = true'
	set_args sh
	create_ctr
	assert_exit 1
	assert_error_line 'console-socket'
	[ -z "$(ls -A "$STATE")" ] || fail "state left: $(ls -A "$STATE")"
}

# ---- issue 8: seccomp last, session, HOME, oomScoreAdj for exec ----

# What static busybox needs for `echo` and `sleep` (strace), none of nook's
# own steps (see test_process.sh): after the filter only execve may run.
BUSYBOX_ONLY='["execve", "arch_prctl", "brk", "set_tid_address", "set_robust_list", "rseq",
  "prlimit64", "getrandom", "mprotect", "readlink", "getuid", "geteuid", "prctl", "write",
  "exit_group", "exit", "clock_nanosleep", "nanosleep", "rt_sigreturn"]'

test_exec_seccomp_deny_by_default() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}' --argjson n "$BUSYBOX_ONLY"
	set_args sleep 60
	run_detached
	assert_ok
	assert_eq running "$(status)"
	nk exec --user 1000:1000 "$ID" echo without-nnp
	assert_ok
	assert_eq without-nnp "$OUT"
	nk exec --no-new-privs --user 1000:1000 "$ID" echo with-nnp
	assert_ok
	assert_eq with-nnp "$OUT"
}

test_exec_is_session_leader() {
	start_long
	nk exec "$ID" sh -c 'read -r pid _ _ _ pgrp sid _ </proc/$$/stat; echo "$pid $pgrp $sid"'
	assert_ok
	local f
	read -r -a f <<<"$OUT"
	assert_ne 0 "${f[0]}" "pid"
	assert_eq "${f[0]} ${f[0]}" "${f[1]} ${f[2]}" "process group and session of the exec'd process"
}

test_exec_home_of_its_user() {
	start_long
	nk exec --user 65534:65534 "$ID" sh -c 'echo "$HOME"'
	assert_ok
	assert_eq /nonexistent "$OUT" "HOME of uid 65534 from the container's /etc/passwd"
	nk exec --user 4242 "$ID" sh -c 'echo "$HOME"'
	assert_ok
	assert_eq / "$OUT" "HOME of a uid /etc/passwd does not list"
	nk exec --env HOME=/given "$ID" sh -c 'echo "$HOME"'
	assert_ok
	assert_eq /given "$OUT" "HOME given"
}

# A container without a /proc mount: from inside there is no
# /proc/self/oom_score_adj to write; the runtime writes it from outside.
test_exec_oom_score_adj_without_proc_mount() {
	cfg '.mounts |= map(select(.destination != "/proc"))'
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
	jq -n '{cwd: "/", user: {uid: 0, gid: 0}, oomScoreAdj: 600,
		args: ["sleep", "30"], env: ["PATH=/bin"]}' >"$T/process.json"
	nk exec --detach --pid-file "$T/exec.pid" --process "$T/process.json" "$ID"
	assert_ok
	local epid
	epid=$(cat "$T/exec.pid")
	assert_eq 600 "$(cat "/proc/$epid/oom_score_adj")" "oom_score_adj of the exec'd process"
	kill -KILL "$epid"
	wait_gone "$epid"
}

# With a terminal the process leads its session and the pty is its
# controlling terminal (field 7 of /proc/PID/stat, tty_nr, is not 0).
test_exec_tty_is_session_leader() {
	command -v script >/dev/null || skip "script (bsdutils) is not installed"
	start_long
	RC=0
	timeout -k 5 20 script -qec "$NOOK --root $STATE exec --tty $ID sh -c 'read -r pid _ _ _ pgrp sid tty _ </proc/\$\$/stat; echo \"ids \$pid \$pgrp \$sid \$tty\"'" /dev/null \
		</dev/null >"$T/out" 2>"$T/err" || RC=$?
	OUT=$(tr -d '\r' <"$T/out" | grep -o 'ids [0-9 ]*' || true)
	echo "script: exit $RC; out: $(cat "$T/out"); err: $(cat "$T/err")" >&2
	assert_ok
	local f
	read -r -a f <<<"$OUT"
	assert_eq "${f[1]} ${f[1]}" "${f[2]} ${f[3]}" "process group and session of exec --tty"
	assert_ne 0 "${f[4]:-0}" "controlling terminal"
}

# ---- CVE-2024-21626: no fd of the runtime reaches the exec'd process ----
# runc < 1.1.12 leaked a directory fd of the host (/sys/fs/cgroup) into the
# process it set up, so process.cwd /proc/self/fd/N put the workload in the
# host's filesystem. nook's exec process held the state directory, the
# cgroup directory and the init's pidfd until execve. It must close them
# before it chdirs, and refuse a cwd outside the container's root.

# host_marker: a file only the host can see; MARKER is its content, ESCAPE a
# path to it relative to any directory of the host (enough ".." to reach /).
host_marker() {
	MARKER="host-marker-$RANDOM$RANDOM"
	echo "$MARKER" >"$T/host-marker"
	ESCAPE="$(printf '../%.0s' $(seq 1 30))${T#/}/host-marker"
}

# assert_stayed_inside N: the exec with cwd /proc/self/fd/N failed, or ran
# in a directory of the container; it never read the host's marker.
assert_stayed_inside() {
	assert_not_contains "$OUT$ERR" "$MARKER" "cwd /proc/self/fd/$1: the host's marker file"
	if [ "$RC" -eq 0 ]; then
		assert_match "$OUT" '^/' "cwd /proc/self/fd/$1: pwd in the container"
	fi
}

test_exec_cwd_leaked_fd_CVE_2024_21626() {
	start_long
	host_marker
	local n
	for n in $(seq 3 20); do
		nk exec --cwd "/proc/self/fd/$n" "$ID" sh -c "pwd; cat $ESCAPE; ls .."
		assert_stayed_inside "$n"
	done
}

test_exec_process_cwd_leaked_fd_CVE_2024_21626() {
	start_long
	host_marker
	local n
	for n in $(seq 3 20); do
		jq -n --arg cwd "/proc/self/fd/$n" --arg script "pwd; cat $ESCAPE; ls .." \
			'{cwd: $cwd, user: {uid: 0, gid: 0}, env: ["PATH=/bin"],
			  args: ["sh", "-c", $script]}' >"$T/process.json"
		nk exec --process "$T/process.json" "$ID"
		assert_stayed_inside "$n"
	done
}

# A directory of the host passed on with --preserve-fds on purpose: the
# chdir works, but the cwd is outside the container's root (runc 1.1.12
# refuses it too, from getcwd).
nook_specific test_exec_cwd_outside_root_refused
test_exec_cwd_outside_root_refused() {
	start_long
	host_marker
	nk exec --preserve-fds 1 --cwd /proc/self/fd/3 "$ID" sh -c 'pwd; cat host-marker' 3<"$T"
	assert_failed
	assert_not_contains "$OUT$ERR" "$MARKER" "the host's marker file"
	assert_error_line "process.cwd: /proc/self/fd/3 is outside the container's root"
}

# What the exec'd process holds: stdio, and the caller's fds among
# 3 .. 3+N-1 with --preserve-fds N; never the runtime's own, even when the
# caller left those numbers closed and the runtime's fds took them. Seen
# from the host in /proc/PID/fd of a detached `sleep`.
# exec_fds [EXEC-OPTIONS...]: FDS, the fds of the exec'd process.
exec_fds() {
	nk exec --detach --pid-file "$T/exec.pid" "$@" "$ID" sleep 30
	assert_ok
	local epid
	epid=$(cat "$T/exec.pid")
	FDS=$(ls "/proc/$epid/fd" | sort -n | tr '\n' ' ')
	FD4=$(readlink "/proc/$epid/fd/4" || true)
	kill -KILL "$epid"
	wait_gone "$epid"
}

test_exec_fds_are_stdio_and_preserved_only() {
	start_long
	exec_fds
	assert_eq "0 1 2 " "$FDS" "fds of the exec'd process"
	echo x >"$T/f"
	exec_fds --preserve-fds 2 3<"$T/f" 4<"$T/f"
	assert_eq "0 1 2 3 4 " "$FDS" "fds with --preserve-fds 2"
	assert_eq "$T/f" "$FD4" "fd 4 with --preserve-fds 2"
	exec_fds --preserve-fds 1 3<&-
	assert_eq "0 1 2 " "$FDS" "fds with --preserve-fds 1 and fd 3 not open"
	exec_fds --preserve-fds 3 3<&- 4<&- 5<&-
	assert_eq "0 1 2 " "$FDS" "fds with --preserve-fds 3 and none of them open"
}

harness_main "$@"
