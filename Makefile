# awsrole — one static C binary (musl + libcurl 8.14.1 + BearSSL + cJSON).
#
#   make              check the tools, verify vendor/ checksums, build deps once, link ./awsrole
#   make unit         build build/unit_* from tests/unit_*.c
#   make test         ./test.sh (after all + unit)
#   make check-layers the layering rules of awsrole.c (tests/check_layers.py; test.sh runs it)
#   make check-asan   clang + glibc + ASan/UBSan deps in build/asan/, then ./test.sh against them
#   make check-heap   glibc build whose free() scans for secrets (build/vg/), then tests/t_92_heap.sh
#   make install      PREFIX=/usr/local DESTDIR=
#   make clean        remove ./awsrole and the awsrole outputs in build/ (deps kept)
#   make distclean    remove build/ entirely
#
# Dependencies are built once per variant; their stamps live in build/ (and build/asan/).

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

# "CC ?=" alone would never fire, because make predefines CC=cc.
ifeq ($(origin CC),default)
CC := musl-gcc
endif
ASAN_CC ?= clang
JOBS    ?= 2

PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install

B   := build
ABS := $(CURDIR)
V   := vendor

BEARSSL_TAR := $(V)/bearssl_0.6+dfsg.1.orig.tar.xz
CURL_TAR    := $(V)/curl_8.14.1.orig.tar.gz
CJSON_TAR   := $(V)/cjson_1.7.18.orig.tar.gz
CJSON_PATCHES := $(sort $(wildcard $(V)/patches/cjson-*.patch))
CURL_PATCHES  := $(sort $(wildcard $(V)/patches/curl-*.patch))
BEARSSL_PATCHES := $(sort $(wildcard $(V)/patches/bearssl-*.patch))

DEP_CFLAGS  := -Os -ffunction-sections -fdata-sections
ASAN_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# BearSSL reads unaligned words through casted pointers on x86 unless told not to;
# that is harmless on x86 but UBSan's alignment check flags it, so turn it off there.
ASAN_DEP_CFLAGS := $(ASAN_SAN) -g -O1 -fno-omit-frame-pointer -DBR_LE_UNALIGNED=0 -DBR_BE_UNALIGNED=0

WARN := -Wall -Wextra

# curl: HTTP/HTTPS only, BearSSL, static, proxy kept, verbose kept (CURLOPT_VERBOSE/DEBUGFUNCTION),
# no CA bundle/path (trust anchors are embedded via CURLOPT_CAINFO_BLOB). The --without-* entries
# beyond FACTS.md keep configure from picking up whatever -dev packages the host happens to have
# (matters for the glibc/clang ASan variant).
CURL_CONFIGURE_FLAGS := \
  --disable-shared --enable-static --disable-dependency-tracking --enable-silent-rules \
  --without-libpsl --without-zlib --without-brotli --without-zstd --without-nghttp2 \
  --without-libidn2 --without-librtmp --without-libgsasl --without-libssh2 --without-libssh \
  --without-wolfssh --without-ngtcp2 --without-nghttp3 --without-quiche --without-msh3 \
  --without-gssapi --without-libuv --disable-ares \
  --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp \
  --disable-pop3 --disable-imap --disable-smtp --disable-gopher --disable-mqtt --disable-ftp \
  --disable-file --disable-smb --disable-ntlm --disable-docs --disable-manual --disable-cookies \
  --disable-alt-svc --disable-hsts --disable-netrc --disable-websockets --disable-ipfs \
  --without-ca-bundle --without-ca-path --without-ca-fallback --without-ca-embed \
  --enable-proxy --enable-verbose --enable-ipv6 --enable-threaded-resolver

# ---------------------------------------------------------------------------------------------
.PHONY: all toolchain-check verify deps unit test check-build check-layers check-asan check-valgrind asan-deps bench install uninstall clean distclean

all: awsrole

# Before anything else: the tools the goals need exist (issue 13.21).  A missing one is named
# with the Debian package that brings it (tests/prereqs.txt, the one list of prerequisites).
# The compilers checked are those of the goals: $(CC) (default musl-gcc), $(ASAN_CC) for the
# ASan and fuzzing goals, gcc for check-valgrind.
ASAN_GOALS := check-asan asan-deps fuzz fuzz-build fuzz-smoke
NOCC_GOALS := check-layers clean distclean uninstall check-valgrind
GOALS      := $(or $(MAKECMDGOALS),all)
NEED_CC    := $(if $(filter-out $(ASAN_GOALS) $(NOCC_GOALS),$(GOALS)),$(firstword $(CC))) \
              $(if $(filter $(ASAN_GOALS),$(GOALS)),$(firstword $(ASAN_CC))) \
              $(if $(filter check-valgrind check-heap test,$(GOALS)),gcc)
toolchain-check:
	@bash tests/prereqs.sh cmds $(sort $(NEED_CC)) ar tar xz patch sha256sum

# First step of every build: the pristine tarballs must match vendor/SHA256SUMS.
# Phony and cheap (~20 ms); every build-producing rule waits for it (order-only, so it
# never forces a rebuild by itself).
verify: toolchain-check
	@cd $(V) && sha256sum --quiet --strict -c SHA256SUMS \
	  || { echo "*** vendor/ checksum MISMATCH: refusing to build (see vendor/SHA256SUMS)" >&2; exit 1; }
	@echo "vendor/ checksums OK"

# ---------------------------------------------------------------------------------------------
# Source extraction (shared by both variants except curl, which configures in-tree).

$(B)/src/bearssl/.extracted: $(BEARSSL_TAR) $(BEARSSL_PATCHES) | verify
	rm -rf $(@D) && mkdir -p $(@D)
	tar -xJf $< -C $(@D) --strip-components=1
	@set -e; for p in $(BEARSSL_PATCHES); do echo "applying $$p"; patch -d $(@D) -p1 --forward --batch < $$p; done
	touch $@

$(B)/src/cjson/.extracted: $(CJSON_TAR) $(CJSON_PATCHES) | verify
	rm -rf $(@D) && mkdir -p $(@D)
	tar -xzf $< -C $(@D) --strip-components=1
	@set -e; for p in $(CJSON_PATCHES); do echo "applying $$p"; patch -d $(@D) -p1 --forward --batch < $$p; done
	touch $@

# ---------------------------------------------------------------------------------------------
# Per-variant dependency rules.  $(1) = output dir, $(2) = compiler, $(3) = CFLAGS, $(4) = LDFLAGS,
# $(5) = extra curl configure arguments (cross: --host, AR, RANLIB), $(6) = ar (default: ar)
define DEPS_template

# BearSSL: direct compile of src/**/*.c (file basenames are unique), xargs -P for parallelism.
$(1)/libbearssl.a: $(B)/src/bearssl/.extracted | verify
	@echo "  BEARSSL  $$@ ($(2))"
	rm -rf $(1)/bearssl-obj && mkdir -p $(1)/bearssl-obj
	cd $(1)/bearssl-obj && find $(ABS)/$(B)/src/bearssl/src -name '*.c' | sort \
	  | xargs -P $(JOBS) -n 24 $(2) $(3) -I$(ABS)/$(B)/src/bearssl/inc -I$(ABS)/$(B)/src/bearssl/src -c
	rm -f $$@.tmp && $(or $(6),ar) rcs $$@.tmp $(1)/bearssl-obj/*.o && mv $$@.tmp $$@

# --with-bearssl wants DIR/include and DIR/lib.
$(1)/bearssl-prefix/.stamp: $(1)/libbearssl.a
	rm -rf $$(@D) && mkdir -p $$(@D)/lib
	ln -s $(ABS)/$(B)/src/bearssl/inc $$(@D)/include
	ln -s $(ABS)/$(1)/libbearssl.a $$(@D)/lib/libbearssl.a
	touch $$@

$(1)/curl/.extracted: $(CURL_TAR) $(CURL_PATCHES) | verify
	rm -rf $$(@D) && mkdir -p $$(@D)
	tar -xzf $$< -C $$(@D) --strip-components=1
	@set -e; for p in $(CURL_PATCHES); do echo "applying $$$$p"; patch -d $$(@D) -p1 --forward --batch --quiet < $$$$p; done
	touch $$@

$(1)/curl/.configured: $(1)/curl/.extracted $(1)/bearssl-prefix/.stamp
	@echo "  CONFIGURE curl ($(2)) — log in $(1)/curl/configure.out"
	cd $(1)/curl && CC="$(2)" CFLAGS="$(3)" LDFLAGS="$(4)" ./configure \
	  $(CURL_CONFIGURE_FLAGS) $(5) --with-bearssl=$(ABS)/$(1)/bearssl-prefix > configure.out 2>&1 \
	  || { tail -40 configure.out; echo "*** curl configure failed, see $(1)/curl/config.log" >&2; exit 1; }
	@sed -n '/curl version:/,/^$$$$/p' $(1)/curl/configure.out | grep -E 'SSL:|Protocols:|Features:|Proxy|Verbose|resolver' || true
	touch $$@

$(1)/curl/lib/.libs/libcurl.a: $(1)/curl/.configured
	@echo "  MAKE     curl/lib ($(2)) — log in $(1)/curl/make.out"
	$(MAKE) -C $(1)/curl/lib -j$(JOBS) > $(1)/curl/make.out 2>&1 \
	  || { tail -40 $(1)/curl/make.out; echo "*** curl build failed" >&2; exit 1; }
	touch $$@

$(1)/cJSON.o: $(B)/src/cjson/.extracted | verify
	@mkdir -p $$(@D)
	$(2) $(3) -c $(B)/src/cjson/cJSON.c -o $$@

endef

$(eval $(call DEPS_template,$(B),$(CC),$(DEP_CFLAGS),))
$(eval $(call DEPS_template,$(B)/asan,$(ASAN_CC),$(ASAN_DEP_CFLAGS),$(ASAN_SAN)))
# valgrind cannot see musl's static malloc, so check-valgrind uses a plain gcc/glibc variant.
$(eval $(call DEPS_template,$(B)/vg,gcc,-g -O1 -fno-omit-frame-pointer,))

DEPLIBS      := $(B)/cJSON.o $(B)/curl/lib/.libs/libcurl.a $(B)/libbearssl.a
ASAN_DEPLIBS := $(B)/asan/cJSON.o $(B)/asan/curl/lib/.libs/libcurl.a $(B)/asan/libbearssl.a

deps: $(DEPLIBS)
asan-deps: $(ASAN_DEPLIBS)

INCS      := -I. -I$(B)/src/bearssl/inc -I$(B)/curl/include -I$(B)/src/cjson
ASAN_INCS := -I. -I$(B)/src/bearssl/inc -I$(B)/asan/curl/include -I$(B)/src/cjson

APP_CFLAGS  := -Os -ffunction-sections -fdata-sections $(WARN) -DCURL_STATICLIB
APP_LDFLAGS := -static -Wl,--gc-sections
APP_LIBS    := $(B)/cJSON.o $(B)/curl/lib/.libs/libcurl.a $(B)/libbearssl.a -lpthread

ASAN_CFLAGS := $(ASAN_SAN) -g -O1 -fno-omit-frame-pointer $(WARN) -DCURL_STATICLIB
ASAN_LIBS   := $(B)/asan/cJSON.o $(B)/asan/curl/lib/.libs/libcurl.a $(B)/asan/libbearssl.a -lpthread

# ---------------------------------------------------------------------------------------------
# The program.  awsrole.c/awsrole.h are optional prerequisites so that, while they do not
# exist yet, all dependencies still build and only the final link fails, with a message.
APP_SRCS := $(wildcard awsrole.c awsrole.h)

define need_src
	@test -f awsrole.c || { echo "*** awsrole.c does not exist yet: dependencies are built, the final link is skipped" >&2; exit 1; }
endef

awsrole: $(DEPLIBS) $(APP_SRCS) $(B)/awsrole.defs | verify
	$(need_src)
	$(CC) $(APP_CFLAGS) $(call awsrole_defs,$(NATIVE_TRIPLE)) $(INCS) $(APP_LDFLAGS) -s -o $@ awsrole.c $(APP_LIBS)

# Unit tests: tests/unit_X.c does #include "../awsrole.c".
UNIT_SRCS := $(wildcard tests/unit_*.c)
UNITS     := $(patsubst tests/%.c,$(B)/%,$(UNIT_SRCS))
ASAN_UNITS := $(patsubst tests/%.c,$(B)/asan/%,$(UNIT_SRCS))

unit: $(UNITS)

$(B)/unit_%: tests/unit_%.c $(DEPLIBS) $(APP_SRCS) | verify
	$(need_src)
	$(CC) $(APP_CFLAGS) -Wno-unused-function -g -DAWSROLE_NO_MAIN $(INCS) $(APP_LDFLAGS) -o $@ $< $(APP_LIBS)

$(B)/asan/awsrole: $(ASAN_DEPLIBS) $(APP_SRCS) | verify
	$(need_src)
	$(ASAN_CC) $(ASAN_CFLAGS) $(ASAN_INCS) -o $@ awsrole.c $(ASAN_LIBS)

$(B)/asan/unit_%: tests/unit_%.c $(ASAN_DEPLIBS) $(APP_SRCS) | verify
	$(need_src)
	$(ASAN_CC) $(ASAN_CFLAGS) -Wno-unused-function -DAWSROLE_NO_MAIN $(ASAN_INCS) -o $@ $< $(ASAN_LIBS)

# ---------------------------------------------------------------------------------------------
# The heapscan build too: tests/t_92_heap.sh uses it (its cases skip without it,
# which fails under CI=true).
test: all unit $(B)/vg/awsrole-heapscan
	./test.sh

# Sections call only earlier sections, banners' "Calls:" lines are true, every function has a
# contract comment and is at most 60 lines (issue 15; rules in tests/check_layers.py).
check-layers:
	python3 tests/check_layers.py awsrole.c awsrole.h

# Everything make test and make check-asan build, in one make: .ci/run builds it first, then runs
# the two suites side by side (each test.sh has its own peers and scratch directory).
check-build: all unit $(B)/vg/awsrole-heapscan $(B)/asan/awsrole $(ASAN_UNITS)

check-asan: $(B)/asan/awsrole $(ASAN_UNITS)
	ASAN_OPTIONS=$${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:strict_string_checks=1} \
	UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	AWSROLE_BIN=$(ABS)/$(B)/asan/awsrole AWSROLE_UNIT_DIR=$(ABS)/$(B)/asan ./test.sh

# Every unit test under valgrind memcheck: 0 errors and no definite leaks.
VG_INCS  := -I. -I$(B)/src/bearssl/inc -I$(B)/vg/curl/include -I$(B)/src/cjson
VG_LIBS  := $(B)/vg/cJSON.o $(B)/vg/curl/lib/.libs/libcurl.a $(B)/vg/libbearssl.a
VG_UNITS := $(patsubst tests/%.c,$(B)/vg/%,$(UNIT_SRCS))

$(B)/vg/unit_%: tests/unit_%.c $(VG_LIBS) $(APP_SRCS) | verify
	$(need_src)
	gcc -g -O1 -fno-omit-frame-pointer $(WARN) -Wno-unused-function -DCURL_STATICLIB -DAWSROLE_NO_MAIN $(VG_INCS) \
	  -o $@ $< $(VG_LIBS) -lpthread

check-valgrind: $(VG_UNITS)
	@mkdir -p $(B)/vg/home; fail=; for u in $(VG_UNITS); do echo "  VALGRIND $$u"; \
	  HOME=$(ABS)/$(B)/vg/home valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite $$u > $$u.log 2>&1 \
	  || { fail="$$fail $$u"; tail -40 $$u.log; }; done; \
	[ -z "$$fail" ] || { echo "*** valgrind:$$fail" >&2; exit 1; }; echo "valgrind: all units clean"

# Secrets left in freed heap memory (issue 13 point 4): awsrole on the glibc variant's deps, with
# tests/heapscan.c replacing free()/realloc() to scan each block; tests/t_92_heap.sh runs it.
.PHONY: check-heap
$(B)/vg/awsrole-heapscan: tests/heapscan.c $(VG_LIBS) $(APP_SRCS) | verify
	$(need_src)
	gcc -g -O1 -fno-omit-frame-pointer $(WARN) -DCURL_STATICLIB $(VG_INCS) \
	  -o $@ awsrole.c tests/heapscan.c $(VG_LIBS) -lpthread

check-heap: $(B)/vg/awsrole-heapscan
	AWSROLE_HEAP_BIN=$(ABS)/$(B)/vg/awsrole-heapscan ./test.sh t_92_heap

# The agent lane's fetch benchmark (bench/agent.sh): bench/fetchload.c, the load generator, and
# bench/httpfloor.c, a minimal server that gives the floor for this machine and client.
$(B)/fetchload: bench/fetchload.c
	@mkdir -p $(@D)
	gcc -O2 -pthread $(WARN) -o $@ $<

$(B)/httpfloor: bench/httpfloor.c
	@mkdir -p $(@D)
	gcc -O2 $(WARN) -o $@ $<

bench: all $(B)/fetchload $(B)/httpfloor
	@if [ -x bench/run ]; then bench/run; else echo "bench/run does not exist; nothing to do"; fi

install: awsrole
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin
	$(INSTALL) -m 0755 awsrole $(DESTDIR)$(PREFIX)/bin/awsrole
	@set -e; \
	for m in awsrole.1 man/awsrole.1 doc/awsrole.1 docs/awsrole.1; do \
	  if [ -f $$m ]; then \
	    $(INSTALL) -d $(DESTDIR)$(PREFIX)/share/man/man1; \
	    $(INSTALL) -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/awsrole.1; break; fi; \
	done; \
	if [ -f completions/awsrole.bash ]; then \
	  $(INSTALL) -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions; \
	  $(INSTALL) -m 0644 completions/awsrole.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/awsrole; fi; \
	if [ -f completions/_awsrole ]; then \
	  $(INSTALL) -d $(DESTDIR)$(PREFIX)/share/zsh/site-functions; \
	  $(INSTALL) -m 0644 completions/_awsrole $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_awsrole; fi; \
	if [ -f completions/awsrole.fish ]; then \
	  $(INSTALL) -d $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d; \
	  $(INSTALL) -m 0644 completions/awsrole.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/awsrole.fish; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/awsrole $(DESTDIR)$(PREFIX)/share/man/man1/awsrole.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/awsrole \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_awsrole \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/awsrole.fish

clean:
	rm -f awsrole $(B)/unit_* $(B)/asan/awsrole $(B)/asan/unit_* $(B)/vg/unit_*

distclean:
	rm -rf $(B)

# ---------------------------------------------------------------------------------------------
# Fuzzing (libFuzzer, clang + ASan/UBSan; see tests/fuzz/README.md).
#
#   make fuzz          build build/fuzz/fuzz_* and run each for FUZZ_SECONDS (default 60)
#   make fuzz-smoke    the same for 10 s each (CI)
#   make fuzz-build    build only
#
# tests/fuzz/fuzz_X.c defines AWSROLE_NO_MAIN and #includes "../../awsrole.c" (so unused statics
# are expected: -Wno-unused-function); it links the ASan-variant curl and BearSSL, and a cJSON
# compiled again with coverage (fuzzer-no-link) so the JSON targets are guided through it.
# The committed seeds in tests/fuzz/corpus/fuzz_X and the fixed findings' reproducers in
# tests/fuzz/crashes (replayed by every target) are read only; new inputs go to
# build/fuzz/fuzz_X.corpus and crash files to build/fuzz/fuzz_X-crash-*.  Any crash, leak or
# timeout in any target fails the run (after every target has run).  ASAN_OPTIONS defaults to
# strict_string_checks=1, as for check-asan: str* calls must stay inside the input too.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_ini fuzz_xml fuzz_cache fuzz_process fuzz_sigv4 fuzz_http_request
FUZZ_BINS    := $(addprefix $(B)/fuzz/,$(FUZZ_TARGETS))
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer $(WARN) -Wno-unused-function -DCURL_STATICLIB
FUZZ_LIBS    := $(B)/fuzz/cJSON.o $(B)/asan/curl/lib/.libs/libcurl.a $(B)/asan/libbearssl.a -lpthread
FUZZ_FLAGS   := -rss_limit_mb=2048 -timeout=10 -print_final_stats=1

.PHONY: fuzz fuzz-smoke fuzz-build

fuzz-build: $(FUZZ_BINS)

$(B)/fuzz/cJSON.o: $(B)/src/cjson/.extracted | verify
	@mkdir -p $(@D)
	$(ASAN_CC) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	  -g -O1 -fno-omit-frame-pointer -c $(B)/src/cjson/cJSON.c -o $@

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/fuzz/cJSON.o $(ASAN_DEPLIBS) $(APP_SRCS) | verify
	$(need_src)
	@mkdir -p $(@D)
	$(ASAN_CC) $(FUZZ_SAN) $(FUZZ_CFLAGS) $(ASAN_INCS) -o $@ $< $(FUZZ_LIBS)

fuzz: $(FUZZ_BINS)
	@failed=; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(B)/fuzz/$$t.corpus; \
	  echo "  FUZZ     $$t for $(FUZZ_SECONDS) s — log in $(B)/fuzz/$$t.log"; \
	  if ASAN_OPTIONS=$${ASAN_OPTIONS:-strict_string_checks=1} \
	     UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1} \
	     $(B)/fuzz/$$t $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	       -artifact_prefix=$(B)/fuzz/$$t- $(B)/fuzz/$$t.corpus tests/fuzz/corpus/$$t tests/fuzz/crashes \
	       > $(B)/fuzz/$$t.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units|^Done ' $(B)/fuzz/$$t.log | tr '\n' ' '; echo; \
	  else \
	    failed="$$failed $$t"; tail -60 $(B)/fuzz/$$t.log; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "*** fuzz: crash in:$$failed (reproducers: $(B)/fuzz/*-crash-*)" >&2; exit 1; fi; \
	echo "fuzz: no crashes in $(FUZZ_TARGETS)"

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=10

# ---------------------------------------------------------------------------------------------
# Build facts compiled into every awsrole binary (native and dist): `awsrole version` prints them.
#   AWSROLE_COMMIT     git rev-parse --short=12 HEAD of this tree ("unknown" outside git)
#   SOURCE_DATE_EPOCH  the commit's time (reproducible builds; exported to compilers, tar, ...)
# Both can be given on the command line (dist-check does, for its copies of the tree).
GIT_TOP := $(shell git -C $(ABS) rev-parse --show-toplevel 2>/dev/null)
ifeq ($(origin AWSROLE_COMMIT),undefined)
AWSROLE_COMMIT := $(if $(filter $(ABS),$(GIT_TOP)),$(shell git -C $(ABS) rev-parse --short=12 HEAD 2>/dev/null),)
AWSROLE_COMMIT := $(or $(AWSROLE_COMMIT),unknown)
endif
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(if $(filter $(ABS),$(GIT_TOP)),$(shell git -C $(ABS) log -1 --format=%ct 2>/dev/null),)
SOURCE_DATE_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell stat -c %Y $(ABS)/awsrole.h 2>/dev/null),0)
endif
export SOURCE_DATE_EPOCH
AWSROLE_VERSION_STR := $(shell sed -n 's/^\#define AWSROLE_VERSION "\(.*\)"/\1/p' $(ABS)/awsrole.h 2>/dev/null)
AWSROLE_VERSION_STR := $(or $(AWSROLE_VERSION_STR),unknown)
BEARSSL_VERSION := 0.6
# musl-gcc runs the host gcc (x86_64-linux-gnu): name the musl triple.
NATIVE_TRIPLE := $(subst -gnu,-musl,$(shell $(CC) -dumpmachine 2>/dev/null))
awsrole_defs = -DAWSROLE_TARGET='"$(1)"' -DAWSROLE_COMMIT='"$(AWSROLE_COMMIT)"' \
  -DAWSROLE_BEARSSL_VERSION='"$(BEARSSL_VERSION)"'
# FILE.defs holds the facts a binary was built with; rewritten only when they change, so a new
# commit relinks the binary (its version output would be stale otherwise).
define write_defs
	@mkdir -p $(@D); d='$(1) $(AWSROLE_COMMIT) $(BEARSSL_VERSION)'; \
	  [ "$$(cat $@ 2>/dev/null)" = "$$d" ] || echo "$$d" > $@
endef
.PHONY: FORCE
$(B)/awsrole.defs: FORCE
	$(call write_defs,$(NATIVE_TRIPLE))

# ---------------------------------------------------------------------------------------------
# Release builds: static, stripped binaries for three targets, reproducible byte for byte.
#
#   make dist                      every target in TARGETS (default: x86_64 aarch64 armv7):
#                                  build/dist/<target>/ (deps, binary, unit_sigv4), then dist/:
#                                  awsrole-<version>-<triple>.tar.gz, SHA256SUMS, BUILDINFO
#   make dist TARGETS=aarch64      some targets only (dist/ then lists only those)
#   make dist-check [TARGETS=...]  two `make dist` runs in fresh copies of the tree (two
#                                  directories, umask 022 vs 077, TZ UTC vs Asia/Tokyo, one after
#                                  the other), then compares every archive, binary and BUILDINFO
#
# Toolchains, all Debian packages (README "Build"): x86_64: musl-tools (musl-dev); aarch64:
# gcc-aarch64-linux-gnu + musl-dev:arm64; armv7 (hard float): gcc-arm-linux-gnueabihf +
# musl-dev:armhf.  The multiarch musl-dev packages ship the <triple>-gcc wrappers named here.
# Reproducibility: -ffile-prefix-map hides the build directory, SOURCE_DATE_EPOCH (the commit
# time) is exported, Debian's ar is deterministic, tar is sorted with fixed owner, mode and
# mtime, gzip -n stores no name or time.
DIST_TARGETS := x86_64 aarch64 armv7
TARGETS      ?= $(DIST_TARGETS)
DIST_CC_x86_64      := x86_64-linux-musl-gcc
DIST_CC_aarch64     := aarch64-linux-musl-gcc
DIST_CC_armv7       := arm-linux-musleabihf-gcc
DIST_TOOLS_x86_64   := x86_64-linux-gnu-
DIST_TOOLS_aarch64  := aarch64-linux-gnu-
DIST_TOOLS_armv7    := arm-linux-gnueabihf-
DIST_HOST_x86_64    := x86_64-linux-musl
DIST_HOST_aarch64   := aarch64-linux-musl
DIST_HOST_armv7     := arm-linux-musleabihf
DIST_TRIPLE_x86_64  := x86_64-linux-musl
DIST_TRIPLE_aarch64 := aarch64-linux-musl
DIST_TRIPLE_armv7   := armv7-linux-musleabihf
DIST_DPKG_ARCH_x86_64 := amd64
DIST_DPKG_ARCH_aarch64 := arm64
DIST_DPKG_ARCH_armv7  := armhf
DIST_PKGS_x86_64  := musl-tools
DIST_PKGS_aarch64 := gcc-aarch64-linux-gnu musl-dev:arm64
DIST_PKGS_armv7   := gcc-arm-linux-gnueabihf musl-dev:armhf
DIST_MAX_BYTES := 1048576

# Say which packages are missing before anything is built.
ifneq ($(filter dist dist-units dist-check,$(MAKECMDGOALS)),)
ifneq ($(filter-out $(DIST_TARGETS),$(TARGETS)),)
$(error TARGETS: unknown $(filter-out $(DIST_TARGETS),$(TARGETS)) (known: $(DIST_TARGETS)))
endif
DIST_MISSING := $(strip $(foreach t,$(TARGETS),$(if $(shell command -v $(DIST_CC_$(t))),,$(t))))
ifneq ($(DIST_MISSING),)
$(error make dist: no $(foreach t,$(DIST_MISSING),$(DIST_CC_$(t))) for $(DIST_MISSING); install $(foreach t,$(DIST_MISSING),$(DIST_PKGS_$(t))) (dpkg --add-architecture arm64/armhf first; README "Build"))
endif
endif

DIST_MAP        := -ffile-prefix-map=$(ABS)=.
DIST_DEP_CFLAGS := $(DEP_CFLAGS) $(DIST_MAP)
dist_name        = awsrole-$(AWSROLE_VERSION_STR)-$(DIST_TRIPLE_$(1))
dist_conf        = --host=$(DIST_HOST_$(1)) AR=$(DIST_TOOLS_$(1))ar RANLIB=$(DIST_TOOLS_$(1))ranlib

$(foreach t,$(DIST_TARGETS),$(eval $(call DEPS_template,$(B)/dist/$(t),$(DIST_CC_$(t)),$(DIST_DEP_CFLAGS),,$(call dist_conf,$(t)),$(DIST_TOOLS_$(t))ar)))

# $(1) = target
define DIST_template
DIST_LIBS_$(1) := $(B)/dist/$(1)/cJSON.o $(B)/dist/$(1)/curl/lib/.libs/libcurl.a $(B)/dist/$(1)/libbearssl.a
DIST_INCS_$(1) := -I. -I$(B)/src/bearssl/inc -I$(B)/dist/$(1)/curl/include -I$(B)/src/cjson

$(B)/dist/$(1)/awsrole.defs: FORCE
	$$(call write_defs,$(DIST_TRIPLE_$(1)))

$(B)/dist/$(1)/awsrole: $$(DIST_LIBS_$(1)) $(APP_SRCS) $(B)/dist/$(1)/awsrole.defs | verify
	$$(need_src)
	$(DIST_CC_$(1)) $(APP_CFLAGS) $(DIST_MAP) $$(call awsrole_defs,$(DIST_TRIPLE_$(1))) $$(DIST_INCS_$(1)) \
	  $(APP_LDFLAGS) -s -o $$@ awsrole.c $$(DIST_LIBS_$(1)) -lpthread
	@n=$$$$(stat -c %s $$@); echo "  SIZE     $$@: $$$$n bytes"; \
	  [ $$$$n -le $(DIST_MAX_BYTES) ] || { echo "*** $$@ is larger than 1 MiB" >&2; rm -f $$@; exit 1; }

# The SigV4 unit test for this target (run under qemu by tests/t_95_dist.sh; not shipped).
$(B)/dist/$(1)/unit_sigv4: tests/unit_sigv4.c $$(DIST_LIBS_$(1)) $(APP_SRCS) | verify
	$$(need_src)
	$(DIST_CC_$(1)) $(APP_CFLAGS) $(DIST_MAP) -Wno-unused-function -DAWSROLE_NO_MAIN $$(DIST_INCS_$(1)) \
	  $(APP_LDFLAGS) -o $$@ $$< $$(DIST_LIBS_$(1)) -lpthread

# The archive: one top directory, the binary, man page, completions, README, licenses.
dist/$(call dist_name,$(1)).tar.gz: $(B)/dist/$(1)/awsrole awsrole.1 README $(wildcard completions/*) | verify
	@echo "  DIST     $$@"
	rm -rf $(B)/dist/$(1)/stage && mkdir -p $(B)/dist/$(1)/stage/$(call dist_name,$(1))
	cd $(B)/dist/$(1)/stage/$(call dist_name,$(1)) && mkdir completions licenses \
	  && install -m 0755 $(ABS)/$(B)/dist/$(1)/awsrole awsrole \
	  && install -m 0644 $(ABS)/awsrole.1 $(ABS)/README . \
	  && install -m 0644 $(addprefix $(ABS)/,$(wildcard completions/*)) completions/ \
	  && install -m 0644 $(ABS)/$(B)/src/bearssl/LICENSE.txt licenses/BearSSL-LICENSE.txt \
	  && install -m 0644 $(ABS)/$(B)/dist/$(1)/curl/COPYING licenses/curl-COPYING \
	  && install -m 0644 $(ABS)/$(B)/src/cjson/LICENSE licenses/cJSON-LICENSE \
	  && install -m 0644 /usr/share/doc/musl/copyright licenses/musl-copyright
	@mkdir -p dist
	LC_ALL=C tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
	  --mtime=@$(SOURCE_DATE_EPOCH) --mode='u=rwX,go=rX' -C $(B)/dist/$(1)/stage \
	  -cf - $(call dist_name,$(1)) | gzip -9 -n > $$@.tmp && mv $$@.tmp $$@
endef
$(foreach t,$(DIST_TARGETS),$(eval $(call DIST_template,$(t))))

DIST_ARCHIVES := $(foreach t,$(TARGETS),dist/$(call dist_name,$(t)).tar.gz)

.PHONY: dist dist-units dist-check clean-dist
dist-units: $(foreach t,$(TARGETS),$(B)/dist/$(t)/unit_sigv4)

# SHA256SUMS lists the archives and, for `sha256sum -c --ignore-missing` after unpacking,
# each binary inside; BUILDINFO names what built them (nothing in it varies between builds
# of one commit on one toolchain).
dist: $(DIST_ARCHIVES) dist-units
	@set -e; cd dist; \
	  for f in awsrole-*.tar.gz; do case " $(notdir $(DIST_ARCHIVES)) " in *" $$f "*) ;; *) rm -f "$$f";; esac; done; \
	  : > SHA256SUMS.tmp; \
	  for a in $(notdir $(DIST_ARCHIVES)); do sha256sum "$$a" >> SHA256SUMS.tmp; \
	    tar -xzOf "$$a" "$${a%.tar.gz}/awsrole" | sha256sum | sed "s|-\$$|$${a%.tar.gz}/awsrole|" >> SHA256SUMS.tmp; done; \
	  mv SHA256SUMS.tmp SHA256SUMS
	@{ echo "awsrole $(AWSROLE_VERSION_STR)"; \
	  echo "commit: $(AWSROLE_COMMIT)"; \
	  echo "SOURCE_DATE_EPOCH: $(SOURCE_DATE_EPOCH) ($$(date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ))"; \
	  echo "BearSSL $(BEARSSL_VERSION), curl 8.14.1, cJSON 1.7.18 (vendor/); musl from Debian musl-dev (below)"; \
	  echo "targets:"; \
	  $(foreach t,$(TARGETS),echo "  $(DIST_TRIPLE_$(t)): $(DIST_CC_$(t)) = $$($(DIST_TOOLS_$(t))gcc --version | head -1)"; \
	    echo "    $$($(DIST_TOOLS_$(t))ld --version | head -1); musl-dev:$(DIST_DPKG_ARCH_$(t)) $$(dpkg-query -W -f='$${Version}' musl-dev:$(DIST_DPKG_ARCH_$(t)) 2>/dev/null || echo '?')";) \
	  echo "cflags: $(DEP_CFLAGS) -ffile-prefix-map=<build dir>=. (deps); $(APP_CFLAGS) (awsrole); ldflags: $(APP_LDFLAGS) -s"; \
	  echo "vendored sources (vendor/SHA256SUMS):"; sed 's/^/  /' $(V)/SHA256SUMS; \
	} > dist/BUILDINFO
	@echo "dist/:"; cd dist && ls -l BUILDINFO SHA256SUMS $(notdir $(DIST_ARCHIVES)) | sed 's/^/  /'

# Two builds from fresh copies of this tree (git's tracked files when in git, else everything
# but build outputs), in directories of different depth and name, with different umask and TZ,
# one after the other; the commit and SOURCE_DATE_EPOCH are this tree's.  Logs:
# build/dist-check/*.log.  DIST_CHECK_AGAINST=DIR takes DIR's own `make dist` output (a clean
# tree of the same commit, e.g. CI's fresh clone: DIST_CHECK_AGAINST=.) as the first build, so
# that only one more build runs; then the archives and binaries of TARGETS are compared.
DIST_CHECK_DIR := $(B)/dist-check
DIST_CHECK_AGAINST ?=
dist-check: | verify
	@set -e; top=$(ABS)/$(DIST_CHECK_DIR); rm -rf "$$top"; mkdir -p "$$top"; \
	  b=$$top/second-build/tree-b; \
	  if [ -n "$(DIST_CHECK_AGAINST)" ]; then a=$$(cd "$(DIST_CHECK_AGAINST)" && pwd); runs="second-build/tree-b:077:Asia/Tokyo"; \
	    [ -f "$$a/dist/SHA256SUMS" ] || { echo "*** dist-check: $$a has no dist/ (run make dist there first)" >&2; exit 1; }; \
	    echo "  DIST-CHECK first build: $$a (existing make dist output)"; \
	  else a=$$top/a; runs="a:022:UTC second-build/tree-b:077:Asia/Tokyo"; fi; \
	  for r in $$runs; do d=$$top/$${r%%:*}; m=$${r#*:}; tz=$${m#*:}; m=$${m%%:*}; \
	    mkdir -p "$$d"; \
	    if [ -n "$(GIT_TOP)" ] && [ "$(GIT_TOP)" = "$(ABS)" ]; then git -C $(ABS) ls-files -z | (cd $(ABS) && tar --null -T - -cf -); \
	    else tar -C $(ABS) --exclude=./build --exclude=./dist --exclude=./awsrole --exclude=./tests/tmp --exclude=./bench/out --exclude=./.git -cf - .; fi \
	      | (umask $$m; tar -C "$$d" --no-same-permissions -xf -); \
	    echo "  DIST-CHECK build in $$d (umask $$m, TZ=$$tz) — log in $$d.log"; \
	    start=$$(date +%s); \
	    if ! (umask $$m; cd "$$d" && TZ=$$tz $(MAKE) --no-print-directory dist TARGETS='$(TARGETS)' JOBS=$(JOBS) \
	          AWSROLE_COMMIT=$(AWSROLE_COMMIT) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)) > "$$d.log" 2>&1; then \
	      tail -30 "$$d.log"; echo "*** dist-check: the build in $$d failed" >&2; exit 1; fi; \
	    echo "    $$(( $$(date +%s) - start )) s"; \
	  done; \
	  fail=0; files="$(addprefix dist/,$(notdir $(DIST_ARCHIVES)))"; \
	  [ -n "$(DIST_CHECK_AGAINST)" ] || files="dist/SHA256SUMS dist/BUILDINFO $$files"; \
	  for t in $(TARGETS); do files="$$files $(B)/dist/$$t/awsrole $(B)/dist/$$t/unit_sigv4"; done; \
	  for f in $$files; do \
	    if cmp -s "$$a/$$f" "$$b/$$f"; then echo "  same      $$f  $$(sha256sum < "$$b/$$f" | cut -c1-16)"; \
	    else echo "  DIFFERENT $$f"; fail=1; fi; done; \
	  if [ $$fail = 0 ]; then echo "dist-check: reproducible ($(TARGETS))"; \
	  else echo "*** dist-check: the two builds differ (compare $$a and $$b, e.g. with diffoscope)" >&2; exit 1; fi

clean-dist:
	rm -rf dist $(B)/dist $(DIST_CHECK_DIR)
distclean: clean-dist
