# tests/lib.sh — helpers for the shell test cases (sourced by test.sh into each tests/t_*.sh).
#
# A test file is a list of cases:
#
#   t "whoami with the user's keys"          # start a case: fresh $HOME, AWS_* scrubbed
#   use_moto; use_base_keys                  # endpoint + CA + keys in the environment
#   run awsrole whoami --region us-east-1    # -> $OUT $ERR $RC (timeout $RUN_TIMEOUT, 30 s)
#   expect_rc 0
#   expect_out_has '"Arn": "arn:aws:iam::333333333333:user/example.user"'
#   pass                                     # ends the case (ok unless an expect_* failed)
#
# Cases: t NAME · pass · fail MSG · skip REASON (counts as a failure when CI=true)
# Running (never with a terminal): run CMD... · run_stdin TEXT CMD... · RUN_TIMEOUT=N run ...
#   With a terminal: run_pty [--expect TEXT --send TEXT]... -- CMD... (sets TTY too) ·
#   awsrole (in PATH, = $AWSROLE_BIN) · aws (AWS CLI v1) · python3 ($PY)
# Checks (each records a failure, prints expected vs actual, returns 1):
#   expect_rc N · expect_rc_in N M... · expect_out_has STR · expect_out_lacks STR ·
#   expect_out_eq STR · expect_err_has STR (case-insensitive) · expect_err_lacks STR ·
#   expect_err_has_any STR... · expect_err_matches ERE · expect_fix_hint ·
#   expect_eq WHAT EXPECTED ACTUAL · expect_file_exists F · expect_no_file F ·
#   expect_err_golden NAME (stderr, normalised, = tests/golden/NAME.err; GOLDEN_UPDATE=1 writes)
#   json_get JSON_TEXT PATH (prints a field of JSON text: json_get "$OUT" Arn)
# Files in $HOME/.aws:
#   aws_config_write < TEXT · aws_credentials_write < TEXT (replace the file)
#   aws_config_profile NAME key=value... (appends [profile NAME], or [default])
#   aws_credentials_profile NAME key=value... (appends [NAME])
#   base_credentials [PROFILE] (the moto user's keys, default profile "base")
#   scenario_files (config + credentials of SCENARIO.md, keys = the moto user's, no quotes)
#   mfa_role_files [HOME] [AKID] [SECRET] (profile P: RoleA with MFA, 900 s, source keys [base])
# Environment: use_moto (AWS_ENDPOINT_URL_STS=$MOTO_URL, AWS_CA_BUNDLE=$MOTO_CA) ·
#   use_base_keys (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) · need_moto ·
#   moto_assume_role ROLE_ARN [DURATION] (boto3; sets ROLE_AKID ROLE_SECRET ROLE_TOKEN ROLE_ARN_OUT)
# Moto log: m=$(moto_log_mark) · moto_calls_since MARK [ACTION] · moto_field FIELD [MARK [ACTION]]
# GetScopedCredentials on moto (tests/peers/scoped_sts.py; the log record's "scoped" object):
#   moto_scoped_script JSON (its rules; moto is shared by the run: match on your case's key) ·
#   scoped_call ARGS... (run tests/peers/scoped_client.py against moto with the AWS_* keys of
#   the environment; -> OUT (JSON) ERR RC)
# Peers (killed when the test file ends):
#   start_fake_sts [--cert NAME] [--tls-version V] [--plain] -> FAKE_STS_URL FAKE_STS_PORT
#     FAKE_STS_LOG FAKE_STS_SCRIPT FAKE_STS_PID · fake_sts_script JSON · fake_sts_reply STATUS FILE
#     fake_sts_count · fake_sts_field FIELD [NTH] (NTH: 0-based, default -1 = last request)
#   start_fake_imds ARGS... -> FAKE_IMDS_URL FAKE_IMDS_LOG · start_fake_ecs ARGS... ->
#     FAKE_ECS_URL (base, no path) FAKE_ECS_LOG · start_fake_proxy ARGS... -> FAKE_PROXY_URL
#     FAKE_PROXY_LOG · log_count LOG [WHERE...] · log_field LOG FIELD [WHERE...]
# Variables: ROOT PEERS PKI_DIR (ca.pem localhost.pem wrong.pem expired.pem self.pem other-ca.pem
#   other.pem aws.pem bundle.pem ...) RUN_DIR T_DIR (scratch dir of the case) PY AWSROLE_BIN
#   MOTO_URL MOTO_CA MOTO_LOG BASE_AKID BASE_SECRET BASE_ACCOUNT BASE_USER_ARN BASE_MFA_SERIAL
# Safety: every case starts with AWS_EC2_METADATA_DISABLED=true (no stray 169.254.169.254
#   traffic); unset it in a case that points AWS_EC2_METADATA_SERVICE_ENDPOINT at fake_imds.

: "${ROOT:?lib.sh: run through ./test.sh}"
PEERS=$ROOT/tests/peers
RUN_TIMEOUT=${RUN_TIMEOUT:-30}
T_FILE=${T_FILE:-unknown}
T_NAME=
T_OPEN=0
T_FAILED=0
T_SEQ=0
T_PIDS=()
OUT="" ERR="" RC=""

# ---------------------------------------------------------------- cases

_t_record() { # result message
	printf '%s\t%s\t%s\n' "$1" "$T_FILE" "$T_NAME" >> "$RESULTS"
}

_t_end() {
	[ "$T_OPEN" = 1 ] || return 0
	T_OPEN=0
	if [ "$T_FAILED" = 1 ]; then
		echo "FAIL $T_FILE: $T_NAME"
		# Under CI the scratch directory is never seen again: the end of the case's transcript
		# (the last commands, their status and output) goes into the log with the failure.
		if [ "${CI:-}" = true ] && [ -s "$T_DIR/transcript" ]; then
			tail -n 30 "$T_DIR/transcript" | sed 's/^/  | /'
		fi
		_t_record fail
	else
		echo "ok $T_FILE: $T_NAME"
		_t_record pass
	fi
}

_t_scrub_env() {
	local v
	for v in $(compgen -e); do
		case $v in
		AWS_*) unset "$v" ;;
		AWSROLE_BIN | AWSROLE_UNIT_DIR) ;;
		AWSROLE_*) unset "$v" ;;
		http_proxy | https_proxy | HTTP_PROXY | HTTPS_PROXY | ALL_PROXY | all_proxy | NO_PROXY | no_proxy) unset "$v" ;;
		REQUESTS_CA_BUNDLE | CURL_CA_BUNDLE | SSL_CERT_FILE | SSL_CERT_DIR) unset "$v" ;;
		esac
	done
	export AWS_EC2_METADATA_DISABLED=true
}

t() {
	_t_end
	T_SEQ=$((T_SEQ + 1))
	T_NAME=$*
	T_OPEN=1
	T_FAILED=0
	T_DIR=$RUN_DIR/cases/$T_FILE/$(printf '%02d' "$T_SEQ")
	rm -rf "$T_DIR"
	mkdir -p "$T_DIR/home"
	export HOME=$T_DIR/home
	_t_scrub_env
	OUT="" ERR="" RC=""
	cd "$HOME" || return 1
}

pass() { _t_end; }

fail() {
	T_FAILED=1
	echo "  FAIL [$T_FILE: $T_NAME]: $*" >&2
	return 1
}

skip() {
	if [ "${CI:-}" = true ]; then
		echo "SKIP: $T_FILE: $T_NAME: $* — a skip counts as a failure when CI=true" >&2
		fail "skipped in CI: $*"
		_t_end
		return 0
	fi
	echo "SKIP: $T_FILE: $T_NAME: $*" >&2
	echo "SKIP $T_FILE: $T_NAME: $*"
	_t_record skip
	T_OPEN=0
}

# On exit of the test file: an open case that never finished is a failure; peers are stopped.
_t_exit() {
	local rc=$?
	if [ "$T_OPEN" = 1 ] && [ "$rc" != 0 ]; then
		fail "the test file exited (status $rc) inside this case"
	fi
	_t_end
	stop_peers
}
trap _t_exit EXIT
trap 'exit 143' TERM INT

# ---------------------------------------------------------------- running

_show() { # label text
	local s=$2
	[ ${#s} -gt 3000 ] && s="${s:0:3000}…[${#2} bytes]"
	printf '    %s: %s\n' "$1" "${s:-<empty>}" >&2
}

_run_report() {
	printf '    command: %s\n' "$RUN_CMD" >&2
	_show "exit status" "$RC$([ "$RC" = 124 ] && echo ' (timed out)')"
	_show stdout "$OUT"
	_show stderr "$ERR"
}

run() {
	RUN_CMD=$*
	setsid -w timeout -k 5 "$RUN_TIMEOUT" "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	RC=$?
	OUT=$(cat "$T_DIR/out")
	ERR=$(cat "$T_DIR/err")
	printf '$ %s\n[rc=%s]\n--- stdout\n%s\n--- stderr\n%s\n' "$RUN_CMD" "$RC" "$OUT" "$ERR" >> "$T_DIR/transcript"
	return 0
}

# run_fast CMD... — run with a 20 s limit, for the "fails at once, never waits" cases: a wait
# (for input, a lock, a retry) shows as rc 124, which the case's expect_rc refuses.  How long it
# took is not asserted: speed is measured in bench/, never inside a test.
run_fast() { RUN_TIMEOUT=${T_FAST_LIMIT:-20} run "$@"; }

run_stdin() { # text cmd...
	local input=$1
	shift
	RUN_CMD="$* <<< (stdin)"
	printf '%s' "$input" > "$T_DIR/in"
	setsid -w timeout -k 5 "$RUN_TIMEOUT" "$@" >"$T_DIR/out" 2>"$T_DIR/err" <"$T_DIR/in"
	RC=$?
	OUT=$(cat "$T_DIR/out")
	ERR=$(cat "$T_DIR/err")
	printf '$ %s\n[rc=%s]\n--- stdout\n%s\n--- stderr\n%s\n' "$RUN_CMD" "$RC" "$OUT" "$ERR" >> "$T_DIR/transcript"
	return 0
}

# run_pty [--expect TEXT --send TEXT]... -- CMD... — CMD with a terminal (stdin, stderr and
# /dev/tty are a pty; stdout is still captured apart).  Sets OUT (stdout), TTY and ERR (what
# appeared on the terminal) and RC (124: timed out or an expected text never came).
run_pty() {
	RUN_CMD="(pty) $*"
	"$PY" "$PEERS/pty_run.py" --timeout "$RUN_TIMEOUT" --tty-log "$T_DIR/tty" "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	RC=$?
	OUT=$(cat "$T_DIR/out")
	TTY=$(cat "$T_DIR/tty" "$T_DIR/err" 2>/dev/null | tr -d '\r')
	ERR=$TTY
	printf '$ %s\n[rc=%s]\n--- stdout\n%s\n--- terminal\n%s\n' "$RUN_CMD" "$RC" "$OUT" "$TTY" >> "$T_DIR/transcript"
	return 0
}

# ---------------------------------------------------------------- checks

expect_rc() {
	[ "$RC" = "$1" ] && return 0
	fail "exit status: expected $1, got $RC"
	_run_report
	return 1
}

expect_rc_in() {
	local n
	for n in "$@"; do [ "$RC" = "$n" ] && return 0; done
	fail "exit status: expected one of $*, got $RC"
	_run_report
	return 1
}

expect_out_has() {
	grep -qF -- "$1" <<<"$OUT" && return 0
	fail "stdout lacks: $1"
	_run_report
	return 1
}

expect_out_lacks() {
	grep -qF -- "$1" <<<"$OUT" || return 0
	fail "stdout should not contain: $1"
	_run_report
	return 1
}

expect_out_eq() {
	[ "$OUT" = "$1" ] && return 0
	fail "stdout differs"
	_show expected "$1"
	_run_report
	return 1
}

expect_err_has() { # case-insensitive, fixed string
	grep -qiF -- "$1" <<<"$ERR" && return 0
	fail "stderr lacks (case-insensitive): $1"
	_run_report
	return 1
}

expect_err_has_any() {
	local s
	for s in "$@"; do grep -qiF -- "$s" <<<"$ERR" && return 0; done
	fail "stderr has none of: $*"
	_run_report
	return 1
}

expect_err_lacks() {
	grep -qiF -- "$1" <<<"$ERR" || return 0
	fail "stderr should not contain (case-insensitive): $1"
	_run_report
	return 1
}

expect_err_matches() { # extended regex, case-insensitive
	grep -qiE -- "$1" <<<"$ERR" && return 0
	fail "stderr does not match /$1/"
	_run_report
	return 1
}

# The error format: "awsrole: <cause>" and a line with a fix or hint.
expect_fix_hint() {
	expect_err_has "awsrole" || return 1
	expect_err_has_any "fix" "hint"
}

# expect_err_golden NAME — $ERR, normalised, must equal tests/golden/NAME.err (see
# tests/golden/README).  For must-fail cases whose message is part of the contract; keep the
# expect_err_has checks beside it.  On a mismatch: a unified diff (expected vs actual) and a
# failure; the normalised stderr is kept in $T_DIR/NAME.err.actual.
#   GOLDEN_UPDATE=1 ./test.sh PATTERN   writes (or refreshes) the files instead and says so
#                                       (not for a case that failed an earlier check);
#                                       refused (a failure) when CI=true.
#   A missing golden file is a failure (never created silently).
# The normalisation replaces only what differs from run to run, so that a changed word still
# shows:
#   - the case's scratch paths, as literal strings, the longest first: the values of $HOME,
#     $T_DIR, $RUN_DIR and $ROOT become the text "$HOME", "$T_DIR", "$RUN_DIR", "$ROOT";
#   - loopback ports: localhost:N, 127.0.0.1:N, [::1]:N -> HOST:<PORT>, and libcurl's
#     "HOST port N" for the same three hosts -> "HOST port <PORT>" (no other host's port);
#   - libcurl's elapsed time in "Failed to connect to H port P after N ms" -> "after <N> ms"
#     (awsrole's own limits, "within 3000 ms", stay as they are);
#   - ISO 8601 times dated yesterday, today or tomorrow (UTC), e.g. an "expired at" of a
#     session made by the test: 2026-12-01T21:27:47Z -> <TIME>; fixed dates such as
#     2020-01-01T00:00:00Z or 9999-12-31T23:59:59Z stay;
#   - request ids: "request id " + a UUID -> "request id <REQUEST-ID>" ("none" stays);
#   - generated session names: botocore-session-DIGITS -> botocore-session-<N>.
GOLDEN_DIR=${GOLDEN_DIR:-$ROOT/tests/golden}

_golden_normalise() { # text -> normalised text on stdout
	local s=$1 v tok d days=()
	# scratch paths: literal replacement, the longest value first (HOME is inside T_DIR, ...)
	while read -r _ tok; do
		v=${!tok}
		s=${s//"$v"/"\$$tok"}
	done < <(for tok in HOME T_DIR RUN_DIR ROOT; do
		v=${!tok:-}
		[ -n "$v" ] && [ "$v" != / ] && printf '%s %s\n' "${#v}" "$tok"
	done | sort -rn)
	for d in -1 0 1; do days+=("$(date -u -d "$d day" +%Y-%m-%d)"); done
	printf '%s\n' "$s" | sed -E \
		-e 's/(localhost|127\.0\.0\.1|\[::1\]):[0-9]{1,5}/\1:<PORT>/g' \
		-e 's/(localhost|127\.0\.0\.1|::1) port [0-9]{1,5}/\1 port <PORT>/g' \
		-e 's/(Failed to connect to [^ ]+ port [^ ]+) after [0-9]+ ms/\1 after <N> ms/g' \
		-e "s/($(IFS='|'; echo "${days[*]}"))T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?/<TIME>/g" \
		-e 's/request id [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/request id <REQUEST-ID>/g' \
		-e 's/botocore-session-[0-9]+/botocore-session-<N>/g'
}

expect_err_golden() { # NAME
	local name=$1 file got rel
	case $name in
	"" | *[!A-Za-z0-9._-]* | .*) fail "expect_err_golden: bad name [$name] (letters, digits, . _ -)"; return 1 ;;
	esac
	file=$GOLDEN_DIR/$name.err
	rel=${file#"$ROOT"/}
	got=$(_golden_normalise "$ERR")
	printf '%s\n' "$got" > "$T_DIR/$name.err.actual"
	if [ -n "${GOLDEN_UPDATE:-}" ] && [ "$GOLDEN_UPDATE" != 0 ]; then
		if [ "${CI:-}" = true ]; then
			fail "GOLDEN_UPDATE is refused when CI=true: refresh $rel by hand and review the diff"
			return 1
		fi
		if [ "$T_FAILED" = 1 ]; then
			fail "golden: $rel not written: this case failed already (its stderr is no reference)"
			return 1
		fi
		if [ -f "$file" ] && cmp -s "$file" "$T_DIR/$name.err.actual"; then
			return 0
		fi
		mkdir -p "$GOLDEN_DIR"
		if [ -f "$file" ]; then
			echo "golden: refreshed $rel (GOLDEN_UPDATE)"
			diff -u --label "old $rel" --label "new $rel" "$file" "$T_DIR/$name.err.actual" | sed 's/^/    /'
		else
			echo "golden: wrote $rel (GOLDEN_UPDATE)"
		fi
		cp "$T_DIR/$name.err.actual" "$file"
		return 0
	fi
	if [ ! -f "$file" ]; then
		fail "golden file $rel is missing (create it: GOLDEN_UPDATE=1 ./test.sh $T_FILE, then review it)"
		_run_report
		return 1
	fi
	cmp -s "$file" "$T_DIR/$name.err.actual" && return 0
	fail "stderr differs from $rel (normalised; - expected, + actual)"
	diff -u --label "expected $rel" --label "actual stderr (normalised)" "$file" "$T_DIR/$name.err.actual" |
		sed 's/^/    /' >&2
	printf '    command: %s\n    exit status: %s\n    (refresh, if the new text is intended: GOLDEN_UPDATE=1 ./test.sh %s)\n' \
		"$RUN_CMD" "$RC" "$T_FILE" >&2
	return 1
}

expect_eq() { # what expected actual
	[ "$2" = "$3" ] && return 0
	fail "$1: expected [$2], got [$3]"
	return 1
}

expect_file_exists() {
	[ -e "$1" ] && return 0
	fail "missing file: $1"
	return 1
}

expect_no_file() {
	[ -e "$1" ] || return 0
	fail "file should not exist: $1"
	return 1
}

# json_get JSON_TEXT PATH — dotted path into JSON text; prints nothing if absent.
json_get() {
	"$PY" -c '
import json, sys
try:
    cur = json.loads(sys.argv[1])
except ValueError:
    sys.exit(1)
for p in sys.argv[2].split("."):
    if isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
        cur = cur[int(p)]
    elif isinstance(cur, dict) and p in cur:
        cur = cur[p]
    else:
        sys.exit(1)
print(json.dumps(cur) if isinstance(cur, (dict, list)) else cur)
' "$1" "$2"
}

# ---------------------------------------------------------------- ~/.aws files

aws_config_write() {
	mkdir -p "$HOME/.aws"
	cat > "$HOME/.aws/config"
}

# The credentials file is written 0600, as `aws configure` does (awsrole warns otherwise).
aws_credentials_write() {
	mkdir -p "$HOME/.aws"
	cat > "$HOME/.aws/credentials"
	chmod 600 "$HOME/.aws/credentials"
}

_ini_section() { # file header kv...
	local f=$1 h=$2 kv
	shift 2
	mkdir -p "$HOME/.aws"
	[ -s "$f" ] && printf '\n' >> "$f"
	printf '[%s]\n' "$h" >> "$f"
	for kv in "$@"; do
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >> "$f"
	done
	case $f in */credentials) chmod 600 "$f" ;; esac
}

aws_config_profile() { # NAME key=value...
	local name=$1
	shift
	if [ "$name" = default ]; then
		_ini_section "$HOME/.aws/config" "default" "$@"
	else
		_ini_section "$HOME/.aws/config" "profile $name" "$@"
	fi
}

aws_credentials_profile() { # NAME key=value...
	local name=$1
	shift
	_ini_section "$HOME/.aws/credentials" "$name" "$@"
}

base_credentials() { # [PROFILE]
	aws_credentials_profile "${1:-base}" "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=$BASE_SECRET"
}

# mfa_role_files [HOME] [AKID] [SECRET] — HOME's ~/.aws (default $HOME): [profile P], RoleA with
# the MFA device example.user, region us-east-1, 900 s, from source keys [base] = AKID/SECRET
# (default the moto user's); credentials mode 600.
mfa_role_files() {
	local h=${1:-$HOME}
	mkdir -p "$h/.aws"
	cat > "$h/.aws/config" <<-EOF
	[profile P]
	role_arn = arn:aws:iam::111111111111:role/RoleA
	source_profile = base
	mfa_serial = arn:aws:iam::333333333333:mfa/example.user
	region = us-east-1
	duration_seconds = 900
	EOF
	cat > "$h/.aws/credentials" <<-EOF
	[base]
	aws_access_key_id = ${2:-$BASE_AKID}
	aws_secret_access_key = ${3:-$BASE_SECRET}
	EOF
	chmod 600 "$h/.aws/credentials"
}

# The scenario's two files (docs/SCENARIO.md), with working keys and without the quotes.
scenario_files() {
	aws_config_write <<-EOF
	[default]
	region = ap-northeast-1
	source_profile = base
	role_arn = arn:aws:iam::111111111111:role/RoleA
	mfa_serial = arn:aws:iam::333333333333:mfa/example.user
	duration_seconds = 900

	[profile CustomerA]
	region = ap-northeast-1
	source_profile = Access CustomerA
	role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
	mfa_serial = arn:aws:iam::333333333333:mfa/example.user
	duration_seconds = 900
	EOF
	aws_credentials_write <<-EOF
	[base]
	aws_access_key_id = $BASE_AKID
	aws_secret_access_key = $BASE_SECRET

	[Access CustomerA]
	aws_access_key_id = $BASE_AKID
	aws_secret_access_key = $BASE_SECRET
	EOF
}

# ---------------------------------------------------------------- moto

need_moto() {
	[ -n "${MOTO_URL:-}" ] && return 0
	fail "moto is not running (test.sh could not start it: see $RUN_DIR/moto/moto.out)"
	return 1
}

use_moto() {
	need_moto || return 1
	export AWS_ENDPOINT_URL_STS=$MOTO_URL AWS_CA_BUNDLE=$MOTO_CA
}

use_base_keys() {
	export AWS_ACCESS_KEY_ID=$BASE_AKID AWS_SECRET_ACCESS_KEY=$BASE_SECRET
}

# moto_assume_role ROLE_ARN [DURATION] — AssumeRole with the base user's keys via boto3
# (with an MFA serial and code); sets ROLE_AKID ROLE_SECRET ROLE_TOKEN ROLE_EXPIRATION ROLE_ARN_OUT.
moto_assume_role() {
	need_moto || return 1
	local out
	out=$("$PY" - "$1" "${2:-900}" <<-'EOF'
	import os, sys, boto3
	s = boto3.session.Session(aws_access_key_id=os.environ["BASE_AKID"],
	                          aws_secret_access_key=os.environ["BASE_SECRET"], region_name="us-east-1")
	c = s.client("sts", endpoint_url=os.environ["MOTO_URL"], verify=os.environ["MOTO_CA"])
	r = c.assume_role(RoleArn=sys.argv[1], RoleSessionName="awsrole-test", DurationSeconds=int(sys.argv[2]),
	                  SerialNumber=os.environ["BASE_MFA_SERIAL"], TokenCode="123456")
	k = r["Credentials"]
	print(k["AccessKeyId"]); print(k["SecretAccessKey"]); print(k["SessionToken"])
	print(k["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")); print(r["AssumedRoleUser"]["Arn"])
	EOF
	) || { fail "boto3 AssumeRole on moto failed"; return 1; }
	{ read -r ROLE_AKID; read -r ROLE_SECRET; read -r ROLE_TOKEN; read -r ROLE_EXPIRATION; read -r ROLE_ARN_OUT; } <<<"$out"
}

moto_log_mark() { wc -l < "$MOTO_LOG" | tr -d ' '; }

moto_calls_since() { # MARK [ACTION]
	if [ -n "${2:-}" ]; then
		"$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$1" --where "action=$2" --count
	else
		"$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$1" --count
	fi
}

# moto_scoped_script JSON — replace the GetScopedCredentials script (see tests/peers/scoped_sts.py).
moto_scoped_script() {
	need_moto || return 1
	printf '%s' "$1" > "$MOTO_SCOPED_SCRIPT.tmp" && mv "$MOTO_SCOPED_SCRIPT.tmp" "$MOTO_SCOPED_SCRIPT"
}

# scoped_call ARGS... — scoped_client.py --region ap-northeast-1 --endpoint-url $MOTO_URL ARGS...
scoped_call() {
	need_moto || return 1
	run "$PY" "$PEERS/scoped_client.py" --region ap-northeast-1 --endpoint-url "$MOTO_URL" --ca "$MOTO_CA" "$@"
}

moto_field() { # FIELD [MARK [ACTION]] — field of the last (matching) moto request
	local w=()
	[ -n "${3:-}" ] && w=(--where "action=$3")
	"$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "${2:-0}" "${w[@]}" --field "$1"
}

# ---------------------------------------------------------------- peers

# _start_peer PREFIX CMD... — run CMD --portfile F in the background; wait until it listens.
# Sets ${PREFIX}_PORT and ${PREFIX}_PID.
_start_peer() {
	local prefix=$1 dir pf pid port
	shift
	dir=$T_DIR/peers
	mkdir -p "$dir"
	pf=$dir/$prefix.$RANDOM.port
	"$@" --portfile "$pf" >>"$dir/$prefix.out" 2>&1 </dev/null &
	pid=$!
	T_PIDS+=("$pid")
	echo "$pid" >> "$PIDS_FILE"
	local i
	for i in $(seq 1 200); do
		[ -s "$pf" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$pf" ]; then
		fail "$prefix did not start: $(tail -5 "$dir/$prefix.out")"
		return 1
	fi
	port=$(cat "$pf")
	"$PY" "$PEERS/tcp_probe.py" 127.0.0.1 "$port" 10 || { fail "$prefix: port $port not accepting"; return 1; }
	printf -v "${prefix}_PORT" '%s' "$port"
	printf -v "${prefix}_PID" '%s' "$pid"
}

stop_peer() { # PID
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

stop_peers() {
	local p
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	T_PIDS=()
}

# start_fake_sts [--cert NAME] [--tls-version V] [--plain] [other fake_sts.py options]
start_fake_sts() {
	local cert=localhost args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--cert) cert=$2; shift 2 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	local d=$T_DIR/peers
	mkdir -p "$d"
	FAKE_STS_SCRIPT=$d/sts_script.$RANDOM.json
	FAKE_STS_LOG=$d/sts.$RANDOM.log
	echo '[]' > "$FAKE_STS_SCRIPT"
	_start_peer FAKE_STS "$PY" "$PEERS/fake_sts.py" --cert "$PKI_DIR/$cert.pem" --key "$PKI_DIR/$cert.key" \
		--script "$FAKE_STS_SCRIPT" --log "$FAKE_STS_LOG" "${args[@]}" || return 1
	local scheme=https
	case " ${args[*]} " in *" --plain "*) scheme=http ;; esac
	FAKE_STS_URL=$scheme://localhost:$FAKE_STS_PORT
}

# fake_sts_script JSON — a list of responses or {"responses": [...]}; always restarts the script.
fake_sts_script() {
	FAKE_STS_REV=$((${FAKE_STS_REV:-0} + 1))
	"$PY" -c '
import json, sys
d = json.loads(sys.argv[1])
d = d if isinstance(d, dict) else {"responses": d}
d["rev"] = sys.argv[2]
open(sys.argv[3], "w").write(json.dumps(d))
' "$1" "$FAKE_STS_REV.$RANDOM" "$FAKE_STS_SCRIPT.tmp" && mv "$FAKE_STS_SCRIPT.tmp" "$FAKE_STS_SCRIPT"
}

fake_sts_reply() { # STATUS BODY_FILE (a name in tests/peers/sts_xml/)
	fake_sts_script "[{\"status\": $1, \"body_file\": \"$2\"}]"
}

fake_sts_count() { "$PY" "$PEERS/logq.py" "$FAKE_STS_LOG" --where event=request --count; }

fake_sts_field() { # FIELD [NTH]
	"$PY" "$PEERS/logq.py" "$FAKE_STS_LOG" --where event=request --field "$1" --nth "${2:--1}"
}

# _start_http_peer NAME ARGS... — tests/peers/fake_NAME.py on plain http, logging to the case's
# peers/; sets FAKE_<NAME>_LOG and FAKE_<NAME>_URL (and _PORT, _PID).
_start_http_peer() {
	local name=$1 prefix=FAKE_${1^^} log port
	shift
	mkdir -p "$T_DIR/peers"
	log=$T_DIR/peers/$name.$RANDOM.log
	printf -v "${prefix}_LOG" '%s' "$log"
	_start_peer "$prefix" "$PY" "$PEERS/fake_$name.py" --log "$log" "$@" || return 1
	port=${prefix}_PORT
	printf -v "${prefix}_URL" 'http://127.0.0.1:%s' "${!port}"
}

start_fake_imds() { _start_http_peer imds "$@"; }
start_fake_ecs() { _start_http_peer ecs "$@"; }
start_fake_proxy() { _start_http_peer proxy "$@"; }

log_count() { # LOG [WHERE...]
	local log=$1 w=() c
	shift
	for c in "$@"; do w+=(--where "$c"); done
	"$PY" "$PEERS/logq.py" "$log" "${w[@]}" --count
}

log_field() { # LOG FIELD [WHERE...] — field of the last matching record
	local log=$1 f=$2 w=() c
	shift 2
	for c in "$@"; do w+=(--where "$c"); done
	"$PY" "$PEERS/logq.py" "$log" "${w[@]}" --field "$f"
}

# ---------------------------------------------------------------- the agent lane (t_96, t_98)
# ms_now · agent_dir / ep_port / ep_token (the agent dir's endpoint) · wait_until SECS CMD... ·
# srv_count / srv_wait NAME TEXT [SECS [COUNT]] · serve_bg / serve_up / srv_stop / srv_send /
# srv_wait_re / srv_tty / srv_show (serve on a pty, in $SRV_BASE/serve.NAME)

ms_now() { echo $(($(date +%s%N) / 1000000)); }
agent_dir() { printf '%s' "${AWSROLE_AGENT_DIR:-$HOME/.aws/awsrole-agent}"; }
ep_field() { json_get "$(cat "$(agent_dir)/endpoint" 2>/dev/null)" "$1"; }
ep_port() { ep_field port; }
ep_token() { ep_field token; }
# wait_until SECS CMD... — poll CMD every 0.1 s until it succeeds (1 if SECS ran out).  SECS is
# scaled by T_WAIT_SCALE (default 3): every wait is for something that must happen, so a longer
# limit costs time only when the case fails anyway, and a loaded box (the ASan suite beside the
# other in CI) does not fail a case that is merely slow.
wait_until() {
	local secs=$1 end
	shift
	end=$(($(ms_now) + secs * ${T_WAIT_SCALE:-3} * 1000))
	while ! "$@"; do
		[ "$(ms_now)" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}
srv_count() { srv_tty "$1" | grep -oF -- "$2" | wc -l | tr -d ' '; }
_srv_has() { [ "$(srv_count "$1" "$2")" -ge "$3" ]; }
# srv_wait NAME TEXT [SECS [COUNT]] — until TEXT is on serve NAME's terminal COUNT times.
srv_wait() {
	local name=$1 text=$2 secs=${3:-10} n=${4:-1}
	wait_until "$secs" _srv_has "$name" "$text" "$n" && return 0
	fail "serve $name: [$text] (x$n) not on its terminal within $((secs * ${T_WAIT_SCALE:-3})) s"
	srv_show "$name"
	return 1
}

# serve on a pseudo-terminal (tests/peers/pty_bg.py).  Serve NAME's files are in
# $SRV_BASE/serve.NAME (SRV_BASE defaults to the case's T_DIR; t_98 sets a per-file directory so
# that a serve can outlive the case that started it); the caller sets PROMPT (the MFA prompt).
srv_dir() { printf '%s/serve.%s' "${SRV_BASE:-$T_DIR}" "$1"; }

# serve_bg NAME [pty_bg options] -- CMD... — CMD (awsrole serve ...) on a pseudo-terminal in the
# background; its terminal in $(srv_dir NAME)/tty.
serve_bg() {
	local name=$1 d
	shift
	d=$(srv_dir "$name")
	rm -rf "$d"
	mkdir -p "$d"
	: > "$d/ctl"
	"$PY" "$PEERS/pty_bg.py" --tty-log "$d/tty" --pidfile "$d/pid" --status-file "$d/status" \
		--events "$d/events" --ctl "$d/ctl" --timeout 170 "$@" >"$d/driver.err" 2>&1 </dev/null &
	echo "$!" > "$d/driver"
	T_PIDS+=("$!")
	echo "$!" >> "$PIDS_FILE"
	wait_until 5 test -s "$d/pid" || { fail "serve $name: pty_bg did not start: $(cat "$d/driver.err")"; return 1; }
}

srv_tty() { tr -d '\r' < "$(srv_dir "$1")/tty" 2>/dev/null; }
srv_pid() { cat "$(srv_dir "$1")/pid" 2>/dev/null; }
srv_show() { # NAME — the terminal of serve NAME, for a failure report
	local d
	d=$(srv_dir "$1")
	printf '    serve %s terminal (%s):\n' "$1" "$d/tty" >&2
	srv_tty "$1" | tail -n 40 | sed 's/^/      | /' >&2
	[ -s "$d/status" ] && printf '    serve %s ended: %s\n' "$1" "$(cat "$d/status")" >&2
	return 0
}

# srv_send NAME TEXT — type TEXT on serve NAME's terminal now ("\n" escapes).
srv_send() { printf 'send\t%s\n' "$2" >> "$(srv_dir "$1")/ctl"; }

# srv_stop NAME [SIGNAL] — SIGNAL (INT: Ctrl-C) to serve NAME; waits until it ends.
# SRV_RC: its exit status ("signal N", "timeout" or "running" if it did not end).
srv_stop() {
	local name=$1 sig=${2:-INT} d
	d=$(srv_dir "$name")
	SRV_RC=running
	[ -s "$d/status" ] || kill -"$sig" "$(cat "$d/driver")" 2>/dev/null
	wait_until 10 test -s "$d/status" && SRV_RC=$(cat "$d/status")
	if [ "$SRV_RC" = running ]; then
		kill -KILL "$(srv_pid "$name")" 2>/dev/null
	fi
	wait "$(cat "$d/driver")" 2>/dev/null
	return 0
}

# srv_wait_re NAME ERE [SECS] — until a line of serve NAME's terminal matches ERE.
_srv_re() { srv_tty "$1" | grep -qE -- "$2"; }
srv_wait_re() {
	wait_until "${3:-10}" _srv_re "$1" "$2" && return 0
	fail "serve $1: no line matching /$2/ on its terminal within $((${3:-10} * ${T_WAIT_SCALE:-3})) s"
	srv_show "$1"
	return 1
}

# serve_up NAME CODE ARGS... — awsrole serve ARGS, CODE typed at the first prompt; waits until
# every profile named in ARGS is ready.  The values of serve's options are not profiles
# (--mfa-session's only when it looks like a duration).  SERVE_ENV="V=x ..." puts variables in
# serve's environment.
serve_up() {
	local name=$1 code=$2 p skipnext=0 profs=()
	shift 2
	for p in "$@"; do
		if [ "$skipnext" = 1 ]; then
			skipnext=0
			continue
		fi
		case $p in
		--scope | --policy | --policy-arn | --role-session-name | --region | --mfa-code) skipnext=1 ;;
		--mfa-session) ;;
		-*) ;;
		*) [[ $p =~ ^[0-9]+[smh]?$ ]] || profs+=("$p") ;;
		esac
	done
	# shellcheck disable=SC2086
	serve_bg "$name" --expect "$PROMPT" --send "$code\n" -- env ${SERVE_ENV:-} awsrole serve "$@" || return 1
	for p in "${profs[@]}"; do
		srv_wait "$name" "ready: $p " 20 || return 1
	done
}
