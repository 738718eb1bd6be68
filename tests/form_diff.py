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
      byte for byte the same, 1 (with the differing fields) when not.  Flattened lists and
      structures (PolicyArns.member.N.arn, Tags.member.N.Key/Value, TransitiveTagKeys.member.N)
      are rebuilt from the model first: the top-level parameters keep BODY's order, list members
      go in index order (1..N, no gaps) and a structure's members in the model's order (Key,
      Value), so a body that numbers or orders them otherwise differs.  GetScopedCredentials,
      which botocore lacks, uses tests/peers/scoped_model.py's model.
  form_diff.py kwargs JSON [--action A]
      botocore's body for the operation A (default AssumeRole) called with the kwargs JSON, in
      the JSON's order, e.g. '{"RoleArn": "...", "RoleSessionName": "s", "PolicyArns": [{"arn":
      "..."}], "Tags": [{"Key": "k", "Value": "v"}]}' (the oracle for `compare`)
  form_diff.py subset BODY KWARGS_JSON [--absent NAME,NAME...]
      the fields of BODY that belong to the parameters named in KWARGS_JSON (a JSON object:
      e.g. {"PolicyArns": [...], "Tags": [...]}) must be, as encoded text and as a set, exactly
      the fields botocore's serializer makes of KWARGS_JSON for BODY's Action; the parameters
      named by --absent must not appear in BODY at all.  Exit 1 and the differences otherwise
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


def sts_operation(action):
    """botocore's operation model for ACTION, or scoped_model.py's (GetScopedCredentials)."""
    import os
    import botocore.session
    model = botocore.session.get_session().get_service_model("sts")
    if action in model.operation_names:
        return model.operation_model(action)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
    import scoped_model
    try:
        return scoped_model.operation_model(action)
    except Exception:
        sys.exit(f"form_diff.py: sts has no operation {action}")


def _scalar(shape, v, where):
    if shape.type_name in ("integer", "long"):
        try:
            return int(v)
        except ValueError:
            sys.exit(f"form_diff.py: {where}={v!r} is not an integer")
    if shape.type_name == "boolean":
        return v == "true"
    return v


def unflatten(pairs, op):
    """[(decoded key, decoded value)] of a query body -> botocore kwargs (see the docstring)."""
    members = op.input_shape.members
    params = {}
    lists = {}  # top-level list name -> {index: value or {member: value}}
    for k, v in pairs:
        if k in ("Action", "Version"):
            continue
        top, _, rest = k.partition(".")
        if top not in members:
            sys.exit(f"form_diff.py: {op.name} has no parameter {top} (field {k})")
        shape = members[top]
        if shape.type_name != "list":
            if rest:
                sys.exit(f"form_diff.py: {top} is a {shape.type_name}, not a list (field {k})")
            params[top] = _scalar(shape, v, k)
            continue
        params.setdefault(top, None)  # keeps the first appearance's position
        parts = rest.split(".")
        if len(parts) < 2 or parts[0] != "member" or not parts[1].isdigit():
            sys.exit(f"form_diff.py: {k}: a list field must be {top}.member.N[.Name]")
        n = int(parts[1])
        el = shape.member
        slot = lists.setdefault(top, {})
        if el.type_name == "structure":
            if len(parts) != 3 or parts[2] not in el.members:
                sys.exit(f"form_diff.py: {k}: {el.name} has members {list(el.members)}")
            slot.setdefault(n, {})[parts[2]] = _scalar(el.members[parts[2]], v, k)
        else:
            if len(parts) != 2:
                sys.exit(f"form_diff.py: {k}: {top} members are scalars")
            slot[n] = _scalar(el, v, k)
    for top, slot in lists.items():
        idx = sorted(slot)
        if idx != list(range(1, len(idx) + 1)):
            sys.exit(f"form_diff.py: {top}: member indexes {idx} are not 1..{len(idx)}")
        el = members[top].member
        out = []
        for i in idx:
            x = slot[i]
            if isinstance(x, dict):  # the model's member order
                x = {m: x[m] for m in el.members if m in x}
            out.append(x)
        params[top] = out
    return params


def serialize(params, op):
    import botocore.serialize
    from botocore.awsrequest import AWSRequest
    # no parameter validation: the encoding is compared, also of values at (or past) a limit
    req = botocore.serialize.create_serializer("query", include_validation=False).serialize_to_request(params, op)
    prepared = AWSRequest(method="POST", url="https://sts.amazonaws.com/", data=req["body"],
                          headers=req["headers"]).prepare()
    b = prepared.body
    return b.decode("utf-8") if isinstance(b, bytes) else b


def botocore_body(body):
    pairs = [(urllib.parse.unquote_plus(k), urllib.parse.unquote_plus(v)) for k, v in split_body(body)]
    action = dict(pairs).get("Action")
    if not action:
        sys.exit("form_diff.py: the body has no Action")
    op = sts_operation(action)
    return serialize(unflatten(pairs, op), op)


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
    if cmd == "subset":
        ours = arg_body(argv[2])
        want = json.loads(argv[3])
        absent = []
        if "--absent" in argv[4:]:
            absent = [x for x in argv[argv.index("--absent") + 1].split(",") if x]
        pairs = split_body(ours)
        action = dict((urllib.parse.unquote_plus(k), v) for k, v in pairs).get("Action")
        theirs = serialize(want, sts_operation(action)) if want else ""
        top = lambda k: urllib.parse.unquote_plus(k).split(".", 1)[0]  # noqa: E731
        a = sorted(f"{k}={v}" for k, v in pairs if top(k) in want)
        b = sorted(f"{k}={v}" for k, v in split_body(theirs) if top(k) not in ("Action", "Version"))
        lines = [f"missing (botocore has it): {x}" for x in b if x not in a]
        lines += [f"extra or different (botocore lacks it): {x}" for x in a if x not in b]
        if not lines and a != b:
            lines.append(f"repeated fields: ours={a} botocore={b}")
        lines += [f"present but must be absent: {k}={v}" for k, v in pairs if top(k) in absent]
        if not lines:
            return 0
        for ln in lines:
            print("  " + ln)
        print("  ours:     " + ours)
        print("  botocore: " + theirs)
        return 1
    if cmd == "kwargs":
        action = "AssumeRole"
        if "--action" in argv[3:]:
            action = argv[argv.index("--action") + 1]
        sys.stdout.write(serialize(json.loads(argv[2]), sts_operation(action)))
        return 0
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
