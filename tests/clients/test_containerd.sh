#!/bin/bash
# containerd (1.6, runc shim v2) driving the runtime: one private containerd
# for the file (config, root, state and sockets under /tmp/nook-ctrd.XXXXXX,
# CRI off), the busybox rootfs imported as a single-layer OCI image, and
# `ctr run --runc-binary $T/bin/nook` (a wrapper that logs every call and
# execs $NOOK). containerd is stopped by its pid when the file ends.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/clients/lib.sh
source "$(dirname "$0")/lib.sh"

clients_require test_containerd.sh containerd ctr containerd-shim-runc-v2 script

# the shim's runtime calls: --root <runc-root>/<namespace>, the bundle's log
CTR_PREFIX='parent=containerd-shim: --root [^ ]+/state/default --log [^ ]+/default/[^ /]+/log.json --log-format json'

test_ctr_run_output_and_exit_code() {
	ctrd_setup
	ctr_run --rm "$ID" sh -c 'echo hi; echo "pid $$"; exit 3'
	assert_exit 3
	assert_eq "hi
pid 1" "$OUT" "container stdout"
	assert_called "$CTR_PREFIX create --bundle [^ ]+/default/$ID --pid-file [^ ]+/default/$ID/init.pid $ID$" "create"
	assert_called "$CTR_PREFIX start $ID$" "start"
	assert_called "$CTR_PREFIX delete $ID$" "delete"
	ctrd_assert_clean
}

test_ctr_run_env_cwd_read_only_caps() {
	ctrd_setup
	ctr_run --rm --env=NOOK_TEST=x"$ID" --cwd=/tmp --read-only --cap-drop=CAP_CHOWN "$ID" \
		sh -c 'echo "$NOOK_TEST"; pwd; touch /probe 2>/dev/null && echo wrote || echo refused; grep ^CapEff /proc/self/status'
	assert_exit 0
	local eff
	eff=$(awk '/^CapEff:/ {print $2}' <<<"$OUT")
	assert_eq "x$ID
/tmp
refused" "$(grep -v ^CapEff <<<"$OUT")" "env, cwd, write to the read-only rootfs"
	(((16#$eff >> 0) & 1)) && fail "CAP_CHOWN still effective: $eff"
	(((16#$eff >> 5) & 1)) || fail "CAP_KILL (a default) missing: $eff"
	ctrd_assert_clean
}

test_ctr_run_detached_exec_kill_delete() {
	ctrd_setup
	ctr_run -d "$ID" sh -c 'trap "exit 7" TERM; echo up; while :; do sleep 0.1; done'
	assert_exit 0
	ctr_ task ls
	assert_match "$OUT" "${ID}[[:space:]]+[0-9]+[[:space:]]+RUNNING" "ctr task ls"
	local pid
	pid=$(awk -v id="$ID" '$1 == id {print $2}' <<<"$OUT")
	assert_eq "$pid 1" "$(awk '/^NSpid:/ {print $2, $3}' "/proc/$pid/status")" "NSpid of the task"
	assert_eq "$(grep -c ":/$ID\$" "/proc/$pid/cgroup")" "$(grep -c . "/proc/$pid/cgroup")" \
		"every cgroup of the task is /$ID"

	ctr_ task exec --exec-id e1 --fifo-dir "$T/fifo" "$ID" sh -c 'echo "in $(readlink /proc/self/ns/pid)"; exit 5'
	assert_exit 5
	assert_eq "in $(readlink "/proc/$pid/ns/pid")" "$OUT" "exec output (in the task's pid namespace)"
	assert_called "$CTR_PREFIX exec --process [^ ]+ --detach --pid-file [^ ]+/default/$ID/e1.pid $ID$" "exec"

	ctr_ task kill "$ID"
	assert_exit 0
	assert_called "$CTR_PREFIX kill $ID 15$" "kill"
	local i
	for ((i = 0; i < 100; i++)); do
		ctr_ task ls
		[[ $OUT =~ ${ID}[[:space:]]+[0-9]+[[:space:]]+STOPPED ]] && break
		sleep 0.1
	done
	assert_match "$OUT" "${ID}[[:space:]]+[0-9]+[[:space:]]+STOPPED" "ctr task ls after kill"
	[ ! -e "/proc/$pid" ] || fail "the task's process $pid is still there"

	ctr_ task delete "$ID"
	assert_exit 0
	assert_contains "$ERR" "exit code 7" "task delete (the TERM trap ran)"
	assert_called "$CTR_PREFIX delete $ID$" "delete"
	ctr_ container delete "$ID"
	assert_exit 0
	ctrd_assert_clean
}

test_ctr_run_tty() {
	ctrd_setup
	local cmd
	printf -v cmd '%q ' ctr -a "$CTRD_SOCK" run -t --rm --runc-binary "$T/bin/nook" --runc-root "$STATE" \
		--fifo-dir "$T/fifo" --cgroup "/$ID" "$CTRD_IMAGE" "$ID" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty; exit 4'
	RC=0
	timeout -k 5 20 script -qec "$cmd" /dev/null </dev/null >"$T/client.out" 2>&1 || RC=$?
	# ctr's terminal echoes a NUL it writes first as ^@
	OUT=$(tr -d '\r' <"$T/client.out" | sed '1s/^\^@//')
	echo "tty run: exit $RC; output: $OUT" >&2
	assert_exit 4
	assert_eq "/dev/pts/0
both-tty" "$OUT" "tty output"
	assert_called "$CTR_PREFIX create --bundle [^ ]+ --pid-file [^ ]+/init.pid --console-socket [^ ]+ $ID$" "create with a console socket"
	ctrd_assert_clean
}

test_ctr_runtime_error_surfaces() {
	ctrd_setup
	ctr_run --rm "$ID" /nope
	assert_failed
	# the shim reads the error back from the runtime's --log (json)
	assert_contains "$ERR" "OCI runtime create failed" "ctr's error"
	assert_contains "$ERR" "/nope" "ctr's error"
	assert_called "$CTR_PREFIX create " "create"
	ctrd_assert_clean
}

# ctr run --uidmap drops --runc-binary and --runc-root: the shim runs `runc`
# from containerd's PATH (ctrd_start points it at this test's wrapper) with
# its default root, /run/containerd/runc/<namespace>
test_ctr_run_uidmap() {
	ctrd_setup
	ctr_ run --rm --fifo-dir "$T/fifo" --cgroup "/$ID" \
		--uidmap 0:100000:65536 --gidmap 0:100000:65536 "$CTRD_IMAGE" "$ID" \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; ls -ln /bin/busybox'
	assert_exit 0
	assert_match "$OUT" "^ +0 +100000 +65536
 +0 +100000 +65536
0
" "uid_map, gid_map, id -u"
	assert_match "$OUT" "-rwxr-xr-x +1 0 +0 " "owner of /bin/busybox (a remapped snapshot)"
	assert_called "parent=containerd-shim: --root /run/containerd/runc/default --log [^ ]+/log.json --log-format json create --bundle [^ ]+ --pid-file [^ ]+/init.pid $ID$" "create (through PATH)"
	[ ! -e "/run/containerd/runc/default/$ID" ] || fail "state left in /run/containerd/runc/default/$ID"
	ctrd_assert_clean
}

if [ "$(id -u)" = 0 ] && [ "${HARNESS_LIST_MARKED:-0}" != 1 ]; then
	CTRD_OWN_CACHE=
	if [ -z "${NOOK_TEST_CACHE:-}" ]; then
		NOOK_TEST_CACHE=$(mktemp -d /tmp/nook-cache.XXXXXX)
		CTRD_OWN_CACHE=$NOOK_TEST_CACHE
		export NOOK_TEST_CACHE
	fi
	trap 'ctrd_stop; [ -z "$CTRD_OWN_CACHE" ] || rm -rf "$CTRD_OWN_CACHE"' EXIT
	[ -x "$NOOK_TEST_CACHE/rootfs/bin/busybox" ] ||
		bash "$(dirname "$0")/../lib/make-rootfs.sh" "$NOOK_TEST_CACHE/rootfs" >/dev/null
	if ! ctrd_start; then
		echo "FAIL test_containerd.sh: could not start containerd or import the image"
		if [ -n "${NOOK_RESULTS:-}" ]; then echo "FAIL test_containerd.sh" >>"$NOOK_RESULTS"; fi
		exit 1
	fi
fi

harness_main "$@"
