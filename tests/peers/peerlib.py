"""peerlib.py — small shared pieces of the fake peers (stdlib only)."""
import datetime
import http.server
import json
import os
import re
import threading
import time

_log_lock = threading.Lock()


def iso8601(ts):
    """UTC ISO 8601 with a Z, as STS writes it: 2026-11-28T14:28:22Z."""
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def log_json(path, rec):
    """Append one JSON line to path (no-op when path is empty)."""
    if not path:
        return
    rec.setdefault("ts", time.time())
    line = json.dumps(rec, sort_keys=True) + "\n"
    with _log_lock:
        with open(path, "a") as f:
            f.write(line)


def write_portfile(path, port):
    """Atomically write the port: the file's existence means "listening"."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1, a 60 s idle timeout, nothing on stderr; the server has the parsed args at .args."""
    protocol_version = "HTTP/1.1"
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def log_exchange(self, status, target="path"):
        """One JSON line in --log: method, the request target (under the key `target`), status, headers."""
        log_json(self.server.args.log, {
            "method": self.command, target: self.path, "status": status,
            "headers": {k.lower(): v for k, v in self.headers.items()}})

    def send_body(self, status, data, ctype):
        """Log the exchange, then answer with data (bytes; not written for HEAD).  Logged first:
        a client that sends its next request as soon as it has this answer must find this one
        logged before that one (the IMDS PUT-then-GETs order)."""
        self.log_exchange(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def add_server_args(ap):
    """Options every fake takes: where it listens, its port file, its JSON log."""
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--log", default="")


def http_server(args, handler):
    """A threading HTTP server on --host/--port; the handler finds args at self.server.args."""
    srv = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    srv.daemon_threads = True
    srv.args = args
    return srv


def serve(srv, args):
    """Create the log, write the port file (now ready), serve until interrupted."""
    if args.log:
        open(args.log, "a").close()
    write_portfile(args.portfile, srv.server_address[1])
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


def parse_auth(auth):
    """Split a SigV4 Authorization header into loggable fields (never the signature)."""
    out = {"akid": None, "scope": None, "scope_date": None, "scope_region": None,
           "scope_service": None, "signed_headers": None, "auth_scheme": None}
    if not auth:
        return out
    out["auth_scheme"] = auth.split(" ", 1)[0]
    m = re.search(r"Credential=([^,\s]+)", auth)
    if m:
        parts = m.group(1).split("/")
        out["akid"] = parts[0]
        out["scope"] = "/".join(parts[1:])
        if len(parts) >= 5:
            out["scope_date"], out["scope_region"], out["scope_service"] = parts[1], parts[2], parts[3]
    m = re.search(r"SignedHeaders=([^,\s]+)", auth)
    if m:
        out["signed_headers"] = m.group(1)
    return out


def add_cred_args(ap):
    """Options for the credentials a metadata-style fake hands out."""
    ap.add_argument("--akid", default="ASIAFAKEIMDSEXAMPLE1")
    ap.add_argument("--secret", default="fakeImdsSecretKeyForTestsOnlyEXAMPLE000")
    ap.add_argument("--token", dest="session_token", default="fake-session-token-EXAMPLE")
    ap.add_argument("--expiration-offset", type=int, default=3600,
                    help="Expiration = now + this many seconds")
    ap.add_argument("--expiration", default=None, help="literal Expiration string")
    ap.add_argument("--creds-file", default=None,
                    help="JSON {AccessKeyId, SecretAccessKey, Token, Expiration|expiration_offset}, "
                         "re-read on every request (overrides the other options)")


def load_creds(args):
    c = {"AccessKeyId": args.akid, "SecretAccessKey": args.secret, "Token": args.session_token}
    offset = args.expiration_offset
    exp = args.expiration
    if args.creds_file:
        with open(args.creds_file) as f:
            d = json.load(f)
        for k in ("AccessKeyId", "SecretAccessKey", "Token"):
            if k in d:
                c[k] = d[k]
        if "SessionToken" in d and "Token" not in d:
            c["Token"] = d["SessionToken"]
        offset = d.get("expiration_offset", offset)
        exp = d.get("Expiration", exp)
    c["Expiration"] = exp if exp else iso8601(time.time() + offset)
    return c
