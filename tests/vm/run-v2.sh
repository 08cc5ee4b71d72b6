#!/bin/bash
# The VM stage: boot Debian's cloud kernel under qemu with a pure cgroup v2
# hierarchy at /sys/fs/cgroup and run integration tests inside.
#   tests/vm/run-v2.sh [TEST...]     (run-all.sh arguments; default $VM_TESTS)
# Prints one line per guest test, "PASS vm:test_x.sh::name (N ms)" (FAIL,
# SKIP alike), the guest's log of failing tests, "vm: ..." notes, and ends
# with "vm: done in Ns (N pass, N fail, N skip)". The console is kept in
# $VM_WORK/console.log, each line after the seconds since qemu started.
# Exit status: 0 all passed; 1 a test failed, or the VM failed, hung or
# timed out; 3 skipped: qemu or the kernel cannot be had (the reason is
# printed on a "SKIP vm: ..." line).
#
# Environment:
#   VM_TESTS    the guest's run-all.sh arguments, space separated; names may
#               be globs over tests/integration/ (test_cgroups*)
#   VM_TIMEOUT  seconds for the whole VM (default 600); the guest powers
#               itself off 15 s earlier
#   VM_SILENCE  seconds the console may stay silent (default 120): a VM that
#               prints nothing for that long is ended at once (hung boot,
#               hung test), with the console's tail
#   VM_ACCEL    auto (default), kvm or tcg. auto: KVM only when a probe
#               boot under KVM reaches the guest's init within
#               VM_KVM_PROBE_TIMEOUT seconds (default 15; the result is kept
#               for this host boot in $VM_WORK/kvm-probe), else TCG. A
#               /dev/kvm that exists does not mean KVM works: on some
#               machines the guest dies of "KVM internal error" or hangs
#               after "Probing EDD".
#   VM_CPU      qemu's -cpu (default: host under KVM, qemu64 under TCG)
#   VM_MEM, VM_SMP  memory (MiB, default 1024) and cpus (default 2)
#   VM_WORK     cache and scratch dir (default tests/.work/vm)
#   VM_KERNEL_DIR   where build-kernel.sh puts the kernel
#   NOOK        the binary to test (default build/nook)
#   HARNESS_VERBOSE=1  print every guest test's log
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

# The tests the VM stage runs by default: the one place to choose them.
# Entries: a file name (test_lifecycle), a glob over tests/integration/
# (test_cgroups*: every cgroup test file, as soon as it exists), or one test
# (test_mounts.sh::test_mount_cgroup_present); "all" is every file.
# Every integration file passes in the VM, but under emulation each test
# costs 10-25 s (a fork and exec alone 0.25 s, jq 1.5 s; more while the
# host is busy), all of them most of an hour. So: what the stage is for,
# cgroup v2 (test_cgroups*, the cgroup mount and namespace, the commands
# that read or change the cgroup, killing what is left through it), a
# few lifecycle tests, and nook job's report, limits, timeout and SIGKILL
# clean-up read from cgroup v2 files (memory.peak, cpu.stat, pids.peak);
# about 30 tests, 7-11 minutes.
VM_TESTS=${VM_TESTS:-test_cgroups* test_mounts.sh::test_mount_cgroup_present test_namespaces.sh::test_cgroup_ns_paths_are_root test_lifecycle.sh::test_same_id_can_run_again test_lifecycle.sh::test_init_killed_from_host_gives_137 test_process.sh::test_run_reaps_orphans_without_pid_namespace test_commands.sh::test_delete_force_paused test_commands.sh::test_kill_all_reaches_child test_commands.sh::test_kill_all_without_pid_namespace test_commands.sh::test_ps_json_and_table test_commands.sh::test_pause_resume_progress test_commands.sh::test_update_pids_limit test_commands.sh::test_update_memory test_commands.sh::test_events_stats test_commands.sh::test_events_stream_oom test_job.sh::test_report_fields_sane test_job.sh::test_memory_limit_is_reported_as_oom test_job.sh::test_pids_cpus_limits_apply test_job.sh::test_timeout_kills_every_process_124 test_job.sh::test_sigkill_of_nook_job_leaves_nothing}

VM_TIMEOUT=${VM_TIMEOUT:-600}
VM_SILENCE=${VM_SILENCE:-120}
VM_ACCEL=${VM_ACCEL:-auto}
VM_KVM_PROBE_TIMEOUT=${VM_KVM_PROBE_TIMEOUT:-15}
VM_MEM=${VM_MEM:-1024}
VM_SMP=${VM_SMP:-2}
VM_WORK=${VM_WORK:-$repo/tests/.work/vm}
export VM_KERNEL_DIR=${VM_KERNEL_DIR:-$repo/tests/.work/vm-kernel}
export NOOK=${NOOK:-$repo/build/nook}
QEMU=${QEMU:-qemu-system-x86_64}

skip() {
	echo "SKIP vm: $*"
	exit 3
}

if [ $# -gt 0 ]; then
	tests=("$@")
elif [ "$VM_TESTS" = all ]; then
	tests=()
else
	# run-all.sh arguments: the files, and one filter that selects the
	# whole of a file listed whole and only the named tests of the others
	declare -A seen=()
	files=() res=()
	add_file() {
		[ -n "${seen[$1]:-}" ] || files+=("$1")
		seen[$1]=1
	}
	read -r -a items <<<"$VM_TESTS" # no globbing here
	shopt -s nullglob
	for t in "${items[@]}"; do
		case $t in
		*::*)
			f=${t%%::*}
			f=${f%.sh}
			add_file "$f"
			res+=("^$f\\.sh::${t#*::}\$")
			;;
		*[*?[]*)
			for f in "$repo"/tests/integration/${t%.sh}.sh; do
				f=$(basename "$f" .sh)
				add_file "$f"
				res+=("^$f\\.sh::")
			done
			;;
		*)
			add_file "${t%.sh}"
			res+=("^${t%.sh}\\.sh::")
			;;
		esac
	done
	shopt -u nullglob
	tests=("${files[@]}")
	if [ ${#res[@]} -gt 0 ]; then
		tests+=("$(
			IFS='|'
			echo "${res[*]}"
		)")
	fi
fi
for t in "${tests[@]}"; do
	case $t in *[,[:space:]]*) echo "FAIL vm: a test argument may not hold a comma or space: '$t'"; exit 1 ;; esac
done

# what a fresh machine lacks
need=()
command -v "$QEMU" >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "vm: installing ${need[*]}"
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" \
			>/tmp/nook-vm-apt.log 2>&1; then
			tail -n 5 /tmp/nook-vm-apt.log | sed 's/^/    | /'
			rm -f /tmp/nook-vm-apt.log
			skip "apt-get install ${need[*]} failed"
		fi
		rm -f /tmp/nook-vm-apt.log
	fi
	command -v "$QEMU" >/dev/null 2>&1 || skip "$QEMU is not installed (apt-get install qemu-system-x86)"
	command -v cpio >/dev/null 2>&1 || skip "cpio is not installed (apt-get install cpio)"
fi

rc=0
why=$(bash "$here/build-kernel.sh" "$VM_KERNEL_DIR" 2>&1 >/dev/null) || rc=$?
if [ "$rc" -eq 3 ]; then skip "no kernel: $(tail -n1 <<<"$why")"; fi
if [ "$rc" -ne 0 ]; then
	echo "FAIL vm: tests/vm/build-kernel.sh failed (exit $rc)"
	printf '%s\n' "$why" | sed 's/^/    | /'
	exit 1
fi

mkdir -p "$VM_WORK"
initrd=$VM_WORK/initramfs.cpio.gz
console=$VM_WORK/console.log
if ! bash "$here/build-initramfs.sh" "$initrd" >/dev/null; then
	echo "FAIL vm: tests/vm/build-initramfs.sh failed"
	exit 1
fi

# qemu_args ACCEL CPU: the machine, kernel and initramfs (no -append).
qemu_args() {
	printf '%s\n' -accel "$1" -cpu "$2" -m "$VM_MEM" -smp "$VM_SMP" \
		-nodefaults -no-user-config -display none -monitor none -serial stdio -no-reboot \
		-kernel "$VM_KERNEL_DIR/vmlinuz" -initrd "$initrd"
}

# kvm_works: a probe boot under KVM reaches the guest's init and prints
# VM-PROBE-OK in time. Kept per host boot, -cpu, kernel and qemu. Sets why.
kvm_works() {
	local cache=$VM_WORK/kvm-probe key out rc=0 args
	[ -w /dev/kvm ] || {
		why="no writable /dev/kvm"
		return 1
	}
	key="$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) ${VM_CPU:-host} $(cat "$VM_KERNEL_DIR/version") $("$QEMU" --version | head -n1)"
	if [ -f "$cache" ] && [ "$(head -n1 "$cache")" = "$key" ]; then
		why=$(sed -n 3p "$cache")
		[ "$(sed -n 2p "$cache")" = yes ]
		return
	fi
	mapfile -t args < <(qemu_args kvm "${VM_CPU:-host}")
	out=$(timeout -k 2 "$VM_KVM_PROBE_TIMEOUT" "$QEMU" "${args[@]}" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3 nook.probe=1" </dev/null 2>&1) || rc=$?
	if grep -q '^VM-PROBE-OK' <<<"${out//$'\r'/}"; then
		printf '%s\nyes\n%s\n' "$key" "the probe boot reached init" >"$cache"
		return 0
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="a probe boot under KVM printed no marker in ${VM_KVM_PROBE_TIMEOUT}s"
	else
		why="a probe boot under KVM failed (qemu exit $rc)"
	fi
	why="$why; its last line: $(tr -d '\r' <<<"$out" | grep -v 'terminating on signal' | grep . | tail -n1 | cut -c1-160)"
	printf '%s\nno\n%s\n' "$key" "$why" >"$cache"
	return 1
}

why=""
case $VM_ACCEL in
kvm) accel=kvm ;;
tcg) accel=tcg ;;
auto)
	accel=tcg
	if kvm_works; then accel=kvm; elif [ -e /dev/kvm ]; then echo "vm: not using KVM: $why"; fi
	;;
*)
	echo "FAIL vm: VM_ACCEL must be auto, kvm or tcg, not '$VM_ACCEL'"
	exit 1
	;;
esac
if [ "$accel" = kvm ]; then cpu=${VM_CPU:-host}; else cpu=${VM_CPU:-qemu64}; fi
watchdog=$((VM_TIMEOUT > 30 ? VM_TIMEOUT - 15 : VM_TIMEOUT))
IFS=, eval 'joined="${tests[*]}"'
# kernel messages on the console (not quiet): a boot that hangs shows where
cmdline="console=ttyS0 panic=-1 loglevel=5 nook.watchdog=$watchdog nook.verbose=${HARNESS_VERBOSE:-0}"
[ -z "$joined" ] || cmdline="$cmdline nook.tests=$joined"
echo "vm: booting $(cat "$VM_KERNEL_DIR/version") ($accel, -cpu $cpu, ${VM_MEM} MiB, $VM_SMP cpus): ${joined:-all integration tests}"

fifo_dir=$(mktemp -d /tmp/nook-vm-console.XXXXXX)
qpid=""
end_vm() {
	if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null || true; fi
	rm -rf "$fifo_dir"
}
trap end_vm EXIT
trap 'exit 1' INT TERM HUP PIPE
mkfifo "$fifo_dir/console"
mapfile -t args < <(qemu_args "$accel" "$cpu")
start=$(date +%s)
timeout -k 10 "$VM_TIMEOUT" "$QEMU" "${args[@]}" -append "$cmdline" </dev/null >"$fifo_dir/console" 2>&1 &
qpid=$!
exec 3<"$fifo_dir/console"
passed=0 failed=0 skipped=0 guest_summary="" guest_rc="" qrc=0 silent=""
: >"$console"
# one console line: log it, relay and count the guest's lines
relay() {
	local line=${1%$'\r'} rest now
	printf -v now '%(%s)T' -1
	printf '%4ss %s\n' "$((now - start))" "$line" >>"$console"
	case $line in
	"VM| PASS "* | "VM| FAIL "* | "VM| SKIP "*)
		rest=${line#VM| }
		echo "${rest%% *} vm:${rest#* }"
		case $rest in
		PASS*) passed=$((passed + 1)) ;;
		FAIL*) failed=$((failed + 1)) ;;
		SKIP*) skipped=$((skipped + 1)) ;;
		esac
		;;
	"VM| "*" passed, "*" failed"*) guest_summary=${line#VM| } ;;
	"VM| "*) printf '%s\n' "${line#VM| }" ;;
	"VM-INFO "*) echo "vm: ${line#VM-INFO }" ;;
	"VM-EXIT "*) guest_rc=${line#VM-EXIT } ;;
	esac
}
while :; do
	line="" rrc=0
	IFS= read -r -t "$VM_SILENCE" line <&3 || rrc=$?
	if [ "$rrc" -eq 0 ]; then
		relay "$line"
		continue
	fi
	[ -z "$line" ] || relay "$line" # the last line, or a partial one
	if [ "$rrc" -gt 128 ]; then
		# silent for VM_SILENCE seconds: end it now (timeout passes the
		# TERM on to qemu)
		silent=1
		kill "$qpid" 2>/dev/null || true
	fi
	break
done
exec 3<&-
wait "$qpid" || qrc=$?
qpid=""
secs=$(($(date +%s) - start))

problem=""
if [ -n "$silent" ]; then
	problem="the VM printed nothing for ${VM_SILENCE}s (VM_SILENCE): ended after ${secs}s"
elif [ -z "$guest_rc" ]; then
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		problem="the VM timed out after ${VM_TIMEOUT}s (VM_TIMEOUT)"
	else
		problem="the VM ended without reporting (qemu exit ${qrc}; crash or watchdog?)"
	fi
elif [ -z "$guest_summary" ]; then
	problem="the guest's run-all.sh ended without a summary (exit $guest_rc)"
else
	expect="$passed passed, $failed failed"
	[ "$skipped" -eq 0 ] || expect="$expect, $skipped skipped"
	if [ "$guest_summary" != "$expect" ]; then
		problem="the guest counted '$guest_summary', the host read '$expect' (lost console lines?)"
	elif [ "$guest_rc" != 0 ] && [ "$failed" -eq 0 ]; then
		problem="the guest's run-all.sh exited $guest_rc without a failed test"
	fi
fi
if [ -n "$problem" ]; then
	echo "FAIL vm: $problem"
	echo "    | last console lines ($console):"
	tail -n 30 "$console" | sed 's/^/    | /'
	failed=$((failed + 1))
fi
echo "vm: done in ${secs}s ($passed pass, $failed fail, $skipped skip)"
[ "$failed" -eq 0 ]
