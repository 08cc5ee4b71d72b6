# shellcheck shell=bash
# Cgroup probes for the tests: which version, whether a controller is there,
# where a process's cgroup is. Sourced by harness.sh; `fail` and `skip` are
# the harness's.

# cgroup_v2: is /sys/fs/cgroup itself cgroup2 (a pure v2 host, the qemu stage)?
cgroup_v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

# need_cgroup CONTROLLER: a v1 hierarchy of it, or the controller in v2;
# else skip the test.
need_cgroup() {
	if cgroup_v2; then
		grep -qw "$1" /sys/fs/cgroup/cgroup.controllers || skip "no $1 controller in cgroup v2"
	else
		[ -f "/sys/fs/cgroup/$1/cgroup.procs" ] || skip "no v1 $1 hierarchy"
	fi
}

# cgroup_dir CONTROLLER PID: the directory of PID's cgroup in that v1
# hierarchy, or its v2 directory.
cgroup_dir() {
	local path
	if cgroup_v2; then
		path=$(grep '^0::' "/proc/$2/cgroup" | cut -d: -f3)
		[ -n "$path" ] || fail "no 0:: line in /proc/$2/cgroup"
		echo "/sys/fs/cgroup$path"
		return
	fi
	path=$(grep -E "^[0-9]+:([^:]*,)?$1(,[^:]*)?:" "/proc/$2/cgroup" | cut -d: -f3)
	[ -n "$path" ] || fail "no $1 line in /proc/$2/cgroup"
	echo "/sys/fs/cgroup/$1$path"
}
