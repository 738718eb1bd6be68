# t_90_secrets.sh — secret hygiene: what awsrole prints (-v included), what ps and /proc show of
# it, core dumps and ptrace, and the file-permission checks (doctor, the cache directory).
#
# Secrets: the source secret key, the role session's secret key and token, and the MFA code.
# Only `env` and `credential-process` print credentials on stdout, on purpose; nothing else may.

S_CODE=480713
S_SERIAL=arn:aws:iam::333333333333:mfa/example.user

# s_lacks WHAT TEXT SECRET... — none of the secrets in TEXT.
s_lacks() {
	local what=$1 text=$2 s
	shift 2
	for s in "$@"; do
		[ -n "$s" ] || continue
		if grep -qF -- "$s" <<<"$text"; then
			fail "$what shows a secret (${s:0:4}…, ${#s} chars)"
			_show "$what" "$text"
		fi
	done
}

# s_role_secrets — the session's secret key and token, from the cache entry awsrole wrote.
s_role_secrets() {
	local f
	f=$(ls "$HOME"/.aws/cli/cache/*.json 2>/dev/null | head -1)
	[ -n "$f" ] || { fail "no cache entry after login"; return 1; }
	ROLE_SECRET=$(json_get "$(cat "$f")" Credentials.SecretAccessKey)
	ROLE_TOKEN=$(json_get "$(cat "$f")" Credentials.SessionToken)
	[ -n "$ROLE_SECRET" ] && [ -n "$ROLE_TOKEN" ] || fail "the cache entry lacks the secret or token"
}

t "secrets: -v login, exec, env, credential-process, whoami against moto: no secret in any log"
use_moto
mfa_role_files
all=""
run awsrole login P --mfa-code "$S_CODE" -v
expect_rc 0
expect_err_has "TokenCode=[redacted]"
expect_err_has "authorization: [redacted]"
expect_err_lacks "TokenCode=$S_CODE"
all+="$OUT$ERR"
s_role_secrets
run awsrole exec P -v -- sh -c 'echo child-ran'
expect_rc 0
expect_out_has child-ran
all+="$OUT$ERR"
run awsrole env P -v
expect_rc 0
expect_out_has "$ROLE_SECRET" # on purpose: that is what env is for
all+="$ERR"
run awsrole credential-process P -v
expect_rc 0
expect_eq "credential-process SessionToken" "$ROLE_TOKEN" "$(json_get "$OUT" SessionToken)"
all+="$ERR"
run awsrole whoami P -v
expect_rc 0
expect_out_has "assumed-role/RoleA"
expect_err_has "x-amz-security-token: [redacted]"
expect_err_has "authorization: [redacted]"
all+="$OUT$ERR"
# a fresh login with -v from the warm cache: still no secret
run awsrole login P --mfa-code "$S_CODE" --verbose
expect_rc 0
all+="$OUT$ERR"
expect_eq "verbose output was captured" 1 "$([ ${#all} -gt 2000 ] && echo 1 || echo 0)"
s_lacks "the -v output (stdout+stderr, env/credential-process stdout aside)" "$all" \
	"$BASE_SECRET" "$ROLE_SECRET" "$ROLE_TOKEN" "$S_CODE"
pass

t "secrets: -v against STS errors (AccessDenied, 503 retries) shows no secret"
mfa_role_files "$HOME" AKIASECRETSEXAMPLE01 secretsSecretKeyEXAMPLE0123456789abcdefg
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
all=""
fake_sts_reply 403 error_access_denied_mfa.xml
run awsrole login P --mfa-code "$S_CODE" -v
expect_rc 5
expect_err_has "TokenCode=[redacted]"
all+="$OUT$ERR"
fake_sts_reply 503 error_service_unavailable.xml
run awsrole login P --mfa-code "$S_CODE" -v
expect_rc 5
expect_err_has "retrying"
expect_eq "attempts logged with the code redacted" 3 "$(grep -c 'TokenCode=\[redacted\]' <<<"$ERR")"
all+="$OUT$ERR"
expect_eq "the MFA code reached the server (the control)" "$S_CODE" "$(fake_sts_field params.TokenCode)"
s_lacks "the -v output of failed logins" "$all" secretsSecretKeyEXAMPLE0123456789abcdefg "$S_CODE"
pass

# s_wait_request LOG N — until the fake STS has logged N requests (awsrole is then waiting).
s_wait_request() {
	local i
	for i in $(seq 1 200); do
		[ "$(log_count "$1" event=request)" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "the fake STS never saw request $2"
	return 1
}

t "secrets: ps/proc of a running 'awsrole login --mfa-code' show no code; core size 0"
mfa_role_files "$HOME" AKIASECRETSEXAMPLE01 secretsSecretKeyEXAMPLE0123456789abcdefg
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
fake_sts_script '[{"status": 200, "body_file": "assume_role.xml", "delay_before": 3}]'
awsrole login P --mfa-code "$S_CODE" > "$T_DIR/bg.out" 2> "$T_DIR/bg.err" < /dev/null &
pid=$!
if s_wait_request "$FAKE_STS_LOG" 1; then
	cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline")
	environ=$(tr '\0' '\n' < "/proc/$pid/environ")
	limits=$(cat "/proc/$pid/limits")
	expect_eq "the command line (still awsrole)" login "$(tr '\0' '\n' < "/proc/$pid/cmdline" | sed -n 2p)"
	s_lacks "/proc/$pid/cmdline while awsrole waits for STS" "$cmdline" "$S_CODE"
	s_lacks "/proc/$pid/environ while awsrole waits for STS" "$environ" secretsSecretKeyEXAMPLE0123456789abcdefg "$S_CODE"
	grep -qE '^Max core file size +0 +0 ' <<<"$limits" || fail "core dumps are not off: $(grep 'core' <<<"$limits")"
fi
wait "$pid"
expect_eq "login rc" 0 "$?"
pass

t "secrets: the process tree of 'awsrole exec P -- sleep' shows no secret in any cmdline"
mfa_role_files "$HOME" AKIASECRETSEXAMPLE01 secretsSecretKeyEXAMPLE0123456789abcdefg
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
fake_sts_reply 200 assume_role.xml
awsrole exec P --mfa-code "$S_CODE" -- sh -c 'sleep 6; echo done' > "$T_DIR/bg.out" 2> "$T_DIR/bg.err" < /dev/null &
pid=$!
# s_children PID — the PIDs whose parent is PID (from /proc: no procps needed)
s_children() {
	local f st ppid
	for f in /proc/[0-9]*/stat; do
		st=$(cat "$f" 2>/dev/null) || continue
		read -r _ ppid _ <<<"${st##*) }"
		[ "$ppid" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
	return 0
}
tree=""
for i in $(seq 1 100); do
	[ "$(fake_sts_count)" -ge 1 ] && [ -n "$(s_children "$pid")" ] && break
	sleep 0.05
done
for p in $pid $(s_children "$pid"); do
	tree+="$p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"$'\n'
done
wait "$pid"
expect_eq "exec rc" 0 "$?"
expect_eq "the child ran" "done" "$(cat "$T_DIR/bg.out")"
case $tree in *sleep*) ;; *) fail "did not catch the child: $tree" ;; esac
s_lacks "cmdlines of the exec process tree" "$tree" "$S_CODE" fakeStsSecretAccessKeyEXAMPLE/0123456789 \
	FwoGZXIvYXdzEXAMPLEfakeSessionToken secretsSecretKeyEXAMPLE0123456789abcdefg
pass

# ---------------------------------------------------------------- at the MFA prompt

# During the prompt (a pty), as an unprivileged user: cmdline, environ, core limit, and the
# non-dumpable flag, proven two ways: /proc/PID/* are owned by root instead of the process's
# user (the kernel does that for non-dumpable processes), and ptrace by the same user fails
# while it succeeds on a dumpable process of that user.
t "secrets: at the MFA prompt — no secret in cmdline/environ, core 0, not dumpable, no ptrace"
# (outside the checkout, which the other user may not be able to enter; removed at the end)
wd=$(mktemp -d "${TMPDIR:-/tmp}/awsrole-t90.XXXXXX")
chmod 755 "$wd"
mkdir -p "$wd/home"
mfa_role_files "$wd/home" AKIASECRETSEXAMPLE01 secretsSecretKeyEXAMPLE0123456789abcdefg
cp "$PKI_DIR/ca.pem" "$wd/ca.pem"
cp "$AWSROLE_BIN" "$wd/awsrole"
start_fake_sts
fake_sts_reply 200 assume_role.xml
as=()
if [ "$(id -u)" = 0 ]; then
	chown -R 65534:65534 "$wd/home"
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
cat > "$T_DIR/prompt.py" <<-'EOF'
import ctypes, json, os, pty, select, signal, subprocess, sys, time
code, cmd = sys.argv[1], sys.argv[2:]
res = {}
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf = b""
deadline = time.monotonic() + 20
while b"Enter MFA code for" not in buf and time.monotonic() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            break
res["prompt"] = buf.decode("utf-8", "replace")
if b"Enter MFA code for" in buf:
    st = os.stat("/proc/%d/environ" % pid)
    res["uid"] = [l.split()[1] for l in open("/proc/%d/status" % pid) if l.startswith("Uid:")][0]
    res["environ_owner"] = st.st_uid
    res["cmdline"] = open("/proc/%d/cmdline" % pid, "rb").read().decode("utf-8", "replace").replace("\0", "\n")
    res["environ"] = open("/proc/%d/environ" % pid, "rb").read().decode("utf-8", "replace").replace("\0", "\n")
    res["core"] = [l for l in open("/proc/%d/limits" % pid) if l.startswith("Max core file size")][0].split()[4:6]
    uid = int(res["uid"])

    def attach(target):
        """PTRACE_ATTACH from a child running as uid; returns errno (0: attached)."""
        r, w = os.pipe()
        c = os.fork()
        if c == 0:
            try:
                if os.getuid() != uid:
                    os.setgroups([])
                    os.setgid(uid)
                    os.setuid(uid)
                libc = ctypes.CDLL(None, use_errno=True)
                rc = libc.ptrace(16, target, 0, 0)  # PTRACE_ATTACH
                e = 0 if rc == 0 else ctypes.get_errno()
                if rc == 0:
                    os.waitpid(target, 0)
                    libc.ptrace(17, target, 0, 0)  # PTRACE_DETACH
            except Exception:  # noqa: BLE001
                e = -1
            os.write(w, str(e).encode())
            os._exit(0)
        os.close(w)
        out = os.read(r, 64)
        os.close(r)
        os.waitpid(c, 0)
        return int(out or b"-2")

    ctl = subprocess.Popen(["sleep", "30"], preexec_fn=(lambda: (os.setgroups([]), os.setgid(uid), os.setuid(uid))) if os.getuid() != uid else None)
    time.sleep(0.1)
    res["ptrace_control"] = attach(ctl.pid)
    ctl.kill()
    ctl.wait()
    res["ptrace_awsrole"] = attach(pid)
    os.write(fd, (code + "\n").encode())
out = b""
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            d = os.read(fd, 4096)
        except OSError:
            d = b""
        if not d:
            break
        out += d
try:
    _, st = os.waitpid(pid, 0)
    res["rc"] = os.waitstatus_to_exitcode(st)
except ChildProcessError:
    res["rc"] = None
res["after"] = out.decode("utf-8", "replace")
print(json.dumps(res))
EOF
RUN_TIMEOUT=60 run "$PY" "$T_DIR/prompt.py" "$S_CODE" "${as[@]}" env HOME="$wd/home" \
	AWS_CA_BUNDLE="$wd/ca.pem" AWS_ENDPOINT_URL_STS="$FAKE_STS_URL" AWS_EC2_METADATA_DISABLED=true \
	PATH=/usr/bin:/bin "$wd/awsrole" login P
res=$OUT
expect_rc 0
g() { json_get "$res" "$1"; }
case $(g prompt) in *"Enter MFA code for $S_SERIAL: "*) ;; *) fail "no CLI prompt: $(g prompt)" ;; esac
expect_eq "login after the code" 0 "$(g rc)"
s_lacks "/proc/PID/cmdline at the prompt" "$(g cmdline)" secretsSecretKeyEXAMPLE0123456789abcdefg
s_lacks "/proc/PID/environ at the prompt" "$(g environ)" secretsSecretKeyEXAMPLE0123456789abcdefg "$S_CODE"
expect_eq "core file size (soft hard)" '["0", "0"]' "$(g core)"
echo "# measured: awsrole uid $(g uid); /proc/PID/environ owner $(g environ_owner); ptrace errno: awsrole $(g ptrace_awsrole), a dumpable process of the same user $(g ptrace_control)"
if [ "$(g uid)" = 0 ]; then
	fail "awsrole ran as root: the non-dumpable flag cannot be shown this way"
else
	expect_eq "owner of /proc/PID/environ (0: the kernel's mark of a non-dumpable process)" 0 "$(g environ_owner)"
	if [ "$(g ptrace_control)" = 0 ]; then
		expect_eq "ptrace attach to awsrole by its own user (1: EPERM)" 1 "$(g ptrace_awsrole)"
	else
		echo "# note: ptrace of a dumpable process is refused here too (errno $(g ptrace_control), yama?): the ptrace check proves nothing"
	fi
fi
expect_eq "the MFA code reached STS" "$S_CODE" "$(fake_sts_field params.TokenCode)"
rm -rf "$wd"
pass

# ---------------------------------------------------------------- file permissions

t "permissions: doctor warns when ~/.aws/credentials is readable by the group or everyone"
mfa_role_files
chmod 644 "$HOME/.aws/credentials"
run awsrole doctor
expect_out_has "$HOME/.aws/credentials is readable by everyone"
expect_out_has "chmod 600"
chmod 640 "$HOME/.aws/credentials"
run awsrole doctor
expect_out_has "$HOME/.aws/credentials is readable by its group"
chmod 600 "$HOME/.aws/credentials"
run awsrole doctor
expect_out_lacks "is readable by"
run awsrole doctor --json
expect_out_lacks "is readable by"
chmod 604 "$HOME/.aws/credentials"
run awsrole doctor --json
expect_out_has "readable by everyone"
expect_out_has '"level":'
pass

t "permissions: a cache directory writable by others (or not ours) is refused, nothing written"
mfa_role_files "$HOME" AKIASECRETSEXAMPLE01 secretsSecretKeyEXAMPLE0123456789abcdefg
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
fake_sts_reply 200 assume_role.xml
cache=$HOME/.aws/cli/cache
mkdir -p "$cache"
for mode in 777 770 702; do
	chmod "$mode" "$cache"
	run awsrole login P --mfa-code "$S_CODE"
	expect_rc 7 || echo "    (cache directory mode $mode)" >&2
	expect_err_has "$cache"
	expect_err_has "writable by group or others"
	expect_err_has "chmod 700"
	expect_eq "files written into the $mode directory" "" "$(ls -A "$cache" | grep -v '\.lock$')"
	run awsrole doctor
	expect_out_has "writable by group or others"
done
expect_eq "STS calls (refused before asking STS, the MFA code kept)" 0 "$(fake_sts_count)"
chmod 700 "$cache"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$cache"
	run awsrole login P --mfa-code "$S_CODE"
	expect_rc 7
	expect_err_has "owned by another user"
	chown 0 "$cache"
fi
run awsrole login P --mfa-code "$S_CODE"
expect_rc 0
expect_eq "the 0700 directory holds the entry" 1 "$(ls "$cache" | grep -c '\.json$')"
expect_eq "entry mode" 600 "$(stat -c %a "$cache"/*.json)"
pass
