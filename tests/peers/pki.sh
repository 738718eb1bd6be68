#!/usr/bin/env bash
# pki.sh DIR [rsa|ec] — throw-away PKI for the TLS tests.
#
# Creates, under DIR (idempotent: an existing complete set is kept):
#   ca.pem / ca.key                 test CA ("awsrole test CA")
#   localhost.pem / localhost.key   server cert, SAN DNS:localhost, signed by ca
#   wrong.pem / wrong.key           server cert, SAN DNS:wrong.example, signed by ca
#   expired.pem / expired.key       server cert, SAN DNS:localhost, signed by ca, expired in 2020
#   self.pem / self.key             self-signed cert, SAN DNS:localhost
#   other-ca.pem / other-ca.key     a second, unrelated CA
#   other.pem / other.key           server cert, SAN DNS:localhost, signed by other-ca
#   ip.pem / ip.key                 server cert with only SAN IP:127.0.0.1, signed by ca
#   aws.pem / aws.key               server cert for the real STS names (sts.amazonaws.com and
#                                   sts.REGION.amazonaws.com for the regions below), signed by
#                                   ca: serve it behind fake_proxy.py to test default endpoints
#   bundle.pem                      ca.pem + other-ca.pem (a multi-cert bundle)
#
# Key type: EC P-256 by default (fast); "rsa" gives RSA 2048.  Both were checked against
# BearSSL 0.6's brssl client (see tests/README notes in the report).  BearSSL cannot verify IP
# SANs, so clients must connect to "localhost".
set -eu
dir=${1:?usage: pki.sh DIR [rsa|ec]}
kind=${2:-${PKI_KEY_TYPE:-ec}}
mkdir -p "$dir"
cd "$dir"

all="ca other-ca localhost wrong expired self other ip aws"
done_marker=".complete-$kind"
if [ -f "$done_marker" ]; then
	ok=1
	for n in $all; do [ -s "$n.pem" ] && [ -s "$n.key" ] || ok=0; done
	[ -s bundle.pem ] || ok=0
	[ "$ok" = 1 ] && exit 0
fi
rm -f .complete-* ./*.pem ./*.key ./*.csr ./*.srl ./*.cnf index.txt* serial* ./*.old
rm -rf newcerts

newkey() {
	if [ "$kind" = rsa ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
	fi
	chmod 600 "$1"
}

mkca() { # name cn
	newkey "$1.key"
	openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" \
		-out "$1.pem" 2>/dev/null
}

ext() { # san -> ext file
	cat > "$1.cnf" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$2
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
}

mkleaf() { # name san signer [days]
	newkey "$1.key"
	ext "$1" "$2"
	openssl req -new -key "$1.key" -subj "/CN=awsrole test $1" -out "$1.csr" 2>/dev/null
	openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
		-sha256 -days "${4:-825}" -extfile "$1.cnf" -out "$1.pem" 2>/dev/null
}

mkca ca "awsrole test CA"
mkca other-ca "awsrole unrelated CA"
mkleaf localhost "DNS:localhost" ca
mkleaf wrong "DNS:wrong.example" ca
mkleaf other "DNS:localhost" other-ca
mkleaf ip "IP:127.0.0.1" ca
aws_san="DNS:sts.amazonaws.com"
for r in us-east-1 us-east-2 us-west-1 us-west-2 eu-west-1 eu-central-1 ap-northeast-1 \
	ap-northeast-2 ap-southeast-1 ap-southeast-2 ca-central-1 sa-east-1; do
	aws_san="$aws_san,DNS:sts.$r.amazonaws.com"
done
mkleaf aws "$aws_san" ca

# Self-signed leaf (not a CA) for localhost.
newkey self.key
openssl req -x509 -new -key self.key -sha256 -days 825 -subj "/CN=localhost" \
	-addext "subjectAltName=DNS:localhost" -addext "basicConstraints=critical,CA:FALSE" \
	-out self.pem 2>/dev/null

# Expired leaf: `openssl x509 -req` in OpenSSL 3.0 cannot back-date, `openssl ca` can.
newkey expired.key
openssl req -new -key expired.key -subj "/CN=awsrole test expired" -out expired.csr 2>/dev/null
mkdir -p newcerts
: > index.txt
echo 1000 > serial
cat > ca.cnf <<'EOF'
[ ca ]
default_ca = tca
[ tca ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
[ leaf ]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost
EOF
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
	-startdate 20200101000000Z -enddate 20200201000000Z -extensions leaf -notext 2>/dev/null

cat ca.pem other-ca.pem > bundle.pem
rm -rf newcerts ./*.csr ./*.cnf index.txt* serial* ./*.srl
chmod 644 ./*.pem
touch "$done_marker"
