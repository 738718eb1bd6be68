# t_85_crash.sh — crash safety of the session cache (section 10 of awsrole.c: temp file + fsync +
# rename, flock beside the entry):
#   - kill -9 at random points of `awsrole login P --mfa-code CODE` against a fake STS that
#     answers after a random 0-50 ms, 200 times: the entry is always the old one or a new complete
#     one, the lock is never left held, and the next `awsrole credential-process P` (no terminal)
#     succeeds at once;
#   - a full disk (a 64 KiB tmpfs as the cache's file system): login fails with rc 7 and
#     "No space left", and the old entry is intact.

C_AKID=AKIACRASHEXAMPLE0001
C_SECRET=crashSecretKeyEXAMPLE0123456789abcdefghi
C_CODE=480713
C_KEY=eb73dc24d3b02afb39b999e638a3365a630afca9 # RoleA, 900 s, example.user (FACTS.md)

c_files() { mfa_role_files "$HOME" "$C_AKID" "$C_SECRET"; } # RoleA with MFA, 900 s

t "crash: kill -9 during 200 logins — entry old or new and complete, lock free, next call works"
c_files
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
# 1000 answers, each after a random 0-50 ms (the script is shared by the workers; the last repeats)
"$PY" - "$FAKE_STS_SCRIPT" <<-'EOF'
import json, random, sys
r = [{"status": 200, "body_file": "assume_role.xml", "delay_before": round(random.uniform(0, 0.05), 3)}
     for _ in range(1000)]
open(sys.argv[1] + ".tmp", "w").write(json.dumps({"responses": r, "rev": "crash"}))
EOF
mv "$FAKE_STS_SCRIPT.tmp" "$FAKE_STS_SCRIPT"
run awsrole list --json
expect_eq "CacheKey of P" "$C_KEY" "$(json_get "$OUT" 0.CacheKey)"
cat > "$T_DIR/crash.py" <<-'EOF'
import datetime, fcntl, json, os, random, shutil, signal, subprocess, sys, threading, time

home0, total, workers, code, key = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
lock = threading.Lock()
stats = {"killed": 0, "finished": 0, "old": 0, "new": 0, "tmp_left": 0, "max_cp_ms": 0}
problems = []


def note(msg):
    with lock:
        if len(problems) < 20:
            problems.append(msg)


def parse_exp(s):
    s = s.replace("Z", "+00:00")
    if "." in s:
        head, tail = s.split(".", 1)
        s = head + tail[tail.index("+"):] if "+" in tail else head
    return datetime.datetime.fromisoformat(s)


def complete(text):
    try:
        d = json.loads(text)
        c = d["Credentials"]
        for f in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
            if not isinstance(c.get(f), str) or not c[f]:
                return "Credentials.%s missing" % f
        if parse_exp(c["Expiration"]) <= datetime.datetime.now(datetime.timezone.utc):
            return "expired"
        if not d.get("AssumedRoleUser", {}).get("Arn"):
            return "AssumedRoleUser.Arn missing"
        return None
    except Exception as e:  # noqa: BLE001
        return "not JSON: %r (%d bytes)" % (e, len(text))


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def worker(w, n, env, login_ms):
    cache = os.path.join(env["HOME"], ".aws", "cli", "cache")
    entry = os.path.join(cache, key + ".json")
    lockp = os.path.join(cache, key + ".lock")
    for i in range(n):
        before = read(entry)
        p = subprocess.Popen([AWSROLE, "login", "P", "--mfa-code", code], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(random.uniform(0, login_ms * 1.3) / 1000)
        try:
            p.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        rc = p.wait()
        with lock:
            stats["killed" if rc == -9 else "finished"] += 1
        if rc not in (0, -9):
            note("w%d #%d: login exited %d before the kill" % (w, i, rc))
        after = read(entry)
        if after is None:
            note("w%d #%d: the entry is gone" % (w, i))
        elif after == before:
            with lock:
                stats["old"] += 1
        else:
            why = complete(after)
            if why:
                note("w%d #%d: a new entry that is not complete: %s" % (w, i, why))
            with lock:
                stats["new"] += 1
            st = os.stat(entry)
            if st.st_mode & 0o777 != 0o600:
                note("w%d #%d: entry mode %o" % (w, i, st.st_mode & 0o777))
        # the lock must be free: flock dies with its holder
        if os.path.exists(lockp):
            fd = os.open(lockp, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
            except BlockingIOError:
                note("w%d #%d: the lock is still held after the kill" % (w, i))
            os.close(fd)
        tmp = [f for f in os.listdir(cache) if f.endswith(".tmp")]
        with lock:
            stats["tmp_left"] = max(stats["tmp_left"], len(tmp))
        # the next call (no terminal) works at once, from the entry
        t0 = time.monotonic()
        cp = subprocess.run([AWSROLE, "credential-process", "P"], env=dict(env, AWSROLE_LOCK_TIMEOUT="5"),
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                            start_new_session=True)
        ms = int((time.monotonic() - t0) * 1000)
        with lock:
            stats["max_cp_ms"] = max(stats["max_cp_ms"], ms)
        if cp.returncode != 0:
            note("w%d #%d: credential-process exited %d: %s" % (w, i, cp.returncode, cp.stderr.decode()[:300]))
        elif after is not None:
            try:
                got = json.loads(cp.stdout)["AccessKeyId"]
                want = json.loads(after)["Credentials"]["AccessKeyId"]
                if got != want:
                    note("w%d #%d: credential-process gave %s, the entry holds %s" % (w, i, got, want))
            except Exception as e:  # noqa: BLE001
                note("w%d #%d: credential-process output: %r" % (w, i, e))


AWSROLE = shutil.which("awsrole")
envs = []
for w in range(workers):
    h = os.path.join(home0, "w%d" % w)
    shutil.copytree(os.path.join(home0, ".aws"), os.path.join(h, ".aws"))
    envs.append(dict(os.environ, HOME=h))
# a first, complete login per worker: the "old" entry; its duration sets the kill window
durs = []
for env in envs:
    t0 = time.monotonic()
    r = subprocess.run([AWSROLE, "login", "P", "--mfa-code", code], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, start_new_session=True)
    durs.append((time.monotonic() - t0) * 1000)
    if r.returncode != 0:
        print("setup login failed: %s" % r.stderr.decode())
        sys.exit(1)
login_ms = sorted(durs)[len(durs) // 2]
t0 = time.monotonic()
th = [threading.Thread(target=worker, args=(w, total // workers, envs[w], login_ms)) for w in range(workers)]
for t in th:
    t.start()
for t in th:
    t.join()
stats["seconds"] = round(time.monotonic() - t0, 1)
stats["login_ms"] = int(login_ms)
print(json.dumps(stats, sort_keys=True))
for p in problems:
    print("PROBLEM: " + p)
sys.exit(1 if problems else 0)
EOF
RUN_TIMEOUT=240 run "$PY" "$T_DIR/crash.py" "$HOME" 200 4 "$C_CODE" "$C_KEY"
echo "# measured: crash loop: $(head -1 <<<"$OUT")"
expect_rc 0
expect_out_lacks PROBLEM
stats=$(head -1 <<<"$OUT")
expect_eq "logins run" 200 "$(($(json_get "$stats" killed) + $(json_get "$stats" finished)))"
[ "$(json_get "$stats" killed)" -ge 50 ] || fail "only $(json_get "$stats" killed) of 200 logins were killed: the kill window is off"
[ "$(json_get "$stats" new)" -ge 1 ] || fail "no login ever got to replace the entry: the kill window is off"
pass

t "crash: temporary files a kill -9 left (they hold credentials) are gone after logout"
# A kill between the temporary file's creation and the rename (during fsync) leaves
# .KEY.PID.MS.tmp behind, with the complete new session in it.  Use one the crash loop left;
# if it left none this time, make one as awsrole names them.
left=$(find "$RUN_DIR/cases/$T_FILE" -path '*/cli/cache/*' -name '*.tmp' 2>/dev/null)
echo "# measured: the crash loop left $(grep -c . <<<"$left") temporary cache files"
one=$(head -1 <<<"$left")
if [ -n "$one" ]; then
	h=${one%/.aws/cli/cache/*}
else
	h=$HOME
	c_files
	mkdir -p "$h/.aws/cli/cache"
	chmod 700 "$h/.aws/cli/cache"
	printf '{"Credentials":{"AccessKeyId":"ASIALEFTOVER0000001","SecretAccessKey":"leftoverSecret","SessionToken":"leftoverToken","Expiration":"2099-01-01T00:00:00Z"}}' \
		> "$h/.aws/cli/cache/.$C_KEY.99999.123456.tmp"
	chmod 600 "$h/.aws/cli/cache/.$C_KEY.99999.123456.tmp"
fi
run env HOME="$h" awsrole logout P
expect_rc 0
expect_out_has "Removed"
run find "$h/.aws/cli/cache" -name '*.tmp'
expect_eq "temporary files with credentials left after logout" "" "$OUT"
pass

# ---------------------------------------------------------------- full disk

# A 64 KiB tmpfs: mount(8) as root, else inside a user+mount namespace (unshare -Urm).
t "full disk: login fails with rc 7 'No space left', the old entry is intact"
c_files
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
fake_sts_reply 200 assume_role.xml
mnt=$T_DIR/mnt
mkdir -p "$mnt"
cat > "$T_DIR/fulldisk.sh" <<-'EOF'
# run as: fulldisk.sh MNT CODE — mounts, fills, logs in; prints the facts on stdout.
set -u
mnt=$1 code=$2
mount -t tmpfs -o size=64k,mode=700 awsrole-full "$mnt" || { echo "MOUNT-FAILED"; exit 0; }
trap 'umount "$mnt"' EXIT
export AWSROLE_CACHE_DIR=$mnt/cache
awsrole login P --mfa-code "$code" > /dev/null 2>&1 || echo "SETUP-LOGIN-FAILED"
key=$(ls "$AWSROLE_CACHE_DIR" | grep '\.json$')
sha_before=$(sha256sum < "$AWSROLE_CACHE_DIR/$key")
dd if=/dev/zero of="$mnt/fill" bs=4096 2>/dev/null
echo "FREE $(df -k --output=avail "$mnt" | tail -1 | tr -d ' ')"
awsrole login P --mfa-code "$code" > "$mnt/../login.out" 2> "$mnt/../login.err"
echo "RC $?"
sha_after=$(sha256sum < "$AWSROLE_CACHE_DIR/$key")
[ "$sha_before" = "$sha_after" ] && echo "ENTRY-INTACT" || echo "ENTRY-CHANGED"
echo "FILES $(ls -A "$AWSROLE_CACHE_DIR" | grep -v '\.lock$' | tr '\n' ' ')"
rm -f "$mnt/fill"
awsrole credential-process P > /dev/null 2>&1 && echo "CP-OK" || echo "CP-FAILED"
EOF
how=mount
run bash "$T_DIR/fulldisk.sh" "$mnt" "$C_CODE"
if grep -q MOUNT-FAILED <<<"$OUT"; then
	how="unshare -Urm (user namespace)"
	run unshare -Urm bash "$T_DIR/fulldisk.sh" "$mnt" "$C_CODE"
fi
facts=$OUT
echo "# full disk via $how: $(tr '\n' ' ' <<<"$facts")"
if grep -q MOUNT-FAILED <<<"$facts" || [ "$RC" != 0 ]; then
	skip "cannot mount a tmpfs here (neither as root nor in a user namespace): $facts $ERR"
else
	expect_eq "setup" "" "$(grep SETUP-LOGIN-FAILED <<<"$facts")"
	expect_eq "free space after the fill (KiB)" "FREE 0" "$(grep '^FREE' <<<"$facts")"
	OUT=$(cat "$T_DIR/login.out") ERR=$(cat "$T_DIR/login.err") RC=$(sed -n 's/^RC //p' <<<"$facts")
	RUN_CMD="(full disk) awsrole login P --mfa-code $C_CODE"
	expect_rc 7
	expect_err_has "No space left"
	expect_err_has "$mnt/cache"
	expect_fix_hint
	expect_eq "the old entry" ENTRY-INTACT "$(grep ENTRY- <<<"$facts")"
	expect_eq "files in the cache dir (no temporary file left)" "FILES $C_KEY.json " "$(grep '^FILES' <<<"$facts")"
	expect_eq "the old entry still serves credential-process" CP-OK "$(grep CP- <<<"$facts")"
fi
grep -q " $mnt " /proc/mounts && fail "$mnt is still mounted"
pass
