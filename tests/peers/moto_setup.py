#!/usr/bin/env python3
"""moto_setup.py URL CA ENVFILE — populate a fresh moto_logged.py server and write ENVFILE.

The server must run with INITIAL_NO_AUTH_ACTION_COUNT=SETUP_CALLS (printed by --count).
This script makes exactly SETUP_CALLS unauthenticated calls, then checks that signature
checking is on, and writes shell `export` lines to ENVFILE.

moto quirk (5.2.1): do NOT set MOTO_ACCOUNT_ID.  It pins *every* request to that account, so
credentials from AssumeRole into another account (111111111111) are then looked up in the
wrong account and rejected with InvalidClientTokenId.  Instead the setup calls carry the
`x-moto-account-id` header; afterwards moto finds each access key's own account.

What it creates:
  account 333333333333: user example.user + access key + inline policy sts:AssumeRole and
                        sts:GetSessionToken on * (moto wants a permission for the latter)
                        role RoleBase     (trusts example.user)
                        role RoleExternal (trusts example.user only with sts:ExternalId=ext-12345)
                        role RoleNoTrust  (trusts someone else: AssumeRole -> AccessDenied)
                        role MfaSession   (trusts example.user; the user's permissions): what
                                          moto_logged.py's GetSessionToken answers are sessions of
  account 111111111111: role RoleA        (trusts example.user; inline policy Allow *)
  account 222222222222: role RoleReadOnly (trusts example.user; inline policy s3:List*/Get*)
moto enforces trust policies only for roles in the caller's own account (and of conditions,
only sts:ExternalId); AssumeRole into another account always succeeds, any MFA code passes.
"""
import json
import shlex
import sys

import boto3
import botocore
from botocore.config import Config

BASE = "333333333333"
USER_ARN = f"arn:aws:iam::{BASE}:user/example.user"
MFA = f"arn:aws:iam::{BASE}:mfa/example.user"
SETUP_CALLS = 12

calls = 0


def trust(principal, cond=None):
    st = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if cond:
        st["Condition"] = cond
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


def allow(actions):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def client(url, ca, svc, account=None, **creds):
    creds.setdefault("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE")
    creds.setdefault("aws_secret_access_key", "setup-secret-unused")
    s = boto3.session.Session(region_name="us-east-1", **creds)
    c = s.client(svc, endpoint_url=url, verify=ca,
                 config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    if account:
        def add(request, **kw):
            global calls
            request.headers["x-moto-account-id"] = account
        c.meta.events.register("before-sign.*.*", add)

    def count(**kw):
        global calls
        calls += 1
    c.meta.events.register("before-send.*.*", count)
    return c


def main():
    if sys.argv[1:] == ["--count"]:
        print(SETUP_CALLS)
        return
    url, ca, envfile = sys.argv[1:4]
    global calls

    iam = client(url, ca, "iam", BASE)
    iam.create_user(UserName="example.user")
    key = iam.create_access_key(UserName="example.user")["AccessKey"]
    # Real STS needs no permission for GetSessionToken; moto does, so grant it.
    iam.put_user_policy(UserName="example.user", PolicyName="assume-any",
                        PolicyDocument=allow(["sts:AssumeRole", "sts:GetSessionToken"]))
    iam.create_role(RoleName="RoleBase", AssumeRolePolicyDocument=trust(USER_ARN))
    iam.create_role(RoleName="RoleExternal", AssumeRolePolicyDocument=trust(
        USER_ARN, {"StringEquals": {"sts:ExternalId": "ext-12345"}}))
    iam.create_role(RoleName="RoleNoTrust",
                    AssumeRolePolicyDocument=trust(f"arn:aws:iam::{BASE}:user/someone.else"))
    # GetSessionToken's sessions (moto_logged.py): the user's own permissions.
    iam.create_role(RoleName="MfaSession", AssumeRolePolicyDocument=trust(USER_ARN), MaxSessionDuration=43200)
    iam.put_role_policy(RoleName="MfaSession", PolicyName="as-the-user",
                        PolicyDocument=allow(["sts:AssumeRole", "sts:GetSessionToken"]))
    for acct, role, pol in (("111111111111", "RoleA", allow("*")),
                            ("222222222222", "RoleReadOnly", allow(["s3:List*", "s3:Get*"]))):
        c = client(url, ca, "iam", acct)
        c.create_role(RoleName=role, AssumeRolePolicyDocument=trust(USER_ARN), MaxSessionDuration=3600)
        c.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=pol)
    if calls != SETUP_CALLS:
        sys.exit(f"moto_setup: made {calls} setup calls, expected {SETUP_CALLS}")

    # From here on every request is authenticated.
    akid, secret = key["AccessKeyId"], key["SecretAccessKey"]
    sts = client(url, ca, "sts", aws_access_key_id=akid, aws_secret_access_key=secret)
    arn = sts.get_caller_identity()["Arn"]
    if arn != USER_ARN:
        sys.exit(f"moto_setup: GetCallerIdentity says {arn}, expected {USER_ARN}")
    bad = client(url, ca, "sts", aws_access_key_id=akid, aws_secret_access_key=secret + "x")
    try:
        bad.get_caller_identity()
        sys.exit("moto_setup: a wrong secret was accepted: signature checking is off")
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] != "SignatureDoesNotMatch":
            sys.exit(f"moto_setup: wrong secret gave {e.response['Error']['Code']}")

    env = {
        "MOTO_URL": url,
        "MOTO_CA": ca,
        "BASE_ACCOUNT": BASE,
        "BASE_USER_ARN": USER_ARN,
        "BASE_MFA_SERIAL": MFA,
        "BASE_AKID": akid,
        "BASE_SECRET": secret,
    }
    with open(envfile, "w") as f:
        for k, v in env.items():
            f.write(f"export {k}={shlex.quote(v)}\n")


if __name__ == "__main__":
    main()
