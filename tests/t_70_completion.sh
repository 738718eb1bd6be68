# t_70_completion.sh — the shell completions in completions/: bash (functional), zsh and fish
# (parse, plus profile-name checks).  None of this needs the awsrole binary or the network.
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
expect_out_eq 12
expect_eq "stderr under set -u" "" "$ERR"
pass

t "completion: bash completes the commands"
_bash_complete lo
expect_rc 0
expect_out_eq "$(printf 'login\nlogout')"
_bash_complete ""
expect_out_eq "$(printf '%s\n' login exec env credential-process whoami list logout config doctor status prompt version)"
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
