"""scoped_sts.py — STS GetScopedCredentials for moto_logged.py (moto 5.2.1 has no such action).

moto_logged.py hands every request whose form Action is GetScopedCredentials to
ScopedPeer.handle() instead of moto, and tells ScopedPeer.note() about every other answered
request (to carry SourceIdentity, which moto ignores, from AssumeRole to later sessions).

What a call does (docs/AGENT.md section 3; the JS SDK schema is in scoped_model.py):
  1. the caller is authenticated with moto's own code (moto.iam.access_control.IAMRequest:
     the access key, the exact X-Amz-Security-Token, and the SigV4 signature recomputed with
     botocore), so only a session moto issued gets through;
  2. the caller must be temporary: a moto assumed-role session (which includes a session this
     peer issued, and moto_logged.py's GetSessionToken sessions: caller_kind "session-token",
     whose SessionInfo and GetCallerIdentity are the IAM user's).  A long-term IAM user key -> InvalidSubjectCredentials; an expired session ->
     ExpiredToken;
  3. the request is checked: Version 2011-06-15; at least one of Policy / DurationSeconds;
     DurationSeconds 1-129600 and not more than the caller's remaining life
     (InsufficientSessionLifetime); Policy <= 2048 characters of \\t \\n \\r \\u0020-\\u00FF
     (ValidationError), then JSON with a Statement (MalformedPolicyDocument);
     MinimumSessionTokenSize 0-4096; ScopedSessionDescription <= 256;
  4. a caller that already carries max_layers (3) scope-down policies is refused when the call
     carries a Policy (a 4th layer): AccessDenied, 403 by default — the code AWS uses is not
     documented where we could read it (AGENT.md: "a 4th call that carries a Policy is denied"),
     so it is configurable (layer_error);
  5. the Host header must not be the global endpoint sts.amazonaws.com ("not available on the
     AWS STS Global endpoint"): InvalidAction 400 (peer's choice of code; require_regional);
  6. the peer then has moto mint a new session for the caller's role and role session name
     (moto's STS backend assume_role: moto accepts those keys afterwards, and GetCallerIdentity
     gives the caller's Arn), sets its expiry to min(caller's expiry, now + DurationSeconds),
     pads its session token to MinimumSessionTokenSize, and answers in the awsQuery shape
       GetScopedCredentialsResponse/GetScopedCredentialsResult/{Credentials{AccessKeyId,
       SecretAccessKey, SessionToken, Expiration}, SessionInfo{ScopedSessionId, Arn},
       SessionTokenUtilization, SessionTokenSize, ScopedPoliciesCount, SourceIdentity?}
       + ResponseMetadata/RequestId.
     ScopedSessionId and Arn are the caller's (AROA…:session, assumed-role/ROLE/session).
     ScopedPoliciesCount = the caller's layers + 1 with a Policy (+ 0 without).

The log record of the call (moto_logged.py) gets "scoped": {caller_akid, caller_kind
("assumed-role" | "session-token" | "iam-user" | "unknown" | null), caller_arn, caller_layers,
root_akid (the session the chain started from), issued_akid (null on an error), layers, expiration,
caller_expiration, remaining_seconds, duration, source_identity, rule (index of the script rule
that fired, or null)}.  A test asserts "the agent's key was issued by a scoped call" with
  logq.py MOTO_LOG --where action=GetScopedCredentials --where scoped.issued_akid=KEY --count

SCRIPT (JSON, re-read on every call; missing or empty = no rules, defaults):
  {"rules": [RULE...], "max_layers": 3, "layer_error": {"code": "AccessDenied", "status": 403},
   "require_regional": true, "lifetime_slack": 0}
  Every write of the script (lib.sh: moto_scoped_script) restarts the "times" counts.
  RULE: {"when": {"akid": K, "root_akid": K, "host": H, "params.NAME": V, ...} (all must equal;
         missing "when" = every call),
         "times": N (fire at most N times; default unlimited),
         "error": CODE, "status": 400, "message": TEXT   -> answer that awsQuery error, or
         "omit": [MEMBER...], "set": {MEMBER: VALUE}     -> change a successful answer
         (members of GetScopedCredentialsResult, e.g. "SourceIdentity", "ScopedPoliciesCount"),
         "delay_before": SECONDS}
  Default messages exist for InsufficientSessionLifetime, MalformedPolicyDocument,
  PackedPolicyTooLarge, InvalidSubjectCredentials, ExpiredToken and AccessDenied.
  lifetime_slack: refuse DurationSeconds > remaining - slack (AWS's clock is ahead of yours).
  The moto server is shared by the whole test run: give every rule a "when" that only your case
  matches (its caller key or its ScopedSessionDescription), or clear the script afterwards.
"""
import datetime
import hashlib
import json
import math
import os
import re
import threading
import time
import uuid
from xml.sax.saxutils import escape

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
VERSION = "2011-06-15"
POLICY_CHARS = re.compile(r"^[\t\n\r\u0020-\u00ff]+$")

DEFAULT_MESSAGES = {
    "InsufficientSessionLifetime": "The requested DurationSeconds ({duration}) is greater than the remaining "
                                   "lifetime of the calling session ({remaining} seconds).",
    "MalformedPolicyDocument": "The policy document is malformed: {why}",
    "PackedPolicyTooLarge": "The session token size (5120 bytes) exceeds the maximum allowed size (4096 bytes).",
    "InvalidSubjectCredentials": "The session used to call GetScopedCredentials is not a valid session.",
    "ExpiredToken": "The security token included in the request is expired",
    "AccessDenied": "User: {caller_arn} is not authorized to perform: sts:GetScopedCredentials",
}


def _iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _utcnow():
    from moto.core.utils import utcnow
    return utcnow()


class PeerError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_xml(code, message, request_id):
    typ = "Receiver" if code in ("InternalFailure", "ServiceUnavailable") else "Sender"
    return (f'<ErrorResponse xmlns="{NS}">\n  <Error>\n    <Type>{typ}</Type>\n'
            f"    <Code>{escape(code)}</Code>\n    <Message>{escape(message)}</Message>\n  </Error>\n"
            f"  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n").encode("utf-8")


def success_xml(result, request_id):
    """result: ordered list of (member, value); value a dict (nested) or a scalar."""
    def el(name, v, ind):
        pad = "  " * ind
        if isinstance(v, list):
            inner = "".join(el(k, x, ind + 1) for k, x in v)
            return f"{pad}<{name}>\n{inner}{pad}</{name}>\n"
        return f"{pad}<{name}>{escape(str(v))}</{name}>\n"
    body = "".join(el(k, v, 2) for k, v in result)
    return (f'<GetScopedCredentialsResponse xmlns="{NS}">\n  <GetScopedCredentialsResult>\n{body}'
            f"  </GetScopedCredentialsResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n"
            f"  </ResponseMetadata>\n</GetScopedCredentialsResponse>\n").encode("utf-8")


def check_policy_grammar(text):
    """None if TEXT is a plausible IAM policy document, else why not."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        return f"not valid JSON ({e})"
    if not isinstance(doc, dict):
        return "the document is not a JSON object"
    if "Version" in doc and doc["Version"] not in ("2012-10-17", "2008-10-17"):
        return f"unknown Version {doc['Version']!r}"
    st = doc.get("Statement")
    if st is None:
        return "missing required field Statement"
    for s in st if isinstance(st, list) else [st]:
        if not isinstance(s, dict):
            return "a Statement is not an object"
        if s.get("Effect") not in ("Allow", "Deny"):
            return "a Statement has no valid Effect"
        if "Action" not in s and "NotAction" not in s:
            return "a Statement has neither Action nor NotAction"
    return None


class ScopedPeer:
    def __init__(self, script_path=None, session_users=None):
        self.script_path = script_path
        # moto_logged.py's GetSessionToken sessions: AccessKeyId -> (UserId, Arn, Account) of the
        # IAM user; a scoped session of one is the user's too (SessionInfo, GetCallerIdentity)
        self.session_users = session_users if session_users is not None else {}
        self.lock = threading.Lock()
        self.issued = {}           # issued akid -> {"layers", "root", "parent"}
        self.source_identity = {}  # akid -> SourceIdentity (moto does not keep it)
        self.rule_uses = {}        # (script digest, rule index) -> times fired

    # ------------------------------------------------------------ script
    def _script(self):
        if not self.script_path:
            return "", {}
        try:
            with open(self.script_path, "rb") as f:
                st = os.fstat(f.fileno())
                raw = f.read()
        except OSError:
            return "", {}
        try:
            doc = json.loads(raw.decode("utf-8") or "{}")
        except ValueError:
            return "", {}
        if isinstance(doc, list):
            doc = {"rules": doc}
        # every write of the script (even with the same text) starts the "times" counts afresh
        return f"{st.st_ino}:{st.st_mtime_ns}:{hashlib.sha256(raw).hexdigest()}", doc

    def _match_rule(self, digest, doc, view):
        for i, r in enumerate(doc.get("rules", [])):
            when = r.get("when", {})
            if any(str(view.get(k)) != str(v) for k, v in when.items()):
                continue
            key = (digest, i)
            times = r.get("times")
            with self.lock:
                n = self.rule_uses.get(key, 0)
                if times is not None and n >= int(times):
                    continue
                self.rule_uses[key] = n + 1
            return i, r
        return None, None

    # ------------------------------------------------------------ other actions
    def note(self, params, status, resp, caller_akid):
        """After moto answered PARAMS: remember the SourceIdentity of a new AssumeRole session."""
        if status != 200 or not params.get("Action", "").startswith("AssumeRole"):
            return
        m = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", resp or b"")
        if not m:
            return
        new = m.group(1).decode()
        with self.lock:
            si = params.get("SourceIdentity") or self.source_identity.get(caller_akid or "")
            if si:
                self.source_identity[new] = si

    # ------------------------------------------------------------ GetScopedCredentials
    def handle(self, environ, body, params, auth):
        """-> (status, [(header, value)], body bytes, info dict)"""
        request_id = str(uuid.uuid4())
        akid = auth.get("akid")
        host = environ.get("HTTP_HOST") or ""
        with self.lock:
            rec = self.issued.get(akid or "")
        info = {"caller_akid": akid, "caller_kind": None, "caller_arn": None,
                "caller_layers": rec["layers"] if rec else (0 if akid else None),
                "root_akid": rec["root"] if rec else akid, "issued_akid": None, "layers": None,
                "expiration": None, "caller_expiration": None, "remaining_seconds": None,
                "duration": params.get("DurationSeconds"), "source_identity": None, "rule": None}
        digest, doc = self._script()
        view = {"akid": akid, "root_akid": info["root_akid"], "host": host}
        view.update({"params." + k: v for k, v in params.items()})
        ri, rule = self._match_rule(digest, doc, view)
        rule = rule or {}
        info["rule"] = ri
        if rule.get("delay_before"):
            time.sleep(float(rule["delay_before"]))
        try:
            if rule.get("error"):
                code = rule["error"]
                msg = rule.get("message") or DEFAULT_MESSAGES.get(code, code).format(
                    duration=params.get("DurationSeconds"), remaining="?", why="(scripted)",
                    caller_arn=akid)
                raise PeerError(int(rule.get("status", 400)), code, msg)
            result = self._scoped(environ, body, params, host, doc, info)
        except PeerError as e:
            return (e.status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
                    error_xml(e.code, e.message, request_id), info)
        for m in rule.get("omit", []):
            result = [(k, v) for k, v in result if k != m]
        for m, v in rule.get("set", {}).items():
            if any(k == m for k, _ in result):
                result = [(k, v if k == m else x) for k, x in result]
            else:
                result.append((m, v))
        return (200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
                success_xml(result, request_id), info)

    def _authenticate(self, environ, body, params):
        """moto's own checks of the key, the token and the signature -> (account, access key obj)."""
        from werkzeug.datastructures import EnvironHeaders
        from moto.core.exceptions import _RESTError  # noqa
        from moto.iam.access_control import IAMRequest
        from moto.iam.models import get_account_id_from
        headers = EnvironHeaders(environ)
        if "Authorization" not in headers:
            raise PeerError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        akid = re.search(r"Credential=([^/,\s]+)", headers["Authorization"])
        if not akid:
            raise PeerError(403, "IncompleteSignature", "The request signature does not conform to AWS standards.")
        account = get_account_id_from(akid.group(1))
        try:
            req = IAMRequest(account_id=account, method=environ.get("REQUEST_METHOD", "POST"),
                             path=environ.get("PATH_INFO") or "/", data=params, body=body,
                             headers=headers, action="GetScopedCredentials")
            req.check_signature()
        except Exception as e:  # moto's _RESTError: code (HTTP status), error_type, message
            if hasattr(e, "error_type"):
                raise PeerError(int(getattr(e, "code", 403)), e.error_type, getattr(e, "message", str(e)))
            raise
        return account, req

    def _scoped(self, environ, body, params, host, doc, info):
        from moto.sts.models import sts_backends
        from moto.iam.access_control import AssumedRoleAccessKey
        from moto.utilities.utils import get_partition

        if params.get("Version") != VERSION:
            raise PeerError(400, "InvalidAction",
                            f"Could not find operation GetScopedCredentials for version {params.get('Version')}")
        hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if doc.get("require_regional", True) and hostname.lower() == "sts.amazonaws.com":
            raise PeerError(400, "InvalidAction",
                            "GetScopedCredentials is not available on the AWS STS global endpoint "
                            "sts.amazonaws.com; use a regional endpoint")
        account, req = self._authenticate(environ, body, params)
        key = req._access_key
        if not isinstance(key, AssumedRoleAccessKey):
            info["caller_kind"] = "iam-user"
            raise PeerError(400, "InvalidSubjectCredentials",
                            "GetScopedCredentials must be called with temporary security credentials, "
                            "not with the long-term keys of an IAM user or root")
        partition = get_partition(req._region)
        be = sts_backends[account][partition]
        caller = be.get_assumed_role_from_access_key(key._access_key_id)
        if caller is None:
            info["caller_kind"] = "unknown"
            raise PeerError(400, "InvalidSubjectCredentials", DEFAULT_MESSAGES["InvalidSubjectCredentials"])
        user = self.session_users.get(caller.access_key_id)
        info["caller_kind"] = "session-token" if user else "assumed-role"
        caller_id, caller_arn = (user[0], user[1]) if user else (caller.user_id, caller.arn)
        info["caller_arn"] = caller_arn
        now = _utcnow()
        remaining = (caller.expiration - now).total_seconds()
        info["caller_expiration"] = _iso(caller.expiration)
        info["remaining_seconds"] = int(remaining)
        if remaining <= 0:
            raise PeerError(400, "ExpiredToken", DEFAULT_MESSAGES["ExpiredToken"])

        policy = params.get("Policy")
        dur_s = params.get("DurationSeconds")
        if policy is None and dur_s is None:
            raise PeerError(400, "ValidationError",
                            "1 validation error detected: at least one of Policy or DurationSeconds is required")
        duration = None
        if dur_s is not None:
            try:
                duration = int(dur_s)
            except ValueError:
                raise PeerError(400, "ValidationError",
                                f"1 validation error detected: Value '{dur_s}' at 'durationSeconds' is not an integer")
            if not 1 <= duration <= 129600:
                raise PeerError(400, "ValidationError",
                                f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to "
                                "satisfy constraint: Member must have value between 1 and 129600")
        mts = params.get("MinimumSessionTokenSize")
        min_size = 0
        if mts is not None:
            try:
                min_size = int(mts)
            except ValueError:
                min_size = -1
            if not 0 <= min_size <= 4096:
                raise PeerError(400, "ValidationError",
                                f"1 validation error detected: Value '{mts}' at 'minimumSessionTokenSize' failed to "
                                "satisfy constraint: Member must have value less than or equal to 4096")
        desc = params.get("ScopedSessionDescription")
        if desc is not None and len(desc) > 256:
            raise PeerError(400, "ValidationError",
                            "1 validation error detected: Value at 'scopedSessionDescription' failed to satisfy "
                            "constraint: Member must have length less than or equal to 256")
        if policy is not None:
            if len(policy) > 2048:
                raise PeerError(400, "ValidationError",
                                "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
                                "Member must have length less than or equal to 2048")
            if not POLICY_CHARS.match(policy):
                raise PeerError(400, "ValidationError",
                                "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
                                "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
            why = check_policy_grammar(policy)
            if why:
                raise PeerError(400, "MalformedPolicyDocument", DEFAULT_MESSAGES["MalformedPolicyDocument"].format(why=why))
        slack = float(doc.get("lifetime_slack", 0))
        if duration is not None and duration > remaining - slack:
            raise PeerError(400, "InsufficientSessionLifetime",
                            DEFAULT_MESSAGES["InsufficientSessionLifetime"].format(duration=duration,
                                                                                   remaining=int(remaining)))
        caller_layers = info["caller_layers"] or 0
        max_layers = int(doc.get("max_layers", 3))
        if policy is not None and caller_layers >= max_layers:
            le = doc.get("layer_error", {})
            raise PeerError(int(le.get("status", 403)), le.get("code", "AccessDenied"),
                            le.get("message") or
                            f"The calling session already carries {caller_layers} scope-down policies; "
                            f"at most {max_layers} are allowed, so no further Policy can be added")

        # mint: a session moto knows, for the caller's role and session name
        new_exp = caller.expiration if duration is None else min(caller.expiration,
                                                                  now + datetime.timedelta(seconds=duration))
        mint_s = max(1, math.ceil((new_exp - now).total_seconds()))
        scoped = be.assume_role(region_name=caller.region_name, role_session_name=caller.session_name,
                                role_arn=caller.role_arn, policy=policy if policy is not None else caller.policy,
                                duration=mint_s, external_id=caller.external_id)
        scoped.expiration = new_exp
        if min_size and len(scoped.session_token) < min_size:
            scoped.session_token += "A" * (min_size - len(scoped.session_token))
        layers = caller_layers + (1 if policy is not None else 0)
        if user:
            self.session_users[scoped.access_key_id] = user
        with self.lock:
            self.issued[scoped.access_key_id] = {"layers": layers, "root": info["root_akid"],
                                                 "parent": info["caller_akid"]}
            si = self.source_identity.get(info["caller_akid"] or "")
            if si:
                self.source_identity[scoped.access_key_id] = si
        info.update(issued_akid=scoped.access_key_id, layers=layers, expiration=_iso(new_exp),
                    source_identity=si)
        size = len(scoped.session_token)
        result = [
            ("Credentials", [("AccessKeyId", scoped.access_key_id),
                             ("SecretAccessKey", scoped.secret_access_key),
                             ("SessionToken", scoped.session_token),
                             ("Expiration", _iso(new_exp))]),
            ("SessionInfo", [("ScopedSessionId", caller_id), ("Arn", caller_arn)]),
            ("SessionTokenUtilization", min(100, size * 100 // 4096)),
            ("SessionTokenSize", size),
            ("ScopedPoliciesCount", layers),
        ]
        if si:
            result.append(("SourceIdentity", si))
        return result
