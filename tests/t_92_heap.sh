# t_92_heap.sh — issue 13, security point 4: no secret left in freed heap memory, and harden()
# failing closed when it cannot turn core dumps and ptrace off.  The spec is /work/notes/security.md.
#
# Heap: a glibc build of awsrole whose free() and realloc() scan every block before it goes back
# to the allocator (tests/heapscan.c; `make check-heap` builds build/vg/awsrole-heapscan and runs
# this file with AWSROLE_HEAP_BIN set).  The secrets searched for (as they are and URL-encoded):
# the source secret key from ~/.aws/credentials, the session's secret key and token from the fake
# STS (over TLS), and the MFA code.  Expected: no hit in any command.  Each hit is listed with its
# allocation's call stack (addr2line), which is the worklist for the fix.  Without the heapscan
# build the heap cases skip (loudly); the control cases need only gcc.
#
# harden(): tests/seccomp_run.c makes prctl or setrlimit fail with EPERM, as a locked-down
# container may; awsrole must then refuse to run rather than hold credentials in a process that
# can dump core or be traced.  A filter refusing only unrelated calls (Docker's default list)
# must not stop it.

HS_AKID=AKIAHEAPSCANEXAMPLE1
HS_SECRET=heapScanSourceSecretEXAMPLE0123456789abc
HS_STS_SECRET=fakeStsSecretAccessKeyEXAMPLE/0123456789
HS_STS_TOKEN='FwoGZXIvYXdzEXAMPLEfakeSessionToken//////////wEaDEXAMPLE+slash/and=plus'
HS_CODE=480713
HS_NEEDLES="$HS_SECRET,$HS_STS_SECRET,$HS_STS_TOKEN,$HS_CODE"
HS_NAMES=("the source secret key (~/.aws/credentials)" "the session secret key" "the session token" "the MFA code")
RUN_TIMEOUT=30

HEAP_BIN=${AWSROLE_HEAP_BIN:-}
if [ -z "$HEAP_BIN" ] && [ -x "$ROOT/build/vg/awsrole-heapscan" ] &&
	[ "$ROOT/build/vg/awsrole-heapscan" -nt "$ROOT/awsrole.c" ] &&
	[ "$ROOT/build/vg/awsrole-heapscan" -nt "$ROOT/awsrole.h" ] &&
	[ "$ROOT/build/vg/awsrole-heapscan" -nt "$ROOT/tests/heapscan.c" ]; then
	HEAP_BIN=$ROOT/build/vg/awsrole-heapscan
	echo "# t_92_heap: AWSROLE_HEAP_BIN not set; using $HEAP_BIN (newer than awsrole.c/.h and heapscan.c)"
fi

# ---------------------------------------------------------------- helpers

# hs_cc — a C compiler for the helpers (gcc, else cc) -> HS_CC; skips the case without one.
hs_cc() {
	HS_CC=$(command -v gcc || command -v cc) && return 0
	skip "needs gcc (apt-get install gcc) to build the test helpers"
	return 1
}

# hs_need_bin — the heapscan build of awsrole, else skip (loudly).
hs_need_bin() {
	if [ -n "$HEAP_BIN" ] && [ -x "$HEAP_BIN" ]; then
		return 0
	fi
	skip "no heapscan build of awsrole: run \`make check-heap\` (builds build/vg/awsrole-heapscan, ~4 min the first time, and runs this file with AWSROLE_HEAP_BIN)"
	return 1
}

# hs_case — fresh files (role P with MFA, source keys HS_AKID/HS_SECRET), a fake STS over TLS
# answering AssumeRole then GetCallerIdentity.
hs_case() {
	mfa_role_files "$HOME" "$HS_AKID" "$HS_SECRET"
	start_fake_sts || return 1
	fake_sts_script '[{"status": 200, "body_file": "assume_role.xml"}, {"status": 200, "body_file": "get_caller_identity_role.xml"}]'
	export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_CA_BUNDLE=$PKI_DIR/ca.pem
}

# hs_warm — log in with the heapscan build, not scanning (so that later commands use the cache).
hs_warm() {
	run env -u HEAPSCAN_NEEDLES "$HEAP_BIN" login P --mfa-code "$HS_CODE"
	expect_rc 0 || return 1
	fake_sts_script '[{"status": 200, "body_file": "get_caller_identity_role.xml"}]'
}

# hs_symbolize LOG — each hit with the secret's name and the call stack of the free().
hs_symbolize() {
	"$PY" - "$HEAP_BIN" "$1" "${HS_NAMES[@]}" <<-'EOF'
	import re, shutil, subprocess, sys
	binary, log, names = sys.argv[1], sys.argv[2], sys.argv[3:]
	own = {"hs_report", "hs_scan", "free", "realloc", "hs_init"}
	a2l = shutil.which("addr2line")
	for line in open(log, errors="replace"):
	    if " hit " not in line:
	        continue
	    m = re.search(r"needle=(\d+) form=(\S+) kind=(\S+) size=(\d+) off=(\d+) ctx=(\".*\") bt=(\S*)", line)
	    if not m:
	        print("    " + line.rstrip())
	        continue
	    n, form, kind, size, off, ctx, bt = m.groups()
	    name = names[int(n)] if int(n) < len(names) else "needle %s" % n
	    print("    %s (%s) in a %s-byte block at %s, %s: %s" % (name, form, size, off, kind, ctx))
	    offs = [o for o in bt.split(",") if o.startswith("0x")]
	    if not a2l or not offs:
	        print("      bt: " + bt)
	        continue
	    out = subprocess.run([a2l, "-f", "-i", "-e", binary] + offs, capture_output=True, text=True).stdout.splitlines()
	    frames = []
	    for i in range(0, len(out) - 1, 2):
	        fn, loc = out[i], out[i + 1]
	        if fn in own:
	            continue
	        loc = re.sub(r"^.*?/((build/|tests/)?[^/]+/[^/]+:\d+|[^/]+:\d+).*$", r"\1", loc)
	        frames.append("%s (%s)" % (fn, loc))
	    print("      freed at: " + " <- ".join(frames[:10]))
	EOF
}

# hs_scan_run CMD... — run the heapscan build with CMD's arguments, scanning; HITS = the number
# of hits; each is listed (a failure) with where the block was freed.
hs_scan_run() {
	local log=$T_DIR/heapscan.$RANDOM.log
	run env HEAPSCAN_NEEDLES="$HS_NEEDLES" HEAPSCAN_LOG="$log" "$HEAP_BIN" "$@"
	if ! grep -q '^heapscan: active, [1-9]' "$log" 2>/dev/null; then
		fail "the heapscan build did not report itself active with needles (log $log)"
		HITS=-1
		return 1
	fi
	HITS=$(grep -c ' hit ' "$log")
	[ "$HITS" = 0 ] && return 0
	fail "awsrole $*: $HITS freed heap block(s) still held a secret"
	hs_symbolize "$log" >&2
	return 1
}

# ================================================================ the scanner itself

t "heapscan (control): a freed block with a secret is reported (free, realloc, URL-encoded, glibc's stdio); a wiped one is not"
hs_cc && {
	cat > "$T_DIR/control.c" <<-'EOF'
	#define _GNU_SOURCE
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	/* argv[1] = the needle; argv[2] = its URL-encoded form */
	int main(int argc, char **argv) {
		char *plain = malloc(100), *wiped = malloc(100), *moved = malloc(40), *enc = malloc(100), *grown;
		FILE *f;
		if (argc < 3) return 2;
		strcpy(plain, "xx"); strcat(plain, argv[1]);
		strcpy(wiped, argv[1]); explicit_bzero(wiped, 100);
		strcpy(moved, argv[1]);
		strcpy(enc, "Secret="); strcat(enc, argv[2]);
		free(plain);                       /* hit: kind=free */
		free(wiped);                       /* no hit */
		grown = realloc(moved, 1 << 20);   /* hit: kind=realloc (the old block, before it moves) */
		explicit_bzero(grown, 1 << 20);
		free(grown);                       /* no hit */
		free(enc);                         /* hit: form=urlenc */
		f = fopen("/dev/null", "w");       /* glibc allocates the FILE buffer itself ... */
		fprintf(f, "%s", argv[1]);
		fclose(f);                         /* ... and frees it: hit */
		return 0;
	}
	EOF
	# -O0: at -O2 gcc drops stores into a block that is freed next (dead stores)
	run "$HS_CC" -O0 -o "$T_DIR/control" "$T_DIR/control.c" "$ROOT/tests/heapscan.c"
	expect_rc 0
	log=$T_DIR/control.log
	run env HEAPSCAN_NEEDLES='h92/needle+1,unused' HEAPSCAN_LOG="$log" "$T_DIR/control" 'h92/needle+1' 'h92%2Fneedle%2B1'
	expect_rc 0
	expect_eq "heapscan marked the run" 1 "$(grep -c '^heapscan: active, 3 needle forms' "$log")"
	expect_eq "hits in all" 4 "$(grep -c ' hit ' "$log")"
	expect_eq "hits: free() of the plain block and of glibc's stdio buffer" 2 "$(grep -c ' hit needle=0 form=plain kind=free ' "$log")"
	expect_eq "hits: realloc() of the block that moved" 1 "$(grep -c ' hit needle=0 form=plain kind=realloc size=40 ' "$log")"
	expect_eq "hits: the URL-encoded form" 1 "$(grep -c ' hit needle=0 form=urlenc kind=free ' "$log")"
	expect_eq "the needle itself written to the log" 0 "$(grep -c 'needle+1' "$log")"
	grep -q 'ctx="xx\[NEEDLE0\]' "$log" || fail "the hit's context is not shown: $(cat "$log")"
	pass
}

t "heapscan: the binary under test is the scanning build (HEAPSCAN_SELFTEST frees a block with needle 0)"
hs_need_bin && {
	log=$T_DIR/selftest.log
	run env HEAPSCAN_NEEDLES="$HS_NEEDLES" HEAPSCAN_LOG="$log" HEAPSCAN_SELFTEST=1 "$HEAP_BIN" version
	expect_rc 0
	expect_out_has "awsrole "
	expect_eq "self-test hits" 1 "$(grep -c ' hit needle=0 form=plain kind=selftest ' "$log")"
	expect_eq "needle forms" 1 "$(grep -c '^heapscan: active, 6 needle forms' "$log")"
	pass
}

# ================================================================ awsrole's commands

t "heap (4): login P --mfa-code over TLS (AssumeRole, cache write): no secret in any freed block"
hs_need_bin && {
	hs_case
	hs_scan_run login P --mfa-code "$HS_CODE"
	expect_rc 0
	expect_out_has "Logged in"
	expect_eq "the MFA code reached STS (the control)" "$HS_CODE" "$(fake_sts_field params.TokenCode)"
	pass
}

t "heap (4): credential-process P (the cached session, printed as JSON): no secret in any freed block"
hs_need_bin && {
	hs_case && hs_warm
	hs_scan_run credential-process P
	expect_rc 0
	expect_eq "SessionToken printed" "$HS_STS_TOKEN" "$(json_get "$OUT" SessionToken)"
	pass
}

t "heap (4): credential-process P --no-cache (a new AssumeRole, printed at once): no secret in any freed block"
hs_need_bin && {
	hs_case
	hs_scan_run credential-process P --no-cache --mfa-code "$HS_CODE"
	expect_rc 0
	expect_eq "SecretAccessKey printed" "$HS_STS_SECRET" "$(json_get "$OUT" SecretAccessKey)"
	pass
}

t "heap (4): env P (the cached session): no secret in any freed block"
hs_need_bin && {
	hs_case && hs_warm
	hs_scan_run env P
	expect_rc 0
	expect_out_has "export AWS_SESSION_TOKEN="
	pass
}

t "heap (4): exec P -- true (the cached session, into the environment): no secret in any freed block"
hs_need_bin && {
	hs_case && hs_warm
	hs_scan_run exec P -- true
	expect_rc 0
	pass
}

t "heap (4): whoami P (GetCallerIdentity signed with the session token): no secret in any freed block"
hs_need_bin && {
	hs_case && hs_warm
	hs_scan_run whoami P
	expect_rc 0
	expect_out_has "assumed-role/RoleA"
	expect_eq "the request carried the session token (the control)" true "$(fake_sts_field security_token)"
	pass
}

# ================================================================ harden() under seccomp

# ASan build (make check-asan): LeakSanitizer cannot work under ptrace (strace) or with ptrace
# refused, and ASan's own RLIMIT_CORE call would meet a seccomp filter before awsrole's does.
NO_LSAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:disable_coredump=0"

HS_SECCOMP=
# hs_seccomp — build tests/seccomp_run.c once per run -> HS_SECCOMP.
hs_seccomp() {
	[ -n "$HS_SECCOMP" ] && [ -x "$HS_SECCOMP" ] && return 0
	hs_cc || return 1
	HS_SECCOMP=$RUN_DIR/seccomp_run
	if ! "$HS_CC" -O2 -Wall -o "$HS_SECCOMP" "$ROOT/tests/seccomp_run.c" 2>"$T_DIR/seccomp_cc.err"; then
		fail "tests/seccomp_run.c does not build: $(cat "$T_DIR/seccomp_cc.err")"
		HS_SECCOMP=
		return 1
	fi
}

# hs_static — [base]: static keys (env base prints them: the secret shows whether awsrole ran).
hs_static() { base_credentials base; }

t "seccomp (control): seccomp_run makes prctl and setrlimit fail with EPERM, and getrlimit still works"
hs_seccomp && {
	run "$HS_SECCOMP" --deny prctl -- "$PY" -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.prctl(4, 0, 0, 0, 0); print(r, ctypes.get_errno())'
	expect_rc 0
	expect_out_eq "-1 1"
	run "$HS_SECCOMP" --deny setrlimit -- "$PY" -c '
import errno, resource
print(resource.getrlimit(resource.RLIMIT_CORE)[0] >= 0)
try:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    print("set")
except (OSError, ValueError) as e:
    print("refused")'
	expect_rc 0
	expect_out_eq "True
refused"
	run "$HS_SECCOMP" --deny docker -- "$PY" -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); print(l.ptrace(0, 0, 0, 0), ctypes.get_errno())'
	expect_out_eq "-1 1"
	pass
}

t "harden (4): prctl refused by seccomp (EPERM): awsrole refuses to run, with a message and a fix, and prints no credentials"
hs_seccomp && {
	hs_static
	run "$HS_SECCOMP" --deny prctl -- env "$NO_LSAN" awsrole env base
	if expect_rc 1; then
		expect_err_has "prctl"
		expect_err_has "Operation not permitted"
		expect_fix_hint
	fi
	[ -z "$OUT" ] || fail "stdout is not empty (credentials printed by a process that may dump core)"
	pass
}

t "harden (4): setrlimit refused by seccomp (EPERM): awsrole refuses to run, with a message and a fix, and prints no credentials"
hs_seccomp && {
	hs_static
	run "$HS_SECCOMP" --deny setrlimit -- env "$NO_LSAN" awsrole env base
	if expect_rc 1; then
		expect_err_has "setrlimit"
		expect_err_has "core"
		expect_err_has "Operation not permitted"
		expect_fix_hint
	fi
	[ -z "$OUT" ] || fail "stdout is not empty (credentials printed by a process that may dump core)"
	pass
}

t "harden (4): a Docker-like filter (ptrace, mount, keyctl, unshare, bpf ... refused) does not stop awsrole"
hs_seccomp && {
	hs_static
	run "$HS_SECCOMP" --deny docker -- env "$NO_LSAN" awsrole env base
	expect_rc 0
	expect_out_has "export AWS_SECRET_ACCESS_KEY='$BASE_SECRET'"
	[ -z "$ERR" ] || fail "stderr is not empty: $ERR"
	pass
}
