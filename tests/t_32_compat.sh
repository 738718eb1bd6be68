# t_32_compat.sh — awsrole against botocore 1.43 on endpoints, regions and credential sources
# (issue 13, points 11-20).
#
# tests/compat_diff.py runs botocore on each case (config, credentials, environment) at test
# time and compares awsrole with it; see its docstring for what is compared.  Each of its result
# lines is one case here:
#   compat/NAME [doctor]   `awsrole doctor P --json` reports the STS endpoint and signing region
#                          botocore uses (no network)
#   compat/NAME [wire]     what `awsrole whoami P` really sends, through a loopback proxy that
#                          tunnels every CONNECT to fake_sts.py (nothing leaves 127.0.0.1)
#   compat/NAME [finding]  the doctor finding that states botocore's behaviour
#   compat/NAME            the credentials and the STS calls, both tools against fake_sts.py
# Deliberate differences are in the cases marked "deviation" there (printed as "# deviation").

t "compat_diff.py: botocore and awsrole agree on every case"
RUN_TIMEOUT=600 run "$PY" "$ROOT/tests/compat_diff.py"
expect_out_has "compat_diff: "
expect_out_lacks "FAIL compat/setup"
diff_out=$OUT
# The overall status is the sum of the cases below; this case only checks that the run finished.
case $RC in 0 | 1) ;; *) fail "compat_diff.py exit status $RC: $(tail -5 <<<"$ERR")" ;; esac
pass

while IFS= read -r line; do
	case $line in
	"ok compat/"*)
		t "${line#ok }"
		pass
		;;
	"FAIL compat/"*)
		line=${line#FAIL }
		t "${line%%: *}"
		fail "${line#*: }"
		pass
		;;
	esac
done <<<"$diff_out"
