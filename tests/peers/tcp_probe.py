#!/usr/bin/env python3
"""tcp_probe.py HOST PORT [SECONDS] — exit 0 once HOST:PORT accepts a TCP connection.

Sends nothing: a bare connect, so it does not count as a request anywhere."""
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + float(sys.argv[3] if len(sys.argv) > 3 else 10)
while True:
    try:
        socket.create_connection((host, port), timeout=1).close()
        sys.exit(0)
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.05)
