#!/usr/bin/env python3
"""logq.py LOG [--since N] [--where PATH=VALUE]... [--count | --field PATH [--nth I] | --json [--nth I]]

Query a JSON-lines peer log (moto_logged.py, fake_sts.py, fake_imds.py, fake_ecs.py).
  --since N        skip the first N lines (a mark taken earlier with `wc -l`)
  --where P=V      keep records whose field P (dotted: params.Action, headers.host; a field
                   whose name has dots: params.Tags.member.1.Key) equals V;
                   P!=V keeps the others; P? keeps records that have P at all (not null/false)
  --count          print how many records match (default)
  --field P        print field P of the matching record --nth I (default -1: the last);
                   dicts/lists print as JSON, true/false as true/false, missing as nothing
                   (exit 1 when there is no such record)
  --json           print the whole record --nth I
  --all P          print field P of every matching record, one a line
"""
import argparse
import json
import sys


def get(rec, path):
    """Dotted PATH into REC; a key that itself has dots (a form field such as
    params.Tags.member.1.Key) is found as the rest of the path joined."""
    cur = rec
    parts = path.split(".")
    for i, part in enumerate(parts):
        rest = ".".join(parts[i:])
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, dict) and part.lower() in cur:
            cur = cur[part.lower()]
        elif isinstance(cur, dict) and i + 1 < len(parts) and rest in cur:
            return cur[rest]
        else:
            return None
    return cur


def show(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    return str(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--since", type=int, default=0)
    ap.add_argument("--where", action="append", default=[])
    ap.add_argument("--count", action="store_true")
    ap.add_argument("--field")
    ap.add_argument("--all")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--nth", type=int, default=-1)
    a = ap.parse_args()
    try:
        with open(a.log) as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    recs = []
    for line in lines[a.since:]:
        try:
            recs.append(json.loads(line))
        except ValueError:
            continue
    for cond in a.where:
        if cond.endswith("?"):
            recs = [r for r in recs if get(r, cond[:-1]) not in (None, False, "")]
        elif "!=" in cond:
            k, v = cond.split("!=", 1)
            recs = [r for r in recs if show(get(r, k)) != v]
        else:
            k, v = cond.split("=", 1)
            recs = [r for r in recs if show(get(r, k)) == v]
    if a.field or a.json:
        try:
            r = recs[a.nth]
        except IndexError:
            sys.exit(1)
        print(json.dumps(r, sort_keys=True) if a.json else show(get(r, a.field)))
    elif a.all:
        for r in recs:
            print(show(get(r, a.all)))
    else:
        print(len(recs))


if __name__ == "__main__":
    main()
