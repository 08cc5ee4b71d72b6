#!/bin/bash
# `make install` and `make uninstall` as a distribution packages them (issue
# 11, point 5): into a scratch DESTDIR with PREFIX=/usr, the program, the man
# page built from docs/nook.8.md by go-md2man, the bash completion
# docs/completion/nook.bash; and nothing left after uninstall. The host's
# /usr is never written.
# shellcheck source=tests/lib/harness.sh
source "$(dirname "$0")/../lib/harness.sh"
# shellcheck source=tests/lib/commands.sh
source "$(dirname "$0")/../lib/commands.sh"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What is installed is nook itself, from this repository's Makefile.
nook_specific test_install_and_uninstall test_install_without_go_md2man_says_so test_man_page_renders test_completion_commands_and_options \
	test_completion_follows_help test_completion_container_ids

# The directories of the host that an install without DESTDIR would write.
HOST_DIRS="/usr/sbin /usr/local/sbin /usr/share/man/man8 /usr/local/share/man/man8
	/usr/share/bash-completion/completions /usr/local/share/bash-completion/completions
	/usr/share/doc /usr/local/share/doc"

# install_to DEST: `make install DESTDIR=DEST PREFIX=/usr`; sets RC, OUT.
install_to() {
	RC=0
	OUT=$(make -C "$REPO" --no-print-directory install DESTDIR="$1" PREFIX=/usr 2>&1) || RC=$?
	echo "make install: exit $RC: $OUT" >&2
}

# installed: a fresh install in $T/dest (once per test), PATH leading to it.
installed() {
	command -v go-md2man >/dev/null || fail "go-md2man is missing (Debian: apt-get install go-md2man)"
	install_to "$T/dest"
	assert_ok
	DEST=$T/dest
	PATH=$DEST/usr/sbin:$PATH
}

# render PAGE: the man page as text, 200 columns.
render() {
	if command -v man >/dev/null; then
		LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -l "$1" 2>"$T/man.err" | col -bx
	else
		groff -man -Tutf8 -ww -rLL=200n "$1" 2>"$T/man.err" | col -bx
	fi
}

# complete_line LINE: what TAB at the end of LINE offers, one a line, from
# the installed completion (bash-completion's functions, or a stub of the two
# it uses where bash-completion is not installed).
complete_line() {
	bash -c '
		if [ -f /usr/share/bash-completion/bash_completion ]; then
			. /usr/share/bash-completion/bash_completion
		else
			_init_completion() {
				words=("${COMP_WORDS[@]}") cword=$COMP_CWORD split=false
				cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
				if [[ $cur == --*=* ]]; then prev=${cur%%=*} cur=${cur#*=} split=true; fi
			}
			_filedir() { mapfile -t COMPREPLY < <(compgen "${1:--f}" -- "$cur"); }
		fi
		. "$1"
		COMP_LINE=$2 COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_nook nook "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' complete_line "$DEST/usr/share/bash-completion/completions/nook" "$1" </dev/null | sort
}

# the commands of `nook --help`
help_commands() {
	"$NOOK" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

test_install_and_uninstall() {
	touch "$T/stamp"
	installed
	local f
	for f in usr/sbin/nook usr/share/man/man8/nook.8 usr/share/bash-completion/completions/nook \
		usr/share/doc/nook/orchestrators.md; do
		[ -f "$DEST/$f" ] || fail "make install did not install /$f"
	done
	assert_eq 755 "$(stat -c %a "$DEST/usr/sbin/nook")" "mode of sbin/nook"
	assert_eq 644 "$(stat -c %a "$DEST/usr/share/man/man8/nook.8")" "mode of the man page"
	cmp "$REPO/build/nook" "$DEST/usr/sbin/nook" || fail "sbin/nook is not build/nook"
	assert_match "$(nook --version)" '^nook version ' "the installed nook --version"

	RC=0
	OUT=$(make -C "$REPO" --no-print-directory uninstall DESTDIR="$DEST" PREFIX=/usr 2>&1) || RC=$?
	assert_ok
	assert_eq "" "$(find "$DEST" ! -type d)" "files left after make uninstall"

	# DESTDIR confined both: nothing of the host's changed
	# shellcheck disable=SC2086 # a list of directories
	assert_eq "" "$(find $HOST_DIRS -maxdepth 1 -newer "$T/stamp" 2>/dev/null)" "host paths written"
}

# Without go-md2man, install stops before it installs anything and says what
# to install.
test_install_without_go_md2man_says_so() {
	RC=0
	OUT=$(make -C "$REPO" --no-print-directory install DESTDIR="$T/dest" PREFIX=/usr \
		GO_MD2MAN=go-md2man-absent BUILD="$T/build" 2>&1) || RC=$?
	echo "$OUT" >&2
	assert_ne 0 "$RC" "make install without go-md2man"
	assert_contains "$OUT" "go-md2man-absent not found" "make's message"
	assert_contains "$OUT" "apt-get install go-md2man" "make's message"
	assert_eq "" "$(find "$T/dest" ! -type d 2>/dev/null)" "files installed without the man page"
}

test_man_page_renders() {
	installed
	local page text c missing=""
	page=$DEST/usr/share/man/man8/nook.8
	text=$(render "$page")
	assert_eq "" "$(cat "$T/man.err")" "warnings of man/groff"
	assert_match "$(head -n1 <<<"$text")" '^NOOK\(8\) +System Manager.s Manual +NOOK\(8\)$' "the title line"
	for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS "EXIT STATUS" FILES "SEE ALSO"; do
		grep -qx "$s" <<<"$text" || missing+=" section:$s"
	done
	assert_match "$(grep -A1 -x NAME <<<"$text" | tail -n1)" '^ +nook - run OCI containers$' "NAME"
	# each command a subsection ("   create", "   pause, resume")
	for c in $(help_commands); do
		grep -qE "^   (.*[ ,])?$c(,|\$)" <<<"$text" || missing+=" command:$c"
	done
	assert_eq "" "$missing" "missing from the rendered man page"
	# no markdown or roff left raw
	assert_no_match "$text" '\\f|^#|`' "markup in the rendered page"
}

test_completion_commands_and_options() {
	installed
	assert_eq "start state" "$(complete_line "nook st" | xargs)" "nook st<TAB>"
	assert_eq "$(help_commands | sort | xargs)" "$(complete_line "nook " | xargs)" "nook <TAB>"
	assert_eq "--all" "$(complete_line "nook kill --" | xargs)" "nook kill --<TAB>"
	assert_eq "--log --log-format" "$(complete_line "nook --lo" | xargs)" "nook --lo<TAB>"
	assert_eq "text json" "$(complete_line "nook --log-format " | xargs -n1 | sort -r | xargs)" \
		"nook --log-format <TAB>"
	assert_eq "json table" "$(complete_line "nook --root /x list --format " | xargs)" \
		"nook list --format <TAB>"
	# the values of options are skipped: /l is not the command, f not an id
	assert_eq "--no-new-keyring --no-pivot" "$(complete_line "nook --log /l create --pid-file f --no" | xargs)" \
		"create --no<TAB> after values"
	# values that are paths: directories for DIR
	mkdir "$T/dir-a" && touch "$T/file-a"
	assert_eq "$T/dir-a" "$(complete_line "nook create --bundle $T/" | grep -- '-a' | xargs)" \
		"create --bundle DIR<TAB>"
	assert_contains "$(complete_line "nook kill id K")" "KILL" "kill ID SIGNAL<TAB>"
}

# Every long option of `nook COMMAND --help` is offered after
# `nook COMMAND --`, and every global one after `nook --`: the completion
# reads them from --help.
test_completion_follows_help() {
	installed
	local c want got missing=""
	for c in "" $(help_commands); do
		want=$("$NOOK" ${c:+"$c"} --help | { grep -oE -- '--[a-z][a-z-]+' || true; } | { grep -vx -- --help || true; } | sort -u | xargs)
		got=$(complete_line "nook ${c:+$c }--" | { grep -vx -- --help || true; } | xargs)
		[ "$want" = "$got" ] || missing+=" ${c:-global}: want '$want' got '$got';"
	done
	assert_eq "" "$missing" "options offered against --help"
}

# Container ids come from `nook list -q` under the --root typed on the line.
test_completion_container_ids() {
	installed
	cfg '.process.args = ["sh", "-c", "sleep 60"]'
	create_ctr
	assert_ok
	assert_eq "$ID" "$(complete_line "nook --root $STATE kill " | xargs)" "kill <TAB> under --root"
	assert_eq "$ID" "$(complete_line "nook --root=$STATE delete --force ${ID:0:7}" | xargs)" \
		"delete --force ID<TAB> under --root="
	assert_not_contains "$(complete_line "nook kill ")" "$ID" "kill <TAB> under the default root"
	assert_eq "" "$(complete_line "nook --root $STATE create ")" "create <TAB>: a new id"
}

harness_main "$@"
