# nook applying SELinux labels for real (issue 11 point 3; config.md
# "process" selinuxLabel, config-linux.md "mountLabel"; docs/design.md
# "AppArmor and SELinux"): the image booted with "security=selinux
# selinux=1" (tests/distro/run.sh runs test_selinux*.sh in that boot),
# permissive, with Debian's reference policy. The container's process and
# exec get the label (/proc/self/attr/current shows it), exec
# --process-label picks another, the tmpfs mounts get linux.mountLabel as
# context=, and a label the policy does not know is one clear error with
# nothing left behind. Sourced by run-guest.sh after lib.sh.

# Types of Debian 12's reference policy: it has no container module (no
# container_t, container_file_t), so the sandbox types of its virt module,
# which confine by MCS categories as container_t does; se_need checks that
# the loaded policy knows them.
SE_PROC=system_u:system_r:svirt_t:s0:c1,c2
SE_EXEC=system_u:system_r:svirt_t:s0:c3,c4
SE_FILE=system_u:object_r:svirt_tmpfs_t:s0:c1,c2

selinux_on() {
	[ -e /sys/fs/selinux/enforce ]
}

# se_valid CONTEXT: the loaded policy accepts it (selinuxfs's context
# transaction file fails the write with EINVAL otherwise)
se_valid() {
	printf '%s' "$1" 1<>/sys/fs/selinux/context 2>/dev/null
}

se_need() {
	selinux_on || skip "SELinux is off in the guest kernel (run.sh boots test_selinux*.sh with security=selinux)"
	local c
	for c in "$SE_PROC" "$SE_EXEC" "$SE_FILE"; do
		se_valid "$c" || fail "the loaded policy does not know $c (its svirt types: $(grep -aoh '[a-z_]*svirt[a-z_]*_t' /etc/selinux/default/policy/policy.* | sort -u | tr '\n' ' '))"
	done
}

# the label of a process, without attr/current's NUL
se_current() {
	tr -d '\0' <"/proc/$1/attr/current"
}

# se_bundle DIR LABEL ARGS_JSON: make_bundle, with process.selinuxLabel
# set to LABEL unless it is empty
se_bundle() {
	make_bundle "$1" "$3"
	if [ -n "$2" ]; then
		sed -i "s/\"process\": {/\"process\": {\"selinuxLabel\": \"$2\",/" "$1/config.json"
		grep -q "\"selinuxLabel\": \"$2\"" "$1/config.json" || fail "bundle without the label"
	fi
}

test_run_gets_label() {
	se_need
	local d out
	d=$(mktemp -d)
	se_bundle "$d/b" "$SE_PROC" '["cat", "/proc/self/attr/current"]'
	out=$("$RT" run --bundle "$d/b" nook-se-run 2>&1 | tr -d '\0') || fail "run with a label: $out"
	echo "$out"
	assert_eq "the container's label" "$SE_PROC" "$out"
	# without a label the process keeps the runtime's own (not the above)
	se_bundle "$d/n" "" '["cat", "/proc/self/attr/current"]'
	out=$("$RT" run --bundle "$d/n" nook-se-none 2>&1 | tr -d '\0') || fail "run without a label: $out"
	echo "without a label: $out"
	[ "$out" != "$SE_PROC" ] || fail "without a label the container got $SE_PROC"
	assert_eq "without a label: the runtime's label" "$(se_current $$)" "$out"
	rm -rf "$d"
}

test_exec_process_label() {
	se_need
	local d out id=nook-se-exec
	d=$(mktemp -d)
	se_bundle "$d/b" "$SE_PROC" '["sleep", "600"]'
	run_ok "$RT" run -d --bundle "$d/b" "$id" </dev/null >/dev/null 2>&1
	# exec takes the container's label by default (runc's rule)
	out=$("$RT" exec "$id" cat /proc/self/attr/current 2>&1 | tr -d '\0') || true
	echo "exec: $out"
	assert_eq "exec's default label" "$SE_PROC" "$out"
	out=$("$RT" exec --process-label "$SE_EXEC" "$id" cat /proc/self/attr/current 2>&1 | tr -d '\0') || true
	echo "exec --process-label: $out"
	assert_eq "exec --process-label" "$SE_EXEC" "$out"
	# a label the policy does not know: a clear error, the container runs on
	local rc=0 bad=system_u:system_r:nook_no_such_t:s0
	out=$("$RT" exec --process-label "$bad" "$id" echo RAN 2>&1) || rc=$?
	echo "exit $rc: $out"
	[ "$rc" -ne 0 ] || fail "exec with an unknown label ran"
	assert_match "the error" "process\.selinuxLabel.*\"$bad\".*not a valid label" "$out"
	assert_eq "state after the failed exec" running "$("$RT" state "$id" | jq -r .status)"
	# the init's label, seen from the host
	local pid
	pid=$("$RT" state "$id" | jq -r .pid)
	assert_eq "the init's label from the host" "$SE_PROC" "$(se_current "$pid")"
	run_ok "$RT" delete -f "$id"
	rm -rf "$d"
}

test_mount_label() {
	se_need
	local d out id=nook-se-mount pid
	d=$(mktemp -d)
	se_bundle "$d/b" "$SE_PROC" '["sleep", "600"]'
	sed -i "s/\"linux\": {/\"linux\": {\"mountLabel\": \"$SE_FILE\",/" "$d/b/config.json"
	grep -q "\"mountLabel\": \"$SE_FILE\"" "$d/b/config.json" || fail "bundle without mountLabel"
	run_ok "$RT" run -d --bundle "$d/b" "$id" </dev/null >/dev/null 2>&1
	# the tmpfs on /tmp has it as its context= (mountinfo's super options)
	out=$("$RT" exec "$id" grep ' /tmp ' /proc/self/mountinfo 2>&1) || true
	echo "mountinfo: $out"
	assert_match "/tmp's mount options" "context=\"?$SE_FILE\"?" "$out"
	# and its files carry it (the host's stat through /proc/PID/root)
	pid=$("$RT" state "$id" | jq -r .pid)
	run_ok "$RT" exec "$id" touch /tmp/f
	assert_eq "a file on /tmp" "$SE_FILE" "$(stat -c %C "/proc/$pid/root/tmp/f")"
	assert_eq "/dev (tmpfs)" "$SE_FILE" "$(stat -c %C "/proc/$pid/root/dev")"
	# proc is not given the label (runc's rule)
	out=$("$RT" exec "$id" grep ' /proc ' /proc/self/mountinfo 2>&1) || true
	echo "proc: $out"
	if grep -q 'context=' <<<"$out"; then fail "/proc got a context=: $out"; fi
	run_ok "$RT" delete -f "$id"
	rm -rf "$d"
}

test_unknown_label_is_a_clear_error() {
	se_need
	local d out rc=0 bad=system_u:system_r:nook_no_such_t:s0
	se_valid "$bad" && fail "the policy knows $bad"
	d=$(mktemp -d)
	se_bundle "$d/b" "$bad" '["sh", "-c", "echo RAN"]'
	out=$("$RT" run --bundle "$d/b" nook-se-unknown 2>&1) || rc=$?
	echo "exit $rc: $out"
	[ "$rc" -ne 0 ] || fail "a label the policy does not know ran"
	if grep -q RAN <<<"$out"; then fail "the process ran"; fi
	assert_eq "error lines" 1 "$(grep -c . <<<"$out")"
	assert_match "the error" "process\.selinuxLabel.*\"$bad\".*not a valid label" "$out"
	# nothing left behind: no state, no process, no cgroup
	if "$RT" state nook-se-unknown >/dev/null 2>&1; then fail "state left behind"; fi
	if pgrep -f "echo RAN" >/dev/null; then fail "a process left behind"; fi
	if find /sys/fs/cgroup -name '*nook-se-unknown*' | grep -q .; then
		fail "a cgroup left behind: $(find /sys/fs/cgroup -name '*nook-se-unknown*')"
	fi
	rm -rf "$d"
}

# podman labels its container itself and passes the label to the runtime
# (process.selinuxLabel, linux.mountLabel): with label=type:svirt_t the
# process runs as svirt_t with podman's random MCS pair (podman's default,
# container_t, is not in Debian's policy).
test_podman_label_type() {
	se_need
	podman_image
	local out
	out=$(P run --rm --network none --security-opt label=type:svirt_t \
		--security-opt label=filetype:svirt_tmpfs_t "$BB_IMAGE" \
		sh -c 'cat /proc/self/attr/current; echo; grep " / " /proc/self/mountinfo' 2>&1 | tr -d '\0') ||
		fail "podman run: $out"
	echo "$out"
	assert_match "podman's label" '^system_u:system_r:svirt_t:s0:c[0-9]+,c[0-9]+$' "$(sed -n 1p <<<"$out")"
}
