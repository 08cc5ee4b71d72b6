# shellcheck shell=bash
# Helpers for the client tests (podman, containerd driving $NOOK). Sourced by
# tests/clients/test_*.sh after tests/lib/harness.sh, so every test still
# runs in the harness's subshell with its own $T, $ROOTFS, $ID and $STATE and
# the harness's leftover scan (mounts under $T, processes naming $T, cgroups
# named $ID) after it.
#
# The runtime is never given to a client directly: each test writes
# $T/bin/nook, a wrapper that runs tests/clients/runtime-logger.sh, which
# appends the argv of every call to $CALLS ($T/runtime-calls.log, shown in
# the log of a failing test) and execs $NOOK. The wrapper is named "nook"
# because podman picks a runtime's behaviour by its name.

CLIENTS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-60}
# the clients run the runtime with little or no PATH: make it absolute
if command -v "$NOOK" >/dev/null 2>&1 && [[ $NOOK != /* ]]; then NOOK=$(command -v "$NOOK"); fi

# clients_require FILE CMD...: when a command is missing, print a SKIP line
# for the whole FILE (recorded like the harness does) and exit 0.
clients_require() {
	[ "${HARNESS_LIST_MARKED:-0}" != 1 ] || return 0
	local file=$1 c missing=()
	shift
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "SKIP $file: not installed: ${missing[*]} (apt-get install podman conmon containerd util-linux bsdutils)"
	if [ -n "${NOOK_RESULTS:-}" ]; then echo "SKIP $file" >>"$NOOK_RESULTS"; fi
	exit 0
}

# make_runtime_wrapper PATH [EXTRA-ARGS]: write an executable PATH that logs
# its argv to $CALLS and execs $NOOK with EXTRA-ARGS (one string of words,
# e.g. "--root DIR") before the client's arguments. RUNTIME_LOGGER_ENV=1 in
# the test's environment logs each call's environment too.
make_runtime_wrapper() {
	local path=$1 extra=${2:-}
	mkdir -p "$(dirname "$path")"
	cat >"$path" <<-EOF
		#!/bin/sh
		RUNTIME_LOGGER_TARGET='$NOOK' RUNTIME_LOGGER_FILE='$CALLS' RUNTIME_LOGGER_ARGS='$extra' \\
		RUNTIME_LOGGER_ENV='${RUNTIME_LOGGER_ENV:-0}' \\
		exec '$CLIENTS_LIB/runtime-logger.sh' "\$@"
	EOF
	chmod 0755 "$path"
}

# show_calls: print the logged runtime calls (to stderr: the test's log).
show_calls() {
	[ -s "$CALLS" ] || return 0
	echo "runtime calls:" >&2
	sed "s|$T|\$T|g; s/^/  /" "$CALLS" >&2
}

# calls_matching ERE: the logged calls whose line matches ERE.
calls_matching() { grep -E -- "$1" "$CALLS" || true; }

# assert_called ERE [what]: some logged runtime call matches ERE.
assert_called() {
	grep -qE -- "$1" "$CALLS" 2>/dev/null ||
		fail "${2:-runtime}: no call matches /$1/; calls: $(sed "s|$T|\$T|g" "$CALLS" 2>/dev/null)"
}

# remove_console_sockets: when the runtime fails, conmon leaves its
# /tmp/conmon-term.XXXXXX socket and the runc shim its /tmp/ptyNNN/ dir;
# remove those the logged calls name.
remove_console_sockets() {
	local s
	while read -r s; do
		case $s in
		/tmp/conmon-term.*) rm -f "$s" ;;
		/tmp/pty*/pty.sock)
			rm -f "$s"
			rmdir "${s%/pty.sock}" 2>/dev/null || true
			;;
		esac
	done < <(grep -oE -- '--console-socket /tmp/(conmon-term\.[A-Za-z0-9]+|pty[0-9]+/pty\.sock)' "$CALLS" 2>/dev/null |
		cut -d' ' -f2 | sort -u)
}

# run_client CMD...: run a client command under a timeout, stdin from
# /dev/null. Sets RC, OUT, ERR like the harness's run_ctr.
run_client() {
	RC=0
	timeout -k 5 "$CLIENT_TIMEOUT" "$@" </dev/null >"$T/client.out" 2>"$T/client.err" || RC=$?
	OUT=$(cat "$T/client.out")
	ERR=$(cat "$T/client.err")
	echo "+ ${*//$T/\$T}: exit $RC" >&2
	[ -z "$OUT" ] || printf '  stdout: %s\n' "$OUT" >&2
	[ -z "$ERR" ] || printf '  stderr: %s\n' "$ERR" >&2
}

# client_ok CMD...: run_client and require exit 0.
client_ok() {
	run_client "$@"
	[ "$RC" -eq 0 ] || fail "$1 exited $RC: $ERR"
}

# cgroups_named NAME: cgroup directories called NAME, anywhere in the first
# levels of every hierarchy (only looked at).
cgroups_named() {
	find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -name "$1" 2>/dev/null || true
}

# assert_no_cgroup NAME: no cgroup directory NAME is left.
assert_no_cgroup() {
	local left
	left=$(cgroups_named "$1")
	[ -z "$left" ] || fail "cgroups left: $left"
}

# mounts_under DIR: mount points at or below DIR.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo
}

# assert_no_mounts DIR
assert_no_mounts() {
	local left
	left=$(mounts_under "$1")
	[ -z "$left" ] || fail "mounts left under $1: $left"
}

# assert_empty_dir DIR [what]: DIR is missing or empty.
assert_empty_dir() {
	local left=""
	[ ! -d "$1" ] || left=$(find "$1" -mindepth 1 -maxdepth 1 -printf '%f ')
	[ -z "$left" ] || fail "${2:-$1} is not empty: $left"
}

# ------------------------------------------------------------------ podman

# podman_setup: a private podman in $T/podman (containers.conf, storage.conf,
# vfs storage, tmp dir, events file) using $T/bin/nook as runtime "nook".
# Podman as root passes no --root to the runtime (the runtime would use its
# default, /run/nook), so the wrapper adds "--root $STATE" to keep the state
# private; podman's exit-command (`podman container cleanup`) does not carry
# --runtime-flag, which is why that is not used.
podman_setup() {
	local p=$T/podman nofile nproc pidmax
	CALLS=$T/runtime-calls.log
	: >"$CALLS"
	mkdir -p "$p/root" "$p/run" "$p/tmp" "$p/networks"
	make_runtime_wrapper "$T/bin/nook" "--root $STATE"
	# default_ulimits must not exceed the hard limits (no CAP_SYS_RESOURCE)
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	pidmax=$(cat /proc/sys/kernel/pid_max)
	[ "$nofile" != unlimited ] || nofile=1048576
	if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pidmax" ]; then nproc=$pidmax; fi
	cat >"$p/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
		[network]
		network_config_dir = "$p/networks"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$p/events.log"
		tmp_dir = "$p/tmp"
		runtime = "nook"
		runtime_supports_json = ["nook"]
		[engine.runtimes]
		nook = ["$T/bin/nook"]
	EOF
	cat >"$p/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$p/root"
		runroot = "$p/run"
	EOF
	export CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf
	# podman 4.3 makes netavark's run dir /run/containers/networks whatever
	# the config says: remove it again if it was not there
	PODMAN_NEW_DIRS=()
	local d
	for d in /run/containers/networks /run/containers; do
		[ -d "$d" ] || PODMAN_NEW_DIRS+=("$d")
	done
	on_exit 'podman_teardown'
}

# pm ARGS...: podman with the private config and --runtime $T/bin/nook.
pm() { run_client podman --runtime "$T/bin/nook" "$@"; }

# PM_RUN_OPTS: options of every `podman run` here: no network (no CNI setup),
# conmon left in our cgroup (--cgroups=no-conmon: podman would otherwise move
# it into a cgroup of its own and never remove that), the container's cgroup
# at the top of each hierarchy (/libpod-<id>, nothing else to clean).
PM_RUN_OPTS=(--network none --cgroups=no-conmon --cgroup-parent=/)

# pm_run [RUN-OPTIONS...] -- CMD...: podman run from $ROOTFS.
pm_run() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	# shellcheck disable=SC2153 # ROOTFS is the harness's
	pm run "${PM_RUN_OPTS[@]}" "${opts[@]}" --rootfs "$ROOTFS" "$@"
}

# podman_ids: the runtime container ids podman used (from the create calls).
podman_ids() {
	calls_matching ' create ' | awk '{print $NF}' | sort -u
}

# podman_assert_clean: podman lists no container; the runtime left no state,
# no mount under $T, no cgroup of any container it created.
podman_assert_clean() {
	local id
	client_ok podman ps -a -q
	assert_eq "" "$OUT" "podman ps -a -q"
	assert_empty_dir "$STATE" "the runtime's state dir (--root)"
	assert_no_mounts "$T"
	for id in $(podman_ids); do assert_no_cgroup "libpod-$id"; done
}

podman_teardown() {
	show_calls
	timeout 60 podman --runtime "$T/bin/nook" rm -a -f -t 0 >/dev/null 2>&1 || true
	remove_console_sockets
	local d
	for d in "${PODMAN_NEW_DIRS[@]}"; do rmdir "$d" 2>/dev/null || true; done
}

# ------------------------------------------------------------------ containerd

# A containerd for the whole test file (started before harness_main, stopped
# by pid when the file ends, also on failure): CTRD_DIR holds config.toml,
# root, state, the sockets and the image archive; CTRD_SOCK is its address.
CTRD_IMAGE=nook.invalid/busybox:test

# ctrd_build_image ROOTFS OUT.tar: a single-layer OCI image archive of ROOTFS
# named $CTRD_IMAGE (oci-layout, index.json, manifest, config, layer).
ctrd_build_image() {
	local rootfs=$1 out=$2 d arch diffid ld lsz cd csz md msz
	d=$(mktemp -d "$CTRD_DIR/image.XXXXXX")
	mkdir -p "$d/blobs/sha256"
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	tar --numeric-owner --sort=name -C "$rootfs" -cf "$d/layer.tar" .
	diffid=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	gzip -n "$d/layer.tar"
	ld=$(sha256sum "$d/layer.tar.gz" | cut -d' ' -f1)
	lsz=$(stat -c %s "$d/layer.tar.gz")
	mv "$d/layer.tar.gz" "$d/blobs/sha256/$ld"
	jq -cn --arg a "$arch" --arg d "sha256:$diffid" '{architecture: $a, os: "linux",
	  config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"], WorkingDir: "/"},
	  rootfs: {type: "layers", diff_ids: [$d]}}' >"$d/config.json"
	cd=$(sha256sum "$d/config.json" | cut -d' ' -f1)
	csz=$(stat -c %s "$d/config.json")
	mv "$d/config.json" "$d/blobs/sha256/$cd"
	jq -cn --arg c "sha256:$cd" --argjson cs "$csz" --arg l "sha256:$ld" --argjson ls "$lsz" '{
	  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
	  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
	  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' \
		>"$d/manifest.json"
	md=$(sha256sum "$d/manifest.json" | cut -d' ' -f1)
	msz=$(stat -c %s "$d/manifest.json")
	mv "$d/manifest.json" "$d/blobs/sha256/$md"
	jq -cn --arg m "sha256:$md" --argjson ms "$msz" --arg a "$arch" --arg n "$CTRD_IMAGE" '{
	  schemaVersion: 2,
	  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
	    annotations: {"io.containerd.image.name": $n, "org.opencontainers.image.ref.name": "test"},
	    platform: {architecture: $a, os: "linux"}}]}' >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$out" oci-layout index.json blobs
	rm -rf "$d"
}

# ctrd_start: start containerd (private config, CRI off) and import the
# busybox image. Sets CTRD_DIR, CTRD_SOCK, CTRD_PID. Prints why on failure.
ctrd_start() {
	local i
	CTRD_DIR=$(mktemp -d /tmp/nook-ctrd.XXXXXX)
	# containers with a user namespace must reach their rootfs in there
	chmod 0755 "$CTRD_DIR"
	# the runc shim puts its sockets in /run/containerd/s whatever the config
	# says; remove those dirs at the end if they were not there before
	# (and without --runc-root its runtime state in /run/containerd/runc)
	CTRD_RUN_DIRS=()
	for i in /run/containerd/s /run/containerd/runc/default /run/containerd/runc /run/containerd; do
		[ -d "$i" ] || CTRD_RUN_DIRS+=("$i")
	done
	CTRD_RUN_BEFORE=$(ls /run/containerd/s 2>/dev/null || true)
	CTRD_SOCK=$CTRD_DIR/containerd.sock
	cat >"$CTRD_DIR/config.toml" <<-EOF
		version = 2
		root = "$CTRD_DIR/root"
		state = "$CTRD_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.zfs"]
		[grpc]
		  address = "$CTRD_SOCK"
		[ttrpc]
		  address = "$CTRD_SOCK.ttrpc"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$CTRD_DIR/opt"
	EOF
	# a `runc` first in containerd's PATH: the shim runs it when ctr gives no
	# --runc-binary (ctr run --uidmap drops it); it runs the runtime the
	# current test points $CTRD_DIR/runtime at
	mkdir -p "$CTRD_DIR/bin"
	printf '#!/bin/sh\nexec "%s/runtime" "$@"\n' "$CTRD_DIR" >"$CTRD_DIR/bin/runc"
	chmod 0755 "$CTRD_DIR/bin/runc"
	PATH=$CTRD_DIR/bin:$PATH containerd --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_DIR/containerd.log" 2>&1 &
	CTRD_PID=$!
	for ((i = 0; i < 200; i++)); do
		if ctr -a "$CTRD_SOCK" version >/dev/null 2>&1; then break; fi
		if ! kill -0 "$CTRD_PID" 2>/dev/null; then
			echo "containerd exited:" >&2
			sed 's/^/    | /' "$CTRD_DIR/containerd.log" >&2
			return 1
		fi
		sleep 0.05
	done
	ctrd_build_image "$NOOK_TEST_CACHE/rootfs" "$CTRD_DIR/image.tar"
	timeout 60 ctr -a "$CTRD_SOCK" images import "$CTRD_DIR/image.tar" >/dev/null
}

# ctrd_shims [ID]: pids of the runc shims of our containerd (of container ID):
# their command line names our private socket, so they are ours.
ctrd_shims() {
	local f pid cmd
	{ grep -lsaF -e "$CTRD_SOCK" /proc/[0-9]*/cmdline 2>/dev/null || true; } | while read -r f; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		{ cmd=$(tr '\0' ' ' <"$f"); } 2>/dev/null || continue
		[[ $cmd == *containerd-shim*" -address $CTRD_SOCK "* ]] || continue
		if [ -z "${1:-}" ] || [[ $cmd == *" -id $1 "* ]]; then echo "$pid"; fi
	done
}

# ctrd_stop: remove what is left in containerd, stop it by its pid (and any
# shim of ours still running), unmount and remove its dir.
ctrd_stop() {
	local i m
	[ -n "${CTRD_DIR:-}" ] || return 0
	if [ -n "${CTRD_PID:-}" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for i in $(ctr -a "$CTRD_SOCK" tasks ls -q 2>/dev/null); do
			timeout 20 ctr -a "$CTRD_SOCK" tasks kill -s KILL "$i" >/dev/null 2>&1 || true
			timeout 20 ctr -a "$CTRD_SOCK" tasks delete -f "$i" >/dev/null 2>&1 || true
		done
		for i in $(ctr -a "$CTRD_SOCK" containers ls -q 2>/dev/null); do
			timeout 20 ctr -a "$CTRD_SOCK" containers delete "$i" >/dev/null 2>&1 || true
		done
		timeout 20 ctr -a "$CTRD_SOCK" images rm "$CTRD_IMAGE" >/dev/null 2>&1 || true
		kill -TERM "$CTRD_PID" 2>/dev/null || true
		poll_exit "$CTRD_PID" 5 || true
		kill -KILL "$CTRD_PID" 2>/dev/null || true
	fi
	wait "$CTRD_PID" 2>/dev/null || true
	for i in $(ctrd_shims); do
		echo "killing a shim left running: $(tr '\0' ' ' <"/proc/$i/cmdline" 2>/dev/null)" >&2
		kill -KILL "$i" 2>/dev/null || true
	done
	# a killed shim leaves its socket behind: remove those made since
	# ctrd_start that nothing listens on
	for m in $(ls /run/containerd/s 2>/dev/null || true); do
		grep -qxF -e "$m" <<<"$CTRD_RUN_BEFORE" && continue
		ss -xl 2>/dev/null | grep -qF -e "/run/containerd/s/$m" && continue
		rm -f "/run/containerd/s/$m"
	done
	for m in $(mounts_under "$CTRD_DIR" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
		umount -l "$m" 2>/dev/null || true
	done
	[ -n "$(mounts_under "$CTRD_DIR")" ] || rm -rf --one-file-system "$CTRD_DIR"
	for m in "${CTRD_RUN_DIRS[@]}"; do rmdir "$m" 2>/dev/null || true; done
	CTRD_DIR=
}

# ctrd_setup: per test: $T/bin/nook logging to $CALLS, fifo dir under $T.
ctrd_setup() {
	CALLS=$T/runtime-calls.log
	: >"$CALLS"
	[ -n "${CTRD_SOCK:-}" ] || fail "containerd is not running (see the file's setup)"
	make_runtime_wrapper "$T/bin/nook"
	ln -sfn "$T/bin/nook" "$CTRD_DIR/runtime"
	mkdir -p "$T/fifo"
	on_exit 'ctrd_teardown'
}

# ctr_ ARGS...: ctr on the private socket.
ctr_() { run_client ctr -a "$CTRD_SOCK" "$@"; }

# ctr_run [RUN-OPTIONS...] ID CMD...: `ctr run` of $CTRD_IMAGE through the
# runc shim with our wrapper as its binary, state under $STATE, fifos under
# $T and the cgroup /ID at the top of each hierarchy (ctr's default,
# /<namespace>/<id>, would leave a "default" parent behind).
ctr_run() {
	local opts=()
	while [ $# -gt 0 ] && [[ $1 == -* ]]; do
		opts+=("$1")
		shift
	done
	ctr_ run --runc-binary "$T/bin/nook" --runc-root "$STATE" --fifo-dir "$T/fifo" \
		--cgroup "/$1" "${opts[@]}" "$CTRD_IMAGE" "$@"
}

# ctrd_assert_clean: containerd has no task and no container; no runtime
# state, mounts, shim or cgroup left for $ID.
ctrd_assert_clean() {
	local shim
	client_ok ctr -a "$CTRD_SOCK" tasks ls -q
	assert_eq "" "$OUT" "ctr tasks ls -q"
	client_ok ctr -a "$CTRD_SOCK" containers ls -q
	assert_eq "" "$OUT" "ctr containers ls -q"
	# the shim passes --root <runc-root>/<namespace>
	assert_empty_dir "$STATE/default" "the runtime's state dir (--root)"
	assert_no_mounts "$CTRD_DIR/state"
	assert_no_mounts "$T"
	shim=$(ctrd_shims "$ID")
	[ -z "$shim" ] || fail "a shim for $ID is still running: $shim"
	assert_no_cgroup "$ID"
}

ctrd_teardown() {
	show_calls
	timeout 20 ctr -a "$CTRD_SOCK" tasks kill -s KILL "$ID" >/dev/null 2>&1 || true
	timeout 20 ctr -a "$CTRD_SOCK" tasks delete -f "$ID" >/dev/null 2>&1 || true
	timeout 20 ctr -a "$CTRD_SOCK" containers delete "$ID" >/dev/null 2>&1 || true
	# the shim's --root is <runc-root>/<namespace>; nothing removes that dir.
	# Only an empty one goes: container state left in it fails the test.
	rmdir "$STATE/default" 2>/dev/null || true
	remove_console_sockets
	local pid
	for pid in $(ctrd_shims "$ID"); do
		echo "leftover shim $pid for $ID: killed" >&2
		kill -KILL "$pid" 2>/dev/null || true
	done
}
