#!/bin/bash
# Security: capabilities, noNewPrivileges, seccomp, maskedPaths,
# readonlyPaths, sysctl, the fds and cwd of the container's init.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

CAPS='grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status | tr -s "\t " " "'

test_no_new_privileges_set() {
	cfg '.process.noNewPrivileges = true'
	run_ok 'grep "^NoNewPrivs:" /proc/self/status | tr -s "\t " " "'
	assert_eq "NoNewPrivs: 1" "$OUT"
}

test_no_new_privileges_unset() {
	cfg 'del(.process.noNewPrivileges)'
	run_ok 'grep "^NoNewPrivs:" /proc/self/status | tr -s "\t " " "'
	assert_eq "NoNewPrivs: 0" "$OUT"
}

test_capabilities_masks() {
	local set=(CAP_CHOWN CAP_KILL CAP_NET_RAW CAP_SYS_ADMIN)
	local all m
	all=$(json_array "${set[@]}")
	cfg '.process.capabilities = {bounding: $a, effective: $a, permitted: $a, inheritable: $a, ambient: $a}' --argjson a "$all"
	run_ok "$CAPS"
	m=$(cap_mask "${set[@]}")
	assert_eq "CapInh: $m
CapPrm: $m
CapEff: $m
CapBnd: $m
CapAmb: $m" "$OUT" "capability sets"
}

test_capabilities_sets_differ() {
	# noNewPrivileges: without it execve as root refills permitted from the
	# bounding set; and for uid 0 execve makes effective equal permitted
	# (the kernel's legacy root rules), so effective is given as permitted
	cfg '.process.noNewPrivileges = true | .process.capabilities = {
	  bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID"],
	  permitted: ["CAP_CHOWN", "CAP_KILL"],
	  effective: ["CAP_CHOWN", "CAP_KILL"]}'
	run_ok "$CAPS"
	assert_eq "CapInh: $(cap_mask)
CapPrm: $(cap_mask CAP_CHOWN CAP_KILL)
CapEff: $(cap_mask CAP_CHOWN CAP_KILL)
CapBnd: $(cap_mask CAP_CHOWN CAP_KILL CAP_SETUID CAP_SETGID)
CapAmb: $(cap_mask)" "$OUT" "capability sets"
}

test_capabilities_none() {
	cfg 'del(.process.capabilities)'
	run_ok "$CAPS"
	local z
	z=$(cap_mask)
	assert_eq "CapInh: $z
CapPrm: $z
CapEff: $z
CapBnd: $z
CapAmb: $z" "$OUT" "capability sets"
}

test_capability_missing_is_enforced() {
	set_caps CAP_KILL
	run_sh 'touch /tmp/f; { chown 1000 /tmp/f; } 2>&1; echo "rc=$?"'
	assert_ok
	assert_contains "$OUT" "Operation not permitted"
	assert_contains "$OUT" "rc=1"
}

test_capability_present_is_usable() {
	set_caps CAP_CHOWN
	run_ok 'touch /tmp/f && chown 1000 /tmp/f && stat -c %u /tmp/f'
	assert_eq 1000 "$OUT"
}

test_ambient_capabilities_for_non_root() {
	local a
	a=$(json_array CAP_NET_BIND_SERVICE)
	cfg '.process.user = {uid: 1000, gid: 1000}
	   | .process.capabilities = {bounding: $a, effective: $a, permitted: $a, inheritable: $a, ambient: $a}' --argjson a "$a"
	run_ok "$CAPS"' | grep -E "CapEff|CapAmb"'
	local m
	m=$(cap_mask CAP_NET_BIND_SERVICE)
	assert_eq "CapEff: $m
CapAmb: $m" "$OUT" "a non-root process keeps ambient capabilities"
}

test_non_root_without_ambient_has_no_effective() {
	cfg '.process.user = {uid: 1000, gid: 1000}'
	set_caps CAP_NET_BIND_SERVICE CAP_KILL
	run_ok "$CAPS"' | grep -E "CapEff"'
	assert_eq "CapEff: $(cap_mask)" "$OUT" "effective set of uid 1000 without ambient"
}

nook_specific test_unknown_capability_is_a_warning
test_unknown_capability_is_a_warning() {
	set_caps CAP_KILL CAP_FOO
	run_ok "$CAPS"' | grep CapEff'
	assert_eq "CapEff: $(cap_mask CAP_KILL)" "$OUT" "effective set"
	assert_match "$ERR" '^nook: warning: .*CAP_FOO' "stderr"
}

# seccomp filter with defaultAction ALLOW and the given syscall rules (JSON array)
seccomp_allow_but() {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], syscalls: $r}' \
		--argjson r "$1"
}

test_seccomp_errno_eperm() {
	seccomp_allow_but '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]'
	run_sh '{ mkdir /tmp/x; } 2>&1; echo "rc=$?"; touch /tmp/y && echo touch-ok'
	assert_ok
	assert_eq $'mkdir: can\'t create directory \'/tmp/x\': Operation not permitted\nrc=1\ntouch-ok' "$OUT"
}

test_seccomp_errno_enosys() {
	seccomp_allow_but '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]'
	run_sh '{ mkdir /tmp/x; } 2>&1; true'
	assert_ok
	assert_contains "$OUT" "Function not implemented"
}

test_seccomp_args_eq() {
	# chmod to mode 0777 is refused; any other mode is allowed
	seccomp_allow_but '[
	  {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 2, "value": 511, "op": "SCMP_CMP_EQ"}]}]'
	run_sh 'touch /tmp/f; chmod 750 /tmp/f && echo 750-ok; { chmod 777 /tmp/f; } 2>&1; stat -c %a /tmp/f'
	assert_ok
	assert_eq $'750-ok\nchmod: /tmp/f: Operation not permitted\n750' "$OUT"
}

test_seccomp_kill_process() {
	seccomp_allow_but '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]'
	run_sh 'echo before; exec mkdir /tmp/x'
	assert_exit 159 # 128 + SIGSYS
	assert_eq before "$OUT"
}

test_masked_path_file_reads_empty() {
	cfg '.linux.maskedPaths = ["/proc/version", "/proc/kcore", "/proc/timer_list"]'
	run_ok 'wc -c </proc/version; for f in /proc/kcore /proc/timer_list; do [ ! -e $f ] || wc -c <$f; done | sort -u'
	assert_eq $'0\n0' "$OUT" "bytes read from masked files"
}

test_masked_path_dir_is_empty() {
	mkdir -p "$ROOTFS/secret"
	echo hidden >"$ROOTFS/secret/key"
	cfg '.linux.maskedPaths = ["/secret"]'
	run_ok 'ls -A /secret | wc -l; cat /secret/key 2>/dev/null || echo unreadable'
	assert_eq $'0\nunreadable' "$OUT"
}

test_masked_path_missing_is_ignored() {
	cfg '.linux.maskedPaths = ["/proc/does-not-exist", "/proc/version"]'
	run_ok 'wc -c </proc/version'
	assert_eq 0 "$OUT"
}

test_unmasked_proc_version_is_not_empty() {
	# the control for the masked tests
	run_ok 'wc -c </proc/version'
	assert_ne 0 "$OUT" "size of /proc/version"
}

test_readonly_path_write_fails() {
	cfg '.linux.readonlyPaths = ["/proc/sys"]'
	run_sh '{ echo nookhost >/proc/sys/kernel/hostname; } 2>&1; echo "rc=$?"; hostname'
	assert_ok
	assert_contains "$OUT" "Read-only file system"
	assert_match "$OUT" 'rc=[1-9]'
}

test_readonly_path_control_write_works() {
	cfg '.linux.readonlyPaths = []'
	run_ok 'echo nookhost >/proc/sys/kernel/hostname; hostname'
	assert_eq nookhost "$OUT" "hostname written through /proc/sys"
}

test_sysctl_net_ip_forward() {
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_ok 'cat /proc/sys/net/ipv4/ip_forward'
	assert_eq 1 "$OUT"
}

test_sysctl_kernel_shmmax_in_ipc_ns() {
	cfg '.linux.sysctl = {"kernel.shmmax": "123456789"}'
	run_ok 'cat /proc/sys/kernel/shmmax'
	assert_eq 123456789 "$OUT"
	assert_ne 123456789 "$(cat /proc/sys/kernel/shmmax)" "the host's kernel.shmmax"
}

test_sysctl_not_in_host() {
	local before
	before=$(cat /proc/sys/net/ipv4/conf/lo/forwarding)
	cfg '.linux.sysctl = {"net.ipv4.conf.lo.forwarding": "1"}'
	run_ok 'cat /proc/sys/net/ipv4/conf/lo/forwarding'
	assert_eq 1 "$OUT"
	assert_eq "$before" "$(cat /proc/sys/net/ipv4/conf/lo/forwarding)" "the host's value"
}

# ---- CVE-2024-21626: the init's cwd and fds (see test_exec.sh for exec) ----

# A directory of the host passed on with --preserve-fds and named as
# process.cwd through /proc/self/fd: the chdir works, but the cwd is outside
# the container's root, and the init refuses it (runc 1.1.12's getcwd check).
test_init_cwd_outside_root_refused_CVE_2024_21626() {
	local marker="host-marker-$RANDOM$RANDOM"
	echo "$marker" >"$T/host-marker"
	cfg '.process.cwd = "/proc/self/fd/3"'
	set_args sh -c 'pwd; cat host-marker'
	run_ctr --preserve-fds 1 3<"$T"
	assert_failed
	assert_not_contains "$OUT$ERR" "$marker" "the host's marker file"
}

nook_specific test_init_cwd_outside_root_error
test_init_cwd_outside_root_error() {
	cfg '.process.cwd = "/proc/self/fd/3"'
	run_ctr --preserve-fds 1 3<"$T"
	assert_failed
	assert_error_line "process.cwd: /proc/self/fd/3 is outside the container's root"
}

# The init keeps stdio and the caller's fds among 3 .. 3+N-1, never one of
# the runtime's that took a number the caller left closed (before, the
# state directory's fd reached the workload as fd 3). Seen from the host.
# init_fds [RUN-OPTIONS...]: FDS, the fds of a detached `sleep` init.
init_fds() {
	set_args sleep 30
	run_detached "$@"
	assert_ok
	FDS=$(ls "/proc/$(init_pid)/fd" | sort -n | tr '\n' ' ')
	force_delete "$ID"
}

test_init_fds_are_stdio_and_preserved_only_CVE_2024_21626() {
	init_fds
	assert_eq "0 1 2 " "$FDS" "fds of the init"
	init_fds --preserve-fds 1 3<"$BUNDLE/config.json"
	assert_eq "0 1 2 3 " "$FDS" "fds with --preserve-fds 1"
	init_fds --preserve-fds 1 3<&-
	assert_eq "0 1 2 " "$FDS" "fds with --preserve-fds 1 and fd 3 not open"
	init_fds --preserve-fds 4 3<&- 4<&- 5<&- 6<&-
	assert_eq "0 1 2 " "$FDS" "fds with --preserve-fds 4 and none of them open"
}

harness_main "$@"
