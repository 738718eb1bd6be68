#!/usr/bin/env bash
# test.sh [PATTERN] — check the prerequisites (tests/prereqs.txt), build, check the layering
# (tests/check_layers.py), then run the unit binaries and the shell test cases.
#
#   ./test.sh               everything
#   ./test.sh whoami        only unit binaries / tests/t_*.sh whose name matches PATTERN (ERE)
#
# Environment:
#   AWSROLE_BIN=PATH       use this binary and skip `make` (unit binaries: AWSROLE_UNIT_DIR,
#                          default build/)
#   AWSROLE_UNIT_DIR=DIR   where the unit_* binaries are (default build/)
#   CI=true                a skipped test counts as a failure; a failed case prints the end
#                          of its transcript
#   T_FILE_TIMEOUT=S       limit for one test file (default 300 s)
#   T_WAIT_SCALE=N         factor on every wait_until/srv_wait limit (default 3)
#   T_FAST_LIMIT=S         limit of run_fast, the "fails at once" cases (default 20 s)
#   KEEP_TMP=1             keep tests/tmp/run.* even when everything passed
#   GOLDEN_UPDATE=1        write or refresh tests/golden/*.err (refused when CI=true)
#   AWSROLE_PREREQS=FILE   the list of prerequisites to check first (default tests/prereqs.txt)
#
# Each case gets a fresh $HOME under tests/tmp/ and an environment without AWS_* variables;
# one moto server (TLS, signature checking on) serves the whole run.
# The last line is "N passed, N failed" (", N skipped" when some were skipped).
set -u
cd "$(dirname "$0")" || exit 1
ROOT=$(pwd)
export ROOT
PATTERN=${1:-}
export CI=${CI:-}

PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || PY=python3
export PY

# ---------------------------------------------------------------- prerequisites (issue 13.27)
# Before anything else: every tool the build and the tests need, from the one list
# tests/prereqs.txt (AWSROLE_PREREQS=FILE to use another).  A missing one stops the run here,
# with the commands that install it, instead of deep inside a test.
prereq_steps=(test)
[ -n "${AWSROLE_BIN:-}" ] || prereq_steps=(build test)
if ! bash tests/prereqs.sh check "${prereq_steps[@]}"; then
	echo "FAIL prerequisites: test.sh stopped before building; install what is missing (above), then rerun" >&2
	exit 1
fi

mkdir -p tests/tmp
[ -f tests/tmp/.gitignore ] || echo '*' > tests/tmp/.gitignore
export PYTHONDONTWRITEBYTECODE=1
# Old runs: keep the last few for post-mortems.
# A run directory younger than an hour may belong to a run still going (parallel runs share
# tests/tmp), so only older ones beyond the newest five are removed.
ls -1dt tests/tmp/run.* 2>/dev/null | tail -n +6 | while read -r d; do
	[ -n "$(find "$d" -maxdepth 0 -mmin +60)" ] && rm -rf "$d"
done
RUN_DIR=$(mktemp -d "$ROOT/tests/tmp/run.XXXXXX")
export RUN_DIR
RESULTS=$RUN_DIR/results
PIDS_FILE=$RUN_DIR/pids
: > "$RESULTS"
: > "$PIDS_FILE"
export RESULTS PIDS_FILE

cleanup() {
	local p
	[ -s "$RUN_DIR/moto/moto.pid" ] && cat "$RUN_DIR/moto/moto.pid" >> "$PIDS_FILE"
	while read -r p; do [ -n "$p" ] && kill "$p" 2>/dev/null; done < "$PIDS_FILE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$RESULTS"; }

matches() { [ -z "$PATTERN" ] || grep -qE -- "$PATTERN" <<<"$1"; }

# ---------------------------------------------------------------- build
if [ -z "${AWSROLE_BIN:-}" ]; then
	if make -s awsrole unit > "$RUN_DIR/build.log" 2>&1; then
		echo "ok build: make -s awsrole unit"
		record pass build "make -s awsrole unit"
	else
		cat "$RUN_DIR/build.log"
		echo "FAIL build: make -s awsrole unit"
		record fail build "make -s awsrole unit"
	fi
	AWSROLE_BIN=$ROOT/awsrole
fi
case $AWSROLE_BIN in /*) ;; *) AWSROLE_BIN=$ROOT/$AWSROLE_BIN ;; esac
AWSROLE_UNIT_DIR=${AWSROLE_UNIT_DIR:-build}
case $AWSROLE_UNIT_DIR in /*) ;; *) AWSROLE_UNIT_DIR=$ROOT/$AWSROLE_UNIT_DIR ;; esac
export AWSROLE_BIN AWSROLE_UNIT_DIR

# Commands the tests call by name: awsrole (even if missing: then it fails like a bad binary),
# python3 and aws (AWS CLI v1 from the same Python: v2 ignores AWS_ENDPOINT_URL_STS).
BIN_DIR=$RUN_DIR/bin
mkdir -p "$BIN_DIR"
ln -sf "$AWSROLE_BIN" "$BIN_DIR/awsrole"
ln -sf "$PY" "$BIN_DIR/python3"
printf '#!/bin/sh\nexec "%s" -m awscli "$@"\n' "$PY" > "$BIN_DIR/aws"
chmod +x "$BIN_DIR/aws"
export PATH=$BIN_DIR:$PATH

# The environment the tests start from: none of the caller's AWS settings.
for v in $(compgen -e); do
	case $v in AWS_*) unset "$v" ;; esac
done

# ---------------------------------------------------------------- layering (issue 15)
if matches check-layers; then
	if "$PY" tests/check_layers.py awsrole.c awsrole.h > "$RUN_DIR/check-layers.out" 2>&1; then
		echo "ok check-layers: $(tail -n 1 "$RUN_DIR/check-layers.out")"
		record pass check-layers "make check-layers"
	else
		head -n 40 "$RUN_DIR/check-layers.out"
		echo "FAIL check-layers: $(tail -n 1 "$RUN_DIR/check-layers.out") (all: $RUN_DIR/check-layers.out)"
		record fail check-layers "make check-layers"
	fi
fi

# ---------------------------------------------------------------- unit binaries
for u in "$AWSROLE_UNIT_DIR"/unit_*; do
	[ -f "$u" ] && [ -x "$u" ] || continue
	name=$(basename "$u")
	matches "$name" || continue
	out=$RUN_DIR/$name.out
	(cd "$ROOT" && HOME=$RUN_DIR/unit-home timeout -k 5 120 "$u") > "$out" 2>&1 </dev/null
	urc=$?
	cat "$out"
	okn=$(grep -c '^ok ' "$out")
	failn=$(grep -c '^FAIL ' "$out")
	if [ "$okn" = 0 ] && [ "$failn" = 0 ]; then
		if [ "$urc" = 0 ]; then
			echo "ok $name"; record pass "$name" "$name"
		else
			echo "FAIL $name (exit status $urc)"; record fail "$name" "$name"
		fi
		continue
	fi
	for _ in $(seq 1 "$okn"); do record pass "$name" line; done
	for _ in $(seq 1 "$failn"); do record fail "$name" line; done
	if [ "$urc" != 0 ] && [ "$failn" = 0 ]; then
		echo "FAIL $name: exit status $urc without a FAIL line"
		record fail "$name" "exit status $urc"
	fi
done

# ---------------------------------------------------------------- shell tests
files=()
for f in tests/t_*.sh; do
	[ -f "$f" ] || continue
	matches "$(basename "$f" .sh)" || continue
	files+=("$f")
done

if [ ${#files[@]} -gt 0 ]; then
	t0=$(date +%s%N)
	if bash tests/peers/pki.sh "$RUN_DIR/pki" > "$RUN_DIR/pki.out" 2>&1; then
		PKI_DIR=$RUN_DIR/pki
		export PKI_DIR
	else
		cat "$RUN_DIR/pki.out"
		echo "FAIL harness: tests/peers/pki.sh"
		record fail harness pki
	fi
	t1=$(date +%s%N)
	if [ -n "${PKI_DIR:-}" ] && bash tests/peers/moto_up.sh "$RUN_DIR/moto" "$PKI_DIR" > "$RUN_DIR/moto_up.out" 2>&1; then
		# shellcheck disable=SC1091
		. "$RUN_DIR/moto/moto.env"
		echo "$MOTO_PID" >> "$PIDS_FILE"
	else
		cat "$RUN_DIR/moto_up.out"
		echo "FAIL harness: moto did not start (tests that need it will fail)"
		record fail harness moto
	fi
	t2=$(date +%s%N)
	echo "# pki $(((t1 - t0) / 1000000)) ms, moto up $(((t2 - t1) / 1000000)) ms"
fi

for f in "${files[@]}"; do
	name=$(basename "$f" .sh)
	echo "# $name"
	before=$(grep -c "	$name	" "$RESULTS")
	f0=$SECONDS
	T_FILE=$name timeout -k 10 "${T_FILE_TIMEOUT:-300}" bash -c '
		. "$ROOT/tests/lib.sh" || exit 99
		cd "$ROOT" || exit 99
		. "$1"
	' _ "$ROOT/$f" </dev/null
	frc=$?
	if [ "$frc" != 0 ]; then
		case $frc in
		124 | 137) why="timed out after ${T_FILE_TIMEOUT:-300}s" ;;
		*) why="exited with status $frc" ;;
		esac
		echo "FAIL $name: the test file $why"
		record fail "$name" "file: $why"
	fi
	after=$(grep -c "	$name	" "$RESULTS")
	echo "# $name: $((after - before)) cases, $((SECONDS - f0)) s (limit ${T_FILE_TIMEOUT:-300} s)"
	if [ "$after" = "$before" ] && [ "$frc" = 0 ]; then
		echo "FAIL $name: ran no case"
		record fail "$name" "no case"
	fi
done

passed=$(grep -c '^pass	' "$RESULTS")
failed=$(grep -c '^fail	' "$RESULTS")
skipped=$(grep -c '^skip	' "$RESULTS")

if [ "$failed" = 0 ] && [ -z "${KEEP_TMP:-}" ]; then
	cleanup
	trap - EXIT
	sleep 0.2
	rm -rf "$RUN_DIR"
else
	echo "# details: $RUN_DIR (per case: cases/FILE/NN/transcript)"
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
