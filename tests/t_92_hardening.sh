# t_92_hardening.sh — issue 13, the second hardening round, security points 1-3, 5 and 6
# (point 4, secrets in freed heap memory and harden() under seccomp, is tests/t_92_heap.sh):
#   1  plain http only to the allowed hosts, checked on the address curl reads from the URL
#      (0127.0.0.1 is 87.0.0.1 to curl; 0x7f.1, 0177.0.0.1, 2130706433, 127.1 are 127.0.0.1), for
#      the STS endpoint override, the container FULL_URI and the IMDS endpoint;
#      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with "/"; plain-http requests never go
#      through a proxy
#   2  the credential_process / mfa_process timeout covers the child's whole life, not only its
#      pipes, and kills its process group; an mfa_process that reads the terminal still works
#   3  -v shows no proxy credentials (HTTPS_PROXY userinfo, Proxy-Authorization)
#   5  exec (and env) remove the other ambient credential sources from the child's environment
#   6  a signal at the MFA prompt restores the terminal, then kills awsrole with that signal
# The spec is /work/notes/security.md.
#
# Off-loopback addresses: the refusal cases run awsrole in a new network namespace (unshare -n:
# only a loopback interface, down) under strace, and check that no connect() to anything but
# loopback was even tried -- so nothing leaves the machine even while the check is still wrong
# (as it is before the fix: connect() to 87.0.0.1 then fails with ENETUNREACH).  Without
# unshare -n or strace those cases skip; they are never run outside a namespace.

H_AKID=AKIAHARDENEXAMPLE001
H_SECRET=hardenSecretKeyEXAMPLE0123456789abcdefgh
H_CODE=480713
H_STS_SECRET=fakeStsSecretAccessKeyEXAMPLE/0123456789
H_STS_TOKEN='FwoGZXIvYXdzEXAMPLEfakeSessionToken//////////wEaDEXAMPLE+slash/and=plus'
H_ROLE=arn:aws:iam::111111111111:role/RoleA
RUN_TIMEOUT=20

# ---------------------------------------------------------------- helpers

# h_files [LINE...] — [profile P] (RoleA, MFA, source [base] = H_AKID/H_SECRET; LINEs added to
# it), [profile E] (RoleA from the container endpoint), [profile I] (RoleA from IMDS); all in
# us-east-1.  The STS endpoint is a closed loopback port unless the case set one: no case may
# ever resolve or reach sts.us-east-1.amazonaws.com.
h_files() {
	local l
	export AWS_ENDPOINT_URL_STS=${AWS_ENDPOINT_URL_STS:-https://127.0.0.1:9/}
	mfa_role_files "$HOME" "$H_AKID" "$H_SECRET"
	for l in "$@"; do printf '%s\n' "$l" >> "$HOME/.aws/config"; done
	aws_config_profile E "role_arn=$H_ROLE" credential_source=EcsContainer region=us-east-1
	aws_config_profile I "role_arn=$H_ROLE" credential_source=Ec2InstanceMetadata region=us-east-1
}

# h_proc_script NAME <<BODY — an executable script in the case directory; prints its path.
h_proc_script() {
	local f=$T_DIR/$1
	cat > "$f"
	chmod +x "$f"
	echo "$f"
}

# h_alive PID — the process exists and is not a zombie.
h_alive() {
	local st
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# h_expect_dead WHAT PIDFILE — the process in PIDFILE is gone (waits up to 2 s for a kill to
# land); a survivor is killed so that it does not outlive the test.
h_expect_dead() {
	local pid i
	pid=$(cat "$2" 2>/dev/null)
	[ -n "$pid" ] || { fail "$1: no pid in $2 (did the script run?)"; return 1; }
	for i in $(seq 1 40); do
		h_alive "$pid" || return 0
		sleep 0.05
	done
	fail "$1 (pid $pid) is still running after awsrole returned"
	kill -KILL "$pid" 2>/dev/null
	return 1
}

# h_kill_from FILE... — kill the processes whose pids the files hold (clean-up only).
h_kill_from() {
	local f p
	for f in "$@"; do
		p=$(cat "$f" 2>/dev/null) && [ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	return 0
}

# ASan build (make check-asan): LeakSanitizer cannot work under ptrace (strace) or with ptrace
# refused, and ASan's own RLIMIT_CORE call would meet a seccomp filter before awsrole's does.
NO_LSAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:disable_coredump=0"

# Network namespace + strace for the refusal cases.  H_NS: the unshare command that works here.
H_NS=
h_need_netns() {
	if ! command -v strace >/dev/null 2>&1; then
		skip "needs strace (apt-get install strace): the refusal must be shown without a connect()"
		return 1
	fi
	if [ -z "$H_NS" ]; then
		if unshare -n true 2>/dev/null; then
			H_NS="unshare -n"
		elif unshare -rn true 2>/dev/null; then
			H_NS="unshare -rn"
		else
			skip "needs a network namespace (unshare -n or unshare -rn): refusals of off-loopback URLs are never tried outside one"
			return 1
		fi
	fi
	return 0
}

# h_ns_run CMD... — run CMD (an awsrole command) in an empty network namespace under strace;
# NETCALLS = its connect() calls and its sendto()/sendmsg() calls to an address (musl's DNS
# queries are sendto() without connect()), OFFBOX = those to anything but loopback.
h_ns_run() {
	local f=$T_DIR/net.$RANDOM.txt
	# shellcheck disable=SC2086
	run $H_NS strace -f -qq -e trace=connect,sendto,sendmsg -o "$f" env "$NO_LSAN" "$@"
	NETCALLS=$(grep -E 'connect\(|inet_addr|inet_pton' "$f" 2>/dev/null | grep -v 'sa_family=AF_UNIX')
	OFFBOX=$(grep -E 'inet_addr|inet_pton' <<<"$NETCALLS" |
		grep -vE 'inet_addr\("127\.[0-9.]+"\)|inet_pton\(AF_INET6, "::1"' || true)
}

# h_no_offbox WHAT — nothing in OFFBOX.
h_no_offbox() {
	[ -z "$OFFBOX" ] && return 0
	fail "$1: awsrole tried to reach an address off loopback (in the empty namespace, so nothing left the machine)"
	_show "network calls" "$OFFBOX"
	_run_report
	return 1
}

# ================================================================ 1. plain http: allowed hosts

t "endpoint (1): URLs curl reads as 127.0.0.1 (0x7f.1, 0177.0.0.1, 2130706433, 127.1) reach a plain-http STS on loopback"
h_files
start_fake_sts --plain
fake_sts_reply 200 assume_role.xml
for host in 0x7f.1 0177.0.0.1 2130706433 127.1; do
	u=http://$host:$FAKE_STS_PORT/
	before=$(fake_sts_count)
	run env AWS_ENDPOINT_URL_STS="$u" awsrole login P --mfa-code "$H_CODE" --no-cache
	expect_rc 0 || continue
	expect_out_has "Logged in"
	expect_eq "requests at the plain-http fake STS after $u" $((before + 1)) "$(fake_sts_count)"
done
pass

t "endpoint (1): strace in this harness sees awsrole's connect() (the control for the refusal cases)"
h_need_netns && {
	h_files
	start_fake_sts --plain
	fake_sts_reply 200 assume_role.xml
	f=$T_DIR/control.connect.txt
	run strace -f -qq -e trace=connect -o "$f" env "$NO_LSAN" AWS_ENDPOINT_URL_STS="http://127.0.0.1:$FAKE_STS_PORT/" \
		awsrole login P --mfa-code "$H_CODE" --no-cache
	expect_rc 0
	grep -q "connect(.*htons($FAKE_STS_PORT).*inet_addr(\"127.0.0.1\")" "$f" ||
		fail "strace did not record the connect() to 127.0.0.1:$FAKE_STS_PORT: $(cat "$f")"
	pass
}

t "endpoint (1): http://0127.0.0.1 (87.0.0.1 to curl) and other off-loopback spellings are refused before any connect()"
h_need_netns && {
	h_files
	for u in http://0127.0.0.1:8080/ http://00127.0.0.1:8080/ http://0x57.1:8080/ http://1459617793:8080/; do
		h_ns_run env AWS_ENDPOINT_URL_STS="$u" awsrole login P --mfa-code "$H_CODE" --no-cache
		h_no_offbox "AWS_ENDPOINT_URL_STS=$u"
		expect_rc 3 || continue
		expect_err_has "$u"
		expect_err_has "plain http"
		expect_err_has "87.0.0.1"
		expect_fix_hint
		[ -z "$NETCALLS" ] || fail "$u: network calls before the refusal: $NETCALLS"
	done
	pass
}

t "container (1): FULL_URI http://0127.0.0.1 with a token is refused before any connect(); the token is not shown"
h_need_netns && {
	h_files
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=h92-task-token-secret
	for u in http://0127.0.0.1:8080/creds http://0x57.1:8080/creds; do
		h_ns_run env AWS_CONTAINER_CREDENTIALS_FULL_URI="$u" awsrole env E --no-cache
		h_no_offbox "AWS_CONTAINER_CREDENTIALS_FULL_URI=$u"
		expect_rc 3 || continue
		expect_err_has "AWS_CONTAINER_CREDENTIALS_FULL_URI"
		expect_err_has "plain http"
		expect_err_has "87.0.0.1"
		expect_err_lacks "h92-task-token-secret"
		expect_fix_hint
		expect_out_lacks "AWS_SECRET_ACCESS_KEY="
	done
	pass
}

t "container (1): FULL_URI http://127.1 and http://0x7f.1 (127.0.0.1 to curl) reach the container endpoint with the token"
h_files
start_fake_sts --plain
fake_sts_reply 200 assume_role.xml
export AWS_ENDPOINT_URL_STS=http://127.0.0.1:$FAKE_STS_PORT/
start_fake_ecs --path /creds --auth-token h92-task-token
export AWS_CONTAINER_AUTHORIZATION_TOKEN=h92-task-token
n=0
for host in 127.1 0x7f.1; do
	run env AWS_CONTAINER_CREDENTIALS_FULL_URI="http://$host:$FAKE_ECS_PORT/creds" awsrole env E --no-cache
	n=$((n + 1))
	expect_rc 0 || continue
	expect_out_has "AWS_SESSION_TOKEN="
	expect_eq "container requests with the token after http://$host" "$n" \
		"$(log_count "$FAKE_ECS_LOG" status=200 headers.authorization=h92-task-token)"
done
pass

t "container (1): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=@127.0.0.1:PORT/creds is refused (must start with /); the token goes nowhere"
h_files
start_fake_ecs --path /creds
export AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="@127.0.0.1:$FAKE_ECS_PORT/creds"
export AWS_CONTAINER_AUTHORIZATION_TOKEN=h92-relative-token-secret
run awsrole env E --no-cache
expect_rc 3
expect_err_has "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
expect_err_has "start with"
expect_err_lacks "h92-relative-token-secret"
expect_fix_hint
expect_out_lacks "AWS_SECRET_ACCESS_KEY="
expect_eq "requests that reached 127.0.0.1:$FAKE_ECS_PORT (169.254.170.2 turned into userinfo)" 0 "$(log_count "$FAKE_ECS_LOG")"
expect_eq "of them carrying the token" 0 "$(log_count "$FAKE_ECS_LOG" headers.authorization=h92-relative-token-secret)"
pass

t "container (1): RELATIVE_URI values that do not start with / (:8080/x, .example.com/x, x) are refused before any connect()"
h_need_netns && {
	h_files
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=h92-relative-token-secret
	for rel in :8080/creds .example.com/creds creds; do
		h_ns_run env AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="$rel" awsrole env E --no-cache
		h_no_offbox "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=$rel"
		expect_rc 3 || continue
		expect_err_has "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
		expect_err_has "start with"
		[ -z "$NETCALLS" ] || fail "$rel: network calls before the refusal: $NETCALLS"
	done
	pass
}

t "IMDS (1): AWS_EC2_METADATA_SERVICE_ENDPOINT off the IMDS address and loopback (0127.0.0.1, 192.0.2.10) is refused before any connect()"
h_need_netns && {
	h_files
	unset AWS_EC2_METADATA_DISABLED
	for u in http://0127.0.0.1:8080 http://192.0.2.10; do
		h_ns_run env AWS_EC2_METADATA_SERVICE_ENDPOINT="$u" awsrole env I --no-cache
		h_no_offbox "AWS_EC2_METADATA_SERVICE_ENDPOINT=$u"
		expect_rc 3 || continue
		expect_err_has "AWS_EC2_METADATA_SERVICE_ENDPOINT"
		expect_err_has "$u"
		expect_fix_hint
		[ -z "$NETCALLS" ] || fail "$u: network calls before the refusal: $NETCALLS"
	done
	expect_err_has "192.0.2.10"
	h_ns_run env AWS_EC2_METADATA_SERVICE_ENDPOINT=http://0127.0.0.1:8080 awsrole env I --no-cache
	expect_err_has "87.0.0.1"
	pass
}

t "IMDS (1): AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.1:PORT (loopback to curl) still works"
h_files
start_fake_sts --plain
fake_sts_reply 200 assume_role.xml
export AWS_ENDPOINT_URL_STS=http://127.0.0.1:$FAKE_STS_PORT/
start_fake_imds
unset AWS_EC2_METADATA_DISABLED
export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.1:$FAKE_IMDS_PORT
run awsrole env I --no-cache
expect_rc 0
expect_out_has "AWS_SESSION_TOKEN="
expect_eq "IMDS requests answered 200" 3 "$(log_count "$FAKE_IMDS_LOG" status=200)"
pass

# ---------------------------------------------------------------- proxies

# h_catch_proxy — a fake proxy as http_proxy/HTTP_PROXY (and ALL_PROXY with "all"): every
# plain-http request that goes through a proxy lands (and is logged) there.
h_catch_proxy() {
	start_fake_proxy --refuse 403 || return 1
	export http_proxy=$FAKE_PROXY_URL HTTP_PROXY=$FAKE_PROXY_URL
	if [ "${1:-}" = all ]; then
		export ALL_PROXY=$FAKE_PROXY_URL all_proxy=$FAKE_PROXY_URL
	fi
}

t "proxy (1): a plain-http loopback STS endpoint is reached directly, never through http_proxy/ALL_PROXY"
h_files
start_fake_sts --plain
fake_sts_reply 200 assume_role.xml
h_catch_proxy all
run env AWS_ENDPOINT_URL_STS="http://127.0.0.1:$FAKE_STS_PORT/" awsrole login P --mfa-code "$H_CODE" --no-cache
expect_rc 0
expect_out_has "Logged in"
expect_eq "requests at the proxy (the signed request in clear)" 0 "$(log_count "$FAKE_PROXY_LOG")"
expect_eq "requests at the STS" 1 "$(fake_sts_count)"
pass

t "proxy (1): container (FULL_URI + token) and IMDS requests go direct, not through http_proxy"
h_files
start_fake_sts --plain
fake_sts_reply 200 assume_role.xml
export AWS_ENDPOINT_URL_STS=http://127.0.0.1:$FAKE_STS_PORT/
start_fake_ecs --path /creds --auth-token h92-proxy-token
start_fake_imds
h_catch_proxy
run env AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_ECS_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=h92-proxy-token \
	awsrole env E --no-cache
expect_rc 0
expect_eq "container requests (direct, with the token)" 1 "$(log_count "$FAKE_ECS_LOG" headers.authorization=h92-proxy-token)"
run env -u AWS_EC2_METADATA_DISABLED AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" awsrole env I --no-cache
expect_rc 0
expect_eq "IMDS requests (direct)" 3 "$(log_count "$FAKE_IMDS_LOG")"
expect_eq "requests at the proxy" 0 "$(log_count "$FAKE_PROXY_LOG")"
expect_eq "requests at the proxy carrying the container token" 0 "$(log_count "$FAKE_PROXY_LOG" headers.authorization=h92-proxy-token)"
pass

# ================================================================ 2. the process timeout

t "process timeout (2): a credential_process that closes stdout/stderr and keeps running (with a grandchild) is killed at the timeout"
h_files
# shellcheck disable=SC2016
p=$(h_proc_script closer.sh <<-EOF
	#!/bin/sh
	sleep 30 </dev/null >/dev/null 2>&1 &
	echo \$! > "$T_DIR/grandchild.pid"
	echo \$\$ > "$T_DIR/child.pid"
	exec >&- 2>&-
	exec sleep 30
	EOF
)
aws_config_profile closer "credential_process=$p"
export AWSROLE_PROCESS_TIMEOUT=2
RUN_TIMEOUT=15 run awsrole env closer
[ "$RC" != 124 ] || fail "awsrole waited for the child past the 2 s timeout (killed by the harness after 15 s)"
expect_rc 5
expect_err_has "closer.sh"
expect_err_has "within 2 s"
expect_err_has "killed"
expect_fix_hint
expect_out_lacks "AWS_SECRET_ACCESS_KEY="
h_expect_dead "the credential_process (sleep 30 with its pipes closed)" "$T_DIR/child.pid"
h_expect_dead "its grandchild" "$T_DIR/grandchild.pid"
h_kill_from "$T_DIR/child.pid" "$T_DIR/grandchild.pid"
pass

t "process timeout (2): an mfa_process that closes its pipes is killed at the timeout (group too); the caller waiting on the lock then logs in"
start_fake_sts
fake_sts_reply 200 assume_role.xml
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWSROLE_PROCESS_TIMEOUT=2
# 1st run: closes its pipes and hangs (with a grandchild); later runs print the code.
# shellcheck disable=SC2016
m=$(h_proc_script mfa.sh <<-EOF
	#!/bin/sh
	if [ -e "$T_DIR/mfa.once" ]; then echo $H_CODE; exit 0; fi
	: > "$T_DIR/mfa.once"
	sleep 30 </dev/null >/dev/null 2>&1 &
	echo \$! > "$T_DIR/mfa_grandchild.pid"
	echo \$\$ > "$T_DIR/mfa_child.pid.tmp"
	mv "$T_DIR/mfa_child.pid.tmp" "$T_DIR/mfa_child.pid"
	exec >&- 2>&-
	exec sleep 30
	EOF
)
h_files "mfa_process = $m"
( setsid -w timeout -k 5 20 awsrole login P >"$T_DIR/a.out" 2>"$T_DIR/a.err" </dev/null; echo $? > "$T_DIR/a.rc" ) &
a=$!
for i in $(seq 1 200); do [ -s "$T_DIR/mfa_child.pid" ] && break; sleep 0.05; done
[ -s "$T_DIR/mfa_child.pid" ] || fail "the first caller never ran mfa_process"
( setsid -w timeout -k 5 20 awsrole login P >"$T_DIR/b.out" 2>"$T_DIR/b.err" </dev/null; echo $? > "$T_DIR/b.rc" ) &
b=$!
wait "$a" "$b"
OUT=$(cat "$T_DIR/a.out") ERR=$(cat "$T_DIR/a.err") RC=$(cat "$T_DIR/a.rc")
RUN_CMD="(1st caller, holds the lock) awsrole login P"
printf '$ %s\n[rc=%s]\n--- stdout\n%s\n--- stderr\n%s\n' "$RUN_CMD" "$RC" "$OUT" "$ERR" >> "$T_DIR/transcript"
[ "$RC" != 124 ] || fail "1st caller: awsrole waited for mfa_process past the 2 s timeout (killed by the harness after 20 s)"
expect_rc_in 4 5
expect_err_has "mfa.sh"
expect_err_has "within 2 s"
expect_err_has "killed"
h_expect_dead "the mfa_process (sleep 30 with its pipes closed)" "$T_DIR/mfa_child.pid"
h_expect_dead "its grandchild" "$T_DIR/mfa_grandchild.pid"
OUT=$(cat "$T_DIR/b.out") ERR=$(cat "$T_DIR/b.err") RC=$(cat "$T_DIR/b.rc")
RUN_CMD="(2nd caller, waited on the lock) awsrole login P"
printf '$ %s\n[rc=%s]\n--- stdout\n%s\n--- stderr\n%s\n' "$RUN_CMD" "$RC" "$OUT" "$ERR" >> "$T_DIR/transcript"
expect_rc 0
expect_out_has "Logged in"
expect_eq "STS calls (the 2nd caller's, with the code)" 1 "$(log_count "$FAKE_STS_LOG" event=request "params.TokenCode=$H_CODE")"
h_kill_from "$T_DIR/mfa_child.pid" "$T_DIR/mfa_grandchild.pid"
pass

t "process timeout (2): an mfa_process that prompts on /dev/tty and reads the code from it still works (no SIGTTIN stop)"
start_fake_sts
fake_sts_reply 200 assume_role.xml
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWSROLE_PROCESS_TIMEOUT=15
m=$(h_proc_script mfa_tty.sh <<-'EOF'
	#!/bin/sh
	printf 'helper wants the code: ' > /dev/tty
	read -r c < /dev/tty
	echo "$c"
	EOF
)
h_files "mfa_process = $m"
RUN_TIMEOUT=25 run_pty --expect "helper wants the code: " --send "$H_CODE\n" -- awsrole login P
expect_rc 0
grep -q "Logged in" <<<"$OUT$TTY" || fail "no 'Logged in' (stdout: $OUT; terminal: $TTY)"
expect_eq "TokenCode at STS (typed into the helper)" "$H_CODE" "$(fake_sts_field params.TokenCode)"
pass

# ================================================================ 3. -v and proxy credentials

t "-v (3): through HTTPS_PROXY=http://user:pa55w0rd@...: no password, no Proxy-Authorization value; STS secrets still redacted"
h_files
start_fake_sts
fake_sts_script '[{"status": 200, "body_file": "assume_role.xml"}, {"status": 200, "body_file": "get_caller_identity_role.xml"}]'
start_fake_proxy --target-port "$FAKE_STS_PORT"
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_CA_BUNDLE=$PKI_DIR/ca.pem
export HTTPS_PROXY=http://user:pa55w0rd@127.0.0.1:$FAKE_PROXY_PORT
basic=$(printf '%s' 'user:pa55w0rd' | base64)
all=""
run awsrole login P --mfa-code "$H_CODE" -v
expect_rc 0
expect_err_has "proxy-authorization: [redacted]"
expect_err_has "authorization: [redacted]"
expect_err_has "TokenCode=[redacted]"
all+="$OUT$ERR"
run awsrole whoami P -v
expect_rc 0
expect_err_has "x-amz-security-token: [redacted]"
all+="$OUT$ERR"
expect_eq "CONNECTs through the proxy with the credential (the control)" 2 \
	"$(log_count "$FAKE_PROXY_LOG" method=CONNECT "headers.proxy-authorization=Basic $basic")"
for s in pa55w0rd "$basic" "$H_SECRET" "$H_STS_SECRET" "$H_STS_TOKEN" "$H_CODE"; do
	if grep -qF -- "$s" <<<"$all"; then
		fail "the -v output shows a secret (${s:0:4}…, ${#s} chars)"
		grep -nF -- "$s" <<<"$all" | sed 's/^/    /' | head -5 >&2
	fi
done
pass

# ================================================================ 5. exec scrubs ambient sources

H_AMBIENT="AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_SESSION_NAME"

h_ambient() {
	printf 'h92-token-in-file\n' > "$T_DIR/container.token"
	printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJoOTIifQ.\n' > "$T_DIR/web.jwt"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/creds
	export AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/h92
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=h92-ambient-token-secret
	export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$T_DIR/container.token
	export AWS_ROLE_ARN=arn:aws:iam::999999999999:role/Ambient
	export AWS_WEB_IDENTITY_TOKEN_FILE=$T_DIR/web.jwt
	export AWS_ROLE_SESSION_NAME=h92-ambient
}

t "exec (5): the child's environment has none of the ambient credential sources (container, web identity)"
h_files
h_ambient
run awsrole exec base -- env
expect_rc 0
expect_out_has "AWS_ACCESS_KEY_ID=$H_AKID"
for v in $H_AMBIENT; do
	if grep -q "^$v=" <<<"$OUT"; then
		fail "exec's child still has $v: $(grep "^$v=" <<<"$OUT")"
	fi
done
expect_out_lacks "h92-ambient-token-secret"
pass

t "env (5): prints an unset line for every ambient credential source (sh: unset NAME; fish: set -e NAME;)"
h_files
h_ambient
run awsrole env base
expect_rc 0
for v in $H_AMBIENT; do
	grep -qx "unset $v" <<<"$OUT" || fail "env (sh) has no line 'unset $v'"
done
run awsrole env base --format fish
expect_rc 0
for v in $H_AMBIENT; do
	grep -qx "set -e $v;" <<<"$OUT" || fail "env (fish) has no line 'set -e $v;'"
done
pass

# ================================================================ 6. signals at the MFA prompt

# h_sig_script — a helper that runs CMD with a pty as its terminal (stdin, stdout, stderr),
# waits for the MFA prompt, records whether echo is off, delivers SIG (INT typed as ^C, or
# kill(2) for TERM/HUP/INT-kill), waits, and prints JSON: prompt seen, echo at the prompt, how
# the process ended, and the terminal's ECHO/ICANON flags afterwards.
h_sig_script() {
	cat > "$T_DIR/sig.py" <<-'EOF'
	import fcntl, json, os, pty, select, signal, sys, termios, time
	how, cmd = sys.argv[1], sys.argv[2:]
	master, slave = pty.openpty()
	pid = os.fork()
	if pid == 0:
	    os.setsid()
	    os.close(master)
	    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
	    for fd in (0, 1, 2):
	        os.dup2(slave, fd)
	    if slave > 2:
	        os.close(slave)
	    os.execvp(cmd[0], cmd)
	res = {"prompt": False}
	buf = b""
	deadline = time.monotonic() + 15
	while b"Enter MFA code for" not in buf and time.monotonic() < deadline:
	    if select.select([master], [], [], 0.1)[0]:
	        try:
	            buf += os.read(master, 4096)
	        except OSError:
	            break
	res["terminal"] = buf.decode("utf-8", "replace")
	if b"Enter MFA code for" in buf:
	    res["prompt"] = True
	    time.sleep(0.2)
	    res["echo_at_prompt"] = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
	    if how == "INT":
	        os.write(master, b"\x03")  # Ctrl-C: the terminal sends SIGINT
	    else:
	        os.kill(pid, getattr(signal, "SIG" + how))
	st = None
	deadline = time.monotonic() + 10
	while time.monotonic() < deadline:
	    if select.select([master], [], [], 0.05)[0]:
	        try:
	            os.read(master, 4096)
	        except OSError:
	            pass
	    w, s = os.waitpid(pid, os.WNOHANG)
	    if w:
	        st = s
	        break
	if st is None:
	    os.kill(pid, signal.SIGKILL)
	    os.waitpid(pid, 0)
	    res["end"] = "still running 10 s after the signal (killed)"
	elif os.WIFSIGNALED(st):
	    res["end"] = "signal %d" % os.WTERMSIG(st)
	else:
	    res["end"] = "exit %d" % os.WEXITSTATUS(st)
	lflag = termios.tcgetattr(slave)[3]
	res["echo_after"] = bool(lflag & termios.ECHO)
	res["icanon_after"] = bool(lflag & termios.ICANON)
	print(json.dumps(res))
	EOF
}

# h_sig_case HOW SIGNUM — the checks for one signal.
h_sig_case() {
	h_files
	h_sig_script
	# never reached (awsrole dies at the prompt), but never the real STS either
	export AWS_ENDPOINT_URL_STS=https://127.0.0.1:9/
	run "$PY" "$T_DIR/sig.py" "$1" awsrole login P
	local res=$OUT
	expect_rc 0 || return 1
	expect_eq "MFA prompt shown" True "$(json_get "$res" prompt)" || { _show terminal "$(json_get "$res" terminal)"; return 1; }
	expect_eq "echo at the prompt (the control: awsrole turned it off)" False "$(json_get "$res" echo_at_prompt)"
	expect_eq "how awsrole ended (killed by the signal, re-raised)" "signal $2" "$(json_get "$res" end)"
	expect_eq "terminal ECHO after SIG$1" True "$(json_get "$res" echo_after)"
	expect_eq "terminal ICANON after SIG$1" True "$(json_get "$res" icanon_after)"
}

t "MFA prompt (6): Ctrl-C (SIGINT from the terminal) restores echo, and awsrole dies of SIGINT"
h_sig_case INT 2
pass

t "MFA prompt (6): SIGTERM restores echo, and awsrole dies of SIGTERM"
h_sig_case TERM 15
pass

t "MFA prompt (6): SIGHUP restores echo, and awsrole dies of SIGHUP"
h_sig_case HUP 1
pass
