# bash completion for nook(8), installed by `make install` as
# PREFIX/share/bash-completion/completions/nook.
#
# Nothing here lists nook's commands or options: they are read, when TAB is
# pressed, from `nook --help` and `nook COMMAND --help` of the nook being
# completed, so the completion cannot fall behind the program. Container ids
# come from `nook [--root DIR] list -q`.

# _nook_help_options NOOK [COMMAND]: the options of `NOOK [COMMAND] --help`,
# one a line: the option, then the value it takes if any ("DIR", "FILE",
# "table|json"...). An option is read from the usage line ("[-q|--quiet]",
# "[--format table|json]") and from the lines that start with an option
# ("  -b, --bundle DIR   the bundle"); its value is the word one space after
# it, when that word is in capitals, a number ("5s") or a list "a|b". A short
# option takes the value of the long one that follows it on its line.
_nook_help_options() {
	local help
	help=$("$1" ${2:+"$2"} --help 2>/dev/null) || return 0
	awk '
	/^usage:/ || /^ +-/ {
		# split on single blanks keeps the runs of blanks that end an
		# option, so "--no-pivot    chroot" takes no value
		n = split($0, f, / /)
		short = ""
		for (i = 1; i <= n; i++) {
			w = f[i]
			sub(/^\[/, "", w)
			sub(/[],]+$/, "", w)
			m = split(w, alt, "|")
			for (j = 1; j <= m; j++) {
				o = alt[j]
				if (o ~ /^-[a-zA-Z]$/) {
					short = short " " o
				} else if (o ~ /^--[a-z][a-z-]*$/) {
					arg = ""
					if (j == m && f[i] !~ /[],]$/ && i < n) {
						a = f[i + 1]
						sub(/[],]+$/, "", a)
						if (a ~ /^[A-Z0-9]/ || a ~ /^[a-z]+(\|[a-z]+)+$/)
							arg = a
					}
					print o, arg
					k = split(short, s, " ")
					for (l = 1; l <= k; l++)
						print s[l], arg
					short = ""
				}
			}
		}
	}' <<<"$help" | sort -u
}

# _nook_commands NOOK: the commands that `NOOK --help` lists.
_nook_commands() {
	"$1" --help 2>/dev/null |
		awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

# _nook_complete_value VALUE: complete the value of an option that takes
# VALUE (as --help names it).
_nook_complete_value() {
	case $1 in
	*"|"*) mapfile -t COMPREPLY < <(compgen -W "${1//|/ }" -- "$cur") ;;
	DIR) _filedir -d ;;
	FILE | PATH) _filedir ;;
	FORMAT) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur") ;; # --log-format
	*) COMPREPLY=() ;;
	esac
}

# _nook_value_of OPTIONS WORD: the value that WORD takes according to
# OPTIONS (_nook_help_options's lines); fails if WORD is not an option that
# takes one.
_nook_value_of() {
	local opt arg
	while read -r opt arg; do
		if [ "$opt" = "$2" ] && [ -n "$arg" ]; then
			printf '%s\n' "$arg"
			return 0
		fi
	done <<<"$1"
	return 1
}

_nook() {
	local cur prev words cword split
	_init_completion -s || return

	local nook=${words[0]} root="" cmd="" i=1 w
	# shellcheck disable=SC2088 # a literal ~ typed on the line
	[[ $nook == "~/"* ]] && nook=$HOME/${nook#"~/"}
	local globals
	globals=$(_nook_help_options "$nook")

	# the global options before the command, and the command
	while [ "$i" -lt "$cword" ]; do
		w=${words[i]}
		case $w in
		--root=*) root=${w#--root=} ;;
		-*)
			if [[ $w != *=* ]] && _nook_value_of "$globals" "$w" >/dev/null; then
				[ "$w" = --root ] && root=${words[i + 1]}
				i=$((i + 1))
			fi
			;;
		*)
			cmd=$w
			break
			;;
		esac
		i=$((i + 1))
	done
	# shellcheck disable=SC2088
	[[ $root == "~/"* ]] && root=$HOME/${root#"~/"}

	# nook job [options] -- COMMAND [ARG...]: after "--", the command to
	# run, completed as a line of its own
	if [ "$cmd" = job ]; then
		local j
		for ((j = i + 1; j < cword; j++)); do
			if [ "${words[j]}" = -- ]; then
				_command_offset $((j + 1))
				return
			fi
		done
	fi

	local options=$globals
	[ -n "$cmd" ] && options=$(_nook_help_options "$nook" "$cmd")

	# the value of an option: "--bundle <TAB>" or "--bundle=<TAB>"
	local value
	if value=$(_nook_value_of "$options" "$prev"); then
		_nook_complete_value "$value"
		return
	fi
	$split && return

	if [[ $cur == -* ]]; then
		local opt arg list=""
		while read -r opt arg; do
			[ -n "$opt" ] && list+=" $opt"
		done <<<"$options"
		mapfile -t COMPREPLY < <(compgen -W "$list" -- "$cur")
		return
	fi

	if [ -z "$cmd" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_nook_commands "$nook")" -- "$cur")
		return
	fi

	# the command's arguments: count those before the cursor, skipping
	# options and their values
	local nargs=0
	i=$((i + 1))
	while [ "$i" -lt "$cword" ]; do
		w=${words[i]}
		if [[ $w == -* ]]; then
			[[ $w != *=* ]] && _nook_value_of "$options" "$w" >/dev/null && i=$((i + 1))
		else
			nargs=$((nargs + 1))
		fi
		i=$((i + 1))
	done

	case $cmd in
	create | run | spec | features | list | job) ;; # a new id, or no argument
	*)
		if [ "$nargs" -eq 0 ]; then
			# an existing container: its usage line names an ID
			"$nook" "$cmd" --help 2>/dev/null | grep -q '^usage:.* ID' || return
			local ids
			ids=$("$nook" ${root:+--root "$root"} list -q 2>/dev/null)
			mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$cur")
		elif [ "$cmd" = kill ] && [ "$nargs" -eq 1 ]; then
			# bash's signal names without SIG, less its own traps
			local sigs
			sigs=$(compgen -A signal | sed 's/^SIG//' | grep -Ev '^(EXIT|DEBUG|ERR|RETURN|JUNK.*)$')
			mapfile -t COMPREPLY < <(compgen -W "$sigs" -- "$cur")
		fi
		;;
	esac
} &&
	complete -F _nook nook
