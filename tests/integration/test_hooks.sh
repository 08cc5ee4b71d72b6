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

test_hook_poststart_fails() {
	cfg '.hooks.poststart = [{path: "/bin/false", args: ["false"]}]'
	set_args sh -c "$LONG_RUNNING"
	create_ctr
	assert_ok
	nk start "$ID"
	assert_failed
	assert_contains "$ERR" "poststart"
	wait_status stopped
	nk delete "$ID"
	assert_ok
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

harness_main "$@"
