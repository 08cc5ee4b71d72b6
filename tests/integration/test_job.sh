#!/bin/bash
# `nook job` (issue 14): a command in a throwaway container made from
# `nook spec`'s defaults, with an overlay root over --rootfs, limits, a
# wall-clock timeout, a usage report, a keeper that cleans up when nook job
# is SIGKILLed, and exit 125 for bad input with nothing made. The jobs are
# named $ID (or $ID-N) with --id, so that the harness's leftover checks see
# them; each test also checks that no state, scratch dir, cgroup or mount of
# a job is left.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"

nook_specific test_bad_input_exit_125_nothing_made

# job ARGS...: nook job in the foreground; sets RC, OUT, ERR. The outer
# timeout is not 124's source: a timed-out run also takes too long (checked).
job() {
	RC=0
	timeout -k 5 60 "$NOOK" --root "$STATE" job --id "$ID" "$@" </dev/null >"$T/stdout" 2>"$T/stderr" || RC=$?
	OUT=$(cat "$T/stdout")
	ERR=$(cat "$T/stderr")
	echo "job: exit $RC" >&2
	[ -z "$OUT" ] || printf 'job stdout: %s\n' "$OUT" >&2
	[ -z "$ERR" ] || printf 'job stderr: %s\n' "$ERR" >&2
}

# snapshot DIR: names, modes, sizes, times and contents of every file.
snapshot() {
	(cd "$1" && find . -printf '%p %m %s %T@ %l\n' | sort && find . -type f -exec cat {} + | md5sum)
}

# This test's job cgroups ($ID, $ID-N) under our own cgroup of every
# hierarchy (v2: beside it).
job_cgroups() {
	local base path
	for base in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$base" ] || continue
		while IFS=: read -r _ _ path; do
			for d in "${base%/}$path" "${base%/}${path%/*}"; do
				[ -d "$d" ] && find "$d" -maxdepth 1 -type d -name "$ID*" 2>/dev/null
			done
		done </proc/self/cgroup
	done | sort -u
}

# nothing_left: no state or scratch dir, no mount naming $STATE in any
# process's namespace, no job cgroup.
nothing_left() {
	local left mounts cg
	left=$(ls -A "$STATE" 2>/dev/null || true)
	[ -z "$left" ] || fail "left in the state root: $left"
	mounts=$(grep -ls -F "$STATE" /proc/[0-9]*/mountinfo || true)
	[ -z "$mounts" ] || fail "mounts naming $STATE in: $mounts"
	cg=$(job_cgroups)
	[ -z "$cg" ] || fail "job cgroups left: $cg"
}

# report_field NAME: a field of $T/report.json, as jq prints it.
report_field() { jq -r ".$1" "$T/report.json"; }

# ---------------------------------------------------------------- the root

test_runs_in_overlay_rootfs_unmodified() {
	local before after
	before=$(snapshot "$ROOTFS")
	job --rootfs "$ROOTFS" -- sh -c 'echo new > /new; echo changed > /etc/hostname;
		rm /bin/true; mkdir /var/made; cat /new; test ! -e /bin/true && echo removed'
	assert_ok
	assert_eq "new
removed" "$OUT"
	after=$(snapshot "$ROOTFS")
	assert_eq "$before" "$after" "the --rootfs tree after the job"
	nothing_left
}

test_disk_bounds_the_writes() {
	job --rootfs "$ROOTFS" --disk 2m -- sh -c 'dd if=/dev/zero of=/big bs=1k count=4096 2>&1; df / | tail -1'
	assert_ok
	assert_contains "$OUT" "No space left on device"
	job --rootfs "$ROOTFS" --disk 8m -- sh -c 'dd if=/dev/zero of=/big bs=1k count=4096 2>/dev/null && echo fits'
	assert_ok
	assert_eq fits "$OUT"
	nothing_left
}

test_upper_is_kept() {
	local before
	before=$(snapshot "$ROOTFS")
	job --rootfs "$ROOTFS" --upper "$T/up" -- sh -c 'echo artifact > /result; rm /etc/hostname'
	assert_ok
	assert_eq artifact "$(cat "$T/up/upper/result")"
	# overlayfs records the removal as a whiteout (a 0:0 character device)
	[ -c "$T/up/upper/etc/hostname" ] || fail "no whiteout for /etc/hostname in the upper layer"
	[ ! -e "$T/up/work" ] || fail "overlayfs' work directory is left in --upper"
	assert_eq "$before" "$(snapshot "$ROOTFS")" "the --rootfs tree after the job"
	nothing_left
}

test_host_root_read_only() {
	job -- sh -c 'cat /etc/debian_version >/dev/null && echo read; touch /x 2>&1 || echo refused'
	assert_ok
	assert_contains "$OUT" read
	assert_contains "$OUT" "Read-only file system"
	[ ! -e /x ] || fail "the job wrote /x on the host"
	nothing_left
}

# ---------------------------------------------------------------- config

test_print_config_is_a_bundle() {
	local spec
	job --rootfs "$ROOTFS" --memory 64m --pids 20 --cpus 0.5 --nofile 256 --env A=b \
		--network host --print-config -- cat /etc/hostname
	assert_ok
	printf '%s\n' "$OUT" >"$BUNDLE/config.json"
	assert_eq "$(realpath "$ROOTFS")" "$(jq -r .root.path "$BUNDLE/config.json")" root.path
	assert_eq '["cat","/etc/hostname"]' "$(jq -c .process.args "$BUNDLE/config.json")"
	# swap (memory+swap) equal to the limit where the host swaps
	assert_eq '{"memory":{"limit":67108864},"pids":{"limit":20},"cpu":{"quota":50000,"period":100000}}' \
		"$(jq -c 'del(.linux.resources.memory.swap)' "$BUNDLE/config.json" | jq -c .linux.resources)"
	jq -e '.linux.resources.memory.swap // 67108864 == 67108864' "$BUNDLE/config.json" >/dev/null ||
		fail "memory.swap: $(jq .linux.resources.memory.swap "$BUNDLE/config.json")"
	assert_eq 256 "$(jq '.process.rlimits[0].hard' "$BUNDLE/config.json")"
	assert_eq 0 "$(jq '[.linux.namespaces[] | select(.type == "network")] | length' "$BUNDLE/config.json")"
	# nook spec's defaults, the same generator: mounts, masks, capabilities
	(cd "$T" && "$NOOK" spec)
	spec=$T/config.json
	for f in .mounts .linux.maskedPaths .linux.readonlyPaths .process.capabilities .hostname; do
		assert_eq "$(jq -c "$f" "$spec")" "$(jq -c "$f" "$BUNDLE/config.json")" "$f"
	done
	assert_contains "$(jq -c .process.env "$BUNDLE/config.json")" '"A=b"'
	assert_contains "$(jq -c .process.env "$BUNDLE/config.json")" '"HOME=/root"'
	# and nook runs it as it is
	run_ctr
	assert_ok
	assert_eq nook "$OUT"
	nothing_left
}

test_workspace_binds_tmpfs_env_user() {
	mkdir "$T/ws" "$T/in"
	echo input >"$T/in/data"
	chmod 0777 "$T/ws"
	job --rootfs "$ROOTFS" --bind "$T/ws:/ws" --bind "$T/in:/in:ro" --tmpfs /scratch:1m \
		--workdir /ws --env FOO=bar --env PATH=/bin:/sbin --user 1000:100 --nofile 200 -- sh -c '
		echo "$(pwd) $(id -u):$(id -g) $FOO $PATH $HOME $(ulimit -n)"
		cat /in/data; echo out > out; echo x 2>/dev/null > /in/y || echo ro
		df -k /scratch | tail -1 | awk "{print \$2}"'
	assert_ok
	assert_eq "/ws 1000:100 bar /bin:/sbin / 200
input
ro
1024" "$OUT"
	assert_eq out "$(cat "$T/ws/out")"
	[ ! -e "$T/in/y" ] || fail "wrote through the read-only bind"
	job --rootfs "$ROOTFS" -- sh -c 'echo "$HOME $PATH"'
	assert_eq "/root /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$OUT"
	nothing_left
}

test_network_none_and_host() {
	job --rootfs "$ROOTFS" -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	assert_ok
	assert_eq lo "$OUT"
	job --rootfs "$ROOTFS" --network host -- sh -c 'tail -n +3 /proc/net/dev | wc -l'
	assert_ok
	assert_eq "$(tail -n +3 /proc/net/dev | wc -l)" "$OUT" "interfaces seen with --network host"
	nothing_left
}

# ---------------------------------------------------------------- limits

test_exit_code_is_the_jobs() {
	job --rootfs "$ROOTFS" --report "$T/report.json" -- sh -c 'exit 7'
	assert_exit 7
	assert_eq 7 "$(report_field exit_code)"
	assert_eq null "$(report_field signal)"
	nothing_left
}

test_timeout_kills_every_process_124() {
	local start end
	start=$(date +%s%N)
	job --rootfs "$ROOTFS" --timeout 1 --report "$T/report.json" -- \
		sh -c 'sleep 300 & (sleep 301 &) ; sleep 302'
	end=$(date +%s%N)
	assert_exit 124
	(((end - start) / 1000000 < 10000)) || fail "took $(((end - start) / 1000000)) ms"
	assert_eq true "$(report_field timed_out)"
	assert_eq 124 "$(report_field exit_code)"
	assert_eq 9 "$(report_field signal)"
	assert_contains "$ERR" "killed at its --timeout of 1 s"
	if grep -ls -E '^sleep.30[012]' /proc/[0-9]*/cmdline; then fail "a job process is alive"; fi
	nothing_left
}

test_report_fields_sane() {
	job --rootfs "$ROOTFS" --report "$T/report.json" -- sh -c \
		'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.3; echo ok'
	assert_ok
	cat "$T/report.json" >&2
	assert_eq 0 "$(report_field exit_code)"
	assert_eq false "$(report_field timed_out)"
	assert_eq false "$(report_field oom_killed)"
	jq -e '.wall_seconds >= 0.3 and .wall_seconds < 20' "$T/report.json" >/dev/null ||
		fail "wall_seconds: $(report_field wall_seconds)"
	jq -e '.cpu_user_seconds >= 0 and .cpu_system_seconds >= 0 and
		(.cpu_user_seconds + .cpu_system_seconds) > 0' "$T/report.json" >/dev/null ||
		fail "cpu seconds: $(jq -c . "$T/report.json")"
	jq -e '.memory_peak_bytes > 0' "$T/report.json" >/dev/null || fail "memory_peak_bytes"
	# pids.peak: Linux 6.1 and later; else null
	jq -e '.pids_peak == null or .pids_peak >= 2' "$T/report.json" >/dev/null || fail "pids_peak"
	nothing_left
}

test_memory_limit_is_reported_as_oom() {
	need_cgroup memory
	job --rootfs "$ROOTFS" --memory 32m --report "$T/report.json" -- \
		sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
	assert_exit 137
	assert_not_contains "$OUT" survived
	assert_eq true "$(report_field oom_killed)"
	assert_contains "$ERR" "--memory limit (OOM kill)"
	jq -e '.memory_peak_bytes <= 33554432 and .memory_peak_bytes > 16000000' "$T/report.json" \
		>/dev/null || fail "memory_peak_bytes: $(report_field memory_peak_bytes)"
	job --rootfs "$ROOTFS" --memory 32m --report "$T/report.json" -- true
	assert_ok
	assert_eq false "$(report_field oom_killed)"
	nothing_left
}

test_pids_cpus_limits_apply() {
	need_cgroup pids
	need_cgroup cpu
	job --rootfs "$ROOTFS" --pids 5 -- sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done 2>&1'
	assert_contains "$OUT" "can't fork"
	local f=/sys/fs/cgroup/cpu/cpu.cfs_quota_us want=50000
	if cgroup_v2; then f=/sys/fs/cgroup/cpu.max want="50000 100000"; fi
	job --rootfs "$ROOTFS" --cpus 0.5 -- cat "$f"
	assert_ok
	assert_eq "$want" "$OUT" "the job's cpu quota"
	nothing_left
}

# ---------------------------------------------------------------- lifetime

# issue 14, point 5: nook job SIGKILLed mid-run; within 2 s nothing of the
# job is left, without any other command.
test_sigkill_of_nook_job_leaves_nothing() {
	local pid state dirs i d
	"$NOOK" --root "$STATE" job --id "$ID" --rootfs "$ROOTFS" -- sh -c 'sleep 400 & sleep 401' \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		state=$(find "$STATE" -mindepth 2 -maxdepth 2 -name state.json 2>/dev/null | head -1)
		[ -n "$state" ] && grep -q '"status":"created"\|"pid"' "$state" &&
			grep -lqs '^sleep.401' /proc/[0-9]*/cmdline && break
		sleep 0.05
	done
	[ -n "$state" ] || fail "the job did not start"
	# should the keeper fail: what it should have done, after the test
	on_exit "\"\$NOOK\" --root \"\$STATE\" delete --force $(basename "$(dirname "$state")") >/dev/null 2>&1 || true"
	dirs=$(jq -r '.nookCgroup.dirs[].path' "$state")
	[ -n "$dirs" ] || fail "no cgroup recorded in $state"
	kill -KILL "$pid"
	wait "$pid" || true
	for ((i = 0; i < 40; i++)); do
		sleep 0.05
		[ -z "$(ls -A "$STATE")" ] && ! grep -lqs '^sleep.40[01]' /proc/[0-9]*/cmdline && break
	done
	((i < 40)) || fail "still there 2 s after SIGKILL: state '$(ls -A "$STATE")', processes: $(grep -ls '^sleep.40[01]' /proc/[0-9]*/cmdline)"
	for d in $dirs; do [ ! -d "$d" ] || fail "cgroup $d left"; done
	# the keeper is gone too (it names $STATE in its command line)
	for ((i = 0; i < 40; i++)); do
		grep -lqs -F "$STATE" /proc/[0-9]*/cmdline || break
		sleep 0.05
	done
	nothing_left
}

# issue 14, point 7: 20 jobs at once from one --rootfs see only their own
# files and processes, and all leave nothing.
test_twenty_in_parallel() {
	local i pids=() before
	before=$(snapshot "$ROOTFS")
	for i in $(seq 1 20); do
		timeout -k 5 60 "$NOOK" --root "$STATE" job --id "$ID-$i" --rootfs "$ROOTFS" --pids 50 -- sh -c "
			echo $i > /mine-$i; sleep 0.5
			echo files \$(ls / | grep -c '^mine-'); echo procs \$(ls -d /proc/[0-9]* | wc -l)
			cat /mine-$i" >"$T/out.$i" 2>&1 </dev/null &
		pids+=($!)
	done
	for i in $(seq 1 20); do
		wait "${pids[$((i - 1))]}" || fail "job $i failed: $(cat "$T/out.$i")"
		# sh, the $(...) subshell, ls and wc at most: none of the others'
		assert_match "$(cat "$T/out.$i")" "^files 1
procs [2-4]
$i\$" "job $i"
	done
	assert_eq "$before" "$(snapshot "$ROOTFS")" "the shared --rootfs after 20 jobs"
	nothing_left
}

# ---------------------------------------------------------------- bad input

test_bad_input_exit_125_nothing_made() {
	local a
	rmdir "$STATE"
	for a in "--rootfs $T/missing" "--bind $T/missing:/x" "--memory 12q" "--disk 0" \
		"--timeout 0" "--cpus x" "--tmpfs /t:big" "--user x" "--env NOEQUALS" "--id a/b" \
		"--report $T/missing/r.json" "--rootfs $ROOTFS --upper $T/missing/up"; do
		# shellcheck disable=SC2086 # the flag and its value
		job $a -- true
		assert_exit 125
		assert_error_line '^nook: job: '
		[ ! -e "$STATE" ] || fail "$a: the state root was made"
	done
	job --rootfs "$ROOTFS"
	assert_exit 125
	assert_error_line 'no COMMAND'
	mkdir "$STATE"
	# the job's own failures keep their codes: 127 and 126 as a shell's
	job --rootfs "$ROOTFS" --report "$T/report.json" -- /no/such/program
	assert_exit 127
	assert_eq 127 "$(report_field exit_code)"
	assert_eq null "$(report_field memory_peak_bytes)"
	job --rootfs "$ROOTFS" -- /etc/hostname
	assert_exit 126
	nothing_left
}

# ---------------------------------------------------------------- completion

# complete_line LINE: what TAB at the end of LINE offers (as test_install.sh
# does it, with the repository's docs/completion/nook.bash).
complete_line() {
	bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"
		COMP_LINE=$2 COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_nook nook "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' complete_line "$HARNESS_REPO/docs/completion/nook.bash" "$1" </dev/null | sort
}

test_completion_options_and_command() {
	[ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	assert_eq "bridge
host
none" "$(complete_line "$NOOK job --network ")" "values of --network"
	assert_contains "$(complete_line "$NOOK job --")" "--rootfs" "options of job"
	# after "--", the command to run and then its own arguments
	assert_contains "$(complete_line "$NOOK job --rootfs / -- mkdi")" "mkdir"
	assert_not_contains "$(complete_line "$NOOK job --rootfs / -- ls --")" "--rootfs"
}

harness_main "$@"
