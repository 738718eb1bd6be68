#!/usr/bin/env python3
"""fake_imds.py — EC2 instance metadata service, IMDSv2 only (plain HTTP, stdlib only).

Usage:
  fake_imds.py --portfile P [--log L] [--port 0] [--role NAME] [--region R]
               [--akid ..] [--secret ..] [--token ..] [--expiration-offset N | --expiration S]
               [--creds-file F] [--allow-v1] [--delay S] [--token-delay S]

  PUT  /latest/api/token   needs X-aws-ec2-metadata-token-ttl-seconds (1..21600), else 400;
                           answers a token valid for that many seconds.  A PUT carrying
                           X-Forwarded-For is refused (403), as on EC2.
  GET  /latest/meta-data/iam/security-credentials/        -> the role name
  GET  /latest/meta-data/iam/security-credentials/<role>  -> {"Code": "Success", "LastUpdated",
       "Type": "AWS-HMAC", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
  GET  /latest/meta-data/placement/region                 -> the region
  Every GET needs a valid X-aws-ec2-metadata-token header, else 401 (unless --allow-v1).
  --creds-file is re-read per request, so a test can hand out fresh (moto-valid) keys.
  --delay sleeps before every GET answer, --token-delay before the token answer (timeouts).
Logs one JSON line per request: method, path, headers, status.
"""
import argparse
import json
import os
import secrets
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import (QuietHandler, add_cred_args, add_server_args, http_server,  # noqa: E402
                     iso8601, load_creds, serve)

CREDS_PREFIX = "/latest/meta-data/iam/security-credentials/"


class Handler(QuietHandler):
    server_version = "EC2ws"

    def send(self, status, body, ctype="text/plain"):
        self.send_body(status, body.encode("utf-8"), ctype)

    def do_PUT(self):
        a = self.server.args
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if self.path != "/latest/api/token":
            return self.send(404, "Not Found")
        if a.token_delay:
            time.sleep(a.token_delay)
        if "X-Forwarded-For" in self.headers:
            return self.send(403, "Forbidden")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        try:
            ttl = int(ttl)
        except (TypeError, ValueError):
            return self.send(400, "Bad Request")
        if not 1 <= ttl <= 21600:
            return self.send(400, "Bad Request")
        tok = "fake-imds-token-" + secrets.token_hex(16)
        with self.server.lock:
            self.server.tokens[tok] = time.time() + ttl
        self.send(200, tok)

    def authorized(self):
        if self.server.args.allow_v1:
            return True
        tok = self.headers.get("X-aws-ec2-metadata-token")
        with self.server.lock:
            exp = self.server.tokens.get(tok or "")
        return exp is not None and exp > time.time()

    def do_GET(self):
        a = self.server.args
        if a.delay:
            time.sleep(a.delay)
        if not self.authorized():
            return self.send(401, "Unauthorized")
        if self.path == "/latest/meta-data/placement/region":
            return self.send(200, a.region)
        if self.path in (CREDS_PREFIX, CREDS_PREFIX.rstrip("/")):
            return self.send(200, a.role)
        if self.path.startswith(CREDS_PREFIX):
            name = self.path[len(CREDS_PREFIX):]
            if name != a.role:
                return self.send(404, "Not Found")
            c = load_creds(a)
            doc = {"Code": "Success", "LastUpdated": iso8601(time.time()), "Type": "AWS-HMAC",
                   "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                   "Token": c["Token"], "Expiration": c["Expiration"]}
            return self.send(200, json.dumps(doc, indent=2), "text/plain")
        return self.send(404, "Not Found")

    do_HEAD = do_GET


def main():
    ap = argparse.ArgumentParser()
    add_server_args(ap)
    ap.add_argument("--role", default="awsrole-test-instance-role")
    ap.add_argument("--region", default="ap-northeast-1")
    ap.add_argument("--allow-v1", action="store_true")
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--token-delay", type=float, default=0)
    add_cred_args(ap)
    args = ap.parse_args()
    srv = http_server(args, Handler)
    srv.tokens = {}
    srv.lock = threading.Lock()
    serve(srv, args)


if __name__ == "__main__":
    main()
