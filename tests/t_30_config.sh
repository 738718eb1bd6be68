# t_30_config.sh — reading ~/.aws/config and ~/.aws/credentials as the AWS CLI does.
#
# 1. tests/ini_diff.py: the corpus (tests/ini_corpus/), path cases and seeded random pairs,
#    each read by botocore and by `awsrole config dump --json`; one case here per pair.
# 2. `awsrole config dump` (human form) on the scenario's files, golden.
# 3. Files awsrole must refuse clearly: too big, binary, broken; exit status 3 and the
#    file and line in the message.

# Whitespace before the trailing "# file:line" comment is the dump's layout, not its content.
dump_norm() { sed -E 's/[[:space:]]+#/ #/'; }

# The scenario's files as docs/SCENARIO.md shows them (quoted keys, a space in a name):
# the first pair of the corpus.
scenario_verbatim() {
	mkdir -p "$HOME/.aws"
	cp "$ROOT/tests/ini_corpus/01-scenario.config" "$HOME/.aws/config"
	cp "$ROOT/tests/ini_corpus/01-scenario.credentials" "$HOME/.aws/credentials"
}

# ---------------------------------------------------------------- 1. against botocore

t "ini_diff.py: every pair read by botocore and awsrole alike"
RUN_TIMEOUT=300 run "$PY" "$ROOT/tests/ini_diff.py"
expect_rc 0
expect_out_has "ini_diff: "
diff_out=$OUT
pass

while IFS= read -r line; do
	case $line in
	"ok ini_diff/"*)
		t "${line#ok }"
		pass
		;;
	"FAIL ini_diff/"*)
		line=${line#FAIL }
		t "${line%%: *}"
		fail "${line#*: }"
		pass
		;;
	esac
done <<<"$diff_out"

# ---------------------------------------------------------------- 2. config dump

t "config dump: the scenario's profiles, sorted, each key with its file:line, secrets hidden"
scenario_verbatim
run awsrole config dump
expect_rc 0
C=$HOME/.aws/config
K=$HOME/.aws/credentials
expect_eq "dump" "[Access CustomerA] # $K:5
aws_access_key_id = \"<access key id>\" # $K:6
aws_secret_access_key = [redacted] # $K:7

[CustomerA] # $C:8
duration_seconds = 900 # $C:13
mfa_serial = arn:aws:iam::333333333333:mfa/example.user # $C:12
region = ap-northeast-1 # $C:9
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly # $C:11
source_profile = Access CustomerA # $C:10

[base] # $K:1
aws_access_key_id = \"<access key id>\" # $K:2
aws_secret_access_key = [redacted] # $K:3

[default] # $C:1
duration_seconds = 900 # $C:6
mfa_serial = arn:aws:iam::333333333333:mfa/example.user # $C:5
region = ap-northeast-1 # $C:2
role_arn = arn:aws:iam::111111111111:role/RoleA # $C:4
source_profile = base # $C:3" "$(dump_norm <<<"$OUT")"
expect_out_lacks "<secret access key>"
pass

t "config dump --json: the scenario's map, quotes kept, as botocore gives it"
scenario_verbatim
run awsrole config dump --json
expect_rc 0
expect_eq "source_profile" "Access CustomerA" "$(json_get "$OUT" profiles.CustomerA.source_profile)"
expect_eq "quoted key id" '"<access key id>"' "$(json_get "$OUT" 'profiles.Access CustomerA.aws_access_key_id')"
expect_eq "profiles" 'Access CustomerA,CustomerA,base,default' \
	"$("$PY" -c 'import json,sys; print(",".join(json.load(sys.stdin)["profiles"]))' <<<"$OUT")"
pass

t "config dump: [profile \"Access CustomerA\"] in config names the profile with the space"
aws_config_write <<-'EOF'
[profile "Access CustomerA"]
region = ap-northeast-1
EOF
run awsrole config dump
expect_rc 0
expect_eq "dump" "[Access CustomerA] # $HOME/.aws/config:1
region = ap-northeast-1 # $HOME/.aws/config:2" "$(dump_norm <<<"$OUT")"
pass

t "config dump: a nested block is indented under its key, credentials win key by key"
aws_config_write <<-'EOF'
[profile dev]
region = eu-west-1
output = json
s3 =
  max_concurrent_requests = 20
  addressing_style = path
EOF
aws_credentials_write <<-'EOF'
[dev]
output = text
EOF
run awsrole config dump
expect_rc 0
C=$HOME/.aws/config
expect_eq "dump" "[dev] # $C:1
output = text # $HOME/.aws/credentials:2
region = eu-west-1 # $C:2
s3 = # $C:4
    addressing_style = path # $C:6
    max_concurrent_requests = 20 # $C:5" "$(dump_norm <<<"$OUT")"
pass

t "config dump: CRLF files read the same as LF files"
scenario_verbatim
run awsrole config dump --json
lf=$OUT
sed -i 's/$/\r/' "$HOME/.aws/config" "$HOME/.aws/credentials"
run awsrole config dump --json
expect_rc 0
expect_eq "JSON of CRLF files" "$lf" "$OUT"
pass

t "config dump: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE with ~ and \$VAR"
mkdir -p "$HOME/elsewhere"
printf '[profile moved]\nregion = r\n' > "$HOME/elsewhere/cfg"
printf '[k]\naws_access_key_id = A\n' > "$HOME/elsewhere/creds"
# shellcheck disable=SC2088,SC2016 # awsrole, not the shell, must expand these
export AWS_CONFIG_FILE='~/elsewhere/cfg' AWS_SHARED_CREDENTIALS_FILE='$HOME/elsewhere/creds'
run awsrole config dump --json
expect_rc 0
expect_eq "profiles" '{"profiles": {"k": {"aws_access_key_id": "A"}, "moved": {"region": "r"}}}' \
	"$("$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' <<<"$OUT")"
pass

t "config dump: no files at all is an empty map, not an error"
run awsrole config dump --json
expect_rc 0
expect_eq "profiles" "{}" "$(json_get "$OUT" profiles)"
pass

# ---------------------------------------------------------------- 3. refused, clearly

t "a 70 MB config file: exit 3, the file named, no crash"
mkdir -p "$HOME/.aws"
{ echo "[default]"; yes 'region = us-east-1' | head -c 73400320; } > "$HOME/.aws/config" 2>/dev/null
run awsrole config dump
expect_rc 3
expect_err_has "$HOME/.aws/config"
expect_err_has "larger than the limit"
rm -f "$HOME/.aws/config"
pass

t "a binary file as config: exit 3, file and line named"
mkdir -p "$HOME/.aws"
cp "$AWSROLE_BIN" "$HOME/.aws/config"
run awsrole config dump
expect_rc 3
expect_err_has "$HOME/.aws/config, line 1"
expect_err_has "NUL byte"
pass

t "random bytes as credentials: exit 3, the credentials file and a line named"
aws_config_write <<<"[default]"
"$PY" -c 'import random, sys; r = random.Random(30); sys.stdout.buffer.write(bytes(r.randrange(1, 256) for _ in range(65536)))' \
	> "$HOME/.aws/credentials"
run awsrole config dump
expect_rc 3
expect_err_matches "credentials, line [0-9]+: (not valid UTF-8|text before|expected)"
pass

t "invalid UTF-8: exit 3, file and line named"
printf '[default]\nregion = caf\xe9\n' | aws_config_write
run awsrole config dump --json
expect_rc 3
expect_err_has "$HOME/.aws/config, line 2: not valid UTF-8"
expect_err_golden t_30_config.invalid-utf8
pass

t "a duplicate section: exit 3, both lines named, and a fix"
aws_config_write <<-'EOF'
[default]
region = a

[profile x]
[default]
EOF
run awsrole config dump
expect_rc 3
expect_err_has "$HOME/.aws/config, line 5: section [default] is already at line 1"
expect_err_golden t_30_config.duplicate-section
expect_fix_hint
pass

t "a duplicate key in credentials: exit 3, the credentials file named"
aws_config_write <<<"[default]"
aws_credentials_write <<-'EOF'
[base]
aws_access_key_id = A
AWS_ACCESS_KEY_ID = B
EOF
run awsrole config dump
expect_rc 3
expect_err_has "$HOME/.aws/credentials, line 3: key \"aws_access_key_id\" is already set in [base] at line 2"
expect_err_golden t_30_config.duplicate-key
pass

t "a line before any section, and a line without '=': exit 3 with the line"
aws_config_write <<<"region = us-east-1"
run awsrole config dump
expect_rc 3
expect_err_has "line 1: text before the first [section] header"
expect_err_golden t_30_config.text-before-section
aws_config_write <<-'EOF'
[default]
region us-east-1
EOF
run awsrole config dump
expect_rc 3
expect_err_has "line 2: expected \"key = value\""
expect_err_golden t_30_config.no-equals
pass

t "a UTF-8 BOM (which the AWS CLI refuses) is read"
printf '\xef\xbb\xbf[default]\r\nregion = us-east-1\r\n' | aws_config_write
run awsrole config dump --json
expect_rc 0
expect_eq "region" "us-east-1" "$(json_get "$OUT" profiles.default.region)"
pass
