#!/usr/bin/env bash
# bench/agent.sh — the agent lane (issue 11): `awsrole serve`'s fetch latency, and what a
# credential costs a process inside the view (`awsrole agent`) against the warm cache.
#
# Usage: bench/agent.sh                (bench/run calls it after the cache cases, same run)
#        BENCH_AGENT_N=40 BENCH_AGENT_CLI_N=5 BENCH_AGENT_REQ=1600 bench/agent.sh   (quick)
#
# Set-up: moto over TLS as bench/run starts it (tests/peers/pki.sh, moto_up.sh), or the one
# named by BENCH_MOTO_ENV (a moto.env; bench/run passes its own).  A throw-away HOME with
# [base] (the moto user's keys) and [profile bench] (role_arn RoleA, source_profile base,
# mfa_serial, duration_seconds 3600), plus [profile bench-cp] (credential_process = awsrole
# credential-process bench).  `awsrole login bench --mfa-code` fills the cache; then
# `awsrole serve bench` runs on a pseudo-terminal (tests/peers/pty_bg.py types the MFA
# code), with a fresh AWSROLE_AGENT_DIR.  Cases:
#   fetch   build/fetchload (bench/fetchload.c): C clients at once, each connect / GET
#           /v1/credentials/bench / read to close, one after the other (a closed loop);
#           C = BENCH_AGENT_CONC ("1 16 64"); then paced levels, BENCH_AGENT_PACED ("1:5000
#           64:20000" = C:GAP_US), whose clients each pause a random 0..2*GAP before each fetch
#           (mean GAP): an offered load below capacity, and a server that sleeps between
#           fetches, as it does for a credential_process run (on this VM an idle process
#           takes a few 100 µs to wake).  REQ fetches per level and round (paced: at most
#           ~2 s of pauses per client), ROUNDS rounds;
#           p50/p90/p99/max per round, the table shows the median round (and the worst p99).
#           Each level also runs, right after, against build/httpfloor (bench/httpfloor.c: a
#           minimal epoll server with a fixed answer): the floor of this machine and client.
#           Also serve's CPU per fetch (/proc/PID/stat) and: moto sees no call meanwhile.
#           Goal (issue 11): p99 <= 1 ms at 64 clients.  In the closed loop, Little's law
#           makes latency ~ 64 / throughput, so the goal needs 64k fetches/s there; compare
#           with the floor's figure.
#   cp      `awsrole credential-process bench` inside the view (env of `awsrole agent -- env`,
#           so: a fetch from serve) vs the same outside the view (the warm cache), interleaved
#           A B A B (bench/spawn.c: fork/exec/wait4 wall time, the child's CPU); N runs each.
#   cli     `aws sts get-caller-identity` (AWS CLI v1, endpoint at moto): under the view
#           (--profile bench: the view's credential_process fetches from serve) vs outside
#           (--profile bench-cp: credential_process reads the warm cache); CLI_N runs each,
#           interleaved; each makes exactly one GetCallerIdentity (checked in moto's log).
#   agent   `awsrole agent -- /bin/true` vs `/bin/true`: the cost of entering the view.
# Ratios are of medians taken in this one run: on a shared 2-core box, only ratios mean much.
# Prints two markdown tables (README "Performance"); writes $BENCH_AGENT_OUT/agent.json.
#
# Knobs: AWSROLE_BIN (./awsrole), BENCH_AGENT_N (200), BENCH_AGENT_CLI_N (20),
#   BENCH_AGENT_REQ (6400), BENCH_AGENT_ROUNDS (3), BENCH_AGENT_CONC ("1 16 64"),
#   BENCH_AGENT_PACED ("1:5000 64:20000"; "" for none), BENCH_MOTO_ENV, BENCH_SPAWN (a built
#   bench/spawn.c), BENCH_AWS_V1, FETCHLOAD (build/fetchload), HTTPFLOOR (build/httpfloor),
#   BENCH_AGENT_OUT (bench/out), BENCH_AGENT_KEEP=1 (keep the work dir).
# Exit status: 0 ran (goal met or not), 1 could not run or a check failed, 2 skipped: the
# binary has no `serve` command.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench
bin=$(readlink -f "${AWSROLE_BIN:-$root/awsrole}")
out=${BENCH_AGENT_OUT:-$bench/out}
N=${BENCH_AGENT_N:-200}
CLI_N=${BENCH_AGENT_CLI_N:-20}
REQ=${BENCH_AGENT_REQ:-6400}
ROUNDS=${BENCH_AGENT_ROUNDS:-3}
CONCS=${BENCH_AGENT_CONC:-1 16 64}
PACED=${BENCH_AGENT_PACED-1:5000 64:20000}
ROLE=arn:aws:iam::111111111111:role/RoleA
CODE1=246810 CODE2=135791

log() { echo "agent: $*" >&2; }
die() {
	log "$*"
	if [ -n "${PTY_PID:-}" ] && [ -n "${work:-}" ] && [ -f "$work/serve.out" ]; then
		kill -0 "$(cat "$work/serve.pid" 2>/dev/null)" 2>/dev/null ||
			log "awsrole serve is not running any more (exit status: $(cat "$work/serve.status" 2>/dev/null || echo ?))"
		log "serve's last lines:"; tail -5 "$work/serve.out" >&2
		log "serve's terminal:"; tr -d '\r' < "$work/serve.tty" | tail -5 >&2
	fi
	exit 1
}

[ -x "$bin" ] || die "$bin does not exist: run make first (or set AWSROLE_BIN)"
if ! "$bin" serve --help >/dev/null 2>&1 || ! "$bin" agent --help >/dev/null 2>&1; then
	log "skipped: $bin has no serve/agent command"
	exit 2
fi
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/awsrole-agent-bench.XXXXXX")
# Run a copy: a rebuild of the binary during the run (ETXTBSY, or whatever a build does to a
# running serve) must not change or stop what is measured.
cp "$bin" "$work/awsrole"
bin_src=$bin bin=$work/awsrole
MOTO_PID= PTY_PID= FLOOR_PID=
cleanup() {
	[ -n "$FLOOR_PID" ] && kill "$FLOOR_PID" 2>/dev/null || true
	if [ -n "$PTY_PID" ] && kill -0 "$PTY_PID" 2>/dev/null; then
		kill -TERM "$PTY_PID" 2>/dev/null || true
		wait "$PTY_PID" 2>/dev/null || true
	fi
	[ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null || true
	if [ "${BENCH_AGENT_KEEP:-0}" = 1 ]; then log "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ tools
spawn=${BENCH_SPAWN:-$out/spawn}
if [ ! -x "$spawn" ] || [ "$spawn" -ot "$bench/spawn.c" ]; then
	spawn=$out/spawn
	musl-gcc -static -O2 -Wall -o "$spawn" "$bench/spawn.c" 2>/dev/null ||
		cc -O2 -Wall -o "$spawn" "$bench/spawn.c" || die "cannot compile bench/spawn.c"
fi
fetchload=${FETCHLOAD:-$root/build/fetchload}
if [ ! -x "$fetchload" ] || [ "$fetchload" -ot "$bench/fetchload.c" ]; then
	mkdir -p "$(dirname "$fetchload")"
	gcc -O2 -pthread -Wall -Wextra -o "$fetchload" "$bench/fetchload.c" || die "cannot compile bench/fetchload.c"
fi
httpfloor=${HTTPFLOOR:-$root/build/httpfloor}
if [ ! -x "$httpfloor" ] || [ "$httpfloor" -ot "$bench/httpfloor.c" ]; then
	mkdir -p "$(dirname "$httpfloor")"
	gcc -O2 -Wall -Wextra -o "$httpfloor" "$bench/httpfloor.c" || die "cannot compile bench/httpfloor.c"
fi
find_aws_v1() {
	local c cands=()
	[ -n "${BENCH_AWS_V1:-}" ] && cands+=("$BENCH_AWS_V1")
	if [ ${#cands[@]} = 0 ]; then
		# a real script, not a pyenv shim (a shim adds ~100 ms)
		command -v pyenv >/dev/null && c=$(pyenv which aws 2>/dev/null) && cands+=("$c")
		cands+=(/usr/bin/aws /usr/local/bin/aws)
		local IFS=:
		for c in $PATH; do case $c in */shims*) ;; ?*) cands+=("$c/aws") ;; esac; done
	fi
	for c in "${cands[@]}"; do
		[ -x "$c" ] || continue
		case $(AWS_PAGER= "$c" --version 2>&1) in aws-cli/1.*) echo "$c"; return 0 ;; esac
	done
	return 1
}
aws1=$(find_aws_v1) || die "AWS CLI v1 not found (pip package awscli 1.x; or set BENCH_AWS_V1)"

# ------------------------------------------------------------------ moto
if [ -n "${BENCH_MOTO_ENV:-}" ]; then
	# shellcheck disable=SC1090
	. "$BENCH_MOTO_ENV"
else
	bash "$root/tests/peers/pki.sh" "$work/pki" >/dev/null
	bash "$root/tests/peers/moto_up.sh" "$work/moto" "$work/pki" >/dev/null ||
		{ MOTO_PID=$(cat "$work/moto/moto.pid" 2>/dev/null || true); die "moto did not start"; }
	# shellcheck disable=SC1091
	. "$work/moto/moto.env"
fi
moto_mark() { wc -l < "$MOTO_LOG" | tr -d ' '; }
# moto_actions MARK — "Action=count ..." of the requests since MARK
moto_actions() {
	python3 - "$MOTO_LOG" "$1" <<-'EOF'
	import collections, json, sys
	lines = open(sys.argv[1]).readlines()[int(sys.argv[2]):]
	c = collections.Counter((json.loads(x).get("action") or "?") for x in lines if x.strip())
	print(" ".join(f"{k}={v}" for k, v in sorted(c.items())))
	EOF
}

# ------------------------------------------------------------------ files and environment
export HOME=$work/home
mkdir -p "$HOME/.aws"
cat > "$HOME/.aws/credentials" <<EOF
[base]
aws_access_key_id = $BASE_AKID
aws_secret_access_key = $BASE_SECRET
EOF
chmod 600 "$HOME/.aws/credentials"
cat > "$HOME/.aws/config" <<EOF
[profile base]
region = us-east-1

[profile bench]
role_arn = $ROLE
source_profile = base
mfa_serial = $BASE_MFA_SERIAL
duration_seconds = 3600
region = us-east-1

[profile bench-cp]
credential_process = $bin credential-process bench
region = us-east-1
EOF
for v in $(compgen -e); do
	case $v in AWS_* | AWSROLE_* | _AWSROLE_* | BOTO_* | *_PROXY | *_proxy) unset "$v" ;; esac
done
export AWS_ENDPOINT_URL_STS=$MOTO_URL AWS_CA_BUNDLE=$MOTO_CA AWS_EC2_METADATA_DISABLED=true
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER= LANG=C.UTF-8
export AWSROLE_AGENT_DIR=$work/agent-dir

# ------------------------------------------------------------------ helpers
# timed FILE [-o OUT] [-v] -- CMD...: one spawn run, its line appended to FILE; fails on
# status != 0.  -v: in the view, i.e. spawn runs with exactly the environment `awsrole agent`
# gives (env -i VIEW_ENV... spawn: env's own exec is not timed)
timed() {
	local file=$1 o=/dev/null line pre=()
	shift
	if [ "$1" = -o ]; then o=$2; shift 2; fi
	if [ "$1" = -v ]; then pre=(env -i "${VIEW_ENV[@]}"); shift; fi
	shift   # --
	line=$("${pre[@]}" "$spawn" -o "$o" -e "$work/err" -- "$@") || die "spawn failed: $*"
	echo "$line" >> "$file"
	case $line in *" 0") ;; *) die "\`$*\` failed ($line): $(tail -c 2000 "$work/err")" ;; esac
}
# in_view CMD...: CMD with exactly the view's environment (captured from `awsrole agent`)
in_view() { env -i "${VIEW_ENV[@]}" "$@"; }
# interleave NA NB FUNC_A FUNC_B: NA runs of A and NB of B, B spread evenly among A, one
# warm-up of each first (the same scheme as bench/run's interleave)
interleave() {
	local na=$1 nb=$2 fa=$3 fb=$4 total k ia=0 ib=0
	"$fa" warmup; [ "$nb" -gt 0 ] && "$fb" warmup
	total=$((na + nb))
	for ((k = 0; k < total; k++)); do
		# B's slot: (k + 0.5) * nb / total >= ib + 0.5, i.e. (2k + 1) * nb >= (2 ib + 1) * total
		if { [ "$ib" -lt "$nb" ] && [ $(((2 * k + 1) * nb)) -ge $(((2 * ib + 1) * total)) ]; } ||
			[ "$ia" -ge "$na" ]; then
			"$fb" "$work/s.$fb"; ib=$((ib + 1))
		else
			"$fa" "$work/s.$fa"; ia=$((ia + 1))
		fi
	done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

log "$("$bin" version 2>/dev/null | head -1); $("$aws1" --version 2>&1); $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
log "moto at $MOTO_URL"

# ------------------------------------------------------------------ the warm cache
"$bin" login bench --mfa-code "$CODE1" > "$work/login.out" 2> "$work/login.err" ||
	die "awsrole login bench failed: $(cat "$work/login.err")"
m=$(moto_mark)
"$bin" credential-process bench > "$work/cache.json" 2> "$work/err" ||
	die "credential-process bench (cache) failed: $(cat "$work/err")"
[ -z "$(moto_actions "$m")" ] || die "the warm credential-process called moto: $(moto_actions "$m")"

# ------------------------------------------------------------------ serve on a terminal
python3 "$root/tests/peers/pty_bg.py" --expect "Enter MFA code for" --send "$CODE2\n" \
	--tty-log "$work/serve.tty" --out "$work/serve.out" --pidfile "$work/serve.pid" \
	--status-file "$work/serve.status" --timeout 3600 -- "$bin" serve bench &
PTY_PID=$!
for _ in $(seq 1 300); do
	grep -Eq '(^| )ready: bench( |$)' "$work/serve.out" 2>/dev/null && break
	kill -0 "$PTY_PID" 2>/dev/null || break
	sleep 0.1
done
grep -Eq '(^| )ready: bench( |$)' "$work/serve.out" 2>/dev/null ||
	die "awsrole serve bench did not get ready; stdout: $(cat "$work/serve.out" 2>/dev/null); terminal: $(tr -d '\r' < "$work/serve.tty" 2>/dev/null)"
serve_pid=$(cat "$work/serve.pid")
read -r port token < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["port"], d["token"])' \
	"$AWSROLE_AGENT_DIR/endpoint") || die "cannot read $AWSROLE_AGENT_DIR/endpoint"
log "serve (pid $serve_pid) on 127.0.0.1:$port"
"$fetchload" "$port" "$token" bench 1 1 > /dev/null || die "the first fetch failed"
"$fetchload" "$port" wrong-token bench 1 1 > /dev/null 2>&1 && die "a wrong token got 200"
mapfile -d '' VIEW_ENV < <("$bin" agent -- env -0)
printf '%s\n' "${VIEW_ENV[@]}" | grep -q '^AWSROLE_AGENT_VIEW=' || die "awsrole agent -- env: no AWSROLE_AGENT_VIEW"
printf '%s\n' "${VIEW_ENV[@]}" | grep -q '^AWS_CONFIG_FILE=' || die "awsrole agent -- env: no AWS_CONFIG_FILE"

# ------------------------------------------------------------------ fetch latency
"$httpfloor" "$work/floor.port" & FLOOR_PID=$!
for _ in $(seq 1 50); do [ -s "$work/floor.port" ] && break; sleep 0.1; done
floor_port=$(cat "$work/floor.port") || die "httpfloor did not start"
levels=()
for c in $CONCS; do levels+=("$c:0"); done
for lv in $PACED; do levels+=("$lv"); done
log "fetch: $ROUNDS rounds x levels (${levels[*]}) x $REQ fetches, each then against httpfloor ..."
"$fetchload" "$port" "$token" bench 64 10 > /dev/null || die "fetch warm-up failed"
"$fetchload" "$floor_port" - bench 64 10 > /dev/null || die "httpfloor warm-up failed"
m=$(moto_mark)
: > "$work/fetch.txt"
clk_tck=$(getconf CLK_TCK)
for ((r = 1; r <= ROUNDS; r++)); do
	for lv in "${levels[@]}"; do
		c=${lv%%:*} gap=${lv#*:}
		per=$(((REQ + c - 1) / c))
		[ "$gap" -gt 0 ] && [ "$per" -gt $((2000000 / gap)) ] && per=$((2000000 / gap))
		[ "$per" -ge 1 ] || per=1
		t0=$(cpu_ticks "$serve_pid")
		line=$("$fetchload" "$port" "$token" bench "$c" "$per" "$gap" 2> "$work/err") ||
			die "fetchload at $c clients: $line $(cat "$work/err")"
		t1=$(cpu_ticks "$serve_pid")
		echo "server=serve round=$r $line serve_cpu_ticks=$((t1 - t0)) clk_tck=$clk_tck" >> "$work/fetch.txt"
		log "  serve  $line"
		t0=$(cpu_ticks "$FLOOR_PID")
		line=$("$fetchload" "$floor_port" - bench "$c" "$per" "$gap" 2> "$work/err") ||
			die "fetchload at $c clients against httpfloor: $line $(cat "$work/err")"
		t1=$(cpu_ticks "$FLOOR_PID")
		echo "server=floor round=$r $line serve_cpu_ticks=$((t1 - t0)) clk_tck=$clk_tck" >> "$work/fetch.txt"
		log "  floor  $line"
	done
done
kill "$FLOOR_PID" 2>/dev/null || true
wait "$FLOOR_PID" 2>/dev/null || true
FLOOR_PID=
fetch_moto=$(moto_actions "$m")
[ -z "$fetch_moto" ] || die "serve called moto during the fetches: $fetch_moto"

# ------------------------------------------------------------------ credential-process: view vs cache
log "credential-process: view vs cache, $N runs each ..."
in_view "$bin" credential-process bench > "$work/view.json" 2> "$work/err" ||
	die "credential-process bench inside the view failed: $(cat "$work/err")"
cp_view() { [ "$1" = warmup ] && set -- /dev/null; timed "$1" -v -- "$bin" credential-process bench; }
cp_cache() { [ "$1" = warmup ] && set -- /dev/null; timed "$1" -- "$bin" credential-process bench; }
m=$(moto_mark)
interleave "$N" "$N" cp_view cp_cache
cp_moto=$(moto_actions "$m")
[ -z "$cp_moto" ] || die "credential-process (view or cache) called moto: $cp_moto"

# ------------------------------------------------------------------ aws sts get-caller-identity
log "aws sts get-caller-identity: view vs credential_process from the cache, $CLI_N runs each ..."
cli_view() {
	local f=$1
	[ "$f" = warmup ] && f=/dev/null
	timed "$f" -o "$work/cli.json" -v -- "$aws1" sts get-caller-identity --profile bench
	grep -q 'assumed-role/RoleA' "$work/cli.json" || die "CLI in the view: not RoleA: $(cat "$work/cli.json")"
}
cli_cache() {
	local f=$1
	[ "$f" = warmup ] && f=/dev/null
	timed "$f" -o "$work/cli.json" -- "$aws1" sts get-caller-identity --profile bench-cp
	grep -q 'assumed-role/RoleA' "$work/cli.json" || die "CLI with the cache: not RoleA: $(cat "$work/cli.json")"
}
m=$(moto_mark)
interleave "$CLI_N" "$CLI_N" cli_view cli_cache
cli_moto=$(moto_actions "$m")
[ "$cli_moto" = "GetCallerIdentity=$((2 * CLI_N + 2))" ] ||
	die "the CLI runs made other calls than $((2 * CLI_N + 2)) GetCallerIdentity: $cli_moto"

# ------------------------------------------------------------------ awsrole agent -- true
log "awsrole agent -- true vs true, $N runs each ..."
agent_true() { [ "$1" = warmup ] && set -- /dev/null; timed "$1" -- "$bin" agent -- /bin/true; }
true_only() { [ "$1" = warmup ] && set -- /dev/null; timed "$1" -- /bin/true; }
interleave "$N" "$N" agent_true true_only

# ------------------------------------------------------------------ stop serve
# fetches made: the first, the warm-up, the rounds, credential-process in the view (check +
# warm-up + N) and the CLI in the view (warm-up + CLI_N; one credential_process run each)
fetches_expected=$((1 + 640 + $(awk '$1 == "server=serve" {for (i = 2; i <= NF; i++) if ($i ~ /^n=/) s += substr($i, 3)} END {print s + 0}' "$work/fetch.txt") + N + 2 + CLI_N + 1))
kill -TERM "$PTY_PID"
serve_rc=0
wait "$PTY_PID" || serve_rc=$?
PTY_PID=
fetch_lines=$(grep -c ' fetch bench ' "$work/serve.out" || true)
grep -q 'stopped' "$work/serve.out" || log "note: serve's stdout has no 'stopped' line"

# ------------------------------------------------------------------ report
python3 - "$work" "$out/agent.json" "$bin_src" "$aws1" "$serve_rc" "$fetch_lines" \
	"$N" "$CLI_N" "$REQ" "$ROUNDS" "$fetches_expected" <<'EOF'
import json, os, statistics, sys, time
work, dest, binp, aws1, serve_rc, fetch_lines, N, CLI_N, REQ, ROUNDS, fetches_expected = sys.argv[1:]

def samples(name):
    p = os.path.join(work, "s." + name)
    rows = [l.split() for l in open(p)] if os.path.exists(p) else []
    return [{"ms": int(r[0]) / 1e6, "rss_kib": int(r[1]), "cpu_ms": (int(r[2]) + int(r[3])) / 1e3}
            for r in rows]

def st(v):
    ms = [x["ms"] for x in v]
    return {"n": len(v), "median": statistics.median(ms), "min": min(ms), "max": max(ms),
            "cpu_ms_median": statistics.median(x["cpu_ms"] for x in v),
            "rss_kib_max": max(x["rss_kib"] for x in v)}

fetch = []
for line in open(os.path.join(work, "fetch.txt")):
    d = {}
    for kv in line.split():
        k, v = kv.split("=", 1)
        d[k] = v if k == "server" else float(v) if "." in v else int(v)
    d["cpu_us_per_fetch"] = d["serve_cpu_ticks"] * 1e6 / d["clk_tck"] / d["n"]
    fetch.append(d)
levels = {}      # "64" or "64/gap20000" -> {"serve": {...}, "floor": {...}}
for d in fetch:
    key = f"{d['conc']}" + (f"/gap{d['gap_us']}" if d["gap_us"] else "")
    levels.setdefault(key, {}).setdefault(d["server"], []).append(d)
for key, by in levels.items():
    for srv, rs in by.items():
        med = {k: statistics.median(d[k] for d in rs) for k in
               ("p50_us", "p90_us", "p99_us", "max_us", "rps", "cpu_us_per_fetch")}
        med.update(n=rs[0]["n"], conc=rs[0]["conc"], gap_us=rs[0]["gap_us"], rounds=len(rs),
                   p99_us_worst=max(d["p99_us"] for d in rs),
                   p99_us_best=min(d["p99_us"] for d in rs))
        by[srv] = med

s = {k: samples(k) for k in ("cp_view", "cp_cache", "true_only", "cli_view", "cli_cache",
                             "agent_true")}
S = {k: st(v) for k, v in s.items() if v}
res = {
    "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "nproc": os.cpu_count(),
    "loadavg_end": os.getloadavg()[0], "awsrole": binp, "aws_cli_v1": aws1,
    "params": {"N": int(N), "CLI_N": int(CLI_N), "REQ": int(REQ), "ROUNDS": int(ROUNDS)},
    "fetch": {"levels": levels, "rounds": fetch},
    "stats": S,
    "ratios": {
        "cp_view_over_cache": S["cp_view"]["median"] / S["cp_cache"]["median"],
        "cp_view_minus_cache_ms": S["cp_view"]["median"] - S["cp_cache"]["median"],
        "cli_view_over_cache": S["cli_view"]["median"] / S["cli_cache"]["median"],
        "cli_view_minus_cache_ms": S["cli_view"]["median"] - S["cli_cache"]["median"],
        "agent_true_minus_true_ms": S["agent_true"]["median"] - S["true_only"]["median"]},
    "checks": {"serve_exit": int(serve_rc), "serve_fetch_log_lines": int(fetch_lines),
               "fetches_made": int(fetches_expected),
               "moto_calls_during_fetches": 0, "moto_calls_during_cp": 0},
    "samples": s,
}
top = levels.get("64", {}).get("serve")
paced = next((v["serve"] for k, v in levels.items() if k.startswith("64/gap")), None)
res["goal_p99_64"] = {"target": "<= 1000 us", "value": top["p99_us"] if top else None,
                      "met": bool(top and top["p99_us"] <= 1000),
                      "floor_value": levels["64"]["floor"]["p99_us"] if top else None,
                      "paced_value": paced["p99_us"] if paced else None}
with open(dest, "w") as f:
    json.dump(res, f, indent=1)

def ms(x):
    return f"{x:.3g}" if x < 10 else f"{x:.0f}"
def wall(k):
    v = S[k]
    return f"{ms(v['median'])} ms ({ms(v['min'])}–{ms(v['max'])})"

print(f"agent lane — {os.cpu_count()} CPUs, {res['date']}, load {res['loadavg_end']:.2f}; "
      f"median of {ROUNDS} rounds, {REQ} fetches per level and round; floor = the same "
      "client against bench/httpfloor.c")
print()
print("| clients | fetches | p50 | p90 | p99 (worst round) | max | fetches/s | serve CPU/fetch "
      "| floor p50 / p99 | floor fetches/s | floor CPU/fetch |")
print("|---------|--------:|----:|----:|------------------:|----:|----------:|----------------:"
      "|----------------:|----------------:|----------------:|")
for key, by in levels.items():
    v, f = by["serve"], by.get("floor")
    who = (f"{v['conc']}, each every ~{v['gap_us'] / 1000:g} ms" if v["gap_us"]
           else f"{v['conc']}")
    fl = (f"{f['p50_us']:.0f} / {f['p99_us']:.0f} µs | {f['rps']:.0f} | "
          f"{f['cpu_us_per_fetch']:.0f} µs" if f else "- | - | -")
    print(f"| {who} | {v['n']} | {v['p50_us']:.0f} µs | {v['p90_us']:.0f} µs | "
          f"{v['p99_us']:.0f} µs ({v['p99_us_worst']:.0f}) | {v['max_us']:.0f} µs | "
          f"{v['rps']:.0f} | {v['cpu_us_per_fetch']:.0f} µs | {fl} |")
g = res["goal_p99_64"]
if g["value"] is not None:
    print(f"\ngoal p99 <= 1 ms at 64 clients: {'met' if g['met'] else 'MISSED'} "
          f"({g['value']:.0f} µs; the floor's {g['floor_value']:.0f} µs"
          + (f"; paced: {g['paced_value']:.0f} µs" if g["paced_value"] is not None else "")
          + ")")
print()
r = res["ratios"]
rows = [
    ("credential-process", "`awsrole credential-process bench` in the view (fetch from serve)",
     "cp_view", f"{r['cp_view_over_cache']:.2f}x the cache ({r['cp_view_minus_cache_ms']:+.2f} ms)"),
    ("credential-process", "`awsrole credential-process bench` from the warm cache", "cp_cache", ""),
    ("aws CLI v1", "`aws sts get-caller-identity --profile bench` in the view", "cli_view",
     f"{r['cli_view_over_cache']:.2f}x ({r['cli_view_minus_cache_ms']:+.1f} ms)"),
    ("aws CLI v1", "`aws sts get-caller-identity`, credential_process from the cache",
     "cli_cache", "1 GetCallerIdentity per run, no AssumeRole"),
    ("view", "`awsrole agent -- true`", "agent_true",
     f"+{r['agent_true_minus_true_ms']:.2f} ms over true"),
    ("view", "`true`", "true_only", ""),
]
print("| case | command | runs | wall: median (min–max) | CPU | vs. |")
print("|------|---------|-----:|------------------------|----:|-----|")
for case, cmd, k, note in rows:
    v = S[k]
    print(f"| {case} | {cmd} | {v['n']} | {wall(k)} | {ms(v['cpu_ms_median'])} ms | {note} |")
print(f"\n(serve: {fetch_lines} fetch log lines for {fetches_expected} fetches made, exit "
      f"{serve_rc}; raw samples in {dest})")
EOF
