# t_61_process_hang.sh — a credential_process that never finishes is killed after the
# timeout (AR_PROC_TIMEOUT_S, 60 s by default; AWSROLE_PROCESS_TIMEOUT=3 here to keep the
# suite fast) and awsrole fails with a message naming it.  Two commands hang at once (one a
# plain `exec sleep`, one a wrapper script whose child sleeps).

# Alive and not a zombie: a killed process whose new parent has not reaped it yet is gone.
pid_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	case $(ps -o stat= -p "$1" 2>/dev/null) in Z*) return 1 ;; esac
}

t "credential_process that hangs is killed after the timeout, with a message naming the timeout"
use_moto
export AWS_REGION=us-east-1 AWSROLE_PROCESS_TIMEOUT=3
# 1. The command itself hangs.
cat > "$T_DIR/hang.sh" <<EOF
#!/bin/sh
echo \$\$ > "$T_DIR/hang.pid"
exec sleep 1000
EOF
# 2. A wrapper that runs the real helper as its child (the usual shape of such commands).
cat > "$T_DIR/wrap.sh" <<EOF
#!/bin/sh
sleep 1000 &
echo \$! > "$T_DIR/wrap_child.pid"
wait
EOF
chmod +x "$T_DIR/hang.sh" "$T_DIR/wrap.sh"
aws_config_profile hang "credential_process=$T_DIR/hang.sh"
aws_config_profile wrap "credential_process=$T_DIR/wrap.sh"
m=$(moto_log_mark)
# The wrapper case runs in the background while the plain case runs in the foreground.
(
	setsid -w timeout -k 5 30 awsrole whoami -p wrap >"$T_DIR/wrap.out" 2>"$T_DIR/wrap.err" </dev/null
	echo $? > "$T_DIR/wrap.rc"
) &
bg=$!
t0=$(date +%s)
RUN_TIMEOUT=30 run awsrole whoami -p hang
elapsed=$(($(date +%s) - t0))
wait "$bg"
expect_rc_in 1 5 6
[ "$RC" != 124 ] || fail "awsrole itself had to be killed by timeout 30"
expect_err_has "hang.sh"
expect_err_has "within 3 s"
expect_err_has "killed"
[ "$elapsed" -lt 25 ] || fail "took ${elapsed} s"
[ "$elapsed" -ge 2 ] || fail "gave up after ${elapsed} s, before the 3 s timeout"
hang_pid=$(cat "$T_DIR/hang.pid" 2>/dev/null)
pid_alive "$hang_pid" && { fail "the hanging command (pid $hang_pid) is still running"; kill "$hang_pid"; }
expect_eq "requests to STS" 0 "$(moto_calls_since "$m")"
pass

# The wrapper ran at the same time as the case above, in that case's directory.
W=$T_DIR
t "credential_process: a hanging wrapper's children are killed too, not left running"
wrc=$(cat "$W/wrap.rc" 2>/dev/null)
case $wrc in
1 | 5 | 6) ;;
*) fail "wrapper: exit status [$wrc], expected 1, 5 or 6 ($(cat "$W/wrap.err"))" ;;
esac
grep -qi "killed" "$W/wrap.err" || fail "wrapper: stderr lacks 'killed': $(cat "$W/wrap.err")"
child=$(cat "$W/wrap_child.pid" 2>/dev/null)
sleep 0.5
if pid_alive "$child"; then
	fail "the wrapper's child (pid $child, 'sleep 1000') outlived the timeout: only the direct child was killed"
	kill "$child" 2>/dev/null
fi
pass
