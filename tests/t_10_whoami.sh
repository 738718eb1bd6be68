# t_10_whoami.sh — awsrole whoami [-p PROFILE] [--region R]: GetCallerIdentity like
# `aws sts get-caller-identity`, credentials from the environment or a static-keys profile,
# endpoint/region/CA resolution, and the exit codes (0 ok, 2 usage, 3 config, 5 AWS said no,
# 6 network/TLS).

USER_ARN=arn:aws:iam::333333333333:user/example.user

# The CLI is the oracle for the output format: same request, same bytes.
# (AWS CLI v1 / botocore 1.43 ignores AWS_REGION, so pass it on.)
cli_whoami() { # -> CLI_OUT
	run aws sts get-caller-identity --region "${AWS_REGION:-us-east-1}" "$@"
	[ "$RC" = 0 ] || { fail "the AWS CLI itself failed"; _run_report; }
	CLI_OUT=$OUT
}

t "whoami: keys from the environment, output identical to aws sts get-caller-identity"
use_moto
use_base_keys
export AWS_REGION=us-east-1
cli_whoami
run awsrole whoami
expect_rc 0
expect_out_eq "$CLI_OUT"
expect_out_has "    \"Arn\": \"$USER_ARN\""
expect_out_has '    "Account": "333333333333"'
expect_eq "key order" "UserId Account Arn" "$(grep -o '^    "[A-Za-z]*"' <<<"$OUT" | tr -d ' "' | tr '\n' ' ' | sed 's/ $//')"
pass

t "whoami: static keys from ~/.aws/credentials by -p, --profile, AWS_PROFILE and default"
use_moto
export AWS_REGION=us-east-1
base_credentials base
base_credentials default
run awsrole whoami -p base
expect_rc 0 && expect_out_has "$USER_ARN"
run awsrole whoami --profile base
expect_rc 0 && expect_out_has "$USER_ARN"
run env AWS_PROFILE=base awsrole whoami
expect_rc 0 && expect_out_has "$USER_ARN"
run awsrole whoami
expect_rc 0 && expect_out_has "$USER_ARN"
pass

t "whoami: -p beats AWS_PROFILE, AWS_PROFILE beats default"
use_moto
export AWS_REGION=us-east-1
base_credentials good
aws_credentials_profile bad "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=${BASE_SECRET}WRONG"
aws_credentials_profile default "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=${BASE_SECRET}WRONG"
run env AWS_PROFILE=bad awsrole whoami -p good
expect_rc 0 && expect_out_has "$USER_ARN"
run env AWS_PROFILE=good awsrole whoami
expect_rc 0 && expect_out_has "$USER_ARN"
run env AWS_PROFILE=good awsrole whoami -p bad
expect_rc 5
pass

t "whoami: a profile name with a space ([Access CustomerA])"
use_moto
export AWS_REGION=ap-northeast-1
scenario_files
run awsrole whoami -p "Access CustomerA"
expect_rc 0
expect_out_has "$USER_ARN"
pass

t "whoami: a wrong secret is rc 5 SignatureDoesNotMatch, and the secret is not echoed"
use_moto
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=$BASE_AKID AWS_SECRET_ACCESS_KEY=${BASE_SECRET}WRONG
m=$(moto_log_mark)
run awsrole whoami
expect_rc 5
expect_err_has SignatureDoesNotMatch
expect_err_golden t_10_whoami.sts-signature-mismatch
expect_fix_hint
expect_err_lacks "$AWS_SECRET_ACCESS_KEY"
expect_out_lacks "$AWS_SECRET_ACCESS_KEY"
expect_eq "requests (SignatureDoesNotMatch is not retried)" 1 "$(moto_calls_since "$m" GetCallerIdentity)"
pass

t "whoami: an unknown access key is rc 5 InvalidClientTokenId"
use_moto
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=$BASE_SECRET
run awsrole whoami
expect_rc 5
expect_err_has InvalidClientTokenId
expect_err_golden t_10_whoami.sts-invalid-client-token
expect_fix_hint
pass

t "whoami: quoted keys (as in the scenario's credentials file) fail and the quotes are named"
use_moto
export AWS_REGION=us-east-1
aws_credentials_write <<EOF
[base]
aws_access_key_id = "$BASE_AKID"
aws_secret_access_key = "$BASE_SECRET"
EOF
run awsrole whoami -p base
expect_rc_in 3 5
expect_err_has "quot"
expect_err_golden t_10_whoami.quoted-keys
expect_fix_hint
pass

t "whoami: session credentials from the environment are signed with X-Amz-Security-Token"
use_moto
moto_assume_role arn:aws:iam::111111111111:role/RoleA 900
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=$ROLE_AKID AWS_SECRET_ACCESS_KEY=$ROLE_SECRET AWS_SESSION_TOKEN=$ROLE_TOKEN
cli_whoami
m=$(moto_log_mark)
run awsrole whoami
expect_rc 0
expect_out_eq "$CLI_OUT"
expect_out_has '"Arn": "arn:aws:sts::111111111111:assumed-role/RoleA/awsrole-test"'
expect_out_has '"Account": "111111111111"'
expect_eq "moto saw X-Amz-Security-Token" true "$(moto_field security_token "$m" GetCallerIdentity)"
case ";$(moto_field signed_headers "$m" GetCallerIdentity);" in
*";x-amz-security-token;"*) ;;
*) fail "x-amz-security-token is not a signed header: $(moto_field signed_headers "$m" GetCallerIdentity)" ;;
esac
pass

t "whoami: aws_session_token in a credentials profile"
use_moto
moto_assume_role arn:aws:iam::222222222222:role/RoleReadOnly 900
export AWS_REGION=us-east-1
aws_credentials_profile sess "aws_access_key_id=$ROLE_AKID" "aws_secret_access_key=$ROLE_SECRET" "aws_session_token=$ROLE_TOKEN"
run awsrole whoami -p sess
expect_rc 0
expect_out_has "arn:aws:sts::222222222222:assumed-role/RoleReadOnly/awsrole-test"
pass

t "whoami: a wrong session token is rc 5"
use_moto
moto_assume_role arn:aws:iam::111111111111:role/RoleA 900
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=$ROLE_AKID AWS_SECRET_ACCESS_KEY=$ROLE_SECRET AWS_SESSION_TOKEN=not-the-token
run awsrole whoami
expect_rc 5
expect_err_has InvalidClientTokenId
pass

# ---------------------------------------------------------------- TLS

t "whoami TLS: a server certificate from another CA is rc 6"
use_moto
use_base_keys
export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$PKI_DIR/other-ca.pem
m=$(moto_log_mark)
run awsrole whoami
expect_rc 6
expect_err_has certificate
expect_fix_hint
expect_eq "requests that reached moto" 0 "$(moto_calls_since "$m")"
pass

t "whoami TLS: without AWS_CA_BUNDLE only the Amazon roots are trusted (rc 6)"
use_moto
unset AWS_CA_BUNDLE
use_base_keys
export AWS_REGION=us-east-1
m=$(moto_log_mark)
run awsrole whoami
expect_rc 6
expect_err_has certificate
expect_eq "requests that reached moto" 0 "$(moto_calls_since "$m")"
pass

t "whoami TLS: certificates for another name, expired, self-signed, other CA: all rc 6"
use_base_keys
export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$PKI_DIR/ca.pem
for c in wrong expired self other; do
	start_fake_sts --cert $c
	export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
	run awsrole whoami
	expect_rc 6 || echo "    (certificate: $c.pem)" >&2
	expect_eq "$c.pem: requests the server answered" 0 "$(fake_sts_count)"
	stop_peer "$FAKE_STS_PID"
done
pass

t "whoami TLS: an IP address endpoint is never accepted unverified (rc 6)"
use_base_keys
start_fake_sts --cert ip
export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=https://127.0.0.1:$FAKE_STS_PORT
run awsrole whoami
expect_rc 6
expect_eq "requests the server answered" 0 "$(fake_sts_count)"
pass

t "whoami TLS: a TLS 1.0-only server is refused (rc 6)"
use_base_keys
start_fake_sts --tls-version 1.0
export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
run awsrole whoami
expect_rc 6
expect_eq "requests the server answered" 0 "$(fake_sts_count)"
pass

t "whoami TLS: a missing CA bundle file is named (rc 3 or 6)"
use_moto
use_base_keys
export AWS_REGION=us-east-1 AWS_CA_BUNDLE=$T_DIR/no-such-bundle.pem
run awsrole whoami
expect_rc_in 3 6
expect_err_has "$T_DIR/no-such-bundle.pem"
expect_err_golden t_10_whoami.ca-bundle-missing
expect_fix_hint
pass

t "whoami TLS: ca_bundle in the profile; AWS_CA_BUNDLE beats it; a multi-cert bundle works"
use_moto
unset AWS_CA_BUNDLE
base_credentials base
aws_config_profile base region=us-east-1 "ca_bundle=$PKI_DIR/ca.pem"
run awsrole whoami -p base
expect_rc 0 && expect_out_has "$USER_ARN"
aws_config_write <<EOF
[profile base]
region = us-east-1
ca_bundle = $PKI_DIR/other-ca.pem
EOF
run awsrole whoami -p base
expect_rc 6
run env AWS_CA_BUNDLE="$PKI_DIR/ca.pem" awsrole whoami -p base
expect_rc 0 && expect_out_has "$USER_ARN"
run env AWS_CA_BUNDLE="$PKI_DIR/bundle.pem" awsrole whoami -p base
expect_rc 0 && expect_out_has "$USER_ARN"
pass

# ---------------------------------------------------------------- endpoint and region

t "whoami endpoint: AWS_ENDPOINT_URL_STS beats AWS_ENDPOINT_URL beats profile endpoint_url"
use_base_keys
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_REGION=us-east-1
start_fake_sts; A_URL=$FAKE_STS_URL A_LOG=$FAKE_STS_LOG
start_fake_sts; B_URL=$FAKE_STS_URL B_LOG=$FAKE_STS_LOG
start_fake_sts; C_URL=$FAKE_STS_URL C_LOG=$FAKE_STS_LOG
aws_config_profile default "endpoint_url=$C_URL"
hits() { echo "$(log_count "$A_LOG" event=request) $(log_count "$B_LOG" event=request) $(log_count "$C_LOG" event=request)"; }
run env AWS_ENDPOINT_URL_STS="$A_URL" AWS_ENDPOINT_URL="$B_URL" awsrole whoami
expect_rc 0 && expect_out_has "$USER_ARN"
expect_eq "requests on A B C" "1 0 0" "$(hits)"
run env AWS_ENDPOINT_URL="$B_URL" awsrole whoami
expect_rc 0
expect_eq "requests on A B C" "1 1 0" "$(hits)"
run awsrole whoami
expect_rc 0
expect_eq "requests on A B C" "1 1 1" "$(hits)"
expect_eq "Host header" "localhost:${C_URL##*:}" "$(log_field "$C_LOG" host event=request)"
pass

t "whoami region: --region beats AWS_REGION beats AWS_DEFAULT_REGION beats the profile's region"
use_base_keys
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
aws_config_profile default region=eu-west-1
run awsrole whoami
expect_rc 0
expect_eq "profile region" eu-west-1 "$(fake_sts_field scope_region)"
export AWS_DEFAULT_REGION=eu-central-1
run awsrole whoami
expect_rc 0
expect_eq "AWS_DEFAULT_REGION" eu-central-1 "$(fake_sts_field scope_region)"
export AWS_REGION=ap-southeast-2
run awsrole whoami
expect_rc 0
expect_eq "AWS_REGION" ap-southeast-2 "$(fake_sts_field scope_region)"
run awsrole whoami --region us-west-2
expect_rc 0
expect_eq "--region" us-west-2 "$(fake_sts_field scope_region)"
pass

t "whoami region: the region of the selected profile (-p), not of [default]"
use_base_keys
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
aws_config_profile default region=eu-west-1
aws_config_profile other region=sa-east-1
aws_credentials_profile other "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=$BASE_SECRET"
run awsrole whoami -p other
expect_rc 0
expect_eq "scope region" sa-east-1 "$(fake_sts_field scope_region)"
pass

t "whoami region: none anywhere is rc 3 naming the region, and nothing is sent"
use_base_keys
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
run awsrole whoami
expect_rc 3
expect_err_has region
expect_err_golden t_10_whoami.no-region
expect_fix_hint
expect_eq "requests sent" 0 "$(fake_sts_count)"
pass

t "whoami request: POST / form body, SigV4 scope DATE/REGION/sts/aws4_request"
use_base_keys
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_REGION=ap-northeast-1
run awsrole whoami
expect_rc 0
expect_out_has "$USER_ARN"
expect_eq "method" POST "$(fake_sts_field method)"
expect_eq "path" / "$(fake_sts_field path)"
expect_eq "Action" GetCallerIdentity "$(fake_sts_field params.Action)"
expect_eq "Version" 2011-06-15 "$(fake_sts_field params.Version)"
case $(fake_sts_field headers.content-type) in
application/x-www-form-urlencoded*) ;;
*) fail "Content-Type: $(fake_sts_field headers.content-type)" ;;
esac
expect_eq "scope" "$(date -u +%Y%m%d)/ap-northeast-1/sts/aws4_request" "$(fake_sts_field scope)"
expect_eq "access key in the scope" "$BASE_AKID" "$(fake_sts_field akid)"
expect_eq "X-Amz-Date is today" "$(date -u +%Y%m%d)" "$(fake_sts_field headers.x-amz-date | cut -c1-8)"
expect_eq "no security token without a session" false "$(fake_sts_field security_token)"
expect_eq "SNI" localhost "$(fake_sts_field sni)"
pass

t "whoami endpoint: default https://sts.REGION.amazonaws.com (reached through HTTPS_PROXY)"
use_base_keys
start_fake_sts --cert aws
start_fake_proxy --target-port "$FAKE_STS_PORT"
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem HTTPS_PROXY=$FAKE_PROXY_URL
run awsrole whoami --region ap-northeast-1
expect_rc 0
expect_out_has "$USER_ARN"
expect_eq "CONNECT target" "sts.ap-northeast-1.amazonaws.com:443" "$(log_field "$FAKE_PROXY_LOG" target)"
expect_eq "Host" "sts.ap-northeast-1.amazonaws.com" "$(fake_sts_field host)"
expect_eq "scope region" ap-northeast-1 "$(fake_sts_field scope_region)"
run awsrole whoami --region us-east-1
expect_rc 0
expect_eq "us-east-1 is regional, not global" "sts.us-east-1.amazonaws.com:443" "$(log_field "$FAKE_PROXY_LOG" target)"
expect_eq "us-east-1 scope region" us-east-1 "$(fake_sts_field scope_region)"
pass

# ---------------------------------------------------------------- STS answers

t "whoami STS: AccessDenied is rc 5 and not retried"
use_base_keys
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_REGION=us-east-1
fake_sts_reply 403 error_access_denied.xml
run awsrole whoami
expect_rc 5
expect_err_has AccessDenied
expect_fix_hint
expect_eq "requests" 1 "$(fake_sts_count)"
pass

t "whoami STS: Throttling and 503 are retried, then the answer is used"
use_base_keys
start_fake_sts
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_REGION=us-east-1
fake_sts_script '[{"status": 400, "body_file": "error_throttling.xml"},
  {"status": 503, "body_file": "error_service_unavailable.xml"},
  {"status": 200, "body_file": "get_caller_identity.xml"}]'
RUN_TIMEOUT=60 run awsrole whoami
expect_rc 0
expect_out_has "$USER_ARN"
expect_eq "requests" 3 "$(fake_sts_count)"
pass

# ---------------------------------------------------------------- usage and configuration

t "whoami usage: an unknown option or a missing value is rc 2"
run awsrole whoami --no-such-option
expect_rc 2
expect_err_golden t_10_whoami.usage-unknown-option
run awsrole whoami --region
expect_rc 2
expect_err_golden t_10_whoami.usage-missing-value
run awsrole whoami -p
expect_rc 2
pass

t "whoami config: no credentials anywhere is rc 3"
use_moto
export AWS_REGION=us-east-1
run awsrole whoami
expect_rc 3
ERR=${ERR//$HOME\/.aws\/credentials/}  # the path alone must not satisfy the check
expect_err_has_any credential '"default"'
expect_fix_hint
pass

t "whoami config: a profile that does not exist is rc 3 and named"
use_moto
export AWS_REGION=us-east-1
base_credentials base
run awsrole whoami -p nosuchprofile
expect_rc 3
expect_err_has nosuchprofile
expect_fix_hint
pass
