#!/bin/bash
# Config errors: a non-zero exit, one clear line on stderr naming the cause,
# and nothing left behind (the harness checks state, mounts, processes and
# cgroups after every test).
#
# The exit code and "nothing left behind" hold for any runtime; the message
# checks are nook's (one line "nook: ..."), so these tests are nook_specific.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_error_bad_json test_error_missing_config test_error_missing_rootfs \
	test_error_missing_executable test_error_unknown_mount_type \
	test_error_seccomp_unknown_action test_error_missing_bundle \
	test_error_bad_namespace_type test_error_args_empty

test_error_bad_json() {
	printf '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	run_ctr
	assert_failed
	assert_eq "" "$OUT" "stdout"
	assert_error_line 'config\.json' '[Jj][Ss][Oo][Nn]|parse|syntax'
}

test_error_missing_config() {
	rm "$BUNDLE/config.json"
	run_ctr
	assert_failed
	assert_error_line 'config\.json' 'No such file or directory'
}

test_error_missing_bundle() {
	BUNDLE=$T/no-such-bundle
	run_ctr
	assert_failed
	assert_error_line 'no-such-bundle' 'No such file or directory'
}

test_error_missing_rootfs() {
	cfg '.root.path = "no-such-rootfs"'
	run_ctr
	assert_failed
	assert_error_line 'no-such-rootfs' 'No such file or directory'
}

test_error_missing_executable() {
	set_args /nope
	run_ctr
	assert_failed
	assert_eq "" "$OUT" "stdout"
	assert_error_line '/nope' 'No such file or directory'
}

test_error_unknown_mount_type() {
	add_mount '{"destination": "/weird", "type": "nookfs", "source": "none"}'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'nookfs' '/weird|mounts\[6\]'
}

test_error_seccomp_unknown_action() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	     syscalls: [{names: ["mkdir"], action: "SCMP_ACT_BOGUS"}]}'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'SCMP_ACT_BOGUS'
}

test_error_bad_namespace_type() {
	add_ns nooknet
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'nooknet'
}

test_error_args_empty() {
	cfg '.process.args = []'
	run_ctr
	assert_failed
	assert_error_line 'args'
}

harness_main "$@"
