#!/usr/bin/env python3
"""Differential test of awsrole's config reader against botocore's.

For each pair of files -- the hand-written corpus in tests/ini_corpus/
(NN-name.config, NN-name.credentials; an absent file stays absent), a few
path-resolution cases, --count pairs generated from a seeded grammar of
the tricky features, and --mutants seeded mutations of the corpus -- it
runs

  botocore:  Session() with AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
             set, then full_config['profiles'] (or its ConfigParseError)
  awsrole:   $AWSROLE_BIN config dump --json --show-secrets   (default ./awsrole)

with the same environment, and requires: both succeed with the same
profile map ({"profiles": {...}} on awsrole's side), or both fail, awsrole
with exit status 3 and a message naming the file and the line.

The known deviations are in DEVIATIONS below; for those, each side is
checked against what the table says it does, and the reason is printed
as a "# deviation" line.

Prints "ok ini_diff/NAME" or "FAIL ini_diff/NAME: ..." per pair, then
"ini_diff: N passed, N failed"; exits 1 on any failure.

Usage: tests/ini_diff.py [--count N] [--mutants N] [--seed S] [--keep DIR]
                        [NAME-SUBSTRING]
  --count N    generated pairs (default 60)
  --mutants N  mutated corpus pairs (default 40)
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

# Python reads the files with the locale's encoding; the AWS CLI is used
# in UTF-8 locales.  Pin UTF-8 mode so the oracle does not depend on the
# environment this runs in.
if not sys.flags.utf8_mode:
    os.execv(sys.executable, [sys.executable, "-X", "utf8"] + sys.argv)

import botocore.exceptions  # noqa: E402
import botocore.session  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "ini_corpus")

# ---------------------------------------------------------------------------
# Deviations: where awsrole knowingly differs from botocore.  Keyed by the
# corpus name (without the NN- prefix).  "botocore" and "awsrole" say what
# each side must do: "error", or the exact profile map.
DEVIATIONS = {
    "utf8-bom": {
        "reason": "Python opens the file as plain UTF-8, so a BOM (as "
                  "Windows Notepad writes) makes the first line "
                  "'\\ufeff[default]', which is no section header: "
                  "MissingSectionHeaderError.  awsrole skips the BOM and "
                  "notes it (ini_file.has_bom) so that `doctor` can say "
                  "that the AWS CLI refuses this file.",
        "botocore": "error",
        "awsrole": {"default": {"region": "us-east-1"}},
    },
    "nul-byte": {
        "reason": "botocore keeps a NUL byte inside a value; C strings "
                  "cannot hold one, and a NUL in these files means a "
                  "binary or damaged file, so awsrole refuses it, naming "
                  "the file and line.",
        "botocore": {"default": {"region": "us\x00east"}},
        "awsrole": "error",
    },
    "unicode-uppercase-key": {
        "reason": "configparser lower-cases key names with str.lower(), "
                  "which folds every script (and has context rules such "
                  "as the final sigma); awsrole folds ASCII A-Z only.  No "
                  "AWS setting has a non-ASCII name.",
        "botocore": {"default": {"région": "x", "ä": "1"}},
        "awsrole": {"default": {"rÉgion": "x", "Ä": "1"}},
    },
}
# Not exercised here: a file that exists but cannot be read (EACCES).
# botocore's configparser.read() silently skips it (an empty config);
# awsrole stops with "cannot read FILE".  Tests run as root here, and root
# reads every file.  The size and line limits (AR_CONFIG_MAX_BYTES/LINE)
# are tested by t_30_config.sh.


# ---------------------------------------------------------------------------
# The two sides.

def run_botocore(env):
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        s = botocore.session.Session()
        return ("ok", s.full_config["profiles"])
    except botocore.exceptions.ConfigParseError as e:
        return ("error", str(e), e.kwargs.get("path", ""))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_awsrole(binary, env):
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LC_ALL": "C.UTF-8"}
    full.update(env)
    try:
        p = subprocess.run([binary, "config", "dump", "--json", "--show-secrets"], env=full,
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return ("crash", "timed out")
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode == 0:
        try:
            d = json.loads(p.stdout.decode("utf-8"))
        except ValueError as e:
            return ("crash", "stdout is not JSON: %s" % e)
        if not isinstance(d, dict) or list(d) != ["profiles"]:
            return ("crash", "JSON is not {\"profiles\": ...}")
        return ("ok", d["profiles"])
    if p.returncode == 3:
        return ("error", err)
    return ("crash", "exit status %d: %s" % (p.returncode, err.strip()))


# ---------------------------------------------------------------------------
# Comparing.

def short(x, n=400):
    s = x if isinstance(x, str) else json.dumps(x, ensure_ascii=False,
                                                 sort_keys=True)
    s = s.replace("\r", "\\r").replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "...[%d chars]" % len(s)


def map_diff(a, b):
    """The first difference between two profile maps, in words."""
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            return "profile %r only in %s" % (
                name, "botocore" if name in a else "awsrole")
        if a[name] != b[name]:
            pa, pb = a[name], b[name]
            for k in sorted(set(pa) | set(pb)):
                if pa.get(k) != pb.get(k):
                    return "profile %r key %r: botocore=%s awsrole=%s" % (
                        name, k, short(pa.get(k), 160),
                        short(pb.get(k), 160))
    return "maps differ"


def check_error_message(aw, paths):
    """awsrole's stderr names one of the files and a line."""
    msg = aw[1]
    if not any(p and p in msg for p in paths):
        return "awsrole's message names neither file: %s" % short(msg)
    if not re.search(r"line \d+", msg):
        return "awsrole's message names no line: %s" % short(msg)
    return None


def compare(bc, aw, paths):
    """None if they agree, else the reason."""
    if aw[0] == "crash":
        return "awsrole crashed: %s (botocore: %s)" % (short(aw[1]),
                                                        short(bc[1]))
    if bc[0] == "ok" and aw[0] == "ok":
        return None if bc[1] == aw[1] else map_diff(bc[1], aw[1])
    if bc[0] == "error" and aw[0] == "error":
        return check_error_message(aw, paths)
    return "botocore %s: %s | awsrole %s: %s" % (
        bc[0], short(bc[1]), aw[0], short(aw[1]))


def compare_deviation(dev, bc, aw, paths):
    for side, got in (("botocore", bc), ("awsrole", aw)):
        want = dev[side]
        if want == "error":
            if got[0] != "error":
                return "%s should fail, got %s: %s" % (side, got[0],
                                                      short(got[1]))
            if side == "awsrole":
                why = check_error_message(got, paths)
                if why:
                    return why
        elif got[0] != "ok" or got[1] != want:
            return "%s should give %s, got %s: %s" % (
                side, short(want), got[0], short(got[1]))
    return None


# ---------------------------------------------------------------------------
# The generated pairs: a seeded grammar of the tricky features.  Mostly
# valid files (so the maps get compared), with a few errors mixed in.

NAMES = ["dev", "prod", "Access CustomerA", "a", "b-c", "x.y", "日本", "q"]
KEYS = ["region", "output", "role_arn", "source_profile", "mfa_serial",
        "duration_seconds", "aws_access_key_id", "aws_secret_access_key",
        "credential_process", "external_id", "my key", "clé", "s3", "k"]
VALUES = ["us-east-1", "json", "arn:aws:iam::111111111111:role/RoleA",
          '"<access key id>"', "'quoted'", "a # not a comment",
          "b ; not a comment", "http://h:8080/p?q=1&r=2", "x=y", "k: v",
          "café 中文", "\u3000padded\u00a0", "tab\tinside", "  spaced  ",
          "", "900", "awsrole credential-process 'Access CustomerA'",
          "\\back\\slash", "[bracketed]", "#", ";"]
SEPS = ["=", " = ", ":", " : ", "\t=\t", "  =", ":  "]
INDENTS = [" ", "  ", "    ", "\t", "\u3000", " \t"]


def gen_value_lines(r, key_indent):
    """Continuation lines (deeper than key_indent), maybe blank/comments."""
    out = []
    deeper = key_indent + r.choice(INDENTS)
    for _ in range(r.randint(1, 3)):
        if r.random() < 0.2:
            out.append(r.choice(["", "   ", "\t"]))
        if r.random() < 0.15:
            out.append(r.choice(["# c", "  ; c", "\t# c"]))
        out.append(deeper + r.choice(VALUES[:14]).strip() + "x")
    return out


def gen_nested_lines(r, key_indent):
    out = []
    deeper = key_indent + r.choice(INDENTS)
    subs = ["addressing_style", "Max_Concurrent", "signature_version", "a"]
    for _ in range(r.randint(1, 4)):
        if r.random() < 0.15:
            out.append("")
        if r.random() < 0.1:
            out.append(deeper + "# sub comment")
        sub = r.choice(subs)
        sep = r.choice(["=", " = ", "\t=  "])
        val = r.choice(["path", "20", "s3v4", "a=b", "x: y", "v # c", ""])
        line = sub + sep + val
        if r.random() < 0.1:
            line += "\x0b" + r.choice(subs) + "=vt"
        out.append(deeper + line)
    if r.random() < 0.01:
        out.append(deeper + "no equals sign")
    return out


def gen_header(r, kind, used):
    if kind == "config":
        forms = ["default", "profile {n}", 'profile "{n}"', "profile '{n}'",
                 "profile  {n} ", "profile {n} extra", "profile",
                 "profiles {n}", "sso-session {n}", "services {n}",
                 "plugins", "DEFAULT", " default ", "{n}",
                 'profile "unclosed']
        weights = [8, 20, 6, 3, 2, 1, 1, 1, 2, 2, 1, 2, 1, 2, 1]
    else:
        forms = ["{n}", "default", "profile {n}", "DEFAULT", " {n} "]
        weights = [20, 4, 2, 2, 1]
    for _ in range(20):
        h = r.choices(forms, weights)[0].format(n=r.choice(NAMES))
        if h not in used or r.random() < 0.005:  # a duplicate, rarely
            break
    used.add(h)
    deco = r.choices(["", " # trailing", "junk", "  "], [20, 1, 1, 1])[0]
    return "[" + h + "]" + deco


def gen_section_body(r, lines):
    used = set()
    key_indent = r.choices(["", " ", "  "], [10, 1, 1])[0]
    for _ in range(r.randint(0, 6)):
        if r.random() < 0.1:
            lines.append(r.choice(["", "# comment", "  ; comment"]))
        k = r.choice(KEYS)
        if r.random() < 0.2 and k.isascii():      # see DEVIATIONS
            k = k.upper() if r.random() < 0.5 else k.title()
        if k.lower() in used and r.random() > 0.01:
            continue                              # a duplicate, rarely
        used.add(k.lower())
        if r.random() < 0.004:
            lines.append(key_indent + r.choice(["= orphan", "no separator"]))
        if k == "s3" or r.random() < 0.08:
            lines.append(key_indent + k + r.choice(["=", " =", ":", " = "]))
            lines.extend(gen_nested_lines(r, key_indent))
            continue
        v = r.choice(VALUES)
        lines.append(key_indent + k + r.choice(SEPS) + v)
        if r.random() < (0.15 if v.strip() else 0.01):
            lines.extend(gen_value_lines(r, key_indent))


def gen_file(r, kind):
    lines = []
    if r.random() < 0.3:
        lines.append(r.choice(["# written by hand", "; old", ""]))
    if r.random() < 0.01:
        lines.append("stray = line before any section")
    used = set()
    for _ in range(r.randint(0, 6)):
        lines.append(gen_header(r, kind, used))
        gen_section_body(r, lines)
        if r.random() < 0.5:
            lines.append("")
    nl = r.choices(["\n", "\r\n", "\r"], [12, 3, 1])[0]
    text = nl.join(lines)
    if r.random() < 0.8:
        text += nl
    return text.encode("utf-8")


def generated(count, seed):
    for i in range(count):
        r = random.Random("%d-%d" % (seed, i))
        cfg = gen_file(r, "config")
        cred = gen_file(r, "credentials")
        yield "gen-%d-%03d" % (seed, i), cfg, cred


# Mutants: corpus files with a few tricky characters or lines inserted,
# bytes deleted or lines repeated (not the deviation cases).
TRICKY = ["\n", "\r", "\r\n", " ", "\t", "\x0b", "\x0c", "\x1c", "\x1e",
          "\x1f", "\x85", "\xa0", "\u3000", "\u2028", "\u205f", "[", "]",
          "=", ":", "#", ";", '"', "'", "\\", "B", "é", "\n  ", "\n\t",
          "[DEFAULT]\n", "\n[profile x]\n", "\n[default]\n", " = ",
          "s3 =\n  a = 1\n"]


def mutate(r, data):
    if data is None:
        return None
    s = data.decode("utf-8")
    for _ in range(r.randint(1, 6)):
        p = r.randint(0, len(s))
        op = r.random()
        if op < 0.6:
            s = s[:p] + r.choice(TRICKY) + s[p:]
        elif op < 0.85:
            s = s[:p] + s[p + r.randint(1, 4):]
        else:
            lines = s.split("\n")
            lines.insert(r.randrange(len(lines)), r.choice(lines))
            s = "\n".join(lines)
    return s.encode("utf-8")


def mutants(count, seed, base):
    pool = []
    for name, cfg, cred in base:
        try:
            for data in (cfg, cred):
                if data is not None and (len(data) > 100000 or
                                         b"\0" in data):
                    raise ValueError
                if data is not None:
                    data.decode("utf-8")
        except ValueError:
            continue
        if name.split("-", 1)[1] not in DEVIATIONS:
            pool.append((cfg, cred))
    for i in range(count):
        r = random.Random("mut-%d-%d" % (seed, i))
        cfg, cred = r.choice(pool)
        yield "mut-%d-%03d" % (seed, i), mutate(r, cfg), mutate(r, cred)


# ---------------------------------------------------------------------------
# The cases.

def corpus():
    stems = set()
    for f in os.listdir(CORPUS):
        m = re.match(r"^(\d+-.+)\.(config|credentials)$", f)
        if m:
            stems.add(m.group(1))
    for stem in sorted(stems):
        data = []
        for ext in ("config", "credentials"):
            p = os.path.join(CORPUS, stem + "." + ext)
            if not os.path.exists(p):
                data.append(None)
                continue
            with open(p, "rb") as f:
                data.append(f.read())
        yield stem, data[0], data[1]


def write_pair(d, cfg, cred):
    paths = []
    for name, data in (("config", cfg), ("credentials", cred)):
        p = os.path.join(d, name)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        paths.append(p)
    return paths


def env_cases(d):
    """Path resolution: ~, $VAR, ${VAR}, an empty variable, a directory.
    Yields (name, env); the files live under d."""
    home = os.path.join(d, "home")
    os.makedirs(os.path.join(home, ".aws"))
    os.makedirs(os.path.join(d, "dir.config"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("[default]\nregion = from-home\n[profile h]\nx = 1\n")
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write("[h]\naws_access_key_id = HOMEKEY\n")
    with open(os.path.join(d, "alt"), "w") as f:
        f.write("[profile alt]\nregion = alt\n")
    yield "env-defaults-under-home", {"HOME": home}
    yield "env-tilde", {"HOME": d, "AWS_CONFIG_FILE": "~/alt",
                        "AWS_SHARED_CREDENTIALS_FILE": "~/home/.aws/credentials"}
    yield "env-dollar-var", {"HOME": home, "INIDIFF_D": d,
                             "AWS_CONFIG_FILE": "$INIDIFF_D/alt"}
    yield "env-braced-var", {"HOME": home, "INIDIFF_D": d,
                             "AWS_CONFIG_FILE": "${INIDIFF_D}/alt"}
    yield "env-unset-var-kept", {"HOME": home,
                                 "AWS_CONFIG_FILE": "$INIDIFF_NOPE/alt"}
    yield "env-empty-means-missing", {"HOME": home, "AWS_CONFIG_FILE": "",
                                      "AWS_SHARED_CREDENTIALS_FILE": ""}
    yield "env-directory-means-missing", {
        "HOME": home, "AWS_CONFIG_FILE": os.path.join(d, "dir.config")}
    yield "env-neither-file", {"HOME": os.path.join(d, "nohome")}


def main():
    args = sys.argv[1:]
    count, nmut, seed, keep, only = 60, 40, 20251128, None, None
    while args:
        a = args.pop(0)
        if a == "--count":
            count = int(args.pop(0))
        elif a == "--mutants":
            nmut = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        elif a == "--keep":
            keep = args.pop(0)
        else:
            only = a
    binary = os.path.abspath(os.environ.get("AWSROLE_BIN", "./awsrole"))
    if not os.access(binary, os.X_OK):
        print("FAIL ini_diff/setup: no awsrole binary at %s" % binary)
        print("ini_diff: 0 passed, 1 failed")
        return 1
    for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(k, None)
    top = tempfile.mkdtemp(prefix="ini_diff.")
    npass = nfail = 0
    kinds = {"ok": 0, "error": 0}

    def report(name, why, d):
        nonlocal npass, nfail
        if why is None:
            npass += 1
            print("ok ini_diff/%s" % name)
            return
        nfail += 1
        print("FAIL ini_diff/%s: %s" % (name, why))
        if keep:
            os.makedirs(keep, exist_ok=True)
            shutil.copytree(d, os.path.join(keep, name), dirs_exist_ok=True)

    try:
        base = list(corpus())
        cases = base + list(generated(count, seed)) + \
            list(mutants(nmut, seed, base))
        for n, (name, cfg, cred) in enumerate(cases):
            if only and only not in name:
                continue
            d = os.path.join(top, "%03d" % n)
            os.makedirs(d)
            paths = write_pair(d, cfg, cred)
            env = {"HOME": d, "AWS_CONFIG_FILE": paths[0],
                   "AWS_SHARED_CREDENTIALS_FILE": paths[1]}
            bc = run_botocore(env)
            aw = run_awsrole(binary, env)
            if not name[0].isdigit():
                kinds[bc[0]] += 1
            dev = DEVIATIONS.get(name.split("-", 1)[-1])
            if dev is not None:
                why = compare_deviation(dev, bc, aw, paths)
                print("# deviation %s: %s" % (name, dev["reason"]))
                name += " (deviation)"
            else:
                why = compare(bc, aw, paths)
            report(name, why, d)
        d = os.path.join(top, "env")
        os.makedirs(d)
        for name, env in env_cases(d):
            if only and only not in name:
                continue
            bc = run_botocore(env)
            aw = run_awsrole(binary, env)
            report(name, compare(bc, aw, []), d)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print("ini_diff: generated and mutated pairs: %d parsed by botocore, "
          "%d rejected" % (kinds["ok"], kinds["error"]))
    print("ini_diff: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
