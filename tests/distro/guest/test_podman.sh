# (b) podman with its DEFAULT config on a stock Debian 12 (issue 11 point
# 4): cgroup_manager "systemd", so podman passes --systemd-cgroup and a
# cgroupsPath "machine.slice:libpod:ID"; the runtime must make the scope
# libpod-ID.scope in machine.slice (runc's docs/systemd.md) and put the
# limits there.

test_podman_default_config_is_systemd() {
	assert_eq "podman's cgroup manager" systemd "$(podman info --format '{{.Host.CgroupManager}}')"
	assert_eq "podman's cgroup version" v2 "$(podman info --format '{{.Host.CgroupsVersion}}')"
}

test_podman_run_memory_pids_limits() {
	podman_image
	local out
	out=$(P run --rm --network none --memory 64m --pids-limit 50 "$BB_IMAGE" \
		sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; echo done')
	echo "$out"
	assert_eq "memory.max inside" 67108864 "$(sed -n 1p <<<"$out")"
	assert_eq "pids.max inside" 50 "$(sed -n 2p <<<"$out")"
	assert_eq "last line" "done" "$(sed -n 3p <<<"$out")"
}

test_podman_detached_exec_logs_stop_rm() {
	podman_image
	local name=distro-det id pid cg out
	P rm -f "$name" >/dev/null 2>&1 || true
	id=$(P run -d --name "$name" --network none --memory 64m "$BB_IMAGE" \
		sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.2; done')
	echo "id $id"
	wait_until 30 sh -c "podman logs $name | grep -qx started" || fail "no 'started' in podman logs"
	# the container's cgroup: the scope systemd made in machine.slice
	pid=$(podman inspect --format '{{.State.Pid}}' "$name")
	cg=$(cut -d: -f3 </proc/"$pid"/cgroup)
	echo "cgroup of the container: $cg"
	assert_match "cgroup" "^/machine.slice/libpod-$id.scope(/.*)?$" "$cg"
	assert_eq "unit state" active "$(systemctl is-active "libpod-$id.scope")"
	assert_eq "memory.max of the scope" 67108864 "$(cat "/sys/fs/cgroup/machine.slice/libpod-$id.scope/memory.max")"
	out=$(P exec "$name" sh -c 'echo from-exec; cat /sys/fs/cgroup/memory.max')
	echo "$out"
	assert_eq "exec output" "from-exec" "$(sed -n 1p <<<"$out")"
	assert_eq "memory.max seen by exec" 67108864 "$(sed -n 2p <<<"$out")"
	run_ok P stop -t 20 "$name"
	assert_eq "state after stop" exited "$(podman inspect --format '{{.State.Status}}' "$name")"
	assert_eq "exit code after stop" 0 "$(podman inspect --format '{{.State.ExitCode}}' "$name")"
	podman logs "$name" | grep -qx bye || fail "no 'bye' in the logs: SIGTERM did not reach the trap"
	run_ok P rm "$name"
	if podman container exists "$name"; then fail "$name still exists after rm"; fi
	if systemctl is-active --quiet "libpod-$id.scope"; then fail "libpod-$id.scope still active after rm"; fi
	[ ! -d "/sys/fs/cgroup/machine.slice/libpod-$id.scope" ] || fail "the scope's cgroup is left after rm"
}
