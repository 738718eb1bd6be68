# t_98_agent_scope.sh — issue 12's agent lane end to end (notes/issue12.md "The agent lane"; README
# "Working with an AI agent", "Scoping and attribution"): what `awsrole serve` and `awsrole agent`
# hand an agent, and how narrow it is.
#
#   - serve's AssumeRole per profile: PolicyArns ReadOnlyAccess unless told (--scope full /
#     viewonly, --policy-arn, a profile's own awsrole_policy_arns), RoleSessionName
#     awsrole-agent-USER (--role-session-name; a bad one refused before any prompt), the
#     profile's source_identity and session tags; the banner's scope line per profile
#   - the scope shown: the fetch JSON's AwsroleScope, whoami's "Scope", status, list's SCOPE
#   - `awsrole agent --policy FILE`: serve narrows with GetScopedCredentials (tests/peers/
#     scoped_sts.py inside moto: its log's "scoped" object maps caller -> issued key), from its
#     root session, layer by layer (nested views, at most three layers), again on each renewal
#     and never stacked, to the regional endpoint even with sts_regional_endpoints = legacy; the
#     agent's key is one a scoped call issued, never the root session's, never the user's
#   - the view's policy checked before anything (JSON object, 2048 characters, U+0020-U+00FF);
#     STS's errors (scripted with moto_scoped_script) as messages for the agent and on serve's
#     terminal
#   - doctor --online maps an AssumeRole denial to sts:SetSourceIdentity / sts:TagSession
#
# serve runs on a pseudo-terminal (tests/peers/pty_bg.py) with --mfa-session, the code typed in;
# its terminal is in $RUN_DIR/t98/serve.NAME/tty, and a serve may outlive the case that started
# it: the cases of one group go back to its HOME (a_case).  The agent side runs without a terminal
# (`run`).  The serve helpers are lib.sh's.  moto's log is read in one go per check (gsc_load,
# ar_load): a Python start costs ~0.2 s here.

MFA_SERIAL=arn:aws:iam::333333333333:mfa/example.user
PROMPT="Enter MFA code for $MFA_SERIAL: "
ARN_A=arn:aws:iam::111111111111:role/RoleA
ARN_RO=arn:aws:iam::222222222222:role/RoleReadOnly
STS_RO=arn:aws:sts::222222222222:assumed-role/RoleReadOnly/
POL_RO=arn:aws:iam::aws:policy/ReadOnlyAccess
POL_VO=arn:aws:iam::aws:policy/job-function/ViewOnlyAccess
POL_X1=arn:aws:iam::111111111111:policy/team/agent-read
POL_X2=arn:aws:iam::111111111111:policy/team/agent-deny-secrets
ME=$(id -un)
SNAME=awsrole-agent-$ME
RUN_TIMEOUT=20

# ---------------------------------------------------------------- helper programs

H=$RUN_DIR/t98
SRV_BASE=$H # a serve may outlive its case (lib.sh srv_dir)
mkdir -p "$H"

# minify.py FILE — the file's JSON with the white space outside strings removed, the text
# otherwise as written (README, "Scoping and attribution": what "minified" means).
cat > "$H/minify.py" <<'EOF'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
out, in_str, esc = [], False, False
for ch in t:
    if in_str:
        out.append(ch)
        if esc:
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == '"':
            in_str = False
    elif ch == '"':
        in_str = True
        out.append(ch)
    elif ch not in " \t\r\n":
        out.append(ch)
sys.stdout.write("".join(out))
EOF

# policy_len.py FILE N [CHAR] — a valid policy whose minified form has exactly N characters
# (not bytes), pretty-printed (so the file is longer); CHAR (default A) fills a Resource string.
cat > "$H/policy_len.py" <<'EOF'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
ch = sys.argv[3] if len(sys.argv) > 3 else "A"
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": ""}]}
m = lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False)
doc["Statement"][0]["Resource"] = ch * (n - len(m(doc)))
assert len(m(doc)) == n, (len(m(doc)), n)
open(path, "w", encoding="utf-8").write(json.dumps(doc, indent=4, ensure_ascii=False) + "\n")
EOF

# records.py LOG SINCE ACTION [DESC_HAS] — the moto log's ACTION records since line SINCE (for
# GetScopedCredentials: whose ScopedSessionDescription contains DESC_HAS) as lines
# "I.FIELD<TAB>VALUE" (I from 0; "n<TAB>COUNT" first) for gsc_load/ar_load.
cat > "$H/records.py" <<'EOF'
import json, sys
log, since, action = sys.argv[1], int(sys.argv[2]), sys.argv[3]
has = sys.argv[4] if len(sys.argv) > 4 else None
recs = []
for i, line in enumerate(open(log)):
    if i < since:
        continue
    r = json.loads(line)
    if r.get("action") != action:
        continue
    p = r.get("params") or {}
    if has is not None and has not in (p.get("ScopedSessionDescription") or ""):
        continue
    recs.append(r)
out = [f"n\t{len(recs)}"]
for i, r in enumerate(recs):
    p, sc = r.get("params") or {}, r.get("scoped") or {}
    f = {"status": r.get("status"), "error": r.get("error_code"), "akid": r.get("akid"), "host": r.get("host"),
         "region": r.get("scope_region"), "issued": r.get("issued_akid") or sc.get("issued_akid"),
         "caller": sc.get("caller_akid"), "kind": sc.get("caller_kind"), "layers": sc.get("layers"),
         "root": sc.get("root_akid"), "keys": " ".join(sorted(p))}
    for k, v in p.items():
        f["p:" + k] = v
    for k, v in f.items():
        v = "" if v is None else str(v)
        out.append(f"{i}.{k}\t" + v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"))
print("\n".join(out))
EOF

# gsc_check.py LOG SINCE ROLE_ARN DESC_HAS — every GetScopedCredentials since SINCE whose
# ScopedSessionDescription contains DESC_HAS succeeded, was signed by the key of the latest
# AssumeRole into ROLE_ARN before it (the root session then), and has layers 1.  Prints
# "CALLS CALLERS" (distinct callers), or the first violation (exit 1).
cat > "$H/gsc_check.py" <<'EOF'
import json, sys
log, since, role, has = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
latest, n, callers = None, 0, set()
for i, line in enumerate(open(log)):
    r = json.loads(line)
    if r.get("action") == "AssumeRole" and (r.get("params") or {}).get("RoleArn") == role and r.get("status") == 200:
        latest = r.get("issued_akid")
    if i < since or r.get("action") != "GetScopedCredentials":
        continue
    if has not in ((r.get("params") or {}).get("ScopedSessionDescription") or ""):
        continue
    n += 1
    sc = r.get("scoped") or {}
    callers.add(sc.get("caller_akid"))
    if r.get("status") != 200:
        print(f"call {n}: status {r.get('status')} {r.get('error_code')}"); sys.exit(1)
    if sc.get("caller_akid") != latest:
        print(f"call {n}: signed by {sc.get('caller_akid')}; the latest AssumeRole before it issued {latest}"); sys.exit(1)
    if sc.get("layers") != 1:
        print(f"call {n}: layers {sc.get('layers')}"); sys.exit(1)
print(n, len(callers))
EOF

# ---------------------------------------------------------------- helpers

# lq ARGS... — tests/peers/logq.py on moto's log.
lq() { "$PY" "$PEERS/logq.py" "$MOTO_LOG" "$@"; }

# srv_line NAME ERE — the first line of serve NAME's terminal that matches ERE.
srv_line() { srv_tty "$1" | grep -m1 -E -- "$2"; }

# gsc_load MARK [DESC_HAS] — the GetScopedCredentials records since MARK (whose description
# contains DESC_HAS) into G: ${G[n]} calls; ${G[I.status]} .error .caller .issued .layers .root
# .kind .host .region .keys (the form fields' names) and ${G[I.p:FIELD]} (I from 0).
# ar_load MARK — the same for AssumeRole into A.
declare -A G A
_load() { # ARRAY ACTION MARK [DESC_HAS]
	local -n arr=$1
	local k v
	arr=()
	while IFS=$'\t' read -r k v; do
		v=${v//\\n/$'\n'} v=${v//\\t/$'\t'} v=${v//\\\\/\\}
		# shellcheck disable=SC2004 # an associative array: the key needs its $
		arr[$k]=$v
	done < <("$PY" "$H/records.py" "$MOTO_LOG" "$3" "$2" ${4+"$4"})
}
gsc_load() { _load G GetScopedCredentials "$@"; }
ar_load() { _load A AssumeRole "$1"; }

# ar_index ROLE_ARN [SOURCE_IDENTITY] — the index in A of the AssumeRole into ROLE_ARN (with
# that SourceIdentity; "-" = none); empty if none.
ar_index() {
	local i
	for ((i = 0; i < ${A[n]:-0}; i++)); do
		[ "${A[$i.p:RoleArn]}" = "$1" ] || continue
		case ${2:-} in
		"") ;;
		-) [ -z "${A[$i.p:SourceIdentity]:-}" ] || continue ;;
		*) [ "${A[$i.p:SourceIdentity]:-}" = "$2" ] || continue ;;
		esac
		echo "$i"
	done | tail -n 1
}

# policy_arns I — PolicyArns.member.N.arn of AssumeRole I in A, in N order, space-separated.
policy_arns() {
	local n=1 out=()
	while [ -n "${A[$1.p:PolicyArns.member.$n.arn]:-}" ]; do
		out+=("${A[$1.p:PolicyArns.member.$n.arn]}")
		n=$((n + 1))
	done
	echo "${out[*]}"
}

# http_get PATH [curl options] — GET http://127.0.0.1:PORT/PATH: HTTP_CODE, OUT (body).
http_get() {
	local path=$1
	shift
	HTTP_CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --max-time 5 "$@" "http://127.0.0.1:$(ep_port)$path")
	OUT=$(cat "$T_DIR/body" 2>/dev/null)
	printf '$ curl %s\n[%s]\n%s\n' "$path" "$HTTP_CODE" "$OUT" >> "$T_DIR/transcript"
}

# cp_akid — the AccessKeyId of the credential_process JSON in $OUT.
cp_akid() { json_get "$OUT" AccessKeyId; }

# pmin FILE — the file's policy minified (minify.py).
pmin() { "$PY" "$H/minify.py" "$1"; }

# role_files [EXTRA_KEYS_FOR_Q...] — ~/.aws: P (RoleA, 111111111111) with source_identity and
# session tags, Q (RoleReadOnly, 222222222222) plain (+ the keys given), R (RoleA) with its own
# awsrole_policy_arns; all from [base] (the moto user's keys), one MFA device, 900 s.
role_files() {
	aws_config_write <<-EOF
	[profile P]
	role_arn = $ARN_A
	source_profile = base
	mfa_serial = $MFA_SERIAL
	region = us-east-1
	duration_seconds = 900
	source_identity = alice.agent
	session_tags = agent=claude, team=core
	transitive_session_tags = team

	[profile R]
	role_arn = $ARN_A
	source_profile = base
	mfa_serial = $MFA_SERIAL
	region = us-east-1
	duration_seconds = 900
	awsrole_policy_arns = $POL_X1,$POL_X2

	[profile Q]
	role_arn = $ARN_RO
	source_profile = base
	mfa_serial = $MFA_SERIAL
	region = ap-northeast-1
	duration_seconds = 900
	EOF
	local kv
	for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >> "$HOME/.aws/config"; done
	aws_credentials_write <<-EOF
	[base]
	aws_access_key_id = $BASE_AKID
	aws_secret_access_key = $BASE_SECRET
	EOF
}

# policies — three small view policies in $HOME (f1 pretty-printed, with spaces inside a string).
policies() {
	cat > "$HOME/f1.json" <<-'EOF'
	{
	    "Version": "2012-10-17",
	    "Statement": [
	        { "Sid": "Who", "Effect": "Allow", "Action": [ "sts:GetCallerIdentity", "s3:GetObject" ],
	          "Resource": [ "*", "arn:aws:s3:::my  bucket/*" ] }
	    ]
	}
	EOF
	printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}\n' > "$HOME/f2.json"
	printf '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:Get*","Resource":"*"}}\n' > "$HOME/f3.json"
}

# ================================================================ group A: one serve (P Q R, default scope)

t "serve (default): each profile's AssumeRole sends PolicyArns ReadOnlyAccess (R: its own awsrole_policy_arns only), RoleSessionName $SNAME, P's SourceIdentity, Tags and TransitiveTagKeys; banner per profile"
use_moto
role_files
policies
A_HOME=$HOME
A_MARK=$(moto_log_mark)
serve_up s 612345 P Q R --mfa-session
ar_load "$A_MARK"
expect_eq "AssumeRole calls (P, Q, R)" 3 "${A[n]}"
ip=$(ar_index "$ARN_A" alice.agent) iq=$(ar_index "$ARN_RO") ir=$(ar_index "$ARN_A" -)
if [ -z "$ip" ] || [ -z "$iq" ] || [ -z "$ir" ]; then
	fail "AssumeRoles: P (RoleA with SourceIdentity alice.agent) [$ip], Q [$iq], R (RoleA without) [$ir]"
else
	expect_eq "P: PolicyArns" "$POL_RO" "$(policy_arns "$ip")"
	expect_eq "P: RoleSessionName" "$SNAME" "${A[$ip.p:RoleSessionName]}"
	expect_eq "P: Tags.member.1" agent=claude "${A[$ip.p:Tags.member.1.Key]}=${A[$ip.p:Tags.member.1.Value]}"
	expect_eq "P: Tags.member.2" team=core "${A[$ip.p:Tags.member.2.Key]}=${A[$ip.p:Tags.member.2.Value]}"
	expect_eq "P: TransitiveTagKeys.member.1" team "${A[$ip.p:TransitiveTagKeys.member.1]:-}"
	expect_eq "P: no Policy" "" "${A[$ip.p:Policy]:-}"
	expect_eq "Q: PolicyArns" "$POL_RO" "$(policy_arns "$iq")"
	expect_eq "Q: RoleSessionName" "$SNAME" "${A[$iq.p:RoleSessionName]}"
	expect_eq "Q: form fields (no SourceIdentity, Tags, Policy)" \
		"Action DurationSeconds PolicyArns.member.1.arn RoleArn RoleSessionName Version" "${A[$iq.keys]}"
	expect_eq "R: PolicyArns (its own list, no ReadOnlyAccess)" "$POL_X1 $POL_X2" "$(policy_arns "$ir")"
	expect_eq "R: RoleSessionName" "$SNAME" "${A[$ir.p:RoleSessionName]}"
	A_P=${A[$ip.issued]} A_Q=${A[$iq.issued]} A_R=${A[$ir.issued]}
fi
for p in P Q; do
	srv_line s "^  $p: scope " | grep -qF "  $p: scope readonly (ReadOnlyAccess; --scope full opts out), role session name $SNAME" ||
		{ fail "$p's banner line: [$(srv_line s "^  $p: scope ")]"; srv_show s; }
done
case $(srv_line s "^  P: scope ") in *"source identity alice.agent"*) ;; *) fail "P's banner line does not name its source identity" ;; esac
l=$(srv_line s "^  R: scope ")
case $l in *readonly* | "") fail "R's banner line: [$l] (it has its own policy ARNs)" ;; esac
case $l in *"$POL_X1"*"role session name $SNAME"*) ;; *) fail "R's banner line does not name its policy ARN and the session name: [$l]" ;; esac
srv_line s "^[0-9TZ:-]+ ready: Q " | grep -qF "assumed-role/RoleReadOnly/$SNAME " || { fail "Q's ready line: not the session name $SNAME"; srv_show s; }
pass

# The cases below, up to "serve s stops", use serve s of the case above (its HOME, agent dir).
# a_case — back in serve s's HOME (T_DIR stays the case's own), moto in the environment.
a_case() {
	export HOME=$A_HOME
	cd "$HOME" || return 1
	use_moto
	[ -n "${A_P:-}" ] && [ -n "${A_Q:-}" ] && [ -n "${A_R:-}" ] && [ ! -s "$H/serve.s/status" ] && return 0
	fail "serve s is not serving (P [${A_P:-}] Q [${A_Q:-}] R [${A_R:-}])"
	return 1
}

t "the scope shown (serve's default): the fetch JSON's AwsroleScope; whoami's \"Scope\" and status in the view"
a_case
for p in P Q R; do
	http_get "/v1/credentials/$p" -H "Authorization: $(ep_token)"
	expect_eq "$p: HTTP status" 200 "$HTTP_CODE"
	sc=$(json_get "$OUT" AwsroleScope)
	case $p in
	R) case $sc in *readonly* | "") fail "R: AwsroleScope [$sc]" ;; esac
		case $sc in *"$POL_X1"*) ;; *) fail "R: AwsroleScope [$sc] does not name its policy ARN" ;; esac ;;
	*) expect_eq "$p: AwsroleScope" readonly "$sc" ;;
	esac
done
run awsrole agent -- awsrole whoami Q
expect_rc 0
expect_out_has '"Scope": "readonly"'
expect_out_has "\"Arn\": \"$STS_RO$SNAME\""
run awsrole agent -- awsrole status
expect_rc 0
for p in P Q; do
	grep -E "^  $p: ok " <<<"$OUT" | grep -qE ', scope readonly$' || fail "status: $p's line does not end in scope readonly: $OUT"
done
grep -E '^  R: ok ' <<<"$OUT" | grep -qF "scope policy $POL_X1" || fail "status: R's line does not name its policy ARN: $OUT"
pass

t "agent --name sub --policy FILE: serve's GetScopedCredentials (Policy minified, ScopedSessionDescription names view sub, no DurationSeconds) signed by Q's root session; boto3 and credential-process get the issued key, never the root's or the user's"
a_case
m=$(moto_log_mark)
run awsrole agent --name sub --policy f1.json -- python3 "$PEERS/boto_whoami.py" --ua t98-whoami Q
expect_rc 0
expect_out_has "$STS_RO$SNAME "
key=${OUT##* }
gsc_load "$m"
expect_eq "GetScopedCredentials calls" 1 "${G[n]}"
expect_eq "its status" 200 "${G[0.status]}"
expect_eq "Policy (f1.json minified)" "$(pmin "$HOME/f1.json")" "${G[0.p:Policy]}"
case ${G[0.p:ScopedSessionDescription]} in
*"view sub"*) ;;
*) fail "ScopedSessionDescription [${G[0.p:ScopedSessionDescription]}] does not name view sub" ;;
esac
expect_eq "ScopedSessionDescription (README: awsrole agent view NAME (USER))" "awsrole agent view sub ($ME)" \
	"${G[0.p:ScopedSessionDescription]}"
expect_eq "form fields (no DurationSeconds)" "Action Policy ScopedSessionDescription Version" "${G[0.keys]}"
expect_eq "signed by Q's root session (scoped.caller_akid)" "$A_Q" "${G[0.caller]}"
expect_eq "the request's signing key" "$A_Q" "${G[0.akid]}"
expect_eq "scoped.caller_kind" assumed-role "${G[0.kind]}"
expect_eq "scoped.layers" 1 "${G[0.layers]}"
issued=${G[0.issued]}
expect_eq "boto3's key = the one GetScopedCredentials issued" "$issued" "$key"
if [ "$key" = "$A_Q" ] || [ "$key" = "$BASE_AKID" ] || [[ $key != ASIA* ]]; then
	fail "the agent's key [$key] (root $A_Q, user $BASE_AKID)"
fi
expect_eq "the agent's GetCallerIdentity signed with the issued key" "$issued" \
	"$(lq --since "$m" --where action=GetCallerIdentity --all akid | sort -u)"
expect_eq "AssumeRole, GetSessionToken calls (none)" "0 0" "$(moto_calls_since "$m" AssumeRole) $(moto_calls_since "$m" GetSessionToken)"
srv_wait s "narrowed Q for view sub (1 scope-down layer, GetScopedCredentials): key $issued" 3
# credential-process in view sub, twice with the same command: the second is served from
# serve's memory (no call), both hand out the key the last scoped call issued
m=$(moto_log_mark)
run awsrole agent --name sub --policy f1.json -- awsrole credential-process Q
expect_rc 0
k1=$(cp_akid)
run awsrole agent --name sub --policy f1.json -- awsrole credential-process Q
expect_rc 0
gsc_load "$m"
[ "${G[n]}" -le 1 ] || fail "GetScopedCredentials calls for two fetches of one view: ${G[n]}"
expect_eq "the second fetch: the same key" "$k1" "$(cp_akid)"
[ "${G[n]}" = 0 ] && want=$issued || want=${G[0.issued]}
expect_eq "credential-process in view sub: a key GetScopedCredentials issued" "$want" "$k1"
if [ "$k1" = "$A_Q" ] || [ "$k1" = "$BASE_AKID" ]; then fail "credential-process in view sub handed out $k1"; fi
# the plain view still gets the root session (scoped readonly at AssumeRole)
run awsrole agent -- awsrole credential-process Q
expect_rc 0
expect_eq "credential-process in the plain view: Q's root session" "$A_Q" "$(cp_akid)"
expect_eq "calls signed with the user's key since" 0 "$(lq --since "$m" --where "akid=$BASE_AKID" --count)"
pass

t "whoami in the narrowed view: \"Scope\": \"readonly, narrowed by policy /abs/path (view sub)\" (a relative --policy made absolute); status there lists the served profiles' scope"
a_case
run awsrole agent --name sub --policy f1.json -- awsrole whoami Q
expect_rc 0
expect_out_has "\"Scope\": \"readonly, narrowed by policy $HOME/f1.json (view sub)\""
expect_out_has "\"Arn\": \"$STS_RO$SNAME\""
run awsrole agent --name sub --policy f1.json -- awsrole status
expect_rc 0
grep -E '^  Q: ok ' <<<"$OUT" | grep -qF ', scope readonly' || fail "status in view sub: Q's line lacks scope readonly: $OUT"
expect_out_has "view sub"
pass

t "nested: inside view sub, agent --policy FILE2 makes a 2-layer view — two GetScopedCredentials, the first from Q's root (f1), the second signed by the first's key (f2), layers 2; the command gets the second's key"
a_case
m=$(moto_log_mark)
run awsrole agent --name sub --policy f1.json -- awsrole agent --policy f2.json -- awsrole credential-process Q
expect_rc 0
key=$(cp_akid)
gsc_load "$m"
expect_eq "GetScopedCredentials calls" 2 "${G[n]}"
expect_eq "1st: caller = Q's root" "$A_Q" "${G[0.caller]}"
expect_eq "1st: Policy = f1 minified" "$(pmin "$HOME/f1.json")" "${G[0.p:Policy]}"
expect_eq "1st: layers" 1 "${G[0.layers]}"
expect_eq "2nd: caller = the 1st's issued key" "${G[0.issued]}" "${G[1.caller]}"
expect_eq "2nd: signing key" "${G[0.issued]}" "${G[1.akid]}"
expect_eq "2nd: Policy = f2 minified" "$(pmin "$HOME/f2.json")" "${G[1.p:Policy]}"
expect_eq "2nd: layers" 2 "${G[1.layers]}"
expect_eq "2nd: root_akid" "$A_Q" "${G[1.root]}"
expect_eq "2nd: form fields (no DurationSeconds)" "Action Policy ScopedSessionDescription Version" "${G[1.keys]}"
expect_eq "the command's key = the 2nd's issued key" "${G[1.issued]}" "$key"
for k in "$A_Q" "$BASE_AKID" "${G[0.issued]}"; do
	[ "$key" != "$k" ] || fail "the nested view handed out $k"
done
pass

t "three layers: l1 > l2 > l3 narrows three times (layers 1 2 3, each call signed by the one before); a 4th agent --policy inside l3 exits 2 naming the three layers, before any call, without running its command"
a_case
m=$(moto_log_mark)
run awsrole agent --name l1 --policy f1.json -- awsrole agent --name l2 --policy f2.json -- \
	awsrole agent --name l3 --policy f3.json -- awsrole credential-process Q
expect_rc 0
gsc_load "$m"
expect_eq "GetScopedCredentials calls" 3 "${G[n]}"
expect_eq "layers of the three" "1 2 3" "${G[0.layers]} ${G[1.layers]} ${G[2.layers]}"
expect_eq "call 1's caller = Q's root" "$A_Q" "${G[0.caller]}"
expect_eq "call 2's caller = call 1's key" "${G[0.issued]}" "${G[1.caller]}"
expect_eq "call 3's caller = call 2's key" "${G[1.issued]}" "${G[2.caller]}"
expect_eq "the command's key = call 3's" "${G[2.issued]}" "$(cp_akid)"
case ${G[2.p:ScopedSessionDescription]} in *"view l3"*) ;; *) fail "call 3's ScopedSessionDescription does not name view l3" ;; esac
m=$(moto_log_mark)
run awsrole agent --name l1 --policy f1.json -- awsrole agent --name l2 --policy f2.json -- \
	awsrole agent --name l3 --policy f3.json -- awsrole agent --name l4 --policy f1.json -- sh -c 'echo RAN; awsrole credential-process Q'
expect_rc 2
expect_out_lacks RAN
expect_err_matches "(3|three) scope-down layers"
expect_err_has "view l3"
expect_fix_hint
expect_no_file "$(agent_dir)/views/l4.json"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "the view's policy is checked before anything (exit 2 naming --policy; no call, no view file, command not run): not a JSON object, 2049 characters after minifying, a character above U+00FF; just under (2048 characters, of U+00FF too) is narrowed and sent as it is"
a_case
printf '[{"Effect": "Allow"}]\n' > "$T_DIR/array.json"
printf '{"Version": "2012-10-17", "Statement": [\n' > "$T_DIR/trunc.json"
"$PY" "$H/policy_len.py" "$T_DIR/p2049.json" 2049
"$PY" "$H/policy_len.py" "$T_DIR/p2048.json" 2048
"$PY" "$H/policy_len.py" "$T_DIR/u100.json" 200 $'\u0100'
"$PY" "$H/policy_len.py" "$T_DIR/uff.json" 2048 $'\u00ff'
[ "$(wc -c < "$T_DIR/p2048.json")" -gt 2049 ] || fail "the test's 2048 policy file is not longer than 2048 bytes"
m=$(moto_log_mark)
for f in array trunc p2049 u100; do
	run awsrole agent --name "lim-$f" --policy "$T_DIR/$f.json" -- sh -c 'echo RAN; awsrole credential-process Q'
	expect_rc 2 || echo "    ($f.json)" >&2
	expect_err_has "--policy $T_DIR/$f.json" || echo "    ($f.json)" >&2
	expect_fix_hint
	expect_out_lacks RAN
	expect_no_file "$(agent_dir)/views/lim-$f.json"
	case $f in
	array | trunc) expect_err_has "JSON object" ;;
	p2049) expect_err_has 2049 && expect_err_has 2048 ;;
	u100) expect_err_has "U+00FF" ;;
	esac
done
expect_eq "STS calls for the refused policies" 0 "$(moto_calls_since "$m")"
run awsrole agent --name lim-2048 --policy "$T_DIR/p2048.json" -- awsrole credential-process Q
expect_rc 0
run awsrole agent --name lim-uff --policy "$T_DIR/uff.json" -- awsrole credential-process Q
expect_rc 0
k=$(cp_akid)
gsc_load "$m"
expect_eq "GetScopedCredentials calls (2048, U+00FF)" "2 200 200" "${G[n]} ${G[0.status]} ${G[1.status]:-}"
expect_eq "the 2048 policy: Policy sent (minified)" "$(pmin "$T_DIR/p2048.json")" "${G[0.p:Policy]}"
expect_eq "the 2048 policy: characters sent" 2048 "$(printf '%s' "${G[0.p:Policy]}" | wc -m)"
expect_eq "2048 × U+00FF (4096 bytes): Policy sent" "$(pmin "$T_DIR/uff.json")" "${G[1.p:Policy]:-}"
expect_eq "2048 × U+00FF: the command's key" "${G[1.issued]:-}" "$k"
pass

t "STS's errors for the view's call (scripted: MalformedPolicyDocument, InsufficientSessionLifetime, PackedPolicyTooLarge): the agent's credential-process exits 4 at once, naming the view, the error and \"could not narrow\", with a fix line and no key; serve's terminal shows the error and its fix"
a_case
# one rule per served profile, on its root session's key (moto is shared by the whole run)
moto_scoped_script "{\"rules\": [
 {\"when\": {\"akid\": \"$A_P\"}, \"error\": \"MalformedPolicyDocument\"},
 {\"when\": {\"akid\": \"$A_Q\"}, \"error\": \"InsufficientSessionLifetime\"},
 {\"when\": {\"akid\": \"$A_R\"}, \"error\": \"PackedPolicyTooLarge\"}]}"
E_CASES=("P err-mal MalformedPolicyDocument|not a valid IAM policy"
	"Q err-life InsufficientSessionLifetime|too close to its end"
	"R err-big PackedPolicyTooLarge|shorten the view's policy")
declare -A E_ERR
for c in "${E_CASES[@]}"; do
	read -r p view rest <<<"$c"
	code=${rest%%|*} fix=${rest#*|}
	m=$(moto_log_mark)
	run_fast awsrole agent --name "$view" --policy f2.json -- awsrole credential-process "$p"
	E_ERR[$view]=$ERR
	expect_rc 4 || echo "    ($code)" >&2
	expect_err_has "could not narrow"
	expect_err_has "for view $view"
	expect_err_has "profile \"$p\""
	expect_err_has "$code"
	expect_fix_hint
	expect_eq "$code: stdout" "" "$OUT"
	gsc_load "$m" "view $view ("
	expect_eq "$code: the view's first call: refused with $code" "400 $code" "${G[0.status]:-} ${G[0.error]:-}"
	root=A_$p
	expect_eq "$code: signed by $p's root session" "${!root}" "${G[0.caller]:-}"
	srv_wait s "view $view, $p: " 3 || continue
	l=$(srv_tty s | grep -m1 -A1 -F "view $view, $p: ")
	case $l in *"$code"*) ;; *) fail "serve's terminal: the error for view $view lacks $code: $l" ;; esac
	case $l in *"fix: "*"$fix"*) ;; *) fail "serve's terminal: the fix line for $code lacks [$fix]: $l" ;; esac
done
moto_scoped_script '{}'
pass

t "STS's errors for the view's call: the agent's own message carries the fix for the cause (not only \"see awsrole serve's terminal\")"
a_case
for c in "${E_CASES[@]}"; do
	read -r p view rest <<<"$c"
	code=${rest%%|*} fix=${rest#*|}
	grep -qiF -- "$fix" <<<"${E_ERR[$view]:-}" || fail "$code: the agent's stderr lacks the fix [$fix]: ${E_ERR[$view]:-<not run>}"
done
pass

t "serve s stops (Ctrl-C: exit 0)"
a_case
srv_stop s
expect_eq "serve's exit status after Ctrl-C" 0 "$SRV_RC"
pass

# ================================================================ the scope flags of serve

t "serve --scope full --role-session-name agent-bob: no PolicyArns, RoleSessionName agent-bob; banner \"scope full\"; AwsroleScope and whoami say full"
use_moto
role_files
m=$(moto_log_mark)
serve_up f 623456 Q --scope full --role-session-name agent-bob --mfa-session
ar_load "$m"
expect_eq "AssumeRole calls" 1 "${A[n]}"
expect_eq "form fields (no PolicyArns, no Policy)" "Action DurationSeconds RoleArn RoleSessionName Version" "${A[0.keys]}"
expect_eq "RoleSessionName" agent-bob "${A[0.p:RoleSessionName]}"
l=$(srv_line f "^  Q: scope ")
case $l in "  Q: scope full"*", role session name agent-bob"*) ;; *) fail "Q's banner line: [$l]"; srv_show f ;; esac
case $l in *"opts out"* | *readonly*) fail "Q's banner line with --scope full: [$l]" ;; esac
http_get /v1/credentials/Q -H "Authorization: $(ep_token)"
expect_eq "AwsroleScope" full "$(json_get "$OUT" AwsroleScope)"
run awsrole agent -- awsrole whoami Q
expect_rc 0
expect_out_has '"Scope": "full"'
expect_out_has "\"Arn\": \"${STS_RO}agent-bob\""
srv_stop f
pass

t "serve --scope viewonly: PolicyArns job-function/ViewOnlyAccess only; banner \"scope viewonly\""
use_moto
role_files
m=$(moto_log_mark)
serve_up v 634567 Q --scope viewonly --mfa-session
ar_load "$m"
expect_eq "PolicyArns" "$POL_VO" "$(policy_arns 0)"
expect_eq "RoleSessionName" "$SNAME" "${A[0.p:RoleSessionName]:-}"
case $(srv_line v "^  Q: scope ") in "  Q: scope viewonly"*) ;; *) fail "Q's banner line: [$(srv_line v "^  Q: scope ")]" ;; esac
http_get /v1/credentials/Q -H "Authorization: $(ep_token)"
expect_eq "AwsroleScope" viewonly "$(json_get "$OUT" AwsroleScope)"
srv_stop v
pass

t "serve --policy-arn X: exactly X on every profile's AssumeRole (no ReadOnlyAccess; the flag replaces R's awsrole_policy_arns)"
use_moto
role_files
m=$(moto_log_mark)
serve_up x 645678 Q R --policy-arn "$POL_X2" --mfa-session
ar_load "$m"
expect_eq "AssumeRole calls" 2 "${A[n]}"
expect_eq "Q: PolicyArns" "$POL_X2" "$(policy_arns "$(ar_index "$ARN_RO")")"
expect_eq "R: PolicyArns" "$POL_X2" "$(policy_arns "$(ar_index "$ARN_A")")"
case $(srv_line x "^  Q: scope ") in *readonly*) fail "Q's banner line: [$(srv_line x "^  Q: scope ")]" ;; esac
srv_stop x
pass

t "serve --role-session-name: an invalid name exits 2 naming the flag, before any prompt or STS call"
use_moto
role_files
m=$(moto_log_mark)
for bad in "bad name" "a" "$(printf 'n%.0s' {1..65})" "alice/agent"; do
	RUN_TIMEOUT=10 run_pty -- awsrole serve Q --role-session-name "$bad" --mfa-session
	expect_rc 2 || echo "    (--role-session-name [$bad])" >&2
	expect_err_has "--role-session-name"
	expect_fix_hint
	expect_err_lacks "Enter MFA code"
done
expect_no_file "$HOME/.aws/awsrole-agent/endpoint"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

# ================================================================ renewal

t "renewal never stacks: with serve renewing every 5 s (AWSROLE_REFRESH_WINDOW=895, 900 s), view long is re-made from each NEW root session (each GetScopedCredentials signed by the latest AssumeRole's key, layers 1); a boto3 job in it runs across >= 2 renewals without an error, on narrowed keys only"
use_moto
role_files
policies
m=$(moto_log_mark)
SERVE_ENV=AWSROLE_REFRESH_WINDOW=895 serve_up r 656789 Q --mfa-session
m2=$(moto_log_mark)
( setsid -w timeout -k 5 40 awsrole agent --name long --policy f2.json -- awsrole exec Q -- python3 "$PEERS/boto_loop.py" --ua t98-loop 0.25 13 \
	>"$T_DIR/job.out" 2>&1 </dev/null; echo $? > "$T_DIR/job.rc" ) &
T_PIDS+=("$!")
wait_until 40 test -s "$T_DIR/job.rc" || fail "the job did not end"
expect_eq "the job's exit status" 0 "$(cat "$T_DIR/job.rc" 2>/dev/null)" || tail -5 "$T_DIR/job.out" | sed 's/^/      | /' >&2
expect_eq "the job's errors" 0 "$(grep -c '^err' "$T_DIR/job.out")"
calls=$(grep -c '^ok' "$T_DIR/job.out")
# Calls all through the job (the ideal is 52; a loaded box makes each slower): at least one a second.
[ "$calls" -ge 13 ] || fail "the job made only $calls calls in 13 s"
renewals=$(srv_count r "renewing Q")
[ "$renewals" -ge 2 ] || { fail "serve renewed Q $renewals times during the job (>= 2 expected)"; srv_show r; }
r=$("$PY" "$H/gsc_check.py" "$MOTO_LOG" "$m" "$ARN_RO" "view long (")
expect_eq "the view's GetScopedCredentials: each from the root session of its time, layers 1" 0 "$?" || echo "    $r" >&2
read -r n callers <<<"$r"
if [ "${n:-0}" -lt 3 ] || [ "${callers:-0}" -lt 3 ]; then
	fail "view long was narrowed ${n:-0} times from ${callers:-0} root sessions (>= 3 each: the first and one per renewal)"
fi
gsc_load "$m" "view long ("
ar_load "$m"
issued=" " roots=" "
for ((i = 0; i < ${G[n]:-0}; i++)); do issued+="${G[$i.issued]} "; done
for ((i = 0; i < ${A[n]:-0}; i++)); do roots+="${A[$i.issued]} "; done
used=$(lq --since "$m" --where action=GetCallerIdentity --all akid | sort -u)
[ "$(wc -w <<<"$used")" -ge 3 ] || fail "the job signed with $(wc -w <<<"$used") keys (>= 3: it did not follow the renewals)"
for k in $used; do
	case $issued in *" $k "*) ;; *) fail "a call of the job was signed with $k, not a key the view's GetScopedCredentials issued" ;; esac
	case $roots in *" $k "*) fail "a call of the job was signed with a root session $k" ;; esac
	[ "$k" != "$BASE_AKID" ] || fail "a call of the job was signed with the user's key"
done
expect_eq "GetSessionToken calls during the job (--mfa-session: renewal needs no code)" 0 "$(moto_calls_since "$m2" GetSessionToken)"
srv_stop r
pass

# ================================================================ the regional endpoint

t "sts_regional_endpoints = legacy: serve's GetSessionToken and AssumeRole go to sts.amazonaws.com, the view's GetScopedCredentials to sts.ap-northeast-1.amazonaws.com (through fake_proxy, no endpoint override)"
need_moto
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
start_fake_proxy --target-port "$MOTO_PORT"
export HTTPS_PROXY=$FAKE_PROXY_URL
role_files sts_regional_endpoints=legacy
policies
m=$(moto_log_mark)
serve_up g 667890 Q --mfa-session
run awsrole agent --name reg --policy f2.json -- awsrole credential-process Q
expect_rc 0
key=$(cp_akid)
ar_load "$m"
gsc_load "$m"
expect_eq "GetSessionToken's host" sts.amazonaws.com "$(lq --since "$m" --where action=GetSessionToken --field host)"
expect_eq "AssumeRole calls, host" "1 sts.amazonaws.com" "${A[n]} ${A[0.host]:-}"
expect_eq "AssumeRole signed for" us-east-1 "${A[0.region]:-}"
expect_eq "GetScopedCredentials calls, status" "1 200" "${G[n]} ${G[0.status]:-}"
expect_eq "GetScopedCredentials' host" sts.ap-northeast-1.amazonaws.com "${G[0.host]:-}"
expect_eq "GetScopedCredentials signed for" ap-northeast-1 "${G[0.region]:-}"
expect_eq "its caller: the root session" "${A[0.issued]:-}" "${G[0.caller]:-}"
expect_eq "the agent's key: the one it issued" "${G[0.issued]:-}" "$key"
targets=$("$PY" "$PEERS/logq.py" "$FAKE_PROXY_LOG" --all target | sort -u | tr '\n' ' ')
expect_eq "the proxy's CONNECT targets" "sts.amazonaws.com:443 sts.ap-northeast-1.amazonaws.com:443 " "$targets"
srv_stop g
pass

# ================================================================ list

t "list shows the SCOPE column (session_tags: tags; awsrole_policy_arns: policy ARN), list --json a \"Scope\" member"
aws_config_write <<-EOF
[profile T]
role_arn = $ARN_A
source_profile = base
session_tags = agent=claude

[profile A]
role_arn = $ARN_A
source_profile = base
awsrole_policy_arns = $POL_X1,$POL_X2
EOF
base_credentials
run awsrole list
expect_rc 0
expect_eq "the header's last column" SCOPE "$(head -n 1 <<<"$OUT" | awk '{print $NF}')"
expect_eq "T's SCOPE" tags "$(grep -E '^T ' <<<"$OUT" | awk '{print $NF}')"
case $(grep -E '^A ' <<<"$OUT") in *" policy $POL_X1"*) ;; *) fail "A's row: $(grep -E '^A ' <<<"$OUT")" ;; esac
run awsrole list --json
expect_rc 0
sc=$("$PY" -c '
import json, sys
for o in json.loads(sys.argv[1]):
    print(o["Profile"] + "=" + o.get("Scope", "<none>"))' "$OUT")
grep -qxF "T=tags" <<<"$sc" || fail "list --json: T's Scope: $sc"
grep -qE "^A=policy $POL_X1" <<<"$sc" || fail "list --json: A's Scope: $sc"
pass

# ================================================================ doctor --online

# d_denied MSG_ACTION — fake_sts: GetCallerIdentity answers, AssumeRole is AccessDenied 403 with
# "is not authorized to perform: MSG_ACTION".
d_denied() {
	fake_sts_script "[{\"by_action\": {\"GetCallerIdentity\": {\"body_file\": \"get_caller_identity.xml\"},
	 \"AssumeRole\": {\"status\": 403, \"body\": \"<ErrorResponse xmlns=\\\"https://sts.amazonaws.com/doc/2011-06-15/\\\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::333333333333:user/example.user is not authorized to perform: $1 on resource: arn:aws:iam::111111111111:role/RoleA</Message></Error><RequestId>{{REQUEST_ID}}</RequestId></ErrorResponse>\"}}}]"
}

t "doctor --online: AssumeRole denied for sts:SetSourceIdentity (source_identity) / sts:TagSession (session_tags): the finding names the action and the key, the fix the trust policy's Action line; with both keys the line names only the action STS named"
export AWS_CA_BUNDLE=$PKI_DIR/ca.pem AWS_REGION=us-east-1
start_fake_sts
export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
aws_config_write <<-EOF
[profile SI]
role_arn = $ARN_A
source_profile = base
source_identity = alice

[profile TG]
role_arn = $ARN_A
source_profile = base
session_tags = agent=claude

[profile BOTH]
role_arn = $ARN_A
source_profile = base
source_identity = alice
session_tags = agent=claude
EOF
base_credentials
d_ar() { "$PY" "$PEERS/logq.py" "$FAKE_STS_LOG" --where event=request --where params.Action=AssumeRole "$@"; }
for c in "SI sts:SetSourceIdentity source_identity" "TG sts:TagSession session_tags" "BOTH sts:TagSession session_tags"; do
	read -r p act key <<<"$c"
	d_denied "$act"
	before=$(d_ar --count)
	run awsrole doctor "$p" --online
	expect_rc 3 || echo "    ($p)" >&2
	expect_eq "$p: AssumeRole requests" $((before + 1)) "$(d_ar --count)"
	f=$(grep -F "[$p]" <<<"$OUT" | grep -F "AssumeRole" | grep -F "$act")
	[ -n "$f" ] || fail "$p: no finding naming AssumeRole and $act: $OUT"
	case $f in *"$key"*) ;; *) fail "$p: the finding does not name the key $key: $f" ;; esac
	expect_out_has "\"Action\": [\"sts:AssumeRole\", \"$act\"]"
	case $p in
	SI) expect_eq "SI's AssumeRole: SourceIdentity" alice "$(d_ar --field params.SourceIdentity)" ;;
	TG) expect_eq "TG's AssumeRole: Tags.member.1.Key" agent "$(d_ar --field params.Tags.member.1.Key)" ;;
	BOTH) grep -F '"Action": ["sts:AssumeRole"' <<<"$OUT" | grep -qF "sts:SetSourceIdentity" &&
		fail "BOTH: STS named sts:TagSession, yet the Action line adds sts:SetSourceIdentity: $OUT" ;;
	esac
done
pass
