# t_80_faults.sh — fault injection against awsrole's STS client (sections 6-8, 10 of awsrole.c):
# `awsrole login P --mfa-code CODE` for a role profile with an MFA device and static source keys,
# against tests/peers/fake_sts.py (scripted per request) or a stalled listener.  awsrole never
# talks to moto here.
#
# For every fault: the exit status and a message that names the cause; no credentials on stdout;
# the cache directory unchanged (the old entry byte for byte, no new file but lock files); and the
# MFA code not sent again once STS has rejected the call (fake_sts log: requests with TokenCode).
#
# The four stalled-endpoint cases (connect timeout, TLS never answered, HTTP never answered,
# 1 byte/s slow loris) take ~10-33 s each: they start in the background in the first case and
# are collected at the end, so the file takes about as long as the slowest of them.

F_AKID=AKIAFAULTSEXAMPLE001
F_SECRET=faultsSecretKeyEXAMPLE0123456789abcdefgh
F_CODE=480713
# botocore's key: sha1(json.dumps({DurationSeconds, RoleArn, SerialNumber}, sort_keys=True)),
# the example of FACTS.md (checked against `awsrole list --json` in the first case).
F_KEY=eb73dc24d3b02afb39b999e638a3365a630afca9
F_OLD_AKID=ASIAOLDCACHEDENTRY01
F_LIMIT=45 # seconds: the bound for one login against a stalled endpoint

# f_files [HOME] — the role profile P and its source keys.
f_files() { mfa_role_files "${1:-$HOME}" "$F_AKID" "$F_SECRET"; }

# f_seed [HOME] — a valid "old" session in the cache (2 h left), as the CLI would have written it.
f_seed() {
	local d=${1:-$HOME}/.aws/cli/cache
	mkdir -p "$d"
	chmod 700 "$d" "$(dirname "$d")"
	"$PY" - "$d/$F_KEY.json" "$F_OLD_AKID" <<-'EOF'
	import datetime, json, os, sys
	exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
	body = {"Credentials": {"AccessKeyId": sys.argv[2], "SecretAccessKey": "oldCachedSecretEXAMPLE",
	        "SessionToken": "oldCachedTokenEXAMPLE", "Expiration": exp},
	        "AssumedRoleUser": {"AssumedRoleId": "AROAOLD:old", "Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/old"}}
	fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	os.write(fd, json.dumps(body).encode())
	os.close(fd)
	EOF
}

# f_snap [HOME] — every file of the cache directory but lock files, with its SHA-256.
f_snap() {
	local d=${1:-$HOME}/.aws/cli/cache f
	[ -d "$d" ] || { echo "(no cache directory)"; return; }
	for f in "$d"/* "$d"/.[!.]*; do
		[ -e "$f" ] || continue
		case $f in *.lock) continue ;; esac
		printf '%s %s\n' "$(basename "$f")" "$(sha256sum < "$f" | cut -c1-16)"
	done
}

# f_case — fresh files, the old session in the cache, a fake STS; SNAP = the cache before.
f_case() {
	f_files
	f_seed
	export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
	start_fake_sts || return 1
	export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
	SNAP=$(f_snap)
}

# f_script_body STATUS BODY [EXTRA_JSON] — one scripted response with a literal body.
f_script_body() {
	fake_sts_script "$("$PY" -c '
import json, sys
r = {"status": int(sys.argv[1]), "body": sys.argv[2]}
r.update(json.loads(sys.argv[3]))
print(json.dumps([r]))' "$1" "$2" "${3:-{\}}")"
}

f_login() { run awsrole login P --mfa-code "$F_CODE"; }

f_requests() { fake_sts_count; }
f_code_sent() { log_count "$FAKE_STS_LOG" event=request "params.TokenCode=$F_CODE"; }

# f_no_creds_out — nothing that looks like credentials on stdout.
f_no_creds_out() {
	expect_out_lacks AccessKeyId
	expect_out_lacks ASIA
	expect_out_lacks fakeStsSecretAccessKeyEXAMPLE
	expect_out_lacks SessionToken
}

f_cache_unchanged() { # [SNAP_BEFORE [HOME]]
	local before=${1:-$SNAP} now
	now=$(f_snap "${2:-$HOME}")
	[ "$now" = "$before" ] && return 0
	fail "the cache directory changed (lock files aside)"
	_show before "$before"
	_show after "$now"
	return 1
}

# f_failed RC MSG... — the common checks of a failure: status, message(s), stdout, cache.
f_failed() {
	local rc=$1 m
	shift
	expect_rc "$rc"
	for m in "$@"; do expect_err_has "$m"; done
	f_no_creds_out
	f_cache_unchanged
}

# f_once — the call was made exactly once: STS rejected it, the MFA code is not sent again.
f_once() {
	expect_eq "requests" 1 "$(f_requests)"
	expect_eq "requests carrying TokenCode=$F_CODE" 1 "$(f_code_sent)"
}

# ---------------------------------------------------------------- stalled endpoints (background)

# f_listener MODE -> LISTEN_PORT: a loopback TCP listener that stalls every client.
#   backlog: listen(0) and its accept queue filled, so a new SYN is never answered (connect hangs)
#   silent:  accepts and holds every connection, never sends a byte (TLS handshake hangs)
f_listener() {
	local pf=$T_DIR/listener.$1.$RANDOM.port pid i
	"$PY" - "$1" "$pf" <<-'EOF' >> "$T_DIR/listener.out" 2>&1 &
	import os, socket, sys, threading, time
	mode, pf = sys.argv[1], sys.argv[2]
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	port = s.getsockname()[1]
	held = []
	if mode == "backlog":
	    s.listen(0)
	    for _ in range(4):  # fill the accept queue; later SYNs are dropped
	        c = socket.socket()
	        c.setblocking(False)
	        try:
	            c.connect(("127.0.0.1", port))
	        except BlockingIOError:
	            pass
	        held.append(c)
	    time.sleep(0.3)
	else:
	    s.listen(16)
	    def take():
	        while True:
	            held.append(s.accept()[0])
	    threading.Thread(target=take, daemon=True).start()
	open(pf + ".tmp", "w").write(str(port))
	os.replace(pf + ".tmp", pf)
	time.sleep(600)
	EOF
	pid=$!
	T_PIDS+=("$pid")
	echo "$pid" >> "$PIDS_FILE"
	for i in $(seq 1 100); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	[ -s "$pf" ] || { fail "the $1 listener did not start: $(tail -3 "$T_DIR/listener.out")"; return 1; }
	LISTEN_PORT=$(cat "$pf")
}

BG_DIR=
declare -A BG_PID=() BG_URL=() BG_LOG=()

# f_bg NAME URL [FAKE_STS_LOG] — `awsrole login P` against URL in the background, in its own HOME.
f_bg() {
	local name=$1 d=$BG_DIR/$1
	mkdir -p "$d/home"
	f_files "$d/home"
	f_seed "$d/home"
	f_snap "$d/home" > "$d/snap"
	BG_URL[$name]=$2
	BG_LOG[$name]=${3:-}
	(
		export HOME=$d/home AWS_ENDPOINT_URL_STS=$2 AWS_CA_BUNDLE=$PKI_DIR/ca.pem
		s=$(date +%s%N)
		setsid -w timeout -k 5 80 awsrole login P --mfa-code "$F_CODE" >"$d/out" 2>"$d/err" </dev/null
		echo $? > "$d/rc"
		e=$(date +%s%N)
		echo $(((e - s) / 1000000)) > "$d/ms"
	) &
	BG_PID[$name]=$!
}

# f_bg_collect NAME — wait for it; sets OUT ERR RC MS and checks the common things.
f_bg_collect() {
	local name=$1 d=$BG_DIR/$1
	if [ -z "${BG_PID[$name]:-}" ]; then
		fail "background login $name was never started"
		return 1
	fi
	wait "${BG_PID[$name]}" 2>/dev/null
	OUT=$(cat "$d/out") ERR=$(cat "$d/err") RC=$(cat "$d/rc") MS=$(cat "$d/ms")
	RUN_CMD="(background) HOME=$d/home AWS_ENDPOINT_URL_STS=${BG_URL[$name]} awsrole login P --mfa-code $F_CODE"
	printf '$ %s\n[rc=%s, %s ms]\n--- stdout\n%s\n--- stderr\n%s\n' "$RUN_CMD" "$RC" "$MS" "$OUT" "$ERR" >> "$T_DIR/transcript"
	echo "# measured: $name: awsrole login gave up after $MS ms (rc $RC)"
	expect_rc 6
	f_no_creds_out
	f_cache_unchanged "$(cat "$d/snap")" "$d/home"
	expect_err_has "${BG_URL[$name]}"
	expect_err_has "gave up after 3 attempts"
	expect_fix_hint
	if [ "$MS" -ge $((F_LIMIT * 1000)) ]; then
		fail "login against a stalled endpoint took $MS ms (bound: $F_LIMIT s)"
	fi
}

t "stalled endpoints: four logins start in the background (collected at the end of the file)"
BG_DIR=$T_DIR/bg
mkdir -p "$BG_DIR"
f_files
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
# the cache key this file assumes is awsrole's
run awsrole list --json
expect_eq "CacheKey of P" "$F_KEY" "$(json_get "$OUT" 0.CacheKey)"
f_listener backlog && f_bg connect-timeout "https://localhost:$LISTEN_PORT"
f_listener silent && f_bg tls-silent "https://localhost:$LISTEN_PORT"
start_fake_sts && fake_sts_script '[{"status": 200, "body_file": "assume_role.xml", "delay_before": 120}]' &&
	f_bg read-timeout "$FAKE_STS_URL" "$FAKE_STS_LOG"
start_fake_sts && fake_sts_script '[{"status": 200, "body_file": "assume_role.xml", "drip": 1, "drip_headers": true}]' &&
	f_bg slow-loris "$FAKE_STS_URL" "$FAKE_STS_LOG"
expect_eq "background logins started" 4 "${#BG_PID[@]}"
pass

# ---------------------------------------------------------------- STS answers

t "faults: HTTP 500 then 200 — retried once, the session is cached (exactly 2 requests)"
f_case
fake_sts_script '[{"status": 500, "body_file": "error_internal.xml"}, {"status": 200, "body_file": "assume_role.xml"}]'
f_login
expect_rc 0
expect_out_has "Logged in"
f_no_creds_out
expect_eq "requests" 2 "$(f_requests)"
expect_eq "requests carrying TokenCode=$F_CODE (the 500 did not consume it)" 2 "$(f_code_sent)"
expect_eq "cache: the new session replaced the old" ASIAFAKESTSEXAMPLE01 \
	"$(json_get "$(cat "$HOME/.aws/cli/cache/$F_KEY.json")" Credentials.AccessKeyId)"
pass

t "faults: HTTP 503 three times — 3 requests, then rc 5 'gave up after 3 attempts'"
f_case
fake_sts_reply 503 error_service_unavailable.xml
f_login
f_failed 5 ServiceUnavailable "HTTP 503" "gave up after 3 attempts"
expect_err_golden t_80_faults.sts-503-gave-up
expect_fix_hint
expect_eq "requests" 3 "$(f_requests)"
pass

t "faults: Throttling three times — 3 requests, then rc 5 'gave up after 3 attempts'"
f_case
fake_sts_reply 400 error_throttling.xml
f_login
f_failed 5 Throttling "gave up after 3 attempts"
expect_fix_hint
expect_eq "requests" 3 "$(f_requests)"
pass

t "faults: AccessDenied — one request only, the MFA code is not sent again"
f_case
fake_sts_reply 403 error_access_denied.xml
f_login
f_failed 5 AccessDenied "HTTP 403"
expect_err_golden t_80_faults.sts-access-denied
expect_err_lacks "gave up"
expect_fix_hint
expect_err_has "trust policy"
f_once
pass

t "faults: AccessDenied for the MFA code — one request, the fix is about the code"
f_case
fake_sts_reply 403 error_access_denied_mfa.xml
f_login
f_failed 5 AccessDenied MultiFactorAuthentication
expect_fix_hint
expect_err_has "MFA code"
f_once
pass

t "faults: a 502 with an HTML body (a proxy) — retried, rc 5 'not an STS error'"
f_case
fake_sts_script '[{"status": 502, "body_file": "not_xml.html", "headers": {"Content-Type": "text/html"}}]'
f_login
f_failed 5 "HTTP 502" "not an STS error" "gave up after 3 attempts"
expect_fix_hint
expect_eq "requests" 3 "$(f_requests)"
pass

t "faults: a 200 with an HTML page (captive portal) — rc 5, names the endpoint, with a fix"
f_case
fake_sts_script '[{"status": 200, "body_file": "not_xml.html", "headers": {"Content-Type": "text/html"}}]'
f_login
f_failed 5
expect_err_has_any "XML" "HTML" "not an STS"
expect_err_has "$FAKE_STS_URL"
expect_err_golden t_80_faults.not-sts-response
expect_fix_hint
f_once
pass

t "faults: a 200 with truncated XML (complete transfer) — rc 5 'malformed XML', not retried"
f_case
fake_sts_reply 200 malformed.xml
f_login
f_failed 5 "malformed XML" "truncated"
f_once
pass

t "faults: a 200 cut off mid-body (Content-Length longer than the data) — rc 6 naming the URL"
f_case
fake_sts_script '[{"status": 200, "body_file": "assume_role.xml", "truncate_after": 120}]'
f_login
f_failed 6 "$FAKE_STS_URL"
expect_fix_hint
pass

t "faults: a 10 MB body (with and without Content-Length) — capped, limit named, memory stays small"
f_case
# maxrss CMD... — run CMD (no terminal); sets RSS_KB (its peak resident set) and RC; stderr passes.
maxrss() {
	local r
	r=$("$PY" -c '
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60, start_new_session=True)
sys.stderr.buffer.write(p.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)' "$@")
	RSS_KB=${r% *}
	RC=${r#* }
}
fake_sts_reply 200 assume_role.xml
maxrss awsrole login P --mfa-code "$F_CODE" 2>"$T_DIR/err0"
base_rss=$RSS_KB
expect_eq "baseline: a normal login succeeds" 0 "$RC"
f_seed
SNAP=$(f_snap)
for variant in "" ', "omit_content_length": true'; do
	fake_sts_script "[{\"status\": 200, \"body_repeat\": {\"text\": \"<a>\", \"count\": 3495254}$variant}]"
	: > "$FAKE_STS_LOG"
	maxrss awsrole login P --mfa-code "$F_CODE" 2>"$T_DIR/err"
	ERR=$(cat "$T_DIR/err") OUT="" RUN_CMD="awsrole login P --mfa-code $F_CODE (10 MB body$variant)"
	echo "# measured: 10 MB body${variant:+ without Content-Length}: peak RSS $RSS_KB KiB (a normal login: $base_rss KiB)"
	expect_rc_in 5 6
	expect_err_has "262144"
	expect_err_has "limit"
	expect_err_has "$FAKE_STS_URL"
	f_cache_unchanged
	expect_eq "requests (a too-large answer is not retried)" 1 "$(f_requests)"
	if [ "$RSS_KB" -gt $((base_rss + 4096)) ]; then
		fail "peak RSS $RSS_KB KiB against $base_rss KiB for a normal login: the body was buffered"
	fi
done
pass

t "faults: an answer without SessionToken — rc 5 naming the field, nothing cached"
f_case
fake_sts_reply 200 assume_role_missing_token.xml
f_login
f_failed 5 "lacks" "SessionToken"
f_once
pass

t "faults: an answer with a DOCTYPE and an ENTITY — refused, rc 5"
f_case
f_script_body 200 '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY k "ASIAENTITYEXPANDED01">]><AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>&k;</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>{{EXPIRATION}}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>'
f_login
f_failed 5 "malformed XML" "DOCTYPE"
expect_err_lacks ASIAENTITYEXPANDED01
f_once
pass

t "faults: an answer with CDATA — refused, rc 5"
f_case
f_script_body 200 '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId><![CDATA[ASIACDATA0000000001]]></AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>{{EXPIRATION}}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>'
f_login
f_failed 5 "malformed XML" "CDATA"
f_once
pass

t "faults: Expiration in the past — not handed out, not cached, rc 5"
f_case
fake_sts_script '[{"status": 200, "body_file": "assume_role.xml", "expiration_offset": -60}]'
f_login
f_failed 5 "expired"
expect_fix_hint
f_once
run awsrole credential-process P
expect_rc 0
expect_eq "credential-process still hands out the old session" "$F_OLD_AKID" "$(json_get "$OUT" AccessKeyId)"
pass

t "faults: a 200 with a newline in AccessKeyId and Expiration 9999-12-31 — refused, not cached"
f_case
f_script_body 200 '<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/RoleA/s</Arn><AssumedRoleId>AROAX:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIA&#10;export EVIL=1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>9999-12-31T23:59:59Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>'
f_login
expect_rc 5
expect_err_has_any AccessKeyId Expiration
f_cache_unchanged
f_once
pass

# ---------------------------------------------------------------- network

t "faults: connection refused — rc 6 naming the endpoint URL, quickly"
f_case
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export AWS_ENDPOINT_URL_STS=https://localhost:$port
s=$(date +%s%N)
f_login
ms=$((($(date +%s%N) - s) / 1000000))
echo "# measured: connection refused: $ms ms"
f_failed 6 "https://localhost:$port" "connect"
expect_err_golden t_80_faults.connection-refused
expect_fix_hint
[ "$ms" -lt 15000 ] || fail "connection refused took $ms ms"
pass

t "faults: DNS failure (https://nonexistent.invalid) — rc 6 naming the host"
f_case
export AWS_ENDPOINT_URL_STS=https://nonexistent.invalid
s=$(date +%s%N)
f_login
ms=$((($(date +%s%N) - s) / 1000000))
echo "# measured: DNS failure: $ms ms"
f_failed 6 "nonexistent.invalid" "resolve"
expect_fix_hint
[ "$ms" -lt $((F_LIMIT * 1000)) ] || fail "the DNS failure took $ms ms"
pass

# ---------------------------------------------------------------- TLS

t "faults TLS: expired, wrong host name, self-signed, TLS 1.0 only — rc 6, each its own message"
f_files
f_seed
SNAP=$(f_snap)
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
declare -A tls_msg=()
for c in expired wrong self tls10; do
	if [ "$c" = tls10 ]; then start_fake_sts --tls-version 1.0; else start_fake_sts --cert "$c"; fi
	export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
	f_login
	f_failed 6 "$FAKE_STS_URL"
	expect_fix_hint
	case $c in
	expired) expect_err_has "expired" && expect_err_golden t_80_faults.tls-expired ;;
	wrong) expect_err_has "host name" && expect_err_golden t_80_faults.tls-wrong ;;
	self) expect_err_has_any "self-signed" "not signed by a trusted" && expect_err_golden t_80_faults.tls-self ;;
	tls10) expect_err_has "TLS 1.2" && expect_err_golden t_80_faults.tls-tls10 ;;
	esac
	expect_eq "$c: requests the server answered" 0 "$(fake_sts_count)"
	expect_eq "$c: TLS handshakes (not retried)" 1 "$(log_count "$FAKE_STS_LOG" 'event!=probe')"
	tls_msg[$c]=$(head -1 <<<"$ERR" | sed "s|$FAKE_STS_URL|URL|")
	stop_peer "$FAKE_STS_PID"
done
expect_eq "distinct messages" 4 "$(printf '%s\n' "${tls_msg[@]}" | sort -u | wc -l)"
pass

# ---------------------------------------------------------------- stalled endpoints (collect)

t "stalled: connect timeout (full accept queue) — bounded, rc 6, says it could not connect"
f_bg_collect connect-timeout
expect_err_has_any "connect" "handshake" "3000 ms"
expect_err_golden t_80_faults.connect-timeout
pass

t "stalled: TLS handshake never answered (accepts, sends nothing) — bounded, rc 6"
f_bg_collect tls-silent
expect_err_has_any "connect" "handshake" "3000 ms"
pass

t "stalled: HTTP answer never comes (TLS done) — bounded, rc 6, 3 requests"
f_bg_collect read-timeout
expect_err_has_any "did not answer" "timed out" "timeout"
expect_eq "requests" 3 "$(log_count "${BG_LOG[read-timeout]}" event=request)"
pass

t "stalled: slow loris (1 byte/s, headers too) — bounded by the total timeout, rc 6"
f_bg_collect slow-loris
expect_err_has_any "did not answer" "timed out" "timeout"
expect_eq "requests" 3 "$(log_count "${BG_LOG[slow-loris]}" event=request)"
pass
