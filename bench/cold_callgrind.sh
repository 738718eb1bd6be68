#!/usr/bin/env bash
# bench/cold_callgrind.sh [BINARY] — instructions (callgrind Ir) of cold `credential-process`.
#
# A cold `awsrole credential-process` (empty cache) makes one AssumeRole over TLS to moto; its
# CPU cost is mostly the TLS handshake.  Wall time on a shared 2-core machine is noisy, the
# instruction count is not: this starts moto over TLS (tests/peers/pki.sh, moto_up.sh), runs
# BINARY (default ./awsrole) once cold as a warm-up, then COLD_CG_N (3) times cold under
# valgrind --tool=callgrind, and prints the total Ir of each run and the top functions of the
# last one (names only if BINARY has symbols: link one with the `make -n` line minus -s).
#
#   PKI_KEY_TYPE=ec|rsa   the test server's key and CA (default ec = P-256; rsa = RSA 2048,
#                         like the real STS endpoints)
#   COLD_CG_OUT=DIR       keep the callgrind.out files there (default: a temporary directory)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(readlink -f "${1:-$root/awsrole}")
n=${COLD_CG_N:-3}
work=$(mktemp -d /tmp/awsrole-cold-cg.XXXXXX)
out=${COLD_CG_OUT:-$work/out}
mkdir -p "$out"
MOTO_PID=
trap '[ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null; rm -rf "$work"' EXIT
bash "$root/tests/peers/pki.sh" "$work/pki" "${PKI_KEY_TYPE:-ec}" >/dev/null
bash "$root/tests/peers/moto_up.sh" "$work/moto" "$work/pki" >/dev/null
# shellcheck disable=SC1091
. "$work/moto/moto.env"

export HOME=$work/home
mkdir -p "$HOME/.aws"
printf '[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$BASE_AKID" "$BASE_SECRET" \
	> "$HOME/.aws/credentials"
chmod 600 "$HOME/.aws/credentials"
printf '[profile bench]\nrole_arn = arn:aws:iam::111111111111:role/RoleA\nsource_profile = base\nduration_seconds = 3600\nregion = us-east-1\n' \
	> "$HOME/.aws/config"
for v in $(compgen -e); do case $v in AWS_* | *_PROXY | *_proxy) unset "$v" ;; esac; done
export AWS_ENDPOINT_URL_STS=$MOTO_URL AWS_CA_BUNDLE=$MOTO_CA AWS_EC2_METADATA_DISABLED=true

rm -rf "$HOME/.aws/cli/cache"
"$bin" credential-process bench > /dev/null
echo "binary: $bin ($(stat -c %s "$bin") bytes), server key: ${PKI_KEY_TYPE:-ec}"
for i in $(seq 1 "$n"); do
	rm -rf "$HOME/.aws/cli/cache"
	valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$i.out" "$bin" \
		credential-process bench > "$work/cp.out" 2> "$work/cg.err"
	grep -q '"AccessKeyId"' "$work/cp.out" || { cat "$work/cg.err" >&2; echo "run $i: no credentials" >&2; exit 1; }
	ir=$(grep -E '^(summary|totals):' "$out/callgrind.$i.out" | tail -1 | awk '{print $2}')
	echo "cold run $i: $ir Ir"
done
callgrind_annotate --inclusive=no "$out/callgrind.$n.out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | head -12
