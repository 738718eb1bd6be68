# t_01_prereqs.sh — the one list of prerequisites, tests/prereqs.txt (issue 13, points 21 and
# 27): make checks the toolchain before anything else and names the package of a missing tool;
# test.sh checks every prerequisite first and prints the commands that install what is missing;
# the README's install commands name exactly the list's packages.  None of this needs the binary.

LIST=$ROOT/tests/prereqs.txt
PREREQS=$ROOT/tests/prereqs.sh

# $1: a directory of symlinks to every command of PATH except the names given after it
path_without() { # dir name...
	local dir=$1 d f b skip
	shift
	skip=" $* "
	mkdir -p "$dir"
	local IFS=:
	for d in $PATH; do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			b=${f##*/}
			[ -x "$f" ] && [ ! -d "$f" ] && [ ! -e "$dir/$b" ] && [ ! -L "$dir/$b" ] || continue
			case $skip in *" $b "*) continue ;; esac
			ln -s "$f" "$dir/$b"
		done
	done
}

# A copy of what the toolchain check needs (the Makefile and the list), with empty vendor/
# tarballs and no vendor/SHA256SUMS: whatever runs after the check fails on the checksums.
make_tree() {
	local f
	mkdir -p "$T_DIR/tree/tests" "$T_DIR/tree/vendor"
	cp "$ROOT/Makefile" "$T_DIR/tree/"
	cp "$LIST" "$PREREQS" "$T_DIR/tree/tests/"
	for f in $(sed -n 's/^[A-Z]*_TAR *:= *\$(V)\///p' "$ROOT/Makefile"); do
		: > "$T_DIR/tree/vendor/$f"
	done
}

t "prereqs.txt: every line has a kind, a package, a proof and known steps"
bad=$(awk '
	/^[ \t]*(#|$)/ { next }
	{
		why = ""
		if ($1 !~ /^(deb|pip|npm)$/) why = why " kind " $1
		if ($3 !~ /^(cmd|py|file):./) why = why " proof " $3
		n = split($4, s, ",")
		if (n == 0) why = why " no steps"
		for (i = 1; i <= n; i++) if (s[i] !~ /^(build|test|asan|fuzz|valgrind|dist)$/) why = why " step " s[i]
		if (why != "") print NR ":" why
	}' "$LIST")
expect_eq "malformed lines" "" "$bad"
dups=$(awk '!/^[ \t]*(#|$)/ { print $1, $2 }' "$LIST" | sort | uniq -d)
expect_eq "packages listed twice" "" "$dups"
pass

t "make without musl-gcc stops first, naming the package (toolchain-check, issue 13.21)"
make_tree
path_without "$T_DIR/bin" musl-gcc
cd "$T_DIR/tree" || fail "cd"
PATH=$T_DIR/bin run make
expect_rc 2
expect_err_has "*** musl-gcc not found: install it with  apt-get install -y musl-tools"
# the check came before the vendor/ checksums and before any extraction
expect_err_lacks "checksum MISMATCH"
[ -e build ] && fail "make created build/ before stopping"
PATH=$T_DIR/bin run make toolchain-check
expect_rc 2
expect_err_has "*** musl-gcc not found: install it with  apt-get install -y musl-tools"
# another CC is checked instead of musl-gcc
PATH=$T_DIR/bin run make toolchain-check CC=gcc
expect_rc 0
expect_err_lacks "not found"
# the ASan goals need clang, not musl-gcc: the check passes and the checksums come next
PATH=$T_DIR/bin run make check-asan
expect_rc 2
expect_err_lacks "musl-gcc not found"
expect_err_has "vendor/ checksum MISMATCH"
cd "$HOME" || true
pass

t "make names every missing build tool with its package (musl-gcc, xz, patch)"
make_tree
path_without "$T_DIR/bin" musl-gcc xz patch
cd "$T_DIR/tree" || fail "cd"
PATH=$T_DIR/bin run make toolchain-check
expect_rc 2
expect_err_has "*** musl-gcc not found: install it with  apt-get install -y musl-tools"
expect_err_has "*** xz not found: install it with  apt-get install -y xz-utils"
expect_err_has "*** patch not found: install it with  apt-get install -y patch"
expect_err_has "*** all of them:  apt-get install -y musl-tools xz-utils patch"
expect_err_lacks "checksum MISMATCH"
cd "$HOME" || true
pass

t "make check-asan without clang names its package"
make_tree
path_without "$T_DIR/bin" clang
cd "$T_DIR/tree" || fail "cd"
PATH=$T_DIR/bin run make check-asan
expect_rc 2
expect_err_has "*** clang not found: install it with  apt-get install -y clang"
expect_err_lacks "checksum MISMATCH"
cd "$HOME" || true
pass

t "prereqs.sh check: a PATH without fish names it and prints the apt-get line"
path_without "$T_DIR/bin" fish
PATH=$T_DIR/bin run bash "$PREREQS" check test
expect_rc 1
expect_err_has "fish"
expect_err_has "no command fish in PATH"
expect_err_matches "^  apt-get install -y fish$"
expect_err_lacks "zsh "
# the full PATH: nothing missing for the tests (they are running)
run bash "$PREREQS" check test
expect_rc 0
expect_eq "stderr" "" "$ERR"
pass

t "test.sh checks the prerequisites first: a missing deb and pip package stop it with the install commands"
{
	cat "$LIST"
	echo "deb  awsrole-no-such-pkg        cmd:awsrole-no-such-tool   test"
	echo "pip  awsrole-no-such-mod==1.0   py:awsrole_no_such_mod     test"
	echo "deb  awsrole-dist-only:arm64    file:/nonexistent/libc.a   dist"
} > "$T_DIR/prereqs.txt"
AWSROLE_PREREQS=$T_DIR/prereqs.txt run "$ROOT/test.sh" 'awsrole-no-such-test'
expect_rc 1
expect_err_has "awsrole-no-such-pkg"
expect_err_matches "^  apt-get install -y awsrole-no-such-pkg$"
expect_err_matches '^  python3 -m pip install --break-system-packages "awsrole-no-such-mod==1.0"$'
expect_err_has "FAIL prerequisites: test.sh stopped before building"
# a dist entry is not a test prerequisite
expect_err_lacks "awsrole-dist-only"
# it stopped before anything else: no build, no layering check, no moto, no summary
expect_out_lacks "check-layers"
expect_out_lacks "passed,"
expect_out_lacks "# pki"
pass

t "the README's install commands name exactly the packages of tests/prereqs.txt"
# every "apt-get install -y ..." and "[python3 -m] pip install ..." of the README, in code blocks (joined
# across "\" and split at "&&") and in `inline code`
"$PY" - "$ROOT/README" > "$T_DIR/readme.cmds" <<'EOF'
import re, shlex, sys
text = open(sys.argv[1], encoding='utf-8').read()
cmds = []
block = []
for line in text.split('\n') + ['']:
    if line.startswith('    '):
        block.append(line.strip())
        continue
    if block:   # one command a line, unless the line ends with "\" or "&&"
        cmds.append(re.sub(r'\\\n|(&&)\n', r' \1 ', '\n'.join(block)))
        block = []
prose = '\n'.join('' if l.startswith('    ') else l for l in text.split('\n'))
for m in re.finditer(r'`([^`]*(?:apt-get|pip) install[^`]*)`', prose):
    cmds.append(' '.join(m.group(1).split()))
for c in cmds:
    for part in re.split(r'&&|;|\n', c):
        if 'install' not in part:
            continue
        try:
            w = shlex.split(part)
        except ValueError:    # shown as an "other" command, so the case fails loudly
            print('unparsable', ' '.join(part.split()))
            continue
        if w[:3] == ['apt-get', 'install', '-y']:
            print('deb', ' '.join(sorted(w[3:])))
        elif w[:3] == ['python3', '-m', 'pip']:
            w = w[2:]
        if w[:2] == ['pip', 'install']:
            print('pip', ' '.join(sorted(x for x in w[2:] if not x.startswith('-'))))
EOF
pk() { bash "$PREREQS" packages "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }
build=$(pk deb build)
# the test command installs what the build command did not
tests=$(comm -23 <(bash "$PREREQS" packages deb test asan fuzz valgrind | sort) <(bash "$PREREQS" packages deb build | sort) | tr '\n' ' ' | sed 's/ $//')
dist=$(pk deb dist)
pip=$(pk pip all)
[ -s "$T_DIR/readme.cmds" ] || fail "no install command found in the README"
expect_eq "the README's build command" "1" "$(grep -cxF "deb $build" "$T_DIR/readme.cmds")"
expect_eq "the README's test command" "1" "$(grep -cxF "deb $tests" "$T_DIR/readme.cmds")"
expect_eq "the README's pip command" "1" "$(grep -cxF "pip $pip" "$T_DIR/readme.cmds")"
# nothing else: every install command is one of these (or the release build's, once written)
others=$(grep -vxF -e "deb $build" -e "deb $tests" -e "deb $dist" -e "pip $pip" "$T_DIR/readme.cmds")
expect_eq "other install commands in the README" "" "$others"
pass
