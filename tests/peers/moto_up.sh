#!/usr/bin/env bash
# moto_up.sh DIR PKI_DIR — start moto_logged.py over TLS, populate it, write DIR/moto.env.
#
# DIR/moto.env exports: MOTO_PORT MOTO_URL (https://localhost:PORT) MOTO_LOG MOTO_PID MOTO_CA
#   MOTO_SCOPED_SCRIPT (GetScopedCredentials rules, scoped_sts.py) BASE_ACCOUNT BASE_USER_ARN BASE_MFA_SERIAL BASE_AKID BASE_SECRET
# DIR/moto.pid holds the server's pid; DIR/moto.out its stdout/stderr.
# Stop it with: kill "$(cat DIR/moto.pid)".
# Exit status non-zero (and a message on stderr) if the server did not come up.
set -eu
dir=${1:?usage: moto_up.sh DIR PKI_DIR}
pki=${2:?usage: moto_up.sh DIR PKI_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pki=$(cd "$pki" && pwd)
rm -f "$dir/moto.port" "$dir/moto.env" "$dir/moto.log"

n=$(python3 "$here/moto_setup.py" --count)
# The certificate for the real STS names (sts.REGION.amazonaws.com), served by SNI: a client
# that keeps its default endpoint reaches moto through fake_proxy.py (moto_logged.py --aws-cert).
aws_cert=()
[ -f "$pki/aws.pem" ] && aws_cert=(--aws-cert "$pki/aws.pem" --aws-key "$pki/aws.key")
# GetScopedCredentials script (scoped_sts.py); none yet = no rules.
echo '{}' > "$dir/scoped_script.json"
# MOTO_ACCOUNT_ID is deliberately not set (see moto_setup.py).
env -u MOTO_ACCOUNT_ID INITIAL_NO_AUTH_ACTION_COUNT="$n" \
	python3 "$here/moto_logged.py" --cert "$pki/localhost.pem" --key "$pki/localhost.key" \
	"${aws_cert[@]}" --scoped-script "$dir/scoped_script.json" \
	--log "$dir/moto.log" --portfile "$dir/moto.port" >"$dir/moto.out" 2>&1 </dev/null &
pid=$!
echo "$pid" > "$dir/moto.pid"

# Readiness: the port file is written after listen(); then a bare TCP connect (no HTTP request,
# which would count towards INITIAL_NO_AUTH_ACTION_COUNT).
for _ in $(seq 1 300); do
	[ -s "$dir/moto.port" ] && break
	kill -0 "$pid" 2>/dev/null || { echo "moto_up: server died:" >&2; cat "$dir/moto.out" >&2; exit 1; }
	sleep 0.05
done
[ -s "$dir/moto.port" ] || { echo "moto_up: no port after 15 s" >&2; kill "$pid"; exit 1; }
port=$(cat "$dir/moto.port")
python3 "$here/tcp_probe.py" 127.0.0.1 "$port" 10 || { echo "moto_up: port $port not accepting" >&2; kill "$pid"; exit 1; }

if ! python3 "$here/moto_setup.py" "https://localhost:$port" "$pki/ca.pem" "$dir/moto.env.tmp" >&2; then
	echo "moto_up: setup failed; server output:" >&2
	tail -20 "$dir/moto.out" >&2
	kill "$pid"
	exit 1
fi
{
	cat "$dir/moto.env.tmp"
	echo "export MOTO_PORT=$port"
	echo "export MOTO_PID=$pid"
	echo "export MOTO_LOG='$dir/moto.log'"
	echo "export MOTO_SCOPED_SCRIPT='$dir/scoped_script.json'"
} > "$dir/moto.env"
rm -f "$dir/moto.env.tmp"
