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
.PHONY: all toolchain-check verify deps unit test check-layers check-asan check-valgrind asan-deps bench install uninstall clean distclean

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

$(B)/src/bearssl/.extracted: $(BEARSSL_TAR) | verify
	rm -rf $(@D) && mkdir -p $(@D)
	tar -xJf $< -C $(@D) --strip-components=1
	touch $@

$(B)/src/cjson/.extracted: $(CJSON_TAR) $(CJSON_PATCHES) | verify
	rm -rf $(@D) && mkdir -p $(@D)
	tar -xzf $< -C $(@D) --strip-components=1
	@set -e; for p in $(CJSON_PATCHES); do echo "applying $$p"; patch -d $(@D) -p1 --forward --batch < $$p; done
	touch $@

# ---------------------------------------------------------------------------------------------
# Per-variant dependency rules.  $(1) = output dir, $(2) = compiler, $(3) = CFLAGS, $(4) = LDFLAGS
define DEPS_template

# BearSSL: direct compile of src/**/*.c (file basenames are unique), xargs -P for parallelism.
$(1)/libbearssl.a: $(B)/src/bearssl/.extracted | verify
	@echo "  BEARSSL  $$@ ($(2))"
	rm -rf $(1)/bearssl-obj && mkdir -p $(1)/bearssl-obj
	cd $(1)/bearssl-obj && find $(ABS)/$(B)/src/bearssl/src -name '*.c' | sort \
	  | xargs -P $(JOBS) -n 24 $(2) $(3) -I$(ABS)/$(B)/src/bearssl/inc -I$(ABS)/$(B)/src/bearssl/src -c
	rm -f $$@.tmp && ar rcs $$@.tmp $(1)/bearssl-obj/*.o && mv $$@.tmp $$@

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
	  $(CURL_CONFIGURE_FLAGS) --with-bearssl=$(ABS)/$(1)/bearssl-prefix > configure.out 2>&1 \
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

awsrole: $(DEPLIBS) $(APP_SRCS) | verify
	$(need_src)
	$(CC) $(APP_CFLAGS) $(INCS) $(APP_LDFLAGS) -s -o $@ awsrole.c $(APP_LIBS)

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

bench: all
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
FUZZ_TARGETS := fuzz_ini fuzz_xml fuzz_cache fuzz_process fuzz_sigv4
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
