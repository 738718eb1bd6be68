# t_93_robustness.sh — issue 13, the second hardening round: robustness and the new user's view.
#   7  a read-only cache directory: credential-process, exec, env and whoami warn once and go on
#      without the cache; login and logout exit 7
#   8  cache entries get the checks of every other source (creds_malformed, the longest session)
#   9  a FIFO, a device or a directory as a token file: no hang, refused by name; size bounded
#   10 the form body encodes as botocore does (a space is "+"), against moto, the AWS CLI v1
#      and botocore's own serializer (tests/form_diff.py)
#   22 a mistyped command: "unknown command", and the nearest one suggested
#   23 a credential_process that runs awsrole on the same profile: a loop, caught at once
#      (_AWSROLE_PROFILE_CHAIN, as the AWS CLI's _AWS_CLI_PROFILE_CHAIN)
#   24 a failing child: its last stderr line, then one fix line
#   25 the credentials-file permission warning only for regular files
#   26 per-command --help; --format bash / zsh accepted as sh
# The spec is /work/notes/robustness.md.  Peers: moto (signatures checked), fake_sts.py,
# fake_ecs.py.  Read-only directories are bind mounts in a private mount namespace
# (unshare -m as root, unshare -Urm otherwise), so nothing outlives the command.

R93_ROLE_A=arn:aws:iam::111111111111:role/RoleA
R93_ROLE_RO=arn:aws:iam::222222222222:role/RoleReadOnly
R93_JWT='eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2lnbmF0dXJl'
RUN_TIMEOUT=20

# ---------------------------------------------------------------- helpers

# r93_case — after `t`: no inherited profile chain (the harness scrubs only AWS_* / AWSROLE_*),
# and the PATH this file started with (r93_wrapper puts a directory in front).
R93_PATH=$PATH
r93_case() {
	unset _AWSROLE_PROFILE_CHAIN _AWS_CLI_PROFILE_CHAIN
	export PATH=$R93_PATH
}

# r93_out_lacks ERE — stdout has no match of ERE.
r93_out_lacks() {
	grep -qE -- "$1" <<<"$OUT" || return 0
	fail "stdout should not match /$1/"
	_run_report
	return 1
}

# r93_files — [base] keys of the moto user; [profile plain]: RoleReadOnly, 900 s, no MFA.
r93_files() {
	base_credentials base
	aws_config_profile plain region=us-east-1 source_profile=base "role_arn=$R93_ROLE_RO" duration_seconds=900
	CACHE=$HOME/.aws/cli/cache
}

# r93_key PROFILE — botocore's cache key of PROFILE (tests/cache_key.py).
r93_key() { PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" "$1" 2>>"$T_DIR/cache_key.err" | cut -f2; }

# r93_entry FILE AKID SECRET TOKEN EXPIRATION — a cache entry as botocore writes it, 0600.
r93_entry() {
	mkdir -p "$(dirname "$1")"
	chmod 700 "$(dirname "$1")"
	"$PY" -c '
import json, os, sys
f, akid, sk, tok, exp = sys.argv[1:6]
body = {"Credentials": {"AccessKeyId": akid, "SecretAccessKey": sk, "SessionToken": tok,
                        "Expiration": exp, "AccountId": "222222222222"},
        "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:r93",
                            "Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/r93"},
        "ResponseMetadata": {"RequestId": "r93", "HTTPStatusCode": 200}}
fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, json.dumps(body).encode())
os.close(fd)
os.chmod(f, 0o600)
' "$@"
}

r93_field() { json_get "$(cat "$1" 2>/dev/null)" "$2"; }
r93_iso() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }
r93_sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# r93_count TEXT ERE — lines of TEXT matching ERE (case-insensitive).
r93_count() { grep -ciE -- "$2" <<<"$1"; }

# Read-only directories: RO_PREFIX is the command that gives a private mount namespace (set
# once per file); ro.sh DIR CMD... bind-mounts DIR on itself read-only, then runs CMD.
R93_RO=
r93_ro_setup() {
	local f=$RUN_DIR/t93-ro.sh
	if [ -z "$R93_RO" ]; then
		cat > "$f" <<-'EOF'
		#!/bin/bash
		d=$1; shift
		mount --bind "$d" "$d" && mount -o remount,bind,ro "$d" || { echo "ro.sh: cannot mount $d read-only" >&2; exit 97; }
		exec "$@"
		EOF
		chmod +x "$f"
		mkdir -p "$T_DIR/probe"
		if [ "$(id -u)" = 0 ] && unshare -m "$f" "$T_DIR/probe" sh -c '! touch "$1/x" 2>/dev/null' _ "$T_DIR/probe" 2>/dev/null; then
			R93_RO="unshare -m $f"
		elif unshare -Urm "$f" "$T_DIR/probe" sh -c '! touch "$1/x" 2>/dev/null' _ "$T_DIR/probe" 2>/dev/null; then
			R93_RO="unshare -Urm $f"
		else
			R93_RO=none
		fi
	fi
	[ "$R93_RO" != none ]
}

# run_ro DIR CMD... — run CMD (as `run`) with DIR read-only.
run_ro() {
	# shellcheck disable=SC2086
	run $R93_RO "$@"
}

# ================================================================ 7: a read-only cache

t "read-only cache (7): no cache directory and ~/.aws/cli read-only: credential-process, exec, env, whoami warn once and succeed"
r93_case
use_moto
r93_files
mkdir -p "$HOME/.aws/cli" && chmod 700 "$HOME/.aws/cli"
if ! r93_ro_setup; then
	skip "cannot bind-mount a directory read-only here (neither unshare -m as root nor unshare -Urm)"
else
	for cmd in "credential-process plain" "exec plain" "env plain" "whoami plain"; do
		m=$(moto_log_mark)
		case $cmd in
		exec*) run_ro "$HOME/.aws/cli" awsrole exec plain -- sh -c 'echo "$AWS_ACCESS_KEY_ID"' ;;
		*)
			# shellcheck disable=SC2086
			run_ro "$HOME/.aws/cli" awsrole $cmd ;;
		esac
		expect_rc 0 || echo "    (awsrole $cmd)" >&2
		expect_eq "[$cmd] warnings about the cache" 1 "$(r93_count "$ERR" 'cannot use the cache')"
		expect_err_has "$HOME/.aws/cli/cache"
		expect_err_has "Read-only file system"
		expect_err_has "going on without it"
		expect_err_lacks "fix:"
		expect_eq "[$cmd] AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
		case $cmd in
		credential-process*) expect_eq "Version" 1 "$(json_get "$OUT" Version)"
			case $(json_get "$OUT" AccessKeyId) in ASIA*) ;; *) fail "no session key in: $OUT" ;; esac ;;
		exec*) case $OUT in ASIA*) ;; *) fail "exec child saw AWS_ACCESS_KEY_ID=[$OUT]" ;; esac ;;
		env*) expect_out_has "export AWS_ACCESS_KEY_ID='ASIA" ;;
		whoami*) expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/' ;;
		esac
	done
	expect_no_file "$CACHE"
	# --no-cache does not touch the cache: no warning; list reads it: no warning either
	run_ro "$HOME/.aws/cli" awsrole credential-process plain --no-cache
	expect_rc 0
	expect_eq "stderr with --no-cache" "" "$ERR"
	run_ro "$HOME/.aws/cli" awsrole list
	expect_rc 0
	expect_eq "stderr of list" "" "$ERR"
fi
pass

t "read-only cache (7): AWSROLE_CACHE_DIR on a read-only file system, the directory exists: warn once, go on"
r93_case
use_moto
r93_files
export AWSROLE_CACHE_DIR=$T_DIR/ro/cache
mkdir -p "$AWSROLE_CACHE_DIR" && chmod 700 "$T_DIR/ro" "$AWSROLE_CACHE_DIR"
if ! r93_ro_setup; then
	skip "cannot bind-mount a directory read-only here"
else
	m=$(moto_log_mark)
	run_ro "$T_DIR/ro" awsrole credential-process plain
	expect_rc 0
	expect_eq "warnings about the cache" 1 "$(r93_count "$ERR" 'cannot use the cache')"
	expect_err_has "$AWSROLE_CACHE_DIR"
	expect_err_has "Read-only file system"
	expect_eq "AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
	expect_eq "Version" 1 "$(json_get "$OUT" Version)"
	# a chain of two roles: still one warning, not one per hop.  RoleA first: moto checks the
	# caller's permissions, and RoleReadOnly (s3:List*/Get* only) may not call sts:AssumeRole
	aws_config_profile first region=us-east-1 source_profile=base "role_arn=$R93_ROLE_A" duration_seconds=900
	aws_config_profile chained region=us-east-1 source_profile=first "role_arn=$R93_ROLE_RO" duration_seconds=900
	m=$(moto_log_mark)
	run_ro "$T_DIR/ro" awsrole credential-process chained
	expect_rc 0
	expect_eq "warnings about the cache (two hops)" 1 "$(r93_count "$ERR" 'cannot use the cache')"
	expect_eq "AssumeRole calls (two hops)" 2 "$(moto_calls_since "$m" AssumeRole)"
fi
pass

t "read-only cache (7): a valid entry is still served (no STS call, no warning); an expired one: one warning, a new session, the entry untouched"
r93_case
use_moto
r93_files
key=$(r93_key plain)
moto_assume_role "$R93_ROLE_RO" 900
r93_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(r93_iso 800)"
if ! r93_ro_setup; then
	skip "cannot bind-mount a directory read-only here"
else
	m=$(moto_log_mark)
	run_ro "$CACHE" awsrole credential-process plain
	expect_rc 0
	expect_eq "AccessKeyId (the entry's)" "$ROLE_AKID" "$(json_get "$OUT" AccessKeyId)"
	expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
	expect_eq "stderr" "" "$ERR"
	r93_entry "$CACHE/$key.json" ASIAEXPIREDENTRY0001 expiredSecret expiredToken "$(r93_iso -60)"
	before=$(r93_sum "$CACHE/$key.json")
	m=$(moto_log_mark)
	run_ro "$CACHE" awsrole credential-process plain
	expect_rc 0
	expect_out_lacks ASIAEXPIREDENTRY0001
	expect_eq "warnings about the cache" 1 "$(r93_count "$ERR" 'cannot use the cache')"
	expect_err_has "Read-only file system"
	expect_eq "AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
	expect_eq "the entry (read-only) is unchanged" "$before" "$(r93_sum "$CACHE/$key.json")"
fi
pass

t "read-only cache (7): login exits 7 before any STS call; logout of an entry there exits 7; both name the place and the cause"
r93_case
use_moto
r93_files
key=$(r93_key plain)
mkdir -p "$HOME/.aws/cli" && chmod 700 "$HOME/.aws/cli"
if ! r93_ro_setup; then
	skip "cannot bind-mount a directory read-only here"
else
	m=$(moto_log_mark)
	run_ro "$HOME/.aws/cli" awsrole login plain
	expect_rc 7
	expect_err_has "$HOME/.aws/cli/cache"
	expect_err_has "Read-only file system"
	expect_fix_hint
	expect_out_lacks "Logged in"
	expect_eq "STS calls by login" 0 "$(moto_calls_since "$m")"
	moto_assume_role "$R93_ROLE_RO" 900
	r93_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(r93_iso 800)"
	run_ro "$CACHE" awsrole logout plain
	expect_rc 7
	expect_err_has "$key.json"
	expect_err_has "Read-only file system"
	expect_fix_hint
	expect_out_lacks "Removed"
	expect_file_exists "$CACHE/$key.json"
	run_ro "$CACHE" awsrole logout --all
	expect_rc 7
	expect_err_has "Read-only file system"
fi
pass

# ================================================================ 8: cache entries are checked

t "cache entries (8): a far Expiration (9999-12-31, a day ahead) or a key/secret/token creds_malformed() refuses is corrupt: not handed out, a new call, replaced"
r93_case
use_moto
r93_files
key=$(r93_key plain)
ok_exp=$(r93_iso 800)
# label|akid|secret|token|expiration (@NL@ stands for a newline)
cases=(
	"far|ASIAOLDMARKER0000001|oldSecretMarker|oldTokenMarker|9999-12-31T23:59:59Z"
	"day|ASIAOLDMARKER0000001|oldSecretMarker|oldTokenMarker|$(r93_iso 86400)"
	"akid-newline|ASIAOLDMARKER@NL@export EVIL=1|oldSecretMarker|oldTokenMarker|$ok_exp"
	"akid-space|ASIAOLD MARKER|oldSecretMarker|oldTokenMarker|$ok_exp"
	"akid-dash|ASIA-OLDMARKER-0001|oldSecretMarker|oldTokenMarker|$ok_exp"
	"akid-129|ASIA$(printf 'A%.0s' $(seq 1 125))|oldSecretMarker|oldTokenMarker|$ok_exp"
	"secret-newline|ASIAOLDMARKER0000001|oldSecret@NL@Marker|oldTokenMarker|$ok_exp"
	"secret-quote|ASIAOLDMARKER0000001|oldSecret'\$(touch PWNED)|oldTokenMarker|$ok_exp"
	"token-space|ASIAOLDMARKER0000001|oldSecretMarker|oldToken Marker|$ok_exp"
	"token-utf8|ASIAOLDMARKER0000001|oldSecretMarker|oldToken$(printf '\342\200\250')Marker|$ok_exp"
	"token-tab|ASIAOLDMARKER0000001|oldSecretMarker|oldToken$(printf '\t')Marker|$ok_exp"
)
for c in "${cases[@]}"; do
	IFS='|' read -r label akid secret token exp <<<"$c"
	akid=${akid//@NL@/$'\n'} secret=${secret//@NL@/$'\n'}
	r93_entry "$CACHE/$key.json" "$akid" "$secret" "$token" "$exp"
	m=$(moto_log_mark)
	run awsrole credential-process plain -v
	expect_rc 0 || echo "    (entry: $label)" >&2
	expect_err_has "corrupt" || echo "    (entry: $label)" >&2
	r93_out_lacks "OLDMARKER|oldSecret|oldToken|EVIL" || echo "    (entry: $label)" >&2
	expect_eq "[$label] AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
	new=$(json_get "$OUT" AccessKeyId)
	expect_eq "[$label] the entry was replaced by the new session" "$new" "$(r93_field "$CACHE/$key.json" Credentials.AccessKeyId)"
done
expect_no_file "$HOME/PWNED"
# without -v: silent, as for any corrupt entry
r93_entry "$CACHE/$key.json" ASIAOLDMARKER0000001 oldSecretMarker oldTokenMarker 9999-12-31T23:59:59Z
run awsrole credential-process plain
expect_rc 0
expect_out_lacks "OLDMARKER"
expect_eq "stderr without -v" "" "$ERR"
pass

t "cache entries (8): exec and env do not hand out a corrupt entry either"
r93_case
use_moto
r93_files
key=$(r93_key plain)
r93_entry "$CACHE/$key.json" "ASIAOLDMARKER$(printf '\n')export EVIL=1" oldSecretMarker oldTokenMarker "$(r93_iso 800)"
run awsrole env plain
expect_rc 0
expect_out_lacks "OLDMARKER"
expect_out_lacks "EVIL"
r93_entry "$CACHE/$key.json" ASIAOLDMARKER0000001 oldSecretMarker oldTokenMarker 9999-12-31T23:59:59Z
run awsrole exec plain -- sh -c 'echo "$AWS_ACCESS_KEY_ID $AWS_CREDENTIAL_EXPIRATION"'
expect_rc 0
expect_out_lacks "OLDMARKER"
expect_out_lacks "9999"
pass

t "cache entries (8): a 12-hour session written by the CLI (Expiration now + 43200 s) is still used"
r93_case
use_moto
r93_files
aws_config_profile long region=us-east-1 source_profile=base "role_arn=$R93_ROLE_RO" duration_seconds=43200
key=$(r93_key long)
moto_assume_role "$R93_ROLE_RO" 43200
r93_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(r93_iso 43200)"
m=$(moto_log_mark)
run awsrole credential-process long -v
expect_rc 0
expect_eq "AccessKeyId (the entry's)" "$ROLE_AKID" "$(json_get "$OUT" AccessKeyId)"
expect_eq "AssumeRole calls" 0 "$(moto_calls_since "$m" AssumeRole)"
expect_err_lacks "corrupt"
pass

# ================================================================ 9: token files that are not files

# r93_specials DIR — a FIFO, a directory; with /dev/zero: the three non-regular token files.
r93_specials() {
	mkfifo -m 600 "$1/token.fifo"
	mkdir -m 700 "$1/token.dir"
	R93_SPECIALS=("$1/token.fifo" /dev/zero "$1/token.dir")
}

t "token files (9): web_identity_token_file = a FIFO, /dev/zero, a directory: exit 3 at once naming the file, no STS call"
r93_case
use_moto
export AWS_REGION=us-east-1
r93_specials "$T_DIR"
for f in "${R93_SPECIALS[@]}"; do
	rm -f "$HOME/.aws/config"
	aws_config_profile web "role_arn=$R93_ROLE_A" "web_identity_token_file=$f" role_session_name=web-sess
	m=$(moto_log_mark)
	RUN_TIMEOUT=10 run awsrole credential-process web
	expect_rc 3 || echo "    (token file: $f)" >&2
	expect_err_has "$f"
	expect_err_has "not a regular file"
	expect_err_has "web_identity_token_file"
	expect_eq "[$f] STS calls" 0 "$(moto_calls_since "$m")"
done
pass

t "token files (9): AWS_WEB_IDENTITY_TOKEN_FILE (environment) = a FIFO: exit 3 at once naming it"
r93_case
use_moto
export AWS_REGION=us-east-1
r93_specials "$T_DIR"
export AWS_WEB_IDENTITY_TOKEN_FILE=$T_DIR/token.fifo AWS_ROLE_ARN=$R93_ROLE_A AWS_ROLE_SESSION_NAME=env-web
m=$(moto_log_mark)
RUN_TIMEOUT=10 run awsrole whoami
expect_rc 3
expect_err_has "$T_DIR/token.fifo"
expect_err_has "not a regular file"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "token files (9): AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = a FIFO, /dev/zero, a directory: exit 3 at once naming it, no request"
r93_case
use_moto
export AWS_REGION=us-east-1
r93_specials "$T_DIR"
start_fake_ecs --path /creds
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/creds
aws_config_profile ecsrole "role_arn=$R93_ROLE_A" credential_source=EcsContainer
for f in "${R93_SPECIALS[@]}"; do
	m=$(moto_log_mark)
	RUN_TIMEOUT=10 run env AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$f" awsrole credential-process ecsrole
	expect_rc 3 || echo "    (token file: $f)" >&2
	expect_err_has "$f"
	expect_err_has "not a regular file"
	expect_err_has "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
	expect_eq "[$f] STS calls" 0 "$(moto_calls_since "$m")"
done
expect_eq "requests to the container endpoint" 0 "$(log_count "$FAKE_ECS_LOG")"
pass

t "token files (9): a huge regular token file (1 GiB, sparse) is refused by its size, quickly, naming the file"
r93_case
use_moto
export AWS_REGION=us-east-1
truncate -s 1G "$T_DIR/huge.jwt"
aws_config_profile web "role_arn=$R93_ROLE_A" "web_identity_token_file=$T_DIR/huge.jwt" role_session_name=web-sess
m=$(moto_log_mark)
RUN_TIMEOUT=10 run awsrole credential-process web
expect_rc 3
expect_err_has "$T_DIR/huge.jwt"
expect_err_has_any "larger than" "too large"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
start_fake_ecs --path /creds
aws_config_profile ecsrole "role_arn=$R93_ROLE_A" credential_source=EcsContainer
RUN_TIMEOUT=10 run env AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_ECS_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_DIR/huge.jwt" \
	awsrole credential-process ecsrole
expect_rc 3
expect_err_has "$T_DIR/huge.jwt"
expect_err_has_any "larger than" "too large"
expect_eq "requests to the container endpoint" 0 "$(log_count "$FAKE_ECS_LOG")"
pass

t "token files (9): a token reached through symbolic links (as Kubernetes projects it: token -> ..data/token) still works"
r93_case
use_moto
export AWS_REGION=us-east-1
d=$T_DIR/serviceaccount
mkdir -p "$d/..2026_12_01_00_00_00.000000001"
printf '%s\n' "$R93_JWT" > "$d/..2026_12_01_00_00_00.000000001/token"
ln -s "..2026_12_01_00_00_00.000000001" "$d/..data"
ln -s "..data/token" "$d/token"
aws_config_profile web "role_arn=$R93_ROLE_A" "web_identity_token_file=$d/token" role_session_name=web-sess
m=$(moto_log_mark)
run awsrole credential-process web --no-cache
expect_rc 0
expect_eq "AssumeRoleWithWebIdentity calls" 1 "$(moto_calls_since "$m" AssumeRoleWithWebIdentity)"
expect_eq "WebIdentityToken sent" "$R93_JWT" "$(moto_field params.WebIdentityToken "$m" AssumeRoleWithWebIdentity)"
pass

# ================================================================ 10: the form body

# Values with every byte class the encoder must treat as botocore does.  ExternalId carries
# anything (2-1224 characters); RoleSessionName only [\w+=,.@-]; mfa_serial any 9-256.
R93_EXTERNAL_ID="sp ace~tilde*star/slash=eq&amp+plus%pct!'()é日😀:end"
R93_SESSION='a+b=c,d.e@f-g_h'
R93_SERIAL='arn:aws:iam::333333333333:mfa/path/dev+one=a,b.c@d-e_f'

t "form body (10): moto (which re-encodes the form to check the signature) accepts an AssumeRole whose ExternalId has a space"
r93_case
use_moto
base_credentials base
aws_config_profile spaced region=us-east-1 source_profile=base "role_arn=$R93_ROLE_RO" "external_id=ext id with spaces" duration_seconds=900
m=$(moto_log_mark)
run awsrole login spaced
expect_rc 0
expect_out_has "Logged in"
expect_eq "AssumeRole status (moto checked the signature)" 200 "$(moto_field status "$m" AssumeRole)"
expect_eq "ExternalId as moto read it" "ext id with spaces" "$(moto_field params.ExternalId "$m" AssumeRole)"
aws_config_profile every region=us-east-1 source_profile=base "role_arn=$R93_ROLE_RO" "external_id=$R93_EXTERNAL_ID" \
	"role_session_name=$R93_SESSION" "mfa_serial=$BASE_MFA_SERIAL" duration_seconds=900
m=$(moto_log_mark)
run awsrole login every --mfa-code 123456
expect_rc 0
expect_eq "AssumeRole status, every byte class" 200 "$(moto_field status "$m" AssumeRole)"
expect_eq "ExternalId as moto read it" "$R93_EXTERNAL_ID" "$(moto_field params.ExternalId "$m" AssumeRole)"
expect_eq "RoleSessionName as moto read it" "$R93_SESSION" "$(moto_field params.RoleSessionName "$m" AssumeRole)"
pass

t "form body (10): awsrole's AssumeRole body is byte for byte what botocore's serializer makes of the same parameters"
r93_case
base_credentials base
aws_config_profile every region=us-east-1 source_profile=base "role_arn=$R93_ROLE_A" "external_id=$R93_EXTERNAL_ID" \
	"role_session_name=$R93_SESSION" "mfa_serial=$R93_SERIAL" duration_seconds=900
aws_config_profile plainname region=us-east-1 source_profile=base "role_arn=$R93_ROLE_A" "external_id=a b"
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
fake_sts_reply 200 assume_role.xml
for p in every plainname; do
	run awsrole login "$p" --mfa-code 123456 --no-cache
	expect_rc 0 || echo "    (profile $p)" >&2
	"$PY" "$ROOT/tests/form_diff.py" body "$FAKE_STS_LOG" > "$T_DIR/body.$p"
	run "$PY" "$ROOT/tests/form_diff.py" serializer "$(cat "$T_DIR/body.$p")"
	expect_rc 0 || echo "    (profile $p)" >&2
done
# the values arrived as configured (the comparison above is not between two wrong bodies)
expect_eq "ExternalId as fake_sts decoded it" "$R93_EXTERNAL_ID" "$(fake_sts_field params.ExternalId 0)"
expect_eq "SerialNumber as fake_sts decoded it" "$R93_SERIAL" "$(fake_sts_field params.SerialNumber 0)"
expect_eq "RoleSessionName as fake_sts decoded it" "$R93_SESSION" "$(fake_sts_field params.RoleSessionName 0)"
pass

# r93_cli_and_awsrole PROFILE [EXPECT] — AssumeRole for PROFILE by the AWS CLI v1 (MFA code on a
# pty when EXPECT, the prompt's text, is given), then by awsrole, both against fake_sts; the raw
# bodies in $T_DIR/body.PROFILE.cli and .awsrole.
r93_cli_and_awsrole() {
	local p=$1
	fake_sts_script '[{"body_file": "assume_role.xml"}, {"body_file": "get_caller_identity_role.xml"}]'
	if [ -n "${2:-}" ]; then
		run_pty --expect "$2" --send '123456\n' -- aws sts get-caller-identity --profile "$p" --output json
	else
		run aws sts get-caller-identity --profile "$p" --output json
	fi
	expect_rc 0 || echo "    (the AWS CLI, profile $p)" >&2
	"$PY" "$ROOT/tests/form_diff.py" body "$FAKE_STS_LOG" > "$T_DIR/body.$p.cli"
	fake_sts_reply 200 assume_role.xml
	run awsrole login "$p" --mfa-code 123456 --no-cache
	expect_rc 0 || echo "    (awsrole, profile $p)" >&2
	"$PY" "$ROOT/tests/form_diff.py" body "$FAKE_STS_LOG" > "$T_DIR/body.$p.awsrole"
}

# r93_keys_of FILE — the field names of a body, in order, one line.
r93_keys_of() { tr '&' '\n' < "$1" | cut -d= -f1 | tr '\n' ' '; }

t "form body (10): the AWS CLI v1 and awsrole send the same AssumeRole fields for one profile (every value encoded alike)"
r93_case
base_credentials base
aws_config_profile every region=us-east-1 source_profile=base "role_arn=$R93_ROLE_A" "external_id=$R93_EXTERNAL_ID" \
	"role_session_name=$R93_SESSION" "mfa_serial=$R93_SERIAL" duration_seconds=900
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
r93_cli_and_awsrole every "Enter MFA code for $R93_SERIAL: "
expect_eq "AssumeRole requests (CLI, awsrole)" 2 "$("$PY" "$PEERS/logq.py" "$FAKE_STS_LOG" --where params.Action=AssumeRole --count)"
run "$PY" "$ROOT/tests/form_diff.py" compare "$(cat "$T_DIR/body.every.awsrole")" "$(cat "$T_DIR/body.every.cli")"
expect_rc 0
pass

t "form body (10): ... and the same bytes, in botocore's order (configured session name; generated: the same field order)"
r93_case
base_credentials base
aws_config_profile every region=us-east-1 source_profile=base "role_arn=$R93_ROLE_A" "external_id=$R93_EXTERNAL_ID" \
	"role_session_name=$R93_SESSION" "mfa_serial=$R93_SERIAL" duration_seconds=900
aws_config_profile generated region=us-east-1 source_profile=base "role_arn=$R93_ROLE_A" external_id=ext-id duration_seconds=900
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
r93_cli_and_awsrole every "Enter MFA code for $R93_SERIAL: "
run "$PY" "$ROOT/tests/form_diff.py" compare "$(cat "$T_DIR/body.every.awsrole")" "$(cat "$T_DIR/body.every.cli")" --exact
expect_rc 0
r93_cli_and_awsrole generated
expect_eq "field order without role_session_name (RoleSessionName generated)" \
	"$(r93_keys_of "$T_DIR/body.generated.cli")" "$(r93_keys_of "$T_DIR/body.generated.awsrole")"
pass

# ================================================================ 22: a mistyped command

t "mistyped command (22): \"awsrole logn CustomerA\" is an unknown command with the nearest one suggested (2); no config read"
r93_case
aws_config_write <<-'EOF'
	[profile broken
	EOF
for pair in logn:login exce:exec evn:env credential-proces:credential-process credentials-process:credential-process \
	whomai:whoami lst:list logut:logout confg:config doctr:doctor stauts:status promt:prompt verison:version LOGIN:login; do
	typo=${pair%%:*} want=${pair#*:}
	run awsrole "$typo" CustomerA
	expect_rc 2 || echo "    (awsrole $typo CustomerA)" >&2
	expect_err_has "unknown command \"$typo\""
	expect_err_lacks "unexpected argument"
	expect_err_matches "did you mean .?(awsrole )?$want\\b" || echo "    (awsrole $typo)" >&2
	expect_out_eq ""
done
run awsrole logn
expect_rc 2
expect_err_has 'unknown command "logn"'
expect_err_matches 'did you mean .?(awsrole )?login'
# nothing near: no guess, the list of commands instead
run awsrole frobnicate CustomerA
expect_rc 2
expect_err_has 'unknown command "frobnicate"'
expect_err_lacks "did you mean"
expect_err_has "awsrole --help"
# a known command with one word too many is still "unexpected argument"
rm -f "$HOME/.aws/config"
run awsrole list extra
expect_rc 2
expect_err_has 'unexpected argument "extra"'
pass

# ================================================================ 23, 24, 25: child processes, the credentials file

# r93_wrapper — $T_DIR/bin/awsrole: logs each call to $T_DIR/calls, refuses after 6 (so a loop
# in the binary under test ends at once), then runs $AWSROLE_BIN.  PATH gets it first.
r93_wrapper() {
	mkdir -p "$T_DIR/bin"
	: > "$T_DIR/calls"
	cat > "$T_DIR/bin/awsrole" <<-EOF
	#!/bin/sh
	echo "\$*" >> "$T_DIR/calls"
	if [ "\$(wc -l < "$T_DIR/calls")" -gt 6 ]; then echo "t93 wrapper: more than 6 nested calls" >&2; exit 99; fi
	exec "$AWSROLE_BIN" "\$@"
	EOF
	chmod +x "$T_DIR/bin/awsrole"
	export PATH=$T_DIR/bin:$PATH
}
r93_calls() { wc -l < "$T_DIR/calls" | tr -d ' '; }

# r93_keys_script NAME — a credential_process that prints static keys; it also saves its
# environment to $T_DIR/NAME.env.
r93_keys_script() {
	cat > "$T_DIR/$1" <<-EOF
	#!/bin/sh
	env > "$T_DIR/$1.env"
	printf '{"Version": 1, "AccessKeyId": "AKIAPROCESSEXAMPLE01", "SecretAccessKey": "processSecretExample"}\n'
	EOF
	chmod +x "$T_DIR/$1"
	echo "$T_DIR/$1"
}

t "credential_process loop (23): a profile whose credential_process is awsrole on itself fails at once, naming the loop"
r93_case
r93_wrapper
aws_config_profile P region=us-east-1 "credential_process=awsrole credential-process P"
RUN_TIMEOUT=15 run awsrole credential-process P
expect_rc_in 3 5
expect_err_lacks "t93 wrapper"
expect_err_matches 'profile "P" (->|→) credential_process (->|→) awsrole credential-process P'
expect_err_has "loop"
expect_fix_hint
expect_eq "awsrole calls (the command, then the one child that finds the loop)" 2 "$(r93_calls)"
expect_out_eq ""
pass

t "credential_process loop (23): through a second profile (P -> Q -> P), and through exec, caught on the way back"
r93_case
r93_wrapper
printf '{"Version": 1, "AccessKeyId": "AKIAPROCESSEXAMPLE01", "SecretAccessKey": "s"}\n' > "$T_DIR/creds.json"
aws_config_profile P region=us-east-1 "credential_process=awsrole credential-process Q"
aws_config_profile Q region=us-east-1 "credential_process=awsrole credential-process P"
aws_config_profile X region=us-east-1 "credential_process=awsrole exec X -- cat $T_DIR/creds.json"
RUN_TIMEOUT=15 run awsrole credential-process P
expect_rc_in 3 5
expect_err_lacks "t93 wrapper"
expect_err_matches 'profile "P" (->|→) credential_process (->|→) profile "Q" (->|→) credential_process (->|→) awsrole credential-process P'
expect_err_has "loop"
expect_eq "awsrole calls (P, Q, then P finds the loop)" 3 "$(r93_calls)"
: > "$T_DIR/calls"
RUN_TIMEOUT=15 run awsrole credential-process X
expect_rc_in 3 5
expect_err_lacks "t93 wrapper"
expect_err_matches 'profile "X" (->|→) credential_process (->|→) awsrole exec X'
expect_eq "awsrole calls (X, then X finds the loop)" 2 "$(r93_calls)"
pass

t "credential_process loop (23): the loop through an inherited AWS_CONFIG_FILE is caught; the same command with the default config is not a loop"
r93_case
r93_wrapper
mkdir -p "$T_DIR/elsewhere"
printf '[profile P]\nregion = us-east-1\ncredential_process = awsrole credential-process P\n' > "$T_DIR/elsewhere/config"
keys=$(r93_keys_script keys.sh)
aws_config_profile P region=us-east-1 "credential_process=$keys"
RUN_TIMEOUT=15 run env AWS_CONFIG_FILE="$T_DIR/elsewhere/config" awsrole credential-process P
expect_rc_in 3 5
expect_err_lacks "t93 wrapper"
expect_err_matches 'profile "P" (->|→) credential_process (->|→) awsrole credential-process P'
expect_eq "awsrole calls" 2 "$(r93_calls)"
# the child reads ~/.aws/config (no AWS_CONFIG_FILE): a different P, no loop
: > "$T_DIR/calls"
printf '[profile outer]\nregion = us-east-1\ncredential_process = env -u AWS_CONFIG_FILE awsrole credential-process P\n' > "$T_DIR/elsewhere/config"
RUN_TIMEOUT=15 run env AWS_CONFIG_FILE="$T_DIR/elsewhere/config" awsrole credential-process outer
expect_rc 0
expect_eq "AccessKeyId through outer -> P" AKIAPROCESSEXAMPLE01 "$(json_get "$OUT" AccessKeyId)"
pass

t "credential_process loop (23): _AWSROLE_PROFILE_CHAIN — the child sees the chain as CSV, at most 4 levels, exec's command does not inherit it"
r93_case
keys=$(r93_keys_script keys.sh)
aws_config_profile P region=us-east-1 "credential_process=$keys"
aws_config_profile "c,1" region=us-east-1 "credential_process=$keys"
run awsrole credential-process P
expect_rc 0
expect_eq "the child's _AWSROLE_PROFILE_CHAIN" "_AWSROLE_PROFILE_CHAIN=P" "$(grep '^_AWSROLE_PROFILE_CHAIN=' "$T_DIR/keys.sh.env")"
run env _AWSROLE_PROFILE_CHAIN=a,b awsrole credential-process P
expect_rc 0
expect_eq "appended to an inherited chain" "_AWSROLE_PROFILE_CHAIN=a,b,P" "$(grep '^_AWSROLE_PROFILE_CHAIN=' "$T_DIR/keys.sh.env")"
run awsrole credential-process "c,1"
expect_rc 0
expect_eq "a name with a comma is quoted as CSV (as the CLI's csv.writer)" '_AWSROLE_PROFILE_CHAIN="c,1"' \
	"$(grep '^_AWSROLE_PROFILE_CHAIN=' "$T_DIR/keys.sh.env")"
# the depth limit: 4 profiles already in the chain
run env _AWSROLE_PROFILE_CHAIN=a,b,c,d awsrole credential-process P
expect_rc 3
expect_err_matches 'a (->|→) b (->|→) c (->|→) d'
expect_err_has "4"
expect_fix_hint
expect_out_eq ""
run env _AWSROLE_PROFILE_CHAIN=a,b,c awsrole credential-process P
expect_rc 0
# a profile already in the chain
run env _AWSROLE_PROFILE_CHAIN=a,P awsrole credential-process P
expect_rc 3
expect_err_has "loop"
expect_err_matches 'profile "a" (->|→) credential_process (->|→) profile "P" (->|→) credential_process (->|→) awsrole credential-process P'
# exec: the process that resolves the profile gets the chain, the command exec runs does not
rm -f "$T_DIR/keys.sh.env"
run awsrole exec P -- env
expect_rc 0
expect_eq "the credential_process child's chain" "_AWSROLE_PROFILE_CHAIN=P" "$(grep '^_AWSROLE_PROFILE_CHAIN=' "$T_DIR/keys.sh.env")"
expect_out_lacks "_AWSROLE_PROFILE_CHAIN"
pass

t "failing child (24): an awsrole child's cause is shown, with one fix line; a plain child's last stderr line too"
r93_case
cat > "$T_DIR/bad.sh" <<-'EOF'
#!/bin/sh
echo "first line, not the reason" >&2
echo "the real reason: token expired" >&2
exit 5
EOF
chmod +x "$T_DIR/bad.sh"
printf '#!/bin/sh\nexit 3\n' > "$T_DIR/silent.sh"
chmod +x "$T_DIR/silent.sh"
aws_config_profile badproc region=us-east-1 "credential_process=$T_DIR/bad.sh"
aws_config_profile outer region=us-east-1 "credential_process=$AWSROLE_BIN credential-process badproc"
aws_config_profile silent region=us-east-1 "credential_process=$T_DIR/silent.sh"
run awsrole credential-process badproc
expect_rc 5
expect_err_has "exited with status 5: the real reason: token expired"
expect_eq "fix lines" 1 "$(r93_count "$ERR" '^ *fix:')"
run awsrole credential-process outer
expect_rc 5
expect_err_has "the real reason: token expired"
expect_err_has 'of profile "outer" exited with status 5'
expect_eq "fix lines" 1 "$(r93_count "$ERR" '^ *fix:')"
expect_eq "lines with a fix after the status" 0 "$(r93_count "$ERR" 'status [0-9]+: +fix:')"
expect_eq "awsrole: lines" 1 "$(r93_count "$ERR" '^awsrole: ')"
run awsrole credential-process silent
expect_rc 5
expect_err_has 'of profile "silent" exited with status 3'
expect_err_lacks "status 3: "
expect_eq "fix lines" 1 "$(r93_count "$ERR" '^ *fix:')"
pass

t "credentials file warning (25): /dev/null as AWS_SHARED_CREDENTIALS_FILE gives no warning (nor a doctor finding); a 0644 regular file (or a symlink to one) still does"
r93_case
keys=$(r93_keys_script keys.sh)
aws_config_profile P region=us-east-1 "credential_process=$keys"
run env AWS_SHARED_CREDENTIALS_FILE=/dev/null awsrole credential-process P
expect_rc 0
expect_eq "stderr" "" "$ERR"
run env AWS_SHARED_CREDENTIALS_FILE=/dev/null awsrole doctor
expect_out_lacks "/dev/null is readable"
printf '[x]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = s\n' > "$T_DIR/creds644"
chmod 644 "$T_DIR/creds644"
run env AWS_SHARED_CREDENTIALS_FILE="$T_DIR/creds644" awsrole credential-process P
expect_rc 0
expect_err_has "$T_DIR/creds644 is readable by everyone"
ln -s "$T_DIR/creds644" "$T_DIR/creds-link"
run env AWS_SHARED_CREDENTIALS_FILE="$T_DIR/creds-link" awsrole credential-process P
expect_rc 0
expect_err_has "readable by everyone"
chmod 640 "$T_DIR/creds644"
run env AWS_SHARED_CREDENTIALS_FILE="$T_DIR/creds644" awsrole credential-process P
expect_rc 0
expect_err_has "readable by its group"
pass

# ================================================================ 26: per-command help, --format bash/zsh

# Each command's own help: synopsis, its options, exit status, an example (README's Commands).
# verb|synopsis start|option strings that must appear (comma-separated)
R93_HELP=(
	"login|usage: awsrole login [PROFILE...]|--mfa-code,--region,-p,--scope,--policy,--policy-arn"
	"serve|usage: awsrole serve PROFILE...|--mfa-session,--scope,--policy,--role-session-name"
	"agent|usage: awsrole agent [--name NAME]|--env,--format,--policy"
	"exec|usage: awsrole exec [PROFILE]|--allow-nested,-- COMMAND"
	"env|usage: awsrole env [PROFILE]|--format,sh,fish,powershell,json"
	"credential-process|usage: awsrole credential-process [PROFILE]|credential_process"
	"whoami|usage: awsrole whoami [PROFILE]|--region"
	"list|usage: awsrole list|--json"
	"logout|usage: awsrole logout|--all"
	"config|usage: awsrole config dump|--json,--show-secrets"
	"doctor|usage: awsrole doctor [PROFILE]|--online,--json"
	"status|usage: awsrole status|"
	"prompt|usage: awsrole prompt|PS1"
	"version|usage: awsrole version|"
)

t "per-command help (26): awsrole VERB --help (and -h) prints VERB's synopsis, options, exit status and an example (0), without reading the config"
r93_case
aws_config_write <<-'EOF'
	[profile broken
	EOF
run awsrole --help
expect_rc 0
global=$OUT
for h in "${R93_HELP[@]}"; do
	IFS='|' read -r verb synopsis opts <<<"$h"
	for flag in --help -h; do
		run awsrole "$verb" "$flag"
		expect_rc 0 || echo "    (awsrole $verb $flag)" >&2
		expect_eq "[$verb $flag] stderr" "" "$ERR"
		expect_eq "[$verb $flag] first line" "$synopsis" "$(head -1 <<<"$OUT" | cut -c1-${#synopsis})"
		[ "$OUT" != "$global" ] || fail "[$verb $flag] prints the global usage"
		expect_out_lacks "commands:"
		expect_eq "[$verb $flag] an \"exit status:\" line" 1 "$(grep -c '^exit status:' <<<"$OUT")"
		grep -A3 '^example' <<<"$OUT" | grep -q "awsrole $verb" || fail "[$verb $flag] no example line with \"awsrole $verb\" after \"example\": $OUT"
		IFS=, read -ra want_opts <<<"$opts"
		for o in "${want_opts[@]}"; do
			[ -n "$o" ] && { expect_out_has "$o" || echo "    (awsrole $verb $flag)" >&2; }
		done
	done
done
# a profile and --help: still the help, no credentials
run awsrole login CustomerA --help
expect_rc 0
expect_eq "login CustomerA --help" "usage: awsrole login [PROFILE...]" "$(head -1 <<<"$OUT" | cut -c1-33)"
# --help after -- belongs to exec's command
keys=$(r93_keys_script keys.sh)
rm -f "$HOME/.aws/config"
aws_config_profile P region=us-east-1 "credential_process=$keys"
run awsrole exec P -- sh -c 'echo "arg=$1"' _ --help
expect_rc 0
expect_out_eq "arg=--help"
pass

t "env --format bash / zsh (26): accepted as sh, the same output; other shells still exit 2"
r93_case
keys=$(r93_keys_script keys.sh)
aws_config_profile P region=us-east-1 "credential_process=$keys"
run awsrole env P --format sh
expect_rc 0
want=$OUT
expect_out_has "export AWS_ACCESS_KEY_ID='AKIAPROCESSEXAMPLE01'"
for f in bash zsh; do
	run awsrole env P --format "$f"
	expect_rc 0 || echo "    (--format $f)" >&2
	expect_out_eq "$want"
done
run awsrole env P --format tcsh
expect_rc 2
expect_err_has "tcsh"
expect_err_has "sh"
pass
