#!/usr/bin/env python3
"""pty_run.py [--expect TEXT --send TEXT]... [--timeout S] --tty-log F -- CMD...

Run CMD as if a person sat at a terminal: CMD gets a new session whose controlling terminal is
a pseudo-terminal (stdin and stderr are the terminal; stdout stays this process's stdout, so a
test can still read what CMD prints there).  Each --expect/--send pair waits until TEXT has
appeared on the terminal (since the previous match), then types --send ("\\n" escapes work).
Everything CMD wrote to the terminal goes to --tty-log.  Exit status: CMD's, or 124 when
--timeout (default 30 s) ran out or an expected text never came (then the terminal output so far
is in the log and "pty_run: waiting for ..." on stderr).
"""
import argparse
import os
import pty
import select
import signal
import sys
import time


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: pty_run.py [--expect T --send T]... --tty-log F -- CMD...")
    i = argv.index("--")
    opts, cmd = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser()
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--tty-log", required=True)
    a = ap.parse_args(opts)
    if len(a.expect) != len(a.send):
        sys.exit("pty_run: --expect and --send come in pairs")
    steps = [(e.encode(), s.encode().decode("unicode_escape").encode("latin-1"))
             for e, s in zip(a.expect, a.send)]

    master, slave = pty.openpty()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.close(master)
        import fcntl
        import termios
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.dup2(slave, 2)
        if slave > 2:
            os.close(slave)
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, f"pty_run: {cmd[0]}: {e}\n".encode())
            os._exit(127)
    os.close(slave)
    buf = b""
    seen = 0
    deadline = time.monotonic() + a.timeout
    status = None
    timed_out = False
    with open(a.tty_log, "wb") as log:
        while True:
            if steps:
                idx = buf.find(steps[0][0], seen)
                if idx >= 0:
                    seen = idx + len(steps[0][0])
                    os.write(master, steps[0][1])
                    steps.pop(0)
                    continue
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            try:
                r, _, _ = select.select([master], [], [], min(left, 0.1))
            except InterruptedError:
                r = []
            if r:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""
                if data:
                    buf += data
                    log.write(data)
                    log.flush()
                    continue
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid:
                status = st
                # drain what is left
                while True:
                    try:
                        r, _, _ = select.select([master], [], [], 0.05)
                        data = os.read(master, 4096) if r else b""
                    except OSError:
                        data = b""
                    if not data:
                        break
                    log.write(data)
                break
    if timed_out:
        if steps:
            sys.stderr.write(f"pty_run: waiting for {steps[0][0]!r}\n")
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.exit(124)
    if os.WIFEXITED(status):
        sys.exit(os.WEXITSTATUS(status))
    sys.exit(128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
