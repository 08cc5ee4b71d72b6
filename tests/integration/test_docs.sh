#!/bin/bash
# docs/nook.8.md stays true to --help: every command that `nook --help`
# lists, and every long option that `nook COMMAND --help` lists, is in it.
# shellcheck source=tests/lib/harness.sh
. "$(dirname "$0")/../lib/harness.sh"

man_page() {
	cat "$(dirname "${BASH_SOURCE[0]}")/../../docs/nook.8.md"
}

test_every_command_is_documented() {
	local cmds missing=""
	cmds=$("$NOOK" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
	[ -n "$cmds" ] || fail "nook --help lists no commands"
	for c in $cmds; do
		man_page | grep -qE "^### (.*[ ,])?$c(,|\$| )" || missing+=" $c"
	done
	assert_eq "" "$missing" "commands of nook --help missing from docs/nook.8.md"
}

test_every_long_option_is_documented() {
	local cmds missing="" opt page
	page=$(man_page)
	cmds=$("$NOOK" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
	for c in $cmds; do
		for opt in $("$NOOK" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			[ "$opt" = --help ] && continue
			grep -qF -- "$opt" <<<"$page" || missing+=" $c:$opt"
		done
	done
	for opt in $("$NOOK" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qF -- "$opt" <<<"$page" || missing+=" global:$opt"
	done
	assert_eq "" "$missing" "options of --help missing from docs/nook.8.md"
}

harness_main "$@"
