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
import http.server
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import add_cred_args, load_creds, log_json, write_portfile  # noqa: E402


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def send(self, status, doc):
        data = json.dumps(doc, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        log_json(self.server.args.log, {
            "method": self.command, "path": self.path, "status": status,
            "headers": {k.lower(): v for k, v in self.headers.items()}})

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
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--log", default="")
    ap.add_argument("--path", default="/v2/credentials/awsrole-test")
    ap.add_argument("--auth-token", default=None)
    ap.add_argument("--role-arn", default="arn:aws:iam::333333333333:role/RoleBase")
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0)
    add_cred_args(ap)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    srv.daemon_threads = True
    srv.args = args
    if args.log:
        open(args.log, "a").close()
    write_portfile(args.portfile, srv.server_address[1])
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
