#!/bin/bash
# The docs stay true to the tree: docs/nook.8.md to --help (every command
# that `nook --help` lists, every long option of `nook COMMAND --help`), and
# every repository path that the docs or a source comment names exists.
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

# Paths such as src/linux/cgroup/v1.c, include/nook/spec.h, tests/lib/ or
# src/linux/cgroup/*.c named in README.md, docs/*.md, tests/README.md and the
# comments of src/ and include/ (a glob must match at least one file;
# tests/.work/ is made by the tests themselves).
docs_named_paths() {
	local repo=$1
	(cd "$repo" && grep -oHE '(^|[^A-Za-z0-9_./-])(src|include|tests|docs|bench)/[A-Za-z0-9_./*-]*[A-Za-z0-9_*/]' \
		README.md docs/*.md tests/README.md $(find src include -name '*.[ch]')) |
		sed -E 's/:[^a-z]?/ /'
}

test_every_named_path_exists() {
	local repo missing="" file path
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	while read -r file path; do
		path=${path%.} # end of a sentence
		[[ $path == tests/.work/* ]] && continue # made by the tests as they run
		# shellcheck disable=SC2086 # a glob is meant to expand
		(cd "$repo" && compgen -G "$path" >/dev/null) || missing+=" $file:$path"
	done < <(docs_named_paths "$repo" | sort -u)
	assert_eq "" "$missing" "paths named by the docs or comments that do not exist"
}

# The docs describe this repository: nothing points at a design document
# outside it (../shared is absent from a clone).
test_no_doc_points_outside_the_repo() {
	local repo hits
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	hits=$(cd "$repo" && grep -rnE 'DESIGN\.md|\.\./shared/DESIGN' README.md docs src include || true)
	assert_eq "" "$hits" "references to a design document outside the repo"
}

harness_main "$@"
