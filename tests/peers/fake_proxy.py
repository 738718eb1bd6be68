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
import os
import select
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import QuietHandler, add_server_args, http_server, serve  # noqa: E402


class Handler(QuietHandler):
    def _refuse(self, status):
        self.log_exchange(status, target="target")
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
        self.log_exchange(200, target="target")
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
    add_server_args(ap)
    ap.add_argument("--target-port", type=int, default=0)
    ap.add_argument("--refuse", type=int, default=403)
    args = ap.parse_args()
    srv = http_server(args, Handler)
    serve(srv, args)


if __name__ == "__main__":
    main()
