# shellcheck shell=bash
# Helpers for the tests of the lifecycle commands (create, start, state, kill,
# delete, exec, ...). Sourced after harness.sh.

# nk ARGS...: run `$NOOK --root $STATE ARGS...` (stdin /dev/null, a timeout);
# sets RC, OUT, ERR. Not for create/run --detach: their container keeps the
# stdio (use create_ctr / run_detached).
nk() {
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" "$@" </dev/null >"$T/nk.out" 2>"$T/nk.err" || RC=$?
	OUT=$(cat "$T/nk.out")
	ERR=$(cat "$T/nk.err")
	echo "nook $*: exit $RC${OUT:+; stdout: $OUT}${ERR:+; stderr: $ERR}" >&2
}

# create_ctr [CREATE-OPTIONS...]: `create --bundle $BUNDLE ... $ID`; the
# container's stdout and stderr are $T/ctr.out and $T/ctr.err (ERR is what
# create itself wrote there). Registers a forced delete for the end.
create_ctr() {
	on_exit 'force_delete "$ID"'
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" create --bundle "$BUNDLE" "$@" "$ID" \
		</dev/null >"$T/ctr.out" 2>"$T/ctr.err" || RC=$?
	OUT=$(cat "$T/ctr.out")
	ERR=$(cat "$T/ctr.err")
	echo "nook create $*: exit $RC${OUT:+; stdout: $OUT}${ERR:+; stderr: $ERR}" >&2
}

# run_detached [RUN-OPTIONS...]: `run --detach`; like create_ctr.
run_detached() {
	on_exit 'force_delete "$ID"'
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" run --detach --bundle "$BUNDLE" "$@" "$ID" \
		</dev/null >"$T/ctr.out" 2>"$T/ctr.err" || RC=$?
	OUT=$(cat "$T/ctr.out")
	ERR=$(cat "$T/ctr.err")
	echo "nook run --detach $*: exit $RC${OUT:+; stdout: $OUT}${ERR:+; stderr: $ERR}" >&2
}

# force_delete ID: cleanup; never fails.
force_delete() {
	timeout -k 5 20 "$NOOK" --root "$STATE" delete --force "$1" </dev/null >/dev/null 2>&1 || true
}

# status [ID]: the status field of `state` ("" when state fails).
status() {
	"$NOOK" --root "$STATE" state "${1:-$ID}" 2>/dev/null </dev/null | jq -r .status 2>/dev/null || true
}

# init_pid [ID]: the pid field of `state`.
init_pid() {
	"$NOOK" --root "$STATE" state "${1:-$ID}" </dev/null | jq -r .pid
}

# wait_status WANT [SECONDS] [ID]: poll `state` until its status is WANT.
wait_status() {
	local i n=$((${2:-5} * 20)) s=""
	for ((i = 0; i < n; i++)); do
		s=$(status "${3:-$ID}")
		[ "$s" = "$1" ] && return 0
		sleep 0.05
	done
	fail "status of ${3:-$ID}: expected '$1' within ${2:-5} s, it is '$s'"
}

# a process that keeps running: it touches /tmp/ready first
LONG_RUNNING='touch /tmp/ready; while :; do sleep 0.05; done'

# cgroups_named NAME: cgroup directories named NAME anywhere under
# /sys/fs/cgroup/*/ at the test's own level or the top (like the harness's check).
cgroups_named() {
	local base path
	for base in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$base" ] || continue
		while IFS=: read -r _ _ path; do
			if [ -d "${base%/}$path/$1" ]; then echo "${base%/}$path/$1"; fi
		done </proc/self/cgroup
		if [ -d "${base%/}/$1" ]; then echo "${base%/}/$1"; fi
	done | sort -u
}
