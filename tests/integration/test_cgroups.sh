#!/bin/bash
# linux.resources and linux.cgroupsPath: each limit is observed in action,
# and nothing nook made stays behind (the harness checks the cgroups named
# $ID; the tests check their other paths themselves).
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_missing_controller_names_config_path test_existing_cgroup_is_kept

# The container's own cgroups under /sys/fs/cgroup (cgroup namespace).
cgroup_view() {
	add_ns cgroup
	add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'
}

# The host's cgroup version (cgroup_v2, need_cgroup: tests/lib/cgroup.sh): v2
# when /sys/fs/cgroup itself is cgroup2 (the qemu stage), else v1 or hybrid
# (this Debian host).

# own_path CONTROLLER: the test's own cgroup in that v1 hierarchy, or in v2.
own_path() {
	if cgroup_v2; then
		grep '^0::' /proc/self/cgroup | cut -d: -f3
	else
		grep -E "^[0-9]+:([^:]*,)?$1(,[^:]*)?:" /proc/self/cgroup | cut -d: -f3
	fi
}

# Where a relative cgroupsPath lands on v2: beside the caller, under the
# parent of its own cgroup (no-internal-process rule, as runc).
v2_base() {
	local own
	own=$(own_path)
	own=${own%/*}
	echo "$own"
}

# cgf V1FILE V2FILE: the file as the container sees its own cgroup.
cgf() {
	if cgroup_v2; then echo "/sys/fs/cgroup/$2"; else echo "/sys/fs/cgroup/$1"; fi
}

test_pids_limit_stops_fork_bomb() {
	need_cgroup pids
	cgroup_view
	cfg '.linux.resources.pids.limit = 10'
	# a failed fork ends the shell that tried it: fork in a subshell
	run_ok '( i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); done ) 2>/dev/null
		n=0; for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = sleep ] && n=$((n+1)); done
		echo "$n"; cat '"$(cgf pids/pids.max pids.max)"'; grep "^max " '"$(cgf pids/pids.events pids.events)"
	local lines
	mapfile -t lines <<<"$OUT"
	[ "${lines[0]}" -lt 10 ] || fail "sleeps started: ${lines[0]}, want < 10"
	assert_eq 10 "${lines[1]}" "pids.max"
	[ "${lines[2]#max }" -gt 0 ] || fail "pids.events: ${lines[2]}"
}

test_memory_limit_oom_kills() {
	need_cgroup memory
	cgroup_view
	if cgroup_v2; then
		cfg '.linux.resources.memory = {limit: 33554432}'
	else
		cfg '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	fi
	run_ok 'tail /dev/zero; echo "rc=$?"; cat '"$(cgf memory/memory.limit_in_bytes memory.max)"'
		grep "^oom_kill " '"$(cgf memory/memory.oom_control memory.events)"
	local lines
	mapfile -t lines <<<"$OUT"
	assert_eq rc=137 "${lines[0]}" "exit of the memory hog"
	assert_eq 33554432 "${lines[1]}" "memory limit"
	assert_match "${lines[2]}" '^oom_kill [1-9]' "oom_kill count"
}

# At quota/period = 10%, the container can have used at most a tenth of
# the time it lived (at most run_ok's wall time) and one period's quota;
# unthrottled, the busy loop alone would use 1-2 s. (Not a fixed bound:
# where the CPU is emulated, starting the container costs more than the
# loop is allowed.)
test_cpu_quota_observed() {
	need_cgroup cpu
	cgroup_v2 || need_cgroup cpuacct
	cgroup_view
	cfg '.linux.resources.cpu = {quota: 10000, period: 100000}'
	local t0 t1 wall_us max_us used lines
	t0=${EPOCHREALTIME//[.,]/}
	# busy for 1 to 2 s of wall time
	if cgroup_v2; then
		run_ok 'end=$(( $(date +%s) + 2 )); while [ "$(date +%s)" -lt "$end" ]; do :; done
			cat /sys/fs/cgroup/cpu.max; grep "^usage_usec " /sys/fs/cgroup/cpu.stat'
		mapfile -t lines <<<"$OUT"
		assert_eq "10000 100000" "${lines[0]}" "cpu.max"
		used=${lines[1]#usage_usec }
	else
		run_ok 'end=$(( $(date +%s) + 2 )); while [ "$(date +%s)" -lt "$end" ]; do :; done
			cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpuacct/cpuacct.usage'
		mapfile -t lines <<<"$OUT"
		assert_eq 10000 "${lines[0]}" "cpu.cfs_quota_us"
		used=$((lines[1] / 1000))
	fi
	t1=${EPOCHREALTIME//[.,]/}
	wall_us=$((t1 - t0))
	max_us=$((wall_us / 10 + 10000))
	echo "cpu time used: $used us in at most $wall_us us of wall time" >&2
	if [ "$used" -le 0 ] || [ "$used" -gt "$max_us" ]; then
		fail "cpu time used: $used us, want at most $max_us us (10% of $wall_us us + one period's quota)"
	fi
}

test_devices_deny_all_allow_null() {
	cgroup_v2 || need_cgroup devices
	# deny everything but /dev/null: the default devices stay usable (nook,
	# like runc, always allows them), a configured /dev/fuse is denied
	cfg '.linux.resources.devices = [{allow: false, access: "rwm"},
		{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]
		| .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229,
			fileMode: 438}]'
	run_ok 'echo x >/dev/null && echo null-ok; head -c1 /dev/urandom >/dev/null && echo urandom-ok
		head -c1 /dev/fuse 2>&1; echo "rc=$?"'
	assert_contains "$OUT" null-ok
	assert_contains "$OUT" urandom-ok "a default device"
	assert_contains "$OUT" "Operation not permitted" "reading /dev/fuse"
	assert_not_contains "$OUT" "rc=0"
}

test_devices_podman_style_deny_all() {
	cgroup_v2 || need_cgroup devices
	# podman sends only "deny all" and counts on the runtime for the rest
	cfg '.linux.resources.devices = [{allow: false, access: "rwm"}]
		| .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229,
			fileMode: 438}]'
	run_ok 'echo x >/dev/null && head -c1 /dev/zero | wc -c; head -c1 /dev/fuse 2>&1; echo "rc=$?"'
	assert_contains "$OUT" "1" "reading /dev/zero"
	assert_contains "$OUT" "Operation not permitted" "reading /dev/fuse"
}

# Issue 8: blockIO goes to the hierarchy that holds the controller, v1 blkio
# on a hybrid host (where the unified mount has no io), io on v2.
need_io() {
	if cgroup_v2; then need_cgroup io; else need_cgroup blkio; fi
}

nook_specific test_blkio_weight_on_its_hierarchy
test_blkio_weight_on_its_hierarchy() {
	need_io
	cgroup_view
	cfg '.linux.resources.blockIO = {weight: 500}'
	if cgroup_v2; then
		# io.bfq.weight takes the blkio scale; io.weight 1..10000 (runc's mapping)
		run_ok 'cat /sys/fs/cgroup/io.bfq.weight 2>/dev/null || cat /sys/fs/cgroup/io.weight'
		assert_match "$OUT" '^default (500|4950)$' "io weight"
		return
	fi
	run_sh 'cat /sys/fs/cgroup/blkio/blkio.bfq.weight 2>/dev/null || cat /sys/fs/cgroup/blkio/blkio.weight'
	if [ "$RC" -eq 0 ]; then
		assert_eq 500 "$OUT" "blkio weight"
		return
	fi
	# neither CFQ's blkio.weight nor BFQ's: the error is about the v1 file
	assert_failed
	assert_error_line 'linux\.resources\.blockIO\.weight: .*/blkio/.*blkio\.weight'
}

test_blkio_throttle_on_its_hierarchy() {
	need_io
	local dev="" f
	for f in /sys/block/*/dev; do
		[ -r "$f" ] && dev=$(cat "$f") && break
	done
	[ -n "$dev" ] || skip "no block device"
	cgroup_view
	cfg '.linux.resources.blockIO = {throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}]}' \
		--argjson ma "${dev%:*}" --argjson mi "${dev#*:}"
	if cgroup_v2; then
		run_ok 'cat /sys/fs/cgroup/io.max'
		assert_eq "$dev rbps=1048576 wbps=max riops=max wiops=max" "$OUT" "io.max"
	else
		run_ok 'cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device'
		assert_eq "$dev 1048576" "$OUT" "blkio.throttle.read_bps_device"
	fi
}

test_hugetlb_limit_on_unified() {
	[ -n "$(ls /sys/kernel/mm/hugepages 2>/dev/null)" ] || skip "no huge pages"
	grep -qw hugetlb /proc/self/cgroup /sys/fs/cgroup/unified/cgroup.controllers \
		/sys/fs/cgroup/cgroup.controllers 2>/dev/null || skip "no hugetlb controller"
	cgroup_view
	cfg '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	run_ok 'cat /sys/fs/cgroup/unified/hugetlb.2MB.max 2>/dev/null ||
		cat /sys/fs/cgroup/hugetlb/hugetlb.2MB.limit_in_bytes 2>/dev/null ||
		cat /sys/fs/cgroup/hugetlb.2MB.max'
	assert_eq 4194304 "$OUT" "hugetlb limit"
}

test_missing_controller_names_config_path() {
	[ ! -d /sys/fs/cgroup/net_cls ] || skip "this host has net_cls"
	cfg '.linux.resources.network.classID = 1048577'
	run_ctr
	assert_failed
	assert_error_line 'linux\.resources\.network\.classID: cgroup controller "net_cls" is not available'
}

# cgroup of the container as the host sees it, per hierarchy (no cgroup ns)
ctr_cgroups() { run_ok 'grep -E "^[0-9]+:(cpu|memory|pids|):" /proc/self/cgroup | sort -t: -k1n'; }

test_cgroups_path_default_is_id() {
	ctr_cgroups
	if cgroup_v2; then
		assert_contains "$OUT" "0::$(v2_base)/$ID"
		return
	fi
	need_cgroup memory
	assert_contains "$OUT" ":memory:$(own_path memory)/$ID"
	assert_contains "$OUT" ":pids:$(own_path pids | sed 's|^/$||')/$ID"
}

test_cgroups_path_relative_nested() {
	cfg '.linux.cgroupsPath = $p' --arg p "$ID/inner"
	ctr_cgroups
	if cgroup_v2; then
		assert_contains "$OUT" "0::$(v2_base)/$ID/inner"
		[ ! -e "/sys/fs/cgroup$(v2_base)/$ID" ] || fail "intermediate cgroup left"
		return
	fi
	need_cgroup memory
	assert_contains "$OUT" ":memory:$(own_path memory)/$ID/inner"
	assert_contains "$OUT" ":cpu:$(own_path cpu | sed 's|^/$||')/$ID/inner"
	[ ! -e "/sys/fs/cgroup/memory$(own_path memory)/$ID" ] || fail "intermediate cgroup left"
}

test_cgroups_path_absolute() {
	cfg '.linux.cgroupsPath = $p' --arg p "/$ID"
	ctr_cgroups
	if cgroup_v2; then
		assert_contains "$OUT" "0::/$ID"
		return
	fi
	need_cgroup pids
	assert_contains "$OUT" ":pids:/$ID"
	assert_contains "$OUT" ":memory:/$ID"
}

test_existing_cgroup_is_kept() {
	need_cgroup pids
	local keep
	if cgroup_v2; then keep="/sys/fs/cgroup/$ID-keep"; else keep="/sys/fs/cgroup/pids/$ID-keep"; fi
	mkdir "$keep"
	on_exit "rmdir '$keep'"
	cfg '.linux.cgroupsPath = $p | .linux.resources.pids.limit = 50' --arg p "/$ID-keep"
	ctr_cgroups
	if cgroup_v2; then
		assert_contains "$OUT" "0::/$ID-keep"
	else
		assert_contains "$OUT" ":pids:/$ID-keep"
	fi
	[ -d "$keep" ] || fail "nook removed a cgroup it did not make"
	local d
	for d in /sys/fs/cgroup/*/; do
		[ "$d" = /sys/fs/cgroup/pids/ ] && continue
		[ ! -e "$d$ID-keep" ] || fail "left behind: $d$ID-keep"
	done
}

# A cgroup mount without a cgroup namespace shows the container's own
# cgroups, not the host's tree: runc binds each hierarchy's container path
# (rootfs_linux.go mountCgroupV1), crun too (do_mount_cgroup_v1). Programs
# size themselves from these files (JVMs and Go read memory.limit_in_bytes;
# podman's --pids-limit reads pids.current). "ro" is kept.
test_cgroup_mount_without_cgroupns_is_own_cgroup() {
	need_cgroup pids
	need_cgroup memory
	add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'
	cfg '.linux.resources.pids.limit = 10 | .linux.resources.memory.limit = 67108864'
	local pids=/sys/fs/cgroup/pids want
	if cgroup_v2; then pids=/sys/fs/cgroup; fi
	run_sh 'cat '"$(cgf pids/pids.max pids.max)"' '"$(cgf memory/memory.limit_in_bytes memory.max)"'
		cat '"$(cgf pids/pids.current pids.current)"' >/dev/null && echo current-ok
		awk "\$5 == \"'"$pids"'\" { print \$4 }" /proc/self/mountinfo | tail -n1
		find '"$pids"' -mindepth 1 -type d | wc -l
		{ echo 5 >'"$(cgf pids/pids.max pids.max)"'; } 2>&1; echo "rc=$?"'
	assert_ok
	if cgroup_v2; then want="$(v2_base)/$ID"; else want="$(own_path pids | sed 's|^/$||')/$ID"; fi
	local lines
	mapfile -t lines <<<"$OUT"
	assert_eq 10 "${lines[0]}" "pids.max seen inside"
	assert_eq 67108864 "${lines[1]}" "memory limit seen inside"
	assert_eq current-ok "${lines[2]}" "pids.current readable"
	assert_eq "$want" "${lines[3]}" "root of the pids mount (the container's own cgroup)"
	assert_eq 0 "${lines[4]}" "cgroup directories visible below it (the host's tree is not)"
	assert_contains "$OUT" "Read-only file system"
}

# "rw" lets the container write its own cgroup, and only its own.
test_cgroup_mount_without_cgroupns_rw() {
	need_cgroup pids
	add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		"options": ["nosuid", "noexec", "nodev", "relatime", "rw"]}'
	cfg '.linux.resources.pids.limit = 10'
	run_ok 'f='"$(cgf pids/pids.max pids.max)"'; echo 7 >$f && cat $f'
	assert_eq 7 "$OUT" "pids.max after the container wrote it"
}

# In a user namespace v1 hierarchies cannot be mounted, even with a cgroup
# namespace: the container's own directories are bound instead (crun's
# do_mount_cgroup_v1 falls back the same way), never the host's tree.
test_cgroup_mount_in_userns_is_own_cgroup() {
	need_cgroup pids
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.resources.pids.limit = 10'
	cgroup_view
	local pids=/sys/fs/cgroup/pids
	if cgroup_v2; then pids=/sys/fs/cgroup; fi
	run_ok 'cat '"$(cgf pids/pids.max pids.max)"'; find '"$pids"' -mindepth 1 -type d | wc -l'
	assert_eq $'10\n0' "$OUT" "pids.max, and cgroup directories below the container's"
}

harness_main "$@"
