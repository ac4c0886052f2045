# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/export.mk - vmon-export (tools/export/*.c), the Prometheus exporter
# built on the public header and libvmon.a, with libmicrohttpd (HTTP and
# TLS), libpcre2-8 (process-exporter's cmdline expressions) and libcrypt
# (bcrypt passwords); `vmon export ARGS` execs it.  Its tests are
# tests/integration/test_export_*.c (a real Prometheus scrapes it) and
# tests/unit/test_export_*.c (the parsers, linked from the objects below);
# its fuzz targets fuzz/fuzz_export_*.c.  check-export renders its manual.
# install-vmon installs it too, with its manual and systemd unit
# (contrib/vmon-export.service).

EXPORT_SRC  := $(wildcard tools/export/*.c)
EXPORT_OBJ  := $(EXPORT_SRC:tools/export/%.c=$(B)/export-obj/%.o)
EXPORT_HDR  := $(wildcard tools/export/*.h)
EXPORT_LIBS := -lmicrohttpd -lpcre2-8 -lcrypt -pthread
# the parsers alone, for the unit tests and the fuzz targets
EXPORT_PARSE_OBJ := $(patsubst %,$(B)/export-obj/%.o,yaml yaml_scalar procnames webconfig buf)

.PHONY: check-export install-export

all: $(B)/vmon-export
check-build: $(B)/vmon-export

$(B)/export-obj/%.o: tools/export/%.c $(EXPORT_HDR) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -pthread -c -o $@ $<

$(B)/vmon-export: $(EXPORT_OBJ) $(B)/libvmon.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(EXPORT_OBJ) $(B)/libvmon.a $(EXPORT_LIBS)

install-export: $(B)/vmon-export
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/vmon-export $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/vmon-export.1 $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's#/usr/local/bin/#$(PREFIX)/bin/#' contrib/vmon-export.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/vmon-export.service
install-vmon: install-export

CHECKS += check-export

check-export: $(B)/vmon-export
	@out=$$(groff -man -Tutf8 -ww -z docs/vmon-export.1 2>&1); \
	  if [ -n "$$out" ]; then echo "check-export: groff warnings on vmon-export.1: $$out"; exit 1; fi
	./$(B)/vmon-export --version
	@echo "check-export: vmon-export(1) renders without warnings"

# ---- the parsers' fuzz targets ----
# fuzz/fuzz_export_*.c (found by mk/hardening.mk's wildcard) drive the
# exporter's parsers, so they link those objects: explicit rules, which
# take precedence over hardening.mk's pattern rules.
EXPORT_FUZZ := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_export_*.c))

$(EXPORT_FUZZ:%=$(B)/fuzz/fuzz_%.o): FUZZ_CFLAGS += -Itools/export
$(EXPORT_FUZZ:%=$(B)/fuzz/fuzz_%.o): $(EXPORT_HDR)

$(EXPORT_FUZZ:%=$(B)/fuzz/replay_%): $(B)/fuzz/replay_%: $(B)/fuzz/fuzz_%.o $(B)/fuzz/replay.o \
				      $(EXPORT_PARSE_OBJ)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ -lpcre2-8 -lcrypt -pthread

$(EXPORT_FUZZ:%=$(B)/fuzz/fuzzer_%): $(B)/fuzz/fuzzer_%: $(B)/fuzz/fuzz_%.o $(EXPORT_PARSE_OBJ)
	$(CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ -lpcre2-8 -lcrypt -pthread

# ---- the exporters' benchmark (bench/exporters.sh) ----
.PHONY: bench-exporters
bench-exporters: $(B)/bench/spawn $(B)/vmon-export
	B=$(B) bench/exporters.sh $(BENCH_N)
BENCH_N ?= 1000 10000
