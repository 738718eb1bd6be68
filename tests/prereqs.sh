#!/usr/bin/env bash
# tests/prereqs.sh — checks and lists the prerequisites of tests/prereqs.txt (issue 13, point 27).
# Needs only bash and coreutils (python3 only for the py: proofs), so it runs on a bare machine.
#
#   prereqs.sh check STEP...          check every entry needed by one of STEPs ("all": every
#                                     step); when some are missing, name each one and print the
#                                     commands that install them (stderr), exit 1
#   prereqs.sh cmds CMD...            (Makefile) each CMD must be in PATH; a missing one is named
#                                     with the package that brings it, exit 1
#   prereqs.sh packages KIND STEP...  the packages of KIND (deb|pip|npm) needed by STEPs, one a line
#   prereqs.sh install STEP...        the commands that install every entry needed by STEPs
#
# Environment: AWSROLE_PREREQS=FILE (the list; default prereqs.txt beside this script),
#              PY=PYTHON (the python3 the py: proofs are checked with; default python3).
set -u
LIST=${AWSROLE_PREREQS:-$(dirname "${BASH_SOURCE[0]}")/prereqs.txt}
PYTHON=${PY:-python3}

[ -r "$LIST" ] || { echo "prereqs.sh: cannot read the list $LIST" >&2; exit 2; }

KIND=() PKG=() PROOF=() STEPS=()
while read -r k p pr st _; do
	case $k in '' | '#'*) continue ;; esac
	KIND+=("$k") PKG+=("$p") PROOF+=("$pr") STEPS+=("$st")
done < "$LIST"

# entry i is needed by one of the steps in "$@"
needed() { # i step...
	local i=$1 s
	shift
	for s in "$@"; do
		[ "$s" = all ] && return 0
		case ",${STEPS[$i]}," in *",$s,"*) return 0 ;; esac
	done
	return 1
}

# a shell word for a package name (pip's "moto[server]==5.2.1" needs quotes)
word() { case $1 in *[][\<\>=*?\ ]*) printf '"%s"' "$1" ;; *) printf '%s' "$1" ;; esac; }

# install commands for the entries whose indices are given
install_cmds() { # index...
	local i deb=() pip=() npm=() arch=() a
	for i in "$@"; do
		case ${KIND[$i]} in
		deb)
			deb+=("${PKG[$i]}")
			case ${PKG[$i]} in *:*)
				a=${PKG[$i]#*:}
				[[ " ${arch[*]-} " == *" $a "* ]] || arch+=("$a") ;;
			esac ;;
		pip) pip+=("$(word "${PKG[$i]}")") ;;
		npm) npm+=("$(word "${PKG[$i]}")") ;;
		esac
	done
	for a in "${arch[@]}"; do echo "dpkg --add-architecture $a"; done
	[ ${#arch[@]} -gt 0 ] && echo "apt-get update"
	[ ${#deb[@]} -gt 0 ] && echo "apt-get install -y ${deb[*]}"
	[ ${#pip[@]} -gt 0 ] && echo "python3 -m pip install --break-system-packages ${pip[*]}"
	[ ${#npm[@]} -gt 0 ] && echo "npm install -g ${npm[*]}"
	return 0
}

# indices of the entries (among "$@") whose proof fails
missing_of() { # index...
	local i mods=() gone
	for i in "$@"; do
		case ${PROOF[$i]} in
		cmd:*) command -v "${PROOF[$i]#cmd:}" > /dev/null 2>&1 || echo "$i" ;;
		file:*) compgen -G "${PROOF[$i]#file:}" > /dev/null || echo "$i" ;;
		py:*) mods+=("$i") ;;
		*) echo "$i" ;;
		esac
	done
	[ ${#mods[@]} -eq 0 ] && return 0
	local names=()
	for i in "${mods[@]}"; do names+=("${PROOF[$i]#py:}"); done
	gone=$("$PYTHON" -c '
import importlib.util, sys
for m in sys.argv[1:]:
    try:
        ok = importlib.util.find_spec(m) is not None
    except (ImportError, ValueError):
        ok = False
    if not ok:
        print(m)
' "${names[@]}" 2>/dev/null) || gone=$(printf '%s\n' "${names[@]}")
	for i in "${mods[@]}"; do
		grep -qxF -- "${PROOF[$i]#py:}" <<<"$gone" && echo "$i"
	done
	return 0
}

what() { # i: how the proof failed
	case ${PROOF[$1]} in
	cmd:*) echo "no command ${PROOF[$1]#cmd:} in PATH" ;;
	py:*) echo "$PYTHON cannot import ${PROOF[$1]#py:}" ;;
	file:*) echo "no file ${PROOF[$1]#file:}" ;;
	*) echo "unknown proof ${PROOF[$1]}" ;;
	esac
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
check)
	[ $# -gt 0 ] || set -- all
	idx=()
	for i in "${!KIND[@]}"; do needed "$i" "$@" && idx+=("$i"); done
	mapfile -t miss < <(missing_of "${idx[@]}")
	[ ${#miss[@]} -eq 0 ] && exit 0
	{
		echo "missing prerequisites (from $LIST, for: $*):"
		for i in "${miss[@]}"; do
			printf '  %-22s %s package, for %s: %s\n' "${PKG[$i]}" "${KIND[$i]}" "${STEPS[$i]}" "$(what "$i")"
		done
		echo "install them with:"
		install_cmds "${miss[@]}" | sed 's/^/  /'
	} >&2
	exit 1
	;;
cmds)
	bad=0 debs=()
	for c in "$@"; do
		command -v "$c" > /dev/null 2>&1 && continue
		bad=1 p=
		for i in "${!KIND[@]}"; do
			[ "${PROOF[$i]}" = "cmd:$c" ] && { p=${PKG[$i]}; break; }
		done
		if [ -n "$p" ]; then
			echo "*** $c not found: install it with  apt-get install -y $p" >&2
			debs+=("$p")
		else
			echo "*** $c not found (it is not in $LIST: install it, or name another with CC=)" >&2
		fi
	done
	[ ${#debs[@]} -gt 1 ] && echo "*** all of them:  apt-get install -y ${debs[*]}" >&2
	exit "$bad"
	;;
packages)
	kind=${1:-}
	shift
	[ $# -gt 0 ] || set -- all
	for i in "${!KIND[@]}"; do
		[ "${KIND[$i]}" = "$kind" ] && needed "$i" "$@" && echo "${PKG[$i]}"
	done
	exit 0
	;;
install)
	[ $# -gt 0 ] || set -- all
	idx=()
	for i in "${!KIND[@]}"; do needed "$i" "$@" && idx+=("$i"); done
	install_cmds "${idx[@]}"
	exit 0
	;;
*)
	sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
	;;
esac
