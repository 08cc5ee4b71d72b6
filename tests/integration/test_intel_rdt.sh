#!/bin/bash
# linux.intelRdt (config-linux.md, "IntelRdt"): without a mounted resctrl
# the runtime "MUST generate an error". The resctrl steps themselves are
# unit-tested against a fake tree (tests/unit/test_intel_rdt.c).
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_no_resctrl_is_an_error_naming_the_field
test_no_resctrl_is_an_error_naming_the_field() {
	if grep -q ' - resctrl ' /proc/self/mountinfo; then
		skip "resctrl is mounted here"
	fi
	cfg '.linux.intelRdt = {closID: "nook-test", memBwSchema: "MB:0=50"}'
	run_sh true
	assert_failed
	assert_error_line 'linux\.intelRdt: no resctrl filesystem is mounted'
	"$NOOK" --root "$STATE" state "$ID" >/dev/null 2>&1 && fail "the container is left behind"
	true
}

test_no_intel_rdt_no_resctrl_needed() {
	run_ok 'echo ran'
	assert_eq ran "$OUT"
}

harness_main "$@"
