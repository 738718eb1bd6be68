# t_50_cache.sh — the credential cache shared with the AWS CLI (issue 4): the botocore key,
# interop with AWS CLI v1 both ways, reuse and the refresh window, --no-cache, one STS call for a
# storm of callers (flock), the lock timeout, crash safety of the atomic replace, file safety
# (modes, symlinks, owners), corrupt entries, logout and list.
#
# Oracles: tests/cache_key.py (botocore computes the key), the AWS CLI v1 itself, and the moto
# request log (which STS calls were really made).  Every case runs without a terminal unless it
# says "pty".  Needs: strace (crash-safety case), util-linux flock, coreutils stat.

C50_ROLE_A=arn:aws:iam::111111111111:role/RoleA
C50_ROLE_RO=arn:aws:iam::222222222222:role/RoleReadOnly
C50_ARN_A=arn:aws:sts::111111111111:assumed-role/RoleA/
C50_ARN_RO=arn:aws:sts::222222222222:assumed-role/RoleReadOnly/

# The profiles most cases use (region in the profile: CLI v1 ignores AWS_REGION):
#   mfa    RoleA, MFA, 3600 s      short  RoleA, MFA, 900 s
#   plain  RoleReadOnly, 900 s     plain2 RoleA, no duration (3600 s)
c50_files() {
	base_credentials base
	aws_config_profile mfa region=us-east-1 source_profile=base "role_arn=$C50_ROLE_A" \
		"mfa_serial=$BASE_MFA_SERIAL" duration_seconds=3600
	aws_config_profile short region=us-east-1 source_profile=base "role_arn=$C50_ROLE_A" \
		"mfa_serial=$BASE_MFA_SERIAL" duration_seconds=900
	aws_config_profile plain region=us-east-1 source_profile=base "role_arn=$C50_ROLE_RO" \
		duration_seconds=900
	aws_config_profile plain2 region=us-east-1 source_profile=base "role_arn=$C50_ROLE_A"
	CACHE=$HOME/.aws/cli/cache
}

# c50_key PROFILE — the AWS CLI's cache key of PROFILE, computed by botocore (memoized by
# profile name: the profiles of c50_files are the same in every case).
declare -A C50_KEYS=()
c50_key() {
	if [ -z "${C50_KEYS[$1]:-}" ]; then
		C50_KEYS[$1]=$(PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" "$1" 2>>"$T_DIR/cache_key.err" | cut -f2)
	fi
	echo "${C50_KEYS[$1]}"
}

# c50_list_key PROFILE — CacheKey of PROFILE in `awsrole list --json` (run separately).
c50_list_keys() { # -> "PROFILE<TAB>KEY" lines from $OUT of `awsrole list --json`
	"$PY" -c '
import json, sys
for r in json.loads(sys.argv[1]):
    print("%s\t%s" % (r["Profile"], r.get("CacheKey", "-")))
' "$OUT"
}

# c50_fmt EPOCH FORM — EPOCH as ISO 8601: z (…Z), utc (…+00:00), frac (….646586Z),
# plus9 (…+09:00, the same instant), compact (…+0000)
c50_fmt() {
	case $2 in
	z) date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ ;;
	utc) date -u -d "@$1" +%Y-%m-%dT%H:%M:%S+00:00 ;;
	frac) date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.646586Z ;;
	plus9) TZ=UTC-9 date -d "@$1" +%Y-%m-%dT%H:%M:%S+09:00 ;;
	compact) date -u -d "@$1" +%Y-%m-%dT%H:%M:%S+0000 ;;
	esac
}

# c50_iso OFFSET FORM — now+OFFSET s, as c50_fmt
c50_iso() { c50_fmt $(($(date +%s) + $1)) "$2"; }

# c50_utc ISO — the same instant as …Z in UTC, fractional seconds dropped
c50_utc() {
	"$PY" -c '
import datetime, sys
v = sys.argv[1].replace("Z", "+00:00")
if len(v) > 5 and v[-5] in "+-" and v[-3] != ":":
    v = v[:-2] + ":" + v[-2:]
t = datetime.datetime.fromisoformat(v).astimezone(datetime.timezone.utc)
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
' "$1"
}

# c50_entry FILE AKID SECRET TOKEN EXPIRATION [ARN] — an entry as botocore writes it, 0600.
c50_entry() {
	mkdir -p "$(dirname "$1")"
	chmod 700 "$(dirname "$1")"
	"$PY" -c '
import json, os, sys
f, akid, sk, tok, exp = sys.argv[1:6]
arn = sys.argv[6] if len(sys.argv) > 6 else "arn:aws:sts::111111111111:assumed-role/RoleA/handmade"
body = {"Credentials": {"AccessKeyId": akid, "SecretAccessKey": sk, "SessionToken": tok,
                        "Expiration": exp, "AccountId": arn.split(":")[4]},
        "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:handmade", "Arn": arn},
        "ResponseMetadata": {"RequestId": "c50", "HTTPStatusCode": 200}}
fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, json.dumps(body).encode())
os.close(fd)
os.chmod(f, 0o600)
' "$@"
}

# c50_entry_field FILE PATH — a field of a cache entry ("" if unreadable)
c50_entry_field() { json_get "$(cat "$1" 2>/dev/null)" "$2"; }

c50_assume_calls() { moto_calls_since "$1" AssumeRole; }

c50_sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

c50_mode() { stat -c %a "$1" 2>/dev/null; }

# c50_valid_cp_json TEXT — credential_process output: Version 1, keys, a future Expiration
c50_valid_cp_json() {
	"$PY" -c '
import datetime, json, sys
d = json.loads(sys.argv[1])
assert d["Version"] == 1, d
assert d["AccessKeyId"] and d["SecretAccessKey"] and d["SessionToken"], d
e = datetime.datetime.fromisoformat(d["Expiration"].replace("Z", "+00:00"))
assert e > datetime.datetime.now(datetime.timezone.utc), d["Expiration"]
' "$1" 2>>"$T_DIR/json.err"
}

# ---------------------------------------------------------------- the cache key

t "cache key: botocore's key equals list --json CacheKey for 17 role profiles (MFA, duration, external id, session name, non-ASCII, quotes, backslashes)"
base_credentials base
# Values are written byte for byte: quotes and backslashes stay part of the value (as in the CLI).
printf '%s\n' \
	'[default]' \
	'region = ap-northeast-1' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'mfa_serial = arn:aws:iam::333333333333:mfa/example.user' \
	'duration_seconds = 900' \
	'' \
	'[profile k01-plain]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'' \
	'[profile k02-mfa]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'mfa_serial = arn:aws:iam::333333333333:mfa/example.user' \
	'' \
	'[profile k03-duration]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::222222222222:role/RoleReadOnly' \
	'duration_seconds = 43200' \
	'' \
	'[profile k04-external]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::333333333333:role/RoleExternal' \
	'external_id = ext-12345' \
	'' \
	'[profile k05-session-name]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'role_session_name = my.session@example.com' \
	'' \
	'[profile k06-everything]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'mfa_serial = arn:aws:iam::333333333333:mfa/example.user' \
	'duration_seconds = 3600' \
	'external_id = ext-12345' \
	'role_session_name = everything' \
	'' \
	'[profile k07-external-utf8]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'external_id = café-日本-😀-end' \
	'' \
	'[profile k08-session-utf8]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'role_session_name = sessé日本😀' \
	'' \
	'[profile k09-quotes-backslashes]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'external_id = "quoted" \back\\slash\n\u00e9 /slash' \
	'role_session_name = a"b\c' \
	'' \
	'[profile k10-mfa-quoted]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'mfa_serial = "arn:aws:iam::333333333333:mfa/example.user"' \
	'' \
	'[profile k11-credential-source]' \
	'credential_source = Environment' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'duration_seconds = 1800' \
	'' \
	'[profile k12-chained]' \
	'source_profile = k02-mfa' \
	'role_arn = arn:aws:iam::222222222222:role/RoleReadOnly' \
	'duration_seconds = 3600' \
	'' \
	'[profile "k13 spaced name"]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'external_id = tab	inside ; not a comment # nor this' \
	'' \
		'[profile k15-separators]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	"external_id = ls$(printf '\342\200\250')nbsp$(printf '\302\240')bom$(printf '\357\273\277')max$(printf '\364\217\277\277')" \
	'' \
	'[profile k16-in-both-files]' \
	'source_profile = base' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	'external_id = from-config' \
	'' \
	'[profile k17-web-identity]' \
	'role_arn = arn:aws:iam::111111111111:role/RoleA' \
	"web_identity_token_file = $T_DIR/token" \
	'role_session_name = web-session' \
	> "$HOME/.aws/config"
printf '\n[k16-in-both-files]\nexternal_id = from-credentials\n' >> "$HOME/.aws/credentials"
echo token > "$T_DIR/token"
names=(default k01-plain k02-mfa k03-duration k04-external k05-session-name k06-everything
	k07-external-utf8 k08-session-utf8 k09-quotes-backslashes k10-mfa-quoted k11-credential-source
	k12-chained "k13 spaced name" k15-separators k16-in-both-files k17-web-identity)
PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" --args "${names[@]}" > "$T_DIR/oracle" 2>"$T_DIR/oracle.err"
cut -f1,2 "$T_DIR/oracle" > "$T_DIR/oracle.keys"
run awsrole list --json
expect_rc 0
c50_list_keys > "$T_DIR/list.keys"
bad=0
for n in "${names[@]}"; do
	want=$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$T_DIR/oracle.keys")
	got=$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$T_DIR/list.keys")
	case $want in
	'' | -) fail "botocore built no key for $n: $(cat "$T_DIR/oracle.err")"; bad=1; continue ;;
	esac
	if [ "$want" != "$got" ]; then
		fail "profile [$n]: botocore key $want, awsrole list CacheKey ${got:-<none>}; botocore hashed: $(awk -F'\t' -v n="$n" '$1 == n { print $3 }' "$T_DIR/oracle")"
		bad=1
	fi
done
expect_eq "the FACTS.md example ([default])" eb73dc24d3b02afb39b999e638a3365a630afca9 \
	"$(awk -F'\t' '$1 == "default" { print $2 }' "$T_DIR/list.keys")"
grep -q 'from-credentials' "$T_DIR/oracle" || fail "oracle: the credentials file's external_id should win"
[ "$bad" = 0 ] || _run_report
pass

t "cache key: the scenario's [default] hashes to eb73dc24d3b02afb39b999e638a3365a630afca9 (FACTS.md), CustomerA too"
scenario_files
run awsrole list --json
expect_rc 0
c50_list_keys > "$T_DIR/list.keys"
expect_eq "default: awsrole" eb73dc24d3b02afb39b999e638a3365a630afca9 "$(awk -F'\t' '$1 == "default" { print $2 }' "$T_DIR/list.keys")"
expect_eq "default: botocore" eb73dc24d3b02afb39b999e638a3365a630afca9 "$(c50_key default)"
expect_eq "CustomerA: awsrole = botocore" "$(c50_key CustomerA)" "$(awk -F'\t' '$1 == "CustomerA" { print $2 }' "$T_DIR/list.keys")"
pass

t "cache key: control characters and DEL (0x7f) in a value are escaped as json.dumps does (\\u0001, \\u001f, \\u007f)"
base_credentials base
aws_config_profile k14-controls source_profile=base "role_arn=$C50_ROLE_A" \
	"external_id=ctl$(printf '\001')x$(printf '\177')y$(printf '\037')z"
aws_config_profile k14-del source_profile=base "role_arn=$C50_ROLE_A" "role_session_name=del$(printf '\177')x"
run awsrole list --json
expect_rc 0
c50_list_keys > "$T_DIR/list.keys"
for n in k14-controls k14-del; do
	expect_eq "[$n]: list CacheKey = botocore's key ($(PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" --args "$n" | cut -f3))" \
		"$(c50_key "$n")" "$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$T_DIR/list.keys")"
done
pass

t "cache key: a web identity profile's key has only RoleArn and RoleSessionName, as botocore's (duration_seconds, external_id, mfa_serial are not AssumeRoleWithWebIdentity arguments)"
echo token > "$T_DIR/token"
aws_config_profile web "role_arn=$C50_ROLE_A" "web_identity_token_file=$T_DIR/token" \
	duration_seconds=900 external_id=xyz-123 role_session_name=websess
aws_config_profile web2 "role_arn=$C50_ROLE_A" "web_identity_token_file=$T_DIR/token" \
	duration_seconds=1800
run awsrole list --json
expect_rc 0
c50_list_keys > "$T_DIR/list.keys"
for n in web web2; do
	expect_eq "[$n]: list CacheKey = botocore's key ($(PYTHONUTF8=1 "$PY" "$ROOT/tests/cache_key.py" --args "$n" | cut -f3))" \
		"$(c50_key "$n")" "$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$T_DIR/list.keys")"
done
pass

t "cache key: an empty role_session_name counts as not configured (botocore generates the name and leaves it out of the key)"
base_credentials base
aws_config_profile emptyname source_profile=base "role_arn=$C50_ROLE_A" "role_session_name="
run awsrole list --json
expect_rc 0
c50_list_keys > "$T_DIR/list.keys"
expect_eq "list CacheKey = botocore's key (sha1 of {\"RoleArn\": ...} only)" "$(c50_key emptyname)" \
	"$(awk -F'\t' '$1 == "emptyname" { print $2 }' "$T_DIR/list.keys")"
pass

# ---------------------------------------------------------------- interop with the AWS CLI v1

t "interop: awsrole login (3600 s, MFA) -> aws --profile P uses the cached session: no AssumeRole, no prompt"
use_moto
c50_files
key=$(c50_key mfa)
run awsrole login mfa --mfa-code 123456
expect_rc 0
expect_file_exists "$CACHE/$key.json"
akid=$(c50_entry_field "$CACHE/$key.json" Credentials.AccessKeyId)
m=$(moto_log_mark)
run aws sts get-caller-identity --profile mfa --output json
expect_rc 0
expect_out_has "$C50_ARN_A"
expect_err_lacks "MFA code"
expect_eq "AssumeRole calls by the CLI" 0 "$(c50_assume_calls "$m")"
expect_eq "GetCallerIdentity calls" 1 "$(moto_calls_since "$m" GetCallerIdentity)"
expect_eq "the CLI signed with awsrole's session key" "$akid" "$(moto_field akid "$m" GetCallerIdentity)"
pass

t "interop (pty): the CLI logs in with an MFA code -> awsrole credential-process reuses its entry, no AssumeRole"
use_moto
c50_files
key=$(c50_key mfa)
m=$(moto_log_mark)
run_pty --expect "Enter MFA code for $BASE_MFA_SERIAL: " --send '123456\n' -- aws sts get-caller-identity --profile mfa --output json
expect_rc 0
expect_out_has "$C50_ARN_A"
expect_eq "AssumeRole calls by the CLI" 1 "$(c50_assume_calls "$m")"
expect_file_exists "$CACHE/$key.json"
cli_akid=$(c50_entry_field "$CACHE/$key.json" Credentials.AccessKeyId)
cli_exp=$(c50_entry_field "$CACHE/$key.json" Credentials.Expiration)
echo "  (the CLI wrote Expiration as: $cli_exp)" >> "$T_DIR/transcript"
m=$(moto_log_mark)
run awsrole credential-process mfa
expect_rc 0
expect_eq "AccessKeyId from the CLI's entry" "$cli_akid" "$(json_get "$OUT" AccessKeyId)"
expect_eq "AssumeRole calls by awsrole" 0 "$(c50_assume_calls "$m")"
want_exp=$(c50_utc "$cli_exp")
expect_eq "Expiration (the CLI's $cli_exp, in UTC)" "$want_exp" "$(json_get "$OUT" Expiration)"
run awsrole whoami -p mfa
expect_rc 0
expect_out_has "$C50_ARN_A"
expect_eq "AssumeRole calls after whoami" 0 "$(c50_assume_calls "$m")"
pass

t "interop: hand-written entries with Expiration …Z, …+00:00, ….646586Z, …+09:00, …+0000 are used (no call), Expiration reported in UTC"
use_moto
c50_files
key=$(c50_key mfa)
moto_assume_role "$C50_ROLE_A" 3600
for form in z utc frac plus9 compact; do
	when=$(($(date +%s) + 2400))
	exp=$(c50_fmt "$when" "$form")
	c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$exp" "$ROLE_ARN_OUT"
	m=$(moto_log_mark)
	run awsrole credential-process mfa
	expect_rc 0 || echo "    (Expiration form: $exp)" >&2
	expect_eq "[$exp] AccessKeyId" "$ROLE_AKID" "$(json_get "$OUT" AccessKeyId)"
	expect_eq "[$exp] Expiration" "$(c50_fmt "$when" z)" "$(json_get "$OUT" Expiration)"
	expect_eq "[$exp] AssumeRole calls" 0 "$(c50_assume_calls "$m")"
done
# and the CLI accepts the entry awsrole would write (…Z), with the hand-written keys
c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 2400 z)" "$ROLE_ARN_OUT"
m=$(moto_log_mark)
run aws sts get-caller-identity --profile mfa --output json
expect_rc 0
expect_eq "CLI: AssumeRole calls" 0 "$(c50_assume_calls "$m")"
pass

# ---------------------------------------------------------------- reuse and the refresh window

t "reuse: a 900 s MFA session logged in once is used by later calls without a terminal: no STS call, no prompt"
use_moto
c50_files
key=$(c50_key short)
run awsrole login short --mfa-code 123456
expect_rc 0
akid=$(c50_entry_field "$CACHE/$key.json" Credentials.AccessKeyId)
m=$(moto_log_mark)
run awsrole credential-process short
expect_rc 0
expect_eq "AccessKeyId" "$akid" "$(json_get "$OUT" AccessKeyId)"
run awsrole env short
expect_rc 0
expect_out_has "$akid"
run awsrole exec short -- sh -c 'echo "$AWS_ACCESS_KEY_ID"'
expect_rc 0
expect_out_eq "$akid"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

t "reuse: AWSROLE_REFRESH_WINDOW larger than the time left: the entry is not used (MFA role: rc 4 without a terminal; with --mfa-code: a new call)"
use_moto
c50_files
key=$(c50_key short)
run awsrole login short --mfa-code 123456
expect_rc 0
old=$(c50_entry_field "$CACHE/$key.json" Credentials.AccessKeyId)
m=$(moto_log_mark)
run env AWSROLE_REFRESH_WINDOW=1000 awsrole credential-process short
expect_rc 4
expect_err_has "awsrole login"
expect_out_lacks "$old"
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
run env AWSROLE_REFRESH_WINDOW=1000 awsrole credential-process short --mfa-code 123456
expect_rc 0
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
new=$(json_get "$OUT" AccessKeyId)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "a new session was expected, got AccessKeyId [$new] (old $old)"
expect_eq "entry replaced" "$new" "$(c50_entry_field "$CACHE/$key.json" Credentials.AccessKeyId)"
run env AWSROLE_REFRESH_WINDOW=soon awsrole credential-process short
expect_rc 3
expect_err_has AWSROLE_REFRESH_WINDOW
pass

t "reuse: the default window is min(300 s, 10% of duration_seconds): 900 s role 120 s left used, 60 s left refreshed; 3600 s role 400 s used, 200 s refreshed"
use_moto
c50_files
moto_assume_role "$C50_ROLE_RO" 900
k_plain=$(c50_key plain)
k_plain2=$(c50_key plain2)
check_left() { # profile key seconds_left expected_calls
	c50_entry "$CACHE/$2.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso "$3" z)" "$ROLE_ARN_OUT"
	m=$(moto_log_mark)
	run awsrole credential-process "$1"
	expect_rc 0
	expect_eq "$1 with $3 s left: AssumeRole calls" "$4" "$(c50_assume_calls "$m")"
	if [ "$4" = 0 ]; then
		expect_eq "$1 with $3 s left: the cached AccessKeyId" "$ROLE_AKID" "$(json_get "$OUT" AccessKeyId)"
	else
		expect_out_lacks "$ROLE_AKID"
	fi
}
check_left plain "$k_plain" 120 0
check_left plain "$k_plain" 60 1
check_left plain2 "$k_plain2" 400 0
check_left plain2 "$k_plain2" 200 1
export AWSROLE_REFRESH_WINDOW=0
check_left plain "$k_plain" 30 0
pass

t "reuse: an entry already expired is never handed out (even with AWSROLE_REFRESH_WINDOW=0; MFA role without a terminal: rc 4)"
use_moto
c50_files
moto_assume_role "$C50_ROLE_A" 900
export AWSROLE_REFRESH_WINDOW=0
c50_entry "$CACHE/$(c50_key plain2).json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso -5 z)" "$ROLE_ARN_OUT"
m=$(moto_log_mark)
run awsrole credential-process plain2
expect_rc 0
expect_out_lacks "$ROLE_AKID"
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
c50_entry "$CACHE/$(c50_key short).json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso -3600 utc)" "$ROLE_ARN_OUT"
m=$(moto_log_mark)
for cmd in credential-process env; do
	run awsrole $cmd short
	expect_rc 4
	expect_out_lacks "$ROLE_AKID"
	expect_err_has "awsrole login"
done
run awsrole exec short -- true
expect_rc 4
expect_eq "STS calls" 0 "$(moto_calls_since "$m")"
pass

# ---------------------------------------------------------------- --no-cache

t "--no-cache: makes a call although a valid entry exists, and neither replaces it nor writes one"
use_moto
c50_files
moto_assume_role "$C50_ROLE_RO" 900
key=$(c50_key plain)
c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 600 z)" "$ROLE_ARN_OUT"
before=$(c50_sum "$CACHE/$key.json")
m=$(moto_log_mark)
run awsrole credential-process plain --no-cache
expect_rc 0
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
expect_out_lacks "$ROLE_AKID"
c50_valid_cp_json "$OUT" || fail "not valid credential_process output: $(cat "$T_DIR/json.err")"
expect_eq "the entry is untouched" "$before" "$(c50_sum "$CACHE/$key.json")"
key2=$(c50_key plain2)
m=$(moto_log_mark)
run awsrole credential-process plain2 --no-cache
expect_rc 0
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
expect_no_file "$CACHE/$key2.json"
run awsrole login plain2 --no-cache
expect_rc_in 0 2
expect_no_file "$CACHE/$key2.json"
if [ "$RC" = 0 ]; then  # it may log in, but must not claim the session was cached
	grep -qE '^Cached' <<<"$OUT" && fail "login --no-cache says the session is cached: $OUT"
	expect_out_lacks "reuses it too"
fi
pass

# ---------------------------------------------------------------- concurrency

# c50_storm N PROFILE ARGS... — N simultaneous `awsrole credential-process PROFILE ARGS`, no
# terminal; outputs in $T_DIR/storm/N.{out,err,rc}
c50_storm() {
	local n=$1 i
	shift
	rm -rf "$T_DIR/storm"
	mkdir -p "$T_DIR/storm"
	for i in $(seq 1 "$n"); do
		(
			setsid -w timeout -k 5 90 awsrole credential-process "$@" \
				>"$T_DIR/storm/$i.out" 2>"$T_DIR/storm/$i.err" </dev/null
			echo $? > "$T_DIR/storm/$i.rc"
		) &
	done
	wait
}

c50_storm_check() { # N
	local i bad=0
	for i in $(seq 1 "$1"); do
		if [ "$(cat "$T_DIR/storm/$i.rc")" != 0 ]; then
			bad=$((bad + 1))
			[ "$bad" -le 2 ] && fail "caller $i: rc $(cat "$T_DIR/storm/$i.rc"): $(head -c 600 "$T_DIR/storm/$i.err")"
		elif ! cmp -s "$T_DIR/storm/1.out" "$T_DIR/storm/$i.out"; then
			bad=$((bad + 1))
			[ "$bad" -le 2 ] && fail "caller $i printed other credentials than caller 1"
		fi
	done
	expect_eq "callers that failed or differ" 0 "$bad"
	c50_valid_cp_json "$(cat "$T_DIR/storm/1.out")" || fail "invalid output: $(cat "$T_DIR/json.err")"
}

t "storm: 32 simultaneous credential-process (no MFA, empty cache, no terminal) -> exactly 1 AssumeRole, 32 identical valid outputs"
use_moto
c50_files
m=$(moto_log_mark)
c50_storm 32 plain
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
c50_storm_check 32
expect_eq "cached AccessKeyId = handed out" "$(json_get "$(cat "$T_DIR/storm/1.out")" AccessKeyId)" \
	"$(c50_entry_field "$CACHE/$(c50_key plain).json" Credentials.AccessKeyId)"
run awsrole whoami -p plain
expect_rc 0
expect_out_has "$C50_ARN_RO"
pass

t "storm: 32 simultaneous credential-process --mfa-code (MFA role, empty cache) -> exactly 1 AssumeRole"
use_moto
c50_files
m=$(moto_log_mark)
c50_storm 32 mfa --mfa-code 123456
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
c50_storm_check 32
pass

t "lock: another holder of the entry's lock (flock) + AWSROLE_LOCK_TIMEOUT=1 -> rc 7 naming the lock within seconds; once it is gone the next call works"
use_moto
c50_files
key=$(c50_key plain)
mkdir -p "$CACHE" && chmod 700 "$CACHE"
lock=$CACHE/$key.lock
( flock 9 && exec sleep 60 ) 9>"$lock" &
holder=$!
echo "$holder" >> "$PIDS_FILE"
for _ in $(seq 1 100); do flock -n "$lock" true || break; sleep 0.05; done
flock -n "$lock" true && fail "the background flock does not hold $lock"
m=$(moto_log_mark)
t0=$(date +%s)
RUN_TIMEOUT=20 run env AWSROLE_LOCK_TIMEOUT=1 awsrole credential-process plain
t1=$(date +%s)
expect_rc 7
expect_err_has "$key.lock"
expect_err_has_any "held" "lock"
expect_err_golden t_50_cache.lock-held
expect_fix_hint
[ $((t1 - t0)) -le 8 ] || fail "took $((t1 - t0)) s with AWSROLE_LOCK_TIMEOUT=1"
expect_eq "AssumeRole calls while locked" 0 "$(c50_assume_calls "$m")"
run env AWSROLE_LOCK_TIMEOUT=never awsrole credential-process plain
expect_rc 3
expect_err_has AWSROLE_LOCK_TIMEOUT
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect_file_exists "$lock"
run env AWSROLE_LOCK_TIMEOUT=1 awsrole credential-process plain
expect_rc 0
expect_eq "AssumeRole calls after the holder died" 1 "$(c50_assume_calls "$m")"
pass

t "lock: a lock file left by a killed awsrole (SIGKILL while it waits for an MFA code on a pty) does not block the next call"
use_moto
c50_files
key=$(c50_key mfa)
"$PY" "$PEERS/pty_run.py" --timeout 30 --tty-log "$T_DIR/tty" -- awsrole login mfa >/dev/null 2>&1 </dev/null &
pty=$!
echo "$pty" >> "$PIDS_FILE"
for _ in $(seq 1 200); do grep -q "Enter MFA code" "$T_DIR/tty" 2>/dev/null && break; sleep 0.05; done
grep -q "Enter MFA code" "$T_DIR/tty" 2>/dev/null || fail "no MFA prompt: $(cat "$T_DIR/tty" 2>/dev/null)"
flock -n "$CACHE/$key.lock" true && fail "awsrole does not hold the entry's lock while it prompts"
# the login's own process: the child of pty_run.py
victim=$(ps -o pid= --ppid "$pty" | tr -d ' ' | head -1)
[ -n "$victim" ] && kill -KILL "$victim"
wait "$pty" 2>/dev/null
expect_file_exists "$CACHE/$key.lock"
m=$(moto_log_mark)
RUN_TIMEOUT=20 run env AWSROLE_LOCK_TIMEOUT=2 awsrole credential-process mfa --mfa-code 123456
expect_rc 0
expect_eq "AssumeRole calls" 1 "$(c50_assume_calls "$m")"
pass

# ---------------------------------------------------------------- crash safety

t "crash: awsrole login killed at rename(2) (strace inject SIGKILL) leaves the previous entry intact, for awsrole and the CLI"
use_moto
c50_files
if ! command -v strace >/dev/null || ! strace -f -qq -o /dev/null true 2>/dev/null; then
	skip "strace is missing or cannot trace here (Debian package strace)"
else
	key=$(c50_key plain2)
	moto_assume_role "$C50_ROLE_A" 3600
	# older than a new login's (now + 3600), and > 15 min left so the CLI uses it too
	c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 1800 z)" "$ROLE_ARN_OUT"
	before=$(c50_sum "$CACHE/$key.json")
	m=$(moto_log_mark)
	# (through sh, so that the SIGKILL strace passes on is not reported by this shell)
	run sh -c '"$@"; echo "strace: exit status $?" >&2' sh strace -f -qq -o "$T_DIR/strace.log" \
		-e trace=rename,renameat,renameat2 -e inject=rename,renameat,renameat2:signal=SIGKILL \
		awsrole login plain2
	echo "--- strace log" >> "$T_DIR/transcript"; cat "$T_DIR/strace.log" >> "$T_DIR/transcript"
	grep -q 'rename' "$T_DIR/strace.log" || fail "awsrole never reached rename: $(cat "$T_DIR/strace.log")"
	grep -q 'SIGKILL' "$T_DIR/strace.log" || fail "the writer was not killed at rename"
	expect_eq "AssumeRole calls (the new session was fetched)" 1 "$(c50_assume_calls "$m")"
	expect_eq "the old entry is byte for byte unchanged" "$before" "$(c50_sum "$CACHE/$key.json")"
	# anything else left in the directory: only the lock and dot-temp files named .*.tmp
	for f in "$CACHE"/.[!.]* "$CACHE"/*; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		case $b in
		"$key.json" | "$key.lock") ;;
		.*.tmp)
			echo "  (left behind: $b, mode $(c50_mode "$f"))" >> "$T_DIR/transcript"
			expect_eq "mode of the left-over $b" 600 "$(c50_mode "$f")" ;;
		*) fail "unexpected file in the cache directory: $b" ;;
		esac
	done
	m=$(moto_log_mark)
	run awsrole credential-process plain2
	expect_rc 0
	expect_eq "awsrole reads the old entry" "$ROLE_AKID" "$(json_get "$OUT" AccessKeyId)"
	run aws sts get-caller-identity --profile plain2 --output json
	expect_rc 0
	expect_out_has "$C50_ARN_A"
	expect_eq "the CLI signed with the old entry" "$ROLE_AKID" "$(moto_field akid "$m" GetCallerIdentity)"
	expect_eq "AssumeRole calls after the crash" 0 "$(c50_assume_calls "$m")"
fi
pass

# ---------------------------------------------------------------- file safety

t "files: the cache directories are created 0700 and entries/locks 0600, even with umask 000"
use_moto
c50_files
key=$(c50_key plain)
run bash -c 'umask 000; exec awsrole login plain'
expect_rc 0
expect_eq "mode of ~/.aws/cli" 700 "$(c50_mode "$HOME/.aws/cli")"
expect_eq "mode of ~/.aws/cli/cache" 700 "$(c50_mode "$CACHE")"
expect_eq "mode of the entry" 600 "$(c50_mode "$CACHE/$key.json")"
expect_eq "mode of the lock" 600 "$(c50_mode "$CACHE/$key.lock")"
expect_eq "owner of the entry" "$(id -u)" "$(stat -c %u "$CACHE/$key.json")"
pass

t "files: an entry that is a symlink (to a valid entry elsewhere) is refused with a message, never followed"
use_moto
c50_files
moto_assume_role "$C50_ROLE_RO" 900
key=$(c50_key plain)
c50_entry "$T_DIR/elsewhere.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 800 z)" "$ROLE_ARN_OUT"
before=$(c50_sum "$T_DIR/elsewhere.json")
mkdir -p "$CACHE" && chmod 700 "$CACHE"
ln -s "$T_DIR/elsewhere.json" "$CACHE/$key.json"
run awsrole credential-process plain
expect_rc 7
expect_err_has "symbolic link"
expect_err_has "$key.json"
expect_err_golden t_50_cache.entry-symlink
expect_fix_hint
expect_out_lacks "$ROLE_AKID"
expect_eq "the symlink's target is untouched" "$before" "$(c50_sum "$T_DIR/elsewhere.json")"
pass

t "files: a lock file that is a symlink is not followed (nothing created or changed at its target)"
use_moto
c50_files
key=$(c50_key plain)
mkdir -p "$CACHE" && chmod 700 "$CACHE"
ln -s "$T_DIR/planted-target" "$CACHE/$key.lock"
run awsrole credential-process plain
expect_rc 7
expect_err_has "$key.lock"
expect_no_file "$T_DIR/planted-target"
pass

t "files: an entry owned by another user (nobody) is refused"
use_moto
c50_files
moto_assume_role "$C50_ROLE_RO" 900
key=$(c50_key plain)
c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 800 z)" "$ROLE_ARN_OUT"
if [ "$(id -u)" != 0 ]; then
	skip "needs root to chown the entry to nobody"
else
	chown nobody "$CACHE/$key.json"
	run awsrole credential-process plain
	expect_rc 7
	expect_err_has "owned by you"
	expect_err_has "$key.json"
	expect_fix_hint
	expect_out_lacks "$ROLE_AKID"
fi
pass

t "files: a group- or world-writable entry is refused"
use_moto
c50_files
moto_assume_role "$C50_ROLE_RO" 900
key=$(c50_key plain)
for mode in 620 602 666; do
	c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 800 z)" "$ROLE_ARN_OUT"
	chmod "$mode" "$CACHE/$key.json"
	run awsrole credential-process plain
	expect_rc 7 || echo "    (entry mode $mode)" >&2
	expect_err_has "writable only by you"
	expect_err_golden t_50_cache.entry-unsafe-mode || echo "    (entry mode $mode)" >&2
	expect_out_lacks "$ROLE_AKID"
done
pass

t "files: an entry that is a FIFO or a directory is refused at once (no hang)"
use_moto
c50_files
key=$(c50_key plain)
mkdir -p "$CACHE" && chmod 700 "$CACHE"
mkfifo -m 600 "$CACHE/$key.json"
RUN_TIMEOUT=10 run awsrole credential-process plain
expect_rc 7
expect_err_has "not a regular file"
rm -f "$CACHE/$key.json"
mkdir -m 700 "$CACHE/$key.json"
RUN_TIMEOUT=10 run awsrole credential-process plain
expect_rc 7
expect_err_has "not a regular file"
pass

t "files: a cache directory writable by others (777) or owned by another user is refused with a clear error (empty cache)"
use_moto
c50_files
mkdir -p "$CACHE"
chmod 777 "$CACHE"
m=$(moto_log_mark)
run awsrole credential-process plain
expect_rc 7
expect_err_has "$CACHE"
expect_err_has "writable by group or others"
expect_err_has "chmod 700"
expect_err_golden t_50_cache.cache-dir-writable
run awsrole login plain
expect_rc 7
expect_err_has "writable by group or others"
expect_err_golden t_50_cache.cache-dir-writable
expect_eq "AssumeRole calls" 0 "$(c50_assume_calls "$m")"
if [ "$(id -u)" = 0 ]; then
	chmod 700 "$CACHE"
	chown nobody "$CACHE"
	run awsrole credential-process plain
	expect_rc 7
	expect_err_has "owned by another user"
	expect_err_golden t_50_cache.cache-dir-not-owned
fi
pass

t "files: a valid entry in a cache directory writable by others (777) is not handed out either"
use_moto
c50_files
moto_assume_role "$C50_ROLE_RO" 900
key=$(c50_key plain)
c50_entry "$CACHE/$key.json" "$ROLE_AKID" "$ROLE_SECRET" "$ROLE_TOKEN" "$(c50_iso 800 z)" "$ROLE_ARN_OUT"
chmod 777 "$CACHE"
run awsrole credential-process plain
expect_rc 7
expect_err_has "writable by group or others"
expect_out_lacks "$ROLE_AKID"
pass

t "files: AWSROLE_CACHE_DIR is honoured (created 0700, used by login, credential-process, list, logout)"
use_moto
c50_files
key=$(c50_key plain)
export AWSROLE_CACHE_DIR=$T_DIR/alt/cache
run awsrole login plain
expect_rc 0
expect_file_exists "$AWSROLE_CACHE_DIR/$key.json"
expect_no_file "$CACHE/$key.json"
expect_eq "mode of AWSROLE_CACHE_DIR" 700 "$(c50_mode "$AWSROLE_CACHE_DIR")"
akid=$(c50_entry_field "$AWSROLE_CACHE_DIR/$key.json" Credentials.AccessKeyId)
m=$(moto_log_mark)
run awsrole credential-process plain
expect_rc 0
expect_eq "AccessKeyId" "$akid" "$(json_get "$OUT" AccessKeyId)"
expect_eq "AssumeRole calls" 0 "$(c50_assume_calls "$m")"
run awsrole list
expect_rc 0
grep -E '^plain ' <<<"$OUT" | grep -qE ' 1[0-5]m +full$' || fail "list: no session time for plain: $(grep -E '^plain ' <<<"$OUT")"
run awsrole logout plain
expect_rc 0
expect_no_file "$AWSROLE_CACHE_DIR/$key.json"
pass

# ---------------------------------------------------------------- corrupt entries

t "corrupt: empty, truncated, not JSON, no SessionToken, bad Expiration, wrong types -> ignored (reported with -v), a new call, replaced by a valid entry"
use_moto
c50_files
key=$(c50_key plain)
mkdir -p "$CACHE" && chmod 700 "$CACHE"
exp=$(c50_iso 800 z)
bodies=(
	''
	'{"Credentials": {"AccessKeyId": "ASIAOLD", "SecretAccessKey": "s", "SessionTok'
	'this is not JSON'
	"{\"Credentials\": {\"AccessKeyId\": \"ASIAOLD\", \"SecretAccessKey\": \"s\", \"Expiration\": \"$exp\"}}"
	'{"Credentials": {"AccessKeyId": "ASIAOLD", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "tomorrow"}}'
	'{"Credentials": {"AccessKeyId": "ASIAOLD", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": 1893456000}}'
	'null'
)
for i in "${!bodies[@]}"; do
	printf '%s' "${bodies[$i]}" > "$CACHE/$key.json"
	chmod 600 "$CACHE/$key.json"
	m=$(moto_log_mark)
	run awsrole credential-process plain -v
	expect_rc 0 || echo "    (corrupt body #$i: ${bodies[$i]})" >&2
	expect_err_has "corrupt" || echo "    (corrupt body #$i: ${bodies[$i]})" >&2
	expect_out_lacks ASIAOLD
	expect_eq "body #$i: AssumeRole calls" 1 "$(c50_assume_calls "$m")"
	expect_eq "body #$i: replaced by the new session" "$(json_get "$OUT" AccessKeyId)" \
		"$(c50_entry_field "$CACHE/$key.json" Credentials.AccessKeyId)"
done
# without -v a corrupt entry is silent and still replaced
printf 'garbage' > "$CACHE/$key.json"
run awsrole credential-process plain
expect_rc 0
expect_eq "stderr without -v" "" "$ERR"
pass

# ---------------------------------------------------------------- logout and list

t "logout: P removes P's entry (and says so), others stay; again: nothing to remove; --all removes the rest"
use_moto
c50_files
k1=$(c50_key plain)
k2=$(c50_key plain2)
run awsrole login plain
expect_rc 0
run awsrole login plain2
expect_rc 0
expect_file_exists "$CACHE/$k1.json"
expect_file_exists "$CACHE/$k2.json"
m=$(moto_log_mark)
run awsrole logout plain
expect_rc 0
expect_out_has "Removed the cached session of plain"
expect_out_has "$k1.json"
expect_no_file "$CACHE/$k1.json"
expect_file_exists "$CACHE/$k2.json"
run awsrole logout plain
expect_rc 0
expect_out_has "No cached session to remove"
run awsrole logout --all
expect_rc 0
expect_out_has "Removed the cached session of plain2"
expect_no_file "$CACHE/$k2.json"
run awsrole logout --all
expect_rc 0
expect_out_has "No cached session to remove"
expect_eq "STS calls by logout" 0 "$(moto_calls_since "$m")"
pass

t "logout: P's own entry is removed even when P's source_profile no longer exists (a broken chain must not keep credentials on disk)"
use_moto
c50_files
key=$(c50_key plain)
run awsrole login plain
expect_rc 0
expect_file_exists "$CACHE/$key.json"
sed -i 's/^source_profile = base$/source_profile = renamed-away/' "$HOME/.aws/config"
run awsrole logout plain
expect_rc 0
expect_out_has "Removed the cached session of plain"
expect_no_file "$CACHE/$key.json"
pass

t "list: the cached session's time left, \"none\" without one, --json fields; no network (endpoint a listener that counts connections, then a closed port)"
use_moto
c50_files
run awsrole login plain
expect_rc 0
# a TCP listener that only counts connections
cat > "$T_DIR/trap.py" <<'EOF'
import socket, sys, threading
log = sys.argv[1]
pf = sys.argv[sys.argv.index("--portfile") + 1]
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(pf + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(pf + ".tmp", pf)
while True:
    c, _ = s.accept()
    open(log, "a").write("connect\n")
    c.close()
EOF
: > "$T_DIR/trap.log"
_start_peer C50_TRAP "$PY" "$T_DIR/trap.py" "$T_DIR/trap.log"
probes=$(grep -c connect "$T_DIR/trap.log")  # the harness's own readiness probe
export AWS_ENDPOINT_URL_STS=https://localhost:$C50_TRAP_PORT AWS_ENDPOINT_URL=https://localhost:$C50_TRAP_PORT
RUN_TIMEOUT=10 run awsrole list
expect_rc 0
expect_out_has "SESSION"
row=$(grep -E '^plain ' <<<"$OUT")
grep -qE ' 1[0-5]m +full$' <<<"$row" || fail "list: plain's session time: [$row]"
row=$(grep -E '^plain2 ' <<<"$OUT")
grep -qE ' none +full$' <<<"$row" || fail "list: plain2 without a session: [$row]"
RUN_TIMEOUT=10 run awsrole list --json
expect_rc 0
"$PY" - "$OUT" "$(c50_key plain)" > "$T_DIR/list.check" 2>&1 <<'EOF' || fail "list --json: $(cat "$T_DIR/list.check")"
import json, sys
rows = {r["Profile"]: r for r in json.loads(sys.argv[1])}
p, p2, b = rows["plain"], rows["plain2"], rows["base"]
for k in ("Profile", "Kind", "Account", "Role", "Mfa", "Region", "SessionSecondsLeft", "CacheKey"):
    assert k in p, "plain lacks " + k
assert p["Kind"] == "role" and p["Account"] == "222222222222" and p["Role"] == "RoleReadOnly", p
assert p["Mfa"] is False and rows["mfa"]["Mfa"] is True, p
assert p["Region"] == "us-east-1", p
assert isinstance(p["SessionSecondsLeft"], (int, float)) and 800 <= p["SessionSecondsLeft"] <= 900, p
assert p["CacheKey"] == sys.argv[2], (p["CacheKey"], sys.argv[2])
assert p2["SessionSecondsLeft"] is None, p2
assert "CacheKey" not in b or b["CacheKey"] is None, b
EOF
expect_eq "connections to the STS endpoint during list" 0 "$(($(grep -c connect "$T_DIR/trap.log") - probes))"
export AWS_ENDPOINT_URL_STS=https://localhost:1 AWS_ENDPOINT_URL=https://localhost:1
t0=$(date +%s)
RUN_TIMEOUT=10 run awsrole list --json
expect_rc 0
[ $(($(date +%s) - t0)) -le 5 ] || fail "list took more than 5 s with a closed endpoint"
pass
