#!/bin/bash
# Id-mapped bind mounts (runtime-spec config.md "Mounts": uidMappings,
# gidMappings, the "idmap" and "ridmap" options), seen from inside the
# container. A mount mapping {containerID: c, hostID: h} shows a file that
# the filesystem says is c's as h's (kernel: the filesystem's ids are taken
# as ids of the mapping's user namespace), and writes go the other way;
# crun's test_mounts.py mount-idmapped-mounts and
# mount-idmapped-mounts-without-userns check the same.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_bad_mappings_refused test_idmap_on_tmpfs_refused \
	test_idmap_without_mappings_or_userns_refused test_idmap_on_fs_without_support_refused \
	test_inline_crun_mappings_refused

# mi DEST, in the container: the last mountinfo line of DEST.
MI='mi() { awk -v d="$1" "\$5 == d" /proc/self/mountinfo | tail -n1; }; '

# map C H [N]: a mapping list of one range.
map() { jq -cn --argjson c "$1" --argjson h "$2" --argjson n "${3:-1}" '[{containerID: $c, hostID: $h, size: $n}]'; }

# idmap_mount DEST SOURCE OPTIONS-JSON [MAPPINGS-JSON]: a bind with these
# options and, if given, the same uid and gid mappings.
idmap_mount() {
	add_mount "$(jq -cn --arg d "$1" --arg s "$2" --argjson o "$3" --argjson m "${4:-null}" \
		'{destination: $d, type: "bind", source: $s, options: $o}
		 + (if $m == null then {} else {uidMappings: $m, gidMappings: $m} end)')"
}

userns_100000() {
	chown -R -h 100000:100000 "$ROOTFS"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

# $T/data: a 0755 directory of OWNER (default root) with f (1000:1000)
# and g (1001:1001).
host_data() {
	mkdir "$T/data"
	touch "$T/data/f" "$T/data/g"
	chown "${1:-0}:${1:-0}" "$T/data"
	chown 1000:1000 "$T/data/f"
	chown 1001:1001 "$T/data/g"
}

# No user namespace: a throwaway one carries the mount's mapping. The
# file of 1000 is root's inside; g (unmapped) is the overflow id; root's
# new file (in 1000's directory) is 1000's on the host.
test_idmap_without_userns() {
	host_data 1000
	idmap_mount /data "$T/data" '["bind", "idmap"]' "$(map 1000 0)"
	run_ok 'stat -c "%u:%g" /data/f /data/g; touch /data/new'
	assert_eq $'0:0\n65534:65534' "$OUT" "owners of f and g inside"
	assert_eq 1000:1000 "$(stat -c %u:%g "$T/data/new")" "owner on the host of a file made inside"
	assert_eq 1000:1000 "$(stat -c %u:%g "$T/data/f")" "f on the host, unchanged"
}

# A file can be id-mapped too.
test_idmap_file_bind() {
	host_data
	idmap_mount /etc/f "$T/data/f" '["bind", "ro", "idmap"]' "$(map 1000 0)"
	run_ok 'stat -c "%u:%g %F" /etc/f'
	assert_eq "0:0 regular empty file" "$OUT" "owner and type of /etc/f inside"
}

# Mappings without "idmap" or "ridmap" make an id-mapped mount too (runc).
test_mappings_without_option() {
	host_data
	idmap_mount /data "$T/data" '["bind"]' "$(map 1000 2000)"
	run_ok 'stat -c "%u:%g" /data/f'
	assert_eq 2000:2000 "$OUT" "owner of f inside"
}

# In a user namespace (0 -> 100000), "idmap" without mappings of the mount
# takes the container's: the host's ids are the container's ids, so f is
# 1000's inside (not the overflow id) and root writes in a directory of the
# host's root, the new file being the host root's.
test_idmap_container_userns() {
	userns_100000
	host_data
	idmap_mount /data "$T/data" '["bind", "idmap"]'
	run_ok 'stat -c "%u:%g" /data /data/f; touch /data/new'
	assert_eq $'0:0\n1000:1000' "$OUT" "owners of /data and f inside"
	assert_eq 0:0 "$(stat -c %u:%g "$T/data/new")" "owner on the host of a file made inside"
}

# The same without "idmap": the host's ids show unmapped, and the mapped
# root may not write there (what the test above relies on).
test_plain_bind_container_userns() {
	userns_100000
	host_data
	idmap_mount /data "$T/data" '["bind"]'
	run_sh 'stat -c "%u:%g" /data/f; touch /data/new 2>/dev/null || echo denied'
	assert_ok
	assert_eq $'65534:65534\ndenied' "$OUT"
}

# In a user namespace, the mount's own mappings win: 1000 -> 100000, which
# is the container's root.
test_own_mappings_in_userns() {
	userns_100000
	host_data 1000
	idmap_mount /data "$T/data" '["bind", "idmap"]' "$(map 1000 100000)"
	run_ok 'stat -c "%u:%g" /data/f /data/g; touch /data/new'
	assert_eq $'0:0\n65534:65534' "$OUT" "owners of f and g inside"
	assert_eq 1000:1000 "$(stat -c %u:%g "$T/data/new")" "owner on the host of a file made inside"
}

# $T/outer/inner: a bind mount on the host (in the scratch dir) of
# $T/innersrc; both 1000's, with h (1000:1000) in each.
nested_source() {
	mkdir -p "$T/outer/inner" "$T/innersrc"
	touch "$T/outer/h" "$T/innersrc/h"
	chown 1000:1000 "$T/outer" "$T/innersrc" "$T/outer/h" "$T/innersrc/h"
	mount --bind "$T/innersrc" "$T/outer/inner"
	on_exit 'umount "$T/outer/inner"'
}

# "idmap" on an rbind maps the top mount only; "ridmap" every mount of it
# (config.md: "the mapping is applied recursively").
test_idmap_rbind_maps_top_mount_only() {
	nested_source
	idmap_mount /data "$T/outer" '["rbind", "idmap"]' "$(map 1000 0)"
	run_ok 'stat -c "%u:%g" /data/h /data/inner/h'
	assert_eq $'0:0\n1000:1000' "$OUT" "owners of h, of inner/h"
}

test_ridmap_rbind_maps_every_mount() {
	nested_source
	idmap_mount /data "$T/outer" '["rbind", "ridmap"]' "$(map 1000 0)"
	run_ok 'stat -c "%u:%g" /data/h /data/inner/h; touch /data/inner/new'
	assert_eq $'0:0\n0:0' "$OUT" "owners of h, of inner/h"
	assert_eq 1000:1000 "$(stat -c %u:%g "$T/innersrc/new")" "owner on the host of inner/new"
}

# Options apply on top of the mapping; the id-mapped mount is private
# (crun's mount-no-leak-to-host), and mountinfo says idmapped.
test_idmap_ro_private() {
	userns_100000
	host_data
	idmap_mount /data "$T/data" '["rbind", "ro", "idmap"]' "$(map 0 100000 65536)"
	run_sh "$MI"'mi /data; touch /data/new 2>&1; stat -c "%u:%g" /data/f'
	assert_ok
	assert_match "$OUT" '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ /data ro,[^ ]*idmapped' "mountinfo of /data"
	assert_no_match "${OUT%%$'\n'*}" 'shared:' "propagation of /data"
	assert_contains "$OUT" "Read-only file system"
	assert_contains "$OUT" "1000:1000"
}

# Bad input: the JSON path and what was expected, before anything is made.
test_bad_mappings_refused() {
	mkdir "$T/data"
	local base
	base=$(cat "$BUNDLE/config.json")
	local -a cases=(
		'{uidMappings: [{containerID: 0, hostID: 1000, size: 1}]}'
		'mounts\[[0-9]+\]\.uidMappings: set without gidMappings'
		'{uidMappings: [{containerID: 0, hostID: 1000, size: 0}], gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}'
		'mounts\[[0-9]+\]\.uidMappings\[0\]\.size: expected a number of ids >= 1, got 0'
		'{uidMappings: [], gidMappings: []}'
		'mounts\[[0-9]+\]\.uidMappings: expected at least one mapping, got an empty list'
		'{uidMappings: [{containerID: 0, hostID: 4294967295, size: 2}], gidMappings: [{containerID: 0, hostID: 0, size: 1}]}'
		'mounts\[[0-9]+\]\.uidMappings\[0\]\.size: expected the range to end at id 4294967295 at most'
	)
	local i
	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		printf '%s\n' "$base" >"$BUNDLE/config.json"
		add_mount "$(jq -cn --arg s "$T/data" "{destination: \"/data\", type: \"bind\", source: \$s, options: [\"bind\", \"idmap\"]} + ${cases[i]}")"
		run_ctr
		assert_failed
		assert_error_line 'config\.json' "${cases[i + 1]}"
		[ ! -e "$STATE/$ID" ] || fail "state left for case $((i / 2))"
	done
}

test_idmap_on_tmpfs_refused() {
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
	run_ctr
	assert_failed
	assert_error_line 'not supported: mounts\[[0-9]+\] \(destination /data\): an id-mapped mount of type tmpfs: only bind mounts'
	[ ! -e "$STATE/$ID" ] || fail "state left"
}

# config.md, "idmap": "If there are no uidMappings and gidMappings specified
# and the container isn't using user namespaces, an error MUST be returned."
test_idmap_without_mappings_or_userns_refused() {
	mkdir "$T/data"
	idmap_mount /data "$T/data" '["bind", "ridmap"]'
	run_ctr
	assert_failed
	assert_error_line 'mounts\[[0-9]+\]\.options: "ridmap" without uidMappings and gidMappings' \
		'linux\.namespaces has no user namespace'
	[ ! -e "$STATE/$ID" ] || fail "state left"
}

# sysfs has no id-mapped mounts (no FS_ALLOW_IDMAP): mount_setattr says
# EINVAL, and the message names the mount.
test_idmap_on_fs_without_support_refused() {
	idmap_mount /data /sys/kernel/mm '["bind", "idmap"]' "$(map 0 1000)"
	run_ctr
	assert_failed
	assert_error_line 'mounts\[[0-9]+\] \(destination /data\): id-map /sys/kernel/mm: its filesystem does not support id-mapped mounts'
}

# crun's own option "idmap=uids=...;gids=..." gives the mappings inline
# (crun's test_linux_features.py idmapped-mount); runtime-spec allows
# custom options. "#" joins ranges.
test_inline_crun_mappings() {
	host_data 1000
	idmap_mount /data "$T/data" '["bind", "idmap=uids=1000-0-1#1001-5000-1;gids=1000-0-2"]'
	run_ok 'stat -c "%u:%g" /data/f /data/g; touch /data/new'
	assert_eq $'0:0\n5000:1' "$OUT" "owners of f and g inside"
	assert_eq 1000:1000 "$(stat -c %u:%g "$T/data/new")" "owner on the host of a file made inside"
}

test_inline_crun_mappings_refused() {
	mkdir "$T/data"
	idmap_mount /data "$T/data" '["bind", "idmap=uids=0-1-100"]'
	run_ctr
	assert_failed
	assert_error_line 'config\.json: mounts\[[0-9]+\]\.options\[1\]: expected both uids= and gids=, got only uids'
}

harness_main "$@"
