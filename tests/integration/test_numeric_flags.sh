#!/bin/bash
# Every numeric flag of every command is parsed whole and in range, and an
# error names the flag (issue 9: "exec --preserve-fds -1 is accepted and
# closes the process's stderr. Every numeric flag is validated like
# create's"). Class: CWE-20 improper input validation, CWE-190 integer
# overflow / wraparound (atoi, strtol without an end or range check, a
# negative value cast to an unsigned type).
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_exec_preserve_fds_negative_refused test_exec_user_minus_one_refused \
	test_exec_additional_gids_refused test_create_preserve_fds_refused \
	test_update_numbers_refused test_events_interval_refused test_kill_signal_number_refused

# start_long: a running container whose init loops.
start_long() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
}

# refused FLAG ERE ARGS...: `nook ARGS...` fails with one error line that
# names FLAG and matches ERE.
refused() {
	local flag=$1 re=$2
	shift 2
	nk "$@"
	assert_failed
	assert_error_line "$flag" "$re"
}

# The attack of the issue: with N = -1 the first fd closed on exec was
# 3 + N = 2, so the process ran without stderr. runc: "invalid value".
test_exec_preserve_fds_negative_refused() {
	start_long
	refused --preserve-fds 'expected an integer from 0 to [0-9]+, got "-1"' \
		exec --preserve-fds -1 "$ID" sh -c 'echo to-stderr >&2; echo ran'
	assert_not_contains "$OUT" ran "stdout of a refused exec"
	local bad
	for bad in -2 "" 1x " 1" 0x10 99999999999999999999 2147483645; do
		refused --preserve-fds "got \"$bad\"" exec --preserve-fds "$bad" "$ID" true
	done
	# a valid N keeps 0, 1 and 2 as they are
	nk exec --preserve-fds 0 "$ID" sh -c 'echo to-stderr >&2; echo ran'
	assert_ok
	assert_eq ran "$OUT"
	assert_eq to-stderr "$ERR"
}

# strtoul("-1") is ULONG_MAX, as a uid (uid_t)-1: setresuid(-1, -1, -1)
# changes nothing, so `--user -1` ran the process as root.
test_exec_user_minus_one_refused() {
	start_long
	local bad
	for bad in -1 4294967295 -1:-1 0:-1 1000:4294967295 1x 1000: :1000 "" 18446744073709551616; do
		refused --user 'expected an integer from 0 to 4294967294' \
			exec --user "$bad" "$ID" sh -c 'id -u; id -g'
		assert_eq "" "$OUT" "stdout of exec --user $bad"
	done
	nk exec --user 1000:1000 "$ID" sh -c 'echo $(id -u) $(id -g)'
	assert_ok
	assert_eq "1000 1000" "$OUT"
}

test_exec_additional_gids_refused() {
	start_long
	local bad
	for bad in -1 4294967295 99999999999999999999 5x ""; do
		refused --additional-gids "got \"$bad\"" exec --additional-gids "$bad" "$ID" true
	done
	nk exec --user 1000:1000 --additional-gids 44 "$ID" id -G
	assert_ok
	assert_eq "1000 44" "$OUT"
}

# create's own check took "" (strtol's end is at the NUL at once) and wrapped
# values over INT_MAX into an int.
test_create_preserve_fds_refused() {
	local bad
	for bad in "" -1 1x 4294967296 99999999999999999999; do
		refused --preserve-fds "got \"$bad\"" create --bundle "$BUNDLE" --preserve-fds "$bad" "$ID"
		[ ! -e "$STATE/$ID" ] || fail "create --preserve-fds '$bad' made the container"
		refused --preserve-fds "got \"$bad\"" run --bundle "$BUNDLE" --preserve-fds "$bad" "$ID"
	done
}

# A negative value cast to uint64 (cpu-shares -1 became 2^64-1), a weight
# cut to 16 bits (65546 became 10), a size that overflowed int64.
test_update_numbers_refused() {
	need_cgroup pids
	start_long
	local pid dir before
	pid=$(init_pid)
	dir=$(cgroup_dir pids "$pid")
	before=$(cat "$dir/pids.max")
	refused --cpu-shares 'from 0 to' update --cpu-shares -1 "$ID"
	refused --cpu-period 'from 0 to' update --cpu-period -5 "$ID"
	refused --cpu-rt-period 'from 0 to' update --cpu-rt-period 1.5 "$ID"
	refused --cpu-quota 'from -1 to' update --cpu-quota -2 "$ID"
	refused --cpu-rt-runtime 'from -1 to' update --cpu-rt-runtime 99999999999999999999 "$ID"
	refused --blkio-weight 'from 0 to 65535' update --blkio-weight 65546 "$ID"
	refused --pids-limit 'from -1 to' update --pids-limit -2 "$ID"
	refused --pids-limit 'got "7 "' update --pids-limit "7 " "$ID"
	refused --pids-limit 'got "0x10"' update --pids-limit 0x10 "$ID"
	refused --memory 'is more than 9223372036854775807 bytes' update --memory 99999999999g "$ID"
	refused --memory 'expected a size' update --memory -5 "$ID"
	refused --memory-swap 'expected a size' update --memory-swap 1q "$ID"
	refused --kernel-memory 'expected a size' update --kernel-memory "" "$ID"
	assert_eq "$before" "$(cat "$dir/pids.max")" "pids.max after the refused updates"
	nk update --pids-limit 77 "$ID"
	assert_ok
	assert_eq 77 "$(cat "$dir/pids.max")" "pids.max after update --pids-limit 77"
}

# (int)(NaN * 1000) is undefined behaviour; 0.1ms was 0 and then a usage text.
test_events_interval_refused() {
	start_long
	local bad
	for bad in nan inf -5s 0 0.1ms 1e30s 5x ""; do
		refused --interval "got \"$bad\"" events --interval "$bad" "$ID"
	done
}

# "RTMIN+N" added a strtol result to SIGRTMIN (signed overflow for a huge
# N); strtol also took blanks and a '+'.
test_kill_signal_number_refused() {
	start_long
	local bad
	for bad in "RTMIN+99999999999999999999" "RTMAX-99999999999999999999" " 9" "+9" "9 " 65 0 -9; do
		nk kill "$ID" "$bad"
		assert_failed
		assert_error_line '^nook: kill: unknown signal '
		assert_contains "$ERR" "unknown signal \"$bad\"" "stderr"
	done
	assert_eq running "$(status)" "status after the refused signals"
}

harness_main "$@"
