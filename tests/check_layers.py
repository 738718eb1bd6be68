#!/usr/bin/env python3
"""check_layers.py -- the layering rules of awsrole.c, checked (issue 15).

    python3 tests/check_layers.py awsrole.c awsrole.h     (make check-layers)
    python3 tests/check_layers.py --list-missing-contracts awsrole.c awsrole.h
    python3 tests/check_layers.py --deps awsrole.c awsrole.h

awsrole.c is cut into sections by banners:

    /* ========================================================================
     * 8. STS client
     *
     * Owns: ...
     * Calls: 1, 3, 4, 6, 7
     * ======================================================================== */

A banner is a line starting "/* ===" whose next line is " * N. Title".  Everything from
one banner to the next (functions, file-scope tables, #define lines) belongs to section N;
code before the first banner belongs to no section.

Rules (one message per violation, "FILE:LINE: ..."):

 1. back-edge: code of section S refers to a symbol defined in a later section T > S:
    a function (a call, or its name without a call: taking its address counts) or a
    file-scope object (a table, a variable).  Comments and string/char literals are
    ignored; `x.name` and `x->name` are member names and `struct name` a tag, not
    references.  A #define's body
    belongs to the section where the #define line is (macros are not expanded at their
    uses: a macro defined in an earlier section that names a later function is reported
    where it is defined).
 2. Calls line: each banner has exactly one line
        " * Calls: 1, 3, 4, 6, 7"   (N-M ranges allowed; a trailing "." and a
                                     parenthetical remark after the list are allowed)
    or  " * Calls: none"            (libc and libraries only)
    and the list equals the set of earlier sections the section's code refers to.
 3. contract: every function defined in the .c file has a comment that ends on the line
    directly above its definition (the return-type line), or a comment directly above,
    or trailing on, its prototype in the .h file (a comment above a group of prototypes
    covers the first one only).  The banner of a section is not a contract.
 4. length: a function is at most 60 lines, from its return-type line to its closing brace.

Exit status 0 when there is no violation, 1 when there is one, 2 on a usage error or an
unreadable file.  Stdlib only.
"""
import re
import sys

MAX_LINES = 60
IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
KEYWORDS = set('''auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof static struct switch
typedef union unsigned void volatile while _Bool _Static_assert __attribute__ __typeof__
typeof offsetof'''.split())


class Source:
    """A C file with comments, literals and preprocessor lines separated from the code."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding='utf-8', errors='surrogateescape') as f:
            self.text = f.read()
        self.lines = self.text.split('\n')
        self.comments = []          # (start_line, end_line, code_before, code_after)
        self.code = self._strip()   # same length and newlines as text; comments,
        #                             literals and preprocessor lines are spaces
        self.pp = []                # (line, text) of each preprocessor directive, joined
        self._cut_preprocessor()
        self.code_lines = self.code.split('\n')

    def _strip(self):
        t = self.text
        out = list(t)
        i, n, line = 0, len(t), 1
        while i < n:
            c = t[i]
            if c == '\n':
                line += 1
                i += 1
            elif t.startswith('/*', i) or t.startswith('//', i):
                start, sline = i, line
                if t[i + 1] == '*':
                    j = t.find('*/', i + 2)
                    j = n if j < 0 else j + 2
                else:
                    j = t.find('\n', i)
                    j = n if j < 0 else j
                for k in range(start, j):
                    if t[k] == '\n':
                        line += 1
                    else:
                        out[k] = ' '
                ls = t.rfind('\n', 0, start) + 1
                le = t.find('\n', j)
                le = n if le < 0 else le
                self.comments.append((sline, line, t[ls:start].strip() != '',
                                      ''.join(out[j:le]).strip() != ''))
                i = j
            elif c in '"\'':
                j = i + 1
                while j < n and t[j] != c and t[j] != '\n':
                    j += 2 if t[j] == '\\' else 1
                for k in range(i + 1, min(j, n)):
                    if t[k] != '\n':
                        out[k] = ' '
                i = j + 1
            else:
                i += 1
        return ''.join(out)

    def _cut_preprocessor(self):
        lines = self.code.split('\n')
        i = 0
        while i < len(lines):
            if lines[i].lstrip().startswith('#'):
                first, body = i + 1, []
                while True:
                    body.append(lines[i])
                    cont = lines[i].rstrip().endswith('\\')
                    lines[i] = ' ' * len(lines[i])
                    if not cont or i + 1 >= len(lines):
                        break
                    i += 1
                self.pp.append((first, '\n'.join(body)))
            i += 1
        self.code = '\n'.join(lines)

    def line_of(self, pos):
        return self.code.count('\n', 0, pos) + 1


class Item:
    """A top-level construct: a function definition or a file-scope declaration/macro."""

    def __init__(self, kind, name, start, end, body_pos, body_end):
        self.kind, self.name, self.start, self.end = kind, name, start, end
        self.body_pos, self.body_end = body_pos, body_end
        self.section = None
        self.refs = []              # (symbol, line, is_call)

    def label(self):
        return self.name if self.kind == 'function' else '%s %s' % (self.kind, self.name)


def top_level_items(src):
    """Functions and file-scope declarations of src, in order."""
    code, items = src.code, []
    i, n = 0, len(code)
    head = None                     # start of the current top-level construct
    brace = paren = 0
    while i < n:
        c = code[i]
        if head is None and not c.isspace():
            head = i
        if c == '(':
            paren += 1
        elif c == ')':
            paren -= 1
        elif c == '{' and brace == 0 and paren == 0:
            h = code[head:i]
            if h.rstrip().endswith(')') and not _has_top_equals(h):
                close = _match_brace(code, i)
                name = _func_name(h)
                items.append(Item('function', name, src.line_of(head), src.line_of(close),
                                  i, close + 1))
                i, head = close + 1, None
                continue
            brace += 1
        elif c == '{':
            brace += 1
        elif c == '}':
            brace -= 1
        elif c == ';' and brace == 0 and paren == 0:
            decl = code[head:i + 1]
            name = _decl_name(decl)
            if name is not None:
                items.append(Item('file-scope', name, src.line_of(head), src.line_of(i),
                                  head, i + 1))
            head = None
        i += 1
    for line, body in src.pp:
        m = re.match(r'\s*#\s*define\s+([A-Za-z_]\w*)', body)
        if m:
            it = Item('macro', m.group(1), line, line + body.count('\n'), 0, 0)
            it.text = body[m.end():]
            items.append(it)
    return items


def _has_top_equals(h):
    depth = 0
    for k, c in enumerate(h):
        if c in '([':
            depth += 1
        elif c in ')]':
            depth -= 1
        elif c == '=' and depth == 0 and h[k + 1:k + 2] != '=' and h[k - 1:k] not in '!<>=':
            return True
    return False


def _match_brace(code, i):
    depth = 0
    for k in range(i, len(code)):
        if code[k] == '{':
            depth += 1
        elif code[k] == '}':
            depth -= 1
            if depth == 0:
                return k
    raise SystemExit('check-layers: unbalanced braces after offset %d' % i)


def _func_name(h):
    """The declared name: the last identifier before the first top-level '('."""
    k = h.find('(')
    while k >= 0:
        names = [x for x in IDENT.findall(h[:k]) if x not in KEYWORDS]
        if names:
            return names[-1]
        k = h.find('(', k + 1)
    return '?'


def _decl_name(decl):
    """The declared name of a file-scope declaration, or None (a struct/enum type only)."""
    depth, flat = 0, []
    for c in decl:                   # drop brace contents: struct bodies, initialisers
        if c == '{':
            depth += 1
            flat.append(' {} ')
        elif c == '}':
            depth -= 1
        elif depth == 0:
            flat.append(c)
    flat = ''.join(flat)
    flat = flat.split('=', 1)[0]
    m = re.match(r'\s*(?:(?:static|extern|const|volatile|unsigned|signed)\s+)*'
                 r'(?:(?:struct|enum|union)\s+(?:[A-Za-z_]\w*)?\s*(?:\{\})?|[A-Za-z_]\w*)\s*'
                 r'(.*)$', flat, re.S)
    if not m:
        return None
    rest = m.group(1)
    if re.match(r'\s*(?:\{\})?\s*;?\s*$', rest):
        return None                  # "struct x { ... };" declares a type only
    if 'typedef' in IDENT.findall(flat):
        return None
    k = rest.find('(')
    if k >= 0 and re.match(r'\s*\*?\s*[A-Za-z_]\w*\s*\(', rest):
        return None                  # a prototype: declares, refers to nothing
    names = [x for x in IDENT.findall(rest) if x not in KEYWORDS]
    return names[0] if names else None


def references(text, offset_line, symbols, skip_first=None):
    """(name, line, is_call) for every identifier of text that names a symbol."""
    out = []
    for m in IDENT.finditer(text):
        name = m.group(0)
        if name not in symbols:
            continue
        before = text[max(0, m.start() - 40):m.start()].rstrip()
        if before.endswith('.') or before.endswith('->'):
            continue                 # a member name
        if re.search(r'\b(?:struct|union|enum)$', before):
            continue                 # a tag: "struct profile_kv" is not the function
        after = text[m.end():].lstrip()
        line = offset_line + text.count('\n', 0, m.start())
        out.append((name, line, after.startswith('(')))
    return out


class Banner:
    def __init__(self, num, title, line, title_line):
        self.num, self.title, self.line, self.title_line = num, title, line, title_line
        self.calls = None            # set of ints, or None when absent
        self.calls_line = None
        self.calls_text = None
        self.problems = []

    def ref(self):
        return '\u00a7%d %s' % (self.num, self.title)


CALLS_RE = re.compile(r'^ \* Calls:\s*(.*?)\s*$')
CALLS_LIST_RE = re.compile(r'^(none|\d+(?:\s*-\s*\d+)?(?:\s*,\s*\d+(?:\s*-\s*\d+)?)*)\.?\s*(\(.*\)?)?\.?$')


def banners(src):
    out, bad = [], []
    lines = src.lines
    for i, l in enumerate(lines):
        if not l.startswith('/* ==='):
            continue
        m = re.match(r'^ \* (\d+)\. (.+?)\s*$', lines[i + 1] if i + 1 < len(lines) else '')
        if not m:
            bad.append(i + 1)
            continue
        b = Banner(int(m.group(1)), m.group(2), i + 1, i + 2)
        j = i + 1
        while j < len(lines) and '*/' not in lines[j]:
            cm = CALLS_RE.match(lines[j])
            if cm:
                if b.calls_line is not None:
                    b.problems.append((j + 1, 'banner has a second "Calls:" line (the first is '
                                       'line %d)' % b.calls_line))
                else:
                    b.calls_line, b.calls_text = j + 1, cm.group(1)
                    lm = CALLS_LIST_RE.match(cm.group(1))
                    if not lm:
                        b.problems.append((j + 1, 'cannot read the "Calls:" line %r: write '
                                           '"Calls: 1, 3, 4" or "Calls: none"' % cm.group(1)))
                        b.calls = set()
                    elif lm.group(1) == 'none':
                        b.calls = set()
                    else:
                        b.calls = set()
                        for part in lm.group(1).split(','):
                            lo, _, hi = part.partition('-')
                            b.calls.update(range(int(lo), int(hi or lo) + 1))
            j += 1
        out.append(b)
    return out, bad


def header_contracts(h):
    """{name: (proto_line, has_contract)} for each function prototype in the header."""
    protos = {}
    commented_end = {c[1]: c for c in h.comments if not c[3]}
    code_lines = h.code_lines
    i, n = 0, len(h.code)
    head = None
    depth = paren = 0
    stmts = []
    while i < n:
        c = h.code[i]
        if head is None and not c.isspace():
            head = i
        if c == '{':
            depth += 1
        elif c == '}':
            depth -= 1
        elif c == '(':
            paren += 1
        elif c == ')':
            paren -= 1
        elif c == ';' and depth == 0 and paren == 0:
            stmts.append((head, i))
            head = None
        i += 1
    proto_lines = []
    for a, b in stmts:
        s = h.code[a:b + 1]
        if re.match(r'\s*(?:typedef|struct\s+\w+\s*\{|enum\s*\w*\s*\{|union)', s):
            continue
        if not re.search(r'[A-Za-z_]\w*\s*\(', s) or _has_top_equals(s):
            continue
        name = _func_name(s)
        proto_lines.append((name, h.line_of(a), h.line_of(b)))
    trailing = {}
    for c in h.comments:
        if c[2]:
            for ln in range(c[0], c[1] + 1):
                trailing[ln] = True
    for name, a, b in proto_lines:
        ok = any(trailing.get(ln) for ln in range(a, b + 1))
        ln = a - 1
        if not ok and ln in commented_end and code_lines[ln - 1].strip() == '':
            ok = True
        protos.setdefault(name, (a, ok))
    return protos


def main(argv):
    if hasattr(sys.stdout, 'reconfigure'):
        sys.stdout.reconfigure(encoding='utf-8', errors='backslashreplace')
    opts = [a for a in argv[1:] if a.startswith('--')]
    args = [a for a in argv[1:] if not a.startswith('--')]
    known = {'--list-missing-contracts', '--deps'}
    if len(args) != 2 or any(o not in known for o in opts):
        print('usage: check_layers.py [--list-missing-contracts | --deps] FILE.c FILE.h',
              file=sys.stderr)
        return 2
    try:
        c, h = Source(args[0]), Source(args[1])
    except OSError as e:
        print('check-layers: %s' % e, file=sys.stderr)
        return 2
    cpath, hpath = args[0], args[1]

    bans, bad_banners = banners(c)
    items = top_level_items(c)
    funcs = [it for it in items if it.kind == 'function']
    for it in items:
        it.section = None
        for b in bans:
            if b.line <= it.start:
                it.section = b
    symbols = {}
    for it in items:
        if it.kind in ('function', 'file-scope') and it.name not in symbols:
            symbols[it.name] = it
    for it in items:
        if it.kind == 'macro':
            it.refs = references(it.text, it.start, symbols)
        elif it.kind == 'function':
            it.refs = references(c.code[it.body_pos:it.body_end], c.line_of(it.body_pos),
                                 symbols)
        else:
            text = c.code[it.body_pos:it.body_end]
            it.refs = [r for r in references(text, it.start, symbols) if r[0] != it.name]

    msgs = []
    counts = {'back-edge': 0, 'Calls line': 0, 'contract': 0, 'length': 0, 'banner': 0}

    def report(kind, line, text, path=cpath):
        counts[kind] += 1
        msgs.append((path, line, text))

    for ln in bad_banners:
        report('banner', ln, 'a "/* ===" banner line not followed by " * N. Title"')
    seen = {}
    for b in bans:
        if b.num in seen:
            report('banner', b.title_line, 'section number %d is used twice (also line %d)'
                   % (b.num, seen[b.num]))
        seen[b.num] = b.title_line
    for prev, b in zip(bans, bans[1:]):
        if b.num <= prev.num:
            report('banner', b.title_line, '\u00a7%d comes after \u00a7%d: sections must be '
                   'numbered in increasing order' % (b.num, prev.num))

    # 1. back-edges, and what each section uses
    uses = {b.num: {} for b in bans}          # section -> {earlier section: example}
    for it in items:
        if it.kind == 'function' and it.section is None and it.name != '?':
            report('banner', it.start, '%s is defined before the first section banner'
                   % it.name)
        if it.section is None:
            continue
        done = set()
        for name, line, is_call in it.refs:
            d = symbols[name]
            if d is it or d.section is None or name in done:
                continue
            if d.section.num > it.section.num:
                done.add(name)
                verb = 'calls' if is_call and d.kind == 'function' else (
                    'takes the address of' if d.kind == 'function' else 'uses')
                report('back-edge', line, '%s (%s) %s %s (%s, %s:%d), a later section'
                       % (it.label(), it.section.ref(), verb, name, d.section.ref(),
                          cpath, d.start))
            elif d.section.num < it.section.num:
                uses[it.section.num].setdefault(d.section.num, (it, name, line))

    # 2. Calls lines
    def fmt(s):
        return ', '.join(str(x) for x in sorted(s)) if s else 'none'
    for b in bans:
        for line, text in b.problems:
            report('Calls line', line, '%s: %s' % (b.ref(), text))
        actual = set(uses[b.num])
        if b.calls is None:
            report('Calls line', b.title_line, '%s: banner has no "Calls:" line; the code '
                   'calls %s (add " * Calls: %s")' % (b.ref(), fmt(actual), fmt(actual)))
            continue
        if b.calls != actual and not b.problems:
            why = []
            if actual - b.calls:
                why.append('missing %s' % fmt(actual - b.calls))
            if b.calls - actual:
                why.append('not used: %s' % fmt(b.calls - b.calls.intersection(actual)))
            report('Calls line', b.calls_line, '%s: banner says Calls: %s but the code calls '
                   '%s (%s)' % (b.ref(), fmt(b.calls), fmt(actual), '; '.join(why)))

    # 3. contracts
    above = {cm[1] for cm in c.comments if not cm[3]}
    banner_ends = set()
    for b in bans:
        for cm in c.comments:
            if cm[0] == b.line:
                banner_ends.add(cm[1])
    protos = header_contracts(h)
    missing = []
    for f in funcs:
        ln = f.start - 1
        if ln in above and ln not in banner_ends and c.code_lines[ln - 1].strip() == '':
            continue
        p = protos.get(f.name)
        if p and p[1]:
            continue
        missing.append(f)
        where = ('or at its prototype %s:%d' % (hpath, p[0])) if p else \
            'or at a prototype in %s' % hpath
        sec = f.section.ref() if f.section else 'no section'
        report('contract', f.start, '%s (%s) has no contract comment (above it, %s)'
               % (f.name, sec, where))

    # 4. length
    for f in funcs:
        n = f.end - f.start + 1
        if n > MAX_LINES:
            sec = f.section.ref() if f.section else 'no section'
            report('length', f.start, '%s (%s) is %d lines long (limit %d)'
                   % (f.name, sec, n, MAX_LINES))

    if '--list-missing-contracts' in opts:
        for f in missing:
            print('%s %s:%d' % (f.name, cpath, f.start))
        return 0
    if '--deps' in opts:
        for b in bans:
            for t in sorted(uses[b.num]):
                it, name, line = uses[b.num][t]
                print('\u00a7%d -> \u00a7%d: %s (%s:%d) refers to %s'
                      % (b.num, t, it.label(), cpath, line, name))
        return 0

    msgs.sort(key=lambda m: (m[0] != cpath, m[1]))
    for path, line, text in msgs:
        print('%s:%d: %s' % (path, line, text))
    total = len(msgs)
    if total:
        parts = ', '.join('%s: %d' % (k, v) for k, v in counts.items() if v)
        print('check-layers: %d functions in %d sections, %d violation%s (%s)'
              % (len(funcs), len(bans), total, '' if total == 1 else 's', parts))
        return 1
    print('check-layers: %d functions in %d sections, 0 violations' % (len(funcs), len(bans)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
