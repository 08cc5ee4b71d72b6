# (c) containerd's runc shim with SystemdCgroup = true and the runtime as
# its BinaryName (what kubeadm sets up; ctr passes the same as
# --runc-binary and --runc-systemd-cgroup; ctr 1.6 wants the cgroupsPath
# given too, "slice:prefix:name"): the shim passes --systemd-cgroup with the
# cgroupsPath "system.slice:ctr:ID" (issue 11).

# (no image: --rootfs, so the environment comes from here)
CTR_RUN=(ctr run --runtime io.containerd.runc.v2 --runc-binary /usr/local/sbin/nook --runc-systemd-cgroup --env PATH=/bin)

ctr_rootfs() {
	rm -rf "/tmp/ctr-$1"
	cp -a "$BB_ROOTFS" "/tmp/ctr-$1"
	echo "/tmp/ctr-$1"
}

ctr_cleanup() {
	ctr task kill -s KILL "$1" >/dev/null 2>&1 || true
	ctr task delete -f "$1" >/dev/null 2>&1 || true
	ctr container delete "$1" >/dev/null 2>&1 || true
	rm -rf "/tmp/ctr-$1"
}

# ctr's default spec mounts no cgroup filesystem (the CRI adds one): the
# test adds it as the CRI does. /sys/fs/cgroup inside is then the
# container's own cgroup (runc bind-mounts it when there is no cgroup
# namespace) or the whole hierarchy: the root has no memory.max, so
# whichever file exists is the container's.
test_ctr_run_memory_limit() {
	systemctl is-active --quiet containerd || fail "containerd is not running"
	local id=distro-ctr-run r out cg
	ctr_cleanup "$id"
	r=$(ctr_rootfs "$id")
	out=$("${CTR_RUN[@]}" --cgroup "system.slice:ctr:$id" --rm \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec --memory-limit 67108864 --rootfs "$r" "$id" \
		sh -c 'cg=$(cut -d: -f3 /proc/self/cgroup); echo $cg; cat /sys/fs/cgroup$cg/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory.max; echo done') || {
		echo "$out"
		ctr_cleanup "$id"
		fail "ctr run failed"
	}
	echo "$out"
	ctr_cleanup "$id"
	out=${out//$'\r'/}
	assert_match "cgroup" "^/system.slice/ctr-$id.scope$|^/$" "$(sed -n 1p <<<"$out")"
	assert_eq "memory.max" 67108864 "$(sed -n 2p <<<"$out")"
	assert_eq "last line" "done" "$(sed -n 3p <<<"$out")"
}

test_ctr_detached_exec_kill_delete() {
	local id=distro-ctr-det r pid cg out
	ctr_cleanup "$id"
	r=$(ctr_rootfs "$id")
	run_ok "${CTR_RUN[@]}" --cgroup "system.slice:ctr:$id" -d --memory-limit 67108864 --rootfs "$r" "$id" \
		sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
	pid=$(ctr task ls | awk -v id="$id" '$1 == id {print $2}')
	[ -n "$pid" ] || {
		ctr task ls
		ctr_cleanup "$id"
		fail "no task $id"
	}
	cg=$(cut -d: -f3 </proc/"$pid"/cgroup)
	echo "cgroup of the task: $cg"
	if [ "$cg" != "/system.slice/ctr-$id.scope" ]; then
		ctr_cleanup "$id"
		fail "the task is in $cg, not in system.slice/ctr-$id.scope"
	fi
	assert_eq "unit state" active "$(systemctl is-active "ctr-$id.scope")"
	assert_eq "memory.max of the scope" 67108864 "$(cat "/sys/fs/cgroup$cg/memory.max")"
	out=$(ctr task exec --exec-id e1 "$id" sh -c 'echo from-exec; cut -d: -f3 /proc/self/cgroup')
	echo "$out"
	out=${out//$'\r'/}
	assert_eq "exec output" from-exec "$(sed -n 1p <<<"$out")"
	assert_eq "exec's cgroup" "$cg" "$(sed -n 2p <<<"$out")"
	run_ok ctr task kill -s TERM "$id"
	wait_until 30 sh -c "ctr task ls | awk '\$1 == \"$id\" {print \$3}' | grep -qx STOPPED" || {
		ctr task ls
		ctr_cleanup "$id"
		fail "the task did not stop on SIGTERM"
	}
	run_ok ctr task delete "$id"
	run_ok ctr container delete "$id"
	rm -rf "$r"
	if systemctl is-active --quiet "ctr-$id.scope"; then fail "ctr-$id.scope still active after delete"; fi
	[ ! -d "/sys/fs/cgroup$cg" ] || fail "cgroup $cg left after delete"
}
