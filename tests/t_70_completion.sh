# t_70_completion.sh — the shell completions in completions/: bash (functional, calling the
# function with COMP_WORDS set), zsh (the file sourced with stubs, and zsh's real completion
# system driven on a pseudo-terminal by zsh/zpty) and fish (complete -C).  None of this needs
# the awsrole binary or the network.
#
# zsh and fish must be installed for the last cases; when one is missing the case is a loud
# SKIP (a failure with CI=true), or a failure if .ci/run claims to install it.

C_BASH=$ROOT/completions/awsrole.bash
C_ZSH=$ROOT/completions/_awsrole
C_FISH=$ROOT/completions/awsrole.fish

# The scenario's profiles, plus the header forms the AWS CLI treats specially.
_comp_files() {
	aws_config_write <<-'EOF'
	[default]
	region = ap-northeast-1
	source_profile = base
	role_arn = arn:aws:iam::111111111111:role/RoleA

	[profile CustomerA]
	region = ap-northeast-1
	source_profile = Access CustomerA
	role_arn = arn:aws:iam::222222222222:role/RoleReadOnly

	[profile "Quoted Name"]
	region = eu-west-1

	  [profile indented]
	region = us-east-1

	[profile two words]
	[sso-session corp]
	[DEFAULT]
	[plugins]
	EOF
	aws_credentials_write <<-'EOF'
	[base]
	aws_access_key_id = AKIAEXAMPLE
	aws_secret_access_key = x

	[Access CustomerA]
	aws_access_key_id = AKIAEXAMPLE
	aws_secret_access_key = x

	[DEFAULT]
	EOF
}

# _bash_complete WORD... — run the bash completion for `WORD...` (the last word is the one
# being completed; pass "" for an empty word) in `bash --norc`; one COMPREPLY item per line.
_bash_complete() {
	run bash --norc -c '
		source "$1" || exit 90
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_awsrole awsrole "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 91
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"
		exit 0
	' _ "$C_BASH" awsrole "$@"
}

# _zsh_complete LINE — the matches zsh's completion system (compinit, completions/ first in
# fpath) adds for LINE followed by Tab, one per line in OUT, as zsh quotes them (Access\ A).
# An interactive `zsh -f` on a zpty: the line is typed once its prompt is up, and Tab runs
# complete-word, then shows a marker the driver waits for.  RC 9x: the driver failed.
_zsh_complete() {
	cat > "$T_DIR/zcomplete.zsh" <<-'EOF'
	zmodload zsh/zpty || exit 90
	zpty z zsh -f -i || exit 91
	zpty -w z "PS1='' RPS1=''; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
	zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' select-prompt ''"
	# every match added (compadd -O/-A/-D only compute, they add nothing)
	zpty -w z "compadd() { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; local -a __h; builtin compadd -A __h \"\$@\"; (( \${#__h} )) && print -rl -- \"\${__h[@]}\" >> ${(q)2}; builtin compadd \"\$@\"; }"
	zpty -w z "_t_tab() { zle complete-word; zle -M 'COMP''DONE'; }; zle -N _t_tab; bindkey '^I' _t_tab"
	zpty -w z ": > ${(q)2}; PS1='<P''S1>'; print -r -- RE''ADY"
	zpty -r z l '*READY*' || exit 92
	zpty -r z l '*<PS1>*' || exit 93
	zpty -w -n z "$3"$'\t'
	zpty -r z l '*COMPDONE*' || exit 94
	zpty -w -n z $'\C-e\C-u'
	zpty -d z
	[[ -s $2 ]] && print -r -- "$(<$2)"
	exit 0
	EOF
	run zsh -f "$T_DIR/zcomplete.zsh" "$ROOT/completions" "$T_DIR/zmatches" "$1"
}

# _fish_complete LINE — the candidates of fish's `complete -C LINE`, without descriptions,
# sorted (fish orders them itself).
_fish_complete() {
	run fish --no-config -c 'source $argv[1]; or exit 90; complete -C $argv[2]' "$C_FISH" "$1"
	OUT=$(cut -f1 <<< "$OUT" | LC_ALL=C sort)
}

# expect_line LINE — OUT has LINE as one whole line.
expect_line() {
	grep -qxF -- "$1" <<< "$OUT" && return 0
	fail "stdout lacks the line: $1"
	_run_report
	return 1
}

_shell_missing() { # SHELL — skip (or fail, if .ci/run installs it) when SHELL is absent
	command -v "$1" > /dev/null && return 1
	if sed -n '/^PKGS=(/,/)/p' "$ROOT/.ci/run" 2> /dev/null | sed 's/#.*//' | grep -qw -- "$1"; then
		fail "$1 is not installed, though .ci/run lists it"
		pass
	else
		skip "$1 is not installed; add it to PKGS in .ci/run (apt package \"$1\")"
	fi
	return 0
}

t "completion: the bash script loads in bash --norc without errors"
run bash --norc -c 'source "$1" && complete -p awsrole' _ "$C_BASH"
expect_rc 0
expect_out_eq "complete -F _awsrole awsrole"
expect_eq "stderr" "" "$ERR"
run bash --norc -c 'set -u; source "$1" && COMP_WORDS=(awsrole "") COMP_CWORD=1 && _awsrole awsrole "" awsrole && echo "${#COMPREPLY[@]}"' _ "$C_BASH"
expect_rc 0
expect_out_eq 14
expect_eq "stderr under set -u" "" "$ERR"
pass

t "completion: bash completes the commands"
_bash_complete lo
expect_rc 0
expect_out_eq "$(printf 'login\nlogout')"
_bash_complete ""
expect_out_eq "$(printf '%s\n' login serve agent exec env credential-process whoami list logout config doctor status prompt version)"
_bash_complete se
expect_out_eq serve
_bash_complete a
expect_out_eq agent
_bash_complete -v c
expect_out_eq "$(printf 'credential-process\nconfig')"
_bash_complete config ""
expect_out_eq dump
pass

t "completion: bash completes profile names from config and credentials, spaces escaped"
_comp_files
_bash_complete exec ""
expect_rc 0
expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' CustomerA 'Quoted\ Name' base default indented)"
expect_eq "stderr" "" "$ERR"
_bash_complete exec Acc
expect_out_eq 'Access\ CustomerA'
_bash_complete exec 'Access\ C'
expect_out_eq 'Access\ CustomerA'
_bash_complete exec '"Acc'
expect_out_eq 'Access CustomerA'
_bash_complete login Cu
expect_out_eq CustomerA
_bash_complete env -p Q
expect_out_eq 'Quoted\ Name'
_bash_complete --profile b
expect_out_eq base
# a profile was given: no second profile, but exec offers --
_bash_complete env CustomerA ""
expect_out_eq ""
_bash_complete exec CustomerA ""
expect_out_eq "--"
_bash_complete list ""
expect_out_eq ""
pass

t "completion: bash honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE"
_comp_files
mkdir -p "$HOME/other"
printf '[profile elsewhere]\nregion = us-west-2\n' > "$HOME/other/cfg"
printf '[cred with spaces]\naws_access_key_id = a\n' > "$HOME/other/cred"
AWS_CONFIG_FILE=$HOME/other/cfg AWS_SHARED_CREDENTIALS_FILE='~/other/cred' _bash_complete whoami ""
expect_out_eq "$(printf '%s\n' 'cred\ with\ spaces' elsewhere)"
AWS_CONFIG_FILE=$HOME/missing AWS_SHARED_CREDENTIALS_FILE=$HOME/missing _bash_complete whoami ""
expect_rc 0
expect_out_eq ""
expect_eq "stderr with missing files" "" "$ERR"
pass

t "completion: bash completes options per command and their values"
_comp_files
_bash_complete env CustomerA --format ""
expect_out_eq "$(printf 'sh\nfish\npowershell\njson')"
_bash_complete env CustomerA --format p
expect_out_eq powershell
_bash_complete exec CustomerA --al
expect_out_eq --allow-nested
_bash_complete logout --a
expect_out_eq --all
_bash_complete doctor --o
expect_out_eq --online
_bash_complete config dump --s
expect_out_eq --show-secrets
_bash_complete list --j
expect_out_eq --json
_bash_complete env --region ""
expect_out_eq "$(printf 'ap-northeast-1\neu-west-1\nus-east-1')"
_bash_complete login --mfa-code ""
expect_out_eq ""
pass

t "completion: bash completes the command after exec's --"
_comp_files
_bash_complete exec CustomerA -- ech
expect_rc 0
expect_out_has echo
_bash_complete exec -p CustomerA -- ech
expect_out_has echo
pass

t "completion: bash: serve and login complete more profiles, not those already given"
_comp_files
_bash_complete serve ""
expect_rc 0
expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' CustomerA 'Quoted\ Name' base default indented)"
_bash_complete serve CustomerA ""
expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' base default indented)"
expect_eq "stderr" "" "$ERR"
_bash_complete serve 'Access\ CustomerA' '"Quoted Name"' default i
expect_out_eq indented
_bash_complete serve 'Access\ CustomerA' '"Quoted Name"' default ""
expect_out_eq "$(printf '%s\n' CustomerA base indented)"
# options and their values are not profiles; --mfa-session's DURATION is optional
_bash_complete serve --scope full --mfa-session 8h CustomerA --region eu-west-1 --policy-arn x ""
expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' base default indented)"
_bash_complete serve --mfa-session CustomerA b
expect_out_eq base
# bash splits --mfa-session=8h at "=" (COMP_WORDBREAKS)
_bash_complete serve CustomerA --mfa-session = 8h ""
expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' base default indented)"
_bash_complete serve CustomerA --mfa-session = ""
expect_out_eq ""
_bash_complete login -p base CustomerA ""
expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' default indented)"
_bash_complete login default indented C
expect_out_eq CustomerA
pass

t "completion: bash: --scope completes readonly, viewonly and full"
_comp_files
for c in login serve exec env credential-process whoami; do
	_bash_complete "$c" --scope ""
	expect_out_eq "$(printf 'readonly\nviewonly\nfull')" || break
done
_bash_complete exec CustomerA --scope v
expect_out_eq viewonly
_bash_complete serve CustomerA --scope = ""
expect_out_eq "$(printf 'readonly\nviewonly\nfull')"
_bash_complete whoami --scope = f
expect_out_eq full
_bash_complete login --sc
expect_out_eq --scope
pass

t "completion: bash: --policy completes files"
_comp_files
mkdir -p "$HOME/pol/sub"
: > "$HOME/pol/a.json"
: > "$HOME/pol/b c.json"
for c in login serve exec env credential-process whoami agent; do
	_bash_complete "$c" --policy pol/
	expect_out_eq "$(printf '%s\n' 'pol/a.json' 'pol/b c.json' pol/sub)" || break
done
_bash_complete exec CustomerA --policy 'pol/b\ '
expect_out_eq 'pol/b c.json'
# --policy-arn, --role-session-name, --name: free text
_bash_complete whoami --policy-arn ""
expect_out_eq ""
_bash_complete serve --role-session-name ""
expect_out_eq ""
_bash_complete agent --name ""
expect_out_eq ""
_bash_complete env --pol
expect_out_eq "$(printf -- '--policy\n--policy-arn')"
pass

t "completion: bash: the options of serve and agent, and agent's --format"
_comp_files
_bash_complete serve CustomerA --mfa-s
expect_out_eq --mfa-session
_bash_complete serve --ro
expect_out_eq --role-session-name
_bash_complete serve --
expect_out_eq "$(printf -- '%s\n' --mfa-session --region --scope --policy --policy-arn --role-session-name --mfa-code --verbose --help)"
_bash_complete agent -
expect_out_eq "$(printf -- '%s\n' --name --policy --env --format -h --help --)"
_bash_complete agent --env --format ""
expect_out_eq "$(printf 'sh\nbash\nzsh\nfish')"
_bash_complete agent --env --format = f
expect_out_eq fish
# env's formats are unchanged
_bash_complete env --format ""
expect_out_eq "$(printf 'sh\nfish\npowershell\njson')"
pass

t "completion: bash: agent completes the command to run after -- and at its first word"
_comp_files
mkdir -p "$HOME/d"
: > "$HOME/d/file1"
_bash_complete agent -- ech
expect_rc 0
expect_line echo
_bash_complete agent ech
expect_line echo
_bash_complete agent --name view1 --policy p.json -- ech
expect_line echo
_bash_complete agent --name view1 ech
expect_line echo
# the command's own arguments
_bash_complete agent -- ls d/
expect_out_eq d/file1
_bash_complete agent ls d/
expect_out_eq d/file1
# an option's value, or --env (no command): no command names
_bash_complete agent --name ech
expect_out_eq ""
_bash_complete agent --env ech
expect_out_eq ""
pass

t "completion: zsh script parses and reads the profile names"
if ! _shell_missing zsh; then
	run zsh -n "$C_ZSH"
	expect_rc 0
	expect_eq "zsh -n stderr" "" "$ERR"
	_comp_files
	# Outside the completion system: stub compadd/_describe, set words/CURRENT, source the file.
	run zsh -f -c '
		compadd() {
			local arr=0 n
			while [[ $1 == -* && $1 != - ]]; do [[ $1 == -a ]] && arr=1; shift; done
			[[ $1 == - ]] && shift
			if (( arr )); then for n; do print -rl -- "${(@P)n}"; done; else print -rl -- "$@"; fi
		}
		_describe() { print -rl -- "${(@)${(@P)${@[-1]}}%%:*}"; }
		_message() { :; }
		words=("${@:2}") CURRENT=$(( $# - 1 )) PREFIX=${@[-1]}
		source "$1"
	' _ "$C_ZSH" awsrole exec ""
	expect_rc 0
	expect_out_eq "$(printf '%s\n' 'Access CustomerA' CustomerA 'Quoted Name' base default indented)"
	expect_eq "stderr" "" "$ERR"
	pass
fi

t "completion: zsh (completion system): the commands include serve and agent"
if ! _shell_missing zsh; then
	_comp_files
	_zsh_complete "awsrole "
	expect_rc 0
	expect_out_eq "$(printf '%s\n' login serve agent exec env credential-process whoami list logout config doctor status prompt version)"
	_zsh_complete "awsrole se"
	expect_out_eq serve
	_zsh_complete "awsrole ag"
	expect_out_eq agent
	pass
fi

t "completion: zsh (completion system): serve and login complete more profiles, not those given"
if ! _shell_missing zsh; then
	_comp_files
	_zsh_complete "awsrole serve "
	expect_rc 0
	expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' CustomerA 'Quoted\ Name' base default indented)"
	_zsh_complete "awsrole serve CustomerA "
	expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' base default indented)"
	_zsh_complete "awsrole serve 'Access CustomerA' Quoted\\ Name --mfa-session 8h --scope full default "
	expect_out_eq "$(printf '%s\n' CustomerA base indented)"
	_zsh_complete "awsrole serve CustomerA --mfa-session=8h "
	expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' base default indented)"
	_zsh_complete "awsrole login -p base CustomerA "
	expect_out_eq "$(printf '%s\n' 'Access\ CustomerA' 'Quoted\ Name' default indented)"
	pass
fi

t "completion: zsh (completion system): --scope completes readonly, viewonly and full"
if ! _shell_missing zsh; then
	_comp_files
	for c in login serve exec env credential-process whoami; do
		_zsh_complete "awsrole $c --scope "
		expect_rc 0
		expect_out_eq "$(printf 'readonly\nviewonly\nfull')" || break
	done
	_zsh_complete "awsrole exec CustomerA --scope v"
	expect_out_eq viewonly
	_zsh_complete "awsrole serve CustomerA --scope="
	expect_out_eq "$(printf 'readonly\nviewonly\nfull')"
	pass
fi

t "completion: zsh (completion system): --policy completes files"
if ! _shell_missing zsh; then
	_comp_files
	mkdir -p "$HOME/pol/sub"
	: > "$HOME/pol/a.json"
	: > "$HOME/pol/b c.json"
	for c in login serve exec agent; do
		_zsh_complete "awsrole $c --policy pol/"
		expect_rc 0
		expect_eq "$c --policy pol/" "$(printf '%s\n' a.json 'b\ c.json' sub)" "$(LC_ALL=C sort <<< "$OUT")" || break
	done
	_zsh_complete "awsrole whoami CustomerA --policy=pol/a"
	expect_out_eq a.json
	pass
fi

t "completion: zsh (completion system): agent completes the command to run after -- and at its first word"
if ! _shell_missing zsh; then
	_comp_files
	mkdir -p "$HOME/d"
	: > "$HOME/d/file1"
	_zsh_complete "awsrole agent -- ech"
	expect_rc 0
	expect_line echo
	_zsh_complete "awsrole agent ech"
	expect_line echo
	_zsh_complete "awsrole agent --name view1 -- ech"
	expect_line echo
	_zsh_complete "awsrole agent -- ls d/"
	expect_out_eq file1
	_zsh_complete "awsrole agent --env ech"
	expect_out_eq ""
	_zsh_complete "awsrole agent --env --format "
	expect_out_eq "$(printf 'sh\nbash\nzsh\nfish')"
	pass
fi

t "completion: fish script parses and completes profile names"
if ! _shell_missing fish; then
	run fish --no-config -n "$C_FISH"
	expect_rc 0
	expect_eq "fish -n stderr" "" "$ERR"
	_comp_files
	run fish --no-config -c 'source $argv[1]; complete -C "awsrole exec "' "$C_FISH"
	expect_rc 0
	# fish orders completions itself
	expect_eq "fish profile completions" \
		"$(printf '%s\tprofile\n' 'Access CustomerA' CustomerA 'Quoted Name' base default indented | LC_ALL=C sort)" \
		"$(LC_ALL=C sort <<< "$OUT")"
	run fish --no-config -c 'source $argv[1]; complete -C "awsrole lo"; complete -C "awsrole env x --format p"' "$C_FISH"
	expect_out_has "login"
	expect_out_has "logout"
	expect_out_has "powershell"
	pass
fi

t "completion: fish: the commands include serve and agent"
if ! _shell_missing fish; then
	_fish_complete "awsrole "
	expect_rc 0
	expect_out_eq "$(printf '%s\n' login serve agent exec env credential-process whoami list logout config doctor status prompt version | LC_ALL=C sort)"
	expect_eq "stderr" "" "$ERR"
	_fish_complete "awsrole se"
	expect_out_eq serve
	_fish_complete "awsrole ag"
	expect_out_eq agent
	pass
fi

t "completion: fish: serve and login complete more profiles, not those given"
if ! _shell_missing fish; then
	_comp_files
	_fish_complete "awsrole serve "
	expect_rc 0
	expect_out_eq "$(printf '%s\n' 'Access CustomerA' CustomerA 'Quoted Name' base default indented | LC_ALL=C sort)"
	_fish_complete "awsrole serve CustomerA "
	expect_out_eq "$(printf '%s\n' 'Access CustomerA' 'Quoted Name' base default indented | LC_ALL=C sort)"
	_fish_complete "awsrole serve 'Access CustomerA' Quoted\\ Name --mfa-session 8h --scope full default "
	expect_out_eq "$(printf '%s\n' CustomerA base indented)"
	_fish_complete "awsrole serve CustomerA --mfa-session=8h "
	expect_out_eq "$(printf '%s\n' 'Access CustomerA' 'Quoted Name' base default indented | LC_ALL=C sort)"
	_fish_complete "awsrole login -p base CustomerA "
	expect_out_eq "$(printf '%s\n' 'Access CustomerA' 'Quoted Name' default indented | LC_ALL=C sort)"
	pass
fi

t "completion: fish: --scope completes readonly, viewonly and full"
if ! _shell_missing fish; then
	_comp_files
	for c in login serve exec env credential-process whoami; do
		_fish_complete "awsrole $c --scope "
		expect_rc 0
		expect_out_eq "$(printf 'full\nreadonly\nviewonly')" || break
	done
	_fish_complete "awsrole exec CustomerA --scope v"
	expect_out_eq viewonly
	_fish_complete "awsrole serve CustomerA --scope="
	expect_out_eq "$(printf -- '--scope=%s\n' full readonly viewonly)"
	pass
fi

t "completion: fish: --policy completes files"
if ! _shell_missing fish; then
	_comp_files
	mkdir -p "$HOME/pol/sub"
	: > "$HOME/pol/a.json"
	: > "$HOME/pol/b c.json"
	for c in login serve exec env credential-process whoami agent; do
		_fish_complete "awsrole $c --policy pol/"
		expect_rc 0
		expect_out_eq "$(printf '%s\n' pol/a.json 'pol/b c.json' pol/sub/)" || break
	done
	# without --policy, no files
	_fish_complete "awsrole whoami CustomerA pol/"
	expect_out_eq ""
	pass
fi

t "completion: fish: agent completes the command to run after -- and at its first word"
if ! _shell_missing fish; then
	_comp_files
	mkdir -p "$HOME/d"
	: > "$HOME/d/file1"
	_fish_complete "awsrole agent -- ech"
	expect_rc 0
	expect_line echo
	_fish_complete "awsrole agent ech"
	expect_line echo
	_fish_complete "awsrole agent --name view1 -- ech"
	expect_line echo
	_fish_complete "awsrole agent -- ls d/"
	expect_out_eq d/file1
	_fish_complete "awsrole agent --env ech"
	expect_out_eq ""
	_fish_complete "awsrole agent --env --format "
	expect_out_eq "$(printf 'bash\nfish\nsh\nzsh')"
	pass
fi
