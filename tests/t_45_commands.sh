# t_45_commands.sh — the hand-off commands on a logged-in scenario profile: exec (exit
# status, signals, a missing command, the variables it sets and removes, nesting), env
# (--format sh/fish/powershell/json, hostile values eval'd by real shells), explicit-profile
# mode (AWSROLE_EXPLICIT_PROFILE, awsrole_explicit_profile = true), status, prompt, logout.
# Sessions come from `awsrole login P --mfa-code C` against moto (TLS, signatures checked), or
# from a cache entry written by the test (for values no STS would hand out).

MFA_SERIAL=arn:aws:iam::333333333333:mfa/example.user
ARN_A=arn:aws:iam::111111111111:role/RoleA
ARN_RO=arn:aws:iam::222222222222:role/RoleReadOnly
RUN_TIMEOUT=20

# cache_key_of PROFILE — the CLI cache key of a role profile (from awsrole list --json).
cache_key_of() {
	awsrole list --json 2>/dev/null | "$PY" -c '
import json, sys
for p in json.load(sys.stdin):
    if p["Profile"] == sys.argv[1]:
        print(p.get("CacheKey", ""))' "$1"
}

# cache_field PROFILE PATH — a field of PROFILE's cache entry.
cache_field() {
	json_get "$(cat "$HOME/.aws/cli/cache/$(cache_key_of "$1").json" 2>/dev/null)" "$2"
}

# logged_in [PROFILE...] — the scenario files and a session for each profile (default: CustomerA).
logged_in() {
	local p
	use_moto || return 1
	scenario_files
	[ $# -gt 0 ] || set -- CustomerA
	for p in "$@"; do
		run awsrole login "$p" --mfa-code 123456
		[ "$RC" = 0 ] || { fail "setup: awsrole login $p failed"; _run_report; return 1; }
	done
}

# env_of NAME — NAME=value from $OUT (env output); prints the value, exit 1 if absent.
env_of() { grep -m1 "^$1=" <<<"$OUT" | cut -d= -f2-; grep -q "^$1=" <<<"$OUT"; }

# ---------------------------------------------------------------- exec

t "exec: the child's exit status is passed on (42), and so is 0"
logged_in
run awsrole exec CustomerA -- sh -c 'exit 42'
expect_rc 42
run awsrole exec CustomerA -- sh -c 'exit 0'
expect_rc 0
run awsrole exec CustomerA -- false
expect_rc 1
pass

t "exec: a child killed by SIGTERM gives 143 to the shell that ran awsrole"
logged_in
run sh -c 'awsrole exec CustomerA -- sh -c "kill -TERM \$\$"; echo "status=$?"'
expect_out_has "status=143"
run sh -c 'awsrole exec CustomerA -- sh -c "kill -INT \$\$; sleep 5"; echo "status=$?"'
expect_out_has "status=130"
pass

t "exec: a command that does not exist is 127 with a message; not executable is 126"
logged_in
run awsrole exec CustomerA -- no-such-command-awsrole-t45 --flag
expect_rc 127
expect_err_has "no-such-command-awsrole-t45"
expect_err_has "awsrole:"
expect_err_golden t_45_commands.exec-not-found
printf 'not a program\n' > "$T_DIR/noexec"
chmod 644 "$T_DIR/noexec"
run awsrole exec CustomerA -- "$T_DIR/noexec"
expect_rc 126
expect_err_has "$T_DIR/noexec"
pass

t "exec: a missing command after -- is a usage error (2)"
logged_in
run awsrole exec CustomerA --
expect_rc 2
expect_err_has "command"
expect_err_golden t_45_commands.usage-exec-no-command
run awsrole exec CustomerA
expect_rc 2
expect_err_golden t_45_commands.usage-exec-no-command
pass

t "exec: sets the session's variables, removes AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN"
logged_in
export AWS_PROFILE=default AWS_DEFAULT_PROFILE=default AWS_SECURITY_TOKEN=stale-token AWS_SESSION_TOKEN=stale-session
run awsrole exec CustomerA -- env
expect_rc 0
expect_eq "AWS_ACCESS_KEY_ID" "$(cache_field CustomerA Credentials.AccessKeyId)" "$(env_of AWS_ACCESS_KEY_ID)"
expect_eq "AWS_SECRET_ACCESS_KEY" "$(cache_field CustomerA Credentials.SecretAccessKey)" "$(env_of AWS_SECRET_ACCESS_KEY)"
expect_eq "AWS_SESSION_TOKEN" "$(cache_field CustomerA Credentials.SessionToken)" "$(env_of AWS_SESSION_TOKEN)"
exp=$(env_of AWS_CREDENTIAL_EXPIRATION)
case $exp in
20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z) ;;
*) fail "AWS_CREDENTIAL_EXPIRATION: [$exp]" ;;
esac
expect_eq "AWS_CREDENTIAL_EXPIRATION is the session's" \
	"$("$PY" -c 'import sys, datetime as d; print(d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp())' "$(cache_field CustomerA Credentials.Expiration)")" \
	"$("$PY" -c 'import sys, datetime as d; print(d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp())' "$exp")"
expect_eq "AWS_REGION" ap-northeast-1 "$(env_of AWS_REGION)"
expect_eq "AWS_DEFAULT_REGION" ap-northeast-1 "$(env_of AWS_DEFAULT_REGION)"
expect_eq "AWSROLE_PROFILE" CustomerA "$(env_of AWSROLE_PROFILE)"
env_of AWS_PROFILE >/dev/null && fail "AWS_PROFILE is still set: $(env_of AWS_PROFILE)"
env_of AWS_DEFAULT_PROFILE >/dev/null && fail "AWS_DEFAULT_PROFILE is still set: $(env_of AWS_DEFAULT_PROFILE)"
env_of AWS_SECURITY_TOKEN >/dev/null && fail "AWS_SECURITY_TOKEN is still set: $(env_of AWS_SECURITY_TOKEN)"
# --region wins over the profile's region.
run awsrole exec CustomerA --region eu-west-1 -- env
expect_eq "AWS_REGION with --region" eu-west-1 "$(env_of AWS_REGION)"
expect_eq "AWS_DEFAULT_REGION with --region" eu-west-1 "$(env_of AWS_DEFAULT_REGION)"
pass

t "exec: the child starts with the caller's signal dispositions and mask, and no extra open files"
logged_in
run grep -E '^(SigBlk|SigIgn):' /proc/self/status
want=$OUT
run awsrole exec CustomerA -- grep -E '^(SigBlk|SigIgn):' /proc/self/status
expect_rc 0
expect_out_eq "$want"
run ls /proc/self/fd
want=$OUT
run awsrole exec CustomerA -- ls /proc/self/fd
expect_rc 0
expect_out_eq "$want"
pass

t "exec: the child can use the credentials (AWS CLI v1 inside exec sees the assumed role)"
logged_in
m=$(moto_log_mark)
run awsrole exec CustomerA -- aws sts get-caller-identity
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/'
expect_eq "AssumeRole calls" 0 "$(moto_calls_since "$m" AssumeRole)"
pass

t "exec: without a profile, AWS_PROFILE picks it (outside explicit-profile mode)"
logged_in
run env AWS_PROFILE=CustomerA awsrole exec -- sh -c 'echo $AWSROLE_PROFILE $AWS_ACCESS_KEY_ID'
expect_rc 0
expect_out_eq "CustomerA $(cache_field CustomerA Credentials.AccessKeyId)"
pass

t "exec: nested exec for another profile is refused (2) unless --allow-nested; the same profile is allowed"
logged_in CustomerA default
m=$(moto_log_mark)
run awsrole exec CustomerA -- awsrole exec default -- sh -c 'echo ran'
expect_rc 2
expect_out_lacks "ran"
expect_err_has "CustomerA"
expect_err_has "default"
expect_err_has "AWSROLE_PROFILE"
expect_err_has "--allow-nested"
expect_err_golden t_45_commands.nested-exec
run env AWSROLE_PROFILE=CustomerA awsrole exec default -- true
expect_rc 2
expect_err_has "already an awsrole session"
expect_err_golden t_45_commands.nested-exec
run awsrole exec CustomerA -- awsrole exec default --allow-nested -- sh -c 'echo $AWSROLE_PROFILE $AWS_ACCESS_KEY_ID'
expect_rc 0
expect_out_eq "default $(cache_field default Credentials.AccessKeyId)"
run awsrole exec CustomerA -- awsrole exec CustomerA -- sh -c 'echo $AWSROLE_PROFILE $AWS_ACCESS_KEY_ID'
expect_rc 0
expect_out_eq "CustomerA $(cache_field CustomerA Credentials.AccessKeyId)"
expect_eq "AssumeRole calls" 0 "$(moto_calls_since "$m" AssumeRole)"
pass

# ---------------------------------------------------------------- env

# Values no STS would hand out: quotes, $(...), backticks, newline, tab, UTF-8.  They come from
# a static-keys profile in the credentials file (the user's own keys are handed out as written;
# the newline is a continuation line, which botocore's RawConfigParser reads the same way).  A
# cache entry with such values is refused as corrupt since issue 13.8 (t_93); the quoting
# functions have the same values in tests/unit_output.c.
HOSTILE_SECRET=$(printf 'it'"'"'s "q" \\ $(touch PWNED1) `touch PWNED2` ; # x\ty\nline2 \342\200\231 \346\227\245 $HOME')
HOSTILE_TOKEN=$(printf 'IQoJ+/=%%s\\n%%d {}[]!*?~ \342\200\230end')
write_hostile_profile() { # PROFILE
	local nl=$'\n'
	printf '[%s]\naws_access_key_id = ASIAHOSTILEEXAMPLE\naws_secret_access_key = %s\n\t%s\naws_session_token = %s\n' \
		"$1" "${HOSTILE_SECRET%%"$nl"*}" "${HOSTILE_SECRET#*"$nl"}" "$HOSTILE_TOKEN" >> "$HOME/.aws/credentials"
	chmod 600 "$HOME/.aws/credentials"
	printf '[profile %s]\nregion = ap-northeast-1\n' "$1" >> "$HOME/.aws/config"
}

t "env --format sh: eval'd by sh, dash and bash gives back the exact values (hostile values too)"
use_moto
scenario_files
write_hostile_profile hostile
cd "$T_DIR" || fail "cd"
m=$(moto_log_mark)
run awsrole env hostile
expect_rc 0
expect_out_has "export AWS_ACCESS_KEY_ID="
expect_out_has "unset AWS_PROFILE"
expect_eq "STS calls (static keys)" 0 "$(moto_calls_since "$m")"
printf '%s\n' "$OUT" > "$T_DIR/env.sh"
for sh in sh dash bash; do
	command -v "$sh" >/dev/null || continue
	got=$(AWS_PROFILE=leftover "$sh" -c '. "$1" && printf "%s\0" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWSROLE_PROFILE" "$AWS_REGION" "${AWS_PROFILE-unset}"' _ "$T_DIR/env.sh" | tr '\0' '|'; echo .)
	expect_eq "$sh: the values back" "ASIAHOSTILEEXAMPLE|$HOSTILE_SECRET|$HOSTILE_TOKEN|hostile|ap-northeast-1|unset|." "$got"
	got=$("$sh" -c 'eval "$(cat "$1")" && printf "%s" "$AWS_SECRET_ACCESS_KEY"' _ "$T_DIR/env.sh"; echo .)
	expect_eq "$sh: eval \"\$(awsrole env)\"" "$HOSTILE_SECRET." "$got"
done
expect_no_file "$T_DIR/PWNED1"
expect_no_file "$T_DIR/PWNED2"
if command -v fish >/dev/null; then
	run awsrole env hostile --format fish
	expect_rc 0
	printf '%s\n' "$OUT" > "$T_DIR/env.fish"
	got=$(fish -N -c 'source $argv[1]; printf "%s|%s" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"' "$T_DIR/env.fish"; echo .)
	expect_eq "fish: the values back" "$HOSTILE_SECRET|$HOSTILE_TOKEN." "$got"
	expect_no_file "$T_DIR/PWNED1"
fi
run awsrole env hostile --format powershell
expect_rc 0
expect_out_has "\$Env:AWS_ACCESS_KEY_ID = 'ASIAHOSTILEEXAMPLE'"
expect_out_has "Remove-Item Env:AWS_PROFILE"
expect_out_has "’’" # U+2019 doubled
cd "$ROOT" || fail "cd"
pass

t "env --format json parses and carries the session; env for a real login matches the cache"
logged_in
run awsrole env CustomerA --format json
expect_rc 0
expect_eq "AWS_ACCESS_KEY_ID" "$(cache_field CustomerA Credentials.AccessKeyId)" "$(json_get "$OUT" AWS_ACCESS_KEY_ID)"
expect_eq "AWS_SECRET_ACCESS_KEY" "$(cache_field CustomerA Credentials.SecretAccessKey)" "$(json_get "$OUT" AWS_SECRET_ACCESS_KEY)"
expect_eq "AWS_SESSION_TOKEN" "$(cache_field CustomerA Credentials.SessionToken)" "$(json_get "$OUT" AWS_SESSION_TOKEN)"
expect_eq "AWSROLE_PROFILE" CustomerA "$(json_get "$OUT" AWSROLE_PROFILE)"
expect_eq "AWS_REGION" ap-northeast-1 "$(json_get "$OUT" AWS_REGION)"
json_get "$OUT" AWS_PROFILE >/dev/null && fail "AWS_PROFILE in the json output"
run awsrole env CustomerA
expect_rc 0
got=$(sh -c 'eval "$1" && printf "%s|%s" "$AWS_ACCESS_KEY_ID" "$AWS_SESSION_TOKEN"' _ "$OUT")
expect_eq "sh eval of env" "$(cache_field CustomerA Credentials.AccessKeyId)|$(cache_field CustomerA Credentials.SessionToken)" "$got"
pass

t "env: an unknown --format is exit 2, before any STS call"
use_moto
scenario_files
m=$(moto_log_mark)
run awsrole env CustomerA --format csh --mfa-code 123456
expect_rc 2
expect_err_has "--format"
expect_err_has "csh"
expect_err_golden t_45_commands.usage-unknown-format
expect_out_eq ""
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

# ---------------------------------------------------------------- explicit-profile mode

# explicit_refusals WHERE [GOLDEN] — each command without a profile is refused (2), AWS_PROFILE
# too; for exec, the message (with and without AWS_PROFILE) is the golden file GOLDEN.
explicit_refusals() {
	local where=$1 golden=${2:-} c
	for c in "exec -- true" "env" "credential-process" "whoami" "login --mfa-code 123456"; do
		# shellcheck disable=SC2086
		run awsrole $c
		expect_rc 2 || echo "    (awsrole $c)" >&2
		expect_err_has "explicit-profile mode"
		expect_err_has "$where"
		expect_err_has "-p"
		expect_out_eq ""
		[ -n "$golden" ] && [ "$c" = "exec -- true" ] && expect_err_golden "$golden"
		# shellcheck disable=SC2086
		run env AWS_PROFILE=CustomerA awsrole $c
		expect_rc 2 || echo "    (AWS_PROFILE=CustomerA awsrole $c)" >&2
		expect_err_has "explicit-profile mode"
		[ -n "$golden" ] && [ "$c" = "exec -- true" ] && expect_err_golden "$golden"
		# shellcheck disable=SC2086
		run env AWS_DEFAULT_PROFILE=CustomerA awsrole $c
		expect_rc 2 || echo "    (AWS_DEFAULT_PROFILE=CustomerA awsrole $c)" >&2
	done
}

# explicit_allowed — with -p or a positional profile, each command works.
explicit_allowed() {
	run awsrole login -p CustomerA --mfa-code 123456
	expect_rc 0
	run awsrole exec -p CustomerA -- sh -c 'echo $AWSROLE_PROFILE'
	expect_rc 0 && expect_out_eq CustomerA
	run awsrole exec CustomerA -- sh -c 'echo $AWSROLE_PROFILE'
	expect_rc 0 && expect_out_eq CustomerA
	run awsrole env --profile CustomerA
	expect_rc 0 && expect_out_has "export AWSROLE_PROFILE='CustomerA'"
	run awsrole credential-process CustomerA
	expect_rc 0 && expect_eq "credential-process Version" 1 "$(json_get "$OUT" Version)"
	run awsrole whoami -p CustomerA
	expect_rc 0 && expect_out_has "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/"
	run awsrole login default --mfa-code 123456
	expect_rc 0
}

t "explicit-profile mode (AWSROLE_EXPLICIT_PROFILE=1): no profile, or only AWS_PROFILE, is refused"
use_moto
scenario_files
export AWSROLE_EXPLICIT_PROFILE=1
m=$(moto_log_mark)
explicit_refusals AWSROLE_EXPLICIT_PROFILE t_45_commands.explicit-profile-env
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
# Ambient keys do not count either.
run env AWS_ACCESS_KEY_ID="$BASE_AKID" AWS_SECRET_ACCESS_KEY="$BASE_SECRET" awsrole whoami
expect_rc 2
expect_err_has "explicit-profile mode"
explicit_allowed
pass

t "explicit-profile mode (awsrole_explicit_profile = true in [default]): the same"
use_moto
scenario_files
sed -i 's/^\[default\]$/[default]\nawsrole_explicit_profile = true/' "$HOME/.aws/config"
m=$(moto_log_mark)
explicit_refusals awsrole_explicit_profile t_45_commands.explicit-profile-config
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
explicit_allowed
# AWSROLE_EXPLICIT_PROFILE=0 turns it off for one command.
run env AWSROLE_EXPLICIT_PROFILE=0 AWS_PROFILE=CustomerA awsrole exec -- sh -c 'echo $AWSROLE_PROFILE'
expect_rc 0 && expect_out_eq CustomerA
pass

# ---------------------------------------------------------------- status and prompt

t "status inside exec names the profile and the time left (and no secret)"
logged_in
run awsrole exec CustomerA -- awsrole status
expect_rc 0
expect_out_has "CustomerA"
expect_out_matches() { grep -qE -- "$1" <<<"$OUT" || { fail "stdout does not match /$1/"; _run_report; }; }
expect_out_matches "expires in 1[0-5]m"
expect_out_lacks "$(cache_field CustomerA Credentials.SecretAccessKey)"
expect_out_lacks "$(cache_field CustomerA Credentials.SessionToken)"
pass

t "status outside exec: AWS_PROFILE's cached session, plain env keys, nothing"
logged_in
run env AWS_PROFILE=CustomerA awsrole status
expect_rc 0
expect_out_has "CustomerA"
grep -qE "1[0-5]m" <<<"$OUT" || { fail "no time left shown"; _run_report; }
run env AWS_PROFILE=default awsrole status
expect_rc 0
expect_out_has "default"
expect_out_has "none"
run env AWS_ACCESS_KEY_ID="$BASE_AKID" AWS_SECRET_ACCESS_KEY="$BASE_SECRET" awsrole status
expect_rc 0
expect_out_has "environment"
expect_out_has "${BASE_AKID:0:4}"
expect_out_lacks "$BASE_SECRET"
run awsrole status
expect_rc 0
expect_out_has "default"
pass

t "prompt: inside exec the profile and minutes; AWS_PROFILE alone; nothing otherwise"
logged_in
run awsrole exec CustomerA -- awsrole prompt
expect_rc 0
grep -qE '^CustomerA 1[0-5]m$' <<<"$OUT" || { fail "prompt inside exec: [$OUT]"; _run_report; }
run awsrole prompt
expect_rc 0
expect_out_eq ""
run env AWS_PROFILE=CustomerA awsrole prompt
expect_rc 0
expect_out_eq "aws:CustomerA"
pass

# ---------------------------------------------------------------- logout

t "logout removes the profile's cached session and says so; again, it says there is none"
logged_in CustomerA default
key=$(cache_key_of CustomerA)
expect_file_exists "$HOME/.aws/cli/cache/$key.json"
run awsrole logout CustomerA
expect_rc 0
expect_out_has "CustomerA"
expect_out_has "$key.json"
expect_no_file "$HOME/.aws/cli/cache/$key.json"
expect_file_exists "$HOME/.aws/cli/cache/$(cache_key_of default).json"
run awsrole logout CustomerA
expect_rc 0
expect_out_has "No cached session"
run awsrole credential-process CustomerA
expect_rc 4
expect_err_has "awsrole login CustomerA"
pass

t "logout --all removes every profile's session"
logged_in CustomerA default
run awsrole logout --all
expect_rc 0
expect_out_has "CustomerA"
expect_out_has "default"
compgen -G "$HOME/.aws/cli/cache/*.json" >/dev/null && fail "cache entries left: $(ls "$HOME/.aws/cli/cache/")"
run awsrole logout --all
expect_rc 0
expect_out_has "No cached session"
pass
