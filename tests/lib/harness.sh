# shellcheck shell=bash
# A small test framework for nook's integration tests.
#
# A test file sources this file, defines functions named test_*, and ends with
#   harness_main "$@"
# Each test runs in its own subshell under `set -eEuo pipefail`, with:
#   $T       a fresh temp dir /tmp/nook-test.XXXXXX (removed afterwards)
#   $BUNDLE  $T/bundle, holding config.json (the base config, see make_bundle)
#   $ROOTFS  $BUNDLE/rootfs, a private copy of the busybox rootfs
#   $ID      a container id unique to this test
#   $STATE   $T/state, the runtime's --root
# After every test the harness looks for leftovers (state dirs, mounts,
# processes, cgroups named after $ID) and fails the test if it finds any.
#
# Environment:
#   NOOK            runtime command (default: build/nook of this repo)
#   NOOK_TEST_CACHE dir holding a prebuilt rootfs/ (run-all.sh sets it)
#   NOOK_RESULTS    file to append "PASS|FAIL|SKIP name" lines to
#   HARNESS_FILTER  extended regex; run only tests whose name matches
#   SKIP_NOOK_SPECIFIC=1  skip tests marked nook_specific
#   HARNESS_VERBOSE=1     print every test's log, not only failures'

set -uo pipefail

HARNESS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARNESS_REPO=$(cd "$HARNESS_LIB/../.." && pwd)
: "${NOOK:=$HARNESS_REPO/build/nook}"
HARNESS_FILE=$(basename "${BASH_SOURCE[1]:-unknown}")
HARNESS_PID=$$
# shellcheck source=tests/lib/wait.sh
source "$HARNESS_LIB/wait.sh"
# shellcheck source=tests/lib/cgroup.sh
source "$HARNESS_LIB/cgroup.sh"

# Tests whose assertions are on nook's own texts (error and warning messages)
# or on behaviour runc 1.1 lacks. Declared at file level:
#   nook_specific test_name... : asserts nook's message texts
#   runc_gap test_name "why"   : the spec requires it; Debian's runc 1.1 does not do it
declare -A HARNESS_NOOK_SPECIFIC=()
declare -A HARNESS_RUNC_GAP=()
nook_specific() {
	local n
	for n in "$@"; do HARNESS_NOOK_SPECIFIC[$n]=1; done
}
runc_gap() { HARNESS_RUNC_GAP[$1]=$2; }

# ---------------------------------------------------------------- assertions

# Print a failure message and end the test.
fail() {
	echo "FAILED: $*" >&2
	exit 1
}

# skip REASON: end the test as skipped.
skip() {
	echo "$*" >"$T/.skip"
	exit 77
}

assert_eq() { # expected actual [what]
	[ "$1" == "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne() { # unexpected actual [what]
	[ "$1" != "$2" ] || fail "${3:-value}: expected anything but '$1'"
}

assert_contains() { # haystack needle [what]
	[[ $1 == *"$2"* ]] || fail "${3:-output} does not contain '$2'; it is: '$1'"
}

assert_not_contains() { # haystack needle [what]
	[[ $1 != *"$2"* ]] || fail "${3:-output} contains '$2'; it is: '$1'"
}

assert_match() { # string ERE [what]
	[[ $1 =~ $2 ]] || fail "${3:-output} does not match /$2/; it is: '$1'"
}

assert_no_match() { # string ERE [what]
	[[ ! $1 =~ $2 ]] || fail "${3:-output} matches /$2/; it is: '$1'"
}

# assert_exit N: the last run_ctr exited with N.
assert_exit() {
	[ "$RC" -eq "$1" ] || fail "runtime exit code: expected $1, got $RC; stdout: '$OUT'; stderr: '$ERR'"
}

# assert_ok: the last run_ctr exited 0.
assert_ok() { assert_exit 0; }

# assert_failed: the last run_ctr exited non-zero (and was not killed by the timeout).
assert_failed() {
	[ "$RC" -ne 0 ] || fail "runtime exit code: expected non-zero, got 0; stdout: '$OUT'"
	[ "$RC" -ne 124 ] || fail "runtime timed out"
}

# assert_error_line ERE...: stderr of the last run is exactly one line,
# "nook: ...", that matches every ERE given (nook's error format).
assert_error_line() {
	local lines
	lines=$(printf '%s\n' "$ERR" | grep -c .) || true
	[ "$lines" -eq 1 ] || fail "stderr: expected one line, got $lines: '$ERR'"
	assert_match "$ERR" '^nook: ' "stderr"
	local re
	for re in "$@"; do assert_match "$ERR" "$re" "stderr"; done
}

# ------------------------------------------------------------------ bundles

HARNESS_NS='[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"network"}]'

# make_bundle [ARGS...]: (re)write $BUNDLE/config.json with the base config.
# Default process: true.
make_bundle() {
	local args
	if [ $# -eq 0 ]; then set -- true; fi
	args=$(json_array "$@")
	jq -n --argjson args "$args" --argjson ns "$HARNESS_NS" '{
	  ociVersion: "1.0.2",
	  process: {
	    terminal: false,
	    user: {uid: 0, gid: 0},
	    args: $args,
	    env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
	    cwd: "/",
	    capabilities: {
	      bounding: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      effective: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      permitted: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
	    }
	  },
	  root: {path: "rootfs", readonly: false},
	  mounts: [
	    {destination: "/proc", type: "proc", source: "proc"},
	    {destination: "/dev", type: "tmpfs", source: "tmpfs",
	     options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
	    {destination: "/dev/pts", type: "devpts", source: "devpts",
	     options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
	    {destination: "/dev/shm", type: "tmpfs", source: "shm",
	     options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
	    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
	     options: ["nosuid", "noexec", "nodev"]},
	    {destination: "/sys", type: "sysfs", source: "sysfs",
	     options: ["nosuid", "noexec", "nodev", "ro"]}
	  ],
	  linux: {namespaces: $ns}
	}' >"$BUNDLE/config.json"
}

# harness_base_config: make_bundle's config once per file, for every test
# (jq is slow to start where the VM stage emulates a CPU).
harness_base_config() {
	local dir
	dir=$(mktemp -d /tmp/nook-base.XXXXXX)
	HARNESS_BASE_CONFIG=$(BUNDLE=$dir make_bundle && cat "$dir/config.json")
	rm -rf "$dir"
}

# json_array STRING...: a JSON array of the strings (any may start with "-").
json_array() {
	local i=0 opts=() refs=()
	for a in "$@"; do
		opts+=(--arg "a$i" "$a")
		refs+=("\$a$i")
		i=$((i + 1))
	done
	local IFS=,
	jq -cn "${opts[@]}" "[${refs[*]}]"
}

# cfg FILTER [jq options...]: edit config.json in place with jq.
cfg() {
	local filter=$1
	shift
	jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARGS...: set process.args.
set_args() {
	cfg '.process.args = $a' --argjson a "$(json_array "$@")"
}

# add_mount JSON: append one mount object to .mounts.
add_mount() {
	cfg '.mounts += [$m]' --argjson m "$1"
}

# remove_ns TYPE / add_ns TYPE [PATH]
remove_ns() {
	cfg '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
}
add_ns() {
	if [ $# -ge 2 ]; then
		cfg '.linux.namespaces = ((.linux.namespaces | map(select(.type != $t))) + [{type: $t, path: $p}])' \
			--arg t "$1" --arg p "$2"
	else
		cfg '.linux.namespaces = ((.linux.namespaces | map(select(.type != $t))) + [{type: $t}])' --arg t "$1"
	fi
}

# new_netns_file: a network namespace of the test's own, kept alive by a
# bind mount on $T/ns/net (to join by path); both go when the test ends.
new_netns_file() {
	mkdir "$T/ns"
	mount --bind "$T/ns" "$T/ns"
	on_exit 'umount -l "$T/ns"'
	mount --make-private "$T/ns"
	touch "$T/ns/net"
	unshare --net="$T/ns/net" true
	on_exit 'umount "$T/ns/net"'
}

# set_caps CAP...: the same list for bounding, effective, permitted.
set_caps() {
	cfg '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		--argjson c "$(json_array "$@")"
}

# ------------------------------------------------------------------ running

HARNESS_TIMEOUT=${HARNESS_TIMEOUT:-30}

# run_ctr [RUN-OPTIONS...]: run the container $ID from $BUNDLE in the foreground,
# stdin from /dev/null. Sets RC, OUT, ERR (also in $T/stdout, $T/stderr).
run_ctr() {
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" run --bundle "$BUNDLE" "$@" "$ID" \
		</dev/null >"$T/stdout" 2>"$T/stderr" || RC=$?
	OUT=$(cat "$T/stdout")
	ERR=$(cat "$T/stderr")
	# shown in the log of a failing test
	echo "run_ctr: exit $RC" >&2
	[ -z "$OUT" ] || printf 'run_ctr stdout: %s\n' "$OUT" >&2
	[ -z "$ERR" ] || printf 'run_ctr stderr: %s\n' "$ERR" >&2
}

# run_sh SCRIPT [RUN-OPTIONS...]: run `sh -c SCRIPT` in the container.
run_sh() {
	set_args sh -c "$1"
	shift
	run_ctr "$@"
}

# run_ok SCRIPT: run_sh and require exit 0.
run_ok() {
	run_sh "$@"
	assert_ok
}

# on_exit CMD: run CMD (eval) when the test ends, last registered first.
HARNESS_CLEANUPS=()
on_exit() { HARNESS_CLEANUPS=("$1" "${HARNESS_CLEANUPS[@]}"); }
harness_run_cleanups() {
	local c
	for c in "${HARNESS_CLEANUPS[@]}"; do eval "$c" || echo "cleanup failed: $c" >&2; done
	HARNESS_CLEANUPS=()
}

# cap_mask CAP...: the hex mask /proc/PID/status shows for these capabilities.
cap_mask() {
	local -A num=(
		[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
		[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
		[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
		[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
		[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
		[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
		[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
		[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31
		[CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33 [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35
		[CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37 [CAP_PERFMON]=38 [CAP_BPF]=39
		[CAP_CHECKPOINT_RESTORE]=40
	)
	local c mask=0
	for c in "$@"; do
		[ -n "${num[$c]:-}" ] || fail "cap_mask: unknown capability $c"
		mask=$((mask | (1 << num[$c])))
	done
	printf '%016x\n' "$mask"
}

# host_has_cap CAP_NUMBER: the harness itself has this capability in CapEff.
host_has_cap() {
	local eff
	eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
	(((16#$eff >> $1) & 1))
}

# ------------------------------------------------------------------ rootfs

harness_rootfs() {
	if [ -z "${NOOK_TEST_CACHE:-}" ]; then
		NOOK_TEST_CACHE=$(mktemp -d /tmp/nook-cache.XXXXXX)
		HARNESS_OWN_CACHE=$NOOK_TEST_CACHE
	fi
	if [ ! -x "$NOOK_TEST_CACHE/rootfs/bin/busybox" ]; then
		bash "$HARNESS_LIB/make-rootfs.sh" "$NOOK_TEST_CACHE/rootfs" >/dev/null
	fi
	export NOOK_TEST_CACHE
}

# ------------------------------------------------------------------ leftovers

# Decode the octal escapes of /proc/*/mountinfo paths (\040 is a space).
harness_unescape() { printf '%b' "${1//\\/\\0}"; }

# (Forks are slow where the VM stage emulates a CPU: a fork and exec cost
# 0.25 s there, jq 1.5 s. What runs around every test forks little.)

# Mount points under $T or naming $ID, deepest first.
harness_mounts() {
	local mp hits=()
	while read -r _ _ _ _ mp _; do
		[[ $mp == *\\* ]] && mp=$(harness_unescape "$mp")
		if [[ $mp == "$T" || $mp == "$T"/* || $mp == *"$ID"* ]]; then
			hits+=("${#mp} $mp")
		fi
	done </proc/self/mountinfo
	[ ${#hits[@]} -gt 0 ] || return 0
	printf '%s\n' "${hits[@]}" | sort -rn | cut -d' ' -f2-
}

# harness_stat_fields PID: the fields of /proc/PID/stat after the command
# name ($1 = state, $2 = parent) into HARNESS_STAT; fails if PID is gone.
harness_stat_fields() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	read -r -a HARNESS_STAT <<<"${stat##*) }"
}

# Is PID a descendant of the harness?
harness_is_descendant() {
	local p=$1 i
	for ((i = 0; i < 64; i++)); do
		harness_stat_fields "$p" || return 1
		p=${HARNESS_STAT[1]}
		[ "$p" = "$HARNESS_PID" ] && return 0
		[ "$p" -le 1 ] && return 1
	done
	return 1
}

# Is PID a zombie whose parent is pid 1 (see harness_procs)?
harness_zombie_of_pid1() {
	harness_stat_fields "$1" && [ "${HARNESS_STAT[0]}" = Z ] && [ "${HARNESS_STAT[1]}" = 1 ]
}

# harness_file_has FILE STRING: FILE (a /proc file) holds STRING; its lines
# are seen joined by spaces, with one after the last.
harness_file_has() {
	local lines
	{ mapfile -t lines <"$1"; } 2>/dev/null || return 1
	[[ "${lines[*]} " == *"$2"* ]]
}

HARNESS_PIDNS=$(stat -L -c %i /proc/self/ns/pid)

# Processes this test started that are still alive: those in another pid
# namespace that descend from the harness or whose cmdline, mounts or cgroup
# name $T or $ID, and those in ours whose cmdline names $T (a runtime left
# running) or whose cgroup is $ID's (a container without a pid namespace of
# its own). Unrelated processes are never listed, nor are the harness's own
# scans: the search strings reach grep on stdin, not in its command line
# (which grep reads too: it would find itself). A zombie handed to pid 1 is
# dead: reaping it is pid 1's job (some machines' pid 1 reaps late).
harness_procs() {
	local pid ns f cmd args
	local -A nsof=() seen=()
	# the pid namespace of every process, in one fork (a zombie has none)
	while read -r ns f; do
		pid=${f#/proc/}
		nsof[${pid%%/*}]=$ns
	done < <(stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null || true)
	for pid in "${!nsof[@]}"; do
		[ "${nsof[$pid]}" = "$HARNESS_PIDNS" ] && continue
		harness_zombie_of_pid1 "$pid" && continue
		{ mapfile -d '' -t args <"/proc/$pid/cmdline"; } 2>/dev/null || continue
		cmd="${args[*]}"
		if [[ $cmd == *"$T"* || $cmd == *"$ID"* ]] || harness_is_descendant "$pid" ||
			harness_file_has "/proc/$pid/mountinfo" "$T" ||
			harness_file_has "/proc/$pid/cgroup" "/$ID "; then
			echo "$pid $cmd"
		fi
	done
	# shellcheck disable=SC2062 # the globs name the files, not the pattern
	while read -r f; do
		[ -n "$f" ] || continue
		pid=${f#/proc/}
		pid=${pid%/*}
		[ "$pid" = "$HARNESS_PID" ] && continue
		[ -z "${seen[$pid]:-}" ] || continue
		seen[$pid]=1
		# born after the stat above: ask now
		[ -n "${nsof[$pid]:-}" ] || nsof[$pid]=$(stat -L -c %i "/proc/$pid/ns/pid" 2>/dev/null) || continue
		[ "${nsof[$pid]}" = "$HARNESS_PIDNS" ] || continue
		harness_zombie_of_pid1 "$pid" && continue
		{ mapfile -d '' -t args <"/proc/$pid/cmdline"; } 2>/dev/null || continue
		echo "$pid ${args[*]}"
	done < <(grep -lsaE -f - /proc/[0-9]*/cmdline /proc/[0-9]*/cgroup <<<"${T//./\\.}
/$ID( |\$)" || true)
}

# cgroup directories named $ID (only looked at, never touched).
harness_cgroups() {
	local base path
	local -A dirs=()
	for base in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$base" ] || continue
		while IFS=: read -r _ _ path; do
			[ -d "${base%/}$path/$ID" ] && dirs[${base%/}$path/$ID]=1
		done </proc/self/cgroup
		[ -d "${base%/}/$ID" ] && dirs[${base%/}/$ID]=1
	done
	[ ${#dirs[@]} -eq 0 ] || printf '%s\n' "${!dirs[@]}"
}

# Print one line per leftover; clean up what is ours.
harness_leftovers() {
	local found=0 line pid procs
	procs=$(harness_procs)
	while read -r line; do
		[ -n "$line" ] || continue
		echo "leftover process: $line"
		found=1
	done <<<"$procs"
	if [ -d "$STATE" ] && [ -n "$(ls -A "$STATE")" ]; then
		echo "leftover state: $(find "$STATE" -mindepth 1 -maxdepth 1 -printf '%f ')"
		found=1
		timeout 10 "$NOOK" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
		procs=$(harness_procs) # what the delete left
	fi
	# Reported above; killed now, and given time to go: a SIGKILLed process
	# is gone once the kernel has run it to its exit, which under load takes
	# a while. Wait up to 10 s.
	local i
	for ((i = 0; i < 200 && ${#procs} > 0; i++)); do
		while read -r pid _; do
			[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
		done <<<"$procs"
		sleep 0.05
		procs=$(harness_procs)
	done
	while read -r pid _; do
		[ -z "$pid" ] || echo "process $pid still alive 10 s after SIGKILL"
	done <<<"$procs"
	[ -z "$procs" ] || found=1
	while read -r line; do
		[ -n "$line" ] || continue
		echo "leftover mount: $line"
		found=1
		if [[ $line == "$T"/* || $line == "$T" ]]; then umount -l "$line" 2>/dev/null || true; fi
	done < <(harness_mounts)
	while read -r line; do
		[ -n "$line" ] || continue
		echo "leftover cgroup: $line"
		found=1
	done < <(harness_cgroups)
	return $found
}

# ------------------------------------------------------------------ runner

HARNESS_PASS=0
HARNESS_FAIL=0
HARNESS_SKIP=0

harness_record() { # PASS|FAIL|SKIP name
	case $1 in
	PASS) HARNESS_PASS=$((HARNESS_PASS + 1)) ;;
	FAIL) HARNESS_FAIL=$((HARNESS_FAIL + 1)) ;;
	SKIP) HARNESS_SKIP=$((HARNESS_SKIP + 1)) ;;
	esac
	if [ -n "${NOOK_RESULTS:-}" ]; then echo "$1 $2" >>"$NOOK_RESULTS"; fi
}

harness_tag() {
	if [ -n "${HARNESS_NOOK_SPECIFIC[$1]:-}" ]; then printf ' [nook-specific]'; fi
	if [ -n "${HARNESS_RUNC_GAP[$1]:-}" ]; then printf ' [runc-1.1 gap]'; fi
	return 0
}

harness_run_one() {
	local name=$1 full="$HARNESS_FILE::$1" rc start end log leftovers reason
	local tag
	tag=$(harness_tag "$name")
	if [ "${SKIP_NOOK_SPECIFIC:-0}" = 1 ] && [ -n "${HARNESS_NOOK_SPECIFIC[$name]:-}" ]; then
		echo "SKIP $full$tag: SKIP_NOOK_SPECIFIC=1"
		harness_record SKIP "$full"
		return
	fi
	T=$(mktemp -d /tmp/nook-test.XXXXXX)
	chmod 0755 "$T"
	BUNDLE=$T/bundle
	ROOTFS=$BUNDLE/rootfs
	STATE=$T/state
	ID="nook-t-$$-$RANDOM"
	log=$(mktemp /tmp/nook-log.XXXXXX)
	mkdir -p "$BUNDLE" "$STATE"
	cp -a "$NOOK_TEST_CACHE/rootfs" "$ROOTFS"
	printf '%s\n' "$HARNESS_BASE_CONFIG" >"$BUNDLE/config.json" # what make_bundle writes
	start=${EPOCHREALTIME//[.,]/}
	(
		set -eEuo pipefail
		trap 'echo "command failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
		trap 'harness_run_cleanups' EXIT
		"$name"
	) >"$log" 2>&1 </dev/null
	rc=$?
	end=${EPOCHREALTIME//[.,]/}
	leftovers=$(harness_leftovers 2>&1) || true
	local ms=$(((end - start) / 1000))
	if [ "$rc" -eq 77 ] && [ -z "$leftovers" ]; then
		reason=$(cat "$T/.skip" 2>/dev/null || echo "no reason given")
		echo "SKIP $full$tag: $reason"
		harness_record SKIP "$full"
	elif [ "$rc" -eq 0 ] && [ -z "$leftovers" ]; then
		echo "PASS $full$tag (${ms} ms)"
		harness_record PASS "$full"
		if [ "${HARNESS_VERBOSE:-0}" = 1 ]; then sed 's/^/    | /' "$log"; fi
	else
		echo "FAIL $full$tag (${ms} ms)"
		sed 's/^/    | /' "$log"
		[ -z "$leftovers" ] || printf '%s\n' "$leftovers" | sed 's/^/    | /'
		harness_record FAIL "$full"
	fi
	rm -f "$log"
	if [ -z "$(harness_mounts | grep -F -e "$T" || true)" ]; then
		rm -rf --one-file-system "$T"
	else
		echo "    | NOT removing $T: mounts are left under it"
	fi
}

# Stopped in the middle: clean up the current test's dir and our cache.
harness_interrupted() {
	trap - INT TERM HUP PIPE
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		harness_leftovers >/dev/null 2>&1 || true
		[ -n "$(harness_mounts)" ] || rm -rf --one-file-system "$T"
	fi
	rm -f "${log:-}"
	[ -z "${HARNESS_OWN_CACHE:-}" ] || rm -rf "$HARNESS_OWN_CACHE"
	exit 130
}

# harness_main [FILTER]: run every test_* function of the file (or those
# matching the ERE FILTER / $HARNESS_FILTER).
harness_main() {
	local filter=${1:-${HARNESS_FILTER:-}} fn
	if [ "${HARNESS_LIST_MARKED:-0}" = 1 ]; then
		harness_list_marked
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP $HARNESS_FILE: the integration tests need root"
		harness_record SKIP "$HARNESS_FILE"
		return 0
	fi
	HARNESS_OWN_CACHE=
	trap 'harness_interrupted' INT TERM HUP PIPE
	harness_rootfs
	harness_base_config
	for fn in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "$filter" ] && ! [[ $fn =~ $filter || "$HARNESS_FILE::$fn" =~ $filter ]]; then
			continue
		fi
		harness_run_one "$fn"
	done
	[ -z "$HARNESS_OWN_CACHE" ] || rm -rf "$HARNESS_OWN_CACHE"
	if [ -z "${NOOK_RESULTS:-}" ]; then
		local s=""
		[ "$HARNESS_SKIP" -eq 0 ] || s=", $HARNESS_SKIP skipped"
		echo "$HARNESS_PASS passed, $HARNESS_FAIL failed$s"
	fi
	[ "$HARNESS_FAIL" -eq 0 ]
}

# harness_list_marked: print the marked tests of this file (run-all.sh --list-marked).
harness_list_marked() {
	local n
	for n in "${!HARNESS_NOOK_SPECIFIC[@]}"; do echo "nook-specific $HARNESS_FILE::$n"; done
	for n in "${!HARNESS_RUNC_GAP[@]}"; do echo "runc-1.1-gap  $HARNESS_FILE::$n: ${HARNESS_RUNC_GAP[$n]}"; done
}
