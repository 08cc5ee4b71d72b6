# shellcheck shell=bash
# Shared by the bench/ scripts (sourced): checking one timed run and the
# median of the recorded times.

# shellcheck disable=SC2154 # $work: the sourcing script's scratch dir
# record_run SCRIPT NAME N RC START_NS END_NS: stop the bench with the
# runtime's stderr ($work/err.tmp) if the run failed, else append its wall
# time in microseconds to $work/NAME.us.
record_run() {
	if [ "$4" -ne 0 ]; then
		echo "$1: $2 run $3 failed (exit $4):" >&2
		cat "$work/err.tmp" >&2
		exit 1
	fi
	echo $((($6 - $5) / 1000)) >>"$work/$2.us"
}

median() { # FILE: median of the numbers in FILE
	sort -n "$1" | awk '{v[NR] = $1} END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
