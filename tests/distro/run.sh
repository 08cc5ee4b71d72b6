#!/bin/bash
# The distro stage: boot a stock Debian 12 (systemd as PID 1, pure cgroup
# v2, AppArmor on, podman, conmon, containerd; tests/distro/build-image.sh)
# under qemu (TCG) and run the guest tests of tests/distro/guest/ inside,
# with the runtime under test as podman's and containerd's runtime. The
# guest files test_selinux*.sh run in a second boot of the same image with
# SELinux (permissive) as the LSM instead of AppArmor (one major LSM a boot
# on Debian 12's kernel); a boot with no test to run is left out.
#   tests/distro/run.sh [TEST...]   (test_podman.sh, test_podman, or
#                                    test_podman.sh::test_name; default all)
# Prints one line per guest test, "PASS distro:test_x.sh::name (N ms)"
# (FAIL, SKIP alike), a failing test's output, "distro: ..." notes, and ends
# with "distro: done in Ns (N pass, N fail, N skip)". The console is kept in
# $DISTRO_CONSOLE, each line after the seconds since qemu started.
# Exit status: 0 all passed; 1 a test failed, or the VM failed, hung or
# timed out; 3 skipped: qemu, mmdebstrap or Debian's archive cannot be had
# (the reason on a "SKIP distro: ..." line).
#
# Environment:
#   NOOK            the binary to test (default build/nook)
#   DISTRO_RUNTIME  nook (default: $NOOK) or runc (Debian's runc 1.1.5 in
#                   the image, to check the tests themselves)
#   DISTRO_LSM      apparmor or selinux: run all the chosen tests in one boot
#                   with that LSM (default: test_selinux*.sh under SELinux,
#                   the others under AppArmor)
#   VM_TIMEOUT      seconds for the whole VM (default 900)
#   VM_SILENCE      seconds the console may stay silent (default 120; the
#                   guest prints a tick every 20 s while a test runs)
#   DISTRO_TEST_TIMEOUT  seconds per guest test (default 300)
#   VM_MEM, VM_SMP  memory (MiB, default 2048) and cpus (default 2)
#   VM_CPU          qemu's -cpu (default qemu64: under TCG it boots faster than max)
#   DISTRO_WORK     cache and scratch dir (default tests/.work/distro)
#   DISTRO_CONSOLE  where the console goes (default $DISTRO_WORK/console.log;
#                   give each of two runs at once its own)
#   HARNESS_VERBOSE=1  print every guest test's output
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_SILENCE=${VM_SILENCE:-120}
VM_MEM=${VM_MEM:-2048}
VM_SMP=${VM_SMP:-2}
VM_CPU=${VM_CPU:-qemu64}
DISTRO_WORK=${DISTRO_WORK:-$repo/tests/.work/distro}
DISTRO_RUNTIME=${DISTRO_RUNTIME:-nook}
DISTRO_LSM=${DISTRO_LSM:-}
NOOK=${NOOK:-$repo/build/nook}
QEMU=${QEMU:-qemu-system-x86_64}

skip() {
	echo "SKIP distro: $*"
	exit 3
}

tests=()
for t in "$@"; do
	case $t in
	*[,[:space:]\'\"]*)
		echo "FAIL distro: a test argument may not hold a comma, space or quote: '$t'"
		exit 1
		;;
	esac
	f=${t%%::*}
	f=$(basename "${f%.sh}").sh
	[ "$t" = "${t#*::}" ] || f="$f::${t#*::}"
	tests+=("$f")
done

case $DISTRO_LSM in
'' | apparmor | selinux) ;;
*)
	echo "FAIL distro: DISTRO_LSM must be apparmor or selinux, not '$DISTRO_LSM'"
	exit 1
	;;
esac
# the tests of each boot: test_selinux*.sh under SELinux, the rest under
# AppArmor (all of the guest files when no test is named)
if [ ${#tests[@]} -eq 0 ]; then
	for f in "$here"/guest/test_*.sh; do tests+=("$(basename "$f")"); done
fi
aa_tests=() se_tests=()
for t in "${tests[@]}"; do
	case ${DISTRO_LSM:-auto}:$t in
	selinux:* | auto:test_selinux*) se_tests+=("$t") ;;
	*) aa_tests+=("$t") ;;
	esac
done

command -v "$QEMU" >/dev/null 2>&1 || skip "$QEMU is not installed (apt-get install qemu-system-x86)"
if [ "$DISTRO_RUNTIME" = nook ] && [ ! -x "$NOOK" ]; then
	echo "FAIL distro: no nook binary at $NOOK (make, or set NOOK)"
	exit 1
fi

mkdir -p "$DISTRO_WORK"
rc=0
t0=$(date +%s)
image=$(bash "$here/build-image.sh" "$DISTRO_WORK" 2>"$DISTRO_WORK/build-image.log") || rc=$?
built=$(($(date +%s) - t0))
if [ "$rc" -eq 3 ]; then skip "no image: $(tail -n1 "$DISTRO_WORK/build-image.log")"; fi
if [ "$rc" -ne 0 ]; then
	echo "FAIL distro: tests/distro/build-image.sh failed (exit $rc)"
	sed 's/^/    | /' "$DISTRO_WORK/build-image.log"
	exit 1
fi
if grep -q 'image built' "$DISTRO_WORK/build-image.log"; then
	echo "distro: image built in ${built}s"
fi
rm -f "$DISTRO_WORK/build-image.log"

scratch=$(mktemp -d "$DISTRO_WORK/run.XXXXXX")
fifo_dir=$(mktemp -d /tmp/nook-distro-console.XXXXXX)
qpid=""
end_vm() {
	if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null || true; fi
	rm -rf "$fifo_dir" "$scratch"
}
trap end_vm EXIT
trap 'exit 1' INT TERM HUP PIPE
console=${DISTRO_CONSOLE:-$DISTRO_WORK/console.log}
: >"$console"
passed=0 failed=0 skipped=0
run_start=$(date +%s)

# boot LSM TEST...: one boot of the image with LSM (apparmor or selinux)
# running TEST...; adds to passed, failed and skipped
boot() {
	local lsm=$1
	shift
	local tests=("$@")
	# the test disk: the guest tests, the binary and the run's config
	rm -rf "$scratch/disk" "$scratch/tests.ext4" "$fifo_dir/console"
	mkdir -p "$scratch/disk"
	cp -r "$here/guest" "$scratch/disk/guest"
	if [ "$DISTRO_RUNTIME" = nook ]; then cp "$NOOK" "$scratch/disk/nook"; fi
	{
		echo "DISTRO_RUNTIME=$DISTRO_RUNTIME"
		echo "DISTRO_TESTS='${tests[*]}'"
		echo "DISTRO_TEST_TIMEOUT=${DISTRO_TEST_TIMEOUT:-300}"
		echo "DISTRO_VERBOSE=${HARNESS_VERBOSE:-0}"
	} >"$scratch/disk/config"
	mb=$(($(du -sm "$scratch/disk" | cut -f1) + 16))
	truncate -s "${mb}M" "$scratch/tests.ext4"
	mke2fs -q -t ext4 -d "$scratch/disk" "$scratch/tests.ext4"

	local cmdline="root=/dev/vda rw console=ttyS0 apparmor=1 security=apparmor panic=-1 loglevel=4 systemd.show_status=0"
	if [ "$lsm" = selinux ]; then
		# permissive by the image's /etc/selinux/config
		cmdline="root=/dev/vda rw console=ttyS0 selinux=1 security=selinux panic=-1 loglevel=4 systemd.show_status=0"
	fi
	echo "distro: booting Debian 12 $(cat "$image/version") with $lsm (tcg, -cpu $VM_CPU, ${VM_MEM} MiB, $VM_SMP cpus), runtime $DISTRO_RUNTIME: ${tests[*]}"
	echo "---- boot with $lsm" >>"$console"
	mkfifo "$fifo_dir/console"
	start=$(date +%s)
	# the root disk is the cached image, never written (snapshot=on: the
	# guest's writes go to a temporary file qemu drops at exit)
	timeout -k 10 "$VM_TIMEOUT" "$QEMU" -accel tcg,thread=multi -cpu "$VM_CPU" -m "$VM_MEM" -smp "$VM_SMP" \
		-nodefaults -no-user-config -display none -monitor none -serial stdio -no-reboot \
		-kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$cmdline" \
		-drive "file=$image/rootfs.ext4,format=raw,if=virtio,snapshot=on" \
		-drive "file=$scratch/tests.ext4,format=raw,if=virtio,readonly=on" \
		</dev/null >"$fifo_dir/console" 2>&1 &
	qpid=$!
	exec 3<"$fifo_dir/console"
	local n_pass=$passed n_fail=$failed n_skip=$skipped
	local guest_summary="" guest_rc="" qrc=0 silent="" booted="" line rrc secs problem expect
	relay() {
		local line=${1%$'\r'} rest now
		printf -v now '%(%s)T' -1
		printf '%4ss %s\n' "$((now - start))" "$line" >>"$console"
		case $line in
		"DISTRO| PASS "* | "DISTRO| FAIL "* | "DISTRO| SKIP "*)
			rest=${line#DISTRO| }
			echo "${rest%% *} distro:${rest#* }"
			case $rest in
			PASS*) passed=$((passed + 1)) ;;
			FAIL*) failed=$((failed + 1)) ;;
			SKIP*) skipped=$((skipped + 1)) ;;
			esac
			;;
		"DISTRO| "*" passed, "*" failed"*) guest_summary=${line#DISTRO| } ;;
		"DISTRO| "*) printf '    %s\n' "${line#DISTRO| }" ;;
		"DISTRO-INFO booted"*)
			booted=$((now - start))
			echo "distro: ${line#DISTRO-INFO } (${booted}s after qemu started)"
			;;
		"DISTRO-INFO "*) echo "distro: ${line#DISTRO-INFO }" ;;
		"DISTRO-EXIT "*) guest_rc=${line#DISTRO-EXIT } ;;
		esac
	}
	while :; do
		line="" rrc=0
		IFS= read -r -t "$VM_SILENCE" line <&3 || rrc=$?
		if [ "$rrc" -eq 0 ]; then
			relay "$line"
			continue
		fi
		[ -z "$line" ] || relay "$line"
		if [ "$rrc" -gt 128 ]; then
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
		elif [ -z "$booted" ]; then
			problem="the VM ended before nook-tests.service ran (qemu exit $qrc)"
		else
			problem="the VM ended without reporting (qemu exit $qrc)"
		fi
	elif [ -z "$guest_summary" ]; then
		problem="the guest's run-guest.sh ended without a summary (exit ${guest_rc})"
	else
		expect="$((passed - n_pass)) passed, $((failed - n_fail)) failed, $((skipped - n_skip)) skipped"
		if [ "$guest_summary" != "$expect" ]; then
			problem="the guest counted '$guest_summary', the host read '$expect' (lost console lines?)"
		elif [ "$guest_rc" != 0 ] && [ "$failed" -eq "$n_fail" ]; then
			problem="the guest's run-guest.sh exited $guest_rc without a failed test"
		fi
	fi
	if [ -n "$problem" ]; then
		echo "FAIL distro: $problem"
		echo "    | last console lines ($console):"
		grep -v DISTRO-TICK "$console" | tail -n 30 | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
	echo "distro: the $lsm boot ran ${secs}s"
}

if [ ${#aa_tests[@]} -gt 0 ]; then boot apparmor "${aa_tests[@]}"; fi
if [ ${#se_tests[@]} -gt 0 ]; then boot selinux "${se_tests[@]}"; fi
echo "distro: done in $(($(date +%s) - run_start))s ($passed pass, $failed fail, $skipped skip)"
[ "$failed" -eq 0 ]
