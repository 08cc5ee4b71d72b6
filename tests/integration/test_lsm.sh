#!/bin/bash
# AppArmor and SELinux labels on a host without either module (this build
# machine): what is refused, and where (docs/design.md, "AppArmor and
# SELinux"). The labels applied for real: tests/distro/guest/test_apparmor.sh.
#
# config.md "process": apparmorProfile, selinuxLabel; config-linux.md
# "Mount Label". runc refuses process.selinuxLabel when SELinux is off
# (validate.security), fails to write the profile (EINVAL) and fails the
# mounts that take context= (EINVAL); nook refuses the same before anything
# is made, naming the field. The messages are nook's.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

nook_specific test_apparmor_profile_refused_without_apparmor \
	test_selinux_label_refused_without_selinux \
	test_mount_label_refused_where_a_mount_takes_it \
	test_exec_label_flags_refused_without_the_module test_exec_help_lists_the_flags

no_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
		skip "AppArmor is enabled on this host"
}

no_selinux() {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this host"
}

test_apparmor_profile_refused_without_apparmor() {
	no_apparmor
	cfg '.process.apparmorProfile = "nook-test-profile"'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'process\.apparmorProfile' 'AppArmor is not enabled on this host'
}

test_selinux_label_refused_without_selinux() {
	no_selinux
	cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'process\.selinuxLabel' 'SELinux is not enabled on this host'
}

# The base config's /dev is a tmpfs: it would take context=, which a
# kernel without SELinux refuses (runc's mount fails there).
test_mount_label_refused_where_a_mount_takes_it() {
	no_selinux
	cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'linux\.mountLabel' 'SELinux is not enabled' 'mounts\[1\], tmpfs on /dev'
	# and runc's masking tmpfs of a directory takes it
	cfg '.mounts |= map(select(.type == "proc")) | .linux.maskedPaths = ["/proc/acpi"]'
	run_sh 'echo ran'
	assert_failed
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'linux\.mountLabel' 'linux\.maskedPaths'
}

# Only proc, sysfs, mqueue and binds: no mount takes the label, runc runs
# it, and so does nook.
test_mount_label_without_labelled_mounts_runs() {
	no_selinux
	cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0"
		| .mounts |= map(select(.type == "proc" or .type == "sysfs" or .type == "mqueue"))'
	run_ok 'echo ran'
	assert_eq ran "$OUT"
}

start_long() {
	set_args sh -c "$LONG_RUNNING"
	run_detached
	assert_ok
	wait_for_file "$ROOTFS/tmp/ready"
}

test_exec_label_flags_refused_without_the_module() {
	no_apparmor
	no_selinux
	start_long
	nk exec --apparmor nook-test-profile "$ID" sh -c 'echo ran'
	assert_exit 255
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'exec --apparmor "nook-test-profile"' 'AppArmor is not enabled on this host'
	nk exec --process-label system_u:system_r:container_t:s0 "$ID" sh -c 'echo ran'
	assert_exit 255
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'exec --process-label' 'SELinux is not enabled on this host'
	# a profile from --process is checked as well
	jq -n '{cwd: "/", args: ["sh", "-c", "echo ran"], apparmorProfile: "p2"}' >"$T/process.json"
	nk exec --process "$T/process.json" "$ID"
	assert_exit 255
	assert_eq "" "$OUT" "the process must not run"
	assert_error_line 'process\.apparmorProfile "p2"' 'AppArmor is not enabled'
	# the flags need their argument
	nk exec --apparmor
	assert_exit 255
	assert_contains "$ERR" "apparmor"
	# and exec without them still works
	nk exec "$ID" sh -c 'echo ran'
	assert_ok
	assert_eq ran "$OUT"
	assert_eq running "$(status)"
}

test_exec_help_lists_the_flags() {
	nk exec --help
	assert_ok
	assert_contains "$OUT" "--apparmor PROFILE"
	assert_contains "$OUT" "--process-label LABEL"
}

# features-linux.md: the runtime's support, "irrelevant to the
# availability ... on the host".
test_features_report_both() {
	nk features
	assert_ok
	assert_eq true "$(jq -r .linux.apparmor.enabled <<<"$OUT")" "linux.apparmor.enabled"
	assert_eq true "$(jq -r .linux.selinux.enabled <<<"$OUT")" "linux.selinux.enabled"
}

harness_main "$@"
