# t_96_agent.sh — the agent lane (issue 11, /work/notes/agent-spec.md) end to end against moto
# over TLS.  `awsrole serve` runs in the background on a pseudo-terminal (tests/peers/pty_bg.py)
# with the MFA code typed in; the agent side runs without a terminal (`run`: setsid, stdin
# /dev/null) under `awsrole agent --`: Debian's AWS CLI v2 (/usr/bin/aws, --endpoint-url: it
# ignores AWS_ENDPOINT_URL_STS), the AWS CLI v1 (`aws` in PATH), boto3, the JavaScript SDK v3
# (tests/js, installed by the first case with npm ci from the lockfile), awsrole credential-process,
# exec and whoami.  Checked each time: the account reached (default -> RoleA in 111111111111,
# CustomerA -> RoleReadOnly in 222222222222), the STS calls in moto's log (one GetSessionToken
# for N roles with --mfa-session, none per fetch), and for every refusal its exit status and message.
# Renewal is forced with AWSROLE_REFRESH_WINDOW=895 on 900 s sessions (due 5 s after issue);
# expiry with moto_logged.py's knob: a role name with "expires-in-Ns" -> Expiration now + N s.
# The harness exports BASE_AKID/BASE_SECRET (moto.env): cases that look for the user's key in an
# environment un-export them first (hide_base_keys).

MFA_SERIAL=arn:aws:iam::333333333333:mfa/example.user
PROMPT="Enter MFA code for $MFA_SERIAL: "
ARN_A=arn:aws:iam::111111111111:role/RoleA
ARN_RO=arn:aws:iam::222222222222:role/RoleReadOnly
STS_A=arn:aws:sts::111111111111:assumed-role/RoleA/
STS_RO=arn:aws:sts::222222222222:assumed-role/RoleReadOnly/
DEB_AWS=/usr/bin/aws
JS_DIR=$ROOT/tests/js
JS=$JS_DIR/sts_whoami.js
JS_OK=0
RUN_TIMEOUT=20 # every client here is quick; a hang must not cost long
UNSET_VARS="AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION
AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CREDENTIAL_FILE AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME
AWS_BEARER_TOKEN_BEDROCK AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWSROLE_PROFILE _AWSROLE_PROFILE_CHAIN"

# ---------------------------------------------------------------- helper programs

H=$RUN_DIR/t96
mkdir -p "$H"

# mq.py LOG SINCE [--action A] [--ua-has S] [--akid K] (--count | --akids | --field F) — moto's log:
# how many calls, the distinct signing keys (one a line), or field F of each (one a line).
cat > "$H/mq.py" <<'EOF'
import argparse, json
ap = argparse.ArgumentParser()
ap.add_argument("log"); ap.add_argument("since", type=int)
ap.add_argument("--action"); ap.add_argument("--ua-has"); ap.add_argument("--akid")
ap.add_argument("--count", action="store_true"); ap.add_argument("--akids", action="store_true")
ap.add_argument("--field")
a = ap.parse_args()
recs = []
with open(a.log) as f:
    for i, line in enumerate(f):
        if i < a.since:
            continue
        r = json.loads(line)
        if a.action and r.get("action") != a.action:
            continue
        if a.ua_has and a.ua_has not in (r.get("user_agent") or ""):
            continue
        if a.akid and r.get("akid") != a.akid:
            continue
        recs.append(r)
if a.akids:
    seen = []
    for r in recs:
        if r.get("akid") not in seen:
            seen.append(r.get("akid"))
    print("\n".join(k or "" for k in seen))
elif a.field:
    for r in recs:
        v = r
        for p in a.field.split("."):
            v = v.get(p) if isinstance(v, dict) else None
        print("" if v is None else v)
else:
    print(len(recs))
EOF

# raw_http.py PORT DATA_EXPR [SECONDS] — send the bytes of the Python expression DATA_EXPR (TOKEN
# is the view's token, as bytes) to 127.0.0.1:PORT, then read the answer: prints "STATUS MS"
# (STATUS: the HTTP status code, "closed" without an answer, "reset", "timeout"; MS: time to answer).
cat > "$H/raw_http.py" <<'EOF'
import os, re, socket, sys, time
port, expr = int(sys.argv[1]), sys.argv[2]
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 5
TOKEN = os.environ.get("T96_TOKEN", "").encode()
data = eval(expr)
s = socket.create_connection(("127.0.0.1", port), timeout=limit)
t0 = time.monotonic()
try:
    if data:
        s.sendall(data)
except OSError:
    pass
buf, how = b"", None
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
except socket.timeout:
    how = "timeout"
except ConnectionResetError:
    how = "reset"
ms = int((time.monotonic() - t0) * 1000)
m = re.match(rb"HTTP/1\.[01] ([0-9]{3}) ", buf)
print(m.group(1).decode() if m else (how or "closed"), ms)
EOF

# ---------------------------------------------------------------- helpers

mq() { "$PY" "$H/mq.py" "$MOTO_LOG" "$@"; }

# hide_base_keys — the harness's BASE_AKID/BASE_SECRET stay shell variables but leave the
# environment of what the case starts (so "the user's key is in no environment" means something).
hide_base_keys() { export -n BASE_AKID BASE_SECRET; }

# http_get PATH [curl options] — GET http://127.0.0.1:PORT/PATH (no token unless given):
# HTTP_CODE, OUT (body), HDRS (response headers).
http_get() {
	local path=$1
	shift
	HTTP_CODE=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' --max-time 5 "$@" \
		"http://127.0.0.1:$(ep_port)$path")
	OUT=$(cat "$T_DIR/body" 2>/dev/null)
	HDRS=$(tr -d '\r' < "$T_DIR/headers" 2>/dev/null)
	printf '$ curl %s %s\n[%s]\n%s\n%s\n' "$*" "$path" "$HTTP_CODE" "$HDRS" "$OUT" >> "$T_DIR/transcript"
}
tok_hdr() { printf 'Authorization: %s' "$(ep_token)"; }
expect_http() { # CODE
	[ "$HTTP_CODE" = "$1" ] && return 0
	fail "HTTP status: expected $1, got $HTTP_CODE (body: $OUT)"
	return 1
}

# raw_http DATA_EXPR [SECS] — raw bytes to the endpoint (raw_http.py): RAW_STATUS RAW_MS.
raw_http() {
	local r
	r=$(T96_TOKEN=$(ep_token) "$PY" "$H/raw_http.py" "$(ep_port)" "$@")
	RAW_STATUS=${r% *} RAW_MS=${r#* }
	printf '$ raw_http %s\n[%s]\n' "$1" "$r" >> "$T_DIR/transcript"
}

# view_cp PROFILE — awsrole credential-process PROFILE in the view: CP_AKID CP_SECRET CP_TOKEN CP_EXP.
view_cp() {
	run awsrole agent -- awsrole credential-process "$1"
	CP_AKID=$(json_get "$OUT" AccessKeyId)
	CP_SECRET=$(json_get "$OUT" SecretAccessKey)
	CP_TOKEN=$(json_get "$OUT" SessionToken)
	CP_EXP=$(json_get "$OUT" Expiration)
}

# issued_akid MARK ROLE_ARN — the key moto issued by the last AssumeRole into ROLE_ARN since MARK.
issued_akid() { "$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$1" --where action=AssumeRole --where "params.RoleArn=$2" --field issued_akid; }
gst_akid() { "$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$1" --where action=GetSessionToken --field issued_akid; }

prompts_on() { srv_count "$1" "Enter MFA code for"; }

# view_config_check DIR — the view's config, as botocore reads it, names exactly the profiles
# botocore reads from the user's files, each with a credential_process that botocore's shlex and
# /bin/sh both split into [ABSOLUTE PATH, credential-process, PROFILE]; and nothing else of
# credentials.  (The JS SDK is checked end to end.)
view_config_check() {
	local r
	r=$("$PY" - "$1" "$HOME/.aws/config" "$HOME/.aws/credentials" <<-'EOF'
	import os, shlex, subprocess, sys
	import botocore.session
	def profiles(cfg, cred):
	    os.environ["AWS_CONFIG_FILE"], os.environ["AWS_SHARED_CREDENTIALS_FILE"] = cfg, cred
	    return botocore.session.Session().full_config["profiles"]
	user = profiles(sys.argv[2], sys.argv[3])
	view = profiles(sys.argv[1] + "/config", sys.argv[1] + "/credentials")
	bad = []
	if sorted(user) != sorted(view):
	    bad.append(f"profiles: user {sorted(user)} view {sorted(view)}")
	for p, v in view.items():
	    cp = v.get("credential_process")
	    if not cp:
	        bad.append(f"{p}: no credential_process"); continue
	    words = shlex.split(cp)
	    sh = subprocess.run(["sh", "-c", 'for a in ' + cp + '; do printf "%s\\0" "$a"; done'],
	                        capture_output=True).stdout.decode().split("\0")[:-1]
	    if words != sh:
	        bad.append(f"{p}: shlex {words} != sh {sh}")
	    if len(words) != 3 or not words[0].startswith("/") or words[1:] != ["credential-process", p]:
	        bad.append(f"{p}: credential_process {words}")
	    for k in v:
	        if k.startswith("aws_") or k in ("role_arn", "source_profile", "mfa_serial", "credential_source",
	                                         "web_identity_token_file", "external_id", "role_session_name",
	                                         "duration_seconds") or k.startswith("sso_") or k.startswith("awsrole_"):
	            bad.append(f"{p}: copies {k}")
	    if user[p].get("region") != v.get("region"):
	        bad.append(f"{p}: region {v.get('region')} (user: {user[p].get('region')})")
	print("\n".join(bad))
	EOF
	)
	[ -z "$r" ] && return 0
	fail "the view's config: $r"
	return 1
}

# js_ready — the JavaScript SDK is installed (first case); otherwise a loud note (a failure in CI).
js_ready() {
	[ "$JS_OK" = 1 ] && return 0
	if [ "${CI:-}" = true ]; then
		fail "the JavaScript SDK v3 is not installed (see the set-up case): its checks cannot run"
	else
		echo "SKIP (part): $T_FILE: $T_NAME: the JavaScript SDK v3 checks (not installed, see the set-up case)" >&2
	fi
	return 1
}

# bg_view NAME CMD... — CMD in the view in the background, no terminal (40 s limit): output in
# $T_DIR/NAME.out (stdout + stderr), exit status in $T_DIR/NAME.rc once it ended.
bg_view() {
	local name=$1
	shift
	( setsid -w timeout -k 5 40 awsrole agent -- "$@" >"$T_DIR/$name.out" 2>&1 </dev/null
	  echo $? > "$T_DIR/$name.rc" ) &
	T_PIDS+=("$!")
}
bg_wait() { # NAME [SECS]
	wait_until "${2:-45}" test -s "$T_DIR/$1.rc" || { fail "$1 did not end"; return 1; }
	cat "$T_DIR/$1.rc"
}

# ---------------------------------------------------------------- set-up

t "set-up: the JavaScript SDK v3 pinned by tests/js/package-lock.json, installed with npm ci (tests/js/node_modules, not committed)"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	skip "npm or node is missing (Node 20 with its own npm is part of the machine image; do not apt-get Debian's npm, it conflicts): every JavaScript SDK check of this file is left out"
else
	want=$(sha256sum "$JS_DIR/package-lock.json" | cut -d' ' -f1)
	stamp=$JS_DIR/node_modules/.awsrole-lock-sha256
	if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		# One npm ci at a time (parallel runs share the tree, e.g. make test and make check-asan
		# side by side in .ci/run): the stamp is read again under the lock, so the second run
		# does not reinstall under the first one's feet; npm's cache stays in tests/tmp.
		( flock -w 150 9 || exit 75
		  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && exit 0
		  cd "$JS_DIR" && timeout -k 5 150 npm ci --no-audit --no-fund --cache "$ROOT/tests/tmp/npm-cache" &&
		  echo "$want" > "$stamp" ) \
			9>"$ROOT/tests/tmp/npm-ci.lock" >"$T_DIR/npm-ci.out" 2>&1
		RC=$?
		OUT=$(cat "$T_DIR/npm-ci.out")
		RUN_CMD="npm ci --no-audit --no-fund (in tests/js)"
		expect_rc 0
	fi
	for pkg in @aws-sdk/client-sts:3.1177.0 @aws-sdk/credential-providers:3.1175.0; do
		got=$(cd "$JS_DIR" && node -p "require('${pkg%%:*}/package.json').version" 2>&1)
		expect_eq "installed ${pkg%%:*}" "${pkg#*:}" "$got"
	done
	[ "$T_FAILED" = 0 ] && JS_OK=1
	pass
fi

# ---------------------------------------------------------------- serve and the view

t "serve --mfa-session on a terminal: the CLI's prompt once, one GetSessionToken, one AssumeRole per role signed with that session; banner; endpoint 0600 in a 0700 dir"
use_moto
scenario_files
m=$(moto_log_mark)
serve_up s 482913 default CustomerA --mfa-session
dir=$HOME/.aws/awsrole-agent
port=$(ep_port)
tok=$(ep_token)
expect_eq "MFA prompts on the terminal" 1 "$(prompts_on s)"
case $(srv_tty s) in *482913*) fail "the typed MFA code shows on serve's terminal" ;; esac
srv_tty s | grep -qF "awsrole serve: serving default, CustomerA on 127.0.0.1:$port (agent dir $dir)" ||
	{ fail "no banner naming the profiles, 127.0.0.1:$port and $dir"; srv_show s; }
srv_tty s | grep -qF "awsrole agent -- " || fail "the banner does not name awsrole agent"
expect_eq "GetSessionToken calls" 1 "$(moto_calls_since "$m" GetSessionToken)"
expect_eq "GetSessionToken TokenCode" 482913 "$(moto_field params.TokenCode "$m" GetSessionToken)"
expect_eq "GetSessionToken SerialNumber" "$MFA_SERIAL" "$(moto_field params.SerialNumber "$m" GetSessionToken)"
expect_eq "GetSessionToken DurationSeconds (default 12h)" 43200 "$(moto_field params.DurationSeconds "$m" GetSessionToken)"
expect_eq "GetSessionToken signed with the user's key" "$BASE_AKID" "$(moto_field akid "$m" GetSessionToken)"
expect_eq "AssumeRole calls (one per role)" 2 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "all STS calls (same key for both profiles: no GetCallerIdentity)" 3 "$(moto_calls_since "$m")"
expect_eq "roles assumed" "$ARN_A $ARN_RO" \
	"$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$m" --where action=AssumeRole --all params.RoleArn | sort | tr '\n' ' ' | sed 's/ $//')"
gst=$(gst_akid "$m")
expect_eq "AssumeRole signing keys = the MFA session's" "$gst" "$(mq "$m" --action AssumeRole --akids | sort -u)"
expect_eq "AssumeRole sends no TokenCode" "" "$(mq "$m" --action AssumeRole --field params.TokenCode | sort -u)"
expect_eq "AssumeRole sends no SerialNumber" "" "$(mq "$m" --action AssumeRole --field params.SerialNumber | sort -u)"
expect_eq "AssumeRole DurationSeconds (the profiles' 900)" 900 "$(mq "$m" --action AssumeRole --field params.DurationSeconds | sort -u)"
expect_eq "agent dir mode" 700 "$(stat -c %a "$dir" 2>/dev/null)"
for f in endpoint config credentials; do
	expect_eq "$f mode" 600 "$(stat -c %a "$dir/$f" 2>/dev/null)"
done
# the view's credentials file holds no key: only a credential_process section for each profile
# whose name needs quotes in a config file (the JS SDK cannot read [profile "Access CustomerA"])
grep -qiE 'aws_(access_key_id|secret_access_key|session_token)' "$dir/credentials" &&
	fail "the view's credentials file holds a key: $(cat "$dir/credentials")"
expect_eq "the view's credentials file: sections" "[Access CustomerA]" "$(grep '^\[' "$dir/credentials")"
grep -qE "^credential_process = '/[^']*awsrole' credential-process 'Access CustomerA'$" "$dir/credentials" ||
	fail "no credential_process for [Access CustomerA] in the view's credentials file: $(cat "$dir/credentials")"
case $port in '' | *[!0-9]*) fail "endpoint port [$port]" ;; esac
[[ $tok =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "endpoint token [$tok] is not 43 base64url characters (32 bytes)"
# Loopback only: the port answers on 127.0.0.1, not on the machine's other addresses.
other=$(hostname -I 2>/dev/null | awk '{print $1}')
if [ -n "$other" ] && [ "$other" != 127.0.0.1 ]; then
	"$PY" "$PEERS/tcp_probe.py" "$other" "$port" 1 >/dev/null 2>&1 && fail "serve listens on $other:$port too (loopback only)"
fi
expect_eq "nothing in ~/.aws/cli/cache" "" "$(ls -A "$HOME/.aws/cli/cache" 2>/dev/null)"
srv_stop s
expect_eq "serve's exit status after Ctrl-C" 0 "$SRV_RC"
srv_tty s | grep -qF "awsrole serve: stopped; credentials already handed out stay valid until they expire" ||
	{ fail "no stop message"; srv_show s; }
pass

t "the view without a terminal: Debian's AWS CLI v2 with --profile, AWS_PROFILE and the default reaches the right account; no STS call per fetch"
use_moto
scenario_files
serve_up s 100200 default CustomerA --mfa-session
m=$(moto_log_mark)
f0=$(srv_count s " fetch ")
run awsrole agent -- "$DEB_AWS" sts get-caller-identity --profile CustomerA --endpoint-url "$MOTO_URL" --output json
expect_rc 0
expect_out_has "\"Arn\": \"$STS_RO"
expect_out_has '"Account": "222222222222"'
run awsrole agent -- env AWS_PROFILE=CustomerA "$DEB_AWS" sts get-caller-identity --endpoint-url "$MOTO_URL" --output json
expect_rc 0
expect_out_has "\"Arn\": \"$STS_RO"
run awsrole agent -- "$DEB_AWS" sts get-caller-identity --endpoint-url "$MOTO_URL" --output json
expect_rc 0
expect_out_has "\"Arn\": \"$STS_A"
expect_out_has '"Account": "111111111111"'
expect_eq "STS calls: only the 3 GetCallerIdentity (no AssumeRole, no GetSessionToken per fetch)" \
	"3 3" "$(moto_calls_since "$m") $(moto_calls_since "$m" GetCallerIdentity)"
f1=$(srv_count s " fetch ")
[ $((f1 - f0)) -ge 3 ] || { fail "serve logged $((f1 - f0)) fetch lines for 3 CLI calls"; srv_show s; }
srv_tty s | grep -qE "fetch CustomerA view=agent ua=\"[^\"]*\" key=ASIA[A-Z0-9]+ expires=[0-9]{4}-" ||
	{ fail "no fetch line of the form: T fetch CustomerA view=agent ua=\"...\" key=ASIA... expires=T"; srv_show s; }
srv_stop s
pass

t "the view without a terminal: boto3 (default chain, AWS_PROFILE, profile_name) and the JavaScript SDK v3 (default chain, AWS_PROFILE) reach the right account"
use_moto
scenario_files
serve_up s 200300 default CustomerA --mfa-session
m=$(moto_log_mark)
ra=$(issued_akid 0 "$ARN_A")
rro=$(issued_akid 0 "$ARN_RO")
run awsrole agent -- python3 "$PEERS/boto_whoami.py"
expect_rc 0
expect_out_has "$STS_A"
run awsrole agent -- env AWS_PROFILE=CustomerA python3 "$PEERS/boto_whoami.py"
expect_rc 0
expect_out_has "$STS_RO"
expect_out_has " $rro"
run awsrole agent -- python3 "$PEERS/boto_whoami.py" CustomerA
expect_rc 0
expect_out_has "$STS_RO"
if js_ready; then
	run awsrole agent -- node "$JS" --key
	expect_rc 0
	expect_out_has "$STS_A"
	run awsrole agent -- env AWS_PROFILE=CustomerA node "$JS" --key
	expect_rc 0
	expect_out_has "$STS_RO"
	expect_out_has " $rro"
fi
expect_eq "STS calls since serve was ready: GetCallerIdentity only" \
	"$(moto_calls_since "$m" GetCallerIdentity)" "$(moto_calls_since "$m")"
# Every call was signed with one of the two sessions serve got (none with the user's key).
for k in $(mq "$m" --akids); do
	[ "$k" = "$ra" ] || [ "$k" = "$rro" ] || fail "a call was signed with $k, not a served session ($ra, $rro)"
done
srv_stop s
pass

t "the view: awsrole credential-process, exec (renewing, no keys in the child), whoami and the AWS CLI v1; each hand-out logged with its key and view name, no secret; no STS call per fetch"
use_moto
scenario_files
serve_up s 300400 default CustomerA --mfa-session
rro=$(issued_akid 0 "$ARN_RO")
m=$(moto_log_mark)
RUN_TIMEOUT=20 view_cp CustomerA
expect_rc 0
expect_eq "Version" 1 "$(json_get "$OUT" Version)"
expect_eq "AccessKeyId = the served session's" "$rro" "$CP_AKID"
[ -n "$CP_SECRET" ] && [ -n "$CP_TOKEN" ] || fail "no SecretAccessKey/SessionToken: $OUT"
[[ $CP_EXP =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] || fail "Expiration [$CP_EXP] is not YYYY-MM-DDTHH:MM:SSZ"
srv_wait s "key=$CP_AKID" 3
case $(srv_tty s) in *"$CP_SECRET"* | *"$CP_TOKEN"*) fail "serve's terminal shows the secret or the token it handed out" ;; esac
run awsrole agent --name ci-bot -- awsrole credential-process CustomerA
expect_rc 0
srv_wait s "fetch CustomerA view=ci-bot" 3
run awsrole agent -- awsrole exec CustomerA -- sh -c 'echo "${AWS_PROFILE-unset}|${AWSROLE_PROFILE-unset}|${AWS_ACCESS_KEY_ID-unset}|${AWS_SECRET_ACCESS_KEY-unset}|${AWS_SESSION_TOKEN-unset}"'
expect_rc 0
expect_out_eq "CustomerA|CustomerA|unset|unset|unset"
run awsrole agent -- awsrole exec CustomerA -- python3 "$PEERS/boto_whoami.py"
expect_rc 0
expect_out_has "$STS_RO"
run awsrole agent -- awsrole whoami CustomerA
expect_rc 0
expect_out_has "$STS_RO"
run awsrole agent -- awsrole whoami default
expect_rc 0
expect_out_has "$STS_A"
run awsrole agent -- aws sts get-caller-identity --profile CustomerA
expect_rc 0
expect_out_has "\"Arn\": \"$STS_RO"
run awsrole agent -- aws sts get-caller-identity
expect_rc 0
expect_out_has "\"Arn\": \"$STS_A"
# 20 fetches: no STS call at all.
m2=$(moto_log_mark)
for _ in $(seq 1 20); do
	awsrole agent -- awsrole credential-process CustomerA >/dev/null 2>&1 </dev/null || fail "a credential-process fetch failed"
done
expect_eq "STS calls for 20 fetches" 0 "$(moto_calls_since "$m2")"
expect_eq "AssumeRole/GetSessionToken since serve was ready" "0 0" \
	"$(moto_calls_since "$m" AssumeRole) $(moto_calls_since "$m" GetSessionToken)"
expect_eq "nothing in ~/.aws/cli/cache" "" "$(ls -A "$HOME/.aws/cli/cache" 2>/dev/null)"
srv_stop s
pass

# ---------------------------------------------------------------- renewal

t "long job with --mfa-session across >= 2 renewals (AWSROLE_REFRESH_WINDOW=895 on 900 s roles: due every 5 s): boto3 under exec and the JS SDK call STS without one error; no prompt"
use_moto
scenario_files
SERVE_ENV=AWSROLE_REFRESH_WINDOW=895 serve_up s 400500 default CustomerA --mfa-session
m=$(moto_log_mark)
gst=$(gst_akid 0)
bg_view py awsrole exec CustomerA -- python3 "$PEERS/boto_loop.py" --ua t96-loop 0.25 12
js_ready && bg_view js env AWS_PROFILE=CustomerA STS_WHOAMI_UA=t96-js node "$JS" --loop 250 12
pyrc=$(bg_wait py)
expect_eq "boto3 long job exit status" 0 "$pyrc" || sed 's/^/      | /' "$T_DIR/py.out" | tail -5 >&2
renewals=$(srv_count s "renewing CustomerA")
readies=$(srv_count s "ready: CustomerA ")
if [ "$JS_OK" = 1 ]; then
	jsrc=$(bg_wait js)
	expect_eq "JS long job exit status" 0 "$jsrc" || sed 's/^/      | /' "$T_DIR/js.out" | tail -5 >&2
	grep -q '^calls=' "$T_DIR/js.out" || fail "the JS job did not finish its loop: $(tail -3 "$T_DIR/js.out")"
	expect_eq "JS calls that failed (STS log)" 0 "$(mq "$m" --ua-has t96-js --action GetCallerIdentity --field status | grep -vc '^200$')"
fi
[ "$renewals" -ge 2 ] && [ "$readies" -ge 3 ] ||
	{ fail "during the 12 s job serve renewed CustomerA $renewals times (ready lines: $readies), expected >= 2 renewals"; srv_show s; }
expect_eq "boto3 job errors" 0 "$(grep -c '^err' "$T_DIR/py.out")"
calls=$(mq "$m" --ua-has t96-loop --action GetCallerIdentity --count)
# Calls all through the job (the ideal is 48; a loaded box makes each slower): at least one a second.
[ "$calls" -ge 12 ] || fail "the boto3 job made only $calls calls in 12 s"
expect_eq "boto3 job calls refused by STS" 0 "$(mq "$m" --ua-has t96-loop --field status | grep -vc '^200$')"
keys=$(mq "$m" --ua-has t96-loop --akids | wc -l)
[ "$keys" -ge 3 ] || fail "the boto3 job signed with $keys distinct session keys: it did not get the renewed sessions (>= 3 expected)"
expect_eq "GetSessionToken calls during the job" 0 "$(moto_calls_since "$m" GetSessionToken)"
expect_eq "renewals signed with the MFA session" "$gst" "$(mq "$m" --action AssumeRole --akids | sort -u)"
expect_eq "renewals send no TokenCode" "" "$(mq "$m" --action AssumeRole --field params.TokenCode | sort -u)"
expect_eq "MFA prompts on the terminal (renewal needs no typing)" 1 "$(prompts_on s)"
srv_stop s
expect_eq "serve's exit status" 0 "$SRV_RC"
pass

t "without --mfa-session: a prompt per profile with a fresh code each (the code just used is refused locally), and the renewal asks for the next code on the terminal"
use_moto
scenario_files
m=$(moto_log_mark)
serve_bg s --expect "$PROMPT" --send "111111\n" --expect "$PROMPT" --send "111111\n" \
	--expect "$PROMPT" --send "222222\n" --each "$PROMPT" --send-each "3{n:05d}\n" \
	-- env AWSROLE_REFRESH_WINDOW=895 awsrole serve default CustomerA
srv_wait s "ready: default " 15
srv_wait s "ready: CustomerA " 15
# agent-spec: `that code was just used; wait for the next one` (the words, not the punctuation)
srv_wait_re s "that code was just used.*wait for the next one" 2
expect_eq "GetSessionToken calls" 0 "$(moto_calls_since "$m" GetSessionToken)"
first=$(mq "$m" --action AssumeRole --field params.TokenCode | head -n 2 | sort | tr '\n' ' ')
expect_eq "the first two AssumeRoles' codes (one each, the repeated code not sent)" "111111 222222 " "$first"
view_cp CustomerA
k1=$CP_AKID
# Renewal: due 5 s after issue; serve asks on the terminal; pty_bg types 300001, 300002, ...
# agent-spec: `CustomerA's session ends at T: enter the next code`
srv_wait_re s "CustomerA('s|: its) session ends .*enter the next (MFA )?code" 12
srv_wait s "ready: CustomerA " 12 2
view_cp CustomerA
expect_rc 0
[ -n "$CP_AKID" ] && [ "$CP_AKID" != "$k1" ] || fail "after the renewal credential-process still hands out $k1 (now [$CP_AKID])"
codes=$(mq "$m" --action AssumeRole --field params.TokenCode)
expect_eq "every AssumeRole carries a different code" "$(sort <<<"$codes" | uniq | wc -l)" "$(wc -l <<<"$codes")"
expect_eq "AssumeRoles without a code" 0 "$(grep -c '^$' <<<"$codes")"
grep -qx '300001' <<<"$codes" || fail "the first renewal code (300001) was not sent: $codes"
srv_stop s
expect_eq "serve's exit status" 0 "$SRV_RC"
pass

t "expiry with nobody at the terminal: fetches work until Expiration, then fail at once (exit 4, the waiting message, 503 NoSession); nothing hangs; a late code brings it back"
use_moto
scenario_files
# CustomerA's sessions end 8 s after issue (moto_logged.py's knob: the role name), so serve wants
# the next code at once (default window: 90 s).
sed -i 's#^role_arn = arn:aws:iam::222222222222:role/RoleReadOnly$#role_arn = arn:aws:iam::222222222222:role/Short-expires-in-8s#' "$HOME/.aws/config"
serve_bg s --expect "$PROMPT" --send "515151\n" -- awsrole serve CustomerA
srv_wait s "ready: CustomerA " 15
RUN_TIMEOUT=20 view_cp CustomerA
expect_rc 0
exp=$CP_EXP
srv_wait_re s "CustomerA('s|: its) session ends .*enter the next (MFA )?code" 8
# Wait past the Expiration, then every path fails at once.
expsec=$(date -u -d "$exp" +%s 2>/dev/null || echo 0)
[ $((expsec - $(date -u +%s))) -le 10 ] || fail "CustomerA's Expiration [$exp] is not within 10 s (moto_logged.py's expires-in-8s knob)"
wait_until 15 sh -c '[ "$(date -u +%s)" -gt "$1" ]' _ "$expsec"
sleep 1
run_fast awsrole agent -- awsrole credential-process CustomerA
expect_rc 4
expect_err_has "the session of profile \"CustomerA\" expired at"
expect_err_has "awsrole serve is waiting for the next MFA code"
expect_err_has "type the MFA code in the terminal where awsrole serve runs"
expect_fix_hint
expect_eq "stdout" "" "$OUT"
http_get /v1/credentials/CustomerA -H "$(tok_hdr)"
expect_http 503
expect_eq "Code" NoSession "$(json_get "$OUT" Code)"
http_get /v1/status -H "$(tok_hdr)"
expect_http 200
case $(json_get "$OUT" profiles.0.state) in expired | waiting) ;; *) fail "status of CustomerA: $OUT" ;; esac
run_fast awsrole agent -- aws sts get-caller-identity --profile CustomerA
expect_rc 255
expect_err_has "waiting for the next MFA code"
# The human comes back: a code typed at the waiting prompt renews the session.
srv_send s "525252\n"
srv_wait s "ready: CustomerA " 10 2
view_cp CustomerA
expect_rc 0
srv_stop s
pass

# ---------------------------------------------------------------- login P1 P2

t "login default CustomerA: one code, one GetSessionToken (900 s), two AssumeRoles; both sessions cached under the CLI's keys and read back by the AWS CLI v1; the MFA session not kept"
use_moto
scenario_files
# 3600 s roles: botocore ignores a cached session with less than 15 min left (it would re-assume).
sed -i 's/^duration_seconds = 900$/duration_seconds = 3600/' "$HOME/.aws/config"
m=$(moto_log_mark)
run_pty --expect "$PROMPT" --send "654321\n" -- awsrole login default CustomerA
expect_rc 0
expect_eq "prompts" 1 "$(grep -o 'Enter MFA code for' <<<"$TTY" | wc -l | tr -d ' ')"
expect_out_has "Logged in: profile default is $STS_A"
expect_out_has "Logged in: profile CustomerA is $STS_RO"
expect_eq "GetSessionToken calls" 1 "$(moto_calls_since "$m" GetSessionToken)"
expect_eq "GetSessionToken TokenCode" 654321 "$(moto_field params.TokenCode "$m" GetSessionToken)"
expect_eq "GetSessionToken SerialNumber" "$MFA_SERIAL" "$(moto_field params.SerialNumber "$m" GetSessionToken)"
expect_eq "GetSessionToken DurationSeconds" 900 "$(moto_field params.DurationSeconds "$m" GetSessionToken)"
expect_eq "AssumeRole calls" 2 "$(moto_calls_since "$m" AssumeRole)"
gst=$(gst_akid "$m")
expect_eq "AssumeRoles signed with the MFA session" "$gst" "$(mq "$m" --action AssumeRole --akids | sort -u)"
expect_eq "AssumeRoles send no TokenCode" "" "$(mq "$m" --action AssumeRole --field params.TokenCode | sort -u)"
keys=$(AWS_CONFIG_FILE=$HOME/.aws/config AWS_SHARED_CREDENTIALS_FILE=$HOME/.aws/credentials "$PY" "$ROOT/tests/cache_key.py" default CustomerA)
kd=$(awk -F'\t' '$1 == "default" {print $2}' <<<"$keys")
kc=$(awk -F'\t' '$1 == "CustomerA" {print $2}' <<<"$keys")
expect_eq "default's cached key" "$(issued_akid "$m" "$ARN_A")" \
	"$(json_get "$(cat "$HOME/.aws/cli/cache/$kd.json" 2>/dev/null)" Credentials.AccessKeyId)"
expect_eq "CustomerA's cached key" "$(issued_akid "$m" "$ARN_RO")" \
	"$(json_get "$(cat "$HOME/.aws/cli/cache/$kc.json" 2>/dev/null)" Credentials.AccessKeyId)"
[ -n "$gst" ] && grep -rqF -- "$gst" "$HOME/.aws" && fail "the MFA session ($gst) is still on disk under ~/.aws"
expect_eq "cache entries" 2 "$(ls "$HOME/.aws/cli/cache/"*.json 2>/dev/null | wc -l)"
m2=$(moto_log_mark)
run aws sts get-caller-identity --profile CustomerA
expect_rc 0
expect_out_has "\"Arn\": \"$STS_RO"
run aws sts get-caller-identity
expect_rc 0
expect_out_has "\"Arn\": \"$STS_A"
expect_eq "the CLI's calls: GetCallerIdentity only (no AssumeRole, no MFA prompt)" "2 2" \
	"$(moto_calls_since "$m2") $(moto_calls_since "$m2" GetCallerIdentity)"
expect_eq "the CLI signed with the cached sessions" \
	"$(printf '%s\n' "$(issued_akid "$m" "$ARN_RO")" "$(issued_akid "$m" "$ARN_A")")" "$(mq "$m2" --akids)"
pass

t "--mfa-session and login P1 P2 refuse profiles with different mfa_serial before any prompt (exit 3); --mfa-session durations: 15m, =2h, bad ones exit 2"
use_moto
scenario_files
sed -i '/^\[profile CustomerA\]/,$ s#^mfa_serial = .*#mfa_serial = arn:aws:iam::333333333333:mfa/other.device#' "$HOME/.aws/config"
m=$(moto_log_mark)
RUN_TIMEOUT=10 run_pty -- awsrole serve default CustomerA --mfa-session
expect_rc 3
expect_err_has "mfa_serial"
expect_err_has "CustomerA"
expect_err_lacks "Enter MFA code"
RUN_TIMEOUT=10 run_pty -- awsrole login default CustomerA
expect_rc 3
expect_err_has "mfa_serial"
expect_err_lacks "Enter MFA code"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
scenario_files
for bad in --mfa-session=899 --mfa-session=37h --mfa-session=abc --mfa-session=0; do
	RUN_TIMEOUT=10 run_pty -- awsrole serve CustomerA "$bad"
	expect_rc 2 || echo "    ($bad)" >&2
	expect_err_has "mfa-session" || echo "    ($bad)" >&2
	expect_err_lacks "Enter MFA code"
done
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
serve_up a 616161 CustomerA --mfa-session 15m
expect_eq "--mfa-session 15m: DurationSeconds" 900 "$(moto_field params.DurationSeconds "$m" GetSessionToken)"
srv_stop a
m=$(moto_log_mark)
serve_up b 626262 CustomerA --mfa-session=2h
expect_eq "--mfa-session=2h: DurationSeconds" 7200 "$(moto_field params.DurationSeconds "$m" GetSessionToken)"
srv_stop b
pass

# ---------------------------------------------------------------- the endpoint

t "endpoint: no token / a wrong one -> 403 AccessDenied and a refused line; the token verbatim; unserved -> 404 NotServed; POST -> 405; /v1/status without secrets; a replaced token in the view -> exit 4"
use_moto
scenario_files
serve_up s 700800 default CustomerA --mfa-session
http_get /v1/credentials/CustomerA
expect_http 403
expect_eq "Code" AccessDenied "$(json_get "$OUT" Code)"
expect_eq "code" AccessDenied "$(json_get "$OUT" code)"
srv_wait s "refused 403 (no token" 3
http_get /v1/credentials/CustomerA -H "Authorization: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_http 403
srv_wait s "refused 403 (wrong token" 3
http_get /v1/credentials/CustomerA -H "Authorization: Bearer $(ep_token)"
expect_http 403
http_get /v1/credentials/CustomerA -H "Authorization: $(ep_token)x"
expect_http 403
http_get /v1/credentials/CustomerA -H "$(tok_hdr)" -H "User-Agent: t96-curl/1.0" -H "X-Awsrole-View: probe"
expect_http 200
grep -qi '^content-type: application/json' <<<"$HDRS" || fail "Content-Type: $HDRS"
grep -qi '^connection: close' <<<"$HDRS" || fail "no Connection: close: $HDRS"
akid=$(json_get "$OUT" AccessKeyId)
secret=$(json_get "$OUT" SecretAccessKey)
[[ $akid == ASIA* ]] || fail "AccessKeyId [$akid]"
[ -n "$secret" ] && [ -n "$(json_get "$OUT" Token)" ] || fail "no SecretAccessKey/Token: $OUT"
[[ $(json_get "$OUT" Expiration) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] || fail "Expiration: $OUT"
expect_eq "AccountId" 222222222222 "$(json_get "$OUT" AccountId)"
srv_wait s "fetch CustomerA view=probe ua=\"t96-curl/1.0\" key=$akid" 3
http_get /v1/credentials/Customer%41 -H "$(tok_hdr)"
expect_http 200
expect_eq "percent-decoded profile name" "$akid" "$(json_get "$OUT" AccessKeyId)"
http_get /v1/credentials/Nope -H "$(tok_hdr)"
expect_http 404
expect_eq "Code" NotServed "$(json_get "$OUT" Code)"
case $(json_get "$OUT" Message) in *default*CustomerA* | *CustomerA*default*) ;; *) fail "404 Message without the served list: $OUT" ;; esac
http_get /v1/credentials/CustomerA -H "$(tok_hdr)" -X POST -d x
expect_http 405
http_get /v1/status
expect_http 403
http_get /v1/status -H "$(tok_hdr)"
expect_http 200
expect_eq "status pid" "$(srv_pid s)" "$(json_get "$OUT" pid)"
expect_eq "status profiles" "default CustomerA" "$(json_get "$OUT" profiles.0.name) $(json_get "$OUT" profiles.1.name)"
expect_eq "status states" "ok ok" "$(json_get "$OUT" profiles.0.state) $(json_get "$OUT" profiles.1.state)"
case $OUT in *"$secret"* | *SecretAccessKey* | *ASIA*) fail "/v1/status shows a key or a secret: $OUT" ;; esac
# The view's awsrole with a token serve does not know.
dir=$(agent_dir)
cp "$dir/endpoint" "$T_DIR/endpoint.orig"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["token"]="B"*43; json.dump(d, open(sys.argv[1],"w"))' "$dir/endpoint"
run awsrole agent -- awsrole credential-process CustomerA
expect_rc 4
expect_err_has "awsrole serve refused the agent view's token (403)"
expect_eq "stdout" "" "$OUT"
cp "$T_DIR/endpoint.orig" "$dir/endpoint"
view_cp CustomerA
expect_rc 0
srv_stop s
pass

t "endpoint: an oversized request line or header block, too many header lines, garbage, HTTP/0.9 and HTTP/2 are refused (400/414/431/505) and serve keeps serving"
use_moto
scenario_files
serve_up s 800900 CustomerA --mfa-session
ok='b"GET /v1/credentials/CustomerA HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TOKEN + b"\r\n"'
raw_http "$ok + b\"\\r\\n\""
expect_eq "a well-formed raw request" 200 "$RAW_STATUS"
raw_http 'b"GET /v1/credentials/" + b"A" * 2000 + b" HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN + b"\r\n\r\n"'
case $RAW_STATUS in 400 | 414 | 431) ;; *) fail "request line of 2030 bytes: $RAW_STATUS (expected 400, 414 or 431)" ;; esac
raw_http "$ok"' + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 1000) for i in range(9)) + b"\r\n"'
expect_eq "9 KiB of headers" 431 "$RAW_STATUS"
raw_http "$ok"' + b"".join(b"X-L%d: 1\r\n" % i for i in range(70)) + b"\r\n"'
case $RAW_STATUS in 400 | 431) ;; *) fail "70 header lines: $RAW_STATUS (expected 431 or 400)" ;; esac
raw_http 'bytes(range(256)) * 4 + b"\r\n\r\n"'
expect_eq "binary garbage" 400 "$RAW_STATUS"
raw_http 'b"GET /v1/credentials/CustomerA\r\n\r\n"'
expect_eq "HTTP/0.9 (no version)" 400 "$RAW_STATUS"
raw_http 'b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"'
case $RAW_STATUS in 400 | 505) ;; *) fail "HTTP/2 preface: $RAW_STATUS (expected 400 or 505)" ;; esac
raw_http 'b"GET /v1/credentials/CustomerA HTTP/1.1\r\nHost x\r\nAuthorization: " + TOKEN + b"\r\n\r\n"'
expect_eq "a header line without a colon" 400 "$RAW_STATUS"
raw_http 'b"GET /v1/credentials/Cust%zzA HTTP/1.1\r\nAuthorization: " + TOKEN + b"\r\n\r\n"'
expect_eq "a bad percent escape" 400 "$RAW_STATUS"
raw_http 'b"GET /v1/credentials/Cust%00A HTTP/1.1\r\nAuthorization: " + TOKEN + b"\r\n\r\n"'
case $RAW_STATUS in 400 | 404) ;; *) fail "%00 in the profile: $RAW_STATUS (expected 400 or 404)" ;; esac
raw_http 'b"GET /v1/credentials/CustomerA HTTP/1.1\r\nAuthorization: " + TOKEN + b"\r\nAuthorization: " + TOKEN + b"\r\n\r\n"'
case $RAW_STATUS in 200 | 400) ;; *) fail "two Authorization headers: $RAW_STATUS" ;; esac
kill -0 "$(srv_pid s)" 2>/dev/null || { fail "serve is gone after the bad requests"; srv_show s; }
raw_http "$ok + b\"\\r\\n\""
expect_eq "a good request after the bad ones" 200 "$RAW_STATUS"
view_cp CustomerA
expect_rc 0
srv_stop s
expect_eq "serve's exit status" 0 "$SRV_RC"
pass

t "endpoint: slow clients (nothing sent, half a request) get 408 after about 2 s and block nobody; 60 idle connections and 20 parallel fetches; a client gone midway costs nothing"
use_moto
scenario_files
serve_up s 901901 CustomerA --mfa-session
"$PY" - "$(ep_port)" "$(ep_token)" > "$T_DIR/slow.out" 2>&1 <<'EOF' &
import re, socket, sys, time
port = int(sys.argv[1])
def status(s):
    buf = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            buf += d
    except OSError as e:
        return type(e).__name__
    m = re.match(rb"HTTP/1\.[01] ([0-9]{3}) ", buf)
    return m.group(1).decode() if m else "closed"
t0 = time.monotonic()
a = socket.create_connection(("127.0.0.1", port), timeout=15)
b = socket.create_connection(("127.0.0.1", port), timeout=15)
b.sendall(b"GET /v1/credentials/Cust")
print("connected", flush=True)
ra = status(a); ta = time.monotonic() - t0; wa = time.time()
rb = status(b); tb = time.monotonic() - t0
print(f"silent {ra} {ta:.2f} {wa:.3f}")
print(f"half {rb} {tb:.2f}")
EOF
slowpid=$!
_slow_connected() { grep -qs '^connected' "$T_DIR/slow.out"; }
wait_until 5 _slow_connected || fail "the slow clients did not connect: $(cat "$T_DIR/slow.out")"
port=$(ep_port) tok=$(ep_token)
# Blocking nobody is an order, not a speed: the first fetch, made while both slow clients are
# connected, is answered before serve gives up on them.  A serve that waited on them in turn
# would answer it only after its 408s.
for i in 1 2 3 4 5; do
	r=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: $tok" "http://127.0.0.1:$port/v1/credentials/CustomerA")
	[ "$i" = 1 ] && first_done=$(date +%s.%N)
	expect_eq "fetch $i beside two slow clients" 200 "$r"
done
wait "$slowpid"
read -r _ sa ta wa < <(grep '^silent' "$T_DIR/slow.out")
read -r _ sb tb < <(grep '^half' "$T_DIR/slow.out")
expect_eq "a client that sends nothing" 408 "$sa" || cat "$T_DIR/slow.out" >&2
expect_eq "a client that sends half a request" 408 "$sb"
"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$first_done" "${wa:-0}" ||
	fail "the first fetch was answered only after serve's 408 to the silent client: it waited on it"
# The slow-client limit is 2 s: not before, and (with room for a loaded box) not long after.
"$PY" -c 'import sys; t=float(sys.argv[1]); sys.exit(0 if 1.5 <= t <= 10.0 else 1)' "${ta:-0}" ||
	fail "the silent client was answered after ${ta} s (2 s limit)"
# 60 idle connections held open while 20 fetches run in parallel.
"$PY" - "$(ep_port)" 60 > "$T_DIR/idle.out" 2>&1 <<'EOF' &
import socket, sys, time
ss = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(int(sys.argv[2]))]
print("open", len(ss), flush=True)
time.sleep(60)
EOF
idlepid=$!
echo "$idlepid" >> "$PIDS_FILE"
_idle_open() { grep -qs '^open' "$T_DIR/idle.out"; }
wait_until 5 _idle_open || fail "could not open 60 connections: $(cat "$T_DIR/idle.out")"
port=$(ep_port) tok=$(ep_token)
# A serve that waited on each idle connection (2 s each) would need two minutes: every curl
# below would give up after 10 s.
pids=()
for i in $(seq 1 20); do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 -H "Authorization: $tok" "http://127.0.0.1:$port/v1/credentials/CustomerA" > "$T_DIR/par.$i" &
	pids+=("$!")
done
wait "${pids[@]}"
expect_eq "parallel fetches answered 200" 20 "$(cat "$T_DIR"/par.* | grep -cx 200)"
kill "$idlepid" 2>/dev/null
wait "$idlepid" 2>/dev/null
# Gone midway: half a request, then close; serve goes on.
"$PY" -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); s.sendall(b"GET /v1/cre"); s.close()' "$(ep_port)"
http_get /v1/credentials/CustomerA -H "$(tok_hdr)"
expect_http 200
kill -0 "$(srv_pid s)" 2>/dev/null || fail "serve is gone"
srv_stop s
expect_eq "serve's exit status" 0 "$SRV_RC"
pass

# ---------------------------------------------------------------- serve ended, unserved, second serve

t "serve ended (Ctrl-C): exit 0 with its message, nothing listens; credential-process, exec, whoami, the AWS CLI v1/v2, boto3 and the JS SDK in the view fail fast naming awsrole serve"
use_moto
scenario_files
serve_up s 121212 default CustomerA --mfa-session
port=$(ep_port)
dir=$(agent_dir)
view_cp CustomerA
expect_rc 0
srv_stop s
expect_eq "serve's exit status" 0 "$SRV_RC"
srv_tty s | grep -qF "awsrole serve: stopped; credentials already handed out stay valid until they expire" || fail "no stop message"
"$PY" "$PEERS/tcp_probe.py" 127.0.0.1 "$port" 1 >/dev/null 2>&1 && fail "something still listens on 127.0.0.1:$port"
expect_file_exists "$dir/endpoint"
m=$(moto_log_mark)
run_fast awsrole agent -- awsrole credential-process CustomerA
expect_rc 4
expect_err_has "awsrole serve is not running: nothing listens on 127.0.0.1:$port (agent dir $dir)"
expect_err_has "in the human's terminal run: awsrole serve CustomerA"
expect_fix_hint
expect_eq "stdout" "" "$OUT"
run awsrole agent -- awsrole exec CustomerA -- echo ran
expect_rc 4
expect_out_lacks ran
expect_err_has "awsrole serve is not running"
run awsrole agent -- awsrole whoami default
expect_rc 4
expect_err_has "awsrole serve is not running"
expect_err_has "awsrole serve default"
run_fast awsrole agent -- aws sts get-caller-identity --profile CustomerA
expect_rc 255
expect_err_has "awsrole serve is not running"
run awsrole agent -- "$DEB_AWS" sts get-caller-identity --endpoint-url "$MOTO_URL"
expect_rc 255
expect_err_has "awsrole serve is not running"
run awsrole agent -- python3 "$PEERS/boto_whoami.py"
expect_rc 1
expect_err_has "awsrole serve is not running"
if js_ready; then
	# The JS SDK v3 (3.1177) keeps no credential_process stderr: its chain ends with a generic
	# "Could not load credentials from any providers".  What must hold: it fails, and falls back to
	# nothing (no STS call below).
	run_fast awsrole agent -- env AWS_PROFILE=CustomerA node "$JS"
	expect_rc 1
	expect_err_has_any "awsrole serve is not running" "Could not load credentials"
fi
expect_eq "STS calls (none: no client fell back to other credentials)" 0 "$(moto_calls_since "$m")"
pass

t "unserved profile: credential-process, exec and the AWS CLI v1 fail at once (exit 4) naming awsrole serve default X; a profile in no file: exit 3 / ProfileNotFound"
use_moto
scenario_files
serve_up s 131313 default --mfa-session
m=$(moto_log_mark)
run_fast awsrole agent -- awsrole credential-process CustomerA
expect_rc 4
expect_err_has 'profile "CustomerA" is not served by awsrole serve (it serves: default)'
expect_err_has "stop awsrole serve (Ctrl-C) and run: awsrole serve default CustomerA"
expect_fix_hint
run awsrole agent -- awsrole exec CustomerA -- echo ran
expect_rc 4
expect_out_lacks ran
expect_err_has "awsrole serve default CustomerA"
run awsrole agent -- aws sts get-caller-identity --profile CustomerA
expect_rc 255
expect_err_has "awsrole serve default CustomerA"
run awsrole agent -- aws sts get-caller-identity --profile base
expect_rc 255
expect_err_has "awsrole serve default base"
run awsrole agent -- awsrole credential-process Nope
expect_rc 3
# agent-spec: `profile "X" is not in the agent view's config` (exit 3)
expect_err_has 'profile "Nope"'
expect_err_has "the agent view's config"
expect_fix_hint
run awsrole agent -- aws sts get-caller-identity --profile Nope
expect_rc 255
expect_err_has "could not be found"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
srv_stop s
pass

t "a second serve on the same agent dir is refused (pid and port named) before any prompt or STS call; the first keeps serving; another AWSROLE_AGENT_DIR works"
use_moto
scenario_files
serve_up s 141414 CustomerA --mfa-session
port=$(ep_port)
m=$(moto_log_mark)
RUN_TIMEOUT=10 run_pty -- awsrole serve default
expect_rc_in 1 7
expect_err_has "another awsrole serve (pid $(srv_pid s)) is already serving this agent dir on 127.0.0.1:$port"
expect_err_has "AWSROLE_AGENT_DIR"
expect_fix_hint
expect_err_lacks "Enter MFA code"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
view_cp CustomerA
expect_rc 0
expect_eq "the endpoint file is unchanged (port)" "$port" "$(ep_port)"
# A separate agent dir: a separate serve, its own port and token.
other=$T_DIR/other-agent
AWSROLE_AGENT_DIR=$other serve_up o 151515 default --mfa-session
oport=$(AWSROLE_AGENT_DIR=$other ep_port)
[ -n "$oport" ] && [ "$oport" != "$port" ] || fail "AWSROLE_AGENT_DIR: port [$oport] (first serve: $port)"
expect_eq "AWSROLE_AGENT_DIR mode" 700 "$(stat -c %a "$other" 2>/dev/null)"
[ "$(AWSROLE_AGENT_DIR=$other ep_token)" != "$(ep_token)" ] || fail "two agent dirs share one token"
AWSROLE_AGENT_DIR=$other run awsrole agent -- awsrole whoami default
expect_rc 0
expect_out_has "$STS_A"
srv_stop o
srv_stop s
pass

t "restart of serve (Ctrl-C, serve again): same port and token; a running long job picks up the new sessions without being restarted"
use_moto
scenario_files
serve_up s1 161616 default CustomerA --mfa-session
port=$(ep_port) tok=$(ep_token)
bg_view job awsrole exec CustomerA -- python3 "$PEERS/boto_loop.py" --ua t96-loop 0.2 35 --tolerant --stop "$T_DIR/stop"
_job_oks() { [ "$(grep -c '^ok' "$T_DIR/job.out" 2>/dev/null)" -ge 3 ]; }
_job_used() { [ "$(mq "$1" --ua-has t96-loop --akid "$2" --count)" -gt 0 ]; }
wait_until 15 _job_oks ||
	fail "the job did not get going: $(tail -3 "$T_DIR/job.out")"
srv_stop s1
expect_eq "first serve's exit status" 0 "$SRV_RC"
sleep 1 # the gap: the job keeps calling
m=$(moto_log_mark)
serve_up s2 171717 default CustomerA --mfa-session
ready=$(date +%s.%N)
expect_eq "port after the restart" "$port" "$(ep_port)"
expect_eq "token after the restart" "$tok" "$(ep_token)"
new=$(issued_akid "$m" "$ARN_RO")
# The job, same process, now signs with the new serve's session.
[ -n "$new" ] || fail "the restarted serve made no AssumeRole into $ARN_RO"
wait_until 10 _job_used "$m" "$new" ||
	fail "the long job never used the restarted serve's session ($new)"
# Three more calls after the restart (+1 s), however long each takes on a loaded box; then stop.
_job_after() { [ "$(awk -v t="$ready" '$1 == "ok" && $2 > t + 1.0' "$T_DIR/job.out" | wc -l)" -ge 3 ]; }
wait_until 15 _job_after || fail "the job made fewer than 3 calls after the restart: $(tail -5 "$T_DIR/job.out")"
touch "$T_DIR/stop"
expect_eq "job exit status" 0 "$(bg_wait job)"
after=$(awk -v t="$ready" '$2 > t + 1.0' "$T_DIR/job.out")
expect_eq "the job's errors after the restart (+1 s)" 0 "$(grep -c '^err' <<<"$after")" || grep '^err' <<<"$after" | head -3 >&2
srv_stop s2
pass

# ---------------------------------------------------------------- security

t "security: serve writes nothing to ~/.aws/cli/cache and warns about a full session there (awsrole logout P); no secret in serve's argv, environment, terminal or the agent dir"
use_moto
scenario_files
hide_base_keys
run awsrole login CustomerA --mfa-code 191919
expect_rc 0
before=$(cd "$HOME/.aws/cli/cache" && sha256sum -- * | sort)
serve_up s 202020 default CustomerA --mfa-session
srv_wait s "warning: the AWS CLI's cache holds a full session of \"CustomerA\"" 3
srv_wait s "awsrole logout CustomerA" 3
srv_tty s | grep -F "holds a full session of \"default\"" && fail "a warning for default, which has no cache entry"
view_cp CustomerA
s1=$CP_SECRET t1=$CP_TOKEN
view_cp default
s2=$CP_SECRET t2=$CP_TOKEN
[ -n "$s1" ] && [ -n "$s2" ] || fail "no secrets fetched"
pid=$(srv_pid s)
for secret in "$s1" "$t1" "$s2" "$t2" "$BASE_SECRET"; do
	[ -n "$secret" ] || continue
	grep -qF -- "$secret" "$T_DIR/serve.s/tty" && fail "serve's terminal shows a secret (${secret:0:6}...)"
	tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qF -- "$secret" && fail "serve's argv holds a secret"
	tr '\0' '\n' < "/proc/$pid/environ" | grep -qF -- "$secret" && fail "serve's environment holds a secret"
	grep -rqF -- "$secret" "$(agent_dir)" && fail "the agent dir holds a secret (${secret:0:6}...)"
done
grep -qF 202020 "$T_DIR/serve.s/tty" && fail "the typed MFA code was echoed"
after=$(cd "$HOME/.aws/cli/cache" && sha256sum -- * | sort)
expect_eq "~/.aws/cli/cache after serve and fetches" "$before" "$after"
srv_stop s
pass

t "security: the view's environment (awsrole agent -- env; agent --env in sh and fish): what is set, what is unset, what is kept; no token, no container variables; the view's config holds no key"
use_moto
scenario_files
hide_base_keys
for v in $UNSET_VARS; do export "$v=leak-$v"; done
unset AWS_EC2_METADATA_DISABLED
export AWS_CONFIG_FILE=$HOME/.aws/config AWS_SHARED_CREDENTIALS_FILE=$HOME/.aws/credentials BOTO_CONFIG=$HOME/boto.cfg
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1 AWS_REGION=eu-west-3 \
	AWS_DEFAULT_REGION=eu-west-2 AWS_ENDPOINT_URL=https://localhost:1 T96_KEEP=kept
dir=$HOME/.aws/awsrole-agent
check_view_env() { # LABEL (the environment in $OUT)
	local v
	for v in $UNSET_VARS; do
		grep -q "^$v=" <<<"$OUT" && fail "$1: $v is still set in the view"
	done
	grep -q '^AWS_CONTAINER' <<<"$OUT" && fail "$1: a container-provider variable in the view: $(grep '^AWS_CONTAINER' <<<"$OUT")"
	for kv in "AWS_CONFIG_FILE=$dir/config" "AWS_SHARED_CREDENTIALS_FILE=$dir/credentials" BOTO_CONFIG=/dev/null \
		AWS_EC2_METADATA_DISABLED=true "AWSROLE_AGENT_DIR=$dir" "AWSROLE_AGENT_VIEW=${2:-agent}" \
		"AWS_CA_BUNDLE=$MOTO_CA" HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1 \
		AWS_REGION=eu-west-3 AWS_DEFAULT_REGION=eu-west-2 "AWS_ENDPOINT_URL_STS=$MOTO_URL" AWS_ENDPOINT_URL=https://localhost:1 \
		T96_KEEP=kept; do
		grep -qxF -- "$kv" <<<"$OUT" || fail "$1: the view lacks $kv (has: $(grep "^${kv%%=*}=" <<<"$OUT"))"
	done
	local tok
	tok=$(ep_token)
	[ -n "$tok" ] && grep -qF -- "$tok" <<<"$OUT" && fail "$1: the endpoint token is in the view's environment"
	grep -qF -- "$BASE_AKID" <<<"$OUT" && fail "$1: the user's key id is in the view's environment"
	return 0
}
run awsrole agent -- env
expect_rc 0
check_view_env "agent -- env"
run awsrole agent --name ci-bot.1@x -- env
expect_rc 0
check_view_env "agent --name" ci-bot.1@x
run awsrole agent --name "bad name" -- env
expect_rc 2
run awsrole agent --env
expect_rc 0
printf '%s\n' "$OUT" > "$T_DIR/view.sh"
run bash -c '. "$1" && env' _ "$T_DIR/view.sh"
expect_rc 0
check_view_env "eval \"\$(awsrole agent --env)\""
run awsrole agent --env --format fish
expect_rc 0
printf '%s\n' "$OUT" > "$T_DIR/view.fish"
run fish -c 'source $argv[1]; and env' "$T_DIR/view.fish"
expect_rc 0
check_view_env "agent --env --format fish"
# The view's config: every profile of the user's files, credential_process with an absolute
# path in single quotes, settings copied, no credential key.
cfg=$(cat "$dir/config" 2>/dev/null)
view_config_check "$dir"
grep -qE "^credential_process = '/[^']*awsrole' credential-process 'CustomerA'$" <<<"$cfg" ||
	fail "CustomerA's credential_process line: $(grep -A3 'CustomerA\]' <<<"$cfg" | grep credential_process)"
expect_eq "region lines (default and CustomerA: ap-northeast-1)" 2 "$(grep -c '^region = ap-northeast-1$' <<<"$cfg")"
for k in aws_access_key_id aws_secret_access_key role_arn source_profile mfa_serial duration_seconds; do
	grep -q "^$k" <<<"$cfg" && fail "the view's config copies $k"
done
for s in "$BASE_AKID" "$BASE_SECRET"; do grep -qF -- "$s" "$dir/config" "$dir/credentials" && fail "the view's files hold the user's key"; done
pass

t "security: the user's long-term key is out of reach from the view: boto3, the JS SDK and the AWS CLI v1 with keys and AWS_PROFILE=base outside get the served session or an error, never AKIA"
use_moto
scenario_files
hide_base_keys
serve_up s 212121 default CustomerA --mfa-session
export AWS_ACCESS_KEY_ID=$BASE_AKID AWS_SECRET_ACCESS_KEY=$BASE_SECRET AWS_PROFILE=base AWS_DEFAULT_PROFILE=base AWSROLE_PROFILE=base
m=$(moto_log_mark)
run awsrole agent -- python3 "$PEERS/boto_whoami.py"
expect_rc 0
expect_out_has "$STS_A"
expect_out_has " ASIA"
run awsrole agent -- python3 "$PEERS/boto_whoami.py" base
expect_rc 1
expect_err_has "awsrole serve"
run awsrole agent -- python3 "$PEERS/boto_whoami.py" "Access CustomerA"
expect_rc 1
run awsrole agent -- aws sts get-caller-identity
expect_rc 0
expect_out_has "\"Arn\": \"$STS_A"
run awsrole agent -- awsrole credential-process
expect_rc 0
[[ $(json_get "$OUT" AccessKeyId) == ASIA* ]] || fail "credential-process with no profile: $OUT"
run awsrole agent -- awsrole exec base -- echo ran
expect_rc 4
expect_out_lacks ran
if js_ready; then
	run awsrole agent -- node "$JS" --key
	expect_rc 0
	expect_out_has "$STS_A"
	run awsrole agent -- env AWS_PROFILE=base node "$JS" --key
	expect_rc 1
fi
expect_eq "calls signed with the user's key $BASE_AKID from the view" 0 "$(mq "$m" --akid "$BASE_AKID" --count)"
for k in $(mq "$m" --akids); do [[ $k == ASIA* ]] || fail "a call from the view signed with $k"; done
srv_stop s
pass

t "inside the view: login, logout, serve and a nested agent are refused (exit 2) and name the human's terminal"
use_moto
scenario_files
m=$(moto_log_mark)
for cmd in "login CustomerA" "logout CustomerA" "serve CustomerA" "login default CustomerA"; do
	# shellcheck disable=SC2086
	run awsrole agent -- awsrole $cmd
	expect_rc 2 || echo "    (awsrole $cmd)" >&2
	expect_err_has "inside an agent view" || echo "    (awsrole $cmd)" >&2
	expect_err_has "terminal"
done
run awsrole agent -- awsrole agent -- true
expect_rc 2
run awsrole agent -- awsrole agent --env
expect_rc 2
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "agent dir: an existing one with group/other bits is refused by agent and serve (before any prompt); created 0700 otherwise"
use_moto
scenario_files
mkdir -p "$HOME/.aws/awsrole-agent"
chmod 750 "$HOME/.aws/awsrole-agent"
run awsrole agent -- true
expect_rc 7
expect_err_has "$HOME/.aws/awsrole-agent"
expect_err_has "chmod 700"
RUN_TIMEOUT=10 run_pty -- awsrole serve CustomerA
expect_rc 7
expect_err_has "$HOME/.aws/awsrole-agent"
expect_err_lacks "Enter MFA code"
expect_no_file "$HOME/.aws/awsrole-agent/endpoint"
rmdir "$HOME/.aws/awsrole-agent"
(umask 000 && awsrole agent -- true) </dev/null >/dev/null 2>&1 || fail "awsrole agent -- true failed with umask 000"
expect_eq "mode (umask 000)" 700 "$(stat -c %a "$HOME/.aws/awsrole-agent" 2>/dev/null)"
expect_eq "endpoint mode (umask 000)" 600 "$(stat -c %a "$HOME/.aws/awsrole-agent/endpoint" 2>/dev/null)"
pass

t "quoting: awsrole at a path with a space and a quote; profiles \"O'Brien Ltd\" and Team\$A&B: botocore (shlex), the Debian CLI and the JS SDK (/bin/sh) run the view's credential_process"
use_moto
scenario_files
# botocore reads a config profile name with a space or a quote only in double quotes (shlex).
cat >> "$HOME/.aws/config" <<EOF

[profile "O'Brien Ltd"]
region = ap-northeast-1
source_profile = base
role_arn = $ARN_RO
mfa_serial = $MFA_SERIAL
duration_seconds = 900

[profile Team\$A&B]
region = ap-northeast-1
source_profile = base
role_arn = $ARN_RO
mfa_serial = $MFA_SERIAL
duration_seconds = 900
EOF
hide_base_keys
qdir="$T_DIR/my bin/it's"
mkdir -p "$qdir"
cp "$AWSROLE_BIN" "$qdir/awsrole"
serve_bg s --expect "$PROMPT" --send "232323\n" -- "$qdir/awsrole" serve "O'Brien Ltd" 'Team$A&B' CustomerA --mfa-session
srv_wait s "ready: O'Brien Ltd " 15
srv_wait s 'ready: Team$A&B ' 5
dir=$HOME/.aws/awsrole-agent
grep -qF "'$T_DIR/my bin/it'" "$dir/config" 2>/dev/null ||
	fail "the view's config does not name the copied binary: $(grep credential_process "$dir/config" 2>/dev/null | head -3)"
view_config_check "$dir"
run "$qdir/awsrole" agent -- aws sts get-caller-identity --profile "O'Brien Ltd"
expect_rc 0
expect_out_has "$STS_RO"
run "$qdir/awsrole" agent -- aws sts get-caller-identity --profile 'Team$A&B'
expect_rc 0
expect_out_has "$STS_RO"
run "$qdir/awsrole" agent -- env "AWS_PROFILE=O'Brien Ltd" python3 "$PEERS/boto_whoami.py"
expect_rc 0
expect_out_has "$STS_RO"
run "$qdir/awsrole" agent -- "$DEB_AWS" sts get-caller-identity --profile "O'Brien Ltd" --endpoint-url "$MOTO_URL"
expect_rc 0
expect_out_has "$STS_RO"
if js_ready; then
	# The JS SDK's ini parser takes only profile names of [A-Za-z0-9_-@+.%:/] (3.1177), so it
	# reads neither name above; what it tests here is the path's quoting, with /bin/sh.
	run "$qdir/awsrole" agent -- env AWS_PROFILE=CustomerA node "$JS"
	expect_rc 0
	expect_out_has "$STS_RO"
fi
srv_stop s
pass
