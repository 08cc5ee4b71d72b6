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

# Issue 8: the init's warning goes where nook's own messages go: with
# --log FILE --log-format json a JSON line in FILE, nothing on stderr (which
# the container shares with `nook run`).
nook_specific test_unknown_capability_warning_in_json_log
test_unknown_capability_warning_in_json_log() {
	set_caps CAP_KILL CAP_FOO
	set_args sh -c "$CAPS"' | grep CapEff'
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$NOOK" --root "$STATE" --log "$T/log" --log-format json \
		run --bundle "$BUNDLE" "$ID" </dev/null >"$T/stdout" 2>"$T/stderr" || RC=$?
	assert_ok
	assert_eq "CapEff: $(cap_mask CAP_KILL)" "$(cat "$T/stdout")" "effective set"
	assert_eq "" "$(cat "$T/stderr")" "stderr"
	# -s: an empty file is [], not a pass
	jq -s -e 'any(.[]; .level == "warning" and (.msg | contains("CAP_FOO")))' "$T/log" >/dev/null ||
		fail "no json warning about CAP_FOO in the log: $(cat "$T/log" 2>/dev/null)"
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

# ---------------------------------------------------------------- escapes
# Issue 9: attacks on how nook mounts /proc and masks paths. Each test
# performs the attack for real; none writes anything on the host (writability
# is read from mountinfo, never tried).

# build_swapper: $T/swap, a helper that, run as `swap DIR`, exchanges
# DIR/real and DIR/link with renameat2(RENAME_EXCHANGE) in a loop until
# DIR/stop exists, then puts back as DIR/real the directory holding the
# file .real and makes DIR/stopped; `swap DIR restore` only puts it back.
# (Another container sharing the volume could do the same.)
build_swapper() {
	cat >"$T/swap.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void restore(void)
{
	if (access("real/.real", F_OK) < 0)
		renameat2(AT_FDCWD, "real", AT_FDCWD, "link", RENAME_EXCHANGE);
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	if (argc > 2 && strcmp(argv[2], "restore") == 0) {
		restore();
		return 0;
	}
	while (access("stop", F_OK) < 0)
		renameat2(AT_FDCWD, "real", AT_FDCWD, "link", RENAME_EXCHANGE);
	restore();
	close(open("stopped", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	return 0;
}
C
	cc -O2 -o "$T/swap" "$T/swap.c"
}

# swap_check DIR...: the container's check after the swapper stopped: for
# each place proc may have landed, if a proc is there its sys must be
# read-only and its timer_list masked.
swap_check() {
	echo 'touch /vol/stop; while [ ! -e /vol/stopped ]; do sleep 0.01; done
for d in '"$*"'; do
	[ -e $d/self/mountinfo ] || continue
	opts=$(awk -v m=$d/sys '"'"'$5 == m {o = $6} END {print o}'"'"' $d/self/mountinfo)
	case ",$opts," in *,ro,*) ;; *) echo "$d/sys is writable ($opts)" ;; esac
	[ -c $d/timer_list ] || echo "$d/timer_list is not masked"
done
echo checked'
}

# swap_runs ERE: 25 runs of the container with the swapper going; each must
# be refused with an error matching ERE, or leave every proc safe.
swap_runs() {
	local i pid refused=0 check
	check=$(swap_check /vol/real /vol/link /vol/fake)
	for ((i = 0; i < 25; i++)); do
		rm -f "$T/vol/stop" "$T/vol/stopped"
		"$T/swap" "$T/vol" &
		pid=$!
		on_exit "kill $pid 2>/dev/null || true"
		run_sh "$check"
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		"$T/swap" "$T/vol" restore
		if [ "$RC" -ne 0 ]; then
			assert_failed
			assert_match "$ERR" "$1" "the refusal"
			refused=$((refused + 1))
			continue
		fi
		assert_eq checked "$OUT" "run $i: the container's proc"
	done
	echo "refused $refused of 25" >&2
}

# runc CVE-2025-52881, youki CVE-2025-54867: rootfs/proc is a symlink into a
# volume that another container swaps (renameat2 RENAME_EXCHANGE) between a
# directory and a symlink. The proc mount and the masks that follow it must
# not land in different places: proc goes only on an ordinary directory
# reached without symlinks, and the masks go through the proc mount itself.
# Otherwise the container gets a proc with a writable /proc/sys (root there
# can set kernel.core_pattern: host root). 25 runs; each must be refused or
# safe.
test_proc_through_swapped_symlink() {
	build_swapper
	mkdir -p "$T/vol/real" "$T/vol/fake"
	touch "$T/vol/real/.real"
	ln -s fake "$T/vol/link"
	rm -rf "$ROOTFS/proc"
	ln -s /vol/real "$ROOTFS/proc"
	cfg '.mounts = [{destination: "/vol", type: "bind", source: $v, options: ["rbind"]}] + .mounts' \
		--arg v "$T/vol"
	cfg '.linux.readonlyPaths = ["/proc/sys", "/proc/sysrq-trigger"]
	   | .linux.maskedPaths = ["/proc/timer_list", "/proc/kcore", "/proc/keys"]'
	swap_runs 'ordinary directory|symlink'
}
nook_specific test_proc_through_swapped_symlink

# The same race without any symlink: proc is mounted on a directory of a
# volume that another container swaps with another directory. The masks
# and read-only paths must go to the proc mount just made (through its fd),
# not to whatever the path names by then; a mount that is no longer where
# it was made is refused.
test_proc_in_swapped_volume_dir() {
	build_swapper
	mkdir -p "$T/vol/real" "$T/vol/link"
	touch "$T/vol/real/.real"
	cfg '.mounts = [{destination: "/vol", type: "bind", source: $v, options: ["rbind"]}] + .mounts
	   | .mounts += [{destination: "/vol/real", type: "proc", source: "proc"}]' --arg v "$T/vol"
	cfg '.linux.readonlyPaths = ["/vol/real/sys", "/vol/real/sysrq-trigger"]
	   | .linux.maskedPaths = ["/vol/real/timer_list", "/vol/real/kcore", "/vol/real/keys"]'
	swap_runs 'not the new mount'
}
nook_specific test_proc_in_swapped_volume_dir

# A symlinked /proc or /sys is refused outright (runc: "must be mounted on
# ordinary directory"), even when it points inside the rootfs.
test_proc_on_symlink_refused() {
	rm -rf "$ROOTFS/proc"
	mkdir "$ROOTFS/realproc"
	ln -s /realproc "$ROOTFS/proc"
	run_sh true
	assert_failed
	assert_error_line 'mounts\[0\]' '/proc' 'ordinary directory'
}
nook_specific test_proc_on_symlink_refused

test_sysfs_on_symlink_refused() {
	rm -rf "$ROOTFS/sys"
	mkdir "$ROOTFS/realsys"
	ln -s realsys "$ROOTFS/sys"
	run_sh true
	assert_failed
	assert_error_line 'mounts\[5\]' '/sys' 'ordinary directory'
}
nook_specific test_sysfs_on_symlink_refused

# runc CVE-2025-31133: /dev is bound from a volume whose "null" is a symlink
# to a procfs file. Masking must not bind that file (here core_pattern:
# writable it is host root) over /proc/timer_list and /proc/keys: the mask
# source must be the character device 1:3, opened without following
# symlinks. Nothing is written: the container only looks.
test_masked_paths_with_dev_null_symlink() {
	mkdir "$T/devvol"
	ln -s /proc/sys/kernel/core_pattern "$T/devvol/null"
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))
	   | .mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
	   | .linux.maskedPaths = ["/proc/timer_list", "/proc/keys"]' --arg d "$T/devvol"
	run_sh 'for f in /proc/timer_list /proc/keys; do
		[ -c $f ] && echo "$f masked" || echo "$f NOT masked: $(head -c 40 $f)"; done'
	if [ "$RC" -ne 0 ]; then
		assert_error_line 'linux.maskedPaths\[0\]' '/dev/null' 'not the null device'
		return
	fi
	assert_eq $'/proc/timer_list masked\n/proc/keys masked' "$OUT"
}
nook_specific test_masked_paths_with_dev_null_symlink

# The control: a real null device in the bound /dev masks as usual.
test_masked_paths_with_bound_dev() {
	mkdir "$T/devvol"
	mknod -m 666 "$T/devvol/null" c 1 3
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))
	   | .mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
	   | .linux.maskedPaths = ["/proc/timer_list", "/proc/keys"]' --arg d "$T/devvol"
	run_ok 'for f in /proc/timer_list /proc/keys; do [ -c $f ] && echo "$f masked"; done'
	assert_eq $'/proc/timer_list masked\n/proc/keys masked' "$OUT"
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
	new_netns_file
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
