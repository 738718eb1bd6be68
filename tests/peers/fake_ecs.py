#!/usr/bin/env python3
"""fake_ecs.py — ECS / EKS Pod Identity container credentials endpoint (plain HTTP, stdlib).

Usage:
  fake_ecs.py --portfile P [--log L] [--port 0] [--path /v2/credentials/awsrole-test]
              [--auth-token T] [--akid ..] [--secret ..] [--token ..]
              [--expiration-offset N | --expiration S] [--creds-file F] [--role-arn ARN]
              [--status N] [--delay S]

  GET PATH -> {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}
  With --auth-token, the Authorization header must equal it exactly, else 401
  ({"code": "AccessDenied", ...}).  Other paths -> 404.  --status forces an error status.
  --creds-file is re-read per request.
Logs one JSON line per request: method, path, headers, status.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import QuietHandler, add_cred_args, add_server_args, http_server, load_creds, serve  # noqa: E402


class Handler(QuietHandler):
    def send(self, status, doc):
        self.send_body(status, json.dumps(doc, indent=2).encode(), "application/json")

    def do_GET(self):
        a = self.server.args
        if a.delay:
            time.sleep(a.delay)
        if self.path != a.path:
            return self.send(404, {"code": "NotFound", "message": "no such path"})
        if a.auth_token is not None and self.headers.get("Authorization") != a.auth_token:
            return self.send(401, {"code": "AccessDenied", "message": "bad or missing Authorization"})
        if a.status:
            return self.send(a.status, {"code": "InternalError", "message": "forced status"})
        c = load_creds(a)
        c["RoleArn"] = a.role_arn
        return self.send(200, c)

    do_HEAD = do_GET


def main():
    ap = argparse.ArgumentParser()
    add_server_args(ap)
    ap.add_argument("--path", default="/v2/credentials/awsrole-test")
    ap.add_argument("--auth-token", default=None)
    ap.add_argument("--role-arn", default="arn:aws:iam::333333333333:role/RoleBase")
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0)
    add_cred_args(ap)
    args = ap.parse_args()
    srv = http_server(args, Handler)
    serve(srv, args)


if __name__ == "__main__":
    main()
