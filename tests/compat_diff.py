#!/usr/bin/env python3
"""Differential test of awsrole against botocore: endpoints, regions and credential sources.

A sibling of ini_diff.py (which compares the parsed files).  Each case is a config file, a
credentials file and an environment; botocore (this machine's 1.43) is run on it at test time,
and awsrole must do what botocore does (no expected value is written down here, except for the
deliberate differences in the cases marked "deviation", which say what awsrole does instead and
why).  Issue 13, points 11-20.

Two kinds of case:

  endpoint  Which URL the STS calls of profile P go to, and which region signs them.
            botocore: Session(profile=P).create_client('sts').get_caller_identity() with a
              'before-send' handler that records every request it would send (the credential
              provider's AssumeRole* calls included) and answers it locally: nothing is sent.
              Recorded: the URL, the SigV4 scope's region, client._endpoint.host and
              client.meta.region_name.
            awsrole, two observations (one result line each):
              [doctor]  `awsrole doctor P --json`: the object for P with "sts_endpoint" and
                        "signing_region" (no network) must equal botocore's GetCallerIdentity
                        request (all hops of a chain use the same client settings in botocore:
                        those of the session's profile P).  Where botocore refuses the config,
                        doctor must have an error finding for P naming the key.
              [wire]    `awsrole whoami P` with HTTPS_PROXY set to tests/peers/fake_proxy.py,
                        which tunnels every CONNECT to a fake_sts.py serving a certificate made
                        here for exactly the host names botocore produced (signed by the test
                        CA): the sequence of (Action, URL, scope region) awsrole really sends
                        must equal botocore's.  Nothing leaves 127.0.0.1: the proxy never
                        resolves a name.  Where botocore refuses, awsrole must exit 3 and send
                        nothing.
  creds     Which credentials profile P yields, and which STS calls that takes.
            Both talk to the same fake_sts.py (AWS_ENDPOINT_URL_STS=https://localhost:PORT,
            AWS_CA_BUNDLE=the test CA), which answers by Action.
            botocore: Session(profile=P) (or Session() with AWS_PROFILE=P for the cases
              where the profile comes from the environment) .get_credentials()
              .get_frozen_credentials().
            awsrole: `awsrole credential-process [P]`.
            Compared: success or failure, the key id / secret / token, and each STS request's
            Action, parameters (a default session name botocore-session-N counts as equal),
            signing key id and whether a session token was sent.

Prints "ok compat/NAME [...]" or "FAIL compat/NAME [...]: ..." per check, then
"compat_diff: N passed, N failed"; exits 1 on any failure.

Usage: tests/compat_diff.py [--keep DIR] [--list] [NAME-SUBSTRING]
Environment: AWSROLE_BIN (default ./awsrole), PKI_DIR (a tests/peers/pki.sh directory; made in
a temporary directory when unset).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

if not sys.flags.utf8_mode:
    os.execv(sys.executable, [sys.executable, "-X", "utf8"] + sys.argv)

import botocore.awsrequest  # noqa: E402
import botocore.session  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")
PY = sys.executable

AKID = "AKIDCOMPATEXAMPLE001"
SECRET = "compatSecretKeyEXAMPLE0000000000000000001"
SRC_AKID = "AKIDCOMPATSOURCE0001"
SRC_SECRET = "compatSourceSecretEXAMPLE000000000000001"
ROLE = "arn:aws:iam::111111111111:role/CompatRole"
WEB_ROLE = "arn:aws:iam::222222222222:role/WebProfileRole"
ENV_ROLE = "arn:aws:iam::999999999999:role/EnvRole"

KEYS_P = "[p]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (AKID, SECRET)
KEYS_B = "[b]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SRC_AKID, SRC_SECRET)


def proc_cmd(akid, secret, token=None):
    """A credential_process command printing fixed JSON (the @PY placeholder is python3)."""
    d = {"Version": 1, "AccessKeyId": akid, "SecretAccessKey": secret}
    if token:
        d["SessionToken"] = token
    return "@PY -c 'print(%s)'" % json.dumps(json.dumps(d))


PROC = proc_cmd("AKIDCOMPATPROCESS001", "compatProcessSecretEXAMPLE00000000000001")

# ---------------------------------------------------------------------------
# The cases.  Keys: name, point, kind ("endpoint"/"creds"), config, credentials (default: keys
# for [p] -- endpoint cases -- or nothing), env, profile (default "p"), explicit (default True:
# the profile is named on the command line / Session(profile=); False: AWS_PROFILE names it),
# words (endpoint cases where botocore refuses: what awsrole's message must contain),
# doctor ({"level": ..., "words": [...]}: a finding `doctor P --json` must have),
# deviation ({"reason", and "awsrole": "error" + "words", or "oracle_env": env changes under
# which botocore shows what awsrole must do}), region (creds cases: False = no
# AWS_DEFAULT_REGION=us-east-1 added).
# Placeholders: @D the case directory, @PY python3.

E = "endpoint"
C = "creds"


def ep(name, point, config, env=None, credentials=KEYS_P, **kw):
    d = {"name": name, "point": point, "kind": E, "config": config,
         "credentials": credentials, "env": env or {}}
    d.update(kw)
    return d


def cr(name, point, config, credentials="", env=None, **kw):
    d = {"name": name, "point": point, "kind": C, "config": config,
         "credentials": credentials, "env": env or {}}
    d.update(kw)
    return d


P_EU = "[profile p]\nregion = eu-west-1\n"
SVC = "[services my]\nsts =\n  endpoint_url = https://svc.example.test\n"
CHAIN = "[profile p]\nregion = eu-west-1\nrole_arn = %s\nsource_profile = b\n" % ROLE
WEBP = ("[profile w]\nrole_arn = %s\nweb_identity_token_file = @D/profile.token\n" % WEB_ROLE)
ENVWEB = {"AWS_ROLE_ARN": ENV_ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE": "@D/env.token"}

CASES = [
    # -- 11: [services NAME] and endpoint_url precedence ------------------------------------
    ep("11-services-sts-endpoint", 11, P_EU + "services = my\n" + SVC),
    ep("11-services-port-and-path", 11, P_EU + "services = my\n[services my]\nsts =\n"
       "  endpoint_url = https://svc.example.test:8443/sts\n"),
    ep("11-services-beats-profile-endpoint_url", 11,
       P_EU + "endpoint_url = https://prof.example.test\nservices = my\n" + SVC),
    ep("11-profile-endpoint_url-alone", 11, P_EU + "endpoint_url = https://prof.example.test\n"),
    ep("11-AWS_ENDPOINT_URL-beats-services", 11, P_EU + "services = my\n" + SVC,
       {"AWS_ENDPOINT_URL": "https://envglobal.example.test"}),
    ep("11-AWS_ENDPOINT_URL_STS-beats-everything", 11,
       P_EU + "endpoint_url = https://prof.example.test\nservices = my\n" + SVC,
       {"AWS_ENDPOINT_URL_STS": "https://envsts.example.test",
        "AWS_ENDPOINT_URL": "https://envglobal.example.test"}),
    ep("11-services-without-sts-uses-default", 11, P_EU + "services = my\n[services my]\n"
       "s3 =\n  endpoint_url = https://s3.example.test\n"),
    ep("11-services-top-level-endpoint_url-is-not-read", 11, P_EU + "services = my\n"
       "[services my]\nendpoint_url = https://svcglobal.example.test\n"
       "s3 =\n  endpoint_url = https://s3.example.test\n"),
    ep("11-services-section-missing", 11, P_EU + "services = nope\n",
       words=["services", "nope"], doctor={"level": "error", "words": ["services", "nope"]}),
    ep("11-services-section-missing-but-env-url", 11, P_EU + "services = nope\n",
       {"AWS_ENDPOINT_URL_STS": "https://envsts.example.test"}),
    ep("11-services-STS-key-any-case", 11, P_EU + "services = my\n[services my]\nSTS =\n"
       "  endpoint_url = https://svc.example.test\n"),
    ep("11-services-sub-keys-are-case-sensitive", 11, P_EU + "services = my\n[services my]\n"
       "sts =\n  Endpoint_URL = https://svc.example.test\n"),
    ep("11-services-sts-not-a-block", 11, P_EU + "services = my\n[services my]\n"
       "sts = https://svc.example.test\n", words=["sts", "my"]),
    ep("11-services-key-in-credentials-file", 11, P_EU + SVC,
       credentials=KEYS_P + "services = my\n"),
    ep("11-services-section-only-in-credentials-file", 11, P_EU + "services = my\n",
       credentials=KEYS_P + "\n" + SVC, words=["services", "my"]),
    ep("11-services-chain-every-hop", 11, CHAIN + "services = my\n" + SVC, credentials=KEYS_B),
    ep("11-source-profile-endpoints-ignored", 11, CHAIN + "[profile b]\nservices = my\n"
       "endpoint_url = https://b.example.test\n" + SVC, credentials=KEYS_B),

    # -- 12: ignore_configured_endpoint_urls; empty endpoint_url -----------------------------
    ep("12-ignore-env-true", 12, P_EU + "endpoint_url = https://prof.example.test\n",
       {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}),
    ep("12-ignore-env-true-also-env-urls", 12, P_EU + "services = my\n" + SVC,
       {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        "AWS_ENDPOINT_URL_STS": "https://envsts.example.test"}),
    ep("12-ignore-key-true", 12, P_EU + "ignore_configured_endpoint_urls = true\n"
       "endpoint_url = https://prof.example.test\n"),
    ep("12-ignore-key-True-any-case", 12, P_EU + "ignore_configured_endpoint_urls = True\n"
       "services = my\n" + SVC),
    ep("12-ignore-key-1-is-false", 12, P_EU + "ignore_configured_endpoint_urls = 1\n"
       "endpoint_url = https://prof.example.test\n"),
    ep("12-ignore-env-false-beats-key", 12, P_EU + "ignore_configured_endpoint_urls = true\n"
       "endpoint_url = https://prof.example.test\n",
       {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"}),
    ep("12-ignore-env-empty-beats-key", 12, P_EU + "ignore_configured_endpoint_urls = true\n"
       "endpoint_url = https://prof.example.test\n",
       {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": ""}),
    ep("12-empty-endpoint_url-is-unset", 12, P_EU + "endpoint_url =\n"),
    ep("12-empty-services-endpoint_url-falls-to-profile", 12,
       P_EU + "endpoint_url = https://prof.example.test\nservices = my\n[services my]\n"
       "sts =\n  endpoint_url =\n"),
    ep("12-empty-AWS_ENDPOINT_URL_STS-is-unset", 12,
       P_EU + "endpoint_url = https://prof.example.test\n", {"AWS_ENDPOINT_URL_STS": ""}),

    # -- 13: FIPS and dual-stack ---------------------------------------------------------
    ep("13-fips-key", 13, P_EU + "use_fips_endpoint = true\n"),
    ep("13-fips-env", 13, P_EU, {"AWS_USE_FIPS_ENDPOINT": "true"}),
    ep("13-fips-env-TRUE-any-case", 13, P_EU, {"AWS_USE_FIPS_ENDPOINT": "TRUE"}),
    ep("13-fips-env-1-is-false", 13, P_EU, {"AWS_USE_FIPS_ENDPOINT": "1"}),
    ep("13-fips-env-false-beats-key", 13, P_EU + "use_fips_endpoint = true\n",
       {"AWS_USE_FIPS_ENDPOINT": "false"}),
    ep("13-fips-env-empty-beats-key", 13, P_EU + "use_fips_endpoint = true\n",
       {"AWS_USE_FIPS_ENDPOINT": ""}),
    ep("13-fips-us-east-1", 13, "[profile p]\nregion = us-east-1\nuse_fips_endpoint = true\n"),
    ep("13-fips-beats-legacy", 13, "[profile p]\nregion = us-east-1\nuse_fips_endpoint = true\n"
       "sts_regional_endpoints = legacy\n"),
    ep("13-fips-with-endpoint_url-uses-url", 13, P_EU + "use_fips_endpoint = true\n"
       "endpoint_url = https://prof.example.test\n"),
    ep("13-fips-cn", 13, "[profile p]\nregion = cn-north-1\nuse_fips_endpoint = true\n"),
    ep("13-fips-govcloud", 13, "[profile p]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n"),
    ep("13-fips-pseudo-region", 13, "[profile p]\nregion = us-east-2-fips\n"),
    ep("13-dualstack-key", 13, P_EU + "use_dualstack_endpoint = true\n"),
    ep("13-dualstack-env", 13, P_EU, {"AWS_USE_DUALSTACK_ENDPOINT": "true"}),
    ep("13-dualstack-and-fips", 13, P_EU + "use_dualstack_endpoint = true\n"
       "use_fips_endpoint = true\n"),
    ep("13-dualstack-beats-legacy", 13, P_EU + "use_dualstack_endpoint = true\n"
       "sts_regional_endpoints = legacy\n"),
    ep("13-dualstack-cn", 13, "[profile p]\nregion = cn-north-1\nuse_dualstack_endpoint = true\n"),
    ep("13-fips-chain-named-profile-decides", 13, CHAIN + "use_fips_endpoint = true\n",
       credentials=KEYS_B),

    # -- 18: sts_regional_endpoints values -------------------------------------------------
    ep("18-Legacy-wrong-case", 18, P_EU + "sts_regional_endpoints = Legacy\n",
       words=["sts_regional_endpoints", "Legacy"],
       doctor={"level": "error", "words": ["sts_regional_endpoints", "Legacy", "legacy",
                                           "regional"]}),
    ep("18-Legacy-in-env", 18, P_EU, {"AWS_STS_REGIONAL_ENDPOINTS": "Legacy"},
       words=["AWS_STS_REGIONAL_ENDPOINTS", "Legacy"]),
    ep("18-Legacy-even-with-endpoint-url", 18, P_EU + "sts_regional_endpoints = Legacy\n",
       {"AWS_ENDPOINT_URL_STS": "https://envsts.example.test"},
       words=["sts_regional_endpoints", "Legacy"]),
    ep("18-unknown-value", 18, P_EU + "sts_regional_endpoints = global\n",
       words=["sts_regional_endpoints", "global"]),
    ep("18-legacy-eu-west-1-is-global", 18, P_EU + "sts_regional_endpoints = legacy\n"),
    ep("18-legacy-outside-the-list-is-regional", 18,
       "[profile p]\nregion = ap-east-1\nsts_regional_endpoints = legacy\n"),
    ep("18-regional", 18, P_EU + "sts_regional_endpoints = regional\n"),
    ep("18-empty-value-is-regional", 18, P_EU + "sts_regional_endpoints =\n"),
    ep("18-empty-env-beats-legacy-key", 18, P_EU + "sts_regional_endpoints = legacy\n",
       {"AWS_STS_REGIONAL_ENDPOINTS": ""}),

    # -- 19: no region anywhere --------------------------------------------------------
    ep("19-no-region-global-us-east-1", 19, "[profile p]\noutput = json\n"),
    ep("19-no-region-source-profile-alone", 19, "[profile CustomerA]\nregion = ap-northeast-1\n"
       "source_profile = Access CustomerA\nrole_arn = " + ROLE + "\n",
       credentials="[Access CustomerA]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
       % (SRC_AKID, SRC_SECRET), profile="Access CustomerA"),
    ep("19-named-region-source-without", 19, "[profile CustomerA]\nregion = ap-northeast-1\n"
       "source_profile = Access CustomerA\nrole_arn = " + ROLE + "\n",
       credentials="[Access CustomerA]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
       % (SRC_AKID, SRC_SECRET), profile="CustomerA"),
    ep("19-no-region-named-source-has-one", 19, "[profile p]\nrole_arn = " + ROLE +
       "\nsource_profile = b\n[profile b]\nregion = eu-west-1\n", credentials=KEYS_B),
    ep("19-no-region-legacy", 19, "[profile p]\nsts_regional_endpoints = legacy\n"),
    ep("19-no-region-fips", 19, "[profile p]\nuse_fips_endpoint = true\n"),
    ep("19-no-region-custom-endpoint-refused", 19, "[profile p]\n"
       "endpoint_url = https://prof.example.test\n", words=["region"],
       doctor={"level": "error", "words": ["region"]}),
    ep("19-no-region-services-endpoint-refused", 19, "[profile p]\nservices = my\n" + SVC,
       words=["region"]),
    ep("19-AWS_DEFAULT_REGION", 19, "[profile p]\noutput = json\n",
       {"AWS_DEFAULT_REGION": "eu-central-1"}),
    ep("19-AWS_DEFAULT_REGION-beats-profile", 19, P_EU, {"AWS_DEFAULT_REGION": "eu-central-1"}),
    ep("19-AWS_REGION", 19, "[profile p]\noutput = json\n", {"AWS_REGION": "eu-central-1"},
       deviation={"reason": "botocore 1.43 does not read AWS_REGION (only AWS_DEFAULT_REGION); "
                  "AWS CLI v2 and the other AWS SDKs do, and awsrole follows them: it reads "
                  "AWS_REGION before AWS_DEFAULT_REGION.",
                  "oracle_env": {"AWS_REGION": None, "AWS_DEFAULT_REGION": "eu-central-1"}}),
    ep("19-empty-AWS_DEFAULT_REGION", 19, P_EU, {"AWS_DEFAULT_REGION": ""},
       deviation={"reason": "botocore takes an empty AWS_DEFAULT_REGION as the region \"\" and "
                  "fails (ValueError: Invalid endpoint: https://sts..amazonaws.com); awsrole "
                  "treats an empty variable as unset, as it does for every AWS_* variable.",
                  "oracle_env": {"AWS_DEFAULT_REGION": None}}),

    # -- 14: a session token is taken from the file that has the key id -----------------
    cr("14-token-in-config-keys-in-credentials", 14, "[profile p]\naws_session_token = TOKENCFG\n",
       "[p]\naws_access_key_id = AKIDCOMPATCRED000001\naws_secret_access_key = credSecret\n"),
    cr("14-token-in-credentials-keys-in-config", 14, "[profile p]\naws_access_key_id = "
       "AKIDCOMPATCFG0000001\naws_secret_access_key = cfgSecret\n",
       "[p]\naws_session_token = TOKENCRED\n"),
    cr("14-keys-in-both-token-in-config", 14, "[profile p]\naws_access_key_id = "
       "AKIDCOMPATCFG0000001\naws_secret_access_key = cfgSecret\naws_session_token = TOKENCFG\n",
       "[p]\naws_access_key_id = AKIDCOMPATCRED000001\naws_secret_access_key = credSecret\n"),
    cr("14-all-three-in-credentials", 14, "[profile p]\nregion = us-east-1\n",
       "[p]\naws_access_key_id = AKIDCOMPATCRED000001\naws_secret_access_key = credSecret\n"
       "aws_session_token = TOKENCRED\n"),
    cr("14-all-three-in-config", 14, "[profile p]\naws_access_key_id = AKIDCOMPATCFG0000001\n"
       "aws_secret_access_key = cfgSecret\naws_session_token = TOKENCFG\n"),
    cr("14-source-profile-token-in-other-file", 14, CHAIN + "[profile b]\n"
       "aws_session_token = TOKENCFG\n", KEYS_B),

    # -- 15: credential_process against keys in the same profile ----------------------
    cr("15-process-beats-config-keys", 15, "[profile p]\naws_access_key_id = "
       "AKIDCOMPATCFG0000001\naws_secret_access_key = cfgSecret\ncredential_process = "
       + PROC + "\n"),
    cr("15-credentials-keys-beat-process", 15, "[profile p]\ncredential_process = " + PROC + "\n",
       "[p]\naws_access_key_id = AKIDCOMPATCRED000001\naws_secret_access_key = credSecret\n"),
    cr("15-process-in-credentials-file-beats-config-keys", 15, "[profile p]\naws_access_key_id"
       " = AKIDCOMPATCFG0000001\naws_secret_access_key = cfgSecret\n",
       "[p]\ncredential_process = " + PROC + "\n"),
    cr("15-process-alone", 15, "[profile p]\ncredential_process = " + PROC + "\n"),
    cr("15-failing-process-not-replaced-by-config-keys", 15, "[profile p]\naws_access_key_id = "
       "AKIDCOMPATCFG0000001\naws_secret_access_key = cfgSecret\ncredential_process = "
       "@PY -c 'import sys; sys.exit(3)'\n"),
    cr("15-source-profile-process-beats-config-keys", 15, CHAIN + "[profile b]\n"
       "aws_access_key_id = AKIDCOMPATCFG0000001\naws_secret_access_key = cfgSecret\n"
       "credential_process = " + PROC + "\n"),

    # -- 16: web_identity_token_file with source_profile -----------------------------
    cr("16-web-identity-beats-source_profile", 16, WEBP + "source_profile = b\n"
       "role_session_name = websess\nduration_seconds = 1800\n", KEYS_B, profile="w"),
    cr("16-web-identity-beats-credential_source", 16, WEBP + "credential_source = Environment\n",
       profile="w"),
    cr("16-web-identity-ignores-source_profile-plus-credential_source", 16,
       WEBP + "source_profile = b\ncredential_source = Environment\n", KEYS_B, profile="w"),
    cr("16-web-identity-source_profile-missing", 16, WEBP + "source_profile = nowhere\n",
       profile="w"),
    cr("16-web-identity-alone", 16, WEBP, profile="w"),
    cr("16-web-identity-profile-as-source", 16, "[profile top]\nrole_arn = " + ROLE +
       "\nsource_profile = w\n" + WEBP + "source_profile = b\n", KEYS_B, profile="top"),
    cr("16-web-identity-no-role_arn-with-keys", 16, "[profile w]\n"
       "web_identity_token_file = @D/profile.token\n",
       "[w]\naws_access_key_id = AKIDCOMPATCRED000001\naws_secret_access_key = credSecret\n",
       profile="w"),

    # -- 17: environment web identity when AWS_PROFILE names a profile ----------------
    cr("17-env-role-and-token-beat-web-profile", 17, WEBP + "role_session_name = profsess\n",
       env=ENVWEB, profile="w", explicit=False),
    cr("17-env-role-only-profile-token", 17, WEBP, env={"AWS_ROLE_ARN": ENV_ROLE},
       profile="w", explicit=False),
    cr("17-env-token-only-profile-role", 17, WEBP,
       env={"AWS_WEB_IDENTITY_TOKEN_FILE": "@D/env.token"}, profile="w", explicit=False),
    cr("17-env-session-name-beats-profile", 17, WEBP + "role_session_name = profsess\n",
       env=dict(ENVWEB, AWS_ROLE_SESSION_NAME="envsess"), profile="w", explicit=False),
    cr("17-named-on-command-line-ignores-env", 17, WEBP, env=ENVWEB, profile="w"),
    cr("17-role-profile-beats-env-web-identity", 17, CHAIN, KEYS_B, env=ENVWEB, explicit=False),
    cr("17-env-web-identity-beats-static-profile", 17, "", KEYS_B, env=ENVWEB, profile="b",
       explicit=False),
    cr("17-env-web-identity-no-profile", 17, "", "", env=ENVWEB, profile=None, explicit=False),
    cr("17-env-token-without-role-static-profile", 17, "", KEYS_B,
       env={"AWS_WEB_IDENTITY_TOKEN_FILE": "@D/env.token"}, profile="b", explicit=False),

    # -- 19 again: no region, with AWS_ENDPOINT_URL_STS (the fake STS) ---------------
    cr("19-no-region-web-identity-custom-endpoint", 19, WEBP, profile="w", region=False),
    cr("19-no-region-signed-call-custom-endpoint-refused", 19, CHAIN.replace(
       "region = eu-west-1\n", ""), KEYS_B, region=False, words=["region"]),
    cr("19-no-region-static-keys-need-no-region", 19, "", KEYS_P, region=False),

    # -- 20: strictness: awsrole refuses, doctor says what botocore does ---------------
    cr("20-duration_seconds-not-a-number", 20, CHAIN + "duration_seconds = 1h\n", KEYS_B,
       deviation={"reason": "botocore drops a duration_seconds that int() cannot read and "
                  "calls AssumeRole without DurationSeconds (1 hour); awsrole refuses it.",
                  "awsrole": "error", "words": ["duration_seconds", "1h"]},
       doctor={"level": "error", "words": ["duration_seconds", "botocore"]}),
    cr("20-duration_seconds-number", 20, CHAIN + "duration_seconds = 1800\n", KEYS_B),
    cr("20-key-id-in-credentials-secret-in-config", 20, "[profile p]\n"
       "aws_secret_access_key = cfgSecret\n", "[p]\naws_access_key_id = AKIDCOMPATCRED000001\n",
       words=["aws_secret_access_key"],
       doctor={"level": "error", "words": ["aws_access_key_id", "aws_secret_access_key",
                                           "botocore"]}),
    cr("20-key-id-in-config-secret-in-credentials", 20, "[profile p]\n"
       "aws_access_key_id = AKIDCOMPATCFG0000001\n", "[p]\naws_secret_access_key = credSecret\n",
       words=["aws_secret_access_key"],
       doctor={"level": "error", "words": ["aws_access_key_id", "aws_secret_access_key",
                                           "botocore"]}),
    cr("20-source-profile-secret-only", 20, CHAIN, "[b]\naws_secret_access_key = credSecret\n"),
    cr("20-aws_security_token-and-aws_session_token", 20, "", "[p]\naws_access_key_id = "
       "AKIDCOMPATCRED000001\naws_secret_access_key = credSecret\naws_session_token = SESS\n"
       "aws_security_token = SEC\n",
       deviation={"reason": "botocore takes aws_security_token (the legacy name) and ignores "
                  "aws_session_token when a profile has both; awsrole refuses the profile.",
                  "awsrole": "error", "words": ["aws_security_token", "aws_session_token"]},
       doctor={"level": "error", "words": ["aws_security_token", "aws_session_token",
                                           "botocore"]}),
    cr("20-aws_security_token-alone", 20, "", "[p]\naws_access_key_id = AKIDCOMPATCRED000001\n"
       "aws_secret_access_key = credSecret\naws_security_token = SEC\n"),
]

# ---------------------------------------------------------------------------
# Helpers.

XML = {
    "AssumeRole": "assume_role.xml",
    "AssumeRoleWithWebIdentity": "assume_role_with_web_identity.xml",
    "*": "get_caller_identity.xml",
}


def short(x, n=600):
    s = x if isinstance(x, str) else json.dumps(x, sort_keys=True)
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "...[%d chars]" % len(s)


def subst(s, d):
    return s.replace("@D", d).replace("@PY", PY) if isinstance(s, str) else s


def norm_url(u):
    """scheme://host[:port]/path with the default port dropped and "" as "/"."""
    if u is None:
        return None
    p = urllib.parse.urlsplit(u)
    host = (p.hostname or "").lower()
    port = p.port
    net = host if port is None or (p.scheme, port) in (("https", 443), ("http", 80)) \
        else "%s:%d" % (host, port)
    return "%s://%s%s" % (p.scheme, net, p.path or "/")


class Env:
    """Run with exactly this environment (the AWS_* of the caller removed)."""

    def __init__(self, env):
        self.env = env

    def __enter__(self):
        self.saved = dict(os.environ)
        for k in list(os.environ):
            if k.startswith("AWS_") or k.lower() in ("https_proxy", "http_proxy", "all_proxy",
                                                    "no_proxy"):
                del os.environ[k]
        os.environ.update(self.env)

    def __exit__(self, *a):
        os.environ.clear()
        os.environ.update(self.saved)


def case_env(case, d, extra=None):
    env = {"HOME": d, "AWS_CONFIG_FILE": os.path.join(d, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(d, "credentials"),
           "AWS_EC2_METADATA_DISABLED": "true"}
    env.update(extra or {})
    for k, v in case["env"].items():
        env[k] = subst(v, d)
    if not case.get("explicit", True) and case.get("profile", "p") is not None:
        env["AWS_PROFILE"] = case.get("profile", "p")
    return env


def apply_oracle(env, changes):
    env = dict(env)
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def write_case(case, d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config"), "w") as f:
        f.write(subst(case["config"], d))
    with open(os.path.join(d, "credentials"), "w") as f:
        f.write(subst(case["credentials"], d))
    os.chmod(os.path.join(d, "credentials"), 0o600)
    for name, text in (("profile.token", "TOKEN-FROM-PROFILE-FILE"),
                       ("env.token", "TOKEN-FROM-ENV-FILE")):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


def profile_of(case):
    return case.get("profile", "p")


# ---------------------------------------------------------------------------
# botocore, endpoint cases: record what it would send, send nothing.

class _Raw:
    def __init__(self, b):
        self.b = b

    def stream(self, **kw):
        yield self.b


def botocore_endpoint(case, env):
    reqs = []

    def before_send(request, **kw):
        body = request.body
        body = body.decode() if isinstance(body, bytes) else (body or "")
        params = dict(urllib.parse.parse_qsl(body))
        auth = request.headers.get("Authorization") or b""
        auth = auth.decode() if isinstance(auth, bytes) else auth
        m = re.search(r"Credential=[^/]+/\d+/([^/]+)/", auth)
        act = params.get("Action", "?")
        reqs.append({"action": act, "url": norm_url(request.url),
                     "signing_region": m.group(1) if m else None})
        name = XML.get(act, XML["*"])
        with open(os.path.join(PEERS, "sts_xml", name), "rb") as f:
            xml = f.read().decode()
        xml = xml.replace("{{EXPIRATION}}", "2099-01-01T00:00:00Z")
        xml = re.sub(r"\{\{[A-Z_:a-zA-Z]+\}\}", "x", xml)
        return botocore.awsrequest.AWSResponse(request.url, 200, {}, _Raw(xml.encode()))

    out = {"requests": reqs}
    with Env(env):
        try:
            prof = profile_of(case) if case.get("explicit", True) else None
            s = botocore.session.Session(profile=prof)
            s.register("before-send", before_send)
            c = s.create_client("sts")
            out["host"] = c._endpoint.host
            out["client_region"] = c.meta.region_name
            c.get_caller_identity()
            out["ok"] = True
        except Exception as e:  # botocore refuses the configuration
            out["ok"] = False
            out["error"] = "%s: %s" % (type(e).__name__, e)
    gci = [r for r in reqs if r["action"] == "GetCallerIdentity"]
    if out["ok"]:
        out["endpoint"] = gci[-1]["url"]
        out["signing_region"] = gci[-1]["signing_region"]
    return out


def bc_summary(b):
    if not b["ok"]:
        return "refuses: " + b["error"]
    return "%s signed %s (client region %s; calls %s)" % (
        b["endpoint"], b["signing_region"], b["client_region"],
        ", ".join("%s %s %s" % (r["action"], r["url"], r["signing_region"])
                  for r in b["requests"]))


# ---------------------------------------------------------------------------
# awsrole.

def run_awsrole(binary, args, env, timeout=60):
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    full.update(env)
    try:
        p = subprocess.run([binary] + args, env=full, capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def doctor_findings(binary, case, env):
    rc, out, err = run_awsrole(binary, ["doctor", profile_of(case), "--json"], env)
    try:
        j = json.loads(out)
    except ValueError:
        return rc, None, "doctor --json printed no JSON (exit %d): %s %s" % (rc, short(out),
                                                                           short(err))
    if not isinstance(j, list):
        return rc, None, "doctor --json is not a list"
    return rc, j, None


def has_words(msg, words):
    low = msg.lower()
    return [w for w in words if w.lower() not in low]


def level_ok(level, want):
    if want == "warning":
        return level in ("warn", "warning")
    if want == "error":
        return level == "error"
    return True


def find_finding(findings, prof, spec):
    """A finding for prof at spec's level whose message (and fix) holds all the words."""
    for f in findings:
        if f.get("profile") not in (prof, None):
            continue
        if spec.get("level") and not level_ok(f.get("level"), spec["level"]):
            continue
        text = "%s %s" % (f.get("message", ""), f.get("fix", ""))
        if not has_words(text, spec.get("words", [])):
            return f
    return None


def check_doctor_endpoint(binary, case, env, want):
    """[doctor]: the sts_endpoint object equals botocore, or an error finding when it refuses."""
    prof = profile_of(case)
    rc, findings, why = doctor_findings(binary, case, env)
    if why:
        return why
    info = [f for f in findings if f.get("profile") == prof and "sts_endpoint" in f]
    if want["ok"]:
        if not info:
            errs = [f.get("message") for f in findings if f.get("level") == "error"]
            return ("doctor has no object with sts_endpoint/signing_region for [%s]%s; "
                    "botocore: %s" % (prof, " (errors: %s)" % short(errs, 300) if errs else "",
                                      bc_summary(want)))
        o = info[0]
        got = (norm_url(o.get("sts_endpoint")), o.get("signing_region"))
        if got != (want["endpoint"], want["signing_region"]):
            return "doctor says %s signed %s (region_source %s); botocore: %s" % (
                got[0], got[1], o.get("region_source"), bc_summary(want))
        if not o.get("region_source"):
            return "doctor's sts_endpoint object has no region_source"
        if rc != 0:
            return "doctor exit status %d for a profile botocore accepts: %s" % (
                rc, short([f for f in findings if f.get("level") == "error"]))
        return None
    spec = {"level": "error", "words": case.get("words", [])}
    if find_finding(findings, prof, spec) is None:
        return "botocore refuses (%s) but doctor has no error finding naming %s: %s" % (
            want["error"], spec["words"], short(findings))
    if info:
        return "botocore refuses (%s) but doctor reports an endpoint: %s" % (
            want["error"], short(info[0]))
    if rc != 3:
        return "doctor exit status %d, expected 3 (an error finding)" % rc
    return None


# ---------------------------------------------------------------------------
# The peers: fake_sts.py (by Action), fake_proxy.py tunnelling to it.

class Peers:
    def __init__(self, top, pki, hosts):
        self.top = top
        self.pki = pki
        self.procs = []
        self.cert = os.path.join(top, "compat.pem")
        self.key = os.path.join(top, "compat.key")
        self._make_cert(hosts)
        self.script = os.path.join(top, "sts_script.json")
        with open(self.script, "w") as f:
            json.dump({"responses": [{"by_action": {k: {"body_file": v}
                                                    for k, v in XML.items()}}]}, f)
        self.sts_log = os.path.join(top, "sts.log")
        self.proxy_log = os.path.join(top, "proxy.log")
        self.sts_port = self._start("sts", [PY, os.path.join(PEERS, "fake_sts.py"),
                                            "--cert", self.cert, "--key", self.key,
                                            "--script", self.script, "--log", self.sts_log])
        self.proxy_port = self._start("proxy", [PY, os.path.join(PEERS, "fake_proxy.py"),
                                                "--log", self.proxy_log,
                                                "--target-port", str(self.sts_port)])
        self.sts_url = "https://localhost:%d" % self.sts_port
        self.proxy_url = "http://127.0.0.1:%d" % self.proxy_port
        self.ca = os.path.join(pki, "ca.pem")

    def _make_cert(self, hosts):
        sans = ",".join("DNS:" + h for h in sorted(set(hosts) | {"localhost"}))
        cnf = os.path.join(self.top, "compat.cnf")
        with open(cnf, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n" % sans)
        csr = os.path.join(self.top, "compat.csr")
        for cmd in (["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                     "ec_paramgen_curve:P-256", "-pkeyopt", "ec_param_enc:named_curve",
                     "-out", self.key],
                    ["openssl", "req", "-new", "-key", self.key, "-subj",
                     "/CN=awsrole compat_diff", "-out", csr],
                    ["openssl", "x509", "-req", "-in", csr, "-CA",
                     os.path.join(self.pki, "ca.pem"), "-CAkey",
                     os.path.join(self.pki, "ca.key"), "-CAcreateserial", "-CAserial",
                     os.path.join(self.top, "ca.srl"), "-sha256", "-days", "2",
                     "-extfile", cnf, "-out", self.cert]):
            subprocess.run(cmd, check=True, capture_output=True)

    def _start(self, name, cmd):
        pf = os.path.join(self.top, name + ".port")
        p = subprocess.Popen(cmd + ["--portfile", pf], stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(self.top, name + ".out"), "w"),
                             stdin=subprocess.DEVNULL)
        self.procs.append(p)
        for _ in range(400):
            if os.path.exists(pf) and os.path.getsize(pf) > 0:
                break
            if p.poll() is not None:
                break
            time.sleep(0.025)
        with open(pf) as f:
            port = int(f.read().strip())
        subprocess.run([PY, os.path.join(PEERS, "tcp_probe.py"), "127.0.0.1", str(port), "10"],
                       check=True)
        return port

    def stop(self):
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()

    @staticmethod
    def _lines(path):
        try:
            with open(path) as f:
                return [json.loads(x) for x in f if x.strip()]
        except OSError:
            return []

    def mark(self):
        return len(self._lines(self.sts_log)), len(self._lines(self.proxy_log))

    def since(self, mark):
        sts = [r for r in self._lines(self.sts_log)[mark[0]:] if r.get("event") == "request"]
        proxy = self._lines(self.proxy_log)[mark[1]:]
        return sts, proxy


def sts_request_view(r):
    """What is compared of one STS request."""
    params = {k: v for k, v in (r.get("params") or {}).items() if k not in ("Version",)}
    if re.fullmatch(r"botocore-session-\d+", params.get("RoleSessionName", "")):
        params["RoleSessionName"] = "botocore-session-<time>"
    return {"params": params, "akid": r.get("akid"), "token": bool(r.get("security_token"))}


# ---------------------------------------------------------------------------
# [wire] for endpoint cases.

def check_wire(binary, case, env, want, peers):
    env = dict(env, HTTPS_PROXY=peers.proxy_url, AWS_CA_BUNDLE=peers.ca)
    m = peers.mark()
    rc, out, err = run_awsrole(binary, ["whoami", profile_of(case)], env)
    sts, proxy = peers.since(m)
    targets = [p.get("target") for p in proxy]
    got = [(r["params"].get("Action"), norm_url("https://%s%s" % (r.get("host"), r.get("path"))),
            r.get("scope_region")) for r in sts]
    if not want["ok"]:
        if rc != 3:
            return "botocore refuses (%s); awsrole whoami exit status %d (expected 3): %s" % (
                want["error"], rc, short(err.strip(), 300))
        miss = has_words(err, case.get("words", []))
        if miss:
            return "awsrole's message lacks %s: %s" % (miss, short(err.strip(), 300))
        if proxy or sts:
            return "awsrole refused but sent: %s" % short(targets)
        return None
    exp = [(r["action"], r["url"], r["signing_region"]) for r in want["requests"]]
    if rc != 0 or got != exp:
        return "awsrole whoami (exit %d) sent %s (CONNECT %s)%s; botocore: %s" % (
            rc, short(got, 400), short(targets, 300),
            "; stderr: " + short(err.strip(), 300) if rc else "", short(exp, 400))
    return None


# ---------------------------------------------------------------------------
# creds cases.

def botocore_creds(case, env, peers):
    m = peers.mark()
    with Env(env):
        try:
            prof = profile_of(case) if case.get("explicit", True) else None
            s = botocore.session.Session(profile=prof)
            c = s.get_credentials()
            if c is None:
                res = ("error", "no credentials (get_credentials() is None)")
            else:
                f = c.get_frozen_credentials()
                res = ("ok", {"akid": f.access_key, "secret": f.secret_key, "token": f.token})
        except Exception as e:
            res = ("error", "%s: %s" % (type(e).__name__, e))
    sts, _ = peers.since(m)
    return res, [sts_request_view(r) for r in sts]


def awsrole_creds(binary, case, env, peers):
    m = peers.mark()
    args = ["credential-process"]
    if case.get("explicit", True) and profile_of(case) is not None:
        args.append(profile_of(case))
    rc, out, err = run_awsrole(binary, args, env)
    sts, _ = peers.since(m)
    reqs = [sts_request_view(r) for r in sts]
    if rc != 0:
        return ("error", "exit %d: %s" % (rc, err.strip()), rc), reqs
    try:
        j = json.loads(out)
        return ("ok", {"akid": j.get("AccessKeyId"), "secret": j.get("SecretAccessKey"),
                       "token": j.get("SessionToken")}), reqs
    except ValueError:
        return ("error", "not JSON: %s" % short(out), rc), reqs


def compare_creds(case, bc, bcr, aw, awr):
    dev = case.get("deviation")
    if dev and dev.get("awsrole") == "error":
        if bc[0] != "ok":
            return "deviation: botocore should accept this, but: %s" % bc[1]
        if aw[0] != "error" or aw[2] != 3:
            return "awsrole should refuse (exit 3) what botocore accepts (%s), but: %s" % (
                short(bc[1]), short(aw[1]))
        miss = has_words(aw[1], dev.get("words", []))
        if miss:
            return "awsrole's message lacks %s: %s" % (miss, short(aw[1], 300))
        if awr:
            return "awsrole refused but called STS: %s" % short(awr)
        return None
    if bc[0] == "error":
        if aw[0] != "error":
            return "botocore refuses (%s) but awsrole gives %s" % (bc[1], short(aw[1]))
        miss = has_words(aw[1], case.get("words", []))
        if miss:
            return "both refuse, but awsrole's message lacks %s: %s (botocore: %s)" % (
                miss, short(aw[1], 300), bc[1])
        return None
    if aw[0] != "ok":
        return "botocore gives %s after %s; awsrole: %s" % (short(bc[1]), short(bcr, 400),
                                                           short(aw[1], 400))
    if bcr != awr:
        return "STS calls differ: botocore %s | awsrole %s" % (short(bcr, 500), short(awr, 500))
    if bc[1] != aw[1]:
        return "credentials differ: botocore %s | awsrole %s" % (short(bc[1]), short(aw[1]))
    return None


def check_doctor_finding(binary, case, env):
    spec = case.get("doctor")
    if not spec or spec.get("level") is None:
        return None
    rc, findings, why = doctor_findings(binary, case, env)
    if why:
        return why
    if find_finding(findings, profile_of(case), spec) is None:
        return "doctor has no %s finding for [%s] with %s: %s" % (
            spec["level"], profile_of(case), spec["words"], short(findings, 500))
    return None


# ---------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    keep = only = None
    while args:
        a = args.pop(0)
        if a == "--keep":
            keep = args.pop(0)
        elif a == "--list":
            for c in CASES:
                print("%s\t%s\t%s" % (c["point"], c["kind"], c["name"]))
            return 0
        else:
            only = a
    binary = os.path.abspath(os.environ.get("AWSROLE_BIN", "./awsrole"))
    if not os.access(binary, os.X_OK):
        print("FAIL compat/setup: no awsrole binary at %s" % binary)
        print("compat_diff: 0 passed, 1 failed")
        return 1
    top = tempfile.mkdtemp(prefix="compat_diff.")
    pki = os.environ.get("PKI_DIR")
    if not pki:
        pki = os.path.join(top, "pki")
        subprocess.run(["bash", os.path.join(PEERS, "pki.sh"), pki], check=True,
                       capture_output=True)
    cases = [c for c in CASES if not only or only in c["name"]]
    npass = nfail = 0

    def report(name, why, d):
        nonlocal npass, nfail
        if why is None:
            npass += 1
            print("ok compat/%s" % name)
            return
        nfail += 1
        print("FAIL compat/%s: %s" % (name, why))
        if keep:
            shutil.copytree(d, os.path.join(keep, name.replace(" ", "_")), dirs_exist_ok=True)

    peers = None
    try:
        # botocore first for the endpoint cases: their host names go into the certificate.
        pre = {}
        hosts = set()
        for n, c in enumerate(cases):
            if c["kind"] != E:
                continue
            d = os.path.join(top, "%03d" % n)
            write_case(c, d)
            env = case_env(c, d)
            dev = c.get("deviation") or {}
            b = botocore_endpoint(c, env)
            want = botocore_endpoint(c, apply_oracle(env, dev["oracle_env"])) \
                if "oracle_env" in dev else b
            pre[n] = (d, env, b, want)
            for r in b["requests"] + want["requests"]:
                hosts.add(urllib.parse.urlsplit(r["url"]).hostname)
            for v in list(c["env"].values()) + [c["config"], c["credentials"]]:
                hosts.update(h.lower() for h in re.findall(r"https?://([A-Za-z0-9.-]+)", v))
        peers = Peers(top, pki, hosts)
        for n, c in enumerate(cases):
            name = c["name"]
            dev = c.get("deviation")
            if dev:
                print("# deviation %s: %s" % (name, dev["reason"]))
            if c["kind"] == E:
                d, env, b, want = pre[n]
                if dev:
                    print("# %s: botocore as is: %s" % (name, bc_summary(b)))
                report(name + " [doctor]", check_doctor_endpoint(binary, c, env, want), d)
                report(name + " [wire]", check_wire(binary, c, env, want, peers), d)
                if c.get("doctor") and c["doctor"].get("level"):
                    report(name + " [finding]", check_doctor_finding(binary, c, env), d)
                continue
            d = os.path.join(top, "%03d" % n)
            write_case(c, d)
            extra = {"AWS_ENDPOINT_URL_STS": peers.sts_url, "AWS_CA_BUNDLE": peers.ca}
            if c.get("region", True):
                extra["AWS_DEFAULT_REGION"] = "us-east-1"  # the point under test is not 19
            env = case_env(c, d, extra)
            bc, bcr = botocore_creds(c, env, peers)
            aw, awr = awsrole_creds(binary, c, env, peers)
            if dev or bc[0] == "error":
                print("# %s: botocore: %s" % (name, short(bc[1], 300)))
            report(name, compare_creds(c, bc, bcr, aw, awr), d)
            if c.get("doctor"):
                report(name + " [finding]", check_doctor_finding(binary, c, env), d)
    finally:
        if peers:
            peers.stop()
        shutil.rmtree(top, ignore_errors=True)
    print("compat_diff: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
