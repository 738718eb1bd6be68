# t_00_harness.sh — the test harness checks itself, with boto3 and the AWS CLI v1 as clients.
# None of this needs the awsrole binary.

t "harness: fresh HOME under tests/tmp, no AWS_* but the IMDS guard"
case $HOME in "$ROOT"/tests/tmp/*) ;; *) fail "HOME is $HOME" ;; esac
expect_eq "files in HOME" "" "$(ls -A "$HOME")"
expect_eq "AWS_* variables" "AWS_EC2_METADATA_DISABLED" "$(compgen -e | grep '^AWS_' | tr '\n' ' ' | sed 's/ $//')"
[ -n "${PY:-}" ] && [ -x "$PY" ] || fail "PY is not set"
pass

t "harness: lib.sh pass/fail/skip bookkeeping (nested run)"
mini=$T_DIR/t_mini.sh
cat > "$mini" <<'EOF'
t "a passing case"
run sh -c 'echo hello; echo oops >&2; exit 3'
expect_rc 3
expect_out_has hello
expect_err_has OOPS
expect_err_lacks "nothing like this"
pass
t "a failing case"
run true
expect_rc 1
pass
t "an unfinished case"
run true
t "a skipped case"
skip "no reason"
EOF
for ci in "" true; do
	res=$T_DIR/res.$ci
	: > "$res"
	(CI=$ci RESULTS=$res T_FILE=mini bash -c '. "$ROOT/tests/lib.sh"; . "$1"' _ "$mini") > "$T_DIR/mini.out" 2>&1
	got=$(cut -f1,3 "$res" | tr '\t\n' ':,')
	if [ "$ci" = true ]; then
		want="pass:a passing case,fail:a failing case,pass:an unfinished case,fail:a skipped case,"
	else
		want="pass:a passing case,fail:a failing case,pass:an unfinished case,skip:a skipped case,"
	fi
	expect_eq "results with CI=$ci" "$want" "$got"
done
grep -q "SKIP: mini: a skipped case" "$T_DIR/mini.out" || fail "skip did not print SKIP loudly: $(cat "$T_DIR/mini.out")"
grep -q "exit status: expected 1, got 0" "$T_DIR/mini.out" || fail "expect_rc did not print expected vs actual"
pass

t "harness: expect_err_golden normalises what varies, reports one changed word with a diff"
gdir=$T_DIR/golden
mkdir -p "$gdir"
printf '%s\n' 'awsrole: $HOME/.aws/config:3: localhost:<PORT> said no at <TIME> (request id <REQUEST-ID>) as botocore-session-<N>' \
	'  fix: run it' > "$gdir/g.match.err"
mini=$T_DIR/t_golden_mini.sh
cat > "$mini" <<'MINI'
say() { # WORD PORT: the message, with this case's HOME, the time now, a fresh session name
	run sh -c 'printf "%s\n" "awsrole: $1/.aws/config:3: localhost:$2 said $3 at $4 (request id $5) as botocore-session-$6" "  fix: run it" >&2; exit 3' \
		_ "$HOME" "$2" "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(cat /proc/sys/kernel/random/uuid)" "$RANDOM$RANDOM"
}
t "the same message, another HOME, port, time, request id and session name"
say no 40001
expect_err_golden g.match
pass
t "one word changed"
say yes 40002
expect_err_golden g.match
pass
t "no golden file"
run sh -c 'echo "awsrole: x" >&2; exit 1'
expect_err_golden g.missing
pass
t "a fresh message"
run sh -c 'echo "awsrole: new on 127.0.0.1:4321" >&2; exit 2'
expect_err_golden g.new
pass
t "a case that failed already"
run sh -c 'echo "sh: awsrole: not found" >&2; exit 127'
expect_rc 3
expect_err_golden g.broken
pass
MINI
golden_mini() { # CI GOLDEN_UPDATE -> $T_DIR/gm.out; prints the results as "pass:NAME,..."
	: > "$T_DIR/gm.res"
	(CI=$1 GOLDEN_UPDATE=$2 GOLDEN_DIR=$gdir RESULTS=$T_DIR/gm.res T_FILE=golden-mini \
		bash -c '. "$ROOT/tests/lib.sh"; . "$1"' _ "$mini") > "$T_DIR/gm.out" 2>&1
	cut -f1,3 "$T_DIR/gm.res" | tr '\t\n' ':,'
}
c1="the same message, another HOME, port, time, request id and session name"
for ci in "" true; do
	expect_eq "results (CI=$ci)" "pass:$c1,fail:one word changed,fail:no golden file,fail:a fresh message,fail:a case that failed already," "$(golden_mini "$ci" "")"
	grep -qxF -- '    -awsrole: $HOME/.aws/config:3: localhost:<PORT> said no at <TIME> (request id <REQUEST-ID>) as botocore-session-<N>' "$T_DIR/gm.out" &&
		grep -qxF -- '    +awsrole: $HOME/.aws/config:3: localhost:<PORT> said yes at <TIME> (request id <REQUEST-ID>) as botocore-session-<N>' "$T_DIR/gm.out" ||
		fail "no unified diff of the changed word (CI=$ci): $(cat "$T_DIR/gm.out")"
	grep -q "golden file .*g.missing.err is missing" "$T_DIR/gm.out" || fail "a missing golden file was not reported (CI=$ci)"
	expect_no_file "$gdir/g.missing.err"
done
# Under CI=true, GOLDEN_UPDATE makes every golden check fail, a matching one too.
expect_eq "results (CI=true GOLDEN_UPDATE=1)" "fail:$c1,fail:one word changed,fail:no golden file,fail:a fresh message,fail:a case that failed already," "$(golden_mini true 1)"
grep -q "GOLDEN_UPDATE is refused when CI=true" "$T_DIR/gm.out" || fail "GOLDEN_UPDATE under CI=true was not refused: $(cat "$T_DIR/gm.out")"
expect_no_file "$gdir/g.new.err"
expect_eq "results (GOLDEN_UPDATE=1)" "pass:$c1,pass:one word changed,pass:no golden file,pass:a fresh message,fail:a case that failed already," "$(golden_mini "" 1)"
expect_no_file "$gdir/g.broken.err"
grep -q "golden: wrote .*g.new.err" "$T_DIR/gm.out" || fail "GOLDEN_UPDATE did not say it wrote g.new.err: $(cat "$T_DIR/gm.out")"
grep -q "golden: refreshed .*g.match.err" "$T_DIR/gm.out" || fail "GOLDEN_UPDATE did not say it refreshed g.match.err"
expect_eq "g.new.err" 'awsrole: new on 127.0.0.1:<PORT>' "$(cat "$gdir/g.new.err" 2>/dev/null)"
expect_eq "g.match.err, refreshed" 'awsrole: $HOME/.aws/config:3: localhost:<PORT> said yes at <TIME> (request id <REQUEST-ID>) as botocore-session-<N>' "$(head -1 "$gdir/g.match.err")"
pass

t "harness: every tests/golden/*.err is named in the test file it is named after (none stale)"
n_golden=0
for g in "$ROOT"/tests/golden/*.err; do
	[ -e "$g" ] || continue
	n_golden=$((n_golden + 1))
	n=$(basename "$g" .err)
	grep -qwF -- "$n" "$ROOT/tests/${n%%.*}.sh" 2>/dev/null ||
		fail "tests/golden/$n.err: tests/${n%%.*}.sh does not name it (a renamed or removed case? remove the file)"
	[ -z "$(tail -c1 "$g")" ] || fail "tests/golden/$n.err does not end with a newline"
done
[ "$n_golden" -gt 0 ] || fail "no golden files in tests/golden"
pass

t "harness: commands run without a terminal and time out"
run sh -c 'if (exec 3</dev/tty) 2>/dev/null; then echo has-tty; else echo no-tty; fi'
expect_out_has no-tty
RUN_TIMEOUT=1 run sleep 5
expect_rc 124
pass

t "harness: run_pty gives a terminal and answers a prompt"
run_pty --expect "example.user: " --send "123456\n" -- "$PY" -c '
import getpass, sys
c = getpass.getpass("Enter MFA code for arn:aws:iam::333333333333:mfa/example.user: ")
print("got", c)'
expect_rc 0
expect_out_eq "got 123456"
expect_err_has "Enter MFA code for arn:aws:iam::333333333333:mfa/example.user:"
pass

t "pki: certificates verify (or not) as intended"
cd "$PKI_DIR" || fail "no PKI_DIR"
for c in localhost wrong ip aws; do
	openssl verify -CAfile ca.pem $c.pem >/dev/null 2>&1 || fail "$c.pem does not verify against ca.pem"
done
openssl verify -CAfile ca.pem expired.pem >/dev/null 2>&1 && fail "expired.pem verifies"
openssl verify -CAfile ca.pem self.pem >/dev/null 2>&1 && fail "self.pem verifies against ca.pem"
openssl verify -CAfile ca.pem other.pem >/dev/null 2>&1 && fail "other.pem verifies against ca.pem"
openssl verify -CAfile other-ca.pem other.pem >/dev/null 2>&1 || fail "other.pem does not verify against other-ca.pem"
openssl x509 -in localhost.pem -noout -ext subjectAltName | grep -q "DNS:localhost" || fail "localhost.pem lacks DNS:localhost"
openssl x509 -in wrong.pem -noout -ext subjectAltName | grep -q "DNS:wrong.example" || fail "wrong.pem SAN"
s1=$(stat -c %Y ca.pem)
bash "$PEERS/pki.sh" "$PKI_DIR" || fail "pki.sh re-run failed"
expect_eq "ca.pem kept on re-run" "$s1" "$(stat -c %Y ca.pem)"
pass

t "moto: the AWS CLI v1 reaches moto over TLS with the test CA"
use_moto || true
use_base_keys
export AWS_DEFAULT_REGION=ap-northeast-1
m=$(moto_log_mark)
run aws sts get-caller-identity
expect_rc 0
expect_out_has '"Arn": "arn:aws:iam::333333333333:user/example.user"'
expect_out_has '"Account": "333333333333"'
expect_eq "GetCallerIdentity calls" 1 "$(moto_calls_since "$m" GetCallerIdentity)"
expect_eq "credential scope region" ap-northeast-1 "$(moto_field scope_region "$m")"
expect_eq "credential scope service" sts "$(moto_field scope_service "$m")"
expect_eq "security token flag" false "$(moto_field security_token "$m")"
expect_eq "status" 200 "$(moto_field status "$m")"
pass

t "moto: a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId"
use_moto || true
export AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=$BASE_AKID AWS_SECRET_ACCESS_KEY=${BASE_SECRET}x
m=$(moto_log_mark)
run aws sts get-caller-identity
expect_rc 255
expect_err_has SignatureDoesNotMatch
expect_eq "logged error" SignatureDoesNotMatch "$(moto_field error_code "$m")"
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
run aws sts get-caller-identity
expect_rc 255
expect_err_has InvalidClientTokenId
pass

t "moto: without the test CA the client refuses the certificate"
export AWS_ENDPOINT_URL_STS=$MOTO_URL AWS_DEFAULT_REGION=us-east-1
use_base_keys
run aws sts get-caller-identity
expect_rc 255
expect_err_has "certificate verify failed"
pass

t "moto: AssumeRole with MFA into 111111111111, then the session's identity"
use_moto || true
m=$(moto_log_mark)
moto_assume_role arn:aws:iam::111111111111:role/RoleA 900
expect_eq "assumed role ARN" "arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-test" "$ROLE_ARN_OUT"
expect_eq "AssumeRole DurationSeconds" 900 "$(moto_field params.DurationSeconds "$m" AssumeRole)"
expect_eq "AssumeRole SerialNumber" "$BASE_MFA_SERIAL" "$(moto_field params.SerialNumber "$m" AssumeRole)"
expect_eq "AssumeRole TokenCode" 123456 "$(moto_field params.TokenCode "$m" AssumeRole)"
export AWS_ACCESS_KEY_ID=$ROLE_AKID AWS_SECRET_ACCESS_KEY=$ROLE_SECRET AWS_SESSION_TOKEN=$ROLE_TOKEN AWS_DEFAULT_REGION=us-east-1
m=$(moto_log_mark)
run aws sts get-caller-identity
expect_rc 0
expect_out_has '"Account": "111111111111"'
expect_out_has "arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-test"
expect_eq "security token flag" true "$(moto_field security_token "$m")"
case ";$(moto_field signed_headers "$m");" in *";x-amz-security-token;"*) ;; *) fail "x-amz-security-token not signed";; esac
export AWS_SESSION_TOKEN=garbage
run aws sts get-caller-identity
expect_rc 255
expect_err_has InvalidClientTokenId
pass

t "moto: trust policies of base-account roles (AccessDenied, ExternalId)"
need_moto
"$PY" - > "$T_DIR/trust.out" 2>&1 <<'EOF'
import os, boto3, botocore
s = boto3.session.Session(aws_access_key_id=os.environ["BASE_AKID"], aws_secret_access_key=os.environ["BASE_SECRET"], region_name="us-east-1")
c = s.client("sts", endpoint_url=os.environ["MOTO_URL"], verify=os.environ["MOTO_CA"])
def code(**kw):
    try:
        c.assume_role(RoleSessionName="trust-test", **kw)
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
b = "arn:aws:iam::333333333333:role/"
print(code(RoleArn=b + "RoleBase"), code(RoleArn=b + "RoleNoTrust"),
      code(RoleArn=b + "RoleExternal", ExternalId="wrong-id"), code(RoleArn=b + "RoleExternal", ExternalId="ext-12345"))
EOF
expect_eq "RoleBase RoleNoTrust RoleExternal(wrong) RoleExternal(right)" "ok AccessDenied AccessDenied ok" "$(cat "$T_DIR/trust.out")"
pass

t "moto: AssumeRoleWithWebIdentity is unsigned and works"
need_moto
m=$(moto_log_mark)
"$PY" - > "$T_DIR/web.out" 2>&1 <<'EOF'
import os, boto3
from botocore import UNSIGNED
from botocore.config import Config
s = boto3.session.Session(region_name="us-east-1")
c = s.client("sts", endpoint_url=os.environ["MOTO_URL"], verify=os.environ["MOTO_CA"], config=Config(signature_version=UNSIGNED))
r = c.assume_role_with_web_identity(RoleArn="arn:aws:iam::111111111111:role/RoleA", RoleSessionName="web-test", WebIdentityToken="eyJhbGciOi.fake.token", DurationSeconds=900)
k = r["Credentials"]
s2 = boto3.session.Session(aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"], aws_session_token=k["SessionToken"], region_name="us-east-1")
print(s2.client("sts", endpoint_url=os.environ["MOTO_URL"], verify=os.environ["MOTO_CA"]).get_caller_identity()["Arn"])
EOF
expect_eq "identity" "arn:aws:sts::111111111111:assumed-role/RoleA/web-test" "$(cat "$T_DIR/web.out")"
expect_eq "logged as unsigned" true "$(moto_field unsigned_public "$m" AssumeRoleWithWebIdentity)"
expect_eq "no Authorization" "" "$(moto_field akid "$m" AssumeRoleWithWebIdentity)"
pass

t "moto: AWS CLI v1 assume-role profile asks for MFA and writes the CLI cache"
use_moto || true
scenario_files
export AWS_DEFAULT_REGION=ap-northeast-1
m=$(moto_log_mark)
run_pty --expect "Enter MFA code for arn:aws:iam::333333333333:mfa/example.user: " --send "123456\n" -- aws sts get-caller-identity --profile default
expect_rc 0
expect_out_has "arn:aws:sts::111111111111:assumed-role/RoleA/botocore-session-"
expect_file_exists "$HOME/.aws/cli/cache/eb73dc24d3b02afb39b999e638a3365a630afca9.json"
expect_eq "cache file mode" 600 "$(stat -c %a "$HOME/.aws/cli/cache/eb73dc24d3b02afb39b999e638a3365a630afca9.json" 2>/dev/null)"
expect_eq "AssumeRole DurationSeconds" 900 "$(moto_field params.DurationSeconds "$m" AssumeRole)"
pass

t "fake_sts: scripted responses in order, the last repeats, substitutions, request log"
start_fake_sts
fake_sts_script '[{"status": 400, "body_file": "error_throttling.xml"},
  {"status": 200, "body_file": "assume_role.xml", "expiration_offset": 1200}]'
post() { curl -sS --cacert "$PKI_DIR/ca.pem" -o "$T_DIR/body" -w '%{http_code}' -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/eu-west-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc' --data "$1" "$FAKE_STS_URL/"; }
req='Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FRoleReadOnly&RoleSessionName=sess-1&DurationSeconds=900'
expect_eq "1st status" 400 "$(post "$req")"
grep -q "<Code>Throttling</Code>" "$T_DIR/body" || fail "1st body: $(cat "$T_DIR/body")"
expect_eq "2nd status" 200 "$(post "$req")"
grep -q "<Arn>arn:aws:sts::222222222222:assumed-role/RoleReadOnly/sess-1</Arn>" "$T_DIR/body" || fail "2nd body: $(cat "$T_DIR/body")"
exp=$(sed -n 's:.*<Expiration>\(.*\)</Expiration>.*:\1:p' "$T_DIR/body")
left=$(( $(date -d "$exp" +%s) - $(date +%s) ))
[ "$left" -ge 1190 ] && [ "$left" -le 1200 ] || fail "Expiration $exp is $left s away, expected 1200"
expect_eq "3rd status (last repeats)" 200 "$(post "$req")"
expect_eq "requests logged" 3 "$(fake_sts_count)"
expect_eq "logged RoleSessionName" sess-1 "$(fake_sts_field params.RoleSessionName)"
expect_eq "logged scope region" eu-west-1 "$(fake_sts_field scope_region)"
expect_eq "logged SNI" localhost "$(fake_sts_field sni)"
expect_eq "logged host" "localhost:$FAKE_STS_PORT" "$(fake_sts_field host)"
fake_sts_reply 403 error_access_denied_mfa.xml
expect_eq "new script starts over" 403 "$(post "$req")"
grep -q "MultiFactorAuthentication failed with invalid MFA one time pass code." "$T_DIR/body" || fail "MFA body"
pass

t "fake_sts: Date override, big body, delay, drip, truncation, closed connection"
start_fake_sts
fake_sts_script '[{"body_file": "get_caller_identity.xml", "date_offset": -7200}]'
d=$(curl -sS --cacert "$PKI_DIR/ca.pem" -D - -o /dev/null -d x "$FAKE_STS_URL/" | tr -d '\r' | sed -n 's/^Date: //p')
skew=$(( $(date +%s) - $(date -d "$d" +%s) ))
[ "$skew" -ge 7195 ] && [ "$skew" -le 7205 ] || fail "Date header $d is $skew s behind, expected 7200"
fake_sts_script '[{"body_repeat": 10485760}]'
expect_eq "10 MB body" 10485760 "$(curl -sS --cacert "$PKI_DIR/ca.pem" -o /dev/null -w '%{size_download}' -d x "$FAKE_STS_URL/")"
fake_sts_script '[{"body": "hello", "delay_before": 1}]'
RUN_TIMEOUT=10 run curl -sS --cacert "$PKI_DIR/ca.pem" -m 0.5 -d x "$FAKE_STS_URL/"
expect_rc 28
fake_sts_script '[{"body": "slow!", "drip": 0.3}]'
s0=$(date +%s%N)
run curl -sS --cacert "$PKI_DIR/ca.pem" -d x "$FAKE_STS_URL/"
el=$(( ($(date +%s%N) - s0) / 1000000 ))
expect_out_eq "slow!"
[ "$el" -ge 1150 ] || fail "drip took only $el ms"  # 4 gaps of 0.3 s between 5 bytes
fake_sts_script '[{"body_file": "assume_role.xml", "truncate_after": 40}]'
run curl -sS --cacert "$PKI_DIR/ca.pem" -d x "$FAKE_STS_URL/"
expect_rc 18
fake_sts_script '[{"close_without_response": true}]'
run curl -sS --cacert "$PKI_DIR/ca.pem" -d x "$FAKE_STS_URL/"
expect_rc 52
pass

t "fake_sts: bad certificates are refused by a verifying client and logged as TLS errors"
for c in wrong expired self other; do
	start_fake_sts --cert $c
	run curl -sS --cacert "$PKI_DIR/ca.pem" -d x "$FAKE_STS_URL/"
	expect_rc_in 35 51 60
	expect_eq "$c: requests" 0 "$(fake_sts_count)"
	expect_eq "$c: refused connections" 1 "$(log_count "$FAKE_STS_LOG" event!=request event!=probe)"
done
start_fake_sts --cert localhost
run curl -sS -d x "$FAKE_STS_URL/"
expect_rc 60
pass

t "fake_sts: a TLS 1.0-only server; plain HTTP mode"
start_fake_sts --tls-version 1.0
run "$PY" -c '
import ssl, socket, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
try:
    ctx.wrap_socket(socket.create_connection(("localhost", int(sys.argv[1]))), server_hostname="localhost")
    print("connected")
except ssl.SSLError as e:
    print("refused", e.reason)' "$FAKE_STS_PORT" "$PKI_DIR/ca.pem"
expect_out_has refused
run openssl s_client -connect "localhost:$FAKE_STS_PORT" -tls1 -cipher 'DEFAULT:@SECLEVEL=0' -CAfile "$PKI_DIR/ca.pem"
expect_out_has "Protocol  : TLSv1"
start_fake_sts --plain
run curl -sS -d Action=GetCallerIdentity "$FAKE_STS_URL/"
expect_rc 0
expect_out_has "<Account>333333333333</Account>"
pass

t "fake_imds: IMDSv2 token required; botocore takes credentials from it"
start_fake_imds --akid "$BASE_AKID" --secret "$BASE_SECRET" --token "" --role test-role
base=$FAKE_IMDS_URL/latest
run curl -sS -o /dev/null -w '%{http_code}' "$base/meta-data/iam/security-credentials/"
expect_out_eq 401
run curl -sS -o /dev/null -w '%{http_code}' -X PUT "$base/api/token"
expect_out_eq 400
tok=$(curl -sS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$base/api/token")
run curl -sS -H "X-aws-ec2-metadata-token: $tok" "$base/meta-data/iam/security-credentials/"
expect_out_eq test-role
run curl -sS -H "X-aws-ec2-metadata-token: $tok" "$base/meta-data/iam/security-credentials/test-role"
expect_out_has '"Code": "Success"'
expect_out_has "\"AccessKeyId\": \"$BASE_AKID\""
run curl -sS -o /dev/null -w '%{http_code}' -H "X-aws-ec2-metadata-token: nope" "$base/meta-data/iam/security-credentials/test-role"
expect_out_eq 401
# botocore as the reference client, then moto accepts the keys it got.
unset AWS_EC2_METADATA_DISABLED
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_URL/ AWS_DEFAULT_REGION=us-east-1
use_moto || true
moto_assume_role arn:aws:iam::111111111111:role/RoleA 900
printf '{"AccessKeyId": "%s", "SecretAccessKey": "%s", "Token": "%s"}' "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" > "$T_DIR/imds-creds.json"
stop_peer "$FAKE_IMDS_PID"
start_fake_imds --creds-file "$T_DIR/imds-creds.json"
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_URL/
run aws sts get-caller-identity
expect_rc 0
expect_out_has "arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-test"
expect_eq "token PUTs" 1 "$(log_count "$FAKE_IMDS_LOG" method=PUT status=200)"
pass

t "fake_ecs: Authorization checked; botocore takes credentials from it"
use_moto || true
moto_assume_role arn:aws:iam::111111111111:role/RoleA 900
start_fake_ecs --path /v2/creds --auth-token "Bearer s3cr3t" --akid "$ROLE_AKID" --secret "$ROLE_SECRET" --token "$ROLE_TOKEN"
run curl -sS -o /dev/null -w '%{http_code}' "$FAKE_ECS_URL/v2/creds"
expect_out_eq 401
run curl -sS -H "Authorization: Bearer s3cr3t" "$FAKE_ECS_URL/v2/creds"
expect_out_has "\"AccessKeyId\": \"$ROLE_AKID\""
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_ECS_URL/v2/creds AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer s3cr3t" AWS_DEFAULT_REGION=us-east-1
run aws sts get-caller-identity
expect_rc 0
expect_out_has "arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-test"
pass

t "fake_proxy: the default endpoint sts.REGION.amazonaws.com reached through a CONNECT proxy"
start_fake_sts --cert aws
start_fake_proxy --target-port "$FAKE_STS_PORT"
use_base_keys
export HTTPS_PROXY=$FAKE_PROXY_URL AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_DEFAULT_REGION=ap-northeast-1
run aws sts get-caller-identity
expect_rc 0
expect_out_has '"Arn": "arn:aws:iam::333333333333:user/example.user"'
expect_eq "CONNECT target" "sts.ap-northeast-1.amazonaws.com:443" "$(log_field "$FAKE_PROXY_LOG" target)"
expect_eq "SNI" "sts.ap-northeast-1.amazonaws.com" "$(fake_sts_field sni)"
expect_eq "Host" "sts.ap-northeast-1.amazonaws.com" "$(fake_sts_field host)"
expect_eq "scope region" ap-northeast-1 "$(fake_sts_field scope_region)"
stop_peer "$FAKE_PROXY_PID"
start_fake_proxy --refuse 403
export HTTPS_PROXY=$FAKE_PROXY_URL
run aws sts get-caller-identity --region eu-west-1
expect_rc 255
expect_eq "refused CONNECT target" "sts.eu-west-1.amazonaws.com:443" "$(log_field "$FAKE_PROXY_LOG" target)"
pass
