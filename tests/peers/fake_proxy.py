#!/usr/bin/env python3
"""fake_proxy.py — an HTTP CONNECT proxy that logs where a client wanted to go (stdlib only).

Usage:
  fake_proxy.py --portfile P [--log L] [--port 0] [--target-port N | --refuse STATUS]

Every CONNECT host:port is logged ({"method", "target", "headers"}) and then either tunnelled to
127.0.0.1:--target-port (whatever the client asked for: e.g. to a fake_sts.py that serves the
pki.sh "aws" certificate, so a client using the default https://sts.REGION.amazonaws.com
endpoint reaches it without any network) or refused with --refuse STATUS (default 403).
Nothing ever leaves the machine.  Plain (non-CONNECT) requests get 405.
"""
import argparse
import http.server
import os
import select
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import log_json, write_portfile  # noqa: E402


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def _log(self, status):
        log_json(self.server.args.log, {
            "method": self.command, "target": self.path, "status": status,
            "headers": {k.lower(): v for k, v in self.headers.items()}})

    def _refuse(self, status):
        self._log(status)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def do_CONNECT(self):
        a = self.server.args
        if not a.target_port:
            return self._refuse(a.refuse)
        try:
            up = socket.create_connection(("127.0.0.1", a.target_port), timeout=10)
        except OSError:
            return self._refuse(502)
        self._log(200)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        socks = [self.connection, up]
        try:
            while True:
                r, _, _ = select.select(socks, [], [], 60)
                if not r:
                    break
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    (up if s is self.connection else self.connection).sendall(data)
        except OSError:
            pass
        finally:
            up.close()

    def do_GET(self):
        self._refuse(405)

    do_POST = do_PUT = do_HEAD = do_GET


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--log", default="")
    ap.add_argument("--target-port", type=int, default=0)
    ap.add_argument("--refuse", type=int, default=403)
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
