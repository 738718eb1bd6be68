#!/usr/bin/env python3
"""scoped_client.py — call STS GetScopedCredentials with botocore (its serializer, SigV4 signer
and XML parser; the operation itself comes from scoped_model.py, since botocore has none).

Usage:
  scoped_client.py --region R [--endpoint-url URL] [--ca FILE]
                   [--policy TEXT | --policy-file F] [--duration N] [--min-token-size N]
                   [--description TEXT] [--env-out FILE]

Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN from the environment
(nothing else is read: no config files, no profile).  Without --endpoint-url botocore resolves
the endpoint (regional: https://sts.R.amazonaws.com; HTTPS_PROXY is honoured).

Output (stdout), one JSON object:
  {"ok": true, "response": {...botocore's parsed response, times as ISO 8601...},
   "status": 200, "raw": "<the response XML>", "request_body": "Action=...", "request_host": H}
  {"ok": false, "code": "InsufficientSessionLifetime", "message": "...", "status": 400,
   "raw": ..., "request_body": ..., "request_host": ...}
Exit status: 0 success, 1 an error answer from STS, 2 anything else (connection, usage).
--env-out FILE: on success, also write AWS_ACCESS_KEY_ID=... / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN lines (sh syntax) for the new credentials.
"""
import argparse
import datetime
import json
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scoped_model  # noqa: E402


def jsonable(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--region", required=True)
    ap.add_argument("--endpoint-url")
    ap.add_argument("--ca")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--policy")
    g.add_argument("--policy-file")
    ap.add_argument("--duration", type=int)
    ap.add_argument("--min-token-size", type=int)
    ap.add_argument("--description")
    ap.add_argument("--env-out")
    a = ap.parse_args()

    import botocore.config
    import botocore.exceptions

    kwargs = {}
    if a.policy is not None:
        kwargs["Policy"] = a.policy
    if a.policy_file:
        with open(a.policy_file, encoding="utf-8") as f:
            kwargs["Policy"] = f.read()
    if a.duration is not None:
        kwargs["DurationSeconds"] = a.duration
    if a.min_token_size is not None:
        kwargs["MinimumSessionTokenSize"] = a.min_token_size
    if a.description is not None:
        kwargs["ScopedSessionDescription"] = a.description

    for v in list(os.environ):
        if v.startswith("AWS_") and v not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            del os.environ[v]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    cl = scoped_model.client(
        region_name=a.region, endpoint_url=a.endpoint_url, verify=a.ca if a.ca else True,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                      parameter_validation=False))
    seen = {}

    def before_send(request, **_):
        b = request.body
        seen["request_body"] = b.decode("utf-8") if isinstance(b, bytes) else b
        seen["request_host"] = request.headers.get("Host") or request.url.split("/")[2]

    def before_parse(response_dict, **_):
        seen["status"] = response_dict.get("status_code")
        b = response_dict.get("body") or b""
        seen["raw"] = b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)

    cl.meta.events.register("before-send.sts.GetScopedCredentials", before_send)
    cl.meta.events.register("before-parse.sts.GetScopedCredentials", before_parse)
    try:
        r = cl.get_scoped_credentials(**kwargs)
    except botocore.exceptions.ClientError as e:
        err = e.response.get("Error", {})
        out = {"ok": False, "code": err.get("Code"), "message": err.get("Message"),
               "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
               "exception": type(e).__name__}
        out.update(seen)
        print(json.dumps(out, sort_keys=True))
        return 1
    except Exception as e:
        print(json.dumps({"ok": False, "code": None, "message": f"{type(e).__name__}: {e}", **seen}))
        return 2
    r = jsonable(r)
    out = {"ok": True, "response": r}
    out.update(seen)
    print(json.dumps(out, sort_keys=True))
    if a.env_out:
        c = r["Credentials"]
        with open(a.env_out, "w") as f:
            f.write(f"AWS_ACCESS_KEY_ID={shlex.quote(c['AccessKeyId'])}\n"
                    f"AWS_SECRET_ACCESS_KEY={shlex.quote(c['SecretAccessKey'])}\n"
                    f"AWS_SESSION_TOKEN={shlex.quote(c['SessionToken'])}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
