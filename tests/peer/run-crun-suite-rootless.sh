#!/bin/bash
# crun's integration suite against $NOOK run by an unprivileged user (issue 12,
# docs/design.md "Rootless"), judged by tests/peer/run-crun-suite.sh against
# two expected files of the same format:
#
#   tests/peer/run-crun-suite-rootless.sh [test_X.py ...]
#
#   peer-rootless:FILE::SUBTEST         the user itself runs the suite
#                                       (tests/peer/crun-expected-rootless.txt)
#   peer-rootless-userns:FILE::SUBTEST  the user runs it as uid 0 of a user
#                                       namespace of its own (unshare
#                                       --map-root-user), as rootless podman
#                                       runs its runtime
#                                       (tests/peer/crun-expected-rootless-userns.txt)
#
# The suite decides "rootless" from os.getuid() != 0 or a uid_map that is not
# the initial one (tests_utils.py is_rootless) and then runs its rootless
# variants and skips the root-only subtests. Its configs carry no user
# namespace: run by the user itself, every container is refused, by runc as
# by nook ("a rootless container requires a user namespace"); inside a user
# namespace of its own they run.
#
# Needs root (it makes the user): useradd/userdel, setpriv and unshare
# (util-linux), newuidmap (uidmap), python3, gcc and script. The user
# nookpeer<PID> is made with the /etc/subuid and /etc/subgid ranges useradd
# grants, and removed; /etc/{passwd,group,shadow,gshadow,subuid,subgid} and
# their "-" backups are restored byte for byte. Environment as
# run-crun-suite.sh (NOOK, PEER_SUITE, PEER_UPDATE=1 rewrites both files).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
NOOK=${NOOK:-$repo/build/nook}
PEER_SUITE=${PEER_SUITE:-$repo/../shared/peer-suites/crun}
user_path=/usr/sbin:/usr/bin:/sbin:/bin

if [ ! -x "$PEER_SUITE/harness/run-suite.sh" ]; then
	echo "SKIP peer-rootless: crun's suite is not at $PEER_SUITE (set PEER_SUITE; CI has ../shared)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "SKIP peer-rootless: needs root (to make the unprivileged user)"
	exit 0
fi
if [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
	echo "SKIP peer-rootless: kernel.unprivileged_userns_clone is 0"
	exit 0
fi
for prog in useradd userdel setpriv unshare newuidmap gcc script; do
	if ! command -v "$prog" >/dev/null; then
		echo "FAIL peer-rootless: $prog is not installed (needs passwd, util-linux, uidmap, gcc, bsdutils)"
		exit 1
	fi
done
if ! PATH=$user_path command -v python3 >/dev/null; then
	echo "FAIL peer-rootless: no python3 in $user_path (the user's PATH)"
	exit 1
fi

etc_files=(passwd group shadow gshadow subuid subgid passwd- group- shadow- gshadow- subuid- subgid-)
scratch=$(mktemp -d /tmp/nook-peer-rootless.XXXXXX)
chmod 755 "$scratch"
mkdir -m 0700 "$scratch/etc"
for f in "${etc_files[@]}"; do
	if [ -e "/etc/$f" ]; then cp -a "/etc/$f" "$scratch/etc/$f"; fi
done
user=nookpeer$$
restore() {
	userdel "$user" 2>/dev/null
	local f
	for f in "${etc_files[@]}"; do
		if [ -e "$scratch/etc/$f" ]; then
			cmp -s "$scratch/etc/$f" "/etc/$f" || cat "$scratch/etc/$f" >"/etc/$f"
		else
			rm -f "/etc/$f"
		fi
	done
	rm -rf "$scratch"
}
trap restore EXIT

if ! useradd -M -s /usr/sbin/nologin "$user"; then
	echo "FAIL peer-rootless: useradd $user failed"
	exit 1
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
if ! grep -q "^$user:" /etc/subuid || ! grep -q "^$user:" /etc/subgid; then
	echo "FAIL peer-rootless: useradd granted $user no /etc/subuid or /etc/subgid range"
	exit 1
fi

# The user's own folder: the suite's checkout (the tests write beside it),
# the runtime (the repo may be where it cannot look), $XDG_RUNTIME_DIR.
home=$scratch/u
mkdir -m 0755 "$home"
checkout=$("$PEER_SUITE/prepare.sh" "$home") || {
	echo "FAIL peer-rootless: $PEER_SUITE/prepare.sh failed (gcc, static libc, libseccomp-dev?)"
	exit 1
}
install -m 0755 "$(readlink -f "$(command -v "$NOOK")")" "$home/nook"
mkdir -m 0700 "$home/xdg"
chown -R "$uid:$gid" "$home"

as_user() {
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		env -i PATH="$user_path" HOME="$home" USER="$user" LOGNAME="$user" \
		XDG_RUNTIME_DIR="$home/xdg" SHELL=/bin/bash "$@"
}
if ! as_user test -r "$PEER_SUITE/harness/runner.py"; then
	echo "FAIL peer-rootless: $PEER_SUITE is not readable by an unprivileged user"
	exit 1
fi

fails=0
# mode LABEL EXPECTED [WRAPPER...]: run the suite as the user (through the
# wrapper), then judge it; a process of the user left behind is a failure.
mode() {
	local label=$1 expected=$2 out=$home/out-$1
	shift 2
	(cd "$home" && as_user "$@" "$PEER_SUITE/harness/run-suite.sh" -s -a -t -p python3 \
		-C "$checkout" -o "$out" "$home/nook" "${files[@]}") >"$scratch/$label.log" 2>&1
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $label: the harness exited $rc"
		sed 's/^/    | /' "$scratch/$label.log" | tail -20
		fails=$((fails + 1))
		return
	fi
	PEER_JUDGE_ONLY=$out PEER_EXPECTED=$here/$expected PEER_LABEL=$label \
		bash "$here/run-crun-suite.sh" "${files[@]}" || fails=$((fails + 1))
	# processes of the user still exiting (a killed container's) get 5 s
	local pid left="" _
	for _ in $(seq 50); do
		pgrep -u "$uid" >/dev/null || break
		sleep 0.1
	done
	for pid in $(pgrep -u "$uid"); do
		left="$left $pid($(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null): $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))"
		kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "$left" ]; then
		echo "FAIL $label: processes of $user left behind:$left"
		fails=$((fails + 1))
	fi
	left=$(ls -A "$home/xdg/nook" 2>/dev/null)
	if [ -n "$left" ]; then
		echo "FAIL $label: containers left in the user's state root: $left"
		fails=$((fails + 1))
	fi
}
files=("$@")
mode peer-rootless crun-expected-rootless.txt
mode peer-rootless-userns crun-expected-rootless-userns.txt unshare --user --map-root-user
[ "$fails" -eq 0 ]
