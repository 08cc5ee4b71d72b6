#!/bin/bash
# Rootless (issue 12; docs/design.md, "Rootless"): nook run by a real
# unprivileged user that each test makes (useradd, with the /etc/subuid and
# /etc/subgid ranges useradd grants) and removes again, restoring the /etc
# files byte for byte. The user runs nook through setpriv with its own
# $XDG_RUNTIME_DIR ($T/xdg): its state root is $T/xdg/nook, checked empty
# at the end of each test besides the harness's own checks (which look at
# root's $STATE, processes and cgroups named $ID).
# Peers: runc's shouldUseRootlessCgroupManager / shouldHonorXDGRuntimeDir,
# runc's and crun's use of newuidmap; config-linux.md "User namespace mappings".
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_rootless_no_subuid_entry test_rootless_no_newuidmap \
	test_rootless_limits_refused_without_delegation test_rootless_xdg_runtime_dir_errors \
	test_rootless_pause_without_cgroup test_rootless_rlimits_only_lowered \
	test_rootless_idmapped_mount_refused \
	test_rootless_userns_without_mappings_refused test_rootless_in_userns_unmapped_ids_refused

RL_ETC=(passwd group shadow gshadow subuid subgid passwd- group- shadow- gshadow- subuid- subgid-)

# rl_user: make the user $RL (with subordinate ranges), its bundle ($BUNDLE,
# owned by it, from `nook spec --rootless`) and $T/xdg; undo at the end.
rl_user() {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	if [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
		skip "kernel.unprivileged_userns_clone is 0: no user namespaces for unprivileged users"
	fi
	mkdir "$T/etc"
	local f
	for f in "${RL_ETC[@]}"; do
		if [ -e "/etc/$f" ]; then cp -a "/etc/$f" "$T/etc/$f"; fi
	done
	RL=nookrl$$
	on_exit rl_remove_user
	useradd -M -s /usr/sbin/nologin "$RL"
	RL_UID=$(id -u "$RL")
	RL_GID=$(id -g "$RL")
	mkdir -m 0700 "$T/xdg"
	chown "$RL_UID:$RL_GID" "$T/xdg"
	chown -R "$RL_UID:$RL_GID" "$BUNDLE"
	rm -f "$BUNDLE/config.json"
	as_user "$NOOK" spec --rootless --bundle "$BUNDLE"
	assert_ok
	on_exit rl_check_user_state
}

# Restore every /etc file exactly as it was (useradd and userdel rewrite
# them and their "-" backups); remove those that were not there.
rl_remove_user() {
	userdel "$RL" 2>/dev/null || true
	local f
	for f in "${RL_ETC[@]}"; do
		if [ -e "$T/etc/$f" ]; then
			cmp -s "$T/etc/$f" "/etc/$f" || cat "$T/etc/$f" >"/etc/$f"
		else
			rm -f "/etc/$f"
		fi
	done
}

# The user's own state root holds nothing once a test is done; what is
# left is deleted (as the user) and reported.
rl_check_user_state() {
	local left
	left=$(ls -A "$T/xdg/nook" 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "leftover state in the user's state root $T/xdg/nook: $left" >&2
		local id
		for id in $left; do as_user "$NOOK" delete --force "$id" || true; done
		return 1
	fi
}

# as_user CMD...: run CMD as $RL with a clean environment (stdin /dev/null,
# a timeout); sets RC, OUT, ERR. RL_PATH: its $PATH.
as_user() {
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups \
		env -i PATH="${RL_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}" HOME="$T" USER="$RL" \
		XDG_RUNTIME_DIR="$T/xdg" "$@" </dev/null >"$T/u.out" 2>"$T/u.err" || RC=$?
	OUT=$(cat "$T/u.out")
	ERR=$(cat "$T/u.err")
	echo "as $RL: $*: exit $RC${OUT:+; stdout: $OUT}${ERR:+; stderr: $ERR}" >&2
}

# The user's subordinate range: RL_SUBUID / RL_SUBGID (first id).
rl_subids() {
	RL_SUBUID=$(awk -F: -v u="$RL" '$1 == u {print $2; exit}' /etc/subuid)
	RL_SUBGID=$(awk -F: -v u="$RL" '$1 == u {print $2; exit}' /etc/subgid)
	if [ -z "$RL_SUBUID" ] || [ -z "$RL_SUBGID" ]; then fail "useradd granted no subordinate ids"; fi
}

# The config maps container ids 0 (the user) and 1..65536 (its range).
rl_full_range() {
	command -v newuidmap >/dev/null || skip "newuidmap is not installed (Debian package uidmap)"
	rl_subids
	cfg '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
	                           {containerID: 1, hostID: $su, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1},
	                           {containerID: 1, hostID: $sg, size: 65536}]' \
		--argjson u "$RL_UID" --argjson g "$RL_GID" \
		--argjson su "$RL_SUBUID" --argjson sg "$RL_SUBGID"
}

rl_args() {
	cfg '.process.args = $a | .process.terminal = false' --argjson a "$(json_array "$@")"
}

# Nothing of container $ID anywhere: no state dir in the user's root or in
# /run/nook, no cgroup (the harness also looks for processes).
rl_nothing_left() {
	[ ! -e "$T/xdg/nook/$ID" ] || fail "state directory $T/xdg/nook/$ID left"
	[ ! -e "/run/nook/$ID" ] || fail "state directory /run/nook/$ID left"
	[ -z "$(harness_cgroups)" ] || fail "cgroup left: $(harness_cgroups)"
}

# ------------------------------------------------------------------ tests

test_rootless_spec_and_run() {
	rl_user
	jq -e '.linux.uidMappings == [{containerID: 0, hostID: '"$RL_UID"', size: 1}]' \
		"$BUNDLE/config.json" >/dev/null || fail "spec --rootless: uidMappings"
	rl_args sh -c 'id -u; cat /proc/self/uid_map; [ -c /dev/null ] && echo null-ok; echo x >/dev/null && echo write-ok'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	assert_match "$OUT" '^0
 +0 +'"$RL_UID"' +1
null-ok
write-ok$' "the container's uid and uid_map"
	# the state went to $XDG_RUNTIME_DIR/nook: made, and empty again
	[ -d "$T/xdg/nook" ] || fail "no state root $T/xdg/nook"
	rl_nothing_left
}

test_rootless_detached_exec_list_ps_kill_delete() {
	rl_user
	rl_args sh -c 'touch /tmp/ready; while :; do sleep 0.05; done'
	as_user "$NOOK" run --detach --bundle "$BUNDLE" "$ID"
	assert_ok
	on_exit 'as_user "$NOOK" delete --force "$ID"'
	[ -d "$T/xdg/nook/$ID" ] || fail "state not under \$XDG_RUNTIME_DIR/nook"
	as_user "$NOOK" state "$ID"
	assert_ok
	local pid
	pid=$(jq -r .pid <<<"$OUT")
	assert_eq "$RL_UID" "$(stat -c %u "/proc/$pid")" "owner of the init"
	as_user "$NOOK" list -q
	assert_ok
	assert_eq "$ID" "$OUT" "list"
	as_user "$NOOK" ps --format json "$ID"
	assert_ok
	assert_contains "$OUT" "$pid" "ps"
	as_user "$NOOK" exec "$ID" sh -c 'id -u; cat /proc/self/uid_map'
	assert_ok
	assert_match "$OUT" '^0
 +0 +'"$RL_UID"' +1$' "exec: uid and uid_map"
	# another user: its own state root shows nothing; ours it may not open;
	# the init it may not signal
	RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups env -i XDG_RUNTIME_DIR="$T/other" \
		"$NOOK" list -q >"$T/o.out" 2>"$T/o.err" || RC=$?
	assert_ne 0 "$RC" "list as nobody without its own XDG_RUNTIME_DIR"
	mkdir -m 0700 "$T/other" && chown 65534:65534 "$T/other"
	OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups env -i XDG_RUNTIME_DIR="$T/other" \
		"$NOOK" list -q)
	assert_eq "" "$OUT" "list as another user"
	RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$NOOK" --root "$T/xdg/nook" \
		kill "$ID" KILL 2>"$T/o.err" || RC=$?
	assert_ne 0 "$RC" "kill by another user"
	assert_contains "$(cat "$T/o.err")" "Permission denied"
	kill -0 "$pid" || fail "the init died of another user's kill"
	as_user "$NOOK" kill "$ID" KILL
	assert_ok
	local i
	for ((i = 0; i < 100; i++)); do
		as_user "$NOOK" state "$ID"
		[ "$(jq -r .status <<<"$OUT")" = stopped ] && break
		sleep 0.05
	done
	as_user "$NOOK" delete "$ID"
	assert_ok
	rl_nothing_left
}

test_rootless_root_flag_wins() {
	rl_user
	mkdir "$T/myroot" && chown "$RL_UID" "$T/myroot"
	rl_args sh -c 'sleep 30'
	as_user "$NOOK" --root "$T/myroot" run --detach --bundle "$BUNDLE" "$ID"
	assert_ok
	on_exit 'as_user "$NOOK" --root "$T/myroot" delete --force "$ID"'
	[ -d "$T/myroot/$ID" ] || fail "--root not used"
	[ ! -e "$T/xdg/nook/$ID" ] || fail "state in \$XDG_RUNTIME_DIR despite --root"
	as_user "$NOOK" --root "$T/myroot" delete --force "$ID"
	assert_ok
	[ ! -e "$T/myroot/$ID" ] || fail "state left in --root"
}

test_rootless_pause_without_cgroup() {
	rl_user
	rl_args sh -c 'sleep 30'
	as_user "$NOOK" run --detach --bundle "$BUNDLE" "$ID"
	assert_ok
	on_exit 'as_user "$NOOK" delete --force "$ID"'
	# this host delegates no cgroup: the container has none, and says so
	as_user "$NOOK" pause "$ID"
	assert_failed
	assert_error_line 'has no cgroup' 'delegated'
	as_user "$NOOK" delete --force "$ID"
	assert_ok
	rl_nothing_left
}

test_rootless_rootless_false_wins() {
	rl_user
	# runc's --rootless false: the cgroup errors are not tolerated
	as_user "$NOOK" --rootless false run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_contains "$ERR" "cgroup"
	assert_contains "$ERR" "Permission denied"
	rl_nothing_left
}

test_rootless_full_range_newuidmap() {
	rl_user
	rl_full_range
	rl_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f && chown 1000:1000 /tmp/f && echo chown-ok'
	set_caps CAP_CHOWN
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	assert_match "$OUT" '^ +0 +'"$RL_UID"' +1
 +1 +'"$RL_SUBUID"' +65536
 +0 +'"$RL_GID"' +1
 +1 +'"$RL_SUBGID"' +65536
chown-ok$' "uid_map and gid_map written by newuidmap and newgidmap"
	# container uid 1000 is host uid subuid+999
	assert_eq "$((RL_SUBUID + 999)):$((RL_SUBGID + 999))" "$(stat -c %u:%g "$ROOTFS/tmp/f")" \
		"host owner of a file chowned to 1000 inside"
	rl_nothing_left
}

test_rootless_in_userns_like_podman() {
	rl_user
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	# As rootless podman runs its runtime: uid 0 in a user namespace whose
	# uid_map is "0 <uid> 1", USER unset, no --root.
	mkdir "$T/u" && chown "$RL_UID" "$T/u"
	cat >"$T/inside.sh" <<EOF
set -e
cat /proc/self/uid_map
rm -f "$BUNDLE/config.json"
"$NOOK" spec --rootless --bundle "$BUNDLE"
jq '.process.args = ["sh", "-c", "cat /proc/self/uid_map; sleep 30"]' "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
"$NOOK" run --detach --bundle "$BUNDLE" "$ID" >"$T/u/podman.out"
test -d "$T/xdg/nook/$ID" && echo state-in-xdg
"$NOOK" list -q
"$NOOK" exec "$ID" id -u
"$NOOK" delete --force "$ID"
EOF
	chmod 0644 "$T/inside.sh"
	as_user env -u USER unshare --user --map-root-user bash "$T/inside.sh"
	on_exit 'as_user "$NOOK" delete --force "$ID"'
	assert_ok
	assert_match "$OUT" '^ +0 +'"$RL_UID"' +1
state-in-xdg
'"$ID"'
0$' "as uid 0 of a user namespace"
	assert_match "$(cat "$T/u/podman.out")" '^ +0 +0 +1$' "the container's uid_map (nested)"
	rl_nothing_left
}

test_rootless_own_netns_gets_sysfs_and_only_lo() {
	rl_user
	# with a network namespace of its own the container may mount sysfs
	# (the kernel allows it to the owner of the netns): only its lo shows
	cfg '.linux.namespaces += [{type: "network"}]
	   | .mounts |= map(if .destination == "/sys"
	                    then {destination: "/sys", type: "sysfs", source: "sysfs",
	                          options: ["nosuid", "noexec", "nodev", "ro"]}
	                    else . end)'
	rl_args sh -c 'ls /sys/class/net; grep " /sys " /proc/self/mounts | cut -d" " -f3'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	assert_eq "lo
sysfs" "$OUT" "interfaces and the /sys filesystem"
	rl_nothing_left
}

test_rootless_rlimits_only_lowered() {
	rl_user
	local hard
	hard=$(setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups sh -c 'ulimit -Hn')
	[ "$hard" != unlimited ] || skip "RLIMIT_NOFILE hard limit is unlimited"
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 512, soft: 256}]'
	rl_args sh -c 'ulimit -Hn; ulimit -Sn'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	assert_eq "512
256" "$OUT" "lowered limits"
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: 256}]' --argjson h "$((hard + 1))"
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'process\.rlimits\[0\]: RLIMIT_NOFILE hard limit' 'user namespace cannot raise'
	rl_nothing_left
}

test_rootless_in_userns_config_without_userns() {
	rl_user
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	# rootless podman's usual config: no user namespace of its own, the
	# runtime already uid 0 of one; devices are then bound, not made
	cfg 'del(.linux.uidMappings, .linux.gidMappings)
	   | .linux.namespaces |= map(select(.type != "user"))'
	rl_args sh -c 'id -u; [ -c /dev/null ] && echo x >/dev/null && echo null-ok'
	as_user env -u USER unshare --user --map-root-user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	assert_eq "0
null-ok" "$OUT" "uid and /dev/null"
	rl_nothing_left
}

test_rootless_no_subuid_entry() {
	rl_user
	rl_full_range
	# the user's line goes from /etc/subuid (restored with the rest)
	grep -v "^$RL:" /etc/subuid >"$T/subuid.new" || true
	cat "$T/subuid.new" >/etc/subuid
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'linux\.uidMappings\[1\]' "host ids $RL_SUBUID-" '/etc/subuid'
	rl_nothing_left
}

# crun's peer suite run by an unprivileged user (tests/peer/run-crun-suite-rootless.sh)
# failed one subtest in about twenty runs with "open /proc/PID/uid_map:
# Permission denied": the runtime writes the maps right after the clone, and
# the init was non-dumpable (its /proc files root's) for a moment before it
# made itself dumpable until GO. Two loops of runs side by side hit that
# window some times in a hundred; none may fail.
test_rootless_id_maps_written_race_free() {
	rl_user
	rl_args true
	mkdir "$T/u" && chown "$RL_UID" "$T/u"
	cat >"$T/loops.sh" <<EOF
loop() {
	i=0
	while [ \$i -lt 100 ]; do
		i=\$((i + 1))
		"$NOOK" run --bundle "$BUNDLE" "$ID-\$1-\$i" >/dev/null 2>"$T/u/err-\$1" ||
			{ cat "$T/u/err-\$1" >&2; return 1; }
	done
}
loop a & a=\$!
loop b & b=\$!
rc=0
wait \$a || rc=1
wait \$b || rc=1
exit \$rc
EOF
	chmod 0644 "$T/loops.sh"
	as_user sh "$T/loops.sh"
	assert_ok
	rl_nothing_left
}

# crun's peer suite as uid 0 of the user's own user namespace (uid_map
# "0 UID 1") asked for ids 0-9: the runtime writes the maps itself there, and
# the kernel's bare "write /proc/PID/uid_map: Operation not permitted" came
# after the clone. Now refused up front, naming the ids that are not mapped.
test_rootless_in_userns_unmapped_ids_refused() {
	rl_user
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 10}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}]'
	as_user env -u USER unshare --user --map-root-user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line '^nook: linux\.uidMappings\[0\]: host ids 0-9 are not all mapped' \
		"runtime's own user namespace" '/proc/self/uid_map'
	rl_nothing_left
	# what is mapped there still runs
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]'
	rl_args id -u
	as_user env -u USER unshare --user --map-root-user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	assert_eq 0 "$OUT" "uid"
	rl_nothing_left
}

# crun's peer suite, run by an unprivileged user (tests/peer/run-crun-suite-rootless.sh),
# found it: a new user namespace without linux.uidMappings got as far as the
# init, which failed with "become gid 0 (is gid 0 mapped?)". Refused up
# front, as runc does ("User namespaces enabled, but no uid mappings found"),
# as the user itself and as uid 0 of its own user namespace (rootless podman).
test_rootless_userns_without_mappings_refused() {
	rl_user
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	cfg 'del(.linux.uidMappings, .linux.gidMappings)'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line '^nook: linux\.uidMappings: a new user namespace' 'needs both'
	rl_nothing_left
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]'
	as_user env -u USER unshare --user --map-root-user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line '^nook: linux\.gidMappings: a new user namespace' 'needs both'
	rl_nothing_left
}

test_rootless_no_newuidmap() {
	rl_user
	rl_full_range
	# no newuidmap in $PATH (nook needs nothing else from it)
	mkdir "$T/bin"
	RL_PATH=$T/bin as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'linux\.uidMappings' 'newuidmap' 'install' 'uidmap'
	rl_nothing_left
	# a newuidmap that refuses: its own words reach the user
	printf '#!/bin/sh\necho "newuidmap: fake refusal" >&2\nexit 1\n' >"$T/bin/newuidmap"
	cp "$(command -v newgidmap)" "$T/bin/newgidmap"
	chmod 0755 "$T/bin/newuidmap"
	RL_PATH=$T/bin as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'linux\.uidMappings' 'fake refusal'
	rl_nothing_left
}

test_rootless_limits_refused_without_delegation() {
	rl_user
	# only where the user may make the cgroup can limits be set: here no
	# cgroup is writable by it
	local dir
	dir=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
	if [ -n "$dir" ]; then
		as_user test -w "/sys/fs/cgroup/memory$dir"
		[ "$RC" -ne 0 ] || skip "the user may write its memory cgroup /sys/fs/cgroup/memory$dir"
	fi
	cfg '.linux.resources = {memory: {limit: 100000000}}'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'linux\.resources\.memory: cannot set memory limit: container could not join or create cgroup' \
		'delegated'
	rl_nothing_left
	cfg '.linux.resources = {pids: {limit: 10}}'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'linux\.resources\.pids: cannot set pids limit'
	rl_nothing_left
	# device rules are not limits: the container runs without a cgroup
	cfg '.linux.resources = {devices: [{allow: false, access: "rwm"}]}'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_ok
	rl_nothing_left
}

test_rootless_idmapped_mount_refused() {
	rl_user
	# mount_setattr(2) id-maps a mount only for CAP_SYS_ADMIN over its
	# filesystem's user namespace: root of the host for a disk filesystem
	mkdir -p "$BUNDLE/data"
	cfg '.mounts += [{destination: "/data", type: "bind", source: "'"$BUNDLE"'/data",
		options: ["bind", "idmap"],
		uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
		gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]'
	as_user "$NOOK" run --bundle "$BUNDLE" "$ID"
	assert_failed
	assert_error_line 'mounts\[[0-9]+\] \(destination /data\): a rootless caller cannot make an id-mapped mount'
	rl_nothing_left
}

test_rootless_job() {
	rl_user
	local before
	before=$(cd "$ROOTFS" && find . -printf '%p %s %T@\n' | sort | md5sum)
	# nook job maps the caller to root of a user namespace of its own and
	# mounts the overlay root there; the container has devices bound
	as_user "$NOOK" job --rootfs "$ROOTFS" -- sh -c \
		'cat /proc/self/uid_map; echo x >/etc/written && cat /etc/written; test -c /dev/null && echo dev-ok'
	assert_ok
	assert_match "$OUT" "^ *0 +$RL_UID +1" "uid_map inside"
	# the user's subordinate ids too, written by newuidmap/newgidmap as for
	# a rootless container: the job can have other users
	rl_subids
	assert_match "$OUT" $'\n *1 +'"$RL_SUBUID"' +65536' "uid_map inside"
	assert_contains "$OUT" "x"
	assert_contains "$OUT" "dev-ok"
	as_user "$NOOK" job --rootfs "$ROOTFS" --user 1000:1000 -- id -u
	assert_ok
	assert_eq 1000 "$OUT"
	# without newuidmap: the caller's own ids alone
	mkdir "$T/bin"
	RL_PATH=$T/bin as_user "$NOOK" job --rootfs "$ROOTFS" -- cat /proc/self/uid_map
	assert_ok
	assert_eq 1 "$(grep -c . <<<"$OUT")" "lines of uid_map without newuidmap"
	[ "$before" = "$(cd "$ROOTFS" && find . -printf '%p %s %T@\n' | sort | md5sum)" ] ||
		fail "--rootfs was modified"
	# the deadline and the report (no cgroup here: its figures are null)
	as_user "$NOOK" job --rootfs "$ROOTFS" --timeout 1 --report "$T/xdg/r.json" -- sleep 30
	assert_exit 124
	assert_eq true "$(jq -r .timed_out "$T/xdg/r.json")"
	assert_eq null "$(jq -r .memory_peak_bytes "$T/xdg/r.json")"
	rm -f "$T/xdg/r.json"
	# limits need a delegated cgroup; the bridge needs the host's root
	as_user "$NOOK" job --rootfs "$ROOTFS" --memory 64m -- true
	assert_exit 125
	assert_error_line 'linux\.resources\.memory: cannot set memory limit'
	as_user "$NOOK" job --rootfs "$ROOTFS" --network bridge -- true
	assert_exit 125
	assert_error_line '--network bridge: a rootless job cannot'
	[ -z "$(ls -A "$T/xdg/nook" 2>/dev/null)" ] || fail "left in the state root: $(ls -A "$T/xdg/nook")"
	rl_nothing_left
}

test_rootless_job_killed_leaves_nothing() {
	rl_user
	local pid waited=0
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups env -i PATH=/usr/bin:/bin \
		XDG_RUNTIME_DIR="$T/xdg" "$NOOK" job --rootfs "$ROOTFS" -- sleep 301 \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	until [ -n "$(ls -A "$T/xdg/nook" 2>/dev/null)" ] && pgrep -u "$RL_UID" -x sleep >/dev/null; do
		waited=$((waited + 1))
		[ "$waited" -lt 100 ] || fail "the job did not start"
		sleep 0.1
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	waited=0
	while pgrep -u "$RL_UID" >/dev/null || [ -n "$(ls -A "$T/xdg/nook")" ]; do
		waited=$((waited + 1))
		[ "$waited" -lt 30 ] || fail "3 s after SIGKILL: processes $(pgrep -u "$RL_UID" -a), state $(ls -A "$T/xdg/nook")"
		sleep 0.1
	done
	rl_nothing_left
}

test_rootless_xdg_runtime_dir_errors() {
	rl_user
	RC=0
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups env -i PATH=/usr/bin:/bin \
		"$NOOK" run --bundle "$BUNDLE" "$ID" </dev/null >"$T/u.out" 2>"$T/u.err" || RC=$?
	ERR=$(cat "$T/u.err")
	assert_failed
	assert_error_line 'XDG_RUNTIME_DIR is not set' '--root'
	RC=0
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups env -i PATH=/usr/bin:/bin \
		XDG_RUNTIME_DIR="$T/missing" "$NOOK" run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$T/u.out" 2>"$T/u.err" || RC=$?
	ERR=$(cat "$T/u.err")
	assert_failed
	assert_error_line "XDG_RUNTIME_DIR=$T/missing" 'No such file'
	mkdir -m 0555 "$T/ro"
	chown "$RL_UID" "$T/ro"
	RC=0
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups env -i PATH=/usr/bin:/bin \
		XDG_RUNTIME_DIR="$T/ro" "$NOOK" run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$T/u.out" 2>"$T/u.err" || RC=$?
	ERR=$(cat "$T/u.err")
	assert_failed
	assert_error_line "XDG_RUNTIME_DIR=$T/ro" "cannot make the state root $T/ro/nook" 'Permission denied'
	[ -z "$(ls -A "$T/ro")" ] || fail "something made in the read-only XDG_RUNTIME_DIR"
	# a command's --help needs no state root
	RC=0
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups env -i PATH=/usr/bin:/bin \
		"$NOOK" exec --help </dev/null >"$T/u.out" 2>"$T/u.err" || RC=$?
	assert_ok
	assert_contains "$(cat "$T/u.out")" "usage: nook exec"
	rl_nothing_left
}

harness_main "$@"
