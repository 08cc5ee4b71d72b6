#!/bin/bash
# crun's integration suite against $NOOK, judged by tests/peer/crun-expected.txt.
#
#   tests/peer/run-crun-suite.sh [test_X.py ...]
#
# Environment:
#   NOOK        the runtime (default build/nook)
#   PEER_SUITE  the suite's folder (default ../shared/peer-suites/crun beside the
#               repo: CI has it; a bare clone does not, and then this says SKIP)
#   PEER_OUT    keep the harness's output here (default: a temporary folder)
#   PEER_JUDGE_ONLY=DIR  judge the output DIR of an earlier run (PEER_OUT)
#   PEER_EXPECTED  the expected file (default tests/peer/crun-expected.txt)
#   PEER_LABEL  the prefix of the result lines (default peer; the rootless run,
#               tests/peer/run-crun-suite-rootless.sh, judges with its own)
#   PEER_UPDATE=1  rewrite the expected file from this run (reasons already in
#               the file are kept; a new skip takes the suite's own note, a new
#               failure "REASON?", to be written by hand before committing)
#
# The suite is not ours and is not copied into the repo: its own harness runs
# the 364 runtime-agnostic subtests (-a), through its runc-CLI shim (-s), each
# test file under a pty (-t, so the terminal tests run too). Every subtest then
# prints one line:
#   PASS peer:FILE::SUBTEST          expected ok, got ok
#   SKIP peer:FILE::SUBTEST (...)    expected skip or a known failure, got it
#   FAIL peer:FILE::SUBTEST (...)    anything else: a regression, or an
#                                    unexpected pass (then update the file)
# and a test file that leaves anything behind (its .cleanup log has LEFTOVER
# lines) is one FAIL more.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
NOOK=${NOOK:-$repo/build/nook}
PEER_SUITE=${PEER_SUITE:-$repo/../shared/peer-suites/crun}
expected=${PEER_EXPECTED:-$here/crun-expected.txt}
label=${PEER_LABEL:-peer}
expected_name=tests/peer/$(basename "$expected")

if [ ! -x "$PEER_SUITE/harness/run-suite.sh" ]; then
	echo "SKIP peer: crun's suite is not at $PEER_SUITE (set PEER_SUITE; CI has ../shared)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "SKIP peer: needs root"
	exit 0
fi
for prog in gcc python3 script; do
	if ! command -v "$prog" >/dev/null; then
		echo "FAIL peer: $prog is not installed (the suite needs gcc, python3 and script)"
		exit 1
	fi
done

# The suite's containers run as mapped users too: their rootfs must be
# reachable by them, as under any ordinary /tmp (mktemp -d makes it 0700).
scratch=$(mktemp -d /tmp/nook-peer.XXXXXX)
chmod 755 "$scratch"
trap 'rm -rf "$scratch"' EXIT
if [ -n "${PEER_JUDGE_ONLY:-}" ]; then
	out=$PEER_JUDGE_ONLY # judge the output of an earlier run, run nothing
else
	out=${PEER_OUT:-$scratch/out}
	rm -rf "$out"
	checkout=$("$PEER_SUITE/prepare.sh" "$scratch") || {
		echo "FAIL peer: $PEER_SUITE/prepare.sh failed (gcc, static libc, libseccomp-dev?)"
		exit 1
	}
	# -t runs each file under script(1), which hands the harness's command line
	# ("exec ... 2>&N N>&-", N the number of a pipe) to $SHELL. Once the runner
	# holds ten fds, N > 9, which dash refuses ("Bad fd number"): CI, whose
	# SHELL is unset or /bin/sh, failed every subtest from then on.
	export SHELL=/bin/bash
	NOOK_ABS=$(command -v "$NOOK")
	NOOK_ABS=$(readlink -f "$NOOK_ABS")
	"$PEER_SUITE/harness/run-suite.sh" -s -a -t -C "$checkout" -o "$out" "$NOOK_ABS" "$@" \
		>"$scratch/harness.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL peer: the harness exited $rc"
		sed 's/^/    | /' "$scratch/harness.log" | tail -20
		exit 1
	fi
fi

# One line per subtest of the .tap files: FILE TAB SUBTEST TAB ok|skip|fail TAB note
results() {
	local tap file line name status note
	for tap in "$out"/*.tap; do
		[ -f "$tap" ] || continue
		file=$(basename "$tap" .tap).py
		while IFS= read -r line; do
			case $line in
			"ok "* | "not ok "*) ;;
			*) continue ;;
			esac
			name=${line#*ok }
			name=${name#* - }
			note=""
			if [[ $name == *" # "* ]]; then
				note=${name#* # }
				name=${name%% # *}
			elif [[ $name == *" #"* ]]; then
				note=${name#* #}
				name=${name%% #*}
			fi
			if [[ $line == "not ok "* ]]; then
				status=fail
			elif [[ $note == SKIP* ]]; then
				status=skip
			else
				status=ok
			fi
			printf '%s\t%s\t%s\t%s\n' "$file" "$name" "$status" "$note"
		done <"$tap"
	done
}

declare -A want why
while IFS=$'\t' read -r file name status reason; do
	[[ -z $file || $file == \#* ]] && continue
	want["$file::$name"]=$status
	why["$file::$name"]=$reason
done <"$expected"

if [ "${PEER_UPDATE:-}" = 1 ]; then
	# Each line of the file again, with this run's result where there is
	# one (test files not run keep theirs), then subtests new to the file.
	declare -A got_status got_note
	while IFS=$'\t' read -r file name status note; do
		got_status["$file::$name"]=$status
		got_note["$file::$name"]=$note
	done < <(results)
	new_line() { # FILE NAME STATUS NOTE
		local reason=${why["$1::$2"]:-}
		if [ "$3" = ok ]; then
			reason=""
		elif [ -z "$reason" ] || [ "${want["$1::$2"]:-}" != "$3" ]; then
			reason=${4#SKIP}
			reason=${reason# }
			[ -n "$reason" ] || reason="REASON?"
		fi
		printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$reason"
	}
	{
		while IFS= read -r line; do
			IFS=$'\t' read -r file name status reason <<<"$line"
			if [[ -z $file || $file == \#* || -z ${got_status["$file::$name"]:-} ]]; then
				printf '%s\n' "$line"
			else
				new_line "$file" "$name" "${got_status["$file::$name"]}" \
					"${got_note["$file::$name"]}"
			fi
		done <"$expected"
		for key in "${!got_status[@]}"; do
			[ -n "${want[$key]:-}" ] && continue
			new_line "${key%%::*}" "${key#*::}" "${got_status[$key]}" "${got_note[$key]}"
		done
	} >"$expected.new"
	mv "$expected.new" "$expected"
	echo "peer: wrote $expected"
fi

declare -A seen
fails=0
while IFS=$'\t' read -r file name status note; do
	key="$file::$name"
	seen["$key"]=1
	exp=${want[$key]:-}
	if [ -z "$exp" ]; then
		# a subtest we do not know: only those of the files asked for count
		echo "FAIL $label:$key (not in $expected_name; got $status $note)"
		fails=$((fails + 1))
	elif [ "$exp" = ok ] && [ "$status" = ok ]; then
		echo "PASS $label:$key"
	elif [ "$exp" = skip ] && [ "$status" = skip ]; then
		echo "SKIP $label:$key (${why[$key]:-$note})"
	elif [ "$exp" = fail ] && [ "$status" = fail ]; then
		echo "SKIP $label:$key (known failure: ${why[$key]})"
	else
		echo "FAIL $label:$key (expected $exp, got $status${note:+ $note}; update $expected_name, see tests/README.md)"
		python3 "$PEER_SUITE/harness/summarize.py" --why "$out" "$file" "$name" 2>/dev/null |
			grep -v '^E| #  ' | tail -12 | sed 's/^/    | /'
		fails=$((fails + 1))
	fi
done < <(results)

# An expected subtest that did not report at all (the file crashed or hung).
for key in "${!want[@]}"; do
	file=${key%%::*}
	if [ $# -gt 0 ] && [[ " $* " != *" $file "* ]]; then continue; fi
	if [ -z "${seen[$key]:-}" ]; then
		echo "FAIL $label:$key (no result: the file crashed or timed out)"
		fails=$((fails + 1))
	fi
done

# What the test files left behind (containers, processes, mounts, cgroups).
for log in "$out"/*.cleanup; do
	[ -f "$log" ] || continue
	if grep -q '^LEFTOVER' "$log"; then
		echo "FAIL $label:$(basename "$log" .cleanup).py (left things behind)"
		grep '^LEFTOVER' "$log" | head -10 | sed 's/^/    | /'
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
