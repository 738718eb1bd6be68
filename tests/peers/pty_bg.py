#!/usr/bin/env python3
"""pty_bg.py [options] -- CMD... — run CMD on a pseudo-terminal in the background, as a person at a
terminal would: answer its prompts from a script, log the terminal, and pass Ctrl-C on.

CMD gets a new session whose controlling terminal is the pty (stdin, stderr and /dev/tty are the
terminal); its stdout is the terminal too, or the file --out.  Start this script with `&`.

Options:
  --tty-log F         everything CMD writes on the terminal is appended here (flushed at once)
  --out F             CMD's stdout goes to F (default: the terminal, i.e. into --tty-log too)
  --pidfile F         CMD's pid, written once it runs (atomically: the file's existence = started)
  --status-file F     CMD's exit status, written when it ends ("N", or "signal N")
  --expect T --send S one step of the script, in order: wait until T appears on the terminal
                      (after the previous step's match), then type S ("\\n", "\\x03" escapes work).
                      Repeatable; the steps run one after the other.
  --each T --send-each S
                      every time T appears on the terminal (anywhere, also between script steps),
                      type S.  S may contain {n} (1, 2, ... the count of T's matches so far) with
                      Python format specs, e.g. "31{n:04d}\\n" types 310001, 310002, ... (fresh
                      MFA codes for each renewal prompt).  Repeatable (pairs).  A script step
                      pending for the same text takes the occurrence first: one prompt, one answer.
  --ctl F             a file of later steps: each line appended to F, "expect<TAB>T<TAB>S" (a step
                      queued after the others) or "send<TAB>S" (typed at once), is read within 50 ms.
                      Escapes as for --send.  Lets a test answer a prompt when it chooses to.
  --events F          one line per action, appended: "matched STEP T", "sent STEP", "each T N",
                      "exit STATUS" (for a test that waits for a step to have happened)
  --timeout S         CMD is killed (SIGKILL to its process group) after S seconds (default 180)

Signals: SIGINT and SIGTERM sent to this script are passed to CMD's process group (as Ctrl-C on
the terminal would send SIGINT); then it keeps reading until CMD ends.
Exit status: CMD's (128+N if a signal N ended it), 124 when --timeout ran out.
"""
import argparse
import os
import pty
import select
import signal
import sys
import time


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1")


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: pty_bg.py [options] -- CMD...")
    i = argv.index("--")
    opts, cmd = argv[:i], argv[i + 1:]
    if not cmd:
        sys.exit("pty_bg: no command")
    ap = argparse.ArgumentParser(prog="pty_bg.py")
    ap.add_argument("--tty-log", required=True)
    ap.add_argument("--out")
    ap.add_argument("--pidfile")
    ap.add_argument("--status-file")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--each", action="append", default=[])
    ap.add_argument("--send-each", action="append", default=[])
    ap.add_argument("--ctl")
    ap.add_argument("--events")
    ap.add_argument("--timeout", type=float, default=180)
    a = ap.parse_args(opts)
    if len(a.expect) != len(a.send):
        sys.exit("pty_bg: --expect and --send come in pairs")
    if len(a.each) != len(a.send_each):
        sys.exit("pty_bg: --each and --send-each come in pairs")
    steps = [(e.encode(), unescape(s)) for e, s in zip(a.expect, a.send)]
    each = [[t.encode(), s, 0, 0] for t, s in zip(a.each, a.send_each)]  # text, template, pos, count

    ev = open(a.events, "a", buffering=1) if a.events else None

    def event(line):
        if ev:
            ev.write(line + "\n")

    out_fd = None
    if a.out:
        out_fd = os.open(a.out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    master, slave = pty.openpty()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.close(master)
        import fcntl
        import termios
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.dup2(out_fd if out_fd is not None else slave, 1)
        os.dup2(slave, 2)
        if slave > 2:
            os.close(slave)
        if out_fd is not None and out_fd > 2:
            os.close(out_fd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, f"pty_bg: {cmd[0]}: {e}\n".encode())
            os._exit(127)
    os.close(slave)
    if out_fd is not None:
        os.close(out_fd)
    if a.pidfile:
        write_atomic(a.pidfile, f"{pid}\n")

    pending = []

    def forward(signum, _frame):
        pending.append(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)

    ctl_pos = 0
    buf = b""
    seen = 0          # script steps search from here
    step_no = 0
    deadline = time.monotonic() + a.timeout
    status = None
    timed_out = False
    master_open = True
    log = open(a.tty_log, "ab")

    def poll_ctl():
        nonlocal ctl_pos
        if not a.ctl:
            return
        try:
            with open(a.ctl, "rb") as f:
                f.seek(ctl_pos)
                data = f.read()
        except FileNotFoundError:
            return
        # only whole lines
        end = data.rfind(b"\n")
        if end < 0:
            return
        ctl_pos += end + 1
        for line in data[:end].split(b"\n"):
            parts = line.decode().split("\t")
            if parts[0] == "expect" and len(parts) == 3:
                steps.append((parts[1].encode(), unescape(parts[2])))
            elif parts[0] == "send" and len(parts) == 2:
                try:
                    os.write(master, unescape(parts[1]))
                    event("sent ctl")
                except OSError:
                    pass

    consumed = set()  # where on the terminal a step or an --each already answered

    def find_free(text, start):
        while True:
            idx = buf.find(text, start)
            if idx < 0 or idx not in consumed:
                return idx
            start = idx + 1

    def answer():
        """Type the answer to every prompt on the terminal: the script's next steps first (in
        order), then --each for the occurrences no step took.  One occurrence, one answer."""
        nonlocal seen, step_no
        while steps:
            idx = find_free(steps[0][0], seen)
            if idx < 0:
                break
            consumed.add(idx)
            seen = idx + len(steps[0][0])
            step_no += 1
            event(f"matched {step_no} {steps[0][0].decode(errors='replace')}")
            try:
                os.write(master, steps[0][1])
            except OSError:
                pass
            event(f"sent {step_no}")
            steps.pop(0)
        for e in each:
            while True:
                idx = find_free(e[0], e[2])
                if idx < 0:
                    break
                consumed.add(idx)
                e[2] = idx + len(e[0])
                e[3] += 1
                try:
                    os.write(master, unescape(e[1].format(n=e[3])))
                except OSError:
                    pass
                event(f"each {e[0].decode(errors='replace')} {e[3]}")

    while True:
        while pending:
            signum = pending.pop(0)
            try:
                os.killpg(pid, signum)
            except ProcessLookupError:
                pass
            event(f"signal {signum}")
        poll_ctl()
        answer()
        if time.monotonic() >= deadline:
            timed_out = True
            break
        r = []
        if master_open:
            try:
                r, _, _ = select.select([master], [], [], 0.05)
            except InterruptedError:
                r = []
        else:
            time.sleep(0.05)
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
            master_open = False  # EIO: every holder of the terminal closed it
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid:
            status = st
            while master_open:
                try:
                    r, _, _ = select.select([master], [], [], 0.05)
                    data = os.read(master, 4096) if r else b""
                except OSError:
                    data = b""
                if not data:
                    break
                log.write(data)
                log.flush()
            break
    log.close()
    if timed_out:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        sys.stderr.write(f"pty_bg: timed out after {a.timeout:g} s"
                         + (f", waiting for {steps[0][0]!r}" if steps else "") + "\n")
        if a.status_file:
            write_atomic(a.status_file, "timeout\n")
        event("exit timeout")
        sys.exit(124)
    if os.WIFEXITED(status):
        rc, txt = os.WEXITSTATUS(status), str(os.WEXITSTATUS(status))
    else:
        rc, txt = 128 + os.WTERMSIG(status), f"signal {os.WTERMSIG(status)}"
    if a.status_file:
        write_atomic(a.status_file, txt + "\n")
    event(f"exit {txt}")
    sys.exit(rc)


if __name__ == "__main__":
    main()
