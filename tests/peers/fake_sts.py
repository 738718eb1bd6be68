#!/usr/bin/env python3
"""fake_sts.py — a scriptable HTTPS server that plays STS (python3 stdlib only).

Usage:
  fake_sts.py --cert C --key K --script S.json --log L.jsonl --portfile P
              [--port 0] [--host 127.0.0.1] [--tls-version 1.0|1.1|1.2|1.3] [--plain]

--plain serves HTTP instead of HTTPS.  --tls-version pins the protocol to exactly that version
(1.0 and 1.1 also lower OpenSSL's security level so that the old versions can be offered).

SCRIPT (re-read on every request; when its content changes, it starts from the top again):
  a JSON list of responses, or {"responses": [...]}.  Responses are used in order, one per
  request; the last one repeats.  Each response is an object:
    status               HTTP status (default 200)
    by_action            {Action: response, "*": response}: the response for the request's Action
    body                 response body (string), or
    body_file            file name: relative to the script's directory, else to sts_xml/, or
    body_repeat          N (N bytes of "A") or {"text": "...", "count": N}
    headers              {name: value}; Content-Type defaults to text/xml
    date_offset          send "Date: now+N seconds" (clock-skew tests); a Date in headers wins
    expiration_offset    {{EXPIRATION}} = now + N seconds (default 3600)
    expiration           literal text for {{EXPIRATION}}
    delay_before         seconds to wait before answering
    drip                 send the body one byte every N seconds (slow loris)
    drip_headers         with drip: drip the status line and headers too
    close_without_response   read the request, then close the connection
    truncate_after       declare the full Content-Length, send only N body bytes, close
    omit_content_length  no Content-Length: body ends when the connection closes
    content_length       send this Content-Length instead of the real one
  Substitutions in the body: {{EXPIRATION}} (2026-11-28T14:28:22Z), {{EXPIRATION_FRAC}}
  (...22.646586Z), {{EXPIRATION_PLUS}} (...22+00:00), {{NOW}} {{REQUEST_ID}} {{PARAM:Name}} (a request
  form field, XML-escaped) {{ROLE_ARN}} {{ROLE_ACCOUNT}} {{ROLE_NAME}} {{SESSION_NAME}}
  {{AKID}} (the caller's access key id from Authorization).

LOG: one JSON line per request: {"event": "request", "n" (1-based request number), "index"
(script entry used), "method", "path", "host", "headers" {lower-case name: value}, "params",
"body", "tls_version", "sni", "akid", "scope", "scope_date", "scope_region", "scope_service",
"signed_headers", "security_token", "body_b64" (the raw body bytes, base64: "body" is decoded
with replacement)}, {"event": "tls_error", "error", "peer"} when a TLS
handshake fails (e.g. the client rejected our certificate), and {"event": "probe"} for a
connection closed before it sent a byte (tcp_probe.py), {"event": "no_request"} for a connection
that completed the handshake but sent no request (a TLS 1.3 client that then rejected our
certificate without an alert).

Readiness: the port file appears once the socket listens (then probe with tcp_probe.py).
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import add_server_args, http_date, iso8601, log_json, parse_auth, serve  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
XML_DIR = os.path.join(HERE, "sts_xml")


class Script:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.digest = None
        self.index = 0
        self.count = 0

    def next(self):
        with self.lock:
            self.count += 1
            try:
                with open(self.path, "rb") as f:
                    raw = f.read()
            except OSError:
                raw = b"[]"
            digest = hashlib.sha256(raw).hexdigest()
            if digest != self.digest:
                self.digest = digest
                self.index = 0
            try:
                doc = json.loads(raw.decode("utf-8") or "[]")
            except ValueError as e:
                return self.count, -1, {"status": 599, "body": f"fake_sts: bad script: {e}"}
            items = doc.get("responses", []) if isinstance(doc, dict) else doc
            if not items:
                return self.count, -1, {"status": 200, "body_file": "get_caller_identity.xml"}
            i = min(self.index, len(items) - 1)
            self.index += 1
            return self.count, i, items[i]


def load_body(spec, script_path):
    if "body" in spec:
        return spec["body"].encode("utf-8")
    if "body_file" in spec:
        name = spec["body_file"]
        for d in (os.path.dirname(os.path.abspath(script_path)), XML_DIR):
            p = os.path.join(d, name)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    return f.read()
        return f"fake_sts: no such body_file {name}".encode()
    if "body_repeat" in spec:
        r = spec["body_repeat"]
        if isinstance(r, int):
            return b"A" * r
        return r.get("text", "A").encode("utf-8") * int(r.get("count", 1))
    return b""


def substitute(body, spec, params, auth):
    if b"{{" not in body:
        return body
    now = time.time()
    role_arn = params.get("RoleArn", "arn:aws:iam::111111111111:role/RoleA")
    parts = role_arn.split(":")
    account = parts[4] if len(parts) > 5 and parts[4] else "111111111111"
    role_name = role_arn.rsplit("/", 1)[-1]
    exp_ts = now + int(spec.get("expiration_offset", 3600))
    exp = spec.get("expiration") or iso8601(exp_ts)
    subs = {
        "EXPIRATION_FRAC": exp[:-1] + ".646586Z" if exp.endswith("Z") else exp,
        "EXPIRATION_PLUS": exp[:-1] + "+00:00" if exp.endswith("Z") else exp,
        "EXPIRATION": exp,
        "NOW": iso8601(now),
        "REQUEST_ID": str(uuid.uuid4()),
        "ROLE_ARN": role_arn,
        "ROLE_ACCOUNT": account,
        "ROLE_NAME": role_name,
        "SESSION_NAME": params.get("RoleSessionName", "awsrole-session"),
        "AKID": auth.get("akid") or "",
    }
    text = body.decode("utf-8", "replace")
    for k, v in subs.items():
        text = text.replace("{{" + k + "}}", escape(v))
    while "{{PARAM:" in text:
        a = text.index("{{PARAM:")
        b = text.find("}}", a)
        if b < 0:
            break
        name = text[a + 8:b]
        text = text[:a] + escape(params.get(name, "")) + text[b + 2:]
    return text.encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-sts/1"
    timeout = 120  # an idle or stuck connection does not hold a thread forever

    def log_message(self, fmt, *args):  # quiet
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        params = {}
        ctype = self.headers.get("Content-Type", "")
        if raw and "x-www-form-urlencoded" in ctype:
            params = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        query = urllib.parse.urlsplit(self.path).query
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
            params.setdefault(k, v)
        auth = parse_auth(self.headers.get("Authorization"))
        srv = self.server
        self.nreq = getattr(self, "nreq", 0) + 1
        n, index, spec = srv.script.next()
        rec = {
            "event": "request", "n": n, "index": index,
            "method": self.command, "path": self.path, "host": self.headers.get("Host"),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "params": params, "body": raw[:65536].decode("utf-8", "replace"),
            "body_b64": base64.b64encode(raw[:65536]).decode("ascii"),
            "tls_version": getattr(self.connection, "version", lambda: None)(),
            "sni": getattr(self.connection, "sni_name", None),
            "security_token": "X-Amz-Security-Token" in self.headers,
        }
        rec.update(auth)
        log_json(srv.logpath, rec)
        self.respond(spec, params, auth)

    do_POST = do_GET = do_PUT = do_HEAD = do_DELETE = _handle

    def respond(self, spec, params, auth):
        if "by_action" in spec:  # {"by_action": {"AssumeRole": {...}, "*": {...}}}
            m = spec["by_action"]
            spec = m.get(params.get("Action", ""), m.get("*", {}))
        if spec.get("delay_before"):
            time.sleep(float(spec["delay_before"]))
        if spec.get("close_without_response"):
            self.close_connection = True
            self._hard_close()
            return
        body = substitute(load_body(spec, self.server.script.path), spec, params, auth)
        status = int(spec.get("status", 200))
        headers = {"Content-Type": "text/xml", "x-amzn-RequestId": str(uuid.uuid4())}
        headers.update(spec.get("headers", {}))
        if not any(k.lower() == "date" for k in headers):
            headers["Date"] = http_date(time.time() + float(spec.get("date_offset", 0)))
        if spec.get("omit_content_length"):
            self.close_connection = True
            headers["Connection"] = "close"
        else:
            headers["Content-Length"] = str(spec.get("content_length", len(body)))
        reason = self.responses.get(status, ("Status",))[0]
        head = f"HTTP/1.1 {status} {reason}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        head = head.encode("latin-1")
        drip = float(spec.get("drip", 0))
        try:
            if drip and spec.get("drip_headers"):
                self._drip(head, drip)
            else:
                self.wfile.write(head)
                self.wfile.flush()
            if self.command == "HEAD":
                return
            if "truncate_after" in spec:
                body = body[:int(spec["truncate_after"])]
                self.close_connection = True
            if drip:
                self._drip(body, drip)
            else:
                self.wfile.write(body)
                self.wfile.flush()
            if "truncate_after" in spec:
                self._hard_close()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def _drip(self, data, interval):
        for i in range(len(data)):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(interval)

    def _hard_close(self):
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def finish_request(self, request, client_address):
        if self.ssl_ctx is not None:
            try:
                request.settimeout(30)
                first = request.recv(1, socket.MSG_PEEK)
                request.settimeout(None)
            except OSError:
                first = b""
            if not first:
                # Closed before sending a byte: a TCP readiness probe, not a TLS client.
                log_json(self.logpath, {"event": "probe", "peer": client_address[0]})
                return
            try:
                request = self.ssl_ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                log_json(self.logpath, {"event": "tls_error", "error": str(e),
                                        "peer": client_address[0]})
                return
        try:
            h = self.RequestHandlerClass(request, client_address, self)
            if not getattr(h, "nreq", 0):
                log_json(self.logpath, {"event": "no_request", "peer": client_address[0]})
        except (ssl.SSLError, OSError) as e:
            # TLS 1.3: the client may reject our certificate only after the server's side of
            # the handshake is done; its alert then arrives when we read the request.
            ev = "tls_error" if isinstance(e, ssl.SSLError) else "conn_error"
            log_json(self.logpath, {"event": ev, "error": str(e), "peer": client_address[0]})
        finally:
            if self.ssl_ctx is not None:
                try:
                    request.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address):
        log_json(self.logpath, {"event": "server_error", "error": repr(sys.exc_info()[1])})


def make_ssl_ctx(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    versions = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
    if args.tls_version:
        v = versions[args.tls_version]
        if args.tls_version in ("1.0", "1.1"):
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = v
        ctx.maximum_version = v

    def sni(sock, name, _ctx):
        try:
            sock.sni_name = name
        except AttributeError:
            pass
    ctx.sni_callback = sni
    return ctx


def main():
    ap = argparse.ArgumentParser()
    add_server_args(ap)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--tls-version", choices=["1.0", "1.1", "1.2", "1.3"])
    ap.add_argument("--script", required=True)
    args = ap.parse_args()
    if not args.plain and not (args.cert and args.key):
        ap.error("--cert and --key are required unless --plain")

    srv = Server((args.host, args.port), Handler)
    srv.ssl_ctx = None if args.plain else make_ssl_ctx(args)
    srv.script = Script(args.script)
    srv.logpath = args.log
    serve(srv, args)


if __name__ == "__main__":
    main()
