# t_97_scope_peer.sh — issue 12: the test peers and oracles themselves, before awsrole uses them.
#
#   - GetScopedCredentials on moto (tests/peers/scoped_sts.py inside moto_logged.py): called with
#     botocore (tests/peers/scoped_client.py: botocore's serializer, SigV4 signer and parser, the
#     operation added from the JS SDK's schema by tests/peers/scoped_model.py).  The caller must be
#     a session moto issued; the answer has the awsQuery shape and credentials moto then accepts;
#     the log maps the caller's key to the issued one; the errors and the 3-layer limit;
#     the Host header (regional through fake_proxy; the global endpoint refused).
#   - fake_sts.py's GetScopedCredentials answers (tests/peers/sts_xml/get_scoped_credentials*.xml
#     and the error files) parse with botocore as the modeled shapes and exceptions.
#   - tests/cache_key.py's scope options and tests/form_diff.py's list handling (the oracles of
#     t_97_scope.sh) can tell right from wrong.
# No awsrole here: these cases pass or fail on the peers alone.

RUN_TIMEOUT=20
P_POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
P_ROLE=arn:aws:iam::111111111111:role/RoleA

# p_human [DURATION] — a session of RoleA on moto (the "human's"), its keys in the environment.
p_human() {
	moto_assume_role "$P_ROLE" "${1:-900}" || return 1
	export AWS_ACCESS_KEY_ID=$ROLE_AKID AWS_SECRET_ACCESS_KEY=$ROLE_SECRET AWS_SESSION_TOKEN=$ROLE_TOKEN
}

# p_use_out — the credentials of the last successful scoped_call in the environment.
p_use_out() {
	AWS_ACCESS_KEY_ID=$(json_get "$OUT" response.Credentials.AccessKeyId)
	AWS_SECRET_ACCESS_KEY=$(json_get "$OUT" response.Credentials.SecretAccessKey)
	AWS_SESSION_TOKEN=$(json_get "$OUT" response.Credentials.SessionToken)
	export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}

# p_whoami — GetCallerIdentity on moto by the AWS CLI v1 with the environment's keys -> OUT RC.
p_whoami() {
	run aws sts get-caller-identity --endpoint-url "$MOTO_URL" --ca-bundle "$MOTO_CA" --region us-east-1 --output json
}

# p_xml_paths XML — every element path of the answer (namespace dropped), sorted, one a line.
p_xml_paths() {
	"$PY" -c '
import sys, xml.etree.ElementTree as ET
def walk(e, p):
    t = e.tag.split("}")[-1]
    p = p + "/" + t if p else t
    kids = list(e)
    if not kids:
        print(p)
    for k in kids:
        walk(k, p)
walk(ET.fromstring(sys.argv[1]), "")' "$1" | sort
}

# p_error CODE STATUS — the last scoped_call failed with that awsQuery code and HTTP status.
p_error() {
	expect_rc 1
	expect_eq "error code" "$1" "$(json_get "$OUT" code)"
	expect_eq "HTTP status" "$2" "$(json_get "$OUT" status)"
	case $(json_get "$OUT" raw) in
	*"<ErrorResponse"*"<Code>$1</Code>"*"<RequestId>"*) ;;
	*) fail "not an awsQuery ErrorResponse with Code $1: $(json_get "$OUT" raw)" ;;
	esac
}

# ================================================================ moto: success

t "peer (moto): GetScopedCredentials with a Policy — logged fields, awsQuery answer, moto accepts the keys, caller -> issued in the log"
use_moto
p_human
human=$ROLE_AKID
m=$(moto_log_mark)
scoped_call --policy "$P_POLICY" --description "agent one" --duration 600
expect_rc 0
agent=$(json_get "$OUT" response.Credentials.AccessKeyId)
case $agent in ASIA*) ;; *) fail "issued AccessKeyId [$agent]" ;; esac
[ "$agent" != "$human" ] || fail "the peer handed back the caller's own key"
expect_eq "SessionInfo.Arn (the caller's)" "$ROLE_ARN_OUT" "$(json_get "$OUT" response.SessionInfo.Arn)"
case $(json_get "$OUT" response.SessionInfo.ScopedSessionId) in
AROA*:awsrole-test) ;;
*) fail "ScopedSessionId: $(json_get "$OUT" response.SessionInfo.ScopedSessionId)" ;;
esac
expect_eq "ScopedPoliciesCount" 1 "$(json_get "$OUT" response.ScopedPoliciesCount)"
expect_eq "the answer's element paths" "$(printf '%s\n' \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/Credentials/AccessKeyId \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/Credentials/Expiration \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/Credentials/SecretAccessKey \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/Credentials/SessionToken \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/ScopedPoliciesCount \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/SessionInfo/Arn \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/SessionInfo/ScopedSessionId \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/SessionTokenSize \
	GetScopedCredentialsResponse/GetScopedCredentialsResult/SessionTokenUtilization \
	GetScopedCredentialsResponse/ResponseMetadata/RequestId | sort)" "$(p_xml_paths "$(json_get "$OUT" raw)")"
# the log: the request as sent, and the mapping
expect_eq "calls logged" 1 "$(moto_calls_since "$m" GetScopedCredentials)"
expect_eq "method" POST "$(moto_field method "$m" GetScopedCredentials)"
expect_eq "Version" 2011-06-15 "$(moto_field params.Version "$m" GetScopedCredentials)"
expect_eq "Policy" "$P_POLICY" "$(moto_field params.Policy "$m" GetScopedCredentials)"
expect_eq "DurationSeconds" 600 "$(moto_field params.DurationSeconds "$m" GetScopedCredentials)"
expect_eq "ScopedSessionDescription" "agent one" "$(moto_field params.ScopedSessionDescription "$m" GetScopedCredentials)"
expect_eq "MinimumSessionTokenSize (not sent)" "" "$(moto_field params.MinimumSessionTokenSize "$m" GetScopedCredentials)"
expect_eq "Host" "localhost:$MOTO_PORT" "$(moto_field host "$m" GetScopedCredentials)"
expect_eq "SigV4 service" sts "$(moto_field scope_service "$m" GetScopedCredentials)"
expect_eq "SigV4 region" ap-northeast-1 "$(moto_field scope_region "$m" GetScopedCredentials)"
expect_eq "signed with the session token" true "$(moto_field security_token "$m" GetScopedCredentials)"
expect_eq "scoped.caller_akid" "$human" "$(moto_field scoped.caller_akid "$m" GetScopedCredentials)"
expect_eq "scoped.issued_akid" "$agent" "$(moto_field scoped.issued_akid "$m" GetScopedCredentials)"
expect_eq "scoped.root_akid" "$human" "$(moto_field scoped.root_akid "$m" GetScopedCredentials)"
expect_eq "scoped.caller_kind" assumed-role "$(moto_field scoped.caller_kind "$m" GetScopedCredentials)"
expect_eq "scoped.layers" 1 "$(moto_field scoped.layers "$m" GetScopedCredentials)"
expect_eq "issued by exactly one scoped call" 1 \
	"$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --where action=GetScopedCredentials --where "scoped.issued_akid=$agent" --count)"
expect_eq "the human's key was never issued by a scoped call" 0 \
	"$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --where action=GetScopedCredentials --where "scoped.issued_akid=$human" --count)"
# moto accepts the new keys: same identity as the caller
p_use_out
m=$(moto_log_mark)
p_whoami
expect_rc 0
expect_eq "GetCallerIdentity Arn with the scoped keys" "$ROLE_ARN_OUT" "$(json_get "$OUT" Arn)"
expect_eq "signed with the scoped key" "$agent" "$(moto_field akid "$m" GetCallerIdentity)"
expect_eq "moto's status" 200 "$(moto_field status "$m" GetCallerIdentity)"
pass

t "peer (moto): DurationSeconds only — no policy layer (ScopedPoliciesCount 0), Expiration = now + DurationSeconds"
use_moto
p_human
m=$(moto_log_mark)
scoped_call --duration 300
expect_rc 0
expect_eq "ScopedPoliciesCount" 0 "$(json_get "$OUT" response.ScopedPoliciesCount)"
expect_eq "Policy (not sent)" "" "$(moto_field params.Policy "$m" GetScopedCredentials)"
exp=$(json_get "$OUT" response.Credentials.Expiration)
d=$(($(date -u -d "$exp" +%s) - $(date -u +%s)))
[ "$d" -ge 290 ] && [ "$d" -le 301 ] || fail "Expiration $exp is $d s away, expected ~300"
[ "$(date -u -d "$exp" +%s)" -le "$(date -u -d "$ROLE_EXPIRATION" +%s)" ] || fail "Expiration $exp is after the caller's $ROLE_EXPIRATION"
p_use_out
p_whoami
expect_rc 0
expect_eq "Arn" "$ROLE_ARN_OUT" "$(json_get "$OUT" Arn)"
pass

t "peer (moto): Policy without DurationSeconds inherits the caller's Expiration"
use_moto
p_human
scoped_call --policy "$P_POLICY"
expect_rc 0
expect_eq "Expiration = the caller's" "$ROLE_EXPIRATION" "$(json_get "$OUT" response.Credentials.Expiration)"
pass

t "peer (moto): MinimumSessionTokenSize 2000 — a token of at least 2000 bytes, SessionTokenSize says so, and moto accepts it; 4097 is a ValidationError"
use_moto
p_human
scoped_call --policy "$P_POLICY" --min-token-size 2000
expect_rc 0
tok=$(json_get "$OUT" response.Credentials.SessionToken)
[ "${#tok}" -ge 2000 ] || fail "token is ${#tok} bytes"
expect_eq "SessionTokenSize" "${#tok}" "$(json_get "$OUT" response.SessionTokenSize)"
expect_eq "MinimumSessionTokenSize as logged" 2000 "$(moto_field params.MinimumSessionTokenSize 0 GetScopedCredentials)"
saved=$OUT
scoped_call --policy "$P_POLICY" --min-token-size 4097
p_error ValidationError 400
OUT=$saved
p_use_out
p_whoami
expect_rc 0
pass

# ================================================================ moto: errors

t "peer (moto): InsufficientSessionLifetime (400) for DurationSeconds beyond the caller's remaining life; just under it passes"
use_moto
p_human 900
scoped_call --policy "$P_POLICY" --duration 901
p_error InsufficientSessionLifetime 400
expect_eq "botocore's modeled exception (scoped_model.py)" InsufficientSessionLifetimeException "$(json_get "$OUT" exception)"
expect_eq "no key issued" "" "$(moto_field scoped.issued_akid 0 GetScopedCredentials)"
scoped_call --policy "$P_POLICY" --duration 880
expect_rc 0
scoped_call --duration 129601
p_error ValidationError 400
scoped_call --duration 0
p_error ValidationError 400
pass

t "peer (moto): MalformedPolicyDocument (400) for a Policy that is not JSON or has no Statement; 2049 characters is a ValidationError, 2048 passes"
use_moto
p_human
scoped_call --policy '{"Version":"2012-10-17","Statement":['
p_error MalformedPolicyDocument 400
scoped_call --policy '{"Version":"2012-10-17"}'
p_error MalformedPolicyDocument 400
# a valid policy of exactly 2048 characters, then 2049
pad() { "$PY" -c '
import json, sys
n = int(sys.argv[1])
base = {"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
s = json.dumps(base, separators=(",", ":"))
base["Statement"][0]["Sid"] = "A" * (n - len(s))
s = json.dumps(base, separators=(",", ":"))
assert len(s) == n, len(s)
print(s)' "$1"; }
p2048=$(pad 2048)
expect_eq "test policy length" 2048 "${#p2048}"
scoped_call --policy "$p2048"
expect_rc 0
expect_eq "Policy as logged" "$p2048" "$(moto_field params.Policy 0 GetScopedCredentials)"
scoped_call --policy "$(pad 2049)"
p_error ValidationError 400
case $(json_get "$OUT" message) in *2048*) ;; *) fail "message does not name 2048: $(json_get "$OUT" message)" ;; esac
pass

t "peer (moto): neither Policy nor DurationSeconds is a ValidationError"
use_moto
p_human
scoped_call --description "nothing to narrow"
p_error ValidationError 400
pass

t "peer (moto): the caller must be a session moto issued — IAM user keys: InvalidSubjectCredentials; unknown key, wrong token: InvalidClientTokenId; wrong secret: SignatureDoesNotMatch"
use_moto
export AWS_ACCESS_KEY_ID=$BASE_AKID AWS_SECRET_ACCESS_KEY=$BASE_SECRET
unset AWS_SESSION_TOKEN
m=$(moto_log_mark)
scoped_call --policy "$P_POLICY"
p_error InvalidSubjectCredentials 400
expect_eq "caller_kind" iam-user "$(moto_field scoped.caller_kind "$m" GetScopedCredentials)"
p_human
AWS_SESSION_TOKEN=${ROLE_TOKEN}x scoped_call --policy "$P_POLICY"
p_error InvalidClientTokenId 403
AWS_SECRET_ACCESS_KEY=${ROLE_SECRET}x scoped_call --policy "$P_POLICY"
p_error SignatureDoesNotMatch 403
AWS_ACCESS_KEY_ID=ASIAUNKNOWNKEY000001 scoped_call --policy "$P_POLICY"
p_error InvalidClientTokenId 403
expect_eq "keys issued by these calls" 0 "$("$PY" "$PEERS/logq.py" "$MOTO_LOG" --since "$m" \
	--where action=GetScopedCredentials --where 'scoped.issued_akid?' --count)"
pass

t "peer (moto): three scope-down layers, each from the last; a 4th Policy is denied (AccessDenied 403), a 4th call with only DurationSeconds is not; root_akid stays the human's"
use_moto
p_human
human=$ROLE_AKID
m=$(moto_log_mark)
for n in 1 2 3; do
	scoped_call --policy "$P_POLICY" --description "layer $n"
	expect_rc 0 || break
	expect_eq "ScopedPoliciesCount after call $n" "$n" "$(json_get "$OUT" response.ScopedPoliciesCount)"
	expect_eq "layers logged for call $n" "$n" "$(moto_field scoped.layers "$m" GetScopedCredentials)"
	expect_eq "caller_layers logged for call $n" "$((n - 1))" "$(moto_field scoped.caller_layers "$m" GetScopedCredentials)"
	expect_eq "root_akid for call $n" "$human" "$(moto_field scoped.root_akid "$m" GetScopedCredentials)"
	p_use_out
done
third=$AWS_ACCESS_KEY_ID
scoped_call --policy "$P_POLICY" --description "layer 4"
p_error AccessDenied 403
case $(json_get "$OUT" message) in *3*) ;; *) fail "the denial does not name the limit 3: $(json_get "$OUT" message)" ;; esac
expect_eq "the 4th call's caller" "$third" "$(moto_field scoped.caller_akid "$m" GetScopedCredentials)"
scoped_call --duration 300 --description "duration only"
expect_rc 0
expect_eq "ScopedPoliciesCount unchanged" 3 "$(json_get "$OUT" response.ScopedPoliciesCount)"
# the human's own session can still be narrowed (its count is 0)
export AWS_ACCESS_KEY_ID=$ROLE_AKID AWS_SECRET_ACCESS_KEY=$ROLE_SECRET AWS_SESSION_TOKEN=$ROLE_TOKEN
scoped_call --policy "$P_POLICY"
expect_rc 0
expect_eq "from the root again" 1 "$(json_get "$OUT" response.ScopedPoliciesCount)"
pass

t "peer (moto): scripted errors — PackedPolicyTooLarge, InvalidSubjectCredentials, InsufficientSessionLifetime, MalformedPolicyDocument once each (rule on the caller's key), then success"
use_moto
p_human
for e in PackedPolicyTooLarge InvalidSubjectCredentials InsufficientSessionLifetime MalformedPolicyDocument; do
	moto_scoped_script "{\"rules\": [{\"when\": {\"akid\": \"$ROLE_AKID\"}, \"error\": \"$e\", \"times\": 1}]}"
	scoped_call --policy "$P_POLICY"
	p_error "$e" 400
	[ -n "$(json_get "$OUT" message)" ] || fail "$e: no message"
	expect_eq "$e: the rule that fired" 0 "$(moto_field scoped.rule 0 GetScopedCredentials)"
	scoped_call --policy "$P_POLICY"
	expect_rc 0 || echo "    (after the scripted $e)" >&2
done
moto_scoped_script "{\"rules\": [{\"when\": {\"akid\": \"$ROLE_AKID\"}, \"error\": \"PackedPolicyTooLarge\", \"times\": 1}]}"
scoped_call --policy "$P_POLICY"
case $(json_get "$OUT" message) in
*bytes*) ;;
*) fail "PackedPolicyTooLarge's default message gives no sizes: $(json_get "$OUT" message)" ;;
esac
# a rule for another key does not fire
moto_scoped_script '{"rules": [{"when": {"akid": "ASIANOTTHISCASE00001"}, "error": "PackedPolicyTooLarge"}]}'
scoped_call --policy "$P_POLICY"
expect_rc 0
moto_scoped_script '{}'
pass

t "peer (moto): SourceIdentity set on AssumeRole (moto ignores it) is carried into the scoped answer and the log; none without it"
use_moto
out=$("$PY" - <<-'EOF'
	import os, boto3
	s = boto3.session.Session(aws_access_key_id=os.environ["BASE_AKID"], aws_secret_access_key=os.environ["BASE_SECRET"], region_name="us-east-1")
	c = s.client("sts", endpoint_url=os.environ["MOTO_URL"], verify=os.environ["MOTO_CA"])
	k = c.assume_role(RoleArn="arn:aws:iam::111111111111:role/RoleA", RoleSessionName="with-si", SourceIdentity="alice@example.com",
	                  DurationSeconds=900)["Credentials"]
	print(k["AccessKeyId"], k["SecretAccessKey"], k["SessionToken"])
	EOF
) || fail "AssumeRole with SourceIdentity failed"
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$out"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
scoped_call --policy "$P_POLICY"
expect_rc 0
expect_eq "SourceIdentity in the answer" alice@example.com "$(json_get "$OUT" response.SourceIdentity)"
expect_eq "SourceIdentity in the log" alice@example.com "$(moto_field scoped.source_identity 0 GetScopedCredentials)"
p_use_out
scoped_call --duration 300
expect_rc 0
expect_eq "carried one layer further" alice@example.com "$(json_get "$OUT" response.SourceIdentity)"
p_human
scoped_call --policy "$P_POLICY"
expect_rc 0
expect_eq "no SourceIdentity without one" "" "$(json_get "$OUT" response.SourceIdentity)"
case $(json_get "$OUT" raw) in *SourceIdentity*) fail "the answer has a SourceIdentity element" ;; esac
pass

t "peer (moto): a GetSessionToken session (moto_logged.py's, the IAM user's) can be narrowed too; the scoped keys are still the IAM user's"
use_moto
out=$("$PY" - <<-'EOF'
	import os, boto3
	s = boto3.session.Session(aws_access_key_id=os.environ["BASE_AKID"], aws_secret_access_key=os.environ["BASE_SECRET"], region_name="us-east-1")
	c = s.client("sts", endpoint_url=os.environ["MOTO_URL"], verify=os.environ["MOTO_CA"])
	k = c.get_session_token(DurationSeconds=900)["Credentials"]
	print(k["AccessKeyId"], k["SecretAccessKey"], k["SessionToken"])
	EOF
) || fail "GetSessionToken failed"
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$out"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
m=$(moto_log_mark)
scoped_call --policy "$P_POLICY"
expect_rc 0
expect_eq "SessionInfo.Arn" "$BASE_USER_ARN" "$(json_get "$OUT" response.SessionInfo.Arn)"
expect_eq "caller_kind" session-token "$(moto_field scoped.caller_kind "$m" GetScopedCredentials)"
p_use_out
p_whoami
expect_rc 0
expect_eq "GetCallerIdentity with the scoped keys" "$BASE_USER_ARN" "$(json_get "$OUT" Arn)"
pass

t "peer (moto): the Host header — sts.ap-northeast-1.amazonaws.com through fake_proxy is answered; the global sts.amazonaws.com is refused"
use_moto
p_human
start_fake_proxy --target-port "$MOTO_PORT"
m=$(moto_log_mark)
HTTPS_PROXY=$FAKE_PROXY_URL run "$PY" "$PEERS/scoped_client.py" --region ap-northeast-1 --ca "$PKI_DIR/ca.pem" --policy "$P_POLICY"
expect_rc 0
expect_eq "CONNECT target" sts.ap-northeast-1.amazonaws.com:443 "$(log_field "$FAKE_PROXY_LOG" target)"
expect_eq "Host logged by moto" sts.ap-northeast-1.amazonaws.com "$(moto_field host "$m" GetScopedCredentials)"
expect_eq "scope region" ap-northeast-1 "$(moto_field scope_region "$m" GetScopedCredentials)"
HTTPS_PROXY=$FAKE_PROXY_URL run "$PY" "$PEERS/scoped_client.py" --region us-east-1 --endpoint-url https://sts.amazonaws.com \
	--ca "$PKI_DIR/ca.pem" --policy "$P_POLICY"
p_error InvalidAction 400
case $(json_get "$OUT" message) in *global*) ;; *) fail "the refusal does not say global: $(json_get "$OUT" message)" ;; esac
expect_eq "Host of the refused call" sts.amazonaws.com "$(moto_field host "$m" GetScopedCredentials)"
pass

t "peer (moto): a script rule can drop or change members of a successful answer (botocore still parses it)"
use_moto
p_human
moto_scoped_script "{\"rules\": [{\"when\": {\"akid\": \"$ROLE_AKID\"}, \"omit\": [\"SessionTokenUtilization\", \"SessionTokenSize\"], \"set\": {\"ScopedPoliciesCount\": 2}}]}"
scoped_call --policy "$P_POLICY"
expect_rc 0
expect_eq "ScopedPoliciesCount (set)" 2 "$(json_get "$OUT" response.ScopedPoliciesCount)"
case $(json_get "$OUT" raw) in *SessionTokenSize*|*SessionTokenUtilization*) fail "omitted members are in the answer" ;; esac
moto_scoped_script '{}'
pass

# ================================================================ fake_sts

t "peer (fake_sts): the GetScopedCredentials answers in sts_xml/ parse with botocore (success, SourceIdentity, the four errors, the layer denial), and the request is logged"
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
fake_sts_script '[
 {"by_action": {"GetScopedCredentials": {"body_file": "get_scoped_credentials.xml"}}},
 {"by_action": {"GetScopedCredentials": {"body_file": "get_scoped_credentials_source_identity.xml"}}},
 {"by_action": {"GetScopedCredentials": {"status": 400, "body_file": "error_insufficient_session_lifetime.xml"}}},
 {"by_action": {"GetScopedCredentials": {"status": 400, "body_file": "error_malformed_policy.xml"}}},
 {"by_action": {"GetScopedCredentials": {"status": 400, "body_file": "error_packed_policy_too_large.xml"}}},
 {"by_action": {"GetScopedCredentials": {"status": 400, "body_file": "error_invalid_subject_credentials.xml"}}},
 {"by_action": {"GetScopedCredentials": {"status": 403, "body_file": "error_scope_layers.xml"}}}
]'
export AWS_ACCESS_KEY_ID=ASIAFAKECALLER000001 AWS_SECRET_ACCESS_KEY=fakeCallerSecret AWS_SESSION_TOKEN=fakeCallerToken
fsc() { run "$PY" "$PEERS/scoped_client.py" --region eu-west-1 --endpoint-url "$FAKE_STS_URL" --ca "$PKI_DIR/ca.pem" "$@"; }
fsc --policy "$P_POLICY" --description "agent two" --min-token-size 100
expect_rc 0
expect_eq "AccessKeyId" ASIAFAKESCOPEDEXAMP1 "$(json_get "$OUT" response.Credentials.AccessKeyId)"
expect_eq "SessionInfo.Arn" arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-session "$(json_get "$OUT" response.SessionInfo.Arn)"
expect_eq "ScopedPoliciesCount" 1 "$(json_get "$OUT" response.ScopedPoliciesCount)"
expect_eq "SourceIdentity (none)" "" "$(json_get "$OUT" response.SourceIdentity)"
expect_eq "logged Policy" "$P_POLICY" "$(fake_sts_field params.Policy)"
expect_eq "logged ScopedSessionDescription" "agent two" "$(fake_sts_field params.ScopedSessionDescription)"
expect_eq "logged MinimumSessionTokenSize" 100 "$(fake_sts_field params.MinimumSessionTokenSize)"
expect_eq "logged Host" "localhost:$FAKE_STS_PORT" "$(fake_sts_field host)"
expect_eq "logged scope region" eu-west-1 "$(fake_sts_field scope_region)"
"$PY" "$ROOT/tests/form_diff.py" body "$FAKE_STS_LOG" --action GetScopedCredentials > "$T_DIR/body"
run "$PY" "$ROOT/tests/form_diff.py" serializer "$(cat "$T_DIR/body")"
expect_rc 0
fsc --duration 900
expect_rc 0
expect_eq "SourceIdentity" alice "$(json_get "$OUT" response.SourceIdentity)"
for e in "InsufficientSessionLifetime 400" "MalformedPolicyDocument 400" "PackedPolicyTooLarge 400" \
	"InvalidSubjectCredentials 400" "AccessDenied 403"; do
	fsc --policy "$P_POLICY"
	# shellcheck disable=SC2086
	p_error $e
done
expect_eq "requests" 7 "$(fake_sts_count)"
pass

# ================================================================ the oracles

t "oracle: cache_key.py's scope options — the key is sha1 of the text it prints; Policy by content (key order, whitespace) not by bytes; list order counts"
mfa_role_files
echo '{ "Version": "2012-10-17",
  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] }' > "$T_DIR/a.json"
echo '{"Statement":[{"Resource":"*","Action":"s3:GetObject","Effect":"Allow"}],"Version":"2012-10-17"}' > "$T_DIR/b.json"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}' > "$T_DIR/c.json"
ck() { PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" "$@" P | cut -f2; }
expect_eq "no options: the CLI's key (FACTS.md)" eb73dc24d3b02afb39b999e638a3365a630afca9 "$(ck)"
line=$(PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" --args --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess --tag "agent=claude é" \
	--transitive agent --source-identity alice P)
expect_eq "key = sha1 of the printed text" "$(cut -f2 <<<"$line")" "$(printf '%s' "$(cut -f3 <<<"$line")" | sha1sum | cut -c1-40)"
case $(cut -f3 <<<"$line") in
*'"PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]'*'"SourceIdentity": "alice"'*'"Tags": [{"Key": "agent", "Value": "claude \u00e9"}]'*'"TransitiveTagKeys": ["agent"]'*) ;;
*) fail "hashed text: $(cut -f3 <<<"$line")" ;;
esac
expect_eq "same policy, other layout: same key" "$(ck --policy-file "$T_DIR/a.json")" "$(ck --policy-file "$T_DIR/b.json")"
[ "$(ck --policy-file "$T_DIR/a.json")" != "$(ck --policy-file "$T_DIR/c.json")" ] || fail "another policy, the same key"
[ "$(ck --policy-file "$T_DIR/a.json")" != "$(ck)" ] || fail "a policy does not change the key"
[ "$(ck --tag a=1 --tag b=2)" != "$(ck --tag b=2 --tag a=1)" ] || fail "tag order does not change the key"
[ "$(ck --policy-arn x:1 --policy-arn x:2)" != "$(ck --policy-arn x:2 --policy-arn x:1)" ] || fail "ARN order does not change the key"
pass

t "oracle: form_diff.py rebuilds lists from the model — it accepts botocore's own body and rejects swapped Key/Value, gaps in the numbering, a wrong encoding and an unknown field"
k='{"RoleArn": "arn:aws:iam::111111111111:role/RoleA", "RoleSessionName": "s1", "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, {"arn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}], "Tags": [{"Key": "agent", "Value": "claude é 日本"}, {"Key": "empty", "Value": ""}], "TransitiveTagKeys": ["agent"], "SourceIdentity": "alice"}'
good=$("$PY" "$ROOT/tests/form_diff.py" kwargs "$k")
case $good in
*"&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&PolicyArns.member.2.arn="*"&Tags.member.1.Key=agent&Tags.member.1.Value=claude+%C3%A9+%E6%97%A5%E6%9C%AC&Tags.member.2.Key=empty&Tags.member.2.Value=&TransitiveTagKeys.member.1=agent&SourceIdentity=alice") ;;
*) fail "botocore's body: $good" ;;
esac
run "$PY" "$ROOT/tests/form_diff.py" serializer "$good"
expect_rc 0
run "$PY" "$ROOT/tests/form_diff.py" serializer "${good/Tags.member.1.Key=agent&Tags.member.1.Value=claude+%C3%A9+%E6%97%A5%E6%9C%AC/Tags.member.1.Value=claude+%C3%A9+%E6%97%A5%E6%9C%AC&Tags.member.1.Key=agent}"
expect_rc 1
run "$PY" "$ROOT/tests/form_diff.py" serializer "${good//PolicyArns.member.2/PolicyArns.member.3}"
expect_rc 1
run "$PY" "$ROOT/tests/form_diff.py" serializer "${good/claude+/claude%20}"
expect_rc 1
run "$PY" "$ROOT/tests/form_diff.py" serializer "${good}&Bogus=1"
expect_rc 1
run "$PY" "$ROOT/tests/form_diff.py" subset "$good" '{"Tags": [{"Key": "agent", "Value": "claude é 日本"}, {"Key": "empty", "Value": ""}], "SourceIdentity": "alice"}' --absent Policy
expect_rc 0
run "$PY" "$ROOT/tests/form_diff.py" subset "$good" '{"Tags": [{"Key": "agent", "Value": "claude"}]}'
expect_rc 1
run "$PY" "$ROOT/tests/form_diff.py" subset "$good" '{}' --absent SourceIdentity
expect_rc 1
pass
