#!/bin/bash
# nook --systemd-cgroup on this host, which has no systemd (runc's
# systemd.md: linux.cgroupsPath is "slice:prefix:name"; issue 11, "Bad
# input": one clear line naming the field, nothing left behind):
#   - the bad input, refused before any bus is needed;
#   - the driver's D-Bus side against tests/lib/fake_systemd.c, a stand-in
#     for systemd's manager on /run/systemd/private, in a private mount
#     namespace where the cgroup2 hierarchy alone is at /sys/fs/cgroup (so
#     that nook sees a pure v2 host; only hugetlb is enabled there, so no
#     memory or pids limits apply).
# Under a real systemd: tests/distro/guest/test_systemd_cgroup.sh.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_malformed_cgroups_path_refused test_bad_property_annotation_refused \
	test_without_systemd_refused test_features_say_systemd test_fake_manager_scope_lifecycle \
	test_fake_manager_failures_leave_nothing test_fake_user_manager_rootless

# sd_run: `nook --systemd-cgroup run` of the bundle; RC, OUT, ERR.
sd_run() {
	RC=0
	"$NOOK" --root "$STATE" --systemd-cgroup run --bundle "$BUNDLE" "$ID" </dev/null \
		>"$T/out" 2>"$T/err" || RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

assert_nothing_left() {
	[ -z "$(ls -A "$STATE" 2>/dev/null)" ] || fail "state left: $(ls -A "$STATE")"
}

test_malformed_cgroups_path_refused() {
	local path want
	while IFS='|' read -r path want; do
		cfg '.linux.cgroupsPath = $p' --arg p "$path"
		sd_run
		assert_exit 1
		assert_error_line 'linux\.cgroupsPath' "$want"
		assert_nothing_left
	done <<'LIST'
system.slice:nook|three fields
/nook/x|slice:prefix:name
system.slice:nook:x:y|not more
system.slice:nook:|the name \(third field\) is empty
system:nook:x|does not end in "\.slice"
a--b.slice:nook:x|cannot lead, end or double
-a.slice:nook:x|cannot lead, end or double
a/b.slice:nook:x|not a systemd unit name
system.slice:p:x.slice|not supported
system.slice:p:a@b|letters, digits
LIST
}

test_bad_property_annotation_refused() {
	cfg '.linux.cgroupsPath = $p | .annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 x"' \
		--arg p "system.slice:nook:$ID"
	sd_run
	assert_exit 1
	assert_error_line 'annotations\.org\.systemd\.property\.TimeoutStopUSec' 'not a value'
	assert_nothing_left
	cfg '.linux.resources.cpu.cpus = "3-1" | del(.annotations)'
	sd_run
	assert_exit 1
	assert_error_line 'linux\.resources\.cpu\.cpus' 'not a cpu list'
	assert_nothing_left
}

# This host has no systemd: a v1 or hybrid host is refused for that, a v2
# one for the missing bus; either way before anything is made.
test_without_systemd_refused() {
	[ ! -S /run/systemd/private ] || skip "this host runs systemd"
	cfg '.linux.cgroupsPath = $p' --arg p "system.slice:nook:$ID"
	sd_run
	assert_exit 1
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		assert_error_line 'systemd cgroup driver: cannot connect to systemd over D-Bus'
	else
		assert_error_line -- '--systemd-cgroup: this host.s cgroups are (hybrid|legacy)' \
			'needs cgroup v2'
	fi
	assert_nothing_left
}

test_features_say_systemd() {
	RC=0
	OUT=$("$NOOK" features) || RC=$?
	assert_ok
	assert_eq true "$(jq -r '.linux.cgroup.systemd' <<<"$OUT")" "linux.cgroup.systemd"
}

# fake_ns SCRIPT: build the fake manager, then run bash SCRIPT (with
# fake_lib.sh's helpers) in a private mount namespace that looks like a
# systemd host; the fake logs to $T/fake.log.
fake_ns() {
	command -v cc >/dev/null || skip "no C compiler for the fake manager"
	command -v unshare >/dev/null || skip "no unshare"
	[ -d /run/systemd ] || skip "no /run/systemd to put the fake socket in"
	cc -D_GNU_SOURCE -O1 -o "$T/fake_systemd" "$HARNESS_REPO/tests/lib/fake_systemd.c" -lsystemd ||
		fail "cannot build tests/lib/fake_systemd.c"
	cat >"$T/fake_lib.sh" <<'LIB'
set -euo pipefail
fail() { echo "FAILED: $*" >&2; exit 1; }
# this namespace only: the cgroup2 hierarchy alone at /sys/fs/cgroup, and
# a /run/systemd of our own for the fake's socket
mount -t tmpfs tmpfs /run/systemd
umount -l /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# FAKE_SOCKET and FAKE_USER_ROOT: the fake as a user's manager instead
"$T/fake_systemd" "${FAKE_SOCKET:-/run/systemd/private}" /sys/fs/cgroup "$T/fake.log" \
	${FAKE_USER_ROOT:+"$FAKE_USER_ROOT"} &
FAKE_PID=$!
trap 'kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -S "${FAKE_SOCKET:-/run/systemd/private}" ] && break; sleep 0.05; done
N() { "$NOOK" --root "$STATE" "$@"; }
# sdn CMD...: nook --systemd-cgroup CMD; RC and ERR (stderr)
sdn() {
	RC=0
	# files, not a pipe: a detached container keeps its stdio
	"$NOOK" --root "$STATE" --systemd-cgroup "$@" >"$T/out" 2>"$T/err" </dev/null || RC=$?
	ERR=$(cat "$T/err")
}
logged() { grep -qxF -- "$1" "$T/fake.log" || fail "the fake manager did not get '$1': $(cat "$T/fake.log")"; }
not_logged() { ! grep -qF -- "$1" "$T/fake.log" || fail "the fake manager got '$1'"; }
no_state() { [ -z "$(ls -A "$STATE" 2>/dev/null)" ] || fail "state left: $(ls -A "$STATE")"; }
LIB
	RC=0
	OUT=$(export T NOOK STATE BUNDLE ID FAKE_SOCKET FAKE_USER_ROOT
		unshare -m --propagation private bash -c '. "$T/fake_lib.sh"; . "$0"' "$1" 2>&1) || RC=$?
	echo "$OUT"
	echo "--- fake.log:"
	cat "$T/fake.log" 2>/dev/null || true
	[ "$RC" -eq 0 ] || fail "$(grep FAILED <<<"$OUT" || echo "exit $RC")"
}

test_fake_manager_scope_lifecycle() {
	cfg '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"]
		| .annotations = {"org.systemd.property.CollectMode": "'"'"'inactive-or-failed'"'"'",
		                  "org.systemd.property.TimeoutStopUSec": "uint64 123456789"}
' --arg p "nooktest-a.slice:nook:$ID"
	cat >"$T/scenario.sh" <<'EOF2'
unit=nook-$ID.scope
dir=/sys/fs/cgroup/nooktest.slice/nooktest-a.slice/$unit
sdn create --bundle "$BUNDLE" "$ID"
[ "$RC" -eq 0 ] || fail "create: $ERR"
pid=$(N state "$ID" | jq -r .pid)
# the scope was started with the init in it, in the nested slice, with
# runc's properties, the resources and the annotations (typed as given)
grep -qx "$pid" "$dir/cgroup.procs" || fail "the init $pid is not in $dir"
logged "start $unit Slice=nooktest-a.slice"
logged "start $unit Delegate=yes"
logged "start $unit DefaultDependencies=no"
logged "start $unit PIDs=$pid"
logged "start $unit Description=nook container $ID"
logged "start $unit CollectMode=inactive-or-failed"
logged "start $unit TimeoutStopUSec=123456789"
jq -e --arg u "$unit" --arg d "$dir" \
	'.nookCgroup.systemdUnit == $u and .nookCgroup.dirs[0].path == $d' \
	"$STATE/$ID/state.json" >/dev/null || fail "state.json: $(cat "$STATE/$ID/state.json")"
N start "$ID"
[ "$(N state "$ID" | jq -r .status)" = running ] || fail "not running"
# exec joins the scope (clone3 into its directory)
N exec "$ID" sh -c 'grep "^0::" /proc/self/cgroup' >"$T/exec.out"
[ "$(cat "$T/exec.out")" = "0::/nooktest.slice/nooktest-a.slice/$unit" ] ||
	fail "exec's cgroup: $(cat "$T/exec.out")"
N pause "$ID"
[ "$(cat "$dir/cgroup.freeze")" = 1 ] || fail "not frozen"
[ "$(N state "$ID" | jq -r .status)" = paused ] || fail "not paused"
N resume "$ID"
[ "$(N state "$ID" | jq -r .status)" = running ] || fail "not resumed"
# update: the unit's properties over SetUnitProperties, then cgroupfs
# (which has no pids controller in v2 here: that part fails)
! N update --pids-limit 30 "$ID" 2>"$T/update.err" || fail "update of pids.max was taken here"
grep -q "linux.resources.pids" "$T/update.err" || fail "update: $(cat "$T/update.err")"
logged "set $unit TasksMax=30"
N exec -d "$ID" sleep 1000 >/dev/null 2>&1
[ "$(wc -l <"$dir/cgroup.procs")" -ge 2 ] || fail "exec -d is not in the scope"
N kill --all "$ID" KILL
for _ in $(seq 100); do [ "$(N state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.05; done
[ "$(N state "$ID" | jq -r .status)" = stopped ] || fail "not stopped after kill --all"
N delete "$ID"
logged "stop $unit"
[ ! -d "$dir" ] || fail "$dir left"
[ ! -d /sys/fs/cgroup/nooktest.slice ] || fail "the slices the fake made are left"
no_state
EOF2
	fake_ns "$T/scenario.sh"
}

test_fake_manager_failures_leave_nothing() {
	cfg '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"]' --arg p "system.slice:nook:$ID"
	cat >"$T/scenario.sh" <<'EOF2'
unit=nook-$ID.scope
dir=/sys/fs/cgroup/system.slice/$unit
cfg() { jq "$@" "$BUNDLE/config.json" >"$BUNDLE/c.new" && mv "$BUNDLE/c.new" "$BUNDLE/config.json"; }
# a job that ends "failed": stopped and reset, nothing left
cfg '.linux.cgroupsPath = $p' --arg p "system.slice:failjob:$ID"
sdn run --bundle "$BUNDLE" "$ID"
[ "$RC" -ne 0 ] || fail "a failed job was taken"
[[ $ERR == *"StartTransientUnit failjob-$ID.scope: systemd's job ended \"failed\""* ]] || fail "error: $ERR"
[ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one line: $ERR"
logged "stop failjob-$ID.scope"
logged "reset-failed failjob-$ID.scope"
no_state
# systemd refuses a property: its message, no unit to stop
cfg '.linux.cgroupsPath = $p | .annotations = {"org.systemd.property.NoSuchProperty": "true"}' \
	--arg p "system.slice:nook:$ID"
sdn run --bundle "$BUNDLE" "$ID"
[ "$RC" -ne 0 ] || fail "an unknown property was taken"
[[ $ERR == *"StartTransientUnit $unit: Cannot set property NoSuchProperty"* ]] || fail "error: $ERR"
not_logged "stop $unit"
no_state
[ ! -d "$dir" ] || fail "$dir left"
# what cgroupfs cannot take after the start (no memory controller in v2
# here): the unit is stopped again
cfg 'del(.annotations) | .linux.resources = {"memory": {"limit": 67108864}, "cpu": {"cpus": "0-1,9"}}'
sdn run --bundle "$BUNDLE" "$ID"
[ "$RC" -ne 0 ] || fail "a memory limit without the controller was taken"
[[ $ERR == *"linux.resources.memory"* ]] || fail "error: $ERR"
logged "start $unit MemoryMax=67108864"
logged "start $unit AllowedCPUs=0302"
logged "stop $unit"
no_state
[ ! -d "$dir" ] || fail "$dir left"
# a second container in the same unit is refused; the first is untouched
cfg 'del(.linux.resources)'
sdn run -d --bundle "$BUNDLE" "$ID"
[ "$RC" -eq 0 ] || fail "run -d: $ERR"
sdn run -d --bundle "$BUNDLE" "$ID-2"
[ "$RC" -ne 0 ] || fail "a second container in $unit was taken"
[[ $ERR == *"linux.cgroupsPath: the cgroup of unit $unit"*"exists already"* ]] || fail "error: $ERR"
[ "$(N state "$ID" | jq -r .status)" = running ] || fail "the first container was touched"
[ ! -e "$STATE/$ID-2" ] || fail "state of the second left"
# delete --force of the running one stops its unit
N delete --force "$ID"
logged "stop $unit"
[ ! -d "$dir" ] || fail "$dir left after delete --force"
no_state
# no bus at all
kill "$FAKE_PID"
wait "$FAKE_PID" 2>/dev/null || true
rm -f /run/systemd/private
trap - EXIT
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-bus
sdn run --bundle "$BUNDLE" "$ID"
[ "$RC" -ne 0 ] || fail "run without a bus was taken"
[[ $ERR == "nook: systemd cgroup driver: cannot connect to systemd over D-Bus"* ]] || fail "error: $ERR"
[ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one line: $ERR"
no_state
EOF2
	fake_ns "$T/scenario.sh"
}

# An unprivileged caller's --systemd-cgroup goes to its own manager (issue
# 12; docs/design.md, "Rootless: the user's systemd"): the fake plays the
# user manager of uid 65534 on $XDG_RUNTIME_DIR/systemd/private (no bus
# daemon: nook connects directly), its units below user@65534.service and
# the user's. Then the same as uid 0 of a user namespace of that user with
# no user namespace in the config, as rootless podman runs its runtime
# (euid 0 but rootless: the user's manager, devices bound, not made). With
# no manager to reach, the error names $XDG_RUNTIME_DIR/bus and nothing is
# left.
test_fake_user_manager_rootless() {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	command -v unshare >/dev/null || skip "no unshare"
	local uid=65534
	mkdir -p "$T/xdg/systemd" "$T/xdg-none"
	chmod 0700 "$T/xdg" "$T/xdg-none"
	chown -R "$uid:$uid" "$T/xdg" "$T/xdg-none" "$BUNDLE"
	rm -f "$BUNDLE/config.json"
	setpriv --reuid=$uid --regid=$uid --clear-groups "$NOOK" spec --rootless --bundle "$BUNDLE" ||
		fail "spec --rootless as uid $uid"
	cfg '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"] | .process.terminal = false' \
		--arg p "user.slice:nook:$ID"
	cat >"$T/scenario.sh" <<'EOF2'
uid=65534
root=/user.slice/user-$uid.slice/user@$uid.service
unit=nook-$ID.scope
dir=/sys/fs/cgroup$root/user.slice/$unit
# U [unshare...] CMD...: as the user, its XDG_RUNTIME_DIR only
U() { setpriv --reuid=$uid --regid=$uid --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="${XDG:-$T/xdg}" "$@"; }
# P CMD...: as uid 0 of a user namespace of the user (podman's "0 65534 1")
P() { U unshare --user --map-root-user "$@"; }
urun() { # WHO run -d...: RC, ERR
	RC=0
	"$@" >"$T/out" 2>"$T/err" </dev/null || RC=$?
	ERR=$(cat "$T/err")
}
for who in U P; do
	urun $who "$NOOK" --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	[ "$RC" -eq 0 ] || fail "$who: run -d: $ERR"
	pid=$($who "$NOOK" state "$ID" | jq -r .pid)
	# the user manager's unit, in its user.slice, below user@65534.service
	grep -qx "$pid" "$dir/cgroup.procs" || fail "$who: the init $pid is not in $dir"
	logged "start $unit Slice=user.slice"
	[ "$(stat -c %u "$dir")" = "$uid" ] || fail "$dir is not the user's"
	jq -e --arg d "$dir" '.nookCgroup.dirs[0].path == $d' "$T/xdg/nook/$ID/state.json" >/dev/null ||
		fail "$who: state.json: $(cat "$T/xdg/nook/$ID/state.json")"
	[ "$($who "$NOOK" state "$ID" | jq -r .status)" = running ] || fail "$who: not running"
	# exec from outside the user's subtree: it may not join the scope (the
	# common parent's cgroup.procs is root's), and runs outside it, as
	# runc's. (Not for P: each P is a user namespace of its own, where
	# podman keeps one; the VM's test_rootless.sh runs podman exec.)
	if [ $who = U ]; then
		urun U "$NOOK" exec "$ID" echo from-outside
		[ "$RC" -eq 0 ] && [ "$(cat "$T/out")" = from-outside ] || fail "exec: $RC $ERR"
	fi
	urun $who "$NOOK" delete --force "$ID"
	[ "$RC" -eq 0 ] || fail "$who: delete --force: $ERR"
	logged "stop $unit"
	[ ! -d "$dir" ] || fail "$who: $dir left"
	[ -z "$(ls -A "$T/xdg/nook")" ] || fail "$who: state left: $(ls -A "$T/xdg/nook")"
	: >"$T/fake.log"
	# rootless podman's config has no user namespace: the runtime's is used
	jq 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces -= [{"type": "user"}]' \
		"$BUNDLE/config.json" >"$BUNDLE/c.new" && mv "$BUNDLE/c.new" "$BUNDLE/config.json"
done
# no manager in $XDG_RUNTIME_DIR: one line naming the bus, nothing left;
# as root of a user namespace the system's manager is tried too (a
# container with its own systemd), and the error names both
XDG=$T/xdg-none urun P "$NOOK" --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
[ "$RC" -ne 0 ] || fail "ran with no user manager (P)"
[[ $ERR == "nook: systemd cgroup driver: cannot connect to systemd over D-Bus: as root of a user namespace"*"the user's bus $T/xdg-none/bus (XDG_RUNTIME_DIR=$T/xdg-none), then the system's"* ]] ||
	fail "error (P): $ERR"
[ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one line: $ERR"
jq '.linux.uidMappings = [{containerID: 0, hostID: 65534, size: 1}]
  | .linux.gidMappings = .linux.uidMappings | .linux.namespaces += [{"type": "user"}]' \
	"$BUNDLE/config.json" >"$BUNDLE/c.new" && mv "$BUNDLE/c.new" "$BUNDLE/config.json"
XDG=$T/xdg-none urun U "$NOOK" --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
[ "$RC" -ne 0 ] || fail "ran with no user manager (U)"
[ "$ERR" = "nook: systemd cgroup driver: cannot connect the user's bus $T/xdg-none/bus (XDG_RUNTIME_DIR=$T/xdg-none): No such file or directory" ] ||
	fail "error (U): $ERR"
[ -z "$(ls -A "$T/xdg-none/nook" 2>/dev/null)" ] || fail "state left: $(ls -A "$T/xdg-none/nook")"
not_logged "start"
EOF2
	FAKE_SOCKET=$T/xdg/systemd/private FAKE_USER_ROOT=/user.slice/user-$uid.slice/user@$uid.service \
		fake_ns "$T/scenario.sh"
	[ ! -d /sys/fs/cgroup/unified/user.slice/user-$uid.slice ] || fail "the fake's user root is left"
}

harness_main "$@"
