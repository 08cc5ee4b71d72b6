#!/bin/bash
# Inside the distro VM: install the runtime under test as
# /usr/local/sbin/nook and run the guest tests named in DIR/config, one line
# per test on stdout (the serial console):
#   DISTRO| PASS test_x.sh::test_name (N ms)     (FAIL, SKIP alike)
#   DISTRO| N passed, N failed, N skipped
# A failing test's output follows its line, each line "DISTRO| | ...".
#   run-guest.sh DIR     (DIR: the test disk, made by tests/distro/run.sh)
# DIR/config sets DISTRO_RUNTIME (nook: DIR/nook; runc: Debian's
# /usr/sbin/runc), DISTRO_TESTS (file or file::test, space separated; empty:
# every guest/test_*.sh), DISTRO_TEST_TIMEOUT (seconds per test) and
# DISTRO_VERBOSE (1: every test's output).
set -uo pipefail
dir=$1
guest=$dir/guest
# shellcheck source=/dev/null
. "$dir/config"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

case ${DISTRO_RUNTIME:-nook} in
nook) install -m 755 "$dir/nook" /usr/local/sbin/nook ;;
runc) ln -sf /usr/sbin/runc /usr/local/sbin/nook ;;
*)
	echo "DISTRO| FAIL setup (DISTRO_RUNTIME must be nook or runc, not '$DISTRO_RUNTIME')"
	echo "DISTRO| 0 passed, 1 failed, 0 skipped"
	exit 1
	;;
esac
missing=$(ldd /usr/local/sbin/nook 2>&1 | grep 'not found')
if [ -n "$missing" ]; then
	echo "DISTRO| FAIL setup (the runtime needs libraries the image lacks: add their packages to tests/distro/build-image.sh)"
	printf '%s\n' "$missing" | sed 's/^/DISTRO| | /'
	echo "DISTRO| 0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "DISTRO-INFO runtime: ${DISTRO_RUNTIME:-nook} ($(/usr/local/sbin/nook --version 2>&1 | head -n1))"

# a line every 20 s, so the host's silence watchdog sees a live guest while
# a slow test runs (under TCG a podman command takes seconds)
(while sleep 20; do echo "DISTRO-TICK"; done) &
ticker=$!

# the tests: every function test_* of each file, in name order
tests=()
if [ -z "${DISTRO_TESTS:-}" ]; then
	for f in "$guest"/test_*.sh; do tests+=("$(basename "$f")"); done
else
	read -r -a tests <<<"$DISTRO_TESTS"
fi
passed=0 failed=0 skipped=0
log=/tmp/nook-test.log
for t in "${tests[@]}"; do
	file=${t%%::*}
	file=${file%.sh}.sh
	only=""
	[ "$t" = "${t#*::}" ] || only=${t#*::}
	if [ ! -f "$guest/$file" ]; then
		echo "DISTRO| FAIL $file (no such guest test file)"
		failed=$((failed + 1))
		continue
	fi
	names=$(bash -c ". '$guest/lib.sh'; . '$guest/$file'; declare -F" | awk '$3 ~ /^test_/ {print $3}')
	if [ -n "$only" ]; then names=$(grep -x -- "$only" <<<"$names"); fi
	if [ -z "$names" ]; then
		echo "DISTRO| FAIL $t (no such test)"
		failed=$((failed + 1))
		continue
	fi
	for name in $names; do
		t0=$(date +%s%N)
		rc=0
		timeout -k 10 "${DISTRO_TEST_TIMEOUT:-300}" \
			bash -c ". '$guest/lib.sh'; . '$guest/$file'; set -e; $name" >"$log" 2>&1 </dev/null || rc=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		if [ "$rc" -eq 0 ]; then
			echo "DISTRO| PASS $file::$name ($ms ms)"
			passed=$((passed + 1))
		elif [ "$rc" -eq 77 ]; then
			echo "DISTRO| SKIP $file::$name ($(tail -n1 "$log"))"
			skipped=$((skipped + 1))
			continue
		else
			why=""
			[ "$rc" -ne 124 ] || why=", timed out after ${DISTRO_TEST_TIMEOUT:-300}s"
			echo "DISTRO| FAIL $file::$name ($ms ms$why)"
			failed=$((failed + 1))
		fi
		if [ "$rc" -ne 0 ] || [ "${DISTRO_VERBOSE:-0}" = 1 ]; then
			tail -n "${DISTRO_LOG_LINES:-60}" "$log" | sed 's/^/DISTRO| | /'
		fi
	done
done
kill "$ticker" 2>/dev/null
echo "DISTRO| $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
