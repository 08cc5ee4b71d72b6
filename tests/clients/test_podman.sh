#!/bin/bash
# podman (with conmon) driving the runtime: `podman --runtime $T/bin/nook`,
# a wrapper that logs every call and execs $NOOK. Containers run from the
# busybox rootfs with `podman run --rootfs` (no image, no registry).
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/clients/lib.sh
source "$(dirname "$0")/lib.sh"

clients_require test_podman.sh podman conmon script

test_podman_run_output_and_exit_code() {
	podman_setup
	pm_run --rm -- sh -c 'echo hi; exit 3'
	assert_exit 3
	assert_eq hi "$OUT" "container stdout"
	# conmon creates, podman starts, podman's cleanup deletes
	assert_called "parent=conmon: --log-format=json --log [^ ]+/oci-log create --bundle [^ ]+ --pid-file [^ ]+/pidfile [0-9a-f]{64}$" "create"
	assert_called "parent=podman: start [0-9a-f]{64}$" "start"
	assert_called "parent=podman: delete --force [0-9a-f]{64}$" "delete"
	podman_assert_clean
}

test_podman_run_sees_rootfs_and_env() {
	podman_setup
	echo "from-the-host-$ID" >"$ROOTFS/marker"
	pm_run --rm -e "NOOK_TEST=$ID" -- sh -c 'cat /marker; echo "$NOOK_TEST"; echo "$$"'
	assert_exit 0
	assert_eq "from-the-host-$ID
$ID
1" "$OUT" "marker, env, pid"
	podman_assert_clean
}

test_podman_stdin_and_process_attributes() {
	podman_setup
	RC=0
	printf 'line1\nline2\n' | timeout -k 5 "$CLIENT_TIMEOUT" podman --runtime "$T/bin/nook" run -i --rm \
		"${PM_RUN_OPTS[@]}" --rootfs "$ROOTFS" sh -c 'wc -l; exit 2' >"$T/client.out" 2>"$T/client.err" || RC=$?
	OUT=$(tr -d ' ' <"$T/client.out")
	ERR=$(cat "$T/client.err")
	assert_exit 2
	assert_eq 2 "$OUT" "lines read from podman's stdin"
	pm_run --rm --user 65534:65534 --workdir /tmp --hostname "h-$$" -- sh -c 'id -u; id -g; pwd; hostname'
	assert_exit 0
	assert_eq "65534
65534
/tmp
h-$$" "$OUT" "uid, gid, cwd, hostname"
	podman_assert_clean
}

test_podman_detached_exec_stop_rm() {
	podman_setup
	pm_run -d --name "$ID" -- sh -c 'trap "exit 7" TERM; echo up; while :; do sleep 0.1; done'
	assert_exit 0
	assert_match "$OUT" '^[0-9a-f]{64}$' "podman run -d output"
	local cid=$OUT pid
	pm inspect --format '{{.State.Status}} {{.State.Pid}}' "$ID"
	assert_match "$OUT" '^running [0-9]+$' "state after run -d"
	pid=${OUT#running }
	assert_eq "$pid 1" "$(awk '/^NSpid:/ {print $2, $3}' "/proc/$pid/status")" "NSpid of the container's init"

	pm exec "$ID" sh -c 'echo "in $(cat /proc/1/cmdline | tr "\0" " ")"; exit 5'
	assert_exit 5
	assert_contains "$OUT" "in sh -c trap" "exec output (pid 1 of the container)"
	assert_called "parent=conmon: --log-format=json --log [^ ]+ exec --pid-file [^ ]+/exec_pid --process [^ ]+ --detach $cid$" "exec"

	pm exec "$ID" sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt'
	assert_exit 0
	assert_eq "$(readlink "/proc/$pid/ns/pid")
$(readlink "/proc/$pid/ns/mnt")" "$OUT" "pid and mount namespaces of the exec'd process"

	pm stop -t 10 "$ID"
	assert_exit 0
	assert_called "parent=podman: kill $cid 15$" "kill (stop)"
	pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$ID"
	assert_eq "exited 7" "$OUT" "state after stop (the TERM trap ran)"
	pm logs "$ID"
	assert_eq up "$OUT" "podman logs"
	pm rm "$ID"
	assert_exit 0
	assert_called "delete --force $cid$" "delete"
	podman_assert_clean
}

test_podman_tty() {
	podman_setup
	local cmd
	printf -v cmd '%q ' podman --runtime "$T/bin/nook" run --rm -t "${PM_RUN_OPTS[@]}" \
		--rootfs "$ROOTFS" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty; exit 4'
	RC=0
	# script gives podman a terminal (-e: its exit status is podman's)
	timeout -k 5 20 script -qec "$cmd" /dev/null </dev/null >"$T/client.out" 2>&1 || RC=$?
	OUT=$(tr -d '\r' <"$T/client.out")
	echo "tty run: exit $RC; output: $OUT" >&2
	assert_exit 4
	assert_eq "/dev/pts/0
both-tty" "$OUT" "tty output"
	assert_called " create --bundle [^ ]+ --pid-file [^ ]+ --console-socket [^ ]+ [0-9a-f]{64}$" "create with a console socket"
	podman_assert_clean
}

test_podman_read_only() {
	podman_setup
	pm_run --rm --read-only -- sh -c 'if echo x >/probe; then echo wrote; else echo refused; fi; echo ok >/tmp/t && cat /tmp/t'
	assert_exit 0
	assert_eq "refused
ok" "$OUT" "write to / (read-only) and to /tmp (podman's tmpfs)"
	assert_contains "$ERR" "Read-only file system" "stderr"
	[ ! -e "$ROOTFS/probe" ] || fail "the file was written to the rootfs"
	podman_assert_clean
}

test_podman_cap_drop() {
	podman_setup
	pm_run --rm --cap-drop all --cap-add CAP_KILL,CAP_NET_BIND_SERVICE -- \
		sh -c 'grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status'
	assert_exit 0
	local m
	m=$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE)
	assert_eq "CapPrm:	$m
CapEff:	$m
CapBnd:	$m" "$OUT" "capabilities"
	pm_run --rm --cap-drop CAP_CHOWN -- sh -c 'grep ^CapEff /proc/self/status'
	assert_exit 0
	local eff=${OUT##*[[:space:]]}
	(((16#$eff >> 0) & 1)) && fail "CAP_CHOWN still effective: $eff"
	(((16#$eff >> 5) & 1)) || fail "CAP_KILL (a default) missing: $eff"
	podman_assert_clean
}

test_podman_runtime_error_missing_command() {
	podman_setup
	pm_run --rm -- /nope
	assert_exit 127
	assert_contains "$ERR" "/nope" "podman's error"
	assert_called " create --bundle " "create"
	podman_assert_clean
}

test_podman_runtime_error_not_executable() {
	podman_setup
	pm_run --rm -- /etc/passwd
	assert_exit 126
	assert_contains "$ERR" "/etc/passwd" "podman's error"
	podman_assert_clean
}

harness_main "$@"
