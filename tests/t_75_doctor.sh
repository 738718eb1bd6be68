# t_75_doctor.sh — awsrole doctor [PROFILE] [--online] [--json]: every offline check with a
# config that triggers it and one that does not (level, message, file:line, fix, exit status:
# 3 with an error, 0 with only warnings), doctor PROFILE, --json, and the --online checks
# against fake_sts (clock skew, bad source keys, the AssumeRole errors of the scenario's
# troubleshooting list) and moto (the scenario's files work end to end).

# ---------------------------------------------------------------- local helpers
# (only t/pass/fail/run/expect_*/the ~/.aws writers/moto and fake_sts helpers come from lib.sh)

CFG=
CRED=
D_LOGQ=$ROOT/tests/peers/logq.py

# d_report — the last command's status and output, on stderr, after a failed check.
d_report() {
	printf '    exit status: %s\n    stdout: %s\n    stderr: %s\n' "$RC" "${OUT:-<empty>}" "${ERR:-<empty>}" >&2
}

# d_cred_profile NAME key=value... — append [NAME] to ~/.aws/credentials.
d_cred_profile() {
	local f=$HOME/.aws/credentials kv
	mkdir -p "$HOME/.aws"
	[ -s "$f" ] && printf '\n' >> "$f"
	printf '[%s]\n' "$1" >> "$f"
	shift
	for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >> "$f"; done
}

# d_moto_mark · d_moto_calls MARK ACTION — moto's request log (lines so far; calls since).
d_moto_mark() { wc -l < "$MOTO_LOG" | tr -d ' '; }
d_moto_calls() { "$PY" "$D_LOGQ" "$MOTO_LOG" --since "$1" --where "action=$2" --count; }

# d_files — fresh ~/.aws: credentials [base] with the moto user's keys, mode 600; config empty.
d_files() {
	CFG=$HOME/.aws/config
	CRED=$HOME/.aws/credentials
	aws_config_write </dev/null
	aws_credentials_write </dev/null
	base_credentials base
	chmod 600 "$CRED"
}

# d_line FILE TEXT — the number of the first line of FILE that contains TEXT (fixed string).
d_line() { grep -nF -- "$2" "$1" | head -1 | cut -d: -f1; }

# expect_finding LEVEL TEXT [FIX_TEXT] — stdout has a finding line "LEVEL   ... TEXT ..." and the
# line after it is "        fix: ...FIX_TEXT..." (FIX_TEXT "-": no fix line is required).
expect_finding() {
	local level=$1 text=$2 fix=${3:-}
	local r
	r=$(awk -v lv="$(printf '%-7s ' "$level")" -v tx="$text" -v fx="$fix" '
		found == 1 { fixline = $0; found = 2 }
		found == 0 && index($0, lv) == 1 && index($0, tx) > 0 { found = 1 }
		END {
			if (found == 0) { print "nofinding"; exit }
			if (fx == "-") { print "ok"; exit }
			if (index(fixline, "        fix: ") != 1) { print "nofix"; exit }
			if (fx != "" && index(fixline, fx) == 0) { print "badfix"; exit }
			print "ok"
		}' <<<"$OUT")
	case $r in
	ok) return 0 ;;
	nofinding) fail "no \"$level\" finding containing: $text" ;;
	nofix) fail "the \"$level\" finding \"$text\" has no 'fix:' line after it" ;;
	badfix) fail "the fix line of \"$text\" lacks: $fix" ;;
	esac
	d_report
	return 1
}

# expect_totals E W — the last line of the text output is "E error(s), W warning(s)".
expect_totals() {
	local want
	want="$1 error$([ "$1" = 1 ] || echo s), $2 warning$([ "$2" = 1 ] || echo s)"
	[ "$(tail -n 1 <<<"$OUT")" = "$want" ] && return 0
	fail "totals: expected [$want], got [$(tail -n 1 <<<"$OUT")]"
	d_report
	return 1
}

# expect_doctor_failed — exit 3 and the one-line cause on stderr.
expect_doctor_failed() {
	expect_rc 3 && expect_err_matches 'awsrole: doctor found [0-9]+ errors?'
}

# expect_clean — exit 0, no error and no warning.
expect_clean() {
	expect_rc 0 && expect_totals 0 0
}

d_count() { # LEVEL — how many finding lines of that level
	grep -c "^$(printf '%-7s ' "$1")" <<<"$OUT"
}

# ---------------------------------------------------------------- source_profile, cycles

t "doctor: a source_profile that does not exist is an error with file:line and a fix (exit 3)"
d_files
aws_config_profile miss source_profile=nosuch role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_doctor_failed
expect_finding error "[miss] source_profile \"nosuch\" of profile \"miss\" ($CFG:$(d_line "$CFG" "source_profile = nosuch")) does not exist" "add [nosuch] with keys to $CRED"
expect_totals 1 0
pass

t "doctor: an existing source_profile (in the credentials file) is fine"
d_files
aws_config_profile miss source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_clean
expect_out_lacks "does not exist"
expect_finding ok "[miss] resolves: 1 role hop from static keys" -
pass

t "doctor: a source_profile cycle is an error that prints the cycle (and a self-loop without keys)"
d_files
aws_config_profile c1 source_profile=c2 role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile c2 source_profile=c3 role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile c3 source_profile=c1 role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile self source_profile=self role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_doctor_failed
expect_finding error "[c1] source_profile cycle: c1 -> c2 -> c3 -> c1" "make one profile in the cycle end the chain"
expect_finding error "[c2] source_profile cycle: c2 -> c3 -> c1 -> c2" "make one profile in the cycle end the chain"
expect_finding error "[self] source_profile cycle: self -> self" "make one profile in the cycle end the chain"
expect_totals 4 0
pass

t "doctor: a chain that ends (a -> b -> base), and a self source_profile with keys, are no cycle"
d_files
aws_config_profile a source_profile=b role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile b source_profile=base role_arn=arn:aws:iam::222222222222:role/RoleB
d_cred_profile selfkeys "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=$BASE_SECRET"
aws_config_profile selfkeys source_profile=selfkeys role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_clean
expect_out_lacks "cycle"
expect_finding ok "[a] resolves: 2 role hops from static keys" -
expect_finding ok "[selfkeys] resolves: 1 role hop from static keys" -
pass

# ---------------------------------------------------------------- ARNs

t "doctor: role_arn with an account id that is not 12 digits, or without :role/, is an error"
d_files
aws_config_profile short source_profile=base role_arn=arn:aws:iam::1111:role/RoleA
aws_config_profile letters source_profile=base role_arn=arn:aws:iam::11111111111x:role/RoleA
aws_config_profile user source_profile=base role_arn=arn:aws:iam::111111111111:user/RoleA
run awsrole doctor
expect_doctor_failed
expect_finding error "[short] role_arn is not a role ARN  at $CFG:$(d_line "$CFG" "::1111:role")" "arn:aws:iam::<12-digit account>:role/<name>"
expect_finding error "[letters] role_arn is not a role ARN  at $CFG:$(d_line "$CFG" "11111111111x")" "arn:aws:iam::<12-digit account>:role/<name>"
expect_finding error "[user] role_arn is not a role ARN  at $CFG:$(d_line "$CFG" ":user/RoleA")" "arn:aws:iam::<12-digit account>:role/<name>"
pass

t "doctor: valid role ARNs (with a path, other partitions) give no role_arn finding"
d_files
aws_config_profile plain source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile path source_profile=base role_arn=arn:aws:iam::111111111111:role/team/ops/RoleA
aws_config_profile cn source_profile=base role_arn=arn:aws-cn:iam::111111111111:role/RoleA
aws_config_profile gov source_profile=base role_arn=arn:aws-us-gov:iam::111111111111:role/RoleA
run awsrole doctor
expect_clean
expect_out_lacks "not a role ARN"
pass

t "doctor: a malformed mfa_serial is an error at its line, with a fix"
d_files
aws_config_profile userarn source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA mfa_serial=arn:aws:iam::333333333333:user/example.user
aws_config_profile acct source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA mfa_serial=arn:aws:iam::3333:mfa/example.user
aws_config_profile space source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA "mfa_serial=GAHT 12345678"
run awsrole doctor
expect_doctor_failed
expect_finding error "[userarn] mfa_serial is neither an MFA device ARN nor a hardware token serial  at $CFG:$(d_line "$CFG" ":user/example.user")" "arn:aws:iam::<12-digit account>:mfa/<device name>"
expect_finding error "[acct] mfa_serial is neither an MFA device ARN nor a hardware token serial  at $CFG:$(d_line "$CFG" "::3333:mfa")" "mfa/<device name>"
expect_finding error "[space] mfa_serial is neither an MFA device ARN nor a hardware token serial  at $CFG:$(d_line "$CFG" "GAHT 1234")" "mfa/<device name>"
pass

t "doctor: a hardware serial (GAHT12345678) and the scenario's MFA ARN are accepted"
d_files
aws_config_profile hw source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA mfa_serial=GAHT12345678
aws_config_profile arn source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA mfa_serial=arn:aws:iam::333333333333:mfa/example.user
run awsrole doctor
expect_clean
expect_out_lacks "mfa_serial"
expect_finding ok "[hw] resolves: 1 role hop from static keys" -
expect_finding ok "[arn] resolves: 1 role hop from static keys" -
pass

# ---------------------------------------------------------------- durations, session names

t "doctor: duration_seconds outside 900-43200 is an error with file:line"
d_files
aws_config_profile low source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=899
aws_config_profile high source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=43201
aws_config_profile word source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=15m
run awsrole doctor
expect_doctor_failed
expect_finding error "[low] duration_seconds is not a number of seconds from 900 to 43200  at $CFG:$(d_line "$CFG" "= 899")" "between 900 and 43200"
expect_finding error "[high] duration_seconds is not a number of seconds from 900 to 43200  at $CFG:$(d_line "$CFG" "= 43201")" "maximum session duration"
expect_finding error "[word] duration_seconds is not a number of seconds from 900 to 43200  at $CFG:$(d_line "$CFG" "= 15m")" "between 900 and 43200"
expect_totals 3 0
pass

t "doctor: duration_seconds 900 and 43200 (the bounds) are fine"
d_files
aws_config_profile low source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=900
aws_config_profile high source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=43200
run awsrole doctor
expect_clean
expect_out_lacks "duration_seconds"
pass

t "doctor: duration_seconds above 3600 on a chained role is an error pointing at its line"
d_files
aws_config_profile first source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=7200
aws_config_profile second source_profile=first role_arn=arn:aws:iam::222222222222:role/RoleB duration_seconds=3601
run awsrole doctor
expect_doctor_failed
expect_finding error "[second] profile \"second\" asks for duration_seconds = 3601, but it is a chained role" "set duration_seconds = 3600 or less in $CFG:$(d_line "$CFG" "= 3601")"
expect_out_lacks "[first] profile \"first\" asks for"
expect_totals 1 0
pass

t "doctor: a chained role at 3600 is fine (and 7200 on the unchained first hop too)"
d_files
aws_config_profile first source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=7200
aws_config_profile second source_profile=first role_arn=arn:aws:iam::222222222222:role/RoleB duration_seconds=3600
run awsrole doctor
expect_clean
expect_out_lacks "chained role"
expect_finding ok "[second] resolves: 2 role hops from static keys" -
pass

t "doctor: an invalid role_session_name is an error with a fix"
d_files
aws_config_profile spaced source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA "role_session_name=bad name!"
aws_config_profile short source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA role_session_name=a
run awsrole doctor
expect_doctor_failed
expect_finding error "[spaced] role_session_name must be 2-64 characters of letters, digits and _+=,.@-  at $CFG:$(d_line "$CFG" "bad name!")" "role_session_name"
expect_finding error "[short] role_session_name must be 2-64 characters of letters, digits and _+=,.@-  at $CFG:$(d_line "$CFG" "role_session_name = a")" "role_session_name"
expect_totals 2 0
pass

t "doctor: a valid role_session_name (letters, digits, _+=,.@-) is fine"
d_files
aws_config_profile ok source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA role_session_name=example.user@corp+ops_=1,-x
run awsrole doctor
expect_clean
expect_out_lacks "role_session_name"
pass

# ---------------------------------------------------------------- sources

t "doctor: source_profile and credential_source both set is an error with file:line"
d_files
aws_config_profile both source_profile=base credential_source=Environment role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_doctor_failed
expect_finding error "[both] profile \"both\" ($CFG:$(d_line "$CFG" "[profile both]")) sets both source_profile and credential_source" "keep only one of them"
pass

t "doctor: credential_source alone is fine"
d_files
aws_config_profile envsrc credential_source=Environment role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_clean
expect_out_lacks "sets both"
expect_finding ok "[envsrc] resolves: 1 role hop from the environment" -
pass

t "doctor: a profile that resolves to no credentials is an error with file:line and a fix"
d_files
aws_config_profile empty region=us-east-1 output=json
run awsrole doctor
expect_doctor_failed
expect_finding error "[empty] profile \"empty\" ($CFG:$(d_line "$CFG" "[profile empty]")) has no credentials" "give [empty] aws_access_key_id and aws_secret_access_key in $CRED"
pass

t "doctor: a profile with credential_process (or keys) is not 'no credentials'"
d_files
aws_config_profile proc region=us-east-1 "credential_process=/bin/true"
run awsrole doctor
expect_clean
expect_out_lacks "has no credentials"
expect_finding ok "[proc] resolves: 0 role hops from credential_process" -
expect_finding ok "[base] resolves: 0 role hops from static keys" -
pass

# ---------------------------------------------------------------- values as the CLI reads them

t "doctor: the scenario's quoted keys are errors (aws_* keys) at credentials:line; a quoted region warns"
scenario_files
# The scenario's config, with [default]'s region quoted (the first region line).
sed -i '0,/^region = ap-northeast-1$/s//region = "ap-northeast-1"/' "$HOME/.aws/config"
aws_credentials_write <<-'EOF'
	[base]
	aws_access_key_id = "<access key id>"
	aws_secret_access_key = "<secret access key>"

	[Access CustomerA]
	aws_access_key_id = 'AKIAEXAMPLEEXAMPLE01'
	aws_secret_access_key = "<secret access key>"
EOF
CFG=$HOME/.aws/config CRED=$HOME/.aws/credentials
run awsrole doctor
expect_doctor_failed
expect_finding error "[base] aws_access_key_id is wrapped in quotes; the AWS CLI keeps them as part of the value  at $CRED:2" "remove the quotes"
expect_finding error "[base] aws_secret_access_key is wrapped in quotes; the AWS CLI keeps them as part of the value  at $CRED:3" "remove the quotes"
expect_finding error "[Access CustomerA] aws_access_key_id is wrapped in quotes; the AWS CLI keeps them as part of the value  at $CRED:6" "remove the quotes"
expect_finding error "[Access CustomerA] aws_secret_access_key is wrapped in quotes; the AWS CLI keeps them as part of the value  at $CRED:7" "remove the quotes"
expect_finding warning "[default] region is wrapped in quotes; the AWS CLI keeps them as part of the value  at $CFG:2" "remove the quotes"
expect_totals 4 1
pass

t "doctor: the scenario's files without quotes are clean (keys inside a value are no quotes)"
scenario_files
aws_config_profile q "credential_process=/bin/echo \"a b\"" region=us-east-1
run awsrole doctor
expect_clean
expect_out_lacks "quotes"
expect_finding ok "[default] resolves: 1 role hop from static keys" -
expect_finding ok "[CustomerA] resolves: 1 role hop from static keys" -
pass

t "doctor: credential_process with a quoted program path (shell-split by the CLI) is no quoting mistake"
d_files
printf '[profile proc]\ncredential_process = "/opt/my tools/awsrole" "credential-process"\n' > "$CFG"
run awsrole doctor
expect_rc 0
expect_out_lacks "wrapped in quotes"
pass

t "doctor: an inline '# comment' after a value is a warning at its line (exit 0)"
d_files
aws_config_profile tokyo "region=ap-northeast-1 # Tokyo" source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile semi "region=us-east-1	; Virginia" source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor
expect_rc 0
expect_finding warning "[tokyo] region has what looks like an inline comment; the AWS CLI keeps it as part of the value  at $CFG:$(d_line "$CFG" "# Tokyo")" "put comments on their own line"
expect_finding warning "[semi] region has what looks like an inline comment" "own line"
expect_totals 0 2
pass

t "doctor: a comment on its own line, or '#' inside a value, is no inline comment"
d_files
aws_config_write <<-'EOF'
	# Tokyo
	[profile tokyo]
	; the region
	region = ap-northeast-1
	source_profile = base
	role_arn = arn:aws:iam::111111111111:role/RoleA
	external_id = abc#def;ghi
EOF
run awsrole doctor
expect_clean
expect_out_lacks "inline comment"
pass

t "doctor: [profile a b] without quotes is a warning (the CLI ignores it) at its line (exit 0)"
d_files
printf '[profile a b]\nregion = us-east-1\n' > "$CFG"
run awsrole doctor
expect_rc 0
expect_finding warning "[profile a b] is silently ignored by the AWS CLI (a name with a space must be quoted)  at $CFG:1" 'write [profile "..."]'
expect_totals 0 1
pass

t "doctor: [profile \"a b\"] (quoted) is no ignored section, and it resolves"
d_files
printf '[profile "a b"]\nsource_profile = base\nrole_arn = arn:aws:iam::111111111111:role/RoleA\n' > "$CFG"
run awsrole doctor
expect_clean
expect_out_lacks "silently ignored"
expect_finding ok "[a b] resolves: 1 role hop from static keys" -
pass

t "doctor: a duplicate section is one error finding with file and line (exit 3)"
d_files
printf '[profile x]\nregion = us-east-1\n\n[profile x]\nregion = us-west-2\n' > "$CFG"
run awsrole doctor
expect_doctor_failed
expect_finding error "$CFG, line 4: section [profile x] is already at line 1" "merge the two sections"
expect_eq "error findings" 1 "$(d_count error)"
expect_totals 1 0
d_files
printf '[x]\naws_access_key_id = A\n\n[x]\naws_secret_access_key = B\n' > "$CRED"
run awsrole doctor
expect_doctor_failed
expect_finding error "$CRED, line 4: section [x] is already at line 1" "merge the two sections"
expect_totals 1 0
pass

t "doctor: a duplicate key is one error finding with file and line (exit 3)"
d_files
printf '[profile x]\nregion = us-east-1\nsource_profile = base\nregion = us-west-2\n' > "$CFG"
run awsrole doctor
expect_doctor_failed
expect_finding error "$CFG, line 4: key \"region\" is already set in [profile x] at line 2" "keep one of the two"
expect_eq "error findings" 1 "$(d_count error)"
expect_totals 1 0
pass

t "doctor: the same key in two different sections is no duplicate"
d_files
printf '[profile x]\nregion = us-east-1\n\n[profile y]\nregion = us-east-1\n' > "$CFG"
run awsrole doctor
expect_out_lacks "already"
expect_out_lacks "duplicate"
pass

# ---------------------------------------------------------------- files and environment

t "doctor: ~/.aws/credentials mode 644 and 640 are warnings with a chmod fix (exit 0)"
d_files
chmod 644 "$CRED"
run awsrole doctor
expect_rc 0
expect_finding warning "$CRED is readable by everyone" "chmod 600"
expect_totals 0 1
chmod 640 "$CRED"
run awsrole doctor
expect_rc 0
expect_finding warning "$CRED is readable by its group" "chmod 600"
expect_totals 0 1
pass

t "doctor: ~/.aws/credentials mode 600 gives no permission finding"
d_files
chmod 600 "$CRED"
run awsrole doctor
expect_clean
expect_out_lacks "is readable by"
pass

t "doctor: a cache directory with mode 777 is an error (exit 3); AWSROLE_CACHE_DIR too"
d_files
cache=$HOME/.aws/cli/cache
mkdir -p "$cache"
chmod 777 "$cache"
run awsrole doctor
expect_doctor_failed
expect_finding error "the cache directory $cache is writable by group or others" "chmod 700 $cache"
mkdir -p "$T_DIR/othercache"
chmod 777 "$T_DIR/othercache"
chmod 700 "$cache"
run env AWSROLE_CACHE_DIR="$T_DIR/othercache" awsrole doctor
expect_doctor_failed
expect_finding error "the cache directory $T_DIR/othercache is writable by group or others" "chmod 700 $T_DIR/othercache"
pass

t "doctor: a cache directory with mode 700 gives no finding"
d_files
cache=$HOME/.aws/cli/cache
mkdir -p "$cache"
chmod 700 "$cache"
run awsrole doctor
expect_clean
expect_out_lacks "cache directory"
pass

t "doctor P: AWS_PROFILE / AWS_DEFAULT_PROFILE naming another profile are warnings (exit 0)"
d_files
aws_config_profile P source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
run env AWS_PROFILE=other awsrole doctor P
expect_rc 0
expect_finding warning "AWS_PROFILE=other is set in this environment, not the profile named: P" "AWSROLE_EXPLICIT_PROFILE=1"
expect_totals 0 1
run env AWS_DEFAULT_PROFILE=other2 awsrole doctor P
expect_rc 0
expect_finding warning "AWS_DEFAULT_PROFILE=other2 is set in this environment, not the profile named: P" "unset it"
expect_totals 0 1
pass

t "doctor P: AWS_PROFILE / AWS_DEFAULT_PROFILE equal to P give no finding"
d_files
aws_config_profile P source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
run env AWS_PROFILE=P AWS_DEFAULT_PROFILE=P awsrole doctor P
expect_clean
expect_out_lacks "AWS_PROFILE"
expect_out_lacks "AWS_DEFAULT_PROFILE"
pass

t "doctor: static keys in ~/.aws/config are a warning at their lines (exit 0)"
d_files
aws_config_profile keys region=us-east-1 "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=$BASE_SECRET"
run awsrole doctor
expect_rc 0
expect_finding warning "[keys] static keys are in the config file  at $CFG:$(d_line "$CFG" aws_access_key_id)" "move them to the credentials file"
expect_finding warning "[keys] static keys are in the config file  at $CFG:$(d_line "$CFG" aws_secret_access_key)" "credentials file"
expect_totals 0 2
expect_out_lacks "$BASE_SECRET"
pass

t "doctor: static keys in ~/.aws/credentials only give no such warning"
d_files
aws_config_profile keys region=us-east-1
d_cred_profile keys "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=$BASE_SECRET"
run awsrole doctor
expect_clean
expect_out_lacks "static keys are in the config file"
pass

t "doctor: a UTF-8 BOM (config or credentials) is a warning naming the file (exit 0)"
d_files
printf '\357\273\277[profile P]\nsource_profile = base\nrole_arn = arn:aws:iam::111111111111:role/RoleA\n' > "$CFG"
run awsrole doctor
expect_rc 0
expect_finding warning "the file starts with a UTF-8 byte-order mark: awsrole reads it, but the AWS CLI rejects the file  at $CFG" "without a BOM"
expect_finding ok "[P] resolves: 1 role hop from static keys" -
expect_totals 0 1
printf '\357\273\277[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$BASE_AKID" "$BASE_SECRET" > "$CRED"
run awsrole doctor
expect_rc 0
expect_finding warning "byte-order mark: awsrole reads it, but the AWS CLI rejects the file  at $CRED" "without a BOM"
expect_totals 0 2
pass

t "doctor: no BOM, no BOM finding"
d_files
printf '[profile P]\nsource_profile = base\nrole_arn = arn:aws:iam::111111111111:role/RoleA\n' > "$CFG"
run awsrole doctor
expect_clean
expect_out_lacks "byte-order mark"
pass

# ---------------------------------------------------------------- doctor PROFILE, --json

t "doctor PROFILE checks only that profile; an unknown name is an error"
d_files
aws_config_profile good source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile bad source_profile=nosuch role_arn=arn:aws:iam::1111:role/RoleA duration_seconds=10
run awsrole doctor good
expect_clean
expect_finding ok "[good] resolves: 1 role hop from static keys" -
expect_out_lacks "[bad]"
expect_out_lacks "[base]"
run awsrole -p good doctor
expect_clean
expect_out_lacks "[bad]"
run awsrole doctor bad
expect_doctor_failed
expect_finding error "[bad] role_arn is not a role ARN" "12-digit account"
expect_finding error "[bad] source_profile \"nosuch\" of profile \"bad\"" "fix source_profile"
expect_out_lacks "[good]"
run awsrole doctor nosuch
expect_doctor_failed
expect_finding error "[nosuch] profile \"nosuch\" is not in $CFG or $CRED" "awsrole list"
pass

# d_json_vs_text — $OUT is --json; TEXT_OUT is the text output of the same command: every JSON
# finding is an object of level/profile/where/message/fix that matches one text finding, and both
# have the same number of findings.
d_json_vs_text() {
	local r
	r=$("$PY" - "$OUT" "$TEXT_OUT" <<-'EOF'
	import json, sys
	try:
	    a = json.loads(sys.argv[1])
	except ValueError as e:
	    print("not JSON: %s" % e); sys.exit(0)
	if not isinstance(a, list) or not a:
	    print("not a non-empty array"); sys.exit(0)
	text = sys.argv[2].splitlines()
	finds = []
	for i, l in enumerate(text):
	    lv = l[:8].strip()
	    if l[:8] in ("ok      ", "warning ", "error   ", "info    "):
	        fix = text[i + 1][len("        fix: "):] if i + 1 < len(text) and text[i + 1].startswith("        fix: ") else None
	        finds.append((lv, l[8:], fix))
	if len(finds) != len(a):
	    print("JSON has %d findings, text %d" % (len(a), len(finds))); sys.exit(0)
	for o, (lv, rest, fix) in zip(a, finds):
	    # info (issue 13): the STS endpoint object, with its own keys
	    extra = {"sts_endpoint", "signing_region", "region_source", "endpoint_source",
	             "fips", "dualstack"} if o.get("level") == "info" else set()
	    if not isinstance(o, dict) or set(o) - {"level", "profile", "where", "message", "fix"} - extra:
	        print("bad object: %r" % (o,)); sys.exit(0)
	    if o.get("level") not in ("ok", "warning", "error", "info") or not isinstance(o.get("message"), str):
	        print("bad level/message: %r" % (o,)); sys.exit(0)
	    want = ("[%s] " % o["profile"] if "profile" in o else "") + o["message"] + \
	        ("  at " + o["where"] if "where" in o else "")
	    if (o["level"], want, o.get("fix")) != (lv, rest, fix):
	        print("differs: json %r vs text %r" % ((o["level"], want, o.get("fix")), (lv, rest, fix))); sys.exit(0)
	print("ok")
	EOF
	)
	[ "$r" = ok ] && return 0
	fail "--json vs text: $r"
	d_report
	return 1
}

t "doctor --json: an array of {level, profile, where, message, fix} with the text's findings"
d_files
chmod 640 "$CRED"
aws_config_profile good source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
aws_config_profile bad source_profile=base role_arn=arn:aws:iam::1111:role/RoleA "region=us-east-1 # x"
printf '\n[profile a b]\nregion = us-east-1\n' >> "$CFG"
aws_config_profile cyc source_profile=cyc role_arn=arn:aws:iam::111111111111:role/RoleA
run env AWS_PROFILE=other awsrole doctor
expect_doctor_failed
TEXT_OUT=$OUT
run env AWS_PROFILE=other awsrole doctor --json
expect_doctor_failed
expect_eq "stdout starts with [" "[" "${OUT:0:1}"
d_json_vs_text
# [bad]'s role_arn is one error (it does not also "resolve"): 2 errors, 2 ok, 4 warnings, and an
# info (where STS calls go) for each profile that resolves.
expect_eq "levels" "error error info info ok ok warning warning warning warning" \
	"$("$PY" -c 'import json,sys; print(" ".join(sorted(o["level"] for o in json.loads(sys.argv[1]))))' "$OUT")"
expect_eq "where of the role_arn finding" "$CFG:$(d_line "$CFG" "::1111:role")" \
	"$("$PY" -c 'import json,sys; print([o for o in json.loads(sys.argv[1]) if "role ARN" in o["message"]][0].get("where"))' "$OUT")"
expect_eq "profile of the cycle finding" "cyc" \
	"$("$PY" -c 'import json,sys; print([o for o in json.loads(sys.argv[1]) if "cycle" in o["message"]][0].get("profile"))' "$OUT")"
pass

t "doctor --json: a clean config is exit 0 with only ok findings; a duplicate section is one error"
d_files
aws_config_profile good source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA
run awsrole doctor --json
expect_rc 0
TEXT_OUT=$(awsrole doctor 2>/dev/null)
d_json_vs_text
expect_out_lacks '"warning"'
expect_out_lacks '"error"'
printf '[profile x]\nregion = us-east-1\n[profile x]\n' > "$CFG"
run awsrole doctor --json
expect_doctor_failed
TEXT_OUT=$(awsrole doctor 2>/dev/null)
d_json_vs_text
expect_eq "findings" 1 "$("$PY" -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$OUT")"
pass

# ---------------------------------------------------------------- --online against fake_sts

# d_fake — fake_sts with the CA; [profile S] static keys, [profile R] RoleA from [base], with MFA.
d_fake() {
	d_files
	export AWS_CA_BUNDLE=$PKI_DIR/ca.pem
	start_fake_sts || return 1
	export AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_REGION=us-east-1
	d_cred_profile S "aws_access_key_id=$BASE_AKID" "aws_secret_access_key=$BASE_SECRET"
	aws_config_profile R source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA \
		mfa_serial=arn:aws:iam::333333333333:mfa/example.user duration_seconds=900
	aws_config_profile N source_profile=base role_arn=arn:aws:iam::111111111111:role/RoleA duration_seconds=900
}

t "doctor --online: clock in sync with STS is an ok line"
d_fake
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml", "date_offset": 0}]'
run awsrole doctor S --online
expect_clean
expect_finding ok "[S] source credentials are valid: arn:aws:iam::333333333333:user/example.user" -
expect_out_has "clock skew against STS: "
expect_finding ok "clock skew against STS: " -
expect_eq "GetCallerIdentity requests" 1 "$(fake_sts_count)"
expect_eq "action" GetCallerIdentity "$(fake_sts_field params.Action)"
pass

t "doctor --online: a Date 2 minutes off is a warning (exit 0), 10 minutes off an error (exit 3)"
d_fake
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml", "date_offset": 120}]'
run awsrole doctor S --online
expect_rc 0
expect_finding warning "clock skew against STS: 1" "sync the system clock (NTP)"
grep -qE 'clock skew against STS: 1(19|2[01]) s' <<<"$OUT" || fail "skew not ~120 s: $OUT"
expect_totals 0 1
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml", "date_offset": -600}]'
run awsrole doctor S --online
expect_doctor_failed
expect_finding error "clock skew against STS: " "sync the system clock (NTP)"
grep -qE 'clock skew against STS: (599|60[01]) s' <<<"$OUT" || fail "skew not ~600 s: $OUT"
expect_totals 1 0
pass

# d_finding_text LEVEL TEXT — the finding line containing TEXT and its fix line, as one string.
d_finding_text() {
	awk -v lv="$(printf '%-7s ' "$1")" -v tx="$2" '
		f == 1 { if (index($0, "        fix: ") == 1) print; exit }
		index($0, lv) == 1 && index($0, tx) > 0 { print; f = 1 }' <<<"$OUT"
}

t "doctor --online: InvalidClientTokenId for a static-keys profile is an error naming its keys"
d_fake
fake_sts_reply 403 error_invalid_client_token.xml
run awsrole doctor S --online
expect_doctor_failed
expect_finding error "[S] the source credentials (profile S (credentials), key AKIA" "aws_access_key_id"
expect_out_has "were rejected: STS GetCallerIdentity failed: InvalidClientTokenId"
expect_out_lacks "source credentials are valid"
expect_eq "the request was signed with the profile's key" "$BASE_AKID" "$(fake_sts_field akid)"
expect_out_lacks "$BASE_SECRET"
pass

t "doctor --online: InvalidClientTokenId for a role's source keys names where the keys are ([base])"
d_fake
fake_sts_reply 403 error_invalid_client_token.xml
run awsrole doctor R --online --mfa-code 123456
expect_doctor_failed
expect_finding error "[R] the source credentials (profile base (credentials), key AKIA" "aws_access_key_id"
expect_out_has "were rejected: STS GetCallerIdentity failed: InvalidClientTokenId"
expect_out_lacks "source credentials are valid"
expect_eq "GetCallerIdentity signed with [base]'s key" "$BASE_AKID" "$(fake_sts_field akid 0)"
f=$(d_finding_text error "GetCallerIdentity failed: InvalidClientTokenId")
case $f in
*"[base]"* | *'"base"'* | *"profile base"* | *"$BASE_AKID"*) ;;
*) fail "the finding does not name the rejected keys (source profile [base] or key id $BASE_AKID): $f" ;;
esac
expect_out_lacks "$BASE_SECRET"
pass

t "doctor --online: AssumeRole AccessDenied WITH mfa_serial says MFA was sent, trust policy / sts:AssumeRole"
d_fake
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml"}, {"status": 403, "body_file": "error_access_denied.xml"}]'
run awsrole doctor R --online --mfa-code 123456
expect_doctor_failed
expect_finding ok "[R] source credentials are valid" -
expect_finding error "[R] STS AssumeRole failed: AccessDenied" "MFA was sent"
expect_finding error "[R] STS AssumeRole failed: AccessDenied" "trust policy"
expect_finding error "[R] STS AssumeRole failed: AccessDenied" "sts:AssumeRole"
expect_eq "AssumeRole TokenCode" 123456 "$(fake_sts_field params.TokenCode)"
expect_eq "AssumeRole SerialNumber" arn:aws:iam::333333333333:mfa/example.user "$(fake_sts_field params.SerialNumber)"
expect_totals 1 0
pass

t "doctor --online: AssumeRole AccessDenied WITHOUT mfa_serial says the trust policy likely requires MFA"
d_fake
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml"}, {"status": 403, "body_file": "error_access_denied.xml"}]'
run awsrole doctor N --online
expect_doctor_failed
expect_finding error "[N] STS AssumeRole failed: AccessDenied" "most likely the trust policy requires aws:MultiFactorAuthPresent"
expect_finding error "[N] STS AssumeRole failed: AccessDenied" "add mfa_serial"
expect_out_lacks "fix: MFA was sent"
expect_eq "AssumeRole without SerialNumber" "" "$(fake_sts_field params.SerialNumber)"
pass

t "doctor --online: a ValidationError about DurationSeconds names the role's maximum session duration"
d_fake
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml"}, {"status": 400, "body_file": "error_validation_duration.xml"}]'
run awsrole doctor R --online --mfa-code 123456
expect_doctor_failed
expect_finding error "[R] STS AssumeRole failed: ValidationError" "maximum session duration"
expect_finding error "[R] STS AssumeRole failed: ValidationError" "MaxSessionDuration"
expect_eq "AssumeRole DurationSeconds" 900 "$(fake_sts_field params.DurationSeconds)"
pass

t "doctor --online: STS rejects a request 10 minutes off (Signature expired): the skew is still an error"
d_fake
fake_sts_script '[{"status": 403, "body_file": "error_signature_skew.xml", "date_offset": 600}]'
run awsrole doctor S --online
expect_doctor_failed
expect_finding error "[S] the source credentials (profile S (credentials), key AKIA" "clock"
expect_out_has "were rejected: STS GetCallerIdentity failed: SignatureDoesNotMatch: Signature expired"
expect_finding error "clock skew against STS: " "sync the system clock (NTP)"
pass

t "doctor --online: a role with mfa_serial, no --mfa-code and no terminal: an error finding at once (exit 3)"
d_fake
fake_sts_script '[{"status": 200, "body_file": "get_caller_identity.xml"}, {"status": 200, "body_file": "assume_role.xml"}]'
RUN_TIMEOUT=20 run awsrole doctor R --online
expect_doctor_failed
expect_finding ok "[R] source credentials are valid" -
expect_finding error "[R] profile \"R\" needs an MFA code for arn:aws:iam::333333333333:mfa/example.user" "awsrole login R"
expect_out_lacks "(null)"
expect_eq "STS requests (no AssumeRole without a code)" 1 "$(fake_sts_count)"
pass

t "doctor without --online makes no STS request"
d_fake
run awsrole doctor R
expect_clean
expect_out_lacks "clock skew"
expect_eq "STS requests" 0 "$(fake_sts_count)"
pass

# ---------------------------------------------------------------- --online against moto

t "doctor default --online --mfa-code against moto: source keys and AssumeRole ok (exit 0)"
use_moto
scenario_files
m=$(d_moto_mark)
run awsrole doctor default --online --mfa-code 123456
expect_clean
expect_finding ok "[default] resolves: 1 role hop from static keys" -
expect_finding ok "[default] source credentials are valid: $BASE_USER_ARN" -
expect_finding ok "[default] AssumeRole works: arn:aws:sts::111111111111:assumed-role/RoleA/" -
expect_finding ok "clock skew against STS: " -
expect_out_lacks "CustomerA"
expect_eq "AssumeRole calls" 1 "$(d_moto_calls "$m" AssumeRole)"
expect_eq "GetCallerIdentity calls" 1 "$(d_moto_calls "$m" GetCallerIdentity)"
pass
