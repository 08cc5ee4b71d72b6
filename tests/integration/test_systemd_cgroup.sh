#!/bin/bash
# nook --systemd-cgroup on this host, which has no systemd: what can be
# checked without a bus (runc's systemd.md: linux.cgroupsPath is
# "slice:prefix:name"; issue 11, "Bad input": one clear line naming the
# field, nothing left behind). The driver itself runs in a stock Debian VM:
# tests/distro/guest/test_systemd_cgroup.sh.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_malformed_cgroups_path_refused test_bad_property_annotation_refused \
	test_without_systemd_refused test_features_say_systemd

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

harness_main "$@"
