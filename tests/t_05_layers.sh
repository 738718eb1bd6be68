# t_05_layers.sh — tests/check_layers.py (make check-layers, issue 15) catches each kind of
# violation it exists for, with a message naming the function, both sections and the line.
# Most cases mutate a small synthetic file (robust against edits of awsrole.c); the
# back-edge cases mutate a copy of the real awsrole.c.  None of this needs the binary.

CHECK=$ROOT/tests/check_layers.py

# run the checker in $T_DIR on awsrole.c/awsrole.h there (relative names, as make passes them)
check_in_tdir() { # [options]
	cd "$T_DIR" || return 1
	run "$PY" "$CHECK" "$@" awsrole.c awsrole.h
	cd "$HOME" || return 1
}

# line number of the first line of $T_DIR/awsrole.c equal to $1 (fixed string, whole line)
line_of() { grep -nxF -- "$1" "$T_DIR/awsrole.c" | head -n 1 | cut -d: -f1; }

# A three-section file that passes: §1 calls nothing, §2 calls §1, §3 calls §1 and §2; one
# function has its contract at its prototype in the header only; a one-line definition; a
# multi-line parameter list; a file-scope table taking an earlier function's address; later()
# mentioned in a comment and in a string of §2 and as a struct tag in §1 (none is a reference).
synth() {
	cat > "$T_DIR/awsrole.c" <<'EOF'
/*
 * synthetic -- for t_05_layers.sh
 */
#include <stdio.h>
#include "awsrole.h"

/* ========================================================================
 * 1. Basics
 *
 * Owns: small things.
 * Calls: none
 * ======================================================================== */

/* Twice n. */
static int
twice(int n)
{
	struct later *tag = NULL; /* a tag named like §3's function is no reference */

	(void)tag;
	return 2 * n;
}

/* The larger of a and b. */
static int larger(int a, int b) { return a > b ? a : b; }

/* ========================================================================
 * 2. Middle
 *
 * Calls: 1.
 * ======================================================================== */

static int
middle(const char *s,
    int n)
{
	/* later() is named here only in a comment, and "later(" in a string */
	puts("later(1)");
	return twice(n) + (s != NULL ? 1 : 0);
}

/* ========================================================================
 * 3. Top
 *
 * Owns: the top.
 * Calls: 1, 2 (and puts)
 * ======================================================================== */

static int (*const table[])(int) = { twice };

/* The answer for n. */
static int
later(int n)
{
	return middle("x", larger(n, table[0](1)));
}
EOF
	cat > "$T_DIR/awsrole.h" <<'EOF'
#ifndef AWSROLE_H
#define AWSROLE_H
/* 1 + twice(n), and 1 more when s is set. */
static int middle(const char *s, int n);
#endif
EOF
}

t "check-layers: a file that keeps every rule passes (exit 0, counts in the summary)"
synth
check_in_tdir
expect_rc 0
expect_out_eq "check-layers: 4 functions in 3 sections, 0 violations"
pass

t "check-layers: a back-edge call from a §1 function to the last section of a copy of awsrole.c"
cp "$ROOT/awsrole.c" "$ROOT/awsrole.h" "$T_DIR/"
# the banners: "/* ===" then " * N. Title"
banners=$(awk 'prev ~ /^\/\* ===/ && /^ \* [0-9]+\. / { print NR "\t" $0 } { prev = $0 }' "$T_DIR/awsrole.c")
first_title=$(head -n 1 <<<"$banners" | cut -f2 | sed 's/^ \* [0-9]*\. //')
first_at=$(head -n 1 <<<"$banners" | cut -f1)
last_num=$(tail -n 1 <<<"$banners" | cut -f2 | sed 's/^ \* \([0-9]*\)\..*/\1/')
last_title=$(tail -n 1 <<<"$banners" | cut -f2 | sed 's/^ \* [0-9]*\. //')
last_at=$(tail -n 1 <<<"$banners" | cut -f1)
# the first function of §1 and of the last section (name at column 0, then "(")
f1_at=$(awk -v a="$first_at" 'NR > a && /^[a-z_][a-z0-9_]*\(/ { print NR; exit }' "$T_DIR/awsrole.c")
f1=$(sed -n "${f1_at}p" "$T_DIR/awsrole.c" | sed 's/(.*//')
fl_at=$(awk -v a="$last_at" 'NR > a && /^[a-z_][a-z0-9_]*\(/ { print NR; exit }' "$T_DIR/awsrole.c")
fl=$(sed -n "${fl_at}p" "$T_DIR/awsrole.c" | sed 's/(.*//')
open_at=$(awk -v a="$f1_at" 'NR > a && /^\{$/ { print NR; exit }' "$T_DIR/awsrole.c")
if [ -z "$f1" ] || [ -z "$fl" ] || [ -z "$open_at" ] || [ "$first_at" = "$last_at" ]; then
	fail "could not find the first function of §1 or of the last section in awsrole.c"
else
	sed -i "${open_at}a\\	if (0) $fl(0); /* the deliberate back-edge */" "$T_DIR/awsrole.c"
	call_at=$((open_at + 1))
	fl_def=$fl_at # its name line moved down by one; the return-type line is above that
	check_in_tdir
	expect_rc 1
	expect_out_has "awsrole.c:$call_at: $f1 (§1 $first_title) calls $fl (§$last_num $last_title, awsrole.c:$fl_def), a later section"
	expect_out_has "back-edge: 1"
	# the same copy without the line has no back-edge: the message came from the mutation
	sed -i "${call_at}d" "$T_DIR/awsrole.c"
	check_in_tdir
	expect_out_lacks "a later section"
fi
pass

t "check-layers: a later function's address taken at file scope in §1 of a copy of awsrole.c"
cp "$ROOT/awsrole.c" "$ROOT/awsrole.h" "$T_DIR/"
banners=$(awk 'prev ~ /^\/\* ===/ && /^ \* [0-9]+\. / { print NR "\t" $0 } { prev = $0 }' "$T_DIR/awsrole.c")
first_title=$(head -n 1 <<<"$banners" | cut -f2 | sed 's/^ \* [0-9]*\. //')
second_at=$(sed -n 2p <<<"$banners" | cut -f1)
last_num=$(tail -n 1 <<<"$banners" | cut -f2 | sed 's/^ \* \([0-9]*\)\..*/\1/')
last_title=$(tail -n 1 <<<"$banners" | cut -f2 | sed 's/^ \* [0-9]*\. //')
last_at=$(tail -n 1 <<<"$banners" | cut -f1)
fl_at=$(awk -v a="$last_at" 'NR > a && /^[a-z_][a-z0-9_]*\(/ { print NR; exit }' "$T_DIR/awsrole.c")
fl=$(sed -n "${fl_at}p" "$T_DIR/awsrole.c" | sed 's/(.*//')
if [ -z "$second_at" ] || [ -z "$fl" ]; then
	fail "could not find §2's banner or the last section's first function in awsrole.c"
else
	# the line just above §2's "/* ===" line is still §1
	ins_at=$((second_at - 1))
	sed -i "$((ins_at - 1))a\\void (*fp)(void) = (void (*)(void))$fl;" "$T_DIR/awsrole.c"
	check_in_tdir
	expect_rc 1
	expect_out_has "awsrole.c:$ins_at: file-scope fp (§1 $first_title) takes the address of $fl (§$last_num $last_title, awsrole.c:$fl_at), a later section"
fi
pass

t "check-layers: a back-edge by address only inside a function, and one in a macro of §1"
synth
sed -i 's|^	return 2 \* n;$|	void (*fp)(void) = (void (*)(void))later;\n\n	(void)fp;\n	return 2 * n;|' "$T_DIR/awsrole.c"
sed -i 's|^/\* The larger of a and b\. \*/$|#define LATER_TWICE(n) \\\n	later(2 * (n))\n&|' "$T_DIR/awsrole.c"
at=$(line_of '	void (*fp)(void) = (void (*)(void))later;')
mac=$(line_of '	later(2 * (n))')
def=$(($(line_of 'later(int n)') - 1))
check_in_tdir
expect_rc 1
expect_out_has "awsrole.c:$at: twice (§1 Basics) takes the address of later (§3 Top, awsrole.c:$def), a later section"
expect_out_has "awsrole.c:$mac: macro LATER_TWICE (§1 Basics) calls later (§3 Top, awsrole.c:$def), a later section"
# §2 names later() only in a comment and a string: not a back-edge
expect_out_lacks "middle (§2 Middle)"
expect_out_has "2 violations (back-edge: 2)"
pass

t "check-layers: stale Calls lines (a used section missing, a listed section not used, no line)"
synth
sed -i 's|^ \* Calls: 1, 2 (and puts)$| * Calls: 1 (and puts)|; s|^ \* Calls: 1\.$| * Calls: 1, 3.|' "$T_DIR/awsrole.c"
sed -i '/^ \* Calls: none$/d' "$T_DIR/awsrole.c"
top=$(line_of ' * Calls: 1 (and puts)')
mid=$(line_of ' * Calls: 1, 3.')
basics=$(line_of ' * 1. Basics')
check_in_tdir
expect_rc 1
expect_out_has "awsrole.c:$top: §3 Top: banner says Calls: 1 but the code calls 1, 2 (missing 2)"
expect_out_has "awsrole.c:$mid: §2 Middle: banner says Calls: 1, 3 but the code calls 1 (not used: 3)"
expect_out_has "awsrole.c:$basics: §1 Basics: banner has no \"Calls:\" line; the code calls none (add \" * Calls: none\")"
expect_out_has "3 violations (Calls line: 3)"
# a second Calls line, and one that cannot be read
synth
sed -i 's|^ \* Owns: the top\.$| * Calls: 2|; s|^ \* Calls: 1\.$| * Calls: section one|' "$T_DIR/awsrole.c"
check_in_tdir
expect_rc 1
expect_out_has "§3 Top: banner has a second \"Calls:\" line"
expect_out_has "§2 Middle: cannot read the \"Calls:\" line 'section one'"
pass

t "check-layers: a function without a contract comment, above it or at its header prototype"
synth
sed -i '/^\/\* Twice n\. \*\/$/d' "$T_DIR/awsrole.c"
sed -i '/^\/\* 1 + twice(n)/d' "$T_DIR/awsrole.h"
twice_at=$(($(line_of 'twice(int n)') - 1))
middle_at=$(($(line_of 'middle(const char *s,') - 1))
proto_at=$(grep -n '^static int middle(' "$T_DIR/awsrole.h" | cut -d: -f1)
check_in_tdir
expect_rc 1
expect_out_has "awsrole.c:$twice_at: twice (§1 Basics) has no contract comment (above it, or at a prototype in awsrole.h)"
expect_out_has "awsrole.c:$middle_at: middle (§2 Middle) has no contract comment (above it, or at its prototype awsrole.h:$proto_at)"
expect_out_has "2 violations (contract: 2)"
check_in_tdir --list-missing-contracts
expect_rc 0
expect_out_eq "twice awsrole.c:$twice_at
middle awsrole.c:$middle_at"
# a comment trailing on the prototype's line is a contract too
sed -i 's|^static int middle(const char \*s, int n);$|static int middle(const char *s, int n); /* see twice */|' "$T_DIR/awsrole.h"
check_in_tdir
expect_out_lacks "middle (§2 Middle)"
expect_out_has "1 violation (contract: 1)"
pass

t "check-layers: a 61-line function is an error, a 60-line one is not"
synth
{
	for n in 60 61; do
		printf '\n/* %d lines. */\nstatic int\nlong%d(void)\n{\n\tint x = 0;\n\n' "$n" "$n"
		for _ in $(seq 1 $((n - 7))); do printf '\tx++;\n'; done
		printf '\treturn x;\n}\n'
	done
} >> "$T_DIR/awsrole.c"
at61=$(($(line_of 'long61(void)') - 1))
check_in_tdir
expect_rc 1
expect_out_has "awsrole.c:$at61: long61 (§3 Top) is 61 lines long (limit 60)"
expect_out_lacks "long60 ("
expect_out_has "1 violation (length: 1)"
pass

t "check-layers: make check-layers passes on awsrole.c"
cd "$ROOT" || fail "cd $ROOT"
run make -s check-layers
cd "$HOME" || true
expect_rc 0
expect_out_has ", 0 violations"
pass
