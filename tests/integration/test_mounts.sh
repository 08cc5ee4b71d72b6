#!/bin/bash
# root and mounts, observed from inside the container.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

# mountinfo_line DEST: the container's /proc/self/mountinfo line for DEST
# (printed by the container script as the last mount on it).
MI='mi() { grep " $1 " /proc/self/mountinfo | awk -v d="$1" "\$5 == d" | tail -n1; }; '

test_root_path_relative() {
	echo relative >"$ROOTFS/marker"
	cfg '.root.path = "rootfs"'
	run_ok 'cat /marker'
	assert_eq relative "$OUT"
}

test_root_path_absolute_outside_bundle() {
	mv "$ROOTFS" "$T/elsewhere"
	echo absolute >"$T/elsewhere/marker"
	cfg '.root.path = $p' --arg p "$T/elsewhere"
	run_ok 'cat /marker'
	assert_eq absolute "$OUT"
}

test_root_readonly() {
	cfg '.root.readonly = true'
	run_sh '{ touch /x; } 2>&1; echo "rc=$?"'
	assert_ok
	assert_contains "$OUT" "Read-only file system"
	assert_contains "$OUT" "rc=1"
	[ ! -e "$ROOTFS/x" ] || fail "/x was created in the rootfs"
}

test_root_writable_by_default() {
	run_ok 'touch /x && echo made'
	assert_eq made "$OUT"
	[ -e "$ROOTFS/x" ] || fail "/x is not in the rootfs on the host"
}

test_bind_ro_write_fails() {
	mkdir "$T/data"
	echo host >"$T/data/f"
	add_mount "$(jq -cn --arg s "$T/data" '{destination: "/data", type: "bind", source: $s, options: ["bind", "ro"]}')"
	run_sh 'cat /data/f; { echo x >/data/f; } 2>&1; echo "rc=$?"'
	assert_ok
	assert_contains "$OUT" "host"
	assert_contains "$OUT" "Read-only file system"
	assert_eq host "$(cat "$T/data/f")" "file on the host"
}

test_bind_rw_write_visible_on_host() {
	mkdir "$T/data"
	add_mount "$(jq -cn --arg s "$T/data" '{destination: "/data", type: "bind", source: $s, options: ["bind", "rw"]}')"
	run_ok 'echo "written by pid $$" >/data/new'
	assert_eq "written by pid 1" "$(cat "$T/data/new")" "file written inside, read on the host"
}

test_bind_file() {
	echo "file content $ID" >"$T/onefile"
	add_mount "$(jq -cn --arg s "$T/onefile" '{destination: "/etc/onefile", type: "bind", source: $s, options: ["bind", "ro"]}')"
	run_ok 'cat /etc/onefile'
	assert_eq "file content $ID" "$OUT"
}

# $T/data with a tmpfs mounted on $T/data/sub holding a file
make_submount() {
	mkdir -p "$T/data/sub"
	mount -t tmpfs -o size=1m nooksub "$T/data/sub"
	on_exit 'umount -l "$T/data/sub"'
	echo in-submount >"$T/data/sub/f"
}

test_rbind_includes_submounts() {
	make_submount
	add_mount "$(jq -cn --arg s "$T/data" '{destination: "/data", type: "bind", source: $s, options: ["rbind", "rw"]}')"
	run_ok 'cat /data/sub/f'
	assert_eq in-submount "$OUT"
}

test_bind_excludes_submounts() {
	make_submount
	add_mount "$(jq -cn --arg s "$T/data" '{destination: "/data", type: "bind", source: $s, options: ["bind", "rw"]}')"
	run_ok 'ls -A /data/sub | wc -l'
	assert_eq 0 "$OUT" "entries in /data/sub (a plain bind does not take submounts)"
}

test_mount_flags_nosuid_nodev_noexec() {
	add_mount '{"destination": "/flags", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noexec"]}'
	add_mount '{"destination": "/plain", "type": "tmpfs", "source": "tmpfs"}'
	run_ok "$MI"'mi /flags | cut -d" " -f6; mi /plain | cut -d" " -f6'
	local flags=${OUT%%$'\n'*} plain=${OUT##*$'\n'}
	assert_match "$flags" '(^|,)nosuid(,|$)' "options of /flags"
	assert_match "$flags" '(^|,)nodev(,|$)' "options of /flags"
	assert_match "$flags" '(^|,)noexec(,|$)' "options of /flags"
	assert_no_match "$plain" 'noexec' "options of /plain"
}

test_mount_noexec_behaviour() {
	add_mount '{"destination": "/noexec", "type": "tmpfs", "source": "tmpfs", "options": ["noexec"]}'
	add_mount '{"destination": "/exec", "type": "tmpfs", "source": "tmpfs"}'
	run_sh 'cp /bin/busybox /noexec/true; cp /bin/busybox /exec/true
		/exec/true && echo exec-ok
		{ /noexec/true; } 2>&1; echo "rc=$?"'
	assert_ok
	assert_contains "$OUT" "exec-ok"
	assert_contains "$OUT" "Permission denied"
	assert_contains "$OUT" "rc=126"
}

test_mount_proc() {
	run_ok "$MI"'cat /proc/1/comm; mi /proc | sed "s/.* - //" | cut -d" " -f1'
	assert_eq $'sh\nproc' "$OUT" "comm of pid 1, fstype of /proc"
}

test_mount_sysfs_readonly() {
	run_sh "$MI"'mi /sys | sed "s/.* - //" | cut -d" " -f1; mi /sys | cut -d" " -f6
		{ echo x >/sys/kernel/uevent_helper; } 2>&1; true'
	assert_ok
	local lines
	mapfile -t lines <<<"$OUT"
	assert_eq sysfs "${lines[0]}" "fstype of /sys"
	assert_match "${lines[1]}" '^ro(,|$)' "options of /sys"
	assert_contains "$OUT" "Read-only file system"
}

test_mount_tmpfs_size_and_mode() {
	add_mount '{"destination": "/small", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=0711"]}'
	run_ok "stat -c %a /small; df -k /small | tail -n1 | awk '{print \$2}'"
	assert_eq $'711\n1024' "$OUT" "mode and size (KiB) of /small"
}

test_mount_devpts() {
	run_ok "$MI"'mi /dev/pts | sed "s/.* - //" | cut -d" " -f1; [ -c /dev/pts/ptmx ] && echo ptmx'
	assert_eq $'devpts\nptmx' "$OUT"
}

test_mount_mqueue() {
	run_ok "$MI"'mi /dev/mqueue | sed "s/.* - //" | cut -d" " -f1'
	assert_eq mqueue "$OUT"
}

test_mount_shm_is_tmpfs() {
	run_ok "$MI"'mi /dev/shm | sed "s/.* - //" | cut -d" " -f1; stat -c %a /dev/shm'
	assert_eq $'tmpfs\n1777' "$OUT"
}

test_mount_cgroup_present() {
	add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'
	add_ns cgroup
	run_ok 'awk "\$5 ~ /^\/sys\/fs\/cgroup/" /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1 | sort -u'
	assert_match "$OUT" '(^|'$'\n'')cgroup2?($|'$'\n'')' "fstypes mounted under /sys/fs/cgroup"
}

test_mount_overlay() {
	mkdir -p "$T/lower" "$T/upper" "$T/work"
	echo from-lower >"$T/lower/a"
	add_mount "$(jq -cn --arg t "$T" '{destination: "/ovl", type: "overlay", source: "overlay",
		options: ["lowerdir=\($t)/lower", "upperdir=\($t)/upper", "workdir=\($t)/work"]}')"
	run_ok 'cat /ovl/a; echo new >/ovl/b; echo changed >/ovl/a'
	assert_eq from-lower "$OUT" "file read from the lower dir"
	assert_eq new "$(cat "$T/upper/b")" "new file in upper"
	assert_eq changed "$(cat "$T/upper/a")" "changed file copied up"
	assert_eq from-lower "$(cat "$T/lower/a")" "lower dir untouched"
	[ ! -e "$T/lower/b" ] || fail "the write reached the lower dir"
}

test_mount_through_symlink_stays_in_rootfs() {
	ln -s / "$ROOTFS/evil"
	add_mount "$(jq -cn --arg d "/evil/tmp/x-$ID" '{destination: $d, type: "tmpfs", source: "tmpfs"}')"
	run_sh "awk '\$5 == \"/tmp/x-$ID\"' /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1"
	[ ! -e "/tmp/x-$ID" ] || {
		rmdir "/tmp/x-$ID" 2>/dev/null || true
		fail "the mount destination escaped the rootfs: /tmp/x-$ID was made on the host"
	}
	assert_ok
	assert_eq tmpfs "$OUT" "mount at /tmp/x-$ID inside the container"
	[ -d "$ROOTFS/tmp/x-$ID" ] || fail "the mount point was not made inside the rootfs"
}

test_rootfs_propagation_private() {
	cfg '.linux.rootfsPropagation = "private"'
	run_ok 'awk "\$5 == \"/\"" /proc/self/mountinfo'
	assert_no_match "$OUT" ' (shared|master):[0-9]+' "optional fields of /"
}

# runc and crun take the recursive forms too; tools write "rprivate" (issue 8)
test_rootfs_propagation_recursive_forms() {
	local p
	for p in rprivate rslave; do
		cfg ".linux.rootfsPropagation = \"$p\""
		run_ok 'awk "\$5 == \"/\"" /proc/self/mountinfo'
		assert_no_match "$OUT" ' shared:[0-9]+' "optional fields of / with $p"
	done
	cfg '.linux.rootfsPropagation = "rshared"'
	run_ok 'awk "\$5 == \"/\"" /proc/self/mountinfo'
	assert_match "$OUT" ' shared:[0-9]+ ' "optional fields of / with rshared"
}

runc_gap test_rootfs_propagation_shared "runc 1.1 leaves the new / private"
test_rootfs_propagation_shared() {
	cfg '.linux.rootfsPropagation = "shared"'
	run_ok 'awk "\$5 == \"/\"" /proc/self/mountinfo'
	assert_match "$OUT" ' shared:[0-9]+ ' "optional fields of /"
}

test_mount_destination_made_on_demand() {
	add_mount '{"destination": "/made/on/demand", "type": "tmpfs", "source": "tmpfs"}'
	run_ok "$MI"'mi /made/on/demand | sed "s/.* - //" | cut -d" " -f1'
	assert_eq tmpfs "$OUT"
	[ -d "$ROOTFS/made/on/demand" ] || fail "mount point not made inside the rootfs"
}

# A destination that is a dangling symlink is followed inside the rootfs and
# its target made there (runc: securejoin; crun: test_mounts.py
# mount-symlink-not-existing). The relative link starts in its own
# directory; the absolute one at the container's root, never the host's.
test_mount_destination_dangling_symlink_followed() {
	echo "file $ID" >"$T/onefile"
	mkdir -p "$ROOTFS/etc"
	ln -s ../run/made-by-link "$ROOTFS/etc/rel-link"
	ln -s "/tmp/abs-$ID/dir" "$ROOTFS/abs-link"
	add_mount "$(jq -cn --arg s "$T/onefile" '{destination: "/etc/rel-link", type: "bind", source: $s, options: ["bind", "ro"]}')"
	add_mount '{"destination": "/abs-link", "type": "tmpfs", "source": "tmpfs"}'
	run_sh "$MI"'cat /etc/rel-link; mi /run/made-by-link | sed "s/.* - //" | cut -d" " -f1
		mi /tmp/abs-'"$ID"'/dir | sed "s/.* - //" | cut -d" " -f1'
	[ ! -e "/tmp/abs-$ID" ] || {
		rm -rf "/tmp/abs-$ID"
		fail "the absolute link was followed on the host: /tmp/abs-$ID was made there"
	}
	assert_ok
	assert_eq $'file '"$ID"$'\nbind\ntmpfs' "$(printf '%s\n' "$OUT" | sed '2s/.*/bind/')" \
		"bind through the relative link, tmpfs through the absolute one"
	[ -f "$ROOTFS/run/made-by-link" ] || fail "the relative link's target was not made as a file"
	[ -d "$ROOTFS/tmp/abs-$ID/dir" ] || fail "the absolute link's target was not made inside the rootfs"
	[ -L "$ROOTFS/etc/rel-link" ] || fail "the link itself was replaced"
}

# runc (mountToRootfs) and crun (append_tmpfs_mode_if_missing): a tmpfs
# without mode= takes the mode of the directory it covers (crun's
# test_mounts.py mount-tmpfs-permissions), ro or not; an explicit mode= wins.
test_mount_tmpfs_takes_mode_of_covered_dir() {
	mkdir "$ROOTFS/covered" "$ROOTFS/explicit"
	chmod 0712 "$ROOTFS/covered"
	chmod 0700 "$ROOTFS/explicit"
	add_mount '{"destination": "/covered", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "size=1m"]}'
	add_mount '{"destination": "/explicit", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]}'
	add_mount '{"destination": "/made-new", "type": "tmpfs", "source": "tmpfs"}'
	run_ok "$MI"'stat -c %a /covered /explicit /made-new; mi /covered | sed "s/.* - //" | cut -d" " -f1'
	assert_eq $'712\n1777\n1777\ntmpfs' "$OUT" "modes of /covered, /explicit, /made-new (tmpfs default)"
}

# The mapped root of a user namespace may not search a 0700 root-owned
# directory; the runtime can. Bind sources are looked up with the runtime's
# credentials, as runc (goCreateMountSources) and crun
# (prepare_and_send_mount_mounts) do: crun's test_mounts.py
# mount-userns-bind-mount. Binds of a file and through a symlink too.
test_bind_source_reached_with_runtime_credentials_in_userns() {
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	mkdir -p "$T/locked/inner"
	echo "behind a 0700 dir" >"$T/locked/inner/f"
	echo "a file" >"$T/locked/file"
	ln -s "$T/locked/inner" "$T/locked/link"
	chmod 0755 "$T/locked/inner"
	chmod 0644 "$T/locked/inner/f" "$T/locked/file"
	chown 0:0 "$T/locked"
	chmod 0700 "$T/locked"
	add_mount "$(jq -cn --arg s "$T/locked/inner" '{destination: "/data", type: "bind", source: $s, options: ["bind", "ro"]}')"
	add_mount "$(jq -cn --arg s "$T/locked/file" '{destination: "/onefile", type: "bind", source: $s, options: ["bind", "ro"]}')"
	add_mount "$(jq -cn --arg s "$T/locked/link" '{destination: "/via-link", type: "bind", source: $s, options: ["rbind", "ro"]}')"
	run_sh 'cat /data/f /onefile /via-link/f; { echo x >/data/f; } 2>&1; echo "rc=$?"'
	assert_ok
	assert_eq $'behind a 0700 dir\na file\nbehind a 0700 dir' "$(printf '%s\n' "$OUT" | head -n3)" \
		"files read through the binds"
	assert_contains "$OUT" "Read-only file system"
	assert_contains "$OUT" "rc=1"
}

# A user namespace with the runtime's network namespace: the kernel refuses
# a new sysfs there (EPERM), so the runtime's /sys is bound with the mount's
# flags, as crun does (crun's sysfs-userns-no-netns-no-cgroup; issue 8).
test_sysfs_in_userns_with_runtime_netns() {
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	remove_ns network
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | (.mounts[] | select(.type == "sysfs") | .options) = ["nosuid", "noexec", "nodev", "ro"]'
	run_ok 'awk "\$5 == \"/sys\" {print \$6; print \$9}" /proc/self/mountinfo | head -2; ls /sys/class/net | grep -c .'
	assert_match "${OUT%%$'\n'*}" '^ro,nosuid,nodev,noexec' "the options of /sys"
	assert_eq sysfs "$(printf '%s\n' "$OUT" | sed -n 2p)" "the type of /sys"
	assert_eq "$(ls /sys/class/net | grep -c .)" "${OUT##*$'\n'}" "the runtime's network devices"
}

harness_main "$@"
