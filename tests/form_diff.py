#!/usr/bin/env python3
"""form_diff.py — compare an STS form body (application/x-www-form-urlencoded) with botocore's.

Usage:
  form_diff.py body LOG [--action A] [--nth N]
      the raw body of the Nth (0-based, default -1 = last) request of a fake_sts.py log whose
      Action is A (default AssumeRole), from its "body_b64" field (else "body")
  form_diff.py serializer BODY
      BODY's parameters (decoded, in BODY's order) serialized again by botocore's own query
      serializer (botocore.serialize, the sts service model) and sent through botocore's
      AWSRequest: the bytes botocore would send for the same parameters.  Exit 0 when BODY is
      byte for byte the same, 1 (with the differing fields) when not
  form_diff.py compare BODY_A BODY_B [--exact]
      the fields of two bodies, order ignored (with --exact: the bytes, order too); exit 1 and
      the differences when they differ
  form_diff.py vectors
      VALUE<TAB>ENCODED lines: how botocore encodes one value of each byte class (the vectors
      for a C unit test of the form encoder)

BODY arguments are the body text itself ("-" reads it from stdin).  Output on a difference,
one line per field: "FIELD: ours=[...] botocore=[...]".
"""
import base64
import json
import sys
import urllib.parse


def split_body(body):
    """[(raw_key, raw_value)] in order."""
    out = []
    for part in body.split("&") if body else []:
        k, _, v = part.partition("=")
        out.append((k, v))
    return out


def log_body(log, action, nth):
    recs = []
    with open(log, encoding="utf-8") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("event") == "request" and r.get("params", {}).get("Action") == action:
                recs.append(r)
    if not recs:
        sys.exit(f"form_diff.py: no {action} request in {log}")
    r = recs[nth]
    if "body_b64" in r:
        return base64.b64decode(r["body_b64"]).decode("utf-8", "surrogateescape")
    return r.get("body", "")


def botocore_body(body):
    import botocore.session
    import botocore.serialize
    from botocore.awsrequest import AWSRequest

    pairs = [(urllib.parse.unquote_plus(k), urllib.parse.unquote_plus(v)) for k, v in split_body(body)]
    d = dict(pairs)
    action = d.get("Action")
    model = botocore.session.get_session().get_service_model("sts")
    op = model.operation_model(action)
    members = op.input_shape.members
    params = {}
    for k, v in pairs:
        if k in ("Action", "Version"):
            continue
        if k not in members:
            sys.exit(f"form_diff.py: {action} has no parameter {k}")
        t = members[k].type_name
        params[k] = int(v) if t in ("integer", "long") else v
    req = botocore.serialize.create_serializer("query").serialize_to_request(params, op)
    prepared = AWSRequest(method="POST", url="https://sts.amazonaws.com/", data=req["body"],
                          headers=req["headers"]).prepare()
    b = prepared.body
    return b.decode("utf-8") if isinstance(b, bytes) else b


def diff_fields(ours, theirs, exact):
    a, b = split_body(ours), split_body(theirs)
    lines = []
    da, db = {}, {}
    for k, v in a:
        da.setdefault(urllib.parse.unquote_plus(k), []).append(v)
    for k, v in b:
        db.setdefault(urllib.parse.unquote_plus(k), []).append(v)
    for k in list(dict.fromkeys(list(da) + list(db))):
        if da.get(k) != db.get(k):
            lines.append(f"{k}: ours={da.get(k)} botocore={db.get(k)}")
    if exact and not lines and ours != theirs:
        lines.append(f"order: ours={[k for k, _ in a]} botocore={[k for k, _ in b]}")
    return lines


def arg_body(s):
    return sys.stdin.read() if s == "-" else s


VECTORS = [
    "plain-ASCII_0.9", "a b", "~", "*", "/", "=", "&", "+", "%", "!'()", ":", "@,;$?#[]",
    "\"<>\\^`{|}", "\t\n\r", "\x7f", "é", "日本", "😀", "\u2028", "a+b c~d*e/f=g&h",
]


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "body":
        log, action, nth = argv[2], "AssumeRole", -1
        rest = argv[3:]
        while rest:
            if rest[0] == "--action":
                action, rest = rest[1], rest[2:]
            elif rest[0] == "--nth":
                nth, rest = int(rest[1]), rest[2:]
            else:
                sys.exit(f"form_diff.py: unknown option {rest[0]}")
        sys.stdout.write(log_body(log, action, nth))
        return 0
    if cmd == "serializer":
        ours = arg_body(argv[2])
        theirs = botocore_body(ours)
        lines = diff_fields(ours, theirs, True)
        if not lines and ours == theirs:
            return 0
        print("the body differs from botocore's serializer output:")
        for ln in lines or ["(bytes differ)"]:
            print("  " + ln)
        print("  ours:     " + ours)
        print("  botocore: " + theirs)
        return 1
    if cmd == "compare":
        exact = "--exact" in argv[4:]
        a, b = arg_body(argv[2]), arg_body(argv[3])
        lines = diff_fields(a, b, exact)
        if not lines:
            return 0
        for ln in lines:
            print("  " + ln)
        return 1
    if cmd == "vectors":
        for v in VECTORS:
            enc = urllib.parse.urlencode({"V": v})[2:]
            print(json.dumps(v, ensure_ascii=True) + "\t" + enc)
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
