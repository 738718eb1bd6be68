#!/usr/bin/env python3
"""moto_logged.py — moto's server app, in-process, over TLS, with a request log.

Usage:
  INITIAL_NO_AUTH_ACTION_COUNT=N MOTO_ACCOUNT_ID=333333333333 \
  moto_logged.py --cert C --key K --log LOG --portfile F [--port 0] [--host 127.0.0.1]

Binds HOST:PORT (PORT 0 = a free port, written to --portfile once listening; the file is
written atomically, so its existence means "listening").  Clients connect as
https://localhost:PORT (the cert's SAN is DNS:localhost).

Every request appends one JSON line to LOG (flushed at once):
  {"ts", "method", "path", "host", "params": {form fields of the body + query},
   "action", "akid", "scope": "DATE/REGION/SERVICE/aws4_request", "scope_region",
   "scope_service", "signed_headers", "security_token": bool, "x_amz_date",
   "user_agent", "content_type", "status": int, "error_code": str|null}
The signature itself is never logged.  TokenCode is logged (test MFA codes only).
"unsigned_public" is true for an unsigned AssumeRoleWithWebIdentity/SAML, which this wrapper
lets through moto's authentication (moto itself would answer 500 to it).
"""
import argparse
import io
import os
import re
import ssl
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import log_json, parse_auth, write_portfile  # noqa: E402

UNSIGNED_ACTIONS = ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")


def allow_unsigned_sts():
    """moto 5.2.1 answers 500 (KeyError HTTP_AUTHORIZATION) to an unsigned call once
    authentication is on, but AssumeRoleWithWebIdentity/SAML are unsigned by design (moto
    routes them to STS by their Action).  Skip moto's authentication for exactly those."""
    from moto.core.authorization import ActionAuthenticatorMixin
    orig = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def patched(self, iam_request_cls, resource="*"):
        if "Authorization" not in self.headers and self._get_action() in UNSIGNED_ACTIONS:
            return None
        return orig(self, iam_request_cls, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = patched


class LoggingMiddleware:
    def __init__(self, app, logpath):
        self.app = app
        self.logpath = logpath

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

        params = {}
        ctype = environ.get("CONTENT_TYPE", "")
        if body and "x-www-form-urlencoded" in ctype:
            for k, v in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
                params[k] = v
        for k, v in urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            params.setdefault(k, v)

        public = ("HTTP_AUTHORIZATION" not in environ
                  and params.get("Action") in UNSIGNED_ACTIONS)

        captured = {}

        def sr(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        result = self.app(environ, sr)
        try:
            chunks = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        resp = b"".join(chunks)
        err = None
        if captured.get("status", 200) >= 400:
            m = re.search(rb"<Code>([^<]*)</Code>", resp)
            if m:
                err = m.group(1).decode("utf-8", "replace")
            else:
                m = re.search(rb'"(?:__type|code|Code)"\s*:\s*"([^"]*)"', resp)
                if m:
                    err = m.group(1).decode("utf-8", "replace")

        rec = {
            "ts": time.time(),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "host": environ.get("HTTP_HOST"),
            "params": params,
            "action": params.get("Action"),
            "security_token": "HTTP_X_AMZ_SECURITY_TOKEN" in environ,
            "unsigned_public": public,
            "x_amz_date": environ.get("HTTP_X_AMZ_DATE"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "content_type": ctype,
            "status": captured.get("status"),
            "error_code": err,
        }
        rec.update(parse_auth(environ.get("HTTP_AUTHORIZATION")))
        log_json(self.logpath, rec)
        return [resp]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--portfile", required=True)
    args = ap.parse_args()

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    allow_unsigned_sts()
    app = DomainDispatcherApplication(create_backend_app)
    wrapped = LoggingMiddleware(app, args.log)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    open(args.log, "a").close()
    srv = make_server(args.host, args.port, wrapped, threaded=True, ssl_context=ctx)
    port = srv.socket.getsockname()[1]
    os.environ["MOTO_PORT"] = str(port)
    write_portfile(args.portfile, port)
    # Quiet werkzeug's per-request logging; our middleware logs.
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
