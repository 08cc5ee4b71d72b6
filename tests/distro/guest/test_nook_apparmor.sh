# nook applying process.apparmorProfile itself, without podman (issue 11
# point 2; config.md "apparmorProfile"; docs/design.md "AppArmor and
# SELinux"): the container's process and `exec` run confined by the profile
# (/proc/self/attr/current shows it, its deny rule holds, the same write
# succeeds without it), exec --apparmor picks another, and a profile that is
# not loaded is one clear error with nothing left behind. Sourced by
# run-guest.sh after lib.sh (RT, make_bundle, run_ok, assert_*).

AA_PROFILE=nook-guest-deny-write

# A profile that allows everything but writing /tmp/denied. The bundle's
# root is read-only; /tmp is a tmpfs.
aa_load() {
	cat >/tmp/$AA_PROFILE.profile <<PROF
#include <tunables/global>
profile $AA_PROFILE flags=(attach_disconnected,mediate_deleted) {
  #include <abstractions/base>
  file,
  capability,
  network,
  mount,
  umount,
  pivot_root,
  signal,
  ptrace,
  unix,
  deny /tmp/denied w,
}
PROF
	apparmor_parser -r /tmp/$AA_PROFILE.profile
}

# aa_bundle DIR PROFILE ARGS_JSON: make_bundle, with process.apparmorProfile
# set to PROFILE unless it is empty
aa_bundle() {
	make_bundle "$1" "$3"
	if [ -n "$2" ]; then
		sed -i "s/\"process\": {/\"process\": {\"apparmorProfile\": \"$2\",/" "$1/config.json"
		grep -q "\"apparmorProfile\": \"$2\"" "$1/config.json" || fail "bundle without the profile"
	fi
}

# what the container prints: its label, then whether each write went through
AA_PROBE='["sh", "-c", "cat /proc/self/attr/current; touch /tmp/allowed && echo allowed-ok; touch /tmp/denied && echo denied-WRITTEN; true"]'
AA_PROBE_SH='cat /proc/self/attr/current; touch /tmp/allowed && echo allowed-ok; touch /tmp/denied && echo denied-WRITTEN; true'

aa_need() {
	apparmor_on || skip "AppArmor is off in the guest kernel"
	command -v apparmor_parser >/dev/null || skip "no apparmor_parser in the image"
	run_ok aa_load
}

test_run_confined_by_profile() {
	aa_need
	local d out
	d=$(mktemp -d)
	aa_bundle "$d/on" "$AA_PROFILE" "$AA_PROBE"
	out=$("$RT" run --bundle "$d/on" nook-aa-on 2>&1) || fail "run with the profile: $out"
	echo "$out"
	assert_eq "label with the profile" "$AA_PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	grep -qx allowed-ok <<<"$out" || fail "a write the profile allows failed"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded"; fi
	# the same container without the profile: unconfined, the write succeeds
	aa_bundle "$d/off" "" "$AA_PROBE"
	out=$("$RT" run --bundle "$d/off" nook-aa-off 2>&1) || fail "run without a profile: $out"
	echo "$out"
	assert_eq "label without a profile" "unconfined" "$(sed -n 1p <<<"$out")"
	grep -qx denied-WRITTEN <<<"$out" || fail "without the profile the write failed too"
	rm -rf "$d"
}

test_unknown_profile_is_a_clear_error() {
	aa_need
	local d out rc=0
	d=$(mktemp -d)
	aa_bundle "$d/b" nook-no-such-profile '["sh", "-c", "echo RAN"]'
	out=$("$RT" run --bundle "$d/b" nook-aa-unknown 2>&1) || rc=$?
	echo "exit $rc: $out"
	[ "$rc" -ne 0 ] || fail "a profile that is not loaded ran"
	if grep -q RAN <<<"$out"; then fail "the process ran"; fi
	assert_eq "error lines" 1 "$(grep -c . <<<"$out")"
	assert_match "the error" 'process\.apparmorProfile.*"nook-no-such-profile".*loaded' "$out"
	# nothing left behind: no state, no process, no cgroup
	if "$RT" state nook-aa-unknown >/dev/null 2>&1; then fail "state left behind"; fi
	if pgrep -f "echo RAN" >/dev/null; then fail "a process left behind"; fi
	if find /sys/fs/cgroup -name '*nook-aa-unknown*' | grep -q .; then
		fail "a cgroup left behind: $(find /sys/fs/cgroup -name '*nook-aa-unknown*')"
	fi
	rm -rf "$d"
}

test_exec_profile() {
	aa_need
	local d out id=nook-aa-exec
	d=$(mktemp -d)
	# a container without a profile: exec --apparmor confines the process
	aa_bundle "$d/b" "" '["sleep", "600"]'
	run_ok "$RT" run -d --bundle "$d/b" "$id" </dev/null >/dev/null 2>&1
	out=$("$RT" exec --apparmor "$AA_PROFILE" "$id" sh -c "$AA_PROBE_SH" 2>&1) || {
		"$RT" delete -f "$id"
		fail "exec --apparmor: $out"
	}
	echo "$out"
	assert_eq "exec --apparmor label" "$AA_PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "exec --apparmor: the denied write succeeded"; fi
	out=$("$RT" exec "$id" cat /proc/self/attr/current 2>&1)
	assert_eq "exec without the flag" "unconfined" "$out"
	# a profile that is not loaded: a clear error, the container runs on
	local rc=0
	out=$("$RT" exec --apparmor nook-no-such-profile "$id" echo RAN 2>&1) || rc=$?
	echo "exit $rc: $out"
	assert_eq "exec with an unknown profile: exit" 255 "$rc"
	assert_match "the error" 'nook-no-such-profile' "$out"
	assert_eq "state after the failed exec" running "$("$RT" state "$id" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')"
	run_ok "$RT" delete -f "$id"
	# a container with the profile: exec gets it by default (runc's rule)
	aa_bundle "$d/c" "$AA_PROFILE" '["sleep", "600"]'
	run_ok "$RT" run -d --bundle "$d/c" "$id" </dev/null >/dev/null 2>&1
	out=$("$RT" exec "$id" sh -c "$AA_PROBE_SH" 2>&1) || true
	echo "$out"
	run_ok "$RT" delete -f "$id"
	assert_eq "exec's default label" "$AA_PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "exec: the denied write succeeded"; fi
	rm -rf "$d"
}

# In a user namespace too (crun's test_linux_features.py
# process-apparmor-profile-userns: a refactoring once skipped the profile
# there). nook opens the attribute before it joins any namespace.
test_run_confined_in_user_namespace() {
	aa_need
	local d out
	d=$(mktemp -d)
	aa_bundle "$d/u" "$AA_PROFILE" "$AA_PROBE"
	sed -i -e 's/"namespaces": \[/"namespaces": [{"type": "user"}, /' \
		-e 's/"linux": {/"linux": {"uidMappings": [{"containerID": 0, "hostID": 0, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 0, "size": 65536}],/' \
		"$d/u/config.json"
	grep -q '"type": "user"' "$d/u/config.json" || fail "bundle without a user namespace"
	out=$("$RT" run --bundle "$d/u" nook-aa-userns 2>&1) || fail "run in a user namespace: $out"
	echo "$out"
	assert_eq "label in a user namespace" "$AA_PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded"; fi
	rm -rf "$d"
}
