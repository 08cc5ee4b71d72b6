# shellcheck shell=bash
# Rootless (issue 12 points 3, 4 and 6) on a stock Debian 12 with systemd:
# the lingering user nookuser (uid 1000; tests/distro/build-image.sh gives
# it /etc/subuid and /etc/subgid ranges and /var/lib/systemd/linger/nookuser,
# so user@1000.service, its delegated cgroup and its bus
# /run/user/1000/bus are up with no login) runs
#   - rootless podman with the runtime under test (podman's default
#     cgroup manager, systemd: the runtime runs as uid 0 in podman's user
#     namespace, with XDG_RUNTIME_DIR but no DBUS_SESSION_BUS_ADDRESS, and
#     must reach the user's systemd at $XDG_RUNTIME_DIR/bus);
#   - a plain bundle with --systemd-cgroup (a scope of its user manager,
#     "user.slice:nook:ID": runc's systemd.md) and with the cgroupfs driver
#     in its delegated subtree (user@1000.service/...), limits in both;
# another user's `list` does not show them, and nothing is left (units,
# cgroups, state in $XDG_RUNTIME_DIR). Sourced with lib.sh by run-guest.sh.

RL_UID=1000
RL_USER=nookuser
RL_XDG=/run/user/$RL_UID
RL_HOME=/home/$RL_USER
# the user manager's root cgroup (logind's user-UID.slice, systemd's
# user@UID.service)
RL_CG=/sys/fs/cgroup/user.slice/user-$RL_UID.slice/user@$RL_UID.service

# U CMD...: CMD as nookuser with a clean environment: HOME, USER, PATH and
# XDG_RUNTIME_DIR, no DBUS_SESSION_BUS_ADDRESS (as podman runs a runtime),
# from this test's cgroup (the system's nook-tests.service)
U() {
	setpriv --reuid=$RL_UID --regid=$RL_UID --init-groups -- \
		env -i -C "$RL_HOME" HOME="$RL_HOME" USER=$RL_USER LOGNAME=$RL_USER \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		XDG_RUNTIME_DIR=$RL_XDG "$@"
}

# UB CMD...: U with the user's bus in DBUS_SESSION_BUS_ADDRESS, as a login
# session has it (podman itself and systemctl --user want it)
UB() {
	U DBUS_SESSION_BUS_ADDRESS=unix:path=$RL_XDG/bus "$@"
}

# UM CMD...: CMD run by the user's systemd (a transient service in
# user@1000.service/app.slice, its output piped here, its exit status
# returned), as a program of a desktop session runs: inside the user's
# delegated subtree, where moving a process between its cgroups is allowed
UM() {
	UB systemd-run --user --quiet --wait --pipe --collect \
		--setenv=XDG_RUNTIME_DIR=$RL_XDG --setenv=PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
		--working-directory="$RL_HOME" -- "$@"
}

# the state root of the runtime under test for nookuser: runc (the
# reference, DISTRO_RUNTIME=runc) keeps it in $XDG_RUNTIME_DIR/runc
rl_state_root() {
	if [ "$(readlink /usr/local/sbin/nook)" = /usr/sbin/runc ]; then
		echo "$RL_XDG/runc"
	else
		echo "$RL_XDG/nook"
	fi
}

rl_is_runc() {
	[ "$(readlink /usr/local/sbin/nook)" = /usr/sbin/runc ]
}

# the user's systemd, its bus and its delegated controllers (lingering
# starts it at boot, maybe after this service)
rl_user_up() {
	wait_until 120 test -S "$RL_XDG/bus" || fail "no $RL_XDG/bus 120 s after boot: $(systemctl is-active user@$RL_UID.service)"
	wait_until 60 sh -c "systemctl is-active user@$RL_UID.service | grep -qx active" ||
		fail "user@$RL_UID.service is $(systemctl is-active user@$RL_UID.service)"
}

# the busybox image in nookuser's podman store (imported once per boot)
rl_podman_image() {
	UB podman image exists "$BB_IMAGE" ||
		UB podman import --change 'CMD=["/bin/sh"]' "$BB_TAR" "$BB_IMAGE" >/dev/null
}

# rootless podman with the runtime under test, default config otherwise
PU() {
	UB podman --runtime "$RT" "$@"
}

# rl_bundle DIR ARGS_JSON [CGROUPS_PATH]: a rootless bundle owned by
# nookuser (runc's `spec --rootless` shape: a user namespace mapping
# nookuser to root, /sys bound from the host, no network namespace), a
# memory limit of 64 MiB and a pids limit of 20
rl_bundle() {
	rm -rf "$1"
	make_bundle "$1" "$2"
	jq --argjson u "$RL_UID" --arg cg "${3:-}" '
		.hostname = "rootless"
		| .mounts |= map(if .destination == "/sys" then
			{destination: "/sys", type: "none", source: "/sys",
			 options: ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)
		| .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}]
		| .linux.gidMappings = [{containerID: 0, hostID: $u, size: 1}]
		| .linux.cgroupsPath = $cg
		| .linux.resources = {memory: {limit: 67108864}, pids: {limit: 20}}
		| .linux.namespaces += [{type: "user"}]' "$1/config.json" >"$1/config.json.new"
	mv "$1/config.json.new" "$1/config.json"
	chown -R $RL_UID:$RL_UID "$1"
}

rl_status() { # ID: its status for nookuser, or "gone"
	U "$RT" state "$1" 2>/dev/null | jq -r .status 2>/dev/null || echo gone
}

rl_stopped() { # ID
	[ "$(rl_status "$1")" = stopped ]
}

rl_logs_have() { # NAME LINE: a line of podman logs
	UB podman logs "$1" | grep -qx "$2"
}

user_unit_prop() { # UNIT PROPERTY (of nookuser's systemd)
	UB systemctl --user show -p "$2" --value "$1"
}

user_unit_gone() { # UNIT: not loaded, or inactive
	[ "$(user_unit_prop "$1" LoadState)" = not-found ] || [ "$(user_unit_prop "$1" ActiveState)" = inactive ]
}

# another unprivileged user (uid 1001) and root do not see nookuser's
# container ID, and nookuser's state root is closed to the other user
rl_others_blind() {
	local other
	other=$(setpriv --reuid=1001 --regid=1001 --init-groups -- env -i -C /tmp \
		PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR=/tmp/xdg-nookother \
		sh -c 'mkdir -p -m 700 "$XDG_RUNTIME_DIR" && "$0" list -q' "$RT") || fail "list of nookother failed: $other"
	echo "nookother's list: '$other'"
	if grep -qx "$1" <<<"$other"; then fail "nookother's list shows nookuser's $1"; fi
	if "$RT" list -q | grep -qx "$1"; then fail "root's list (/run) shows nookuser's $1"; fi
	if setpriv --reuid=1001 --regid=1001 --init-groups -- env -i -C /tmp "$RT" --root "$(rl_state_root)" kill "$1" KILL 2>/dev/null; then
		fail "nookother killed nookuser's $1 through --root $(rl_state_root)"
	fi
}

# nothing of ID left: no state, no directory named after it in the user's
# cgroups, no unit
rl_nothing_left() {
	local id=$1 left
	[ ! -e "$(rl_state_root)/$id" ] || fail "state $(rl_state_root)/$id left"
	left=$(find "$RL_CG" -depth -type d -name "*$id*" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
	left=$(UB systemctl --user list-units --all --no-legend "*$id*" 2>/dev/null)
	[ -z "$left" ] || fail "units left: $left"
}

test_rootless_user_manager_is_delegated() {
	rl_user_up
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || fail "/sys/fs/cgroup is not cgroup v2"
	assert_eq "owner of $RL_CG" "$RL_USER" "$(stat -c %U "$RL_CG")"
	local ctl
	ctl=$(cat "$RL_CG/cgroup.controllers")
	echo "controllers of user@$RL_UID.service: $ctl"
	for c in memory pids; do
		grep -qw "$c" <<<"$ctl" || fail "$c is not delegated to user@$RL_UID.service ($ctl)"
	done
	grep -qx "$RL_USER:100000:65536" /etc/subuid || fail "no subuid range for $RL_USER"
	command -v newuidmap >/dev/null || fail "no newuidmap"
}

# rootless podman, its default config (systemd cgroup manager): the limits
# seen from inside the container
test_rootless_podman_run_memory_pids_limits() {
	rl_user_up
	rl_podman_image
	assert_eq "podman's cgroup manager (rootless)" systemd "$(UB podman info --format '{{.Host.CgroupManager}}')"
	assert_eq "podman is rootless" true "$(UB podman info --format '{{.Host.Security.Rootless}}')"
	local out
	out=$(PU run --rm --network none --memory 64m --pids-limit 50 "$BB_IMAGE" \
		sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; cat /proc/self/uid_map; echo done')
	echo "$out"
	assert_eq "memory.max inside" 67108864 "$(sed -n 1p <<<"$out")"
	assert_eq "pids.max inside" 50 "$(sed -n 2p <<<"$out")"
	# podman's user namespace with nookuser's subordinate range
	assert_match "uid_map inside" "^ *0 +$RL_UID +1$" "$(sed -n 3p <<<"$out")"
	assert_match "uid_map inside" "^ *1 +100000 +65536$" "$(sed -n 4p <<<"$out")"
	assert_eq "last line" "done" "$(sed -n 5p <<<"$out")"
}

# a detached rootless podman container: the scope in the user's
# user.slice, exec, stop, rm, and nothing left
test_rootless_podman_detached_exec_stop_rm() {
	rl_user_up
	rl_podman_image
	local name=rl-det id pid cg out
	PU rm -f "$name" >/dev/null 2>&1 || true
	id=$(PU run -d --name "$name" --network none --memory 64m --pids-limit 40 "$BB_IMAGE" \
		sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.2; done')
	echo "id $id"
	wait_until 60 rl_logs_have "$name" started || fail "no 'started' in podman logs"
	pid=$(UB podman inspect --format '{{.State.Pid}}' "$name")
	cg=$(cut -d: -f3 </proc/"$pid"/cgroup)
	echo "cgroup of the container: $cg"
	# podman's cgroupsPath "user.slice:libpod:ID" in nookuser's systemd
	assert_match "cgroup" "^/user.slice/user-$RL_UID.slice/user@$RL_UID.service/user.slice/libpod-$id.scope(/.*)?$" "$cg"
	assert_eq "unit state" active "$(user_unit_prop "libpod-$id.scope" ActiveState)"
	assert_eq "MemoryMax of the scope" 67108864 "$(user_unit_prop "libpod-$id.scope" MemoryMax)"
	assert_eq "memory.max of the scope" 67108864 "$(cat "$RL_CG/user.slice/libpod-$id.scope/memory.max")"
	assert_eq "pids.max of the scope" 40 "$(cat "$RL_CG/user.slice/libpod-$id.scope/pids.max")"
	out=$(PU exec "$name" sh -c 'echo from-exec; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max')
	echo "$out"
	assert_eq "exec output" from-exec "$(sed -n 1p <<<"$out")"
	assert_eq "memory.max seen by exec" 67108864 "$(sed -n 2p <<<"$out")"
	assert_eq "pids.max seen by exec" 40 "$(sed -n 3p <<<"$out")"
	# the runtime's state is nookuser's, under $XDG_RUNTIME_DIR
	[ -d "$(rl_state_root)/$id" ] || fail "no state $(rl_state_root)/$id: $(ls -la "$(rl_state_root)" 2>&1)"
	rl_others_blind "$id"
	run_ok PU stop -t 20 "$name"
	assert_eq "state after stop" exited "$(UB podman inspect --format '{{.State.Status}}' "$name")"
	assert_eq "exit code after stop" 0 "$(UB podman inspect --format '{{.State.ExitCode}}' "$name")"
	UB podman logs "$name" | grep -qx bye || fail "no 'bye' in the logs: SIGTERM did not reach the trap"
	run_ok PU rm "$name"
	if UB podman container exists "$name"; then fail "$name still exists after rm"; fi
	wait_until 10 user_unit_gone "libpod-$id.scope" || fail "libpod-$id.scope still there after rm"
	rl_nothing_left "$id"
}

# a plain bundle by nookuser with --systemd-cgroup: the scope
# nook-rl-sd.scope in the user manager's user.slice, the limits as unit
# properties, in cgroupfs and inside; exec, kill, delete
test_rootless_bundle_systemd_scope() {
	rl_user_up
	local b=$RL_HOME/bundle-rl-sd id=rl-sd unit=nook-rl-sd.scope dir pid out
	dir=$RL_CG/user.slice/$unit
	rl_bundle "$b" '["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.2; done"]' "user.slice:nook:$id"
	# from the system's service: the user's systemd moves the init in (via
	# the system manager, as for a login session's shell)
	run_ok U "$RT" --systemd-cgroup create --bundle "$b" "$id"
	pid=$(U "$RT" state "$id" | jq -r .pid)
	assert_eq "cgroup of the init" "0::/user.slice/user-$RL_UID.slice/user@$RL_UID.service/user.slice/$unit" "$(cat /proc/"$pid"/cgroup)"
	assert_eq "owner of the init" "$RL_UID" "$(stat -c %u /proc/"$pid")"
	assert_eq ActiveState active "$(user_unit_prop "$unit" ActiveState)"
	assert_eq Delegate yes "$(user_unit_prop "$unit" Delegate)"
	assert_eq MemoryMax 67108864 "$(user_unit_prop "$unit" MemoryMax)"
	assert_eq TasksMax 20 "$(user_unit_prop "$unit" TasksMax)"
	assert_eq memory.max 67108864 "$(cat "$dir/memory.max")"
	assert_eq pids.max 20 "$(cat "$dir/pids.max")"
	if systemctl list-units --all --no-legend "$unit" | grep -q .; then fail "$unit is a unit of the system manager"; fi
	run_ok U "$RT" start "$id"
	assert_eq status running "$(rl_status "$id")"
	# exec from inside the user's subtree joins the scope
	out=$(UM "$RT" exec "$id" sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max')
	echo "$out"
	assert_eq "exec inside" "$(printf '0::/\n67108864\n20')" "$out"
	# exec from outside the user's subtree (a login session's scope, here
	# a system service) runs, as runc's: moving into the scope is not
	# allowed there, and a rootless runtime does without (runc ignores it)
	out=$(U "$RT" exec "$id" echo from-outside)
	assert_eq "exec from outside the user's subtree" from-outside "$out"
	[ -d "$(rl_state_root)/$id" ] || fail "no state $(rl_state_root)/$id"
	rl_others_blind "$id"
	# pause and resume: the delegated scope's own cgroup.freeze
	run_ok U "$RT" pause "$id"
	assert_eq "status after pause" paused "$(rl_status "$id")"
	assert_eq "cgroup.freeze after pause" 1 "$(cat "$dir/cgroup.freeze")"
	run_ok U "$RT" resume "$id"
	assert_eq "status after resume" running "$(rl_status "$id")"
	assert_eq "cgroup.freeze after resume" 0 "$(cat "$dir/cgroup.freeze")"
	run_ok U "$RT" kill "$id" TERM
	wait_until 20 rl_stopped "$id" || fail "not stopped 20 s after SIGTERM: $(rl_status "$id")"
	run_ok U "$RT" delete "$id"
	wait_until 10 user_unit_gone "$unit" || fail "$unit still there after delete"
	[ ! -d "$dir" ] || fail "$dir left after delete"
	rl_nothing_left "$id"
	# run in the foreground, the limits seen from inside
	rl_bundle "$b" '["sh", "-c", "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /proc/self/uid_map"]' "user.slice:nook:$id"
	out=$(U "$RT" --systemd-cgroup run --bundle "$b" "$id")
	echo "$out"
	assert_eq "memory.max inside" 67108864 "$(sed -n 1p <<<"$out")"
	assert_eq "pids.max inside" 20 "$(sed -n 2p <<<"$out")"
	assert_match "uid_map inside" "^ *0 +$RL_UID +1$" "$(sed -n 3p <<<"$out")"
	wait_until 10 user_unit_gone "$unit" || fail "$unit still there after run"
	rl_nothing_left "$id"
	rm -rf "$b"
}

# a plain bundle by nookuser with the cgroupfs driver, cgroupsPath in its
# delegated subtree (user@1000.service/nook-rl/rl-fs): the limits in
# cgroupfs and inside; run from inside the user's systemd (moving the init
# needs write access to the common parent's cgroup.procs)
test_rootless_bundle_cgroupfs_delegated() {
	rl_user_up
	local b=$RL_HOME/bundle-rl-fs id=rl-fs dir pid out
	local rel=/user.slice/user-$RL_UID.slice/user@$RL_UID.service/nook-rl/$id
	dir=/sys/fs/cgroup$rel
	rl_bundle "$b" '["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.2; done"]' "$rel"
	run_ok UM "$RT" run -d --bundle "$b" "$id"
	pid=$(U "$RT" state "$id" | jq -r .pid)
	assert_eq "cgroup of the init" "0::$rel" "$(cat /proc/"$pid"/cgroup)"
	assert_eq memory.max 67108864 "$(cat "$dir/memory.max")"
	assert_eq pids.max 20 "$(cat "$dir/pids.max")"
	assert_eq "owner of $dir" "$RL_USER" "$(stat -c %U "$dir")"
	out=$(UM "$RT" exec "$id" sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max')
	echo "$out"
	assert_eq "exec inside" "$(printf '0::/\n67108864\n20')" "$out"
	rl_others_blind "$id"
	run_ok U "$RT" kill "$id" TERM
	wait_until 20 rl_stopped "$id" || fail "not stopped 20 s after SIGTERM: $(rl_status "$id")"
	run_ok U "$RT" delete "$id"
	[ ! -d "$dir" ] || fail "$dir left after delete"
	rmdir "$RL_CG/nook-rl" 2>/dev/null || true
	rl_nothing_left "$id"
	rm -rf "$b"
}

# nook's own errors (runc words them otherwise): the systemd driver of an
# unprivileged caller with no user bus names the bus it tried, and leaves
# nothing
test_rootless_systemd_no_user_bus_error() {
	rl_is_runc && skip "nook's own error text (runc words it otherwise)"
	rl_user_up
	local b=$RL_HOME/bundle-rl-nobus id=rl-nobus xdg=$RL_HOME/xdg-nobus err rc=0
	rl_bundle "$b" '["true"]' "user.slice:nook:$id"
	rm -rf "$xdg"
	U mkdir -m 700 "$xdg"
	err=$(U env XDG_RUNTIME_DIR="$xdg" "$RT" --systemd-cgroup run --bundle "$b" "$id" 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" -ne 0 ] || fail "ran with no user bus"
	assert_match "error" "$xdg/bus" "$err"
	assert_eq "lines of the error" 1 "$(grep -c . <<<"$err")"
	[ ! -e "$xdg/nook/$id" ] || fail "state $xdg/nook/$id left"
	# and with DBUS_SESSION_BUS_ADDRESS naming a socket that is not there
	rc=0
	err=$(U env DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus "$RT" --systemd-cgroup run --bundle "$b" "$id" 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" -ne 0 ] || fail "ran with a bus that is not there"
	assert_match "error" "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus" "$err"
	rl_nothing_left "$id"
	rm -rf "$b" "$xdg"
}
