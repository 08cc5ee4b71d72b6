#!/bin/bash
# The one test runner: `make check` and friends call it.
#
#   tests/run-all.sh [FILE|NAME|FILTER...]
#   tests/run-all.sh --list-marked     list nook-specific and runc-gap tests
#
# Environment:
#   SUITES     suites to run, default "unit fuzz integration clients peer vm distro"
#   UNIT_DIRS  dirs whose executables are cmocka test binaries
#   FUZZ_BIN   the libFuzzer binary of the config parser (make fuzz-build)
#   FUZZ_SECONDS  how long the fuzz suite runs it (default 60)
#   NOOK       the runtime command for the integration and client tests
#   NOOK_TEST_CACHE  dir with a prebuilt rootfs/ (default: built per run)
#   SKIP_NOOK_SPECIFIC=1  skip tests that assert nook's own message texts
#
# Arguments choose integration and client tests (tests/integration,
# tests/clients: podman and containerd driving $NOOK; of the vm suite too,
# else its VM_TESTS; of the distro suite those naming a file of
# tests/distro/guest, else all of them): a path to a test file, a file name (test_mounts.sh or
# test_mounts), or else an extended regex matched against
# test function names ("test_mounts.sh::test_bind" form works too).
# Prints one line per test and ends with exactly one line
# "N passed, N failed[, N skipped]"; exits non-zero if anything failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
SUITES=${SUITES:-unit fuzz integration clients peer vm distro}
UNIT_DIRS=${UNIT_DIRS:-}
NOOK=${NOOK:-$repo/build/nook}
export NOOK

work=$(mktemp -d /tmp/nook-run-all.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
results=$work/results
: >"$results"

record() { echo "$1 $2" >>"$results"; }

if [ "${1:-}" = "--list-marked" ]; then
	for f in "$here"/integration/test_*.sh "$here"/clients/test_*.sh; do
		HARNESS_LIST_MARKED=1 bash "$f"
	done | sort
	exit 0
fi

# ------------------------------------------------------------------ unit

# run_unit BINARY: run one cmocka binary, one line per test, count them.
run_unit() {
	local bin=$1 name out rc passed=0 failed=0 line n
	name=$(basename "$(dirname "$bin")")/$(basename "$bin")
	out=$work/unit.out
	rc=0
	CMOCKA_MESSAGE_OUTPUT=STDOUT timeout -k 5 300 "$bin" >"$out" 2>&1 || rc=$?
	while IFS= read -r line; do
		case $line in
		"[       OK ] "*)
			echo "PASS unit:$name::${line#"[       OK ] "}"
			record PASS "unit:$name::${line#"[       OK ] "}"
			passed=$((passed + 1))
			;;
		"[  FAILED  ] "*" test(s)"*) ;;
		"[  SKIPPED ] "*" test(s)"*) ;;
		"[  SKIPPED ] "*)
			n=${line#"[  SKIPPED ] "}
			# listed again in the summary; the test printed its reason
			if ! grep -qxF "SKIP unit:$name::$n" "$results"; then
				echo "SKIP unit:$name::$n"
				record SKIP "unit:$name::$n"
			fi
			;;
		"[  FAILED  ] "*)
			n=${line#"[  FAILED  ] "}
			# the summary repeats each failed test's name; count it once
			if ! grep -qxF "FAIL unit:$name::$n" "$results"; then
				echo "FAIL unit:$name::$n"
				record FAIL "unit:$name::$n"
				failed=$((failed + 1))
			fi
			;;
		esac
	done <"$out"
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		# crashed, timed out or failed outside a test: that is a failure too
		echo "FAIL unit:$name (exit status $rc, no failed test reported: crash?)"
		record FAIL "unit:$name"
		failed=1
	fi
	if [ "$failed" -ne 0 ]; then sed 's/^/    | /' "$out"; fi
	if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
		echo "FAIL unit:$name (ran no tests)"
		sed 's/^/    | /' "$out"
		record FAIL "unit:$name"
	fi
}

suite_unit() {
	local dir bin any=0
	if [ -z "$UNIT_DIRS" ]; then
		echo "SKIP unit: UNIT_DIRS is empty, no unit test binaries to run"
		record SKIP unit
		return
	fi
	for dir in $UNIT_DIRS; do
		if [ ! -d "$dir" ]; then
			echo "SKIP unit:$dir: no such directory"
			record SKIP "unit:$dir"
			continue
		fi
		for bin in "$dir"/*; do
			if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then continue; fi
			any=1
			run_unit "$bin"
		done
	done
	if [ "$any" -eq 0 ]; then
		echo "SKIP unit: no test binaries in $UNIT_DIRS"
		record SKIP unit
	fi
}

# ------------------------------------------------------------------ fuzz

# The libFuzzer harness of the config parser (tests/fuzz/) for FUZZ_SECONDS,
# from the seeds of tests/fuzz/corpus plus what earlier runs found
# (build-fuzz/corpus): one line "PASS fuzz:config (N runs)", or
# "FAIL fuzz:config: <sanitizer summary>" with the input kept in build-fuzz/.
# Arguments choose integration tests: with any, the fuzz suite does not run.
suite_fuzz() {
	local bin=${FUZZ_BIN:-} secs=${FUZZ_SECONDS:-60} out=$work/fuzz.out rc=0 runs why
	local keep=$repo/build-fuzz
	if [ $# -gt 0 ]; then return; fi
	if [ -z "$bin" ]; then
		echo "SKIP fuzz:config: FUZZ_BIN is not set (make fuzz builds and runs it)"
		record SKIP fuzz:config
		return
	fi
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz:config: FUZZ_BIN=$bin is not an executable (make fuzz-build)"
		record FAIL fuzz:config
		return
	fi
	mkdir -p "$keep/corpus"
	timeout -k 10 $((secs + 300)) "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-dict="$here/fuzz/config.dict" -artifact_prefix="$keep/" -print_final_stats=1 \
		"$keep/corpus" "$here/fuzz/corpus" >"$out" 2>&1 || rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$out" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		echo "PASS fuzz:config ($runs runs)"
		record PASS fuzz:config
		return
	fi
	why=$(grep -m 1 '^SUMMARY: ' "$out" || grep -m 1 -E '^==[0-9]+== ?ERROR: |^ERROR: libFuzzer' "$out" || true)
	echo "FAIL fuzz:config: ${why:-exit status $rc} (input: $(sed -n 's/.*Test unit written to //p' "$out" | tail -n 1))"
	tail -n 60 "$out" | sed 's/^/    | /'
	record FAIL fuzz:config
}

# ------------------------------------------------------------------ integration, clients

# suite_files SUITE DIR [ARGS...]: run the test files of DIR (tests/integration
# or tests/clients), or those the arguments name; other arguments are filters.
# When the arguments name only files of the other suite, run nothing.
suite_files() {
	local suite=$1 dir=$2 files=() filters=() named=0 arg f base
	shift 2
	for arg in "$@"; do
		if [ -f "$arg" ]; then
			named=1
			if [ "$(cd "$(dirname "$arg")" && pwd)" = "$dir" ]; then files+=("$arg"); fi
			continue
		fi
		base=${arg%.sh}
		if [ -f "$here/integration/$base.sh" ] || [ -f "$here/clients/$base.sh" ]; then
			named=1
			if [ -f "$dir/$base.sh" ]; then files+=("$dir/$base.sh"); fi
		else
			filters+=("$arg")
		fi
	done
	if [ ${#files[@]} -eq 0 ]; then
		if [ "$named" = 1 ]; then return; fi
		files=("$dir"/test_*.sh)
	fi
	local filter=""
	if [ ${#filters[@]} -gt 0 ]; then
		filter=$(
			IFS='|'
			echo "${filters[*]}"
		)
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP $suite: needs root"
		record SKIP "$suite"
		return
	fi
	if ! command -v "$NOOK" >/dev/null 2>&1; then
		echo "FAIL $suite: NOOK=$NOOK is not an executable (build it, or set NOOK)"
		record FAIL "$suite"
		return
	fi
	# one busybox rootfs for the whole run (or a prebuilt one: the VM's)
	export NOOK_TEST_CACHE=${NOOK_TEST_CACHE:-$work/cache}
	if [ ! -x "$NOOK_TEST_CACHE/rootfs/bin/busybox" ]; then
		bash "$here/lib/make-rootfs.sh" "$NOOK_TEST_CACHE/rootfs" >/dev/null
	fi
	for f in "${files[@]}"; do
		local before after rc=0
		before=$(grep -c '^FAIL ' "$results" || true)
		NOOK_RESULTS=$results HARNESS_FILTER=$filter bash "$f" || rc=$?
		after=$(grep -c '^FAIL ' "$results" || true)
		if [ "$rc" -ne 0 ] && [ "$before" = "$after" ]; then
			echo "FAIL $(basename "$f"): exited $rc without a failed test (broken test file?)"
			record FAIL "$(basename "$f")"
		fi
	done
}

# ------------------------------------------------------------------ peer

# crun's integration suite against $NOOK (tests/peer/run-crun-suite.sh), then
# run by an unprivileged user (tests/peer/run-crun-suite-rootless.sh): their
# "PASS|FAIL|SKIP peer...:..." lines count here. Arguments name its test files
# (test_mounts.py); integration-test arguments do not apply to it.
suite_peer() {
	local before after rc=0 line name files=() arg
	for arg in "$@"; do
		case $arg in test_*.py) files+=("$arg") ;; esac
	done
	if [ $# -gt 0 ] && [ ${#files[@]} -eq 0 ]; then return; fi
	local script
	# as root, then as an unprivileged user (peer-rootless*), one after the
	# other: the suite's cleanup kills the containers of a run beside it
	for script in run-crun-suite.sh run-crun-suite-rootless.sh; do
		rc=0
		before=$(grep -c '^FAIL ' "$results" || true)
		bash "$here/peer/$script" "${files[@]}" 2>&1 | while IFS= read -r line; do
			printf '%s\n' "$line"
			case $line in
			"PASS peer"* | "FAIL peer"* | "SKIP peer"*)
				name=${line#* }
				name=${name%% *}
				record "${line%% *}" "$name"
				;;
			esac
		done || rc=$?
		after=$(grep -c '^FAIL ' "$results" || true)
		if [ "$rc" -ne 0 ] && [ "$before" = "$after" ]; then
			echo "FAIL peer: tests/peer/$script exited $rc without a failed test"
			record FAIL "peer:$script"
		fi
	done
}

# ------------------------------------------------------------------ vm

# The integration tests again, inside a VM on a pure cgroup v2 kernel
# (tests/vm/run-v2.sh): its "PASS|FAIL|SKIP vm:..." lines count here.
suite_vm() {
	local before after rc=0 line name
	before=$(grep -c '^FAIL ' "$results" || true)
	bash "$here/vm/run-v2.sh" "$@" 2>&1 | while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"PASS vm:"* | "FAIL vm:"* | "SKIP vm:"*)
			name=${line#* }
			name=${name%% *}
			record "${line%% *}" "${name%:}"
			;;
		esac
	done || rc=$?
	after=$(grep -c '^FAIL ' "$results" || true)
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ] && [ "$before" = "$after" ]; then
		echo "FAIL vm: tests/vm/run-v2.sh exited $rc without a failed test"
		record FAIL vm
	fi
}

# ------------------------------------------------------------------ distro

# The stock Debian 12 VM: systemd, AppArmor, podman and containerd with
# their default configs driving $NOOK (tests/distro/run.sh); its
# "PASS|FAIL|SKIP distro:..." lines count here. Of the arguments, those
# naming a guest test file (test_podman.sh, test_podman.sh::name) choose
# its tests; arguments that name none of them skip the suite.
suite_distro() {
	local before after rc=0 line name a args=()
	for a in "$@"; do
		if [ -f "$here/distro/guest/$(basename "${a%%::*}" .sh).sh" ]; then args+=("$a"); fi
	done
	if [ $# -gt 0 ] && [ ${#args[@]} -eq 0 ]; then
		echo "SKIP distro: no guest test (tests/distro/guest/) among the arguments"
		record SKIP distro
		return
	fi
	before=$(grep -c '^FAIL ' "$results" || true)
	bash "$here/distro/run.sh" "${args[@]}" 2>&1 | while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"PASS distro:"* | "FAIL distro:"* | "SKIP distro:"*)
			name=${line#* }
			name=${name%% *}
			record "${line%% *}" "${name%:}"
			;;
		esac
	done || rc=$?
	after=$(grep -c '^FAIL ' "$results" || true)
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ] && [ "$before" = "$after" ]; then
		echo "FAIL distro: tests/distro/run.sh exited $rc without a failed test"
		record FAIL distro
	fi
}

for suite in $SUITES; do
	case $suite in
	unit) suite_unit ;;
	fuzz) suite_fuzz "$@" ;;
	integration) suite_files integration "$here/integration" "$@" ;;
	clients) suite_files clients "$here/clients" "$@" ;;
	peer) suite_peer "$@" ;;
	vm) suite_vm "$@" ;;
	distro) suite_distro "$@" ;;
	*)
		echo "FAIL $suite: unknown suite (SUITES may name unit, fuzz, integration, clients, peer, vm and distro)"
		record FAIL "$suite"
		;;
	esac
done

pass=$(grep -c '^PASS ' "$results" || true)
fail=$(grep -c '^FAIL ' "$results" || true)
skipped=$(grep -c '^SKIP ' "$results" || true)
if [ "$skipped" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skipped skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
