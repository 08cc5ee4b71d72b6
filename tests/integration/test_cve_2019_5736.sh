#!/bin/bash
# CVE-2019-5736: a container overwriting the runtime's binary on the host.
#
# The attack, for real, against a COPY of the runtime ($T/nook; $NOOK itself
# is only used to clean up): the image's /bin/evil is the script
# "#!/proc/self/exe", and its ELF interpreter (the path in the runtime's
# PT_INTERP) is tests/lib/cve_2019_5736_interp.c. When the runtime execs
# /bin/evil in the container, the kernel runs /proc/self/exe of the init or
# of the exec helper, loading the attacker as its interpreter: it holds
# /proc/self/exe on an O_PATH fd, execs itself again, and reopens that fd
# for writing once the runtime has exited. The runtime must only ever expose
# a sealed copy of itself (a sealed memfd, or a file on a private read-only
# overlay): the attempt fails and the copy's bytes stay what they were.
# The container has Docker's default capabilities (CAP_DAC_OVERRIDE among
# them), so that only the seal stops the write, not the file's mode.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

# which sealed copy nook made is read from its --debug log
nook_specific test_exec_through_overlay test_exec_through_memfd

ATTACK_LOG=cve-2019-5736.log
DOCKER_CAPS=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_NET_RAW
	CAP_SETGID CAP_SETUID CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT
	CAP_KILL CAP_AUDIT_WRITE)

# setup_attack DIR: the evil image in $ROOTFS; VICTIM, the runtime copy in
# DIR; SUM, its sha256.
setup_attack() {
	local bin interp
	[ "$(uname -m)" = x86_64 ] || skip "the attacker is x86_64 code"
	command -v cc >/dev/null || skip "no C compiler for the attacker"
	bin=$(command -v "$NOOK") || fail "NOOK=$NOOK is not a command"
	interp=$(LC_ALL=C readelf -l "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	[ -n "$interp" ] || skip "$bin is static: the ELF-interpreter variant does not apply"
	mkdir -p "$ROOTFS$(dirname "$interp")"
	cc -static -no-pie -nostdlib -ffreestanding -fno-stack-protector -O2 \
		-o "$ROOTFS$interp" "$HARNESS_REPO/tests/lib/cve_2019_5736_interp.c"
	printf '#!/proc/self/exe\n' >"$ROOTFS/bin/evil"
	chmod 0755 "$ROOTFS/bin/evil"
	# the attack checks its own stage 2 path: keep it in step with the interpreter
	[ "$interp" = /lib64/ld-linux-x86-64.so.2 ] || skip "PT_INTERP is $interp"

	set_caps "${DOCKER_CAPS[@]}"
	mkdir -p "$1"
	VICTIM=$1/nook
	cp "$bin" "$VICTIM"
	SUM=$(sha256sum <"$VICTIM")
	# the intact runtime cleans up, whatever became of the copy
	on_exit 'timeout -k 5 20 "$NOOK" --root "$STATE" delete --force "$ID" </dev/null >/dev/null 2>&1 || true'
}

# victim ARGS...: the runtime copy, stdio away from the test's; sets RC.
victim() {
	RC=0
	timeout -k 5 "$HARNESS_TIMEOUT" "$VICTIM" --root "$STATE" --debug --log "$T/victim.log" "$@" \
		</dev/null >"$T/victim.out" 2>"$T/victim.err" || RC=$?
	echo "victim $*: exit $RC; stderr: $(cat "$T/victim.err")" >&2
}

# check_attack_failed: the attacker ran to its end, got the runtime's binary
# (stage 1), and could not write into it (stage 2); the copy is unchanged.
check_attack_failed() {
	local i log=""
	for ((i = 0; i < 600; i++)); do # the attacker gives up after ~20 s
		log=$(cat "$ROOTFS/$ATTACK_LOG" 2>/dev/null) || true
		[[ $log == *done* ]] && break
		sleep 0.05
	done
	echo "attack log: $log" >&2
	assert_contains "$log" "done" "attack log (did the attacker run?)"
	assert_match "$log" 'stage1 path=3' "attack log (the runtime's /proc/self/exe opened)"
	assert_match "$log" 'stage2 open=' "attack log (the write attempt)"
	assert_no_match "$log" 'write=[0-9]' "attack log (a write into the runtime succeeded)"
	assert_eq "$SUM" "$(sha256sum <"$VICTIM")" "sha256 of the runtime binary"
	# refused by the seal: EROFS (overlay) on open, or EPERM (sealed memfd) on write;
	# not ETXTBSY (-26): that would only say the runtime was still running
	assert_match "$log" 'stage2 (open=-30|open=[0-9]+ write=-1)'$'\n' "attack log (refused by the seal)"
}

# sealed_with overlay|memfd: the copy nook re-executed from (its --debug log).
sealed_with() {
	local log
	log=$(cat "$T/victim.log")
	assert_contains "$log" "re-executing from a sealed copy ($1)" "victim's debug log"
}

# attack_exec: run a container, then exec the image's evil script in it.
attack_exec() {
	cfg '.process.args = ["sleep", "600"]'
	victim run --detach --bundle "$BUNDLE" "$ID"
	assert_ok
	# what a user does: exec a program of the image, here the evil script
	victim exec --detach "$ID" /bin/evil
	assert_ok
	check_attack_failed
}

test_exec_cannot_overwrite_runtime() {
	setup_attack "$T/bin"
	attack_exec
}

test_run_cannot_overwrite_runtime() {
	setup_attack "$T/bin"
	cfg '.process.args = ["/bin/evil"]'
	victim run --detach --bundle "$BUNDLE" "$ID"
	assert_ok
	check_attack_failed
}

# The binary's directory and the state root ($T/state) are apart: the
# read-only overlayfs.
test_exec_through_overlay() {
	setup_attack "$T/bin"
	attack_exec
	sealed_with overlay
}

# The state root is inside the binary's directory: overlayfs refuses
# overlapping layers, so the fallback, a sealed memfd.
test_exec_through_memfd() {
	setup_attack "$T"
	attack_exec
	sealed_with memfd
}

harness_main "$@"
