#!/bin/bash
# A runtime that records how it was called, then runs the real one.
#
#   RUNTIME_LOGGER_TARGET=/usr/sbin/runc RUNTIME_LOGGER_FILE=/tmp/calls.log \
#       tests/clients/runtime-logger.sh ARGS...
#
# Appends one line per call to $RUNTIME_LOGGER_FILE: the time, the pid, the
# working directory, the parent's command name, and every argument in %q form; with
# RUNTIME_LOGGER_ENV=1 also the environment (one "  env NAME=VALUE" line
# each). Then execs $RUNTIME_LOGGER_TARGET (default $NOOK, else build/nook)
# with the same arguments, stdio and environment; RUNTIME_LOGGER_ARGS
# (words split on spaces) go first, e.g. "--root /tmp/x/state" to keep a
# client that passes no --root away from the runtime's default state dir.
# They are not part of the logged line (what the client passed).
#
# Clients often clear the environment before running the runtime, so do not
# rely on these variables reaching it: write a wrapper with them built in
# (tests/clients/lib.sh's make_runtime_wrapper does) and give the client that
# wrapper as its runtime.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target=${RUNTIME_LOGGER_TARGET:-${NOOK:-$here/../../build/nook}}
logfile=${RUNTIME_LOGGER_FILE:-/tmp/runtime-logger.log}

{
	parent=$(cat "/proc/$PPID/comm" 2>/dev/null || echo '?')
	printf '%s pid=%s cwd=%q parent=%s:' "$(date +%H:%M:%S.%N | cut -c1-12)" "$$" "$PWD" "$parent"
	printf ' %q' "$@"
	printf '\n'
	if [ "${RUNTIME_LOGGER_ENV:-0}" = 1 ]; then
		env | sort | sed 's/^/  env /'
	fi
} >>"$logfile" 2>/dev/null || true

# shellcheck disable=SC2086 # extra arguments are words on purpose
exec "$target" ${RUNTIME_LOGGER_ARGS:-} "$@"
