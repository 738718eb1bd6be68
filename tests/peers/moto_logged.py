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
"issued_akid" is the AccessKeyId of a 200 answer that carries credentials (AssumeRole*,
GetSessionToken), so a test can tell which session signed a later call; the secret is not logged.

GetSessionToken: moto 5.2.1 answers a fixed fake key (AKIAIOSFODNN7EXAMPLE) that it then rejects
(InvalidClientTokenId) for signing.  This wrapper keeps moto's authentication and authorization of
the call (signature, the user's sts:GetSessionToken permission) and its log line (action=
GetSessionToken, SerialNumber, TokenCode, DurationSeconds), but answers, in GetSessionToken's XML
shape, with working credentials: an internal AssumeRole into the role MfaSession of the caller's
own account (moto_setup.py creates it in 333333333333 with the user's permissions).  For those keys
GetCallerIdentity answers the IAM user (as AWS does for a GetSessionToken session), not the role.
As in AWS: GetSessionToken with session credentials is AccessDenied, and DurationSeconds must be
900..129600.

Test knob (moto has no clock to fast-forward): an AssumeRole whose role name (RoleArn, e.g.
arn:aws:iam::222222222222:role/Short-expires-in-8s: another account's role need not exist in moto)
or RoleSessionName contains "expires-in-Ns" (N digits) answers an Expiration N seconds from now
instead of DurationSeconds (moto does not check expiry, so the keys keep working).  The role name
works when the client picks its own RoleSessionName (awsrole serve does).

GetScopedCredentials, which moto lacks, is answered by scoped_sts.py (moto-backed: the caller must
be a session moto issued, and the credentials it returns are ones moto then accepts); its record
also has a "scoped" object (caller_akid -> issued_akid, layers, ...; see scoped_sts.py), and
--scoped-script FILE scripts its errors.

--aws-cert/--aws-key: a second certificate, served when the client's SNI is an STS name
(sts.amazonaws.com, sts.REGION.amazonaws.com): a client that keeps its default endpoint and goes
through fake_proxy.py --target-port MOTO_PORT reaches moto under the real host name, so a test can
assert the Host header (regional, not global) with working credentials.
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
from scoped_sts import ScopedPeer  # noqa: E402

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


MFA_SESSION_ROLE = "MfaSession"
# issued AccessKeyId -> (UserId, Arn, Account) of the IAM user that called GetSessionToken
_session_users = {}


def working_get_session_token():
    """Replace moto's GetSessionToken answer with credentials moto accepts (see the docstring)."""
    from moto.core.responses import ActionResult
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSClientError, STSValidationError
    from moto.sts.models import sts_backends
    from moto.sts.responses import TokenResponse

    orig_gst = TokenResponse.get_session_token
    orig_gci = TokenResponse.get_caller_identity

    def get_session_token(self):
        akid = self.get_access_key()
        duration = self._get_int_param("DurationSeconds", 43200)
        if not 900 <= duration <= 129600:
            raise STSValidationError(
                f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to "
                "satisfy constraint: Member must have value between 900 and 129600")
        if not akid.startswith("AKIA"):
            raise STSClientError("AccessDenied", "Cannot call GetSessionToken with session credentials")
        acct, part = self.current_account, self.partition
        iam = iam_backends[acct][part]
        user = iam.get_user_from_access_key_id(akid)
        role_arn = f"arn:{part}:iam::{acct}:role/{MFA_SESSION_ROLE}"
        try:
            iam.get_role_by_arn(arn=role_arn)
        except Exception:
            user = None
        if user is None:  # not the moto_setup world: moto's own (unusable) answer
            return orig_gst(self)
        role = sts_backends[acct][part].assume_role(
            region_name=self.region, role_session_name=user.name, role_arn=role_arn,
            policy=None, duration=duration, external_id=None)
        _session_users[role.access_key_id] = (user.id, user.arn, user.account_id)
        return ActionResult({"Credentials": {
            "AccessKeyId": role.access_key_id,
            "SecretAccessKey": role.secret_access_key,
            "SessionToken": role.session_token,
            "Expiration": role.expiration,
        }})

    def get_caller_identity(self):
        who = _session_users.get(self.get_access_key())
        if who is None:
            return orig_gci(self)
        return ActionResult({"UserId": who[0], "Account": who[2], "Arn": who[1]})

    TokenResponse.get_session_token = get_session_token
    TokenResponse.get_caller_identity = get_caller_identity


def short_expiry_knob():
    """RoleArn's role name or RoleSessionName with "expires-in-Ns" -> Expiration now + N s."""
    import datetime
    from moto.sts.models import STSBackend
    orig = STSBackend.assume_role

    def assume_role(self, *args, **kw):
        role = orig(self, *args, **kw)
        m = (re.search(r"expires-in-([0-9]{1,6})s", (role.role_arn or "").rsplit("/", 1)[-1])
             or re.search(r"expires-in-([0-9]{1,6})s", role.session_name or ""))
        if m:
            role.expiration = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
                               + datetime.timedelta(seconds=int(m.group(1))))
        return role

    STSBackend.assume_role = assume_role


class LoggingMiddleware:
    def __init__(self, app, logpath, scoped=None):
        self.app = app
        self.logpath = logpath
        self.scoped = scoped or ScopedPeer()

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
        auth = parse_auth(environ.get("HTTP_AUTHORIZATION"))
        scoped_info = None

        if params.get("Action") == "GetScopedCredentials":  # scoped_sts.py, not moto
            try:
                status, headers, resp, scoped_info = self.scoped.handle(environ, body, params, auth)
            except Exception as e:  # a bug in the peer: 500, and the log says why
                status, headers = 500, [("Content-Type", "text/plain")]
                resp = f"scoped_sts: {type(e).__name__}: {e}".encode()
                scoped_info = {"peer_error": repr(e)}
            captured["status"] = status
            reason = {200: "OK", 400: "Bad Request", 403: "Forbidden"}.get(status, "Error")
            start_response(f"{status} {reason}", headers + [("Content-Length", str(len(resp)))])
        else:
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
            try:
                self.scoped.note(params, captured.get("status"), resp, auth.get("akid"))
            except Exception:
                pass
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
        if captured.get("status") == 200:
            m = re.search(rb"<AccessKeyId>([^<]*)</AccessKeyId>", resp)
            if m:
                rec["issued_akid"] = m.group(1).decode("ascii", "replace")
        if scoped_info is not None:
            rec["scoped"] = scoped_info
        rec.update(auth)
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
    ap.add_argument("--aws-cert")
    ap.add_argument("--aws-key")
    ap.add_argument("--scoped-script", default=None,
                    help="JSON script for GetScopedCredentials (scoped_sts.py); re-read on every call")
    args = ap.parse_args()

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    allow_unsigned_sts()
    working_get_session_token()
    short_expiry_knob()
    app = DomainDispatcherApplication(create_backend_app)
    # GetSessionToken sessions (working_get_session_token) are the IAM user's: so are their scoped ones
    wrapped = LoggingMiddleware(app, args.log, ScopedPeer(args.scoped_script,
                                                          session_users=globals().get("_session_users")))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.aws_cert and args.aws_key:
        aws_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        aws_ctx.load_cert_chain(args.aws_cert, args.aws_key)

        def sni(sock, name, _ctx):
            if name and re.fullmatch(r"sts(\.[a-z0-9-]+)?\.amazonaws\.com", name.lower()):
                sock.context = aws_ctx
        ctx.sni_callback = sni
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
