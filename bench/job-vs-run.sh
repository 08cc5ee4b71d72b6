#!/bin/bash
# Time `nook job --rootfs R -- /bin/true` against `nook run` of an
# equivalent bundle (issue 14, point 8: at most 1.3x).
#
#   bench/job-vs-run.sh
#
# Environment: NOOK (default build/nook), RUNS (default 50).
# The bundle's config is the job's own (nook job --print-config) with R as a
# writable root.path, so both make the same container; the job adds its
# keeper, private mount namespace, tmpfs and overlay. Runs alternate, each
# with a private --root, and the medians and their ratio are printed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
repo=$(cd "$here/.." && pwd)
NOOK=${NOOK:-$repo/build/nook}
RUNS=${RUNS:-50}

command -v "$NOOK" >/dev/null 2>&1 || {
	echo "job-vs-run: $NOOK is not an executable" >&2
	exit 1
}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || {
	echo "job-vs-run: RUNS must be a positive integer, got '$RUNS'" >&2
	exit 1
}

work=$(mktemp -d /tmp/nook-bench.XXXXXX)
cleanup() {
	local id
	for id in "$work/state-run"/*; do
		[ -e "$id" ] || continue
		"$NOOK" --root "$work/state-run" delete --force "$(basename "$id")" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

bash "$repo/tests/lib/make-rootfs.sh" "$work/bundle/rootfs" >/dev/null
"$NOOK" job --rootfs "$work/bundle/rootfs" --print-config -- /bin/true |
	jq '.root = {path: "rootfs", readonly: false}' >"$work/bundle/config.json"

# one_run NAME N: one timed run; appends microseconds to $work/NAME.us
one_run() {
	local name=$1 n=$2 start end rc=0
	mkdir -p "$work/state-$name"
	start=$(date +%s%N)
	if [ "$name" = job ]; then
		"$NOOK" --root "$work/state-job" job --rootfs "$work/bundle/rootfs" -- /bin/true \
			</dev/null >/dev/null 2>"$work/err.tmp" || rc=$?
	else
		"$NOOK" --root "$work/state-run" run --bundle "$work/bundle" "bench-run-$$-$n" \
			</dev/null >/dev/null 2>"$work/err.tmp" || rc=$?
	fi
	end=$(date +%s%N)
	record_run job-vs-run "$name" "$n" "$rc" "$start" "$end"
}


# one untimed run each first: page cache, binary loading
one_run job warm
one_run run warm
rm -f "$work"/*.us

for ((i = 1; i <= RUNS; i++)); do
	one_run job "$i"
	one_run run "$i"
done

job_us=$(median "$work/job.us")
run_us=$(median "$work/run.us")
awk -v j="$job_us" -v r="$run_us" -v runs="$RUNS" 'BEGIN {
	printf "nook job median %.1f ms, nook run median %.1f ms, ratio %.2f (%d runs each)\n", j / 1000, r / 1000, j / r, runs }'
