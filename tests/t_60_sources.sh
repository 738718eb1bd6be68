# t_60_sources.sh — where a chain's first credentials come from, for servers and containers:
# credential_source = Environment | Ec2InstanceMetadata | EcsContainer, web identity (profile
# and environment forms), credential_process (direct and as a source_profile), the conflicts,
# chains that start at IMDS/ECS, and the source kind in `awsrole list`.
#
# Peers: moto (signature checking on), tests/peers/fake_imds.py (IMDSv2 only: a GET without
# the session token is 401), tests/peers/fake_ecs.py.  Refusals of off-loopback URLs run in an
# empty network namespace (unshare -n) under strace.  Nothing leaves 127.0.0.1.  The hanging
# credential_process case (60 s) is in t_61_process_hang.sh.

USER_ARN=arn:aws:iam::333333333333:user/example.user
ROLE_A=arn:aws:iam::111111111111:role/RoleA
ROLE_RO=arn:aws:iam::222222222222:role/RoleReadOnly

# ---------------------------------------------------------------- local helpers

# src_case — moto as the STS endpoint and a region, nothing else (after `t NAME`).
src_case() {
	use_moto
	export AWS_REGION=us-east-1
}

# ms_now — monotonic-enough wall clock in milliseconds (for bounded-time checks).

# timed_run CMD... — run, and set ELAPSED_MS.
timed_run() {
	local t0
	t0=$(ms_now)
	run "$@"
	ELAPSED_MS=$(($(ms_now) - t0))
}

expect_under_ms() { # LIMIT WHAT
	[ "$ELAPSED_MS" -lt "$1" ] && return 0
	fail "$2: took ${ELAPSED_MS} ms, limit $1 ms"
	_run_report
	return 1
}

# creds_json_file FILE AKID SECRET [TOKEN [EXPIRATION]] — a --creds-file for fake_imds/fake_ecs.
creds_json_file() {
	"$PY" - "$@" <<-'EOF'
	import json, sys
	f, akid, secret = sys.argv[1:4]
	d = {"AccessKeyId": akid, "SecretAccessKey": secret, "Token": ""}
	if len(sys.argv) > 4: d["Token"] = sys.argv[4]
	if len(sys.argv) > 5: d["Expiration"] = sys.argv[5]
	open(f, "w").write(json.dumps(d))
	EOF
}

# role_session_creds_file FILE — moto AssumeRole RoleA (session credentials moto accepts).
role_session_creds_file() {
	moto_assume_role "$ROLE_A" 900 || return 1
	creds_json_file "$1" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$ROLE_EXPIRATION"
}

# proc_script NAME <<BODY — an executable script in the case directory; prints its path.
proc_script() {
	local f=$T_DIR/$1
	cat > "$f"
	chmod +x "$f"
	echo "$f"
}

# A credential_process that prints the moto user's keys (Version 1, no token, no expiry).
base_proc_script() {
	proc_script base_creds.sh <<-EOF
	#!/bin/sh
	printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\n' "$BASE_AKID" "$BASE_SECRET"
	EOF
}

# start_silent_listener — a TCP listener that accepts and never answers -> SILENT_PORT.
start_silent_listener() {
	local f=$T_DIR/silent.py
	cat > "$f" <<-'EOF'
	import socket, sys, time
	pf = sys.argv[sys.argv.index("--portfile") + 1]
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	s.listen(64)
	open(pf + ".tmp", "w").write("%d\n" % s.getsockname()[1])
	import os; os.replace(pf + ".tmp", pf)
	held = []
	while True:
	    c, _ = s.accept()
	    held.append(c)          # keep it open, read nothing, say nothing
	EOF
	_start_peer SILENT "$PY" "$f"
}

# closed_port — a loopback port nobody listens on (bound, then released).
closed_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

use_imds() { # URL
	unset AWS_EC2_METADATA_DISABLED
	export AWS_EC2_METADATA_SERVICE_ENDPOINT=$1
}

# Refusals of off-loopback URLs.  Plain-http requests never go through a proxy (issue 13.1),
# so a loopback catch-all proxy cannot catch a URL that is wrongly let through: those cases
# run in an empty network namespace (unshare -n: only a loopback interface, down) under strace,
# and check that awsrole did not even try.  NS_RUN: the unshare command that works here.
NS_RUN=
need_empty_netns() {
	if ! command -v strace >/dev/null 2>&1; then
		skip "needs strace (apt-get install strace): the refusal must be shown without a connect()"
		return 1
	fi
	if [ -z "$NS_RUN" ]; then
		if unshare -n true 2>/dev/null; then
			NS_RUN="unshare -n"
		elif unshare -rn true 2>/dev/null; then
			NS_RUN="unshare -rn"
		else
			skip "needs a network namespace (unshare -n or unshare -rn): off-loopback URLs are never tried outside one"
			return 1
		fi
	fi
}

# ASan build (make check-asan): LeakSanitizer cannot work under ptrace (strace) or with ptrace
# refused, and ASan's own RLIMIT_CORE call would meet a seccomp filter before awsrole's does.
NO_LSAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:disable_coredump=0"

# netns_run CMD... — timed_run CMD in the empty namespace under strace; NETCALLS = its connect()
# calls and its sendto()/sendmsg() calls to an address (musl's DNS queries), none expected.
netns_run() {
	local f=$T_DIR/net.$RANDOM.txt
	# shellcheck disable=SC2086
	timed_run $NS_RUN strace -f -qq -e trace=connect,sendto,sendmsg -o "$f" env "$NO_LSAN" "$@"
	NETCALLS=$(grep -E 'connect\(|inet_addr|inet_pton' "$f" 2>/dev/null | grep -v 'sa_family=AF_UNIX')
}

# log_nth LOG NTH FIELD... — the FIELDs of the NTH (0-based) record of a peer's LOG, joined by spaces.
log_nth() {
	local log=$1 nth=$2 f v=()
	shift 2
	for f in "$@"; do v+=("$("$PY" "$PEERS/logq.py" "$log" --field "$f" --nth "$nth")"); done
	echo "${v[*]}"
}

cache_files() { find "$HOME/.aws/cli/cache" -name '*.json' 2>/dev/null | wc -l | tr -d ' '; }

# ================================================================ credential_source = Environment

t "Environment: a role profile whose source is the environment's keys assumes the role (signed)"
use_moto
use_base_keys
export AWS_REGION=us-east-1
aws_config_profile envrole "role_arn=$ROLE_A" credential_source=Environment
m=$(moto_log_mark)
run awsrole whoami -p envrole
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/'
expect_eq "AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "AssumeRole status (moto checked the signature)" 200 "$(moto_field status "$m" AssumeRole)"
expect_eq "AssumeRole signed with the environment's key" "$BASE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "AssumeRole RoleArn" "$ROLE_A" "$(moto_field params.RoleArn "$m" AssumeRole)"
expect_eq "no security token with long-term keys" false "$(moto_field security_token "$m" AssumeRole)"
pass

t "Environment: the legacy AWS_SECURITY_TOKEN is sent as the session token"
use_moto
moto_assume_role "$ROLE_A" 900
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=$ROLE_AKID AWS_SECRET_ACCESS_KEY=$ROLE_SECRET AWS_SECURITY_TOKEN=$ROLE_TOKEN
aws_config_profile envrole "role_arn=$ROLE_RO" credential_source=Environment
m=$(moto_log_mark)
run awsrole whoami -p envrole
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/'
expect_eq "AssumeRole status" 200 "$(moto_field status "$m" AssumeRole)"
expect_eq "AssumeRole signed with the session key" "$ROLE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "X-Amz-Security-Token sent" true "$(moto_field security_token "$m" AssumeRole)"
pass

t "Environment: no AWS_ACCESS_KEY_ID in the environment is exit 3 naming the variable"
src_case
aws_config_profile envrole "role_arn=$ROLE_A" credential_source=Environment
m=$(moto_log_mark)
run awsrole whoami -p envrole
expect_rc 3
expect_err_has "AWS_ACCESS_KEY_ID"
expect_err_has "envrole"
expect_fix_hint
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

# ================================================================ credential_source = Ec2InstanceMetadata

t "IMDS: PUT token, GET role, GET credentials with the token; the role is assumed with them"
src_case
role_session_creds_file "$T_DIR/imds_creds.json"
start_fake_imds --creds-file "$T_DIR/imds_creds.json" --role inst-role
use_imds "$FAKE_IMDS_URL"
aws_config_profile ec2role "role_arn=$ROLE_RO" credential_source=Ec2InstanceMetadata
m=$(moto_log_mark)
run awsrole whoami -p ec2role
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/'
expect_eq "AssumeRole signed with the instance credentials" "$ROLE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "instance session token sent" true "$(moto_field security_token "$m" AssumeRole)"
expect_eq "AssumeRole status" 200 "$(moto_field status "$m" AssumeRole)"
L=$FAKE_IMDS_LOG
expect_eq "IMDS requests" 3 "$(log_count "$L")"
expect_eq "1st request: method" PUT "$(log_nth "$L" 0 method)"
expect_eq "1st request: path" /latest/api/token "$(log_nth "$L" 0 path)"
expect_eq "1st request: TTL header" 21600 "$(log_nth "$L" 0 headers.x-aws-ec2-metadata-token-ttl-seconds)"
expect_eq "2nd request" "GET /latest/meta-data/iam/security-credentials/ 200" "$(log_nth "$L" 1 method path status)"
expect_eq "3rd request" "GET /latest/meta-data/iam/security-credentials/inst-role 200" "$(log_nth "$L" 2 method path status)"
case $(log_nth "$L" 1 headers.x-aws-ec2-metadata-token) in
fake-imds-token-*) ;;
*) fail "the GET did not carry the session token the PUT handed out" ;;
esac
expect_eq "requests rejected for a missing/bad token (IMDSv1 style)" 0 "$(log_count "$L" status=401)"
# Warm: the role's session is cached; IMDS is not asked again.
run awsrole whoami -p ec2role
expect_rc 0
expect_out_has "assumed-role/RoleReadOnly/"
expect_eq "IMDS requests after the cached call" 3 "$(log_count "$L")"
pass

t "IMDS: AWS_EC2_METADATA_SERVICE_ENDPOINT with a trailing slash; instance keys without expiry"
src_case
creds_json_file "$T_DIR/imds_creds.json" "$BASE_AKID" "$BASE_SECRET"
start_fake_imds --creds-file "$T_DIR/imds_creds.json"
use_imds "$FAKE_IMDS_URL/"
aws_config_profile ec2role "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
m=$(moto_log_mark)
run awsrole whoami -p ec2role --no-cache
expect_rc 0
expect_out_has "assumed-role/RoleA/"
expect_eq "AssumeRole signed with the instance keys" "$BASE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "IMDS paths with a double slash" 0 "$("$PY" "$PEERS/logq.py" "$FAKE_IMDS_LOG" --all path | grep -c '//')"
expect_eq "IMDS 200 answers" 3 "$(log_count "$FAKE_IMDS_LOG" status=200)"
pass

t "IMDS: AWS_EC2_METADATA_DISABLED=true is exit 3 naming the variable, no request"
src_case
start_fake_imds
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_URL AWS_EC2_METADATA_DISABLED=true
aws_config_profile ec2role "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
run awsrole whoami -p ec2role
expect_rc 3
expect_err_has "AWS_EC2_METADATA_DISABLED"
expect_eq "IMDS requests" 0 "$(log_count "$FAKE_IMDS_LOG")"
pass

t "IMDS: a closed port fails fast (< 3 s), exit 6, and the message names IMDS"
src_case
port=$(closed_port)
use_imds "http://127.0.0.1:$port"
aws_config_profile ec2role "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
m=$(moto_log_mark)
timed_run awsrole whoami -p ec2role
expect_rc 6
expect_under_ms 3000 "a refused connection"
expect_err_matches 'awsrole: .*(IMDS|instance metadata)'
expect_fix_hint
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

t "IMDS: a listener that never answers is bounded by the 1 s timeout x 2 attempts (< 5 s)"
src_case
start_silent_listener
use_imds "http://127.0.0.1:$SILENT_PORT"
aws_config_profile ec2role "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
timed_run awsrole whoami -p ec2role
expect_rc 6
expect_under_ms 5000 "a silent IMDS"
expect_err_matches 'awsrole: .*(IMDS|instance metadata)'
expect_fix_hint
pass

t "IMDS: instance credentials that already expired are refused (exit 5)"
src_case
start_fake_imds --expiration-offset -120
use_imds "$FAKE_IMDS_URL"
aws_config_profile ec2role "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
m=$(moto_log_mark)
run awsrole whoami -p ec2role
expect_rc 5
expect_err_has "IMDS"
expect_err_has "expired"
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

t "IMDS: no instance role listed is exit 5 naming IMDS, with a fix"
src_case
start_fake_imds --role ''
use_imds "$FAKE_IMDS_URL"
aws_config_profile ec2role "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
run awsrole whoami -p ec2role
expect_rc 5
expect_err_has "IMDS"
expect_err_has "role"
expect_fix_hint
expect_eq "IMDS requests (token + role list)" 2 "$(log_count "$FAKE_IMDS_LOG")"
pass

# ================================================================ credential_source = EcsContainer

t "ECS: FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN; the role is assumed with the task's credentials"
src_case
role_session_creds_file "$T_DIR/ecs_creds.json"
start_fake_ecs --path /creds --auth-token "task-token-123" --creds-file "$T_DIR/ecs_creds.json"
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=task-token-123
aws_config_profile ecsrole "role_arn=$ROLE_RO" credential_source=EcsContainer
m=$(moto_log_mark)
run awsrole whoami -p ecsrole
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/'
expect_eq "ECS requests" 1 "$(log_count "$FAKE_ECS_LOG")"
expect_eq "Authorization header" task-token-123 "$(log_field "$FAKE_ECS_LOG" headers.authorization)"
expect_eq "ECS status" 200 "$(log_field "$FAKE_ECS_LOG" status)"
expect_eq "AssumeRole signed with the task credentials" "$ROLE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "task session token sent" true "$(moto_field security_token "$m" AssumeRole)"
pass

t "ECS: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is re-read on every call and beats _TOKEN"
src_case
creds_json_file "$T_DIR/ecs_creds.json" "$BASE_AKID" "$BASE_SECRET"
start_fake_ecs --path /creds --creds-file "$T_DIR/ecs_creds.json"
printf 'file-token-one\n' > "$T_DIR/token"
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/creds
export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$T_DIR/token AWS_CONTAINER_AUTHORIZATION_TOKEN=env-token
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
run awsrole whoami -p ecsrole --no-cache
expect_rc 0
expect_eq "1st Authorization (file, trailing newline trimmed)" file-token-one "$(log_field "$FAKE_ECS_LOG" headers.authorization)"
printf 'file-token-two' > "$T_DIR/token"
run awsrole whoami -p ecsrole --no-cache
expect_rc 0
expect_out_has "assumed-role/RoleA/"
expect_eq "ECS requests" 2 "$(log_count "$FAKE_ECS_LOG")"
expect_eq "2nd Authorization (the file as it is now)" file-token-two "$(log_field "$FAKE_ECS_LOG" headers.authorization)"
pass

t "ECS: a wrong token is a 401: exit 5 with the status in the message"
src_case
start_fake_ecs --path /creds --auth-token right-token
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-token
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
m=$(moto_log_mark)
run awsrole whoami -p ecsrole
expect_rc 5
expect_err_has "401"
expect_err_has "container credentials"
expect_err_lacks "wrong-token"
expect_eq "ECS requests (a 401 is not retried)" 1 "$(log_count "$FAKE_ECS_LOG")"
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

t "ECS: a missing token file is exit 3 naming AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, no request"
src_case
start_fake_ecs --path /creds
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/creds AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$T_DIR/no-such-token
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
run awsrole whoami -p ecsrole
expect_rc 3
expect_err_has "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
expect_err_has "no-such-token"
expect_eq "ECS requests" 0 "$(log_count "$FAKE_ECS_LOG")"
pass

t "ECS: a token with CR/LF (env or file) is refused before any request (no header injection)"
src_case
start_fake_ecs --path /creds
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/creds
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
run env "AWS_CONTAINER_AUTHORIZATION_TOKEN=tok$(printf '\r\n')X-Injected: 1" awsrole whoami -p ecsrole
expect_rc 3
expect_err_has "line break"
expect_err_lacks "X-Injected"
printf 'tok\nX-Injected: 1\n' > "$T_DIR/token"
run env AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_DIR/token" awsrole whoami -p ecsrole
expect_rc 3
expect_err_has "line break"
printf 'tok\rX-Injected: 1' > "$T_DIR/token"
run env AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_DIR/token" awsrole whoami -p ecsrole
expect_rc 3
expect_err_has "line break"
expect_eq "ECS requests" 0 "$(log_count "$FAKE_ECS_LOG")"
pass

t "ECS: a plain-http FULL_URI to a host other than loopback/the agent is refused before connecting"
need_empty_netns && {
	src_case
	aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
	for u in http://example.com/creds http://10.0.0.1/x http://169.254.170.3/v2 \
		http://localhost.example.com/creds http://169.254.170.2.example.com/creds; do
		RUN_TIMEOUT=10 netns_run env AWS_CONTAINER_CREDENTIALS_FULL_URI="$u" awsrole whoami -p ecsrole
		expect_rc 3 || continue
		expect_err_has "$u"
		expect_err_has "plain http"
		expect_fix_hint
		[ "$u" = http://example.com/creds ] && expect_err_golden t_60_sources.ecs-plain-http
		expect_under_ms 3000 "refusal of $u"
		[ -z "$NETCALLS" ] || fail "$u: network calls before the refusal: $NETCALLS"
	done
	pass
}

t "ECS: a FULL_URI that only looks like loopback (127.x hostname, userinfo@) is refused too"
need_empty_netns && {
	src_case
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=secret-task-token
	aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
	for u in http://127.0.0.1@example.com/creds http://127.0.0.1.example.com/creds \
		'http://[::1]@example.com/creds' http://127.example.com/creds; do
		RUN_TIMEOUT=10 netns_run env AWS_CONTAINER_CREDENTIALS_FULL_URI="$u" awsrole whoami -p ecsrole
		expect_rc 3
		expect_err_has "plain http"
		expect_err_lacks "secret-task-token"
		[ -z "$NETCALLS" ] || fail "$u: network calls (the task token on its way off the machine): $NETCALLS"
	done
	pass
}

t "ECS: FULL_URI to localhost by name is allowed"
src_case
creds_json_file "$T_DIR/ecs_creds.json" "$BASE_AKID" "$BASE_SECRET"
start_fake_ecs --path /v2/creds --creds-file "$T_DIR/ecs_creds.json"
export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://localhost:$FAKE_ECS_PORT/v2/creds
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
run awsrole whoami -p ecsrole --no-cache
expect_rc 0
expect_out_has "assumed-role/RoleA/"
expect_eq "ECS requests" 1 "$(log_count "$FAKE_ECS_LOG" status=200)"
pass

t "ECS: an endpoint at a closed port fails fast (< 3 s), exit 6, naming the container endpoint"
src_case
port=$(closed_port)
export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$port/creds
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
timed_run awsrole whoami -p ecsrole
expect_rc 6
expect_under_ms 3000 "a refused connection"
expect_err_matches 'awsrole: .*container'
expect_fix_hint
pass

t "ECS: neither RELATIVE_URI nor FULL_URI set is exit 3 naming both variables"
src_case
aws_config_profile ecsrole "role_arn=$ROLE_A" credential_source=EcsContainer
run awsrole whoami -p ecsrole
expect_rc 3
expect_err_has "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
expect_err_has "AWS_CONTAINER_CREDENTIALS_FULL_URI"
expect_fix_hint
pass

# ================================================================ web identity

t "web identity (profile): role_arn + web_identity_token_file, unsigned, cached"
src_case
JWT='eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2lnbmF0dXJl'
printf '%s\n' "$JWT" > "$T_DIR/jwt"
aws_config_profile web "role_arn=$ROLE_A" "web_identity_token_file=$T_DIR/jwt" role_session_name=web-sess
m=$(moto_log_mark)
run awsrole whoami -p web
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/web-sess"'
expect_eq "AssumeRoleWithWebIdentity calls" 1 "$(moto_calls_since "$m" AssumeRoleWithWebIdentity)"
expect_eq "status" 200 "$(moto_field status "$m" AssumeRoleWithWebIdentity)"
expect_eq "unsigned (no Authorization)" "" "$(moto_field auth_scheme "$m" AssumeRoleWithWebIdentity)"
expect_eq "unsigned_public" true "$(moto_field unsigned_public "$m" AssumeRoleWithWebIdentity)"
expect_eq "no security token" false "$(moto_field security_token "$m" AssumeRoleWithWebIdentity)"
expect_eq "WebIdentityToken (the file, newline trimmed)" "$JWT" "$(moto_field params.WebIdentityToken "$m" AssumeRoleWithWebIdentity)"
expect_eq "RoleSessionName" web-sess "$(moto_field params.RoleSessionName "$m" AssumeRoleWithWebIdentity)"
expect_eq "RoleArn" "$ROLE_A" "$(moto_field params.RoleArn "$m" AssumeRoleWithWebIdentity)"
expect_eq "cache files" 1 "$(cache_files)"
m=$(moto_log_mark)
run awsrole whoami -p web
expect_rc 0
expect_out_has "assumed-role/RoleA/web-sess"
expect_eq "AssumeRoleWithWebIdentity calls on the 2nd run (cached)" 0 "$(moto_calls_since "$m" AssumeRoleWithWebIdentity)"
pass

t "web identity (environment): AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN + AWS_ROLE_SESSION_NAME, no profile"
src_case
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHAifQ.\n' > "$T_DIR/jwt"
export AWS_WEB_IDENTITY_TOKEN_FILE=$T_DIR/jwt AWS_ROLE_ARN=$ROLE_RO AWS_ROLE_SESSION_NAME=env-web-sess
m=$(moto_log_mark)
run awsrole whoami
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/env-web-sess"'
expect_eq "AssumeRoleWithWebIdentity calls" 1 "$(moto_calls_since "$m" AssumeRoleWithWebIdentity)"
expect_eq "unsigned (no Authorization)" "" "$(moto_field auth_scheme "$m" AssumeRoleWithWebIdentity)"
expect_eq "no AssumeRole" 0 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "RoleSessionName" env-web-sess "$(moto_field params.RoleSessionName "$m" AssumeRoleWithWebIdentity)"
expect_eq "cache files" 1 "$(cache_files)"
m=$(moto_log_mark)
run awsrole whoami
expect_rc 0
expect_out_has "assumed-role/RoleReadOnly/env-web-sess"
expect_eq "AssumeRoleWithWebIdentity calls on the 2nd run (cached)" 0 "$(moto_calls_since "$m" AssumeRoleWithWebIdentity)"
pass

t "web identity (environment) without AWS_ROLE_SESSION_NAME: a generated session name"
src_case
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHAifQ.' > "$T_DIR/jwt"
export AWS_WEB_IDENTITY_TOKEN_FILE=$T_DIR/jwt AWS_ROLE_ARN=$ROLE_A
m=$(moto_log_mark)
run awsrole whoami --no-cache
expect_rc 0
expect_out_has "assumed-role/RoleA/"
name=$(moto_field params.RoleSessionName "$m" AssumeRoleWithWebIdentity)
[[ $name =~ ^[A-Za-z0-9_+=,.@-]{2,64}$ ]] || fail "RoleSessionName [$name] is not a valid session name"
expect_eq "cache files with --no-cache" 0 "$(cache_files)"
pass

t "web identity (environment) beats a [default] with static keys when no profile is named, as in the CLI"
src_case
base_credentials default
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHAifQ.' > "$T_DIR/jwt"
export AWS_WEB_IDENTITY_TOKEN_FILE=$T_DIR/jwt AWS_ROLE_ARN=$ROLE_A AWS_ROLE_SESSION_NAME=irsa-sess
run aws sts get-caller-identity --region us-east-1
expect_rc 0 && expect_out_has "assumed-role/RoleA/irsa-sess"   # the oracle
m=$(moto_log_mark)
run awsrole whoami --no-cache
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/irsa-sess"'
expect_eq "AssumeRoleWithWebIdentity calls" 1 "$(moto_calls_since "$m" AssumeRoleWithWebIdentity)"
# Named on the command line, the profile wins (botocore drops the environment's providers).
run awsrole whoami -p default
expect_rc 0
expect_out_has "\"Arn\": \"$USER_ARN\""
pass

t "web identity: a missing token file is exit 3 naming the file, no STS call"
src_case
aws_config_profile web "role_arn=$ROLE_A" "web_identity_token_file=$T_DIR/no-such-jwt"
m=$(moto_log_mark)
run awsrole whoami -p web
expect_rc 3
expect_err_has "no-such-jwt"
expect_err_has "web_identity_token_file"
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

# ================================================================ credential_process

t "credential_process: Version 1 keys without SessionToken/Expiration, used directly"
src_case
p=$(base_proc_script)
aws_config_profile proc "credential_process=$p"
m=$(moto_log_mark)
run awsrole whoami -p proc
expect_rc 0
expect_out_has "\"Arn\": \"$USER_ARN\""
expect_eq "GetCallerIdentity signed with the process's key" "$BASE_AKID" "$(moto_field akid "$m" GetCallerIdentity)"
expect_eq "no security token" false "$(moto_field security_token "$m" GetCallerIdentity)"
pass

t "credential_process: session credentials with SessionToken and Expiration, used directly"
src_case
moto_assume_role "$ROLE_A" 900
p=$(proc_script sess.sh <<-EOF
	#!/bin/sh
	cat <<'JSON'
	{"Version": 1, "AccessKeyId": "$ROLE_AKID", "SecretAccessKey": "$ROLE_SECRET",
	 "SessionToken": "$ROLE_TOKEN", "Expiration": "$ROLE_EXPIRATION"}
	JSON
	EOF
)
aws_config_profile proc "credential_process=$p"
m=$(moto_log_mark)
run awsrole whoami -p proc
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-test"'
expect_eq "X-Amz-Security-Token sent" true "$(moto_field security_token "$m" GetCallerIdentity)"
pass

t "credential_process as the source_profile of a role"
src_case
p=$(base_proc_script)
aws_config_profile proc "credential_process=$p"
aws_config_profile role "role_arn=$ROLE_A" source_profile=proc
m=$(moto_log_mark)
run awsrole whoami -p role
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/'
expect_eq "AssumeRole signed with the process's key" "$BASE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "AssumeRole status" 200 "$(moto_field status "$m" AssumeRole)"
pass

t "credential_process: a command that exits 1 is exit 5 with its status and stderr in the message"
src_case
p=$(proc_script fail.sh <<-'EOF'
	#!/bin/sh
	echo "some progress" >&2
	echo "sso token expired, run sso login" >&2
	exit 1
	EOF
)
aws_config_profile proc "credential_process=$p"
run awsrole whoami -p proc
expect_rc 5
expect_err_has "sso token expired, run sso login"
expect_err_has "status 1"
expect_err_has "proc"
expect_err_golden t_60_sources.process-exit-status
expect_fix_hint
pass

t "credential_process: garbage output is exit 5 'not a JSON object', and not echoed"
src_case
p=$(proc_script garbage.sh <<-'EOF'
	#!/bin/sh
	echo "AKIA-LOOKS-SECRET-GARBAGE not json at all"
	EOF
)
aws_config_profile proc "credential_process=$p"
run awsrole whoami -p proc
expect_rc 5
expect_err_has "JSON object"
expect_err_lacks "LOOKS-SECRET"
expect_err_golden t_60_sources.process-not-json
expect_fix_hint
pass

t "credential_process: JSON without Version, or Version 2, is exit 5 naming Version"
src_case
p=$(proc_script nover.sh <<-EOF
	#!/bin/sh
	printf '{"AccessKeyId": "%s", "SecretAccessKey": "%s"}\n' "$BASE_AKID" "$BASE_SECRET"
	EOF
)
aws_config_profile proc "credential_process=$p"
run awsrole whoami -p proc
expect_rc 5
expect_err_has '"Version": 1'
expect_err_lacks "$BASE_SECRET"
p2=$(proc_script ver2.sh <<-EOF
	#!/bin/sh
	printf '{"Version": 2, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\n' "$BASE_AKID" "$BASE_SECRET"
	EOF
)
aws_config_profile proc2 "credential_process=$p2"
run awsrole whoami -p proc2
expect_rc 5
expect_err_has "Version"
pass

t "credential_process: an Expiration in the past is exit 5 'expired'"
src_case
p=$(proc_script old.sh <<-EOF
	#!/bin/sh
	printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "x", "Expiration": "2020-01-01T00:00:00Z"}\n' "$BASE_AKID" "$BASE_SECRET"
	EOF
)
aws_config_profile proc "credential_process=$p"
m=$(moto_log_mark)
run awsrole whoami -p proc
expect_rc 5
expect_err_has "expired"
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

t "credential_process: a command that does not exist is an error naming it"
src_case
aws_config_profile proc "credential_process=$T_DIR/no-such-helper --flag"
run awsrole whoami -p proc
expect_rc 5
expect_err_has "no-such-helper"
expect_err_golden t_60_sources.process-not-found
expect_fix_hint
pass

t "credential_process: split like a shell, without a shell (quotes group, \$(...) is literal)"
src_case
p=$(proc_script argv.py <<-EOF
	#!$PY
	import json, sys
	json.dump(sys.argv[1:], open("$T_DIR/argv.json", "w"))
	print(json.dumps({"Version": 1, "AccessKeyId": "$BASE_AKID", "SecretAccessKey": "$BASE_SECRET"}))
	EOF
)
aws_config_profile proc "credential_process=$p \"an arg with spaces\" '\$(touch $T_DIR/pwned)' plain\\ escaped \$HOME"
run awsrole whoami -p proc
expect_rc 0
expect_out_has "$USER_ARN"
expect_eq "argv" "[\"an arg with spaces\", \"\$(touch $T_DIR/pwned)\", \"plain escaped\", \"\$HOME\"]" "$(cat "$T_DIR/argv.json" 2>/dev/null)"
expect_no_file "$T_DIR/pwned"
pass

t "credential_process: an unclosed quote is exit 3"
src_case
p=$(base_proc_script)
aws_config_profile proc "credential_process=$p \"unclosed"
run awsrole whoami -p proc
expect_rc 3
expect_err_has "quot"
pass

# ================================================================ conflicts

t "source_profile + credential_source in one profile is exit 3"
src_case
base_credentials base
aws_config_profile both "role_arn=$ROLE_A" source_profile=base credential_source=Environment
m=$(moto_log_mark)
run awsrole whoami -p both
expect_rc 3
expect_err_has "source_profile"
expect_err_has "credential_source"
expect_err_has "both"
expect_fix_hint
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

t "an unknown credential_source is exit 3 naming the allowed values"
src_case
aws_config_profile odd "role_arn=$ROLE_A" credential_source=Ec2Metadata
run awsrole whoami -p odd
expect_rc 3
expect_err_has "Ec2Metadata"
expect_err_has "Environment"
expect_err_has "Ec2InstanceMetadata"
expect_err_has "EcsContainer"
expect_err_golden t_60_sources.unknown-credential-source
aws_config_profile lower "role_arn=$ROLE_A" credential_source=environment
run awsrole whoami -p lower
expect_rc 3
expect_err_has "Ec2InstanceMetadata"
pass

# ================================================================ chains

t "chain: IMDS -> role -> role (the second hop is signed with the first hop's session)"
src_case
creds_json_file "$T_DIR/imds_creds.json" "$BASE_AKID" "$BASE_SECRET"
start_fake_imds --creds-file "$T_DIR/imds_creds.json"
use_imds "$FAKE_IMDS_URL"
aws_config_profile hop1 "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
aws_config_profile hop2 "role_arn=$ROLE_RO" source_profile=hop1 role_session_name=second-hop
m=$(moto_log_mark)
run awsrole whoami -p hop2
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/second-hop"'
expect_eq "AssumeRole calls" 2 "$(moto_calls_since "$m" AssumeRole)"
first=$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$m" --where action=AssumeRole --json --nth 0)
second=$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$m" --where action=AssumeRole --json --nth 1)
expect_eq "1st hop RoleArn" "$ROLE_A" "$(json_get "$first" params.RoleArn)"
expect_eq "1st hop signed by the instance credentials" "$BASE_AKID" "$(json_get "$first" akid)"
expect_eq "2nd hop RoleArn" "$ROLE_RO" "$(json_get "$second" params.RoleArn)"
a2=$(json_get "$second" akid)
[ -n "$a2" ] && [ "$a2" != "$BASE_AKID" ] ||
	fail "2nd hop signed with [$a2], not the first hop's new session key"
expect_eq "2nd hop carries a session token" True "$(json_get "$second" security_token)"
expect_eq "2nd hop status" 200 "$(json_get "$second" status)"
expect_eq "IMDS fetches" 3 "$(log_count "$FAKE_IMDS_LOG")"
expect_eq "cache files (one per hop)" 2 "$(cache_files)"
pass

t "chain: ECS -> role"
src_case
role_session_creds_file "$T_DIR/ecs_creds.json"
start_fake_ecs --creds-file "$T_DIR/ecs_creds.json"
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/v2/credentials/awsrole-test
aws_config_profile task "role_arn=$ROLE_RO" credential_source=EcsContainer role_session_name=task-hop
m=$(moto_log_mark)
run awsrole whoami -p task
expect_rc 0
expect_out_has '"Arn": "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/task-hop"'
expect_eq "AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "signed by the task credentials" "$ROLE_AKID" "$(moto_field akid "$m" AssumeRole)"
expect_eq "ECS fetches" 1 "$(log_count "$FAKE_ECS_LOG")"
expect_eq "cache files" 1 "$(cache_files)"
pass

# ================================================================ awsrole list

t "awsrole list shows the source kind of each profile"
src_case
base_credentials keys
aws_config_profile r_imds "role_arn=$ROLE_A" credential_source=Ec2InstanceMetadata
aws_config_profile r_ecs "role_arn=$ROLE_A" credential_source=EcsContainer
aws_config_profile r_env "role_arn=$ROLE_A" credential_source=Environment
aws_config_profile r_web "role_arn=$ROLE_A" web_identity_token_file=/var/run/token
aws_config_profile p_proc "credential_process=/bin/false"
aws_config_profile r_role "role_arn=$ROLE_A" source_profile=keys
run awsrole list --json
expect_rc 0
kinds=$("$PY" -c '
import json, sys
print(" ".join("%s=%s" % (r["Profile"], r["Kind"]) for r in sorted(json.loads(sys.argv[1]), key=lambda r: r["Profile"])))
' "$OUT")
expect_eq "kinds (--json)" "keys=static p_proc=process r_ecs=role<-ecs r_env=role<-env r_imds=role<-imds r_role=role r_web=web-identity" "$kinds"
run awsrole list
expect_rc 0
for pk in "keys static" "r_imds role<-imds" "r_ecs role<-ecs" "r_env role<-env" "r_web web-identity" "p_proc process"; do
	grep -qE "^${pk%% *} +${pk#* }( |$)" <<<"$OUT" || fail "list row [${pk}] missing"
done
pass
