#!/bin/bash
# Security: capabilities, noNewPrivileges, seccomp, maskedPaths,
# readonlyPaths, sysctl.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

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

test_sysctl_mqueue_in_ipc_ns() {
	local host
	host=$(cat /proc/sys/fs/mqueue/queues_max)
	cfg '.linux.sysctl = {"fs.mqueue.queues_max": ($v | tostring)}' --argjson v $((host + 7))
	run_ok 'cat /proc/sys/fs/mqueue/queues_max'
	assert_eq $((host + 7)) "$OUT"
	assert_eq "$host" "$(cat /proc/sys/fs/mqueue/queues_max)" "the host's fs.mqueue.queues_max"
}

test_sysctl_domainname_in_uts_ns() {
	cfg '.linux.sysctl = {"kernel.domainname": "sysctl.example"}'
	run_ok 'cat /proc/sys/kernel/domainname'
	assert_eq sysctl.example "$OUT"
	assert_ne sysctl.example "$(cat /proc/sys/kernel/domainname)" "the host's domainname"
}

# sysctl(8) and runc: in a dotted key a '/' stands for a '.' in a name; in
# a key written with slashes a '.' is part of a name (an interface "nk.1").
test_sysctl_interface_name_with_dot() {
	mkdir "$T/ns"
	mount --bind "$T/ns" "$T/ns"
	on_exit 'umount -l "$T/ns"'
	mount --make-private "$T/ns"
	touch "$T/ns/net"
	unshare --net="$T/ns/net" true
	on_exit 'umount "$T/ns/net"'
	nsenter --net="$T/ns/net" ip link add nk.1 type bridge
	nsenter --net="$T/ns/net" ip link add nk.2 type bridge
	add_ns network "$T/ns/net"
	cfg '.linux.sysctl = {"net/ipv4/conf/nk.1/forwarding": "1", "net.ipv4.conf.nk/2.forwarding": "1"}'
	run_ok 'cat /proc/sys/net/ipv4/conf/nk.1/forwarding /proc/sys/net/ipv4/conf/nk.2/forwarding'
	assert_eq $'1\n1' "$OUT"
}

# Issue 8: linux.sysctl wrote any key, so a config could change the host's
# values. config-linux.md "Sysctl" with "Namespaces": only a key of a
# namespace the container owns may be written; the rest is refused before
# anything is made (runc's validator and crun's validate_sysctl do the same).
# The config asks for the host's current value, so that even a runtime that
# wrongly writes it changes nothing; what is checked is that nook refuses it,
# that the process never ran, and that the host's value is what it was.
assert_sysctl_refused() { # KEY
	local key=$1 file before
	file=/proc/sys/${key//.//}
	before=$(cat "$file")
	cfg '.linux.sysctl = {($k): $v}' --arg k "$1" --arg v "$(printf '%s' "$before" | tr '\t' ' ')"
	rm -f "$ROOTFS/ran"
	run_sh 'touch /ran'
	assert_failed
	assert_contains "$ERR" "linux.sysctl[\"$key\"]: not allowed"
	[ ! -e "$ROOTFS/ran" ] || fail "the container's process ran"
	assert_eq "$before" "$(cat "$file")" "the host's $key"
}

nook_specific test_sysctl_global_key_refused test_sysctl_ipc_key_without_ipc_ns_refused \
	test_sysctl_net_key_without_net_ns_refused test_sysctl_net_key_in_runtime_net_ns_refused \
	test_sysctl_kernel_hostname_refused

test_sysctl_global_key_refused() {
	# every namespace the base config has, and none of them holds it
	assert_sysctl_refused vm.swappiness
	assert_contains "$ERR" "it is not in a namespace a container can have"
}

test_sysctl_ipc_key_without_ipc_ns_refused() {
	remove_ns ipc
	cfg '.mounts |= map(select(.type != "mqueue"))'
	assert_sysctl_refused fs.mqueue.queues_max
	assert_contains "$ERR" 'linux.namespaces has no "ipc" entry'
	assert_sysctl_refused kernel.msgmax
}

test_sysctl_net_key_without_net_ns_refused() {
	remove_ns network
	assert_sysctl_refused net.ipv4.ping_group_range
	assert_contains "$ERR" 'linux.namespaces has no "network" entry'
}

test_sysctl_net_key_in_runtime_net_ns_refused() {
	# joined by path, but the path is the runtime's own network namespace
	add_ns network /proc/self/ns/net
	assert_sysctl_refused net.ipv4.ping_group_range
	assert_contains "$ERR" "/proc/self/ns/net is the runtime's own"
}

test_sysctl_kernel_hostname_refused() {
	# runc and crun refuse it too: "hostname" is the field for it
	assert_sysctl_refused kernel.hostname
	assert_contains "$ERR" 'conflicts with the "hostname" field'
}

harness_main "$@"
