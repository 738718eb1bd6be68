# bash completion for awsrole                                   -*- shell-script -*-
#
# Install: copy to /usr/share/bash-completion/completions/awsrole (make install does
# this under $PREFIX), or `source` it from ~/.bashrc.  Works with and without the
# bash-completion package.
#
# Profile names are read from the files themselves (no awsrole call, no network):
#   $AWS_CONFIG_FILE (default ~/.aws/config): [default] and [profile NAME], where NAME
#     may be quoted as in [profile "Access CustomerA"] (split like the AWS CLI does);
#   $AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials): [NAME], taken literally,
#     so [Access CustomerA] completes as Access\ CustomerA.

# Split a section header like Python's shlex (POSIX mode); prints one word per line.
_awsrole_shlex() {
	local s=$1 w='' c q='' have=0 i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		if [[ $q == "'" ]]; then
			if [[ $c == "'" ]]; then q=''; else w+=$c; fi
		elif [[ $q == '"' ]]; then
			if [[ $c == '\' && ( ${s:i+1:1} == '"' || ${s:i+1:1} == '\' ) ]]; then
				w+=${s:i+1:1}
				((i++))
			elif [[ $c == '"' ]]; then
				q=''
			else
				w+=$c
			fi
		elif [[ $c == [[:space:]] ]]; then
			((have)) && printf '%s\n' "$w"
			w='' have=0
		elif [[ $c == '\' ]]; then
			((i + 1 < ${#s})) || return 1
			w+=${s:i+1:1} have=1
			((i++))
		elif [[ $c == "'" || $c == '"' ]]; then
			q=$c have=1
		else
			w+=$c have=1
		fi
	done
	[[ -z $q ]] || return 1
	((have)) && printf '%s\n' "$w"
	return 0
}

# The section names of an INI file, one per line (the text between [ and the last ]).
_awsrole_sections() {
	local line
	[[ -r $1 && -f $1 ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		line=${line#"${line%%[![:space:]]*}"}
		[[ $line == '['*']'* ]] || continue
		line=${line#\[}
		line=${line%\]*}
		[[ -n $line ]] && printf '%s\n' "$line"
	done < "$1"
}

# Every profile name, one per line, sorted and unique.
_awsrole_profiles() {
	local cfg=${AWS_CONFIG_FILE-$HOME/.aws/config}
	local cred=${AWS_SHARED_CREDENTIALS_FILE-$HOME/.aws/credentials}
	local sec words
	[[ $cfg == '~' || $cfg == '~/'* ]] && cfg=$HOME${cfg#\~}
	[[ $cred == '~' || $cred == '~/'* ]] && cred=$HOME${cred#\~}
	{
		while IFS= read -r sec; do
			if [[ $sec == default ]]; then
				echo default
			elif [[ $sec == profile* ]]; then
				words=()
				mapfile -t words < <(_awsrole_shlex "$sec") || continue
				((${#words[@]} == 2)) && printf '%s\n' "${words[1]}"
			fi
		done < <(_awsrole_sections "$cfg")
		_awsrole_sections "$cred" | while IFS= read -r sec; do
			[[ $sec == DEFAULT ]] || printf '%s\n' "$sec"
		done
	} | LC_ALL=C sort -u
}

# The word being completed without its shell quoting: Access\ Cu -> Access Cu, "Acc -> Acc.
_awsrole_dequote() {
	local s=$1 out='' i c
	case $s in
	\"*) s=${s#\"}; printf '%s' "${s%\"}"; return ;;
	\'*) s=${s#\'}; printf '%s' "${s%\'}"; return ;;
	esac
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		if [[ $c == '\' ]]; then
			((i++))
			c=${s:i:1}
		fi
		out+=$c
	done
	printf '%s' "$out"
}

# COMPREPLY := the names (one per line in $1) starting with the word $2, quoted for the
# command line unless the word opens a quote itself.
_awsrole_reply_names() {
	local names=$1 raw=$2 want n
	want=$(_awsrole_dequote "$raw")
	while IFS= read -r n; do
		[[ -n $n && $n == "$want"* ]] || continue
		case $raw in
		\"* | \'*) COMPREPLY+=("$n") ;;
		*) COMPREPLY+=("$(printf '%q' "$n")") ;;
		esac
	done <<< "$names"
}

_awsrole_regions() {
	local f=${AWS_CONFIG_FILE-$HOME/.aws/config} line
	[[ $f == '~' || $f == '~/'* ]] && f=$HOME${f#\~}
	[[ -r $f && -f $f ]] || return 0
	while IFS= read -r line; do
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*region[[:space:]]*[=:][[:space:]]*([a-z0-9-]+)[[:space:]]*$ ]] &&
			printf '%s\n' "${BASH_REMATCH[1]}"
	done < "$f" | LC_ALL=C sort -u
}

# COMPREPLY := the files and directories starting with the word $1 (quoted like filenames
# where the shell can: compopt only works inside a real completion).
_awsrole_reply_files() {
	compopt -o filenames 2> /dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$(_awsrole_dequote "$1")")
}

_awsrole() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=''
	local commands='login serve agent exec env credential-process whoami list logout config doctor status prompt version'
	local cmd='' sub='' profile='' dashdash=0 after_eq=0 agent_env=0 i w
	local -a given=()
	local values='-p --profile --region --format --mfa-code --scope --policy --policy-arn --name --role-session-name'
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# bash splits --opt=value at "=" (COMP_WORDBREAKS) into --opt = value
	if [[ $cur == = && $prev == --* ]]; then
		cur='' after_eq=1
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]} after_eq=1
	fi

	# What is on the line before the word being completed.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((dashdash)); then
			break
		fi
		case $w in
		--)
			dashdash=$i
			continue
			;;
		-p | --profile | --region | --format | --mfa-code | --scope | --policy | --policy-arn | --name | --role-session-name)
			((i + 1 < COMP_CWORD)) && [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
			if [[ $w == -p || $w == --profile ]] && ((i + 1 < COMP_CWORD)); then
				profile=${COMP_WORDS[i + 1]}
				given+=("$(_awsrole_dequote "$profile")")
			fi
			((i++))
			continue
			;;
		--mfa-session)
			# its DURATION is optional: the next word is one when it starts with a digit
			((i + 1 < COMP_CWORD)) && [[ ${COMP_WORDS[i + 1]} == [0-9]* ]] && ((i++))
			continue
			;;
		=)
			# the value of --opt=value (split by bash)
			[[ ${COMP_WORDS[i - 1]} == --* ]] && ((i++))
			continue
			;;
		--env)
			agent_env=1
			continue
			;;
		-*) continue ;;
		esac
		if [[ -z $cmd ]]; then
			cmd=$w
		elif [[ $cmd == config && -z $sub ]]; then
			sub=$w
		elif [[ $cmd == login || $cmd == serve ]]; then
			# several profiles: every word is one
			profile=$w
			given+=("$(_awsrole_dequote "$w")")
		elif [[ $cmd == agent ]]; then
			# no profile: the first word is the command to run
			dashdash=$((i - 1))
			break
		elif [[ -z $profile ]]; then
			case $cmd in
			exec | env | credential-process | whoami | logout | doctor) profile=$w ;;
			esac
		elif [[ $cmd == exec ]]; then
			# the command to run starts here (awsrole stops parsing at it)
			dashdash=$((i - 1))
			break
		fi
	done

	# agent: the word being completed is the command to run, unless it is an option, an
	# option's value, or --env was given (then there is no command).
	if [[ $cmd == agent ]] && ((!dashdash && !agent_env && !after_eq)) && [[ $cur != -* ]] &&
		[[ " $values " != *" $prev "* ]]; then
		dashdash=$((COMP_CWORD - 1))
	fi

	# exec, agent: after "--" (or the command's first word) complete the command to run.
	if [[ $cmd == exec || $cmd == agent ]] && ((dashdash)); then
		local start=$((dashdash + 1))
		if declare -F _command_offset > /dev/null; then
			_command_offset "$start"
			return 0
		fi
		if ((COMP_CWORD == start)); then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	fi

	case $prev in
	-p | --profile)
		_awsrole_reply_names "$(_awsrole_profiles)" "$cur"
		return 0
		;;
	--format)
		if [[ $cmd == agent ]]; then
			mapfile -t COMPREPLY < <(compgen -W 'sh bash zsh fish' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W 'sh fish powershell json' -- "$cur")
		fi
		return 0
		;;
	--scope)
		mapfile -t COMPREPLY < <(compgen -W 'readonly viewonly full' -- "$cur")
		return 0
		;;
	--policy)
		_awsrole_reply_files "$cur"
		return 0
		;;
	--region)
		mapfile -t COMPREPLY < <(compgen -W "$(_awsrole_regions)" -- "$cur")
		return 0
		;;
	--mfa-code | --policy-arn | --name | --role-session-name)
		return 0
		;;
	esac
	# the value of an option without values to offer (--mfa-session=DURATION)
	((after_eq)) && return 0

	if [[ $cur == -* ]]; then
		local common='-p --profile --region --mfa-code --no-cache -v --verbose -h --help'
		local scoped='--scope --policy --policy-arn'
		local opts
		case $cmd in
		'') opts='-h --help' ;;
		login | credential-process | whoami) opts="$common $scoped" ;;
		serve) opts="--mfa-session --region $scoped --role-session-name --mfa-code -v --verbose -h --help" ;;
		agent) opts='--name --policy --env --format -h --help --' ;;
		exec) opts="$common $scoped --allow-nested --" ;;
		env) opts="$common $scoped --format" ;;
		list) opts='--json -h --help' ;;
		logout) opts='-p --profile --all -h --help' ;;
		config) opts='--json --show-secrets -h --help' ;;
		doctor) opts="$common --online --json" ;;
		status | prompt) opts='-h --help' ;;
		*) opts='' ;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi

	if [[ -z $cmd ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		return 0
	fi
	if [[ $cmd == config ]]; then
		[[ -z $sub ]] && mapfile -t COMPREPLY < <(compgen -W 'dump' -- "$cur")
		return 0
	fi
	case $cmd in
	login | serve)
		# another profile, not one already on the line
		local names='' n g
		while IFS= read -r n; do
			for g in "${given[@]}"; do
				[[ $n == "$g" ]] && continue 2
			done
			names+=$n$'\n'
		done < <(_awsrole_profiles)
		_awsrole_reply_names "$names" "$cur"
		;;
	exec | env | credential-process | whoami | logout | doctor)
		if [[ -z $profile ]]; then
			_awsrole_reply_names "$(_awsrole_profiles)" "$cur"
		elif [[ $cmd == exec ]]; then
			mapfile -t COMPREPLY < <(compgen -W '--' -- "$cur")
		fi
		;;
	esac
	return 0
}

complete -F _awsrole awsrole
