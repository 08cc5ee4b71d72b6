#!/bin/bash
# Time `run` of a /bin/true container: nook against runc.
#
#   bench/run-vs-runc.sh
#
# Environment: NOOK (default build/nook), RUNC (default runc), RUNS (default 50).
# Runs the two alternately, each run with a fresh id and a private --root,
# and prints the median wall time of each, their ratio, and the peak RSS of
# the runtime process (with /usr/bin/time, when installed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
repo=$(cd "$here/.." && pwd)
NOOK=${NOOK:-$repo/build/nook}
RUNC=${RUNC:-runc}
RUNS=${RUNS:-50}

for bin in "$NOOK" "$RUNC"; do
	command -v "$bin" >/dev/null 2>&1 || {
		echo "run-vs-runc: $bin is not an executable" >&2
		exit 1
	}
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || {
	echo "run-vs-runc: RUNS must be a positive integer, got '$RUNS'" >&2
	exit 1
}

work=$(mktemp -d /tmp/nook-bench.XXXXXX)
cleanup() {
	local name bin id
	# a run that was interrupted: remove what it left (containers by id)
	for name in nook runc; do
		bin=$RUNC
		[ "$name" = nook ] && bin=$NOOK
		for id in "$work/state-$name"/*; do
			[ -e "$id" ] || continue
			"$bin" --root "$work/state-$name" delete --force "$(basename "$id")" >/dev/null 2>&1 || true
		done
	done
	rm -rf "$work"
}
trap cleanup EXIT

bash "$repo/tests/lib/make-rootfs.sh" "$work/bundle/rootfs" >/dev/null
jq -n '{
  ociVersion: "1.0.2",
  process: {terminal: false, user: {uid: 0, gid: 0}, args: ["/bin/true"],
            env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], cwd: "/"},
  root: {path: "rootfs", readonly: false},
  mounts: [
    {destination: "/proc", type: "proc", source: "proc"},
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]}
  ],
  linux: {namespaces: [{type: "pid"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}, {type: "network"}]}
}' >"$work/bundle/config.json"

timer=""
if [ -x /usr/bin/time ]; then timer=/usr/bin/time; fi

# one_run NAME BIN N: one timed run; appends ms to $work/NAME.ms, KiB to $work/NAME.rss
one_run() {
	local name=$1 bin=$2 n=$3 id start end rc=0
	id="bench-$name-$$-$n"
	mkdir -p "$work/state-$name"
	if [ -n "$timer" ]; then
		start=$(date +%s%N)
		"$timer" -f %M -o "$work/rss.tmp" "$bin" --root "$work/state-$name" run --bundle "$work/bundle" "$id" \
			</dev/null >/dev/null 2>"$work/err.tmp" || rc=$?
		end=$(date +%s%N)
		tail -n1 "$work/rss.tmp" >>"$work/$name.rss"
	else
		start=$(date +%s%N)
		"$bin" --root "$work/state-$name" run --bundle "$work/bundle" "$id" \
			</dev/null >/dev/null 2>"$work/err.tmp" || rc=$?
		end=$(date +%s%N)
	fi
	record_run run-vs-runc "$name" "$n" "$rc" "$start" "$end"
}


# one untimed run each first: page cache, binary loading
one_run nook "$NOOK" warm
one_run runc "$RUNC" warm
rm -f "$work"/*.us "$work"/*.rss

for ((i = 1; i <= RUNS; i++)); do
	one_run nook "$NOOK" "$i"
	one_run runc "$RUNC" "$i"
done

nook_us=$(median "$work/nook.us")
runc_us=$(median "$work/runc.us")
awk -v n="$nook_us" -v r="$runc_us" -v runs="$RUNS" 'BEGIN {
	printf "nook median %.1f ms, runc median %.1f ms, ratio %.2f (%d runs each)\n", n / 1000, r / 1000, n / r, runs }'
if [ -n "$timer" ]; then
	echo "peak RSS (median): nook $(median "$work/nook.rss") KiB, runc $(median "$work/runc.rss") KiB"
else
	echo "peak RSS: not measured (/usr/bin/time is missing: apt-get install time)"
fi
