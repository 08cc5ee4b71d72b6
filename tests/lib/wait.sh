# shellcheck shell=bash
# Bounded polling (every 0.05 s) for the tests: a file, a file's content, a
# process ending. Sourced by harness.sh; `fail` is the harness's.

# wait_for_file PATH [SECONDS]: poll until PATH exists.
wait_for_file() {
	local i n=$((${2:-10} * 20))
	for ((i = 0; i < n; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for $1"
}

# wait_content FILE ERE [SECONDS]: poll until FILE's content matches ERE.
wait_content() {
	local i n=$((${3:-5} * 20)) c=""
	for ((i = 0; i < n; i++)); do
		c=$(cat "$1" 2>/dev/null) || c=""
		[[ $c =~ $2 ]] && return 0
		sleep 0.05
	done
	fail "$1 does not match /$2/ within ${3:-5} s; it is: '$c'"
}

# alive PID: the process exists and is not a zombie.
alive() {
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_gone PID [SECONDS]: poll until PID no longer exists (zombies count as gone).
wait_gone() {
	local i n=$((${2:-5} * 20))
	for ((i = 0; i < n; i++)); do
		alive "$1" || return 0
		sleep 0.05
	done
	fail "process $1 is still alive after ${2:-5} s"
}

# poll_exit PID [SECONDS]: poll until `kill -0 PID` fails (a background job
# of this shell, once it is reaped); status 1 if PID still runs after
# SECONDS (default 5). The caller fails with its own message or goes on.
poll_exit() {
	local i n=$((${2:-5} * 20))
	for ((i = 0; i < n; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	! kill -0 "$1" 2>/dev/null
}
