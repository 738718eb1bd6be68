# t_40_scenario.sh — SCENARIO.md end to end: the two profiles (default -> RoleA in
# 111111111111, CustomerA -> RoleReadOnly in 222222222222 through the source profile
# "Access CustomerA"), `awsrole login` with the MFA code typed on a real terminal, then the
# agent's side without a terminal (exec, whoami, credential-process read by the AWS CLI v1),
# the no-terminal and AWSROLE_NO_PROMPT refusals, --mfa-code, mfa_process, role chaining,
# role_session_name and external_id; then bad input, each with its own message.
# Peers: moto over TLS with signature checking (keys = the moto user's real keys), fake_sts
# for answers moto does not give (a wrong MFA code).

MFA_SERIAL=arn:aws:iam::333333333333:mfa/example.user
PROMPT="Enter MFA code for $MFA_SERIAL: "
ARN_A=arn:aws:iam::111111111111:role/RoleA
ARN_RO=arn:aws:iam::222222222222:role/RoleReadOnly
KEY_DEFAULT=eb73dc24d3b02afb39b999e638a3365a630afca9 # FACTS.md: the CLI's key for [default]
RUN_TIMEOUT=15 # every command here is quick; a lost prompt should not cost 30 s

# Milliseconds since the epoch.

# prompts_on_tty — how many MFA prompts appeared on the terminal.
prompts_on_tty() { grep -o "Enter MFA code for" <<<"$TTY" | wc -l | tr -d ' '; }

# cache_file_field KEY PATH — a field of the cache entry KEY.json.
cache_file_field() { json_get "$(cat "$HOME/.aws/cli/cache/$1.json" 2>/dev/null)" "$2"; }

# agent_profile — [profile agent]: the AWS CLI gets CustomerA's session through credential_process.
agent_profile() {
	aws_config_profile agent region=ap-northeast-1 "credential_process=$AWSROLE_BIN credential-process CustomerA"
}

# login_typed PROFILE CODE — awsrole login PROFILE with CODE typed at the prompt.
login_typed() {
	run_pty --expect "$PROMPT" --send "$2\n" -- awsrole login "$1"
}

# ---------------------------------------------------------------- the scenario

t "scenario: login CustomerA asks on the terminal with the CLI's prompt; the code is not echoed"
use_moto
scenario_files
m=$(moto_log_mark)
login_typed CustomerA 482913
expect_rc 0
expect_err_has "$PROMPT"
case $TTY in
*"$PROMPT"*) ;;
*) fail "the terminal does not show the exact prompt [$PROMPT]" ;;
esac
expect_eq "prompts shown" 1 "$(prompts_on_tty)"
case $TTY$OUT in
*482913*) fail "the typed MFA code was echoed or printed: $TTY $OUT" ;;
esac
expect_out_has "CustomerA"
expect_out_has "222222222222"
expect_eq "AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "RoleArn" "$ARN_RO" "$(moto_field params.RoleArn "$m" AssumeRole)"
expect_eq "SerialNumber" "$MFA_SERIAL" "$(moto_field params.SerialNumber "$m" AssumeRole)"
expect_eq "TokenCode (the typed code)" 482913 "$(moto_field params.TokenCode "$m" AssumeRole)"
expect_eq "DurationSeconds" 900 "$(moto_field params.DurationSeconds "$m" AssumeRole)"
expect_eq "signed with the source profile's key (Access CustomerA)" "$BASE_AKID" "$(moto_field akid "$m" AssumeRole)"
case $(moto_field params.RoleSessionName "$m" AssumeRole) in
botocore-session-[0-9]*) ;;
*) fail "default RoleSessionName: $(moto_field params.RoleSessionName "$m" AssumeRole)" ;;
esac
pass

t "scenario: after login CustomerA, exec and whoami run without a terminal and without a prompt"
use_moto
scenario_files
login_typed CustomerA 135790
expect_rc 0
m=$(moto_log_mark)
run awsrole exec CustomerA -- sh -c 'echo $AWS_ACCESS_KEY_ID'
expect_rc 0
case $OUT in
ASIA*) ;;
*) fail "exec printed [$OUT], expected an ASIA... session key" ;;
esac
key=$(awsrole list --json 2>/dev/null | "$PY" -c 'import json,sys; print([p for p in json.load(sys.stdin) if p["Profile"]=="CustomerA"][0]["CacheKey"])')
expect_eq "exec's key is the cached session's" "$(cache_file_field "$key" Credentials.AccessKeyId)" "$OUT"
expect_err_lacks "Enter MFA code"
expect_eq "AssumeRole calls for exec (served from the cache)" 0 "$(moto_calls_since "$m" AssumeRole)"
run awsrole whoami CustomerA
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/botocore-session-'
expect_out_has '"Account": "222222222222"'
expect_err_lacks "Enter MFA code"
expect_eq "AssumeRole calls after whoami" 0 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "GetCallerIdentity with the session's key" "$(cache_file_field "$key" Credentials.AccessKeyId)" \
	"$(moto_field akid "$m" GetCallerIdentity)"
pass

t "scenario: the same for default -> RoleA in 111111111111, cached under the CLI's key"
use_moto
scenario_files
m=$(moto_log_mark)
login_typed default 246801
expect_rc 0
expect_eq "TokenCode" 246801 "$(moto_field params.TokenCode "$m" AssumeRole)"
expect_eq "RoleArn" "$ARN_A" "$(moto_field params.RoleArn "$m" AssumeRole)"
expect_eq "DurationSeconds" 900 "$(moto_field params.DurationSeconds "$m" AssumeRole)"
expect_file_exists "$HOME/.aws/cli/cache/$KEY_DEFAULT.json"
m=$(moto_log_mark)
run awsrole exec default -- sh -c 'echo $AWS_ACCESS_KEY_ID'
expect_rc 0
case $OUT in ASIA*) ;; *) fail "exec default printed [$OUT]" ;; esac
expect_eq "exec's key is the cached session's" "$(cache_file_field "$KEY_DEFAULT" Credentials.AccessKeyId)" "$OUT"
run awsrole whoami default
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/botocore-session-'
expect_eq "AssumeRole calls after login" 0 "$(moto_calls_since "$m" AssumeRole)"
pass

t "scenario: two profiles sharing one MFA device: two logins, two codes, two sessions"
use_moto
scenario_files
m=$(moto_log_mark)
login_typed default 111222
expect_rc 0
login_typed CustomerA 333444
expect_rc 0
expect_eq "AssumeRole calls" 2 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "codes sent, in order" "111222 333444" \
	"$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$m" --where action=AssumeRole --all params.TokenCode | tr '\n' ' ' | sed 's/ $//')"
run awsrole whoami default
expect_out_has "arn:aws:sts::111111111111:assumed-role/RoleA/"
run awsrole whoami CustomerA
expect_out_has "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/"
pass

t "scenario: a code that is not 6 digits is asked for again"
use_moto
scenario_files
m=$(moto_log_mark)
run_pty --expect "$PROMPT" --send "12345\n" --expect "$PROMPT" --send "654321\n" -- awsrole login CustomerA
expect_rc 0
expect_eq "prompts shown" 2 "$(prompts_on_tty)"
expect_err_has "6 digits"
expect_eq "AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "TokenCode (the second, valid code)" 654321 "$(moto_field params.TokenCode "$m" AssumeRole)"
case $TTY in *12345*|*654321*) fail "a typed code was echoed: $TTY" ;; esac
pass

t "scenario: three bad codes end the login (exit 4, message), and nothing is sent"
use_moto
scenario_files
m=$(moto_log_mark)
run_pty --expect "$PROMPT" --send "abc\n" --expect "$PROMPT" --send "1234567\n" \
	--expect "$PROMPT" --send "12 345\n" -- awsrole login CustomerA
expect_rc 4
expect_eq "prompts shown" 3 "$(prompts_on_tty)"
expect_err_has "no valid MFA code"
expect_err_has "6 digits"
expect_err_has "awsrole login CustomerA"
expect_err_golden t_40_scenario.mfa-three-bad-codes
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
expect_no_file "$HOME/.aws/cli/cache/$KEY_DEFAULT.json"
pass

t "scenario: credential_process = <abs path>/awsrole credential-process CustomerA, read by the AWS CLI v1"
use_moto
scenario_files
login_typed CustomerA 975310
expect_rc 0
agent_profile
m=$(moto_log_mark)
run aws sts get-caller-identity --profile agent
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/botocore-session-'
expect_eq "AssumeRole calls (the session came from awsrole's cache)" 0 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "GetCallerIdentity calls" 1 "$(moto_calls_since "$m" GetCallerIdentity)"
# And the output itself is what credential_process must print.
run awsrole credential-process CustomerA
expect_rc 0
expect_eq "Version" 1 "$(json_get "$OUT" Version)"
case $(json_get "$OUT" AccessKeyId) in ASIA*) ;; *) fail "AccessKeyId: $(json_get "$OUT" AccessKeyId)" ;; esac
[ -n "$(json_get "$OUT" SessionToken)" ] || fail "no SessionToken"
case $(json_get "$OUT" Expiration) in
20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z) ;;
*) fail "Expiration: $(json_get "$OUT" Expiration)" ;;
esac
pass

t "scenario: the AWS CLI in the human's terminal: credential_process prompts on /dev/tty, the agent then reuses it"
use_moto
scenario_files
agent_profile
m=$(moto_log_mark)
# botocore pipes the process's stdout and stderr: the prompt can only reach the human on /dev/tty.
run_pty --expect "$PROMPT" --send "560719\n" -- aws sts get-caller-identity --profile agent
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/'
expect_eq "prompts shown" 1 "$(prompts_on_tty)"
case $TTY in *560719*) fail "the typed code was echoed: $TTY" ;; esac
expect_eq "TokenCode" 560719 "$(moto_field params.TokenCode "$m" AssumeRole)"
# stdin and stdout are not the terminal's business: </dev/null >file still prompts on /dev/tty.
run_pty --expect "$PROMPT" --send "560720\n" -- sh -c 'awsrole credential-process default --no-cache </dev/null >"$1"' _ "$T_DIR/cp.json"
expect_rc 0
expect_eq "credential-process JSON with stdin /dev/null" 1 "$(json_get "$(cat "$T_DIR/cp.json")" Version)"
m=$(moto_log_mark)
run aws sts get-caller-identity --profile agent
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/'
expect_eq "AssumeRole calls for the agent" 0 "$(moto_calls_since "$m" AssumeRole)"
pass

t "scenario: the AWS CLI through credential_process with no session fails fast, naming awsrole login"
use_moto
scenario_files
agent_profile
m=$(moto_log_mark)
run_fast aws sts get-caller-identity --profile agent
expect_rc 255
expect_err_has "awsrole login CustomerA"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "scenario: no terminal and no session: credential-process default exits 4 at once, naming awsrole login default"
use_moto
scenario_files
m=$(moto_log_mark)
run_fast setsid awsrole credential-process default
expect_rc 4
expect_err_has "awsrole login default"
expect_err_golden t_40_scenario.no-tty-login-needed
expect_fix_hint
expect_eq "stdout" "" "$OUT"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
# exec and env the same way.
run awsrole exec CustomerA -- true
expect_rc 4
expect_err_has "awsrole login CustomerA"
run awsrole env CustomerA
expect_rc 4
expect_err_has "awsrole login CustomerA"
expect_eq "stdout of env" "" "$OUT"
pass

t "scenario: AWSROLE_NO_PROMPT=1 refuses to prompt even with a terminal"
use_moto
scenario_files
m=$(moto_log_mark)
RUN_TIMEOUT=10 run_pty -- env AWSROLE_NO_PROMPT=1 awsrole credential-process default
expect_rc 4
expect_err_lacks "Enter MFA code"
expect_err_has "AWSROLE_NO_PROMPT"
expect_err_lacks "there is AWSROLE_NO_PROMPT is set" # the message must read as a sentence
expect_err_has "awsrole login default"
expect_err_golden t_40_scenario.no-prompt-env
RUN_TIMEOUT=10 run_pty -- env AWSROLE_NO_PROMPT=1 awsrole exec CustomerA -- true
expect_rc 4
expect_err_lacks "Enter MFA code"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
# AWSROLE_NO_PROMPT=0 is "off": the prompt comes.
run_pty --expect "$PROMPT" --send "102938\n" -- env AWSROLE_NO_PROMPT=0 awsrole login CustomerA
expect_rc 0
expect_eq "TokenCode" 102938 "$(moto_field params.TokenCode "$m" AssumeRole)"
pass

t "scenario: --mfa-code works without a terminal"
use_moto
scenario_files
m=$(moto_log_mark)
run awsrole login CustomerA --mfa-code 777888
expect_rc 0
expect_err_lacks "Enter MFA code"
expect_eq "TokenCode" 777888 "$(moto_field params.TokenCode "$m" AssumeRole)"
expect_eq "SerialNumber" "$MFA_SERIAL" "$(moto_field params.SerialNumber "$m" AssumeRole)"
run env AWSROLE_NO_PROMPT=1 awsrole credential-process default --mfa-code 777999
expect_rc 0
expect_eq "TokenCode (credential-process)" 777999 "$(moto_field params.TokenCode "$m" AssumeRole)"
expect_eq "RoleArn (credential-process)" "$ARN_A" "$(moto_field params.RoleArn "$m" AssumeRole)"
# The code is not on the command line of a running process any more, and never in the output.
expect_out_lacks 777999
pass

t "scenario: mfa_process = a script that prints the code"
use_moto
scenario_files
printf '#!/bin/sh\necho 314159\n' > "$T_DIR/mfa.sh"
chmod +x "$T_DIR/mfa.sh"
printf 'mfa_process = %s\n' "$T_DIR/mfa.sh" >> "$HOME/.aws/config"   # into [profile CustomerA]
m=$(moto_log_mark)
run awsrole login CustomerA
expect_rc 0
expect_eq "TokenCode (from mfa_process)" 314159 "$(moto_field params.TokenCode "$m" AssumeRole)"
expect_out_lacks 314159
# With a terminal too, mfa_process is used and nothing is asked.
RUN_TIMEOUT=10 run_pty -- awsrole login CustomerA
expect_rc 0
expect_err_lacks "Enter MFA code"
expect_eq "TokenCode (mfa_process, with a terminal)" 314159 "$(moto_field params.TokenCode "$m" AssumeRole)"
# --mfa-code beats mfa_process.
run awsrole login CustomerA --mfa-code 271828
expect_rc 0
expect_eq "TokenCode (--mfa-code over mfa_process)" 271828 "$(moto_field params.TokenCode "$m" AssumeRole)"
pass

t "scenario: mfa_process that fails, or prints no 6-digit code, is a clear error"
use_moto
scenario_files
printf '#!/bin/sh\necho "token device locked" >&2\nexit 3\n' > "$T_DIR/mfa-fail.sh"
printf '#!/bin/sh\necho "12ab56"\n' > "$T_DIR/mfa-junk.sh"
chmod +x "$T_DIR/mfa-fail.sh" "$T_DIR/mfa-junk.sh"
cp "$HOME/.aws/config" "$T_DIR/config.orig"
printf 'mfa_process = %s\n' "$T_DIR/mfa-fail.sh" >> "$HOME/.aws/config"
m=$(moto_log_mark)
run awsrole login CustomerA
expect_rc_in 4 5
expect_err_has "mfa_process"
expect_err_has "mfa-fail.sh"
expect_err_has "token device locked"
expect_err_golden t_40_scenario.mfa-process-failed
expect_fix_hint
cp "$T_DIR/config.orig" "$HOME/.aws/config"
printf 'mfa_process = %s\n' "$T_DIR/mfa-junk.sh" >> "$HOME/.aws/config"
run awsrole login CustomerA
expect_rc_in 4 5
expect_err_has "mfa_process"
expect_err_has "6-digit"
expect_err_lacks "12ab56"
cp "$T_DIR/config.orig" "$HOME/.aws/config"
printf 'mfa_process = %s\n' "$T_DIR/no-such-mfa-program" >> "$HOME/.aws/config"
run awsrole login CustomerA
expect_rc_in 3 4 5
expect_err_has "no-such-mfa-program"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "scenario: role -> role chaining works (second call signed with the first session)"
use_moto
base_credentials base
aws_config_write <<EOF
[profile hop1]
region = ap-northeast-1
role_arn = $ARN_A
source_profile = base

[profile hop2]
region = ap-northeast-1
role_arn = $ARN_RO
source_profile = hop1
duration_seconds = 3600
EOF
m=$(moto_log_mark)
run awsrole whoami hop2
expect_rc 0
expect_out_has "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/"
expect_eq "AssumeRole calls" 2 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "second AssumeRole RoleArn" "$ARN_RO" "$(moto_field params.RoleArn "$m" AssumeRole)"
expect_eq "second AssumeRole carries the first session's token" true "$(moto_field security_token "$m" AssumeRole)"
expect_eq "DurationSeconds" 3600 "$(moto_field params.DurationSeconds "$m" AssumeRole)"
pass

t "scenario: a chained role with duration_seconds > 3600 fails before any STS call, explaining the 1-hour limit"
use_moto
base_credentials base
aws_config_write <<EOF
[profile hop1]
region = ap-northeast-1
role_arn = $ARN_A
source_profile = base
mfa_serial = $MFA_SERIAL

[profile hop2]
region = ap-northeast-1
role_arn = $ARN_RO
source_profile = hop1
duration_seconds = 7200
EOF
m=$(moto_log_mark)
run awsrole credential-process hop2 --mfa-code 123456
expect_rc 3
expect_err_has "hop2"
expect_err_has "chained"
expect_err_has "1 hour"
expect_err_has "7200"
expect_err_golden t_40_scenario.chained-duration-over-1h
expect_fix_hint
expect_eq "STS calls (moto log unchanged)" 0 "$(moto_calls_since "$m")"
run awsrole login hop2 --mfa-code 123456
expect_rc 3
expect_err_has "1 hour"
expect_eq "STS calls after login" 0 "$(moto_calls_since "$m")"
pass

t "scenario: role_session_name is sent (and shows in the ARN); the CLI's key includes it"
use_moto
scenario_files
printf 'role_session_name = alice.smith@example.com\n' >> "$HOME/.aws/config"   # [profile CustomerA]
m=$(moto_log_mark)
run awsrole login CustomerA --mfa-code 123456
expect_rc 0
expect_eq "RoleSessionName" "alice.smith@example.com" "$(moto_field params.RoleSessionName "$m" AssumeRole)"
run awsrole whoami CustomerA
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/alice.smith@example.com"'
# botocore's key: RoleSessionName is in it because the user configured it.
want=$("$PY" -c 'import hashlib, json, sys
print(hashlib.sha1(json.dumps({"RoleArn": sys.argv[1], "SerialNumber": sys.argv[2], "DurationSeconds": 900,
    "RoleSessionName": "alice.smith@example.com"}, sort_keys=True).encode()).hexdigest())' "$ARN_RO" "$MFA_SERIAL")
expect_file_exists "$HOME/.aws/cli/cache/$want.json"
pass

t "scenario: a bad role_session_name is refused before any STS call"
use_moto
scenario_files
cp "$HOME/.aws/config" "$T_DIR/config.orig"
m=$(moto_log_mark)
for bad in "has space" "a" "$(printf 'x%.0s' $(seq 1 65))" "semi;colon" "slash/name"; do
	cp "$T_DIR/config.orig" "$HOME/.aws/config"
	printf 'role_session_name = %s\n' "$bad" >> "$HOME/.aws/config"
	run awsrole login CustomerA --mfa-code 123456
	expect_rc 3 || echo "    (role_session_name = $bad)" >&2
	expect_err_has "role_session_name"
	[ "$bad" = "has space" ] && expect_err_golden t_40_scenario.bad-role-session-name
done
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "scenario: external_id is sent"
use_moto
scenario_files
printf 'external_id = ext-Customer_A=1,2.@-\n' >> "$HOME/.aws/config"   # [profile CustomerA]
m=$(moto_log_mark)
run awsrole login CustomerA --mfa-code 123456
expect_rc 0
expect_eq "ExternalId" "ext-Customer_A=1,2.@-" "$(moto_field params.ExternalId "$m" AssumeRole)"
# And not sent where it is not configured.
run awsrole login default --mfa-code 123456
expect_rc 0
expect_eq "no ExternalId for default" "" "$(moto_field params.ExternalId "$m" AssumeRole)"
pass

# ---------------------------------------------------------------- bad input

t "bad input: a source_profile that does not exist"
use_moto
base_credentials base
aws_config_profile CustomerA "role_arn=$ARN_RO" "source_profile=Access Nobody" "mfa_serial=$MFA_SERIAL" region=ap-northeast-1
m=$(moto_log_mark)
run awsrole login CustomerA --mfa-code 123456
expect_rc 3
expect_err_has 'source_profile "Access Nobody"'
expect_err_has "CustomerA"
expect_err_has "does not exist"
expect_err_golden t_40_scenario.source-profile-missing
expect_fix_hint
aws_config_profile norole "role_arn=$ARN_RO" region=ap-northeast-1
run awsrole credential-process norole
expect_rc 3
expect_err_has "source_profile"
expect_err_has "norole"
expect_err_golden t_40_scenario.role-without-source
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "bad input: a source_profile cycle is refused and printed"
use_moto
aws_config_write <<EOF
[profile alpha]
role_arn = $ARN_A
source_profile = beta

[profile beta]
role_arn = $ARN_RO
source_profile = gamma

[profile gamma]
role_arn = $ARN_RO
source_profile = alpha

[profile selfish]
role_arn = $ARN_A
source_profile = selfish
EOF
m=$(moto_log_mark)
run awsrole credential-process alpha
expect_rc 3
expect_err_has "cycle"
expect_err_has "alpha -> beta -> gamma -> alpha"
expect_err_golden t_40_scenario.source-profile-cycle
expect_fix_hint
run awsrole login selfish --mfa-code 123456
expect_rc 3
expect_err_has "cycle"
expect_err_has "selfish -> selfish"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "bad input: duration_seconds = 100 and = abc are refused before any STS call"
use_moto
scenario_files
m=$(moto_log_mark)
for d in 100 abc 43201 "900 # comment"; do
	scenario_files
	sed -i "s/^duration_seconds = 900\$/duration_seconds = $d/" "$HOME/.aws/config"
	run awsrole login CustomerA --mfa-code 123456
	expect_rc 3 || echo "    (duration_seconds = $d)" >&2
	expect_err_has "duration_seconds"
	expect_err_has "$d"
	expect_err_has "900"
	[ "$d" = 100 ] && expect_err_golden t_40_scenario.bad-duration
	expect_fix_hint
done
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "bad input: --mfa-code 12ab is refused (exit 2) before any STS call"
use_moto
scenario_files
m=$(moto_log_mark)
for code in 12ab 12345 1234567 "" " 123456"; do
	run awsrole login CustomerA --mfa-code "$code"
	expect_rc 2 || echo "    (--mfa-code [$code])" >&2
	expect_err_has "--mfa-code"
	expect_err_has "6 digits"
	expect_err_golden t_40_scenario.usage-bad-mfa-code || echo "    (--mfa-code [$code])" >&2
done
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "bad input: a wrong MFA code (AccessDenied MultiFactorAuthentication) is exit 5 with a hint, not retried"
scenario_files
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
fake_sts_reply 403 error_access_denied_mfa.xml
run awsrole login CustomerA --mfa-code 123456
expect_rc 5
expect_err_has "MultiFactorAuthentication failed with invalid MFA one time pass code."
expect_err_has "AccessDenied"
expect_err_has "MFA code"
expect_err_golden t_40_scenario.sts-mfa-denied
expect_fix_hint
expect_eq "requests (not retried)" 1 "$(fake_sts_count)"
expect_eq "TokenCode sent" 123456 "$(fake_sts_field params.TokenCode)"
expect_no_file "$HOME/.aws/cli/cache/$KEY_DEFAULT.json"
compgen -G "$HOME/.aws/cli/cache/*.json" >/dev/null && fail "a session was cached: $(ls "$HOME/.aws/cli/cache/")"
# Typed at the prompt: one prompt, one request, no automatic re-prompt.
run_pty --expect "$PROMPT" --send "123456\n" -- awsrole login CustomerA
expect_rc 5
expect_eq "prompts shown" 1 "$(prompts_on_tty)"
expect_err_has "MultiFactorAuthentication failed"
expect_eq "requests (typed code, not retried)" 2 "$(fake_sts_count)"
pass

t "bad input: an unknown profile names both files"
use_moto
scenario_files
m=$(moto_log_mark)
for cmd in login credential-process env whoami; do
	run awsrole $cmd CustomerB
	expect_rc 3 || echo "    (awsrole $cmd CustomerB)" >&2
	expect_err_has '"CustomerB"'
	expect_err_has "$HOME/.aws/config"
	expect_err_has "$HOME/.aws/credentials"
	expect_fix_hint
	expect_err_golden t_40_scenario.unknown-profile || echo "    (awsrole $cmd CustomerB)" >&2
done
run awsrole exec CustomerB -- true
expect_rc 3
expect_err_has '"CustomerB"'
expect_err_golden t_40_scenario.unknown-profile
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "bad input: the scenario's quoted keys are refused (exit 3) and the quotes are named"
use_moto
aws_config_write <<EOF
[default]
region = ap-northeast-1
source_profile = base
role_arn = $ARN_A
mfa_serial = $MFA_SERIAL
duration_seconds = 900

[profile CustomerA]
region = ap-northeast-1
source_profile = Access CustomerA
role_arn = $ARN_RO
mfa_serial = $MFA_SERIAL
duration_seconds = 900
EOF
aws_credentials_write <<EOF
[base]
aws_access_key_id = "$BASE_AKID"
aws_secret_access_key = "$BASE_SECRET"

[Access CustomerA]
aws_access_key_id = "$BASE_AKID"
aws_secret_access_key = "$BASE_SECRET"
EOF
m=$(moto_log_mark)
run awsrole login CustomerA --mfa-code 123456
expect_rc 3
expect_err_has "quotes"
expect_err_has "Access CustomerA"
expect_err_has "aws_access_key_id"
expect_err_has "$HOME/.aws/credentials"
expect_err_lacks "$BASE_SECRET"
expect_fix_hint
run awsrole login default --mfa-code 123456
expect_rc 3
expect_err_has "quotes"
expect_err_has '"base"'
# No terminal prompt first: the keys are checked before the MFA code is asked for.
RUN_TIMEOUT=10 run_pty -- awsrole login CustomerA
expect_rc 3
expect_err_lacks "Enter MFA code"
expect_err_has "quotes"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass
