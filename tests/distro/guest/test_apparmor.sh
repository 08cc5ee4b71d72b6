# (d) AppArmor (issue 11 point 2; config.md "apparmorProfile"): the
# container runs confined by the profile podman asks for, its default
# containers-default-VERSION or one given with --security-opt apparmor=,
# and a profile's deny rule is enforced in the container and in exec. The
# last two tests need no systemd cgroup driver (a plain bundle; podman with
# --cgroup-manager cgroupfs), so they show AppArmor alone.

PROFILE=nook-test-deny-write

load_profile() {
	cat >/tmp/$PROFILE.profile <<PROF
#include <tunables/global>
profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
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
	apparmor_parser -r /tmp/$PROFILE.profile
}

test_podman_default_profile_applied() {
	apparmor_on || skip "AppArmor is off in the guest kernel"
	podman_image
	local out
	out=$(P run --rm --network none "$BB_IMAGE" cat /proc/self/attr/current)
	echo "$out"
	assert_match "the container's AppArmor label" '^containers-default-[0-9.]+ \(enforce\)$' "$out"
}

test_custom_profile_denies_write() {
	apparmor_on || skip "AppArmor is off in the guest kernel"
	podman_image
	run_ok load_profile
	local name=distro-aa out rc=0
	P rm -f "$name" >/dev/null 2>&1 || true
	out=$(P run --rm --network none --security-opt apparmor=$PROFILE "$BB_IMAGE" sh -c \
		'cat /proc/self/attr/current; touch /tmp/allowed && echo allowed-ok; touch /tmp/denied && echo denied-WRITTEN; true') || rc=$?
	echo "$out"
	[ "$rc" -eq 0 ] || fail "podman run exited $rc"
	assert_eq "label" "$PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	grep -qx allowed-ok <<<"$out" || fail "a write the profile allows failed"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded"; fi
	# exec gets the container's profile too
	run_ok P run -d --name "$name" --network none --security-opt apparmor=$PROFILE "$BB_IMAGE" sleep 600
	out=$(P exec "$name" sh -c 'cat /proc/self/attr/current; touch /tmp/denied && echo denied-WRITTEN; true')
	echo "$out"
	P rm -f -t 0 "$name" >/dev/null 2>&1 || true
	assert_eq "exec's label" "$PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded in exec"; fi
}

test_custom_profile_with_cgroupfs_manager() {
	apparmor_on || skip "AppArmor is off in the guest kernel"
	podman_image
	run_ok load_profile
	local out
	out=$(P --cgroup-manager cgroupfs run --rm --network none --security-opt apparmor=$PROFILE "$BB_IMAGE" sh -c \
		'cat /proc/self/attr/current; touch /tmp/allowed && echo allowed-ok; touch /tmp/denied && echo denied-WRITTEN; true')
	echo "$out"
	assert_eq "label" "$PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	grep -qx allowed-ok <<<"$out" || fail "a write the profile allows failed"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded"; fi
}

# process.apparmorProfile of a plain bundle, for the process and for exec
# (runc's exec takes the container's profile unless --apparmor is given)
test_bundle_apparmor_profile_run_and_exec() {
	apparmor_on || skip "AppArmor is off in the guest kernel"
	run_ok load_profile
	local b=/tmp/bundle-aa id=distro-aa-bundle out
	make_bundle "$b" '["sh", "-c", "cat /proc/self/attr/current; touch /tmp/allowed && echo allowed-ok; touch /tmp/denied && echo denied-WRITTEN; true"]'
	jq --arg p "$PROFILE" '.process.apparmorProfile = $p' "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
	out=$("$RT" run --bundle "$b" "$id")
	echo "$out"
	"$RT" delete -f "$id" 2>/dev/null || true
	assert_eq "label" "$PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	grep -qx allowed-ok <<<"$out" || fail "a write the profile allows failed"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded"; fi
	jq '.process.args = ["sleep", "600"]' "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
	run_ok "$RT" run -d --bundle "$b" "$id"
	out=$("$RT" exec "$id" sh -c 'cat /proc/self/attr/current; touch /tmp/denied && echo denied-WRITTEN; true')
	echo "$out"
	"$RT" delete -f "$id" || true
	rm -rf "$b"
	assert_eq "exec's label" "$PROFILE (enforce)" "$(sed -n 1p <<<"$out")"
	if grep -qx denied-WRITTEN <<<"$out"; then fail "the write the profile denies succeeded in exec"; fi
}
