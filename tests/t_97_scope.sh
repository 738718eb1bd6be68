# t_97_scope.sh — issue 12: session policies, SourceIdentity and session tags on AssumeRole.
#
# The contract (docs/AGENT.md section 4; notes/issue12.md):
#   profile keys  source_identity = V · session_tags = k=v,k2=v2 (aws-vault: comma-separated,
#                 split on the first =, parts trimmed) · transitive_session_tags = k1,k2 ·
#                 awsrole_policy_arns = ARN1,ARN2 · awsrole_policy_file = PATH (~ expanded)
#   flags         --policy-arn ARN (repeatable; replaces the profile's list) · --policy FILE
#                 (replaces the profile's file) · --scope readonly|viewonly|full (adds the
#                 partition's ReadOnlyAccess / job-function/ViewOnlyAccess to PolicyArns; full
#                 adds nothing), on login, exec, env, credential-process and whoami
#   sent          on the AssumeRole of the named profile's role only (the top hop): Policy (the
#                 file minified: json.dumps(json.loads(f), separators=(",", ":"))),
#                 PolicyArns.member.N.arn, Tags.member.N.Key/Value, TransitiveTagKeys.member.N,
#                 SourceIdentity — encoded as botocore's serializer encodes the same kwargs
#   limits        checked before any call or MFA prompt; exit 2 for a flag, 3 for a profile key;
#                 the message names the limit and where the value came from
#   cache         the key is botocore's _create_cache_key with these parameters in the args;
#                 scoped and unscoped sessions never share an entry, and the AWS CLI never
#                 picks up a scoped one
#
# Peers: fake_sts (request shape: it logs every field; limits: a refused command sends nothing),
# moto (the cache cases, where the AWS CLI v1 must work with the same files).
# Oracles: tests/form_diff.py (botocore's serializer: `serializer` for the encoding and the list
# numbering, `subset` for the fields of the scope parameters), tests/cache_key.py (botocore's
# cache key with the scope parameters), Python's json for the minified policy.

RUN_TIMEOUT=20
S_ROLE=arn:aws:iam::111111111111:role/RoleA
S_ROLE_B=arn:aws:iam::222222222222:role/RoleReadOnly
S_RO=arn:aws:iam::aws:policy/ReadOnlyAccess
S_VO=arn:aws:iam::aws:policy/job-function/ViewOnlyAccess
S_A1=arn:aws:iam::111111111111:policy/team/agent-read
S_A2=arn:aws:iam::111111111111:policy/team/agent-deny-secrets
S_B1=arn:aws:iam::111111111111:policy/flag-one
S_B2=arn:aws:iam::111111111111:policy/flag-two
S_SCOPE_PARAMS="Policy PolicyArns Tags TransitiveTagKeys SourceIdentity"
S_AKID=AKIASCOPETESTS000001
S_SECRET=scopeTestsSecretKeyEXAMPLE0123456789abcd
S_SCRIPT='[{"by_action": {"AssumeRole": {"body_file": "assume_role.xml"}, "GetCallerIdentity": {"body_file": "get_caller_identity_role.xml"}}}]'

# s_files [KEY=VALUE...] — [profile P]: RoleA from static keys [base] (no MFA), us-east-1, + KEYs.
s_files() {
	aws_config_write < /dev/null
	aws_credentials_write < /dev/null
	aws_config_profile P "role_arn=$S_ROLE" source_profile=base region=us-east-1 "$@"
	aws_credentials_profile base "aws_access_key_id=$S_AKID" "aws_secret_access_key=$S_SECRET"
}

# s_fake — a fake STS for the case (AssumeRole and GetCallerIdentity answered), awsrole pointed at it.
s_fake() {
	export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
	start_fake_sts || return 1
	export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL
	fake_sts_script "$S_SCRIPT"
}

# s_run CMD... — run CMD, remembering how many requests fake_sts had before (S_BEFORE).
s_run() {
	S_BEFORE=$(fake_sts_count)
	run "$@"
}

s_ar_count() { "$PY" "$PEERS/logq.py" "$FAKE_STS_LOG" --where event=request --where params.Action=AssumeRole --count; }

# s_ar FIELD [NTH] — a field of the NTH (default the last) AssumeRole fake_sts received.
s_ar() {
	"$PY" "$PEERS/logq.py" "$FAKE_STS_LOG" --where event=request --where params.Action=AssumeRole \
		--field "$1" --nth "${2:--1}"
}

# s_ar_list PARAM [NTH] — the decoded values of PARAM.member.N[.arn] of an AssumeRole, in N order, one a line.
s_ar_list() {
	s_ar params "${2:--1}" | "$PY" -c '
import json, re, sys
p, name = json.loads(sys.stdin.read() or "{}"), sys.argv[1]
items = {}
for k, v in p.items():
    m = re.fullmatch(re.escape(name) + r"\.member\.([0-9]+)(\.(arn|Key|Value))?", k)
    if m:
        items.setdefault(int(m.group(1)), {})[m.group(3) or ""] = v
for n in sorted(items):
    d = items[n]
    print(d["Key"] + "=" + d.get("Value", "<none>") if "Key" in d else d.get("arn", d.get("", "")))' "$1"
}

# s_sent — the command reached STS with exactly one more AssumeRole.
s_sent() {
	expect_rc 0 || return 1
	expect_eq "AssumeRole requests made" "$((S_BEFORE + 1))" "$(fake_sts_count)"
}

# s_refused RC WORD... — refused before any request: exit status RC, each WORD in stderr
# (case-insensitive), nothing sent to STS, no credentials on stdout.
s_refused() {
	local rc=$1 w
	shift
	expect_rc "$rc"
	for w in "$@"; do expect_err_has "$w"; done
	expect_eq "requests to STS" "$S_BEFORE" "$(fake_sts_count)"
	expect_out_lacks ASIA
	expect_out_lacks SecretAccessKey
}

# s_check KWARGS_JSON [NTH] — the NTH AssumeRole's body against botocore: (1) the whole body is
# what botocore's serializer makes of its parameters (encoding, list numbering, Key before Value),
# (2) the fields of the scope parameters in KWARGS_JSON are exactly botocore's for those kwargs,
# and the scope parameters not in KWARGS_JSON are absent.
s_check() {
	local want=$1 nth=${2:--1} absent="" p body
	for p in $S_SCOPE_PARAMS; do
		"$PY" -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.loads(sys.argv[1]) else 1)' "$want" "$p" || absent+="$p,"
	done
	body=$("$PY" "$ROOT/tests/form_diff.py" body "$FAKE_STS_LOG" --nth "$nth")
	printf '%s\n' "$body" >> "$T_DIR/bodies"
	run "$PY" "$ROOT/tests/form_diff.py" serializer "$body"
	expect_rc 0 || echo "    (botocore's serializer: encoding / list numbering)" >&2
	run "$PY" "$ROOT/tests/form_diff.py" subset "$body" "$want" --absent "${absent%,}"
	expect_rc 0 || echo "    (the scope fields vs botocore's for $want)" >&2
}

# s_min FILE — the file's JSON minified, as the contract says.
s_min() { "$PY" -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).read()), separators=(",", ":")))' "$1"; }

# s_policy_file FILE LENGTH [INDENT] — a valid policy whose minified form has exactly LENGTH
# characters, written pretty-printed (INDENT, default 4) so that the file itself is longer.
s_policy_file() {
	"$PY" - "$1" "$2" "${3:-4}" <<-'EOF'
	import json, sys
	path, n, ind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	doc = {"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
	m = lambda d: json.dumps(d, separators=(",", ":"))
	doc["Statement"][0]["Sid"] = "A" * (n - len(m(doc)))
	assert len(m(doc)) == n, (len(m(doc)), n)
	open(path, "w").write(json.dumps(doc, indent=ind) + "\n")
	EOF
}

# s_arns N [LEN] — N distinct policy ARNs (of LEN characters each when given), comma-separated.
s_arns() {
	"$PY" - "$1" "${2:-0}" <<-'EOF'
	import sys
	n, ln = int(sys.argv[1]), int(sys.argv[2])
	out = []
	for i in range(1, n + 1):
	    a = f"arn:aws:iam::111111111111:policy/p{i:02d}"
	    if ln:
	        a = f"arn:aws:iam::111111111111:policy/p{i:02d}-" + "x" * (ln - len(a) - 1)
	        assert len(a) == ln
	    out.append(a)
	print(",".join(out))
	EOF
}

# s_tags N — N tags k01=v01,... for session_tags.
s_tags() { "$PY" -c 'import sys; print(",".join(f"k{i:02d}=v{i:02d}" for i in range(1, int(sys.argv[1]) + 1)))' "$1"; }

# s_rep CHAR N — CHAR repeated N times.
s_rep() { "$PY" -c 'import sys; print(sys.argv[1] * int(sys.argv[2]))' "$1" "$2"; }

# s_key [SCOPE OPTIONS...] — botocore's cache key of P with those parameters (tests/cache_key.py).
s_key() { PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" "$@" P 2>>"$T_DIR/cache_key.err" | cut -f2; }

# s_cache_akid KEY — the AccessKeyId in the cache entry KEY.json.
s_cache_akid() { json_get "$(cat "$HOME/.aws/cli/cache/$1.json" 2>/dev/null)" Credentials.AccessKeyId; }

# s_cache_files — the cache entries (KEY.json names), sorted, one a line.
s_cache_files() { (cd "$HOME/.aws/cli/cache" 2>/dev/null && ls -1 -- *.json 2>/dev/null | sort); }

# ================================================================ request shape

t "shape: source_identity, session_tags (aws-vault syntax: trimmed, split on the first =) and transitive_session_tags -> SourceIdentity, Tags.member.N.Key/Value, TransitiveTagKeys.member.N"
s_files "source_identity=alice@example.com" "session_tags= agent = claude , team=a=b,empty=" "transitive_session_tags=agent,team"
s_fake
s_run awsrole login P
s_sent
expect_eq "SourceIdentity" alice@example.com "$(s_ar params.SourceIdentity)"
expect_eq "Tags, in order" "$(printf '%s\n' agent=claude team=a=b empty=)" "$(s_ar_list Tags)"
expect_eq "Tags.member.2.Value (split on the first =)" a=b "$(s_ar params.Tags.member.2.Value)"
expect_eq "Tags.member.3.Value (empty)" "" "$(s_ar params.Tags.member.3.Value)"
expect_eq "TransitiveTagKeys, in order" "$(printf '%s\n' agent team)" "$(s_ar_list TransitiveTagKeys)"
s_check '{"Tags": [{"Key": "agent", "Value": "claude"}, {"Key": "team", "Value": "a=b"}, {"Key": "empty", "Value": ""}], "TransitiveTagKeys": ["agent", "team"], "SourceIdentity": "alice@example.com"}'
pass

t "shape: awsrole_policy_arns -> PolicyArns.member.N.arn in the profile's order"
s_files "awsrole_policy_arns=$S_A1,$S_A2"
s_fake
s_run awsrole login P
s_sent
expect_eq "PolicyArns" "$(printf '%s\n' "$S_A1" "$S_A2")" "$(s_ar_list PolicyArns)"
s_check "{\"PolicyArns\": [{\"arn\": \"$S_A1\"}, {\"arn\": \"$S_A2\"}]}"
pass

t "shape: awsrole_policy_file (~ expanded) -> Policy, minified: no whitespace outside strings, key order kept, spaces inside strings kept"
s_files "awsrole_policy_file=~/policies/agent.json"
mkdir -p "$HOME/policies"
cat > "$HOME/policies/agent.json" <<-'EOF'
	{
	    "Version": "2012-10-17",
	    "Statement": [
	        {
	            "Sid": "ReadTheBucket",
	            "Effect": "Allow",
	            "Action": [ "s3:GetObject", "s3:ListBucket" ],
	            "Resource": [ "arn:aws:s3:::my bucket  with spaces", "arn:aws:s3:::my bucket  with spaces/*" ],
	            "Condition": { "StringEquals": { "aws:PrincipalTag/team": "a  b" } }
	        }
	    ]
	}
	EOF
s_fake
s_run awsrole login P
s_sent
want=$(s_min "$HOME/policies/agent.json")
expect_eq "Policy" "$want" "$(s_ar params.Policy)"
case $(s_ar params.Policy) in '{"Version":"2012-10-17","Statement":[{"Sid":"ReadTheBucket",'*) ;; *) fail "key order not kept: $(s_ar params.Policy)" ;; esac
s_check "$("$PY" -c 'import json,sys; print(json.dumps({"Policy": sys.argv[1]}))' "$want")"
pass

t "shape: --policy-arn (repeatable) replaces the profile's list and --policy replaces the profile's file, each on its own"
s_files "awsrole_policy_arns=$S_A1,$S_A2" "awsrole_policy_file=~/p1.json"
echo '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}' > "$HOME/p1.json"
echo '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}' > "$HOME/p2.json"
s_fake
s_run awsrole login P --policy-arn "$S_B1" --policy-arn "$S_B2" --policy "$HOME/p2.json"
s_sent
expect_eq "PolicyArns (the flags', not the profile's)" "$(printf '%s\n' "$S_B1" "$S_B2")" "$(s_ar_list PolicyArns)"
expect_eq "Policy (the flag's file)" "$(s_min "$HOME/p2.json")" "$(s_ar params.Policy)"
s_run awsrole login P --policy-arn "$S_B1"
s_sent
expect_eq "PolicyArns (--policy-arn alone)" "$S_B1" "$(s_ar_list PolicyArns)"
expect_eq "Policy (still the profile's file)" "$(s_min "$HOME/p1.json")" "$(s_ar params.Policy)"
s_run awsrole login P --policy p2.json
s_sent
expect_eq "PolicyArns (still the profile's)" "$(printf '%s\n' "$S_A1" "$S_A2")" "$(s_ar_list PolicyArns)"
expect_eq "Policy (--policy alone, a relative path)" "$(s_min "$HOME/p2.json")" "$(s_ar params.Policy)"
pass

t "shape: --scope readonly / viewonly send the partition's managed policy; full sends none; the partition comes from the role ARN (aws, aws-cn, aws-us-gov)"
s_files
aws_config_profile CN role_arn=arn:aws-cn:iam::111111111111:role/RoleA source_profile=base region=cn-north-1
aws_config_profile GOV role_arn=arn:aws-us-gov:iam::111111111111:role/RoleA source_profile=base region=us-gov-west-1
s_fake
s_run awsrole login P --scope readonly
s_sent
expect_eq "readonly" "$S_RO" "$(s_ar_list PolicyArns)"
s_check "{\"PolicyArns\": [{\"arn\": \"$S_RO\"}]}"
s_run awsrole login P --scope viewonly
s_sent
expect_eq "viewonly" "$S_VO" "$(s_ar_list PolicyArns)"
s_check "{\"PolicyArns\": [{\"arn\": \"$S_VO\"}]}"
s_run awsrole login P --scope full
s_sent
s_check '{}'
s_run awsrole login CN --scope readonly
s_sent
expect_eq "aws-cn readonly" arn:aws-cn:iam::aws:policy/ReadOnlyAccess "$(s_ar_list PolicyArns)"
s_run awsrole login GOV --scope viewonly
s_sent
expect_eq "aws-us-gov viewonly" arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess "$(s_ar_list PolicyArns)"
pass

t "shape: --scope adds its ARN to the profile's awsrole_policy_arns and to --policy-arn (all of them sent)"
s_files "awsrole_policy_arns=$S_A1"
s_fake
s_run awsrole login P --scope viewonly
s_sent
expect_eq "PolicyArns (as a set)" "$(printf '%s\n' "$S_A1" "$S_VO" | sort)" "$(s_ar_list PolicyArns | sort)"
s_check "{\"PolicyArns\": [$(s_ar_list PolicyArns | sed 's/.*/{"arn": "&"}/' | paste -sd,)]}"
s_run awsrole login P --policy-arn "$S_B1" --scope readonly
s_sent
expect_eq "PolicyArns with --policy-arn (as a set)" "$(printf '%s\n' "$S_B1" "$S_RO" | sort)" "$(s_ar_list PolicyArns | sort)"
pass

t "shape: login, exec, env, credential-process and whoami all take --scope, --policy-arn and --policy, and send the profile's tags and SourceIdentity"
s_files "source_identity=alice" "session_tags=agent=claude"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' > "$HOME/p.json"
s_fake
for c in login exec env credential-process whoami; do
	rm -rf "$HOME/.aws/cli/cache"
	case $c in
	exec) s_run awsrole exec P --scope readonly --policy-arn "$S_B1" --policy "$HOME/p.json" -- sh -c 'echo "key=$AWS_ACCESS_KEY_ID"' ;;
	*) s_run awsrole "$c" P --scope readonly --policy-arn "$S_B1" --policy "$HOME/p.json" ;;
	esac
	expect_rc 0 || { echo "    ($c)" >&2; continue; }
	expect_eq "$c: AssumeRole requests" "$((S_BEFORE + 1))" "$(s_ar_count)" || continue
	expect_eq "$c: PolicyArns (as a set)" "$(printf '%s\n' "$S_B1" "$S_RO" | sort)" "$(s_ar_list PolicyArns | sort)"
	expect_eq "$c: Policy" "$(s_min "$HOME/p.json")" "$(s_ar params.Policy)"
	expect_eq "$c: Tags" agent=claude "$(s_ar_list Tags)"
	expect_eq "$c: SourceIdentity" alice "$(s_ar params.SourceIdentity)"
done
pass

t "shape: only the top hop — in a chain (P's source_profile Q is a role profile) Q's AssumeRole carries none of the fields, P's carries all"
aws_config_write < /dev/null
aws_credentials_write < /dev/null
aws_config_profile Q "role_arn=$S_ROLE" source_profile=base region=us-east-1
aws_config_profile P "role_arn=$S_ROLE_B" source_profile=Q region=us-east-1 "source_identity=alice" "session_tags=agent=claude" \
	"transitive_session_tags=agent" "awsrole_policy_arns=$S_A1" "awsrole_policy_file=~/p.json"
aws_credentials_profile base "aws_access_key_id=$S_AKID" "aws_secret_access_key=$S_SECRET"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' > "$HOME/p.json"
s_fake
s_run awsrole login P --scope readonly
expect_rc 0
expect_eq "AssumeRole requests (two hops)" 2 "$(s_ar_count)"
expect_eq "hop 1 is Q's role" "$S_ROLE" "$(s_ar params.RoleArn 0)"
expect_eq "hop 2 is P's role" "$S_ROLE_B" "$(s_ar params.RoleArn 1)"
s_check '{}' 0
expect_eq "hop 2 PolicyArns (as a set)" "$(printf '%s\n' "$S_A1" "$S_RO" | sort)" "$(s_ar_list PolicyArns 1 | sort)"
# (the order of the two ARNs is not part of the contract: botocore's fields for the order sent)
# shellcheck disable=SC2046
s_check "$("$PY" -c '
import json, sys
print(json.dumps({"Policy": sys.argv[1], "Tags": [{"Key": "agent", "Value": "claude"}], "TransitiveTagKeys": ["agent"],
                  "SourceIdentity": "alice", "PolicyArns": [{"arn": a} for a in sys.argv[2:]]}))' \
	"$(s_min "$HOME/p.json")" $(s_ar_list PolicyArns 1))" 1
pass

t "shape: every field at once (MFA, external_id, role_session_name, a Unicode tag value) — the body is byte for byte botocore's encoding, and the scope fields are botocore's"
s_files "mfa_serial=arn:aws:iam::333333333333:mfa/example.user" "external_id=ext id+1" "role_session_name=alice.agent" \
	"duration_seconds=900" "source_identity=alice.smith@example.com" "session_tags=agent=claude é 日本,team=platform/core" \
	"transitive_session_tags=team" "awsrole_policy_arns=$S_A1" "awsrole_policy_file=~/p.json"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}}]}' > "$HOME/p.json"
s_fake
s_run awsrole login P --mfa-code 123456 --scope readonly
s_sent
expect_eq "Tags.member.1.Value (decoded)" "claude é 日本" "$(s_ar params.Tags.member.1.Value)"
expect_eq "TokenCode" 123456 "$(s_ar params.TokenCode)"
# shellcheck disable=SC2046
s_check "$("$PY" -c '
import json, sys
print(json.dumps({"Policy": sys.argv[1], "Tags": [{"Key": "agent", "Value": "claude é 日本"}, {"Key": "team", "Value": "platform/core"}],
                  "TransitiveTagKeys": ["team"], "SourceIdentity": "alice.smith@example.com",
                  "PolicyArns": [{"arn": a} for a in sys.argv[2:]]}))' "$(s_min "$HOME/p.json")" $(s_ar_list PolicyArns))"
expect_eq "PolicyArns (as a set)" "$(printf '%s\n' "$S_A1" "$S_RO" | sort)" "$(s_ar_list PolicyArns | sort)"
pass

t "shape: a profile without any of the keys sends none of the fields (no empty Tags= or PolicyArns=)"
s_files
s_fake
s_run awsrole login P
s_sent
s_check '{}'
case $(s_ar body) in *Tags*|*PolicyArns*|*Policy*|*SourceIdentity*|*TransitiveTagKeys*) fail "body: $(s_ar body)" ;; esac
pass

# ================================================================ limits: the policy file

t "limit: awsrole_policy_file that cannot be read (missing, a directory) is refused (3) before any call; --policy the same (2)"
s_files "awsrole_policy_file=~/nope.json"
s_fake
s_run awsrole login P
s_refused 3 awsrole_policy_file nope.json
mkdir -p "$HOME/adir"
s_files "awsrole_policy_file=~/adir"
s_run awsrole login P
s_refused 3 awsrole_policy_file
s_files
s_run awsrole login P --policy "$HOME/nope.json"
s_refused 2 --policy nope.json
pass

t "limit: a policy file that is not JSON (truncated, trailing text, empty) is refused: 3 from the profile, 2 from --policy; the message says JSON"
s_fake
printf '{"Version": "2012-10-17", "Statement": [' > "$HOME/trunc.json"
printf '{"Version": "2012-10-17"} trailing' > "$HOME/trail.json"
: > "$HOME/empty.json"
for f in trunc trail empty; do
	s_files "awsrole_policy_file=~/$f.json"
	s_run awsrole login P
	s_refused 3 awsrole_policy_file JSON || echo "    ($f.json from the profile)" >&2
	s_files
	s_run awsrole login P --policy "$HOME/$f.json"
	s_refused 2 --policy JSON || echo "    ($f.json from --policy)" >&2
done
pass

# ================================================================ limits: ARNs

t "limit: 10 ARNs in awsrole_policy_arns are sent (member.1 .. member.10); 11 are refused (3, names 10 and the key)"
s_fake
s_files "awsrole_policy_arns=$(s_arns 10)"
s_run awsrole login P
s_sent
expect_eq "PolicyArns sent" "$(s_arns 10 | tr , '\n')" "$(s_ar_list PolicyArns)"
s_files "awsrole_policy_arns=$(s_arns 11)"
s_run awsrole login P
s_refused 3 awsrole_policy_arns 10
pass

t "limit: 10 --policy-arn flags are sent; 11 are refused (2); 10 flags plus --scope readonly are 11 and refused (2)"
s_files
s_fake
flags=()
for a in $(s_arns 11 | tr , ' '); do flags+=(--policy-arn "$a"); done
s_run awsrole login P "${flags[@]:0:20}"
s_sent
expect_eq "PolicyArns sent" "$(s_arns 10 | tr , '\n')" "$(s_ar_list PolicyArns)"
s_run awsrole login P "${flags[@]}"
s_refused 2 --policy-arn 10
s_run awsrole login P "${flags[@]:0:20}" --scope readonly
s_refused 2 10
pass

# ================================================================ limits: 2048 characters

t "limit: minified policy + ARNs of exactly 2048 characters are sent (the file itself is longer: counted after minifying); 2049 are refused (3, names 2048)"
s_fake
# the two ARNs: 38 + 51 = 89 characters; the policy 2048 - 89 = 1959 once minified
s_policy_file "$HOME/p.json" 1959
[ "$(wc -c < "$HOME/p.json")" -gt 2048 ] || fail "the test's pretty-printed file is not longer than 2048 bytes"
s_files "awsrole_policy_arns=$S_RO,$S_VO" "awsrole_policy_file=~/p.json"
s_run awsrole login P
s_sent
expect_eq "Policy sent (minified)" "$(s_min "$HOME/p.json")" "$(s_ar params.Policy)"
expect_eq "Policy length" 1959 "$(s_ar params.Policy | tr -d '\n' | wc -m)"
expect_eq "PolicyArns" "$(printf '%s\n' "$S_RO" "$S_VO")" "$(s_ar_list PolicyArns)"
s_policy_file "$HOME/p.json" 1960
s_run awsrole login P
s_refused 3 2048
expect_err_has_any awsrole_policy_file awsrole_policy_arns
pass

t "limit: the same 2048 from --policy and --policy-arn: exactly 2048 sent, 2049 refused (2)"
s_fake
s_files
s_policy_file "$HOME/p.json" 1959
s_run awsrole login P --policy "$HOME/p.json" --policy-arn "$S_RO" --policy-arn "$S_VO"
s_sent
expect_eq "Policy sent" "$(s_min "$HOME/p.json")" "$(s_ar params.Policy)"
s_policy_file "$HOME/p.json" 1960
s_run awsrole login P --policy "$HOME/p.json" --policy-arn "$S_RO" --policy-arn "$S_VO"
s_refused 2 2048
pass

t "limit: --scope's ARN counts toward 2048 (1959 + 38 + 51 = 2048 sent with --scope readonly; 1960 refused)"
s_fake
s_files "awsrole_policy_arns=$S_VO" "awsrole_policy_file=~/p.json"
s_policy_file "$HOME/p.json" 1959
s_run awsrole login P --scope readonly
s_sent
s_policy_file "$HOME/p.json" 1960
s_run awsrole login P --scope readonly
expect_rc_in 2 3
expect_err_has 2048
expect_eq "requests to STS" "$S_BEFORE" "$(fake_sts_count)"
pass

t "limit: ARNs alone count too — ten ARNs of 2048 characters together are sent, 2050 are refused (3)"
s_fake
s_files "awsrole_policy_arns=$(s_arns 9 205),$(s_arns 1 203 | sed 's/p01-/p10-/')"
expect_eq "test ARNs' total length" 2048 "$(grep awsrole_policy_arns "$HOME/.aws/config" | sed 's/.*= //' | tr -d ',\n' | wc -c)"
s_run awsrole login P
s_sent
expect_eq "ARNs sent" 10 "$(s_ar_list PolicyArns | wc -l | tr -d ' ')"
s_files "awsrole_policy_arns=$(s_arns 10 205)"
s_run awsrole login P
s_refused 3 2048 awsrole_policy_arns
pass

# ================================================================ limits: tags

t "limit: 50 session tags are sent; 51 are refused (3, names 50 and session_tags)"
s_fake
s_files "session_tags=$(s_tags 50)"
s_run awsrole login P
s_sent
expect_eq "tags sent" 50 "$(s_ar_list Tags | wc -l | tr -d ' ')"
expect_eq "the 50th" k50=v50 "$(s_ar_list Tags | tail -n 1)"
s_files "session_tags=$(s_tags 51)"
s_run awsrole login P
s_refused 3 session_tags 50
pass

t "limit: a tag key of 128 characters is sent, 129 refused (3, names 128); counted in characters: 128 × é sent, 129 × é refused"
s_fake
k128=$(s_rep K 128)
s_files "session_tags=$k128=v"
s_run awsrole login P
s_sent
expect_eq "Tags.member.1.Key" "$k128" "$(s_ar params.Tags.member.1.Key)"
s_files "session_tags=$(s_rep K 129)=v"
s_run awsrole login P
s_refused 3 session_tags 128
e128=$(s_rep é 128)
s_files "session_tags=$e128=v"
s_run awsrole login P
s_sent
expect_eq "Tags.member.1.Key (128 × é, 256 bytes)" "$e128" "$(s_ar params.Tags.member.1.Key)"
s_check "{\"Tags\": [{\"Key\": \"$e128\", \"Value\": \"v\"}]}"
s_files "session_tags=$(s_rep é 129)=v"
s_run awsrole login P
s_refused 3 session_tags 128
pass

t "limit: a tag value of 256 characters is sent, 257 refused (3, names 256); an empty key (=v) and an item without = are refused"
s_fake
v256=$(s_rep v 256)
s_files "session_tags=k=$v256"
s_run awsrole login P
s_sent
expect_eq "Tags.member.1.Value" "$v256" "$(s_ar params.Tags.member.1.Value)"
s_files "session_tags=k=$(s_rep v 257)"
s_run awsrole login P
s_refused 3 session_tags 256
s_files "session_tags=a=1,=v"
s_run awsrole login P
s_refused 3 session_tags
s_files "session_tags=a=1,novalue"
s_run awsrole login P
s_refused 3 session_tags
pass

t "limit: tag characters — letters, spaces, digits and _.:/=+-@ (Unicode too) are sent; ! in a value, # in a key, ; are refused (3)"
s_fake
s_files "session_tags=k_.:/+-@9=v a_.:/=+-@é日本9"
s_run awsrole login P
s_sent
expect_eq "key" "k_.:/+-@9" "$(s_ar params.Tags.member.1.Key)"
expect_eq "value" "v a_.:/=+-@é日本9" "$(s_ar params.Tags.member.1.Value)"
s_check '{"Tags": [{"Key": "k_.:/+-@9", "Value": "v a_.:/=+-@é日本9"}]}'
for bad in 'k=a!b' 'k#1=v' 'k=a;b' 'k=a*b'; do
	s_files "session_tags=$bad"
	s_run awsrole login P
	s_refused 3 session_tags || echo "    (session_tags = $bad)" >&2
done
pass

t "limit: a tag key starting with aws: (any case) is refused (3, says aws:); awsx and x-aws: are sent"
s_fake
for bad in 'aws:team=a' 'AWS:Team=a' 'Aws:x=1'; do
	s_files "session_tags=ok=1,$bad"
	s_run awsrole login P
	s_refused 3 session_tags aws: || echo "    (session_tags = $bad)" >&2
done
s_files "session_tags=awsx=1,x-aws:=2"
s_run awsrole login P
s_sent
expect_eq "Tags" "$(printf '%s\n' awsx=1 x-aws:=2)" "$(s_ar_list Tags)"
pass

t "limit: transitive_session_tags must name keys of session_tags: an unknown key is refused (3, names it); without session_tags too"
s_fake
s_files "session_tags=agent=claude" "transitive_session_tags=agent,team"
s_run awsrole login P
s_refused 3 transitive_session_tags team
s_files "transitive_session_tags=agent"
s_run awsrole login P
s_refused 3 transitive_session_tags agent
s_files "session_tags=agent=claude,team=core" "transitive_session_tags=team"
s_run awsrole login P
s_sent
expect_eq "TransitiveTagKeys" team "$(s_ar_list TransitiveTagKeys)"
pass

# ================================================================ limits: SourceIdentity

t "limit: source_identity of 2 and of 64 characters of [\\w+=,.@-] are sent; 1 and 65 refused (3, name 2 / 64 and source_identity)"
s_fake
for ok in ab "$(s_rep s 64)" 'Az09_+=,.@-x'; do
	s_files "source_identity=$ok"
	s_run awsrole login P
	s_sent || echo "    (source_identity = $ok)" >&2
	expect_eq "SourceIdentity" "$ok" "$(s_ar params.SourceIdentity)"
done
s_check '{"SourceIdentity": "Az09_+=,.@-x"}'
s_files "source_identity=a"
s_run awsrole login P
s_refused 3 source_identity 2
s_files "source_identity=$(s_rep s 65)"
s_run awsrole login P
s_refused 3 source_identity 64
pass

t "limit: source_identity with a space, !, / or starting with aws: is refused (3)"
s_fake
for bad in 'alice smith' 'alice!' 'a/b' 'aws:alice'; do
	s_files "source_identity=$bad"
	s_run awsrole login P
	s_refused 3 source_identity || echo "    (source_identity = $bad)" >&2
done
pass

# ================================================================ limits: before the MFA prompt, other commands, flags

t "limit: checked before the MFA prompt — on a terminal, a bad session_tags (3) or 11 --policy-arn (2) ends awsrole without asking for a code"
mfa_role_files
echo "session_tags = aws:bad=1" >> "$HOME/.aws/config"
s_fake
S_BEFORE=$(fake_sts_count)
run_pty -- awsrole login P
expect_rc 3
expect_err_has session_tags
expect_err_lacks "Enter MFA code"
expect_eq "requests to STS" "$S_BEFORE" "$(fake_sts_count)"
mfa_role_files
flags=()
for a in $(s_arns 11 | tr , ' '); do flags+=(--policy-arn "$a"); done
run_pty -- awsrole login P "${flags[@]}"
expect_rc 2
expect_err_has 10
expect_err_lacks "Enter MFA code"
expect_eq "requests to STS" "$S_BEFORE" "$(fake_sts_count)"
pass

t "limit: exec, env, credential-process and whoami refuse the same way (3 for a key, 2 for a flag), exec without running the command"
s_fake
s_files "source_identity=a"
s_run awsrole exec P -- sh -c 'echo RAN'
s_refused 3 source_identity
expect_out_lacks RAN
for c in env credential-process whoami; do
	s_run awsrole "$c" P
	s_refused 3 source_identity || echo "    ($c)" >&2
done
s_files
for c in env credential-process whoami; do
	s_run awsrole "$c" P --policy "$HOME/nope.json"
	s_refused 2 --policy || echo "    ($c)" >&2
done
s_run awsrole exec P --scope everything -- sh -c 'echo RAN'
s_refused 2 --scope
expect_out_lacks RAN
pass

t "limit: --scope takes readonly, viewonly or full: anything else is a usage error (2) naming the choices"
s_files
s_fake
for bad in ReadOnly admin ""; do
	s_run awsrole login P --scope "$bad"
	s_refused 2 --scope readonly || echo "    (--scope [$bad])" >&2
done
s_run awsrole login P --scope
s_refused 2 --scope
pass

# ================================================================ cache (moto, with the AWS CLI v1)

# s_moto_files [KEY=VALUE...] — P as s_files, with the moto user's keys.
s_moto_files() {
	aws_config_write < /dev/null
	aws_credentials_write < /dev/null
	aws_config_profile P "role_arn=$S_ROLE" source_profile=base region=us-east-1 "$@"
	base_credentials base
}

t "cache: a scoped and an unscoped login write two entries, each under botocore's key for its parameters; the first is left alone"
use_moto
s_moto_files
k0=$(s_key)
k1=$(s_key --policy-arn "$S_RO")
[ -n "$k0" ] && [ -n "$k1" ] && [ "$k0" != "$k1" ] || fail "oracle keys: [$k0] [$k1]"
run awsrole login P
expect_rc 0
expect_eq "entries after the unscoped login" "$k0.json" "$(s_cache_files)"
sum0=$(sha256sum < "$HOME/.aws/cli/cache/$k0.json")
run awsrole login P --scope readonly
expect_rc 0
expect_eq "entries after the scoped login" "$(printf '%s\n' "$k0.json" "$k1.json" | sort)" "$(s_cache_files)"
expect_eq "the unscoped entry is unchanged" "$sum0" "$(sha256sum < "$HOME/.aws/cli/cache/$k0.json" 2>/dev/null)"
[ "$(s_cache_akid "$k0")" != "$(s_cache_akid "$k1")" ] || fail "both entries hold the same session"
pass

t "cache: profile keys enter the key — source_identity, session_tags, transitive_session_tags, awsrole_policy_arns, awsrole_policy_file (with mfa_serial, external_id, role_session_name): botocore's key with all of them"
use_moto
echo '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] }' > "$HOME/p.json"
s_moto_files "mfa_serial=$BASE_MFA_SERIAL" external_id=ext-1 role_session_name=alice-agent duration_seconds=900 \
	source_identity=alice "session_tags=agent=claude é,team=core" transitive_session_tags=agent \
	"awsrole_policy_arns=$S_A1,$S_A2" "awsrole_policy_file=~/p.json"
k=$(s_key --policy-file "$HOME/p.json" --policy-arn "$S_A1" --policy-arn "$S_A2" --tag "agent=claude é" --tag team=core \
	--transitive agent --source-identity alice)
plain=$(s_key)
run awsrole login P --mfa-code 123456
expect_rc 0
expect_eq "the entry's name" "$k.json" "$(s_cache_files)"
expect_no_file "$HOME/.aws/cli/cache/$plain.json"
# and with --scope on top: one more ARN (where in the list is not fixed: either order's key)
common=(--policy-file "$HOME/p.json" --tag "agent=claude é" --tag team=core --transitive agent --source-identity alice)
ka=$(s_key "${common[@]}" --policy-arn "$S_A1" --policy-arn "$S_A2" --policy-arn "$S_RO")
kb=$(s_key "${common[@]}" --policy-arn "$S_RO" --policy-arn "$S_A1" --policy-arn "$S_A2")
run awsrole login P --mfa-code 123456 --scope readonly
expect_rc 0
case $(s_cache_files | tr '\n' ' ') in
*"$k.json"*) ;;
*) fail "the first entry is gone: $(s_cache_files)" ;;
esac
case " $(s_cache_files | tr '\n' ' ') " in
*" $ka.json "* | *" $kb.json "*) ;;
*) fail "the --scope readonly entry is neither $ka.json nor $kb.json: $(s_cache_files)" ;;
esac
expect_eq "entries" 2 "$(s_cache_files | wc -l | tr -d ' ')"
pass

t "cache: the policy's layout does not change the key (botocore loads and sorts it): two files, same policy, one entry"
use_moto
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' > "$HOME/a.json"
printf '{\n  "Statement": [ { "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow" } ],\n  "Version": "2012-10-17"\n}\n' > "$HOME/b.json"
s_moto_files
k=$(s_key --policy-file "$HOME/a.json")
expect_eq "oracle: the same key for b.json" "$k" "$(s_key --policy-file "$HOME/b.json")"
run awsrole login P --policy "$HOME/a.json"
expect_rc 0
run awsrole login P --policy "$HOME/b.json"
expect_rc 0
expect_eq "entries" "$k.json" "$(s_cache_files)"
pass

t "cache: a policy with nested keys out of order, a number and a \\u escape: the key is botocore's (json.loads, then json.dumps sort_keys, ASCII escapes)"
use_moto
cat > "$HOME/p.json" <<-'EOF'
	{"Version": "2012-10-17", "Statement": [{"Sid": "S1", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
	  "Condition": {"StringEquals": {"aws:username": "jos\u00e9", "s3:prefix": "a/b"}, "NumericLessThanEquals": {"s3:max-keys": 10}}}]}
	EOF
s_moto_files
k=$(s_key --policy-file "$HOME/p.json")
run awsrole login P --policy "$HOME/p.json"
expect_rc 0
expect_eq "entries" "$k.json" "$(s_cache_files)"
pass

t "cache: the AWS CLI never picks up a scoped session — after only a scoped login, aws makes its own AssumeRole (no PolicyArns) and uses its own key"
use_moto
s_moto_files
run awsrole login P --scope readonly
expect_rc 0
k1=$(s_key --policy-arn "$S_RO")
scoped=$(s_cache_akid "$k1")
[ -n "$scoped" ] || fail "no scoped entry $k1.json"
m=$(moto_log_mark)
run aws sts get-caller-identity --profile P --output json
expect_rc 0
expect_eq "the CLI's AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "the CLI sent no PolicyArns" "" "$(moto_field params.PolicyArns.member.1.arn "$m" AssumeRole)"
cli_key=$(moto_field akid "$m" GetCallerIdentity)
[ -n "$cli_key" ] && [ "$cli_key" != "$scoped" ] || fail "the CLI signed with [$cli_key], the scoped session is [$scoped]"
expect_eq "the CLI's key is the one it cached under its own key" "$(s_cache_akid "$(s_key)")" "$cli_key"
expect_eq "the scoped entry is still the scoped session" "$scoped" "$(s_cache_akid "$k1")"
pass

t "cache: and the reverse — after an unscoped login the CLI uses it (no AssumeRole); awsrole exec --scope readonly does not (a new AssumeRole with PolicyArns); plain exec keeps the unscoped one"
use_moto
s_moto_files
run awsrole login P
expect_rc 0
k0=$(s_key)
full=$(s_cache_akid "$k0")
m=$(moto_log_mark)
run aws sts get-caller-identity --profile P --output json
expect_rc 0
expect_eq "the CLI's AssumeRole calls (served from awsrole's entry)" 0 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "the CLI signed with the unscoped session" "$full" "$(moto_field akid "$m" GetCallerIdentity)"
m=$(moto_log_mark)
run awsrole exec P --scope readonly -- sh -c 'echo $AWS_ACCESS_KEY_ID'
expect_rc 0
expect_eq "exec --scope readonly: AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
expect_eq "exec --scope readonly: PolicyArns sent" "$S_RO" "$(moto_field params.PolicyArns.member.1.arn "$m" AssumeRole)"
[ "$OUT" != "$full" ] || fail "exec --scope readonly got the unscoped session $full"
expect_eq "exec --scope readonly: its key is the scoped entry's" "$(s_cache_akid "$(s_key --policy-arn "$S_RO")")" "$OUT"
m=$(moto_log_mark)
run awsrole exec P -- sh -c 'echo $AWS_ACCESS_KEY_ID'
expect_rc 0
expect_eq "plain exec: the unscoped session" "$full" "$OUT"
expect_eq "plain exec: AssumeRole calls" 0 "$(moto_calls_since "$m" AssumeRole)"
pass

t "cache: a profile with session_tags no longer shares its entry with the CLI — the CLI assumes for itself, and awsrole keeps using its own tagged session"
use_moto
s_moto_files "session_tags=agent=claude" source_identity=alice
run awsrole login P
expect_rc 0
kt=$(s_key --tag agent=claude --source-identity alice)
tagged=$(s_cache_akid "$kt")
[ -n "$tagged" ] || fail "no entry $kt.json: $(s_cache_files)"
m=$(moto_log_mark)
run aws sts get-caller-identity --profile P --output json
expect_rc 0
expect_eq "the CLI's AssumeRole calls" 1 "$(moto_calls_since "$m" AssumeRole)"
[ "$(moto_field akid "$m" GetCallerIdentity)" != "$tagged" ] || fail "the CLI used awsrole's tagged session"
m=$(moto_log_mark)
run awsrole exec P -- sh -c 'echo $AWS_ACCESS_KEY_ID'
expect_rc 0
expect_eq "awsrole exec: its tagged session" "$tagged" "$OUT"
expect_eq "awsrole exec: AssumeRole calls" 0 "$(moto_calls_since "$m" AssumeRole)"
pass
