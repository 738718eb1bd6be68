# t_95_dist.sh — the release archives of `make dist` (dist/), one smoke set per target:
# x86_64 natively, aarch64 and armv7 under qemu-user-static (qemu-aarch64-static BIN, no binfmt).
# Per target: the archive against SHA256SUMS and its contents; --help; version; config dump on
# the scenario's files (same bytes as the native binary's); whoami over TLS against moto;
# credential-process cold (AssumeRole) and then from the cache; the SigV4 test vectors
# (build/dist/TARGET/unit_sigv4); and the binary alone in an empty chroot (plus the qemu
# interpreter for a foreign binary): --help and whoami over TLS with a CA file.
# Without dist/ (no `make dist` yet) every case is a skip, which fails under CI=true.

DIST_DIR=$ROOT/dist
DIST_VERSION=$(sed -n 's/^#define AWSROLE_VERSION "\(.*\)"/\1/p' "$ROOT/awsrole.h")
DIST_UNPACK=$RUN_DIR/dist-unpack
CHROOT=$(PATH=$PATH:/usr/sbin:/sbin command -v chroot)

# target triple qemu file-arch
DIST_MATRIX="x86_64 x86_64-linux-musl - x86-64
aarch64 aarch64-linux-musl qemu-aarch64-static aarch64
armv7 armv7-linux-musleabihf qemu-arm-static ARM,"

# dist_prepare TARGET TRIPLE QEMU: unpack the archive once per target; sets D_BIN (the binary),
# D_RUN (the command prefix that runs it: empty or the qemu interpreter), D_ARCHIVE.
# Returns 1 (after skip) when the target cannot be tested here.
dist_prepare() {
	local target=$1 triple=$2 qemu=$3
	D_ARCHIVE=$DIST_DIR/awsrole-$DIST_VERSION-$triple.tar.gz
	D_BIN=$DIST_UNPACK/$target/awsrole-$DIST_VERSION-$triple/awsrole
	D_RUN=()
	if [ ! -f "$D_ARCHIVE" ]; then
		skip "no $D_ARCHIVE (run make dist)"
		return 1
	fi
	if [ "$qemu" != - ]; then
		if ! command -v "$qemu" > /dev/null; then
			skip "$qemu not installed (Debian package qemu-user-static)"
			return 1
		fi
		D_RUN=("$(command -v "$qemu")")
	fi
	if [ ! -x "$D_BIN" ]; then
		mkdir -p "$DIST_UNPACK/$target"
		tar -xzf "$D_ARCHIVE" -C "$DIST_UNPACK/$target" || { fail "cannot unpack $D_ARCHIVE"; return 1; }
	fi
	return 0
}

dist_role_profile() { # profile "cp": RoleA without MFA, source keys [base]
	aws_config_profile base region=us-east-1
	aws_config_profile cp role_arn=arn:aws:iam::111111111111:role/RoleA source_profile=base \
		duration_seconds=900 region=us-east-1
	base_credentials base
}

while read -r target triple qemu filearch; do
	[ -n "$target" ] || continue

	t "dist $target: the archive matches SHA256SUMS and holds binary, man page, completions, README, licenses"
	if dist_prepare "$target" "$triple" "$qemu"; then
		name=awsrole-$DIST_VERSION-$triple
		run bash -c "cd '$DIST_DIR' && grep -F ' $name.tar.gz' SHA256SUMS | sha256sum -c -"
		expect_rc 0
		run bash -c "cd '$DIST_UNPACK/$target' && grep -F ' $name/awsrole' '$DIST_DIR/SHA256SUMS' | sha256sum -c -"
		expect_rc 0
		run tar -tzf "$D_ARCHIVE"
		for f in awsrole awsrole.1 README completions/awsrole.bash completions/_awsrole \
			completions/awsrole.fish licenses/BearSSL-LICENSE.txt licenses/curl-COPYING \
			licenses/cJSON-LICENSE licenses/musl-copyright; do
			expect_out_has "$name/$f"
		done
		run tar -tvzf "$D_ARCHIVE"
		expect_eq "entries not owned by 0/0" "" "$(grep -v ' 0/0 ' <<<"$OUT")"
		expect_eq "distinct mtimes" 1 "$(awk '{print $4, $5}' <<<"$OUT" | sort -u | wc -l)"
		run file -b "$D_BIN"
		expect_out_has "statically linked"
		expect_out_has "stripped"
		expect_out_lacks "not stripped"
		expect_out_has "$filearch"
		size=$(stat -c %s "$D_BIN")
		[ "$size" -le 1048576 ] || fail "binary is $size bytes, more than 1 MiB"
		echo "  # $target: $size bytes"
		pass
	fi

	t "dist $target: --help and version"
	if dist_prepare "$target" "$triple" "$qemu"; then
		run "${D_RUN[@]}" "$D_BIN" --help
		expect_rc 0
		expect_out_has "credential-process [PROFILE]"
		run "${D_RUN[@]}" "$D_BIN" version
		expect_rc 0
		expect_out_has "awsrole $DIST_VERSION"
		expect_out_has "BearSSL"
		# With the build facts compiled in (Makefile: AWSROLE_TARGET, AWSROLE_COMMIT), the
		# version output names this target.
		if grep -q 'linux-musl' <<<"$OUT"; then expect_out_has "$triple"; fi
		pass
	fi

	t "dist $target: config dump on the scenario's files, the same bytes as the native binary's"
	if dist_prepare "$target" "$triple" "$qemu"; then
		need_moto && scenario_files
		run "$AWSROLE_BIN" config dump
		want=$OUT
		expect_rc 0
		run "${D_RUN[@]}" "$D_BIN" config dump
		expect_rc 0
		expect_out_has "CustomerA"
		expect_out_has "[redacted]"
		expect_out_eq "$want"
		pass
	fi

	t "dist $target: whoami over TLS against moto"
	if dist_prepare "$target" "$triple" "$qemu"; then
		use_moto && use_base_keys
		run "${D_RUN[@]}" "$D_BIN" whoami --region us-east-1
		expect_rc 0
		expect_out_has "\"Arn\": \"$BASE_USER_ARN\""
		pass
	fi

	t "dist $target: credential-process cold (AssumeRole over TLS), then from the cache"
	if dist_prepare "$target" "$triple" "$qemu"; then
		use_moto && dist_role_profile
		run "${D_RUN[@]}" "$D_BIN" credential-process cp
		expect_rc 0
		akid=$(json_get "$OUT" AccessKeyId)
		expect_eq "Version" 1 "$(json_get "$OUT" Version)"
		[ -n "$akid" ] || fail "no AccessKeyId in the first answer"
		mark=$(moto_log_mark)
		run "${D_RUN[@]}" "$D_BIN" credential-process cp
		expect_rc 0
		expect_eq "AccessKeyId from the cache" "$akid" "$(json_get "$OUT" AccessKeyId)"
		expect_eq "requests to moto for the cached session" 0 "$(moto_calls_since "$mark")"
		pass
	fi

	t "dist $target: the SigV4 test vectors (unit_sigv4 built for $target)"
	if dist_prepare "$target" "$triple" "$qemu"; then
		u=$ROOT/build/dist/$target/unit_sigv4
		if [ ! -x "$u" ]; then
			skip "no $u (make dist builds it)"
		else
			cd "$ROOT" || fail "cd $ROOT"
			run "${D_RUN[@]}" "$u"
			cd "$HOME" || true
			expect_rc 0
			expect_out_has "sigv4: "
			expect_out_lacks "FAIL "
			if ! grep -qE '^sigv4: [1-9][0-9]* passed, 0 failed' <<<"$OUT"; then
				fail "no 'sigv4: N passed, 0 failed' line"
				_run_report
			fi
			pass
		fi
	fi

	# The chroot holds the binary and ca.pem (and, for a foreign binary, the static qemu
	# interpreter): no /etc, no /dev, no shell, no libraries.  "localhost" needs no /etc/hosts,
	# since libcurl answers it itself (127.0.0.1 and ::1, RFC 6761).
	t "dist $target: alone in an empty chroot (binary + CA file): --help, whoami over TLS"
	if dist_prepare "$target" "$triple" "$qemu"; then
		if [ "$(id -u)" != 0 ] || [ -z "$CHROOT" ]; then
			skip "chroot needs root and chroot(8)"
		else
			use_moto && use_base_keys
			root=$T_DIR/root
			mkdir -p "$root"
			cp "$D_BIN" "$root/awsrole"
			cp "$MOTO_CA" "$root/ca.pem"
			in=(/awsrole)
			if [ ${#D_RUN[@]} -gt 0 ]; then
				cp "${D_RUN[0]}" "$root/qemu"
				in=(/qemu /awsrole)
			fi
			expect_eq "files in the chroot" "$( (cd "$root" && find . -mindepth 1 | sort | tr '\n' ' ') )" \
				"$( (printf './awsrole\n./ca.pem\n'; [ ${#D_RUN[@]} -gt 0 ] && echo ./qemu) | sort | tr '\n' ' ')"
			run env HOME=/ "$CHROOT" "$root" "${in[@]}" --help
			expect_rc 0
			expect_out_has "credential-process [PROFILE]"
			run env HOME=/ AWS_CA_BUNDLE=/ca.pem "$CHROOT" "$root" "${in[@]}" whoami --region us-east-1
			expect_rc 0
			expect_out_has "\"Arn\": \"$BASE_USER_ARN\""
			pass
		fi
	fi
done <<<"$DIST_MATRIX"
