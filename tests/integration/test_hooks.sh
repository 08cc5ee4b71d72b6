#!/bin/bash
# Hooks: the six of runtime-spec 1.3 at their points, with the state on stdin,
# their env and args, where they run; failures and timeouts.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

# $T/hk is the container's /hk too; $T/hk/hook.sh appends one line to the
# log given as its second argument: NAME STATUS HOSTNAME FOO ARGS PWD-ROOT
setup_hooks() {
	mkdir -p "$T/hk"
	cat >"$T/hk/hook.sh" <<'EOF'
#!/bin/sh
st=$(tr -d '\n' | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')
root=host
[ -e /hk-in-rootfs ] && root=container
echo "$1 $st $(hostname) $FOO args=$* $root" >>"$2"
EOF
	chmod +x "$T/hk/hook.sh"
	touch "$ROOTFS/hk-in-rootfs"
	add_mount "$(jq -cn --arg s "$T/hk" '{destination: "/hk", type: "bind", source: $s, options: ["bind", "rw"]}')"
	cfg '.hostname = "ctr-host"'
}

# hook JSON for NAME: logs to LOG (host or container path)
hook() { # NAME PATH LOG
	jq -cn --arg n "$1" --arg p "$2" --arg l "$3" \
		'{path: $p, args: ["hook.sh", $n, $l], env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FOO=hook-env"]}'
}

test_hooks_all_six_in_order() {
	setup_hooks
	local H=$T/hk/hook.sh L=$T/hk/log
	cfg '.hooks = {prestart: [$a], createRuntime: [$b], createContainer: [$c],
		startContainer: [$d], poststart: [$e], poststop: [$f]}' \
		--argjson a "$(hook prestart "$H" "$L")" --argjson b "$(hook createRuntime "$H" "$L")" \
		--argjson c "$(hook createContainer "$H" "$L")" --argjson d "$(hook startContainer /hk/hook.sh /hk/log)" \
		--argjson e "$(hook poststart "$H" "$L")" --argjson f "$(hook poststop "$H" "$L")"
	set_args sh -c "$LONG_RUNNING"
	create_ctr
	assert_ok
	local h
	h=$(hostname)
	assert_eq "prestart creating $h hook-env args=prestart $L host
createRuntime creating $h hook-env args=createRuntime $L host
createContainer creating ctr-host hook-env args=createContainer $L host" "$(cat "$L")" "hooks after create"
	nk start "$ID"
	assert_ok
	assert_eq "startContainer created ctr-host hook-env args=startContainer /hk/log container
poststart running $h hook-env args=poststart $L host" "$(tail -n +4 "$L")" "hooks after start"
	nk kill "$ID" KILL
	wait_status stopped
	nk delete "$ID"
	assert_ok
	assert_eq "poststop stopped $h hook-env args=poststop $L host" "$(tail -n +6 "$L")" "hook of delete"
	assert_eq 6 "$(wc -l <"$L")" "hook lines"
}

test_hooks_run_foreground() {
	setup_hooks
	local H=$T/hk/hook.sh L=$T/hk/log
	cfg '.hooks = {prestart: [$a], poststart: [$e], poststop: [$f]}' \
		--argjson a "$(hook prestart "$H" "$L")" --argjson e "$(hook poststart "$H" "$L")" \
		--argjson f "$(hook poststop "$H" "$L")"
	set_args sh -c 'echo ran >/hk/ran'
	run_ctr
	assert_ok
	assert_eq "prestart poststart poststop" "$(awk '{print $1}' "$L" | tr '\n' ' ' | sed 's/ $//')" "hooks of run"
}

test_hook_create_runtime_fails() {
	cfg '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo hook-said-no >&2; exit 3"]}]'
	set_args sh -c 'echo ran >/tmp/ran'
	create_ctr
	assert_failed
	assert_contains "$ERR" "createRuntime"
	[ -z "$(ls -A "$STATE")" ] || fail "state left: $(ls -A "$STATE")"
	[ ! -e "$ROOTFS/tmp/ran" ] || fail "the process ran"
	nk state "$ID"
	assert_exit 1
}

test_hook_timeout() {
	cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "5"], timeout: 1}]'
	local t0 t1
	t0=$(date +%s%N)
	create_ctr
	t1=$(date +%s%N)
	assert_failed
	local ms=$(((t1 - t0) / 1000000))
	[ "$ms" -lt 2500 ] || fail "create with a hook timing out after 1 s took $ms ms"
	[ "$ms" -ge 900 ] || fail "create ended after $ms ms, before the hook's timeout"
	[ -z "$(ls -A "$STATE")" ] || fail "state left: $(ls -A "$STATE")"
	return 0
}

# runtime.md lifecycle 9: a failing poststart hook is an error, the
# container is stopped and the lifecycle goes on at step 12 (destroy) and
# 13 (poststop hooks). crun deletes it so; runc only kills it.
runc_gap test_hook_poststart_fails "runc 1.1 kills the container but does not delete it"
test_hook_poststart_fails() {
	setup_hooks
	cfg '.hooks.poststart = [{path: "/bin/false", args: ["false"]}]
	   | .hooks.poststop = [$p]' --argjson p "$(hook poststop "$T/hk/hook.sh" "$T/hk/log")"
	set_args sh -c "$LONG_RUNNING"
	create_ctr
	assert_ok
	local pid
	pid=$(init_pid)
	nk start "$ID"
	assert_failed
	assert_contains "$ERR" "poststart"
	wait_gone "$pid"
	nk state "$ID"
	assert_exit 1
	[ ! -e "$STATE/$ID" ] || fail "state dir left after the failed poststart"
	assert_eq "poststop" "$(awk '{print $1}' "$T/hk/log")" "hooks run after the failed poststart"
}

test_hook_poststart_fails_in_run() {
	cfg '.hooks.poststart = [{path: "/bin/false", args: ["false"]}]'
	set_args sh -c "$LONG_RUNNING"
	run_ctr
	assert_failed
	assert_contains "$ERR" "poststart"
	[ -z "$(ls -A "$STATE")" ] || fail "state left: $(ls -A "$STATE")"
}

test_hook_poststop_fails_is_warning() {
	cfg '.hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", "exit 5"]}]'
	set_args true
	run_ctr --keep
	on_exit 'force_delete "$ID"'
	assert_ok
	nk delete "$ID"
	assert_ok
	assert_contains "$ERR" "poststop"
	[ ! -e "$STATE/$ID" ] || fail "state dir left"
}

# runtime.md lifecycle 13: "the remaining hooks and lifecycle continue as if
# the hook had succeeded".
test_hook_poststop_failure_does_not_stop_the_rest() {
	mkdir -p "$T/hk"
	cfg '.hooks.poststop = [
		{path: "/bin/sh", args: ["sh", "-c", "exit 5"]},
		{path: "/bin/sh", args: ["sh", "-c", "echo second >>\($l)"]},
		{path: "/nonexistent/hook"},
		{path: "/bin/sh", args: ["sh", "-c", "echo fourth >>\($l)"]}]' --arg l "$T/hk/log"
	set_args true
	run_ctr
	assert_ok
	assert_eq $'second\nfourth' "$(cat "$T/hk/log")" "poststop hooks after the failing ones"
	assert_contains "$ERR" "poststop[0]"
	assert_contains "$ERR" "poststop[2]"
}

# runc and crun: a hook without env gets the runtime's environment; the
# init's startContainer hooks get the process's (with HOME, as runc).
test_hook_without_env_gets_runtime_env() {
	setup_hooks
	printf '#!/bin/sh\necho "$1 ${NOOK_HOOK_TEST:-unset} ${FOO:-unset} ${HOME:-unset}" >>"$2"\n' >"$T/hk/env.sh"
	chmod +x "$T/hk/env.sh"
	cfg '.process.env += ["FOO=from-process"]'
	cfg '.hooks = {prestart: [{path: $h, args: ["env.sh", "prestart", $l]}],
		createContainer: [{path: $h, args: ["env.sh", "createContainer", $l]}],
		startContainer: [{path: "/hk/env.sh", args: ["env.sh", "startContainer", "/hk/log"]}],
		poststart: [{path: $h, args: ["env.sh", "poststart", $l], env: []}]}' \
		--arg h "$T/hk/env.sh" --arg l "$T/hk/log"
	set_args true
	NOOK_HOOK_TEST=from-runtime HOME=/runtime-home run_ctr
	assert_ok
	assert_eq "prestart from-runtime unset /runtime-home
createContainer from-runtime unset /runtime-home
startContainer unset from-process /root
poststart unset unset unset" "$(cat "$T/hk/log")" "hook environments"
}

# runc and crun load the seccomp filter before startContainer hooks run;
# nook loads it in each hook's child just before its execve.
test_hook_start_container_under_seccomp() {
	setup_hooks
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	cfg '.hooks.startContainer = [{path: "/bin/sh",
		args: ["sh", "-c", "mkdir /hk/made 2>/dev/null; echo \"mkdir=$? $(grep Seccomp: /proc/self/status)\" >/hk/log"]}]'
	set_args true
	run_ctr
	assert_ok
	assert_eq "mkdir=1 Seccomp:	2" "$(cat "$T/hk/log")" "startContainer hook under the filter"
	[ ! -e "$T/hk/made" ] || fail "mkdir in the startContainer hook worked despite the filter"
}

harness_main "$@"
