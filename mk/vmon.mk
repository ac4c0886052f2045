# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/vmon.mk - the vmon tool (tools/vmon/*.c), built on the installed
# public header only (-Iinclude, never -Isrc) and libvmon.a, with libpng
# and ncursesw; the workload programs its tests run (tests/workloads/*.c);
# and the check-vmon stage of `make check` (its man page renders cleanly).
# The tool's tests themselves are tests/integration/test_vmon_*.c, in the
# suite, so they also run under ASan and UBSan.

VMON_SRC  := $(wildcard tools/vmon/*.c)
VMON_OBJ  := $(VMON_SRC:tools/vmon/%.c=$(B)/vmon-obj/%.o)
VMON_HDR  := $(wildcard tools/vmon/*.h)
VMON_LIBS := -lpng -lz $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo) -lm
WORKLOADS := $(patsubst tests/workloads/%.c,$(B)/workloads/%,$(wildcard tests/workloads/*.c))

.PHONY: check-vmon install-vmon

all: $(B)/vmon
check-build: $(B)/vmon $(WORKLOADS)

$(B)/vmon-obj/%.o: tools/vmon/%.c $(VMON_HDR) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -c -o $@ $<

$(B)/vmon: $(VMON_OBJ) $(B)/libvmon.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(VMON_OBJ) $(B)/libvmon.a $(VMON_LIBS)

# workloads are plain programs (no libvmon); pngdump reads charts back
$(B)/workloads/%: tests/workloads/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -pthread -o $@ $< -lpng -lz

# not part of `install` (which installs the library alone, as
# tests/check-install.sh checks): the tool is installed on its own
install-vmon: $(B)/vmon
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/vmon $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/vmon.1 $(DESTDIR)$(MANDIR)/man1/

CHECKS += check-vmon

check-vmon: $(B)/vmon
	@out=$$(groff -man -Tutf8 -ww -z docs/vmon.1 2>&1); \
	  if [ -n "$$out" ]; then echo "check-vmon: groff warnings on vmon.1: $$out"; exit 1; fi
	./$(B)/vmon --version
	@echo "check-vmon: vmon(1) renders without warnings"

# ---- the record reader's fuzz target ----
# fuzz/fuzz_vmon_record.c (found by mk/hardening.mk's wildcard) drives the
# tool's reader, model, summary and chart, so it links their objects
# besides the library: explicit rules, which take precedence over
# hardening.mk's pattern rules.  png.c is left out: the target draws the
# chart and writes nothing.
VMON_FUZZ_OBJ := $(patsubst %,$(B)/vmon-obj/%.o,record_read record_values record_tree json util \
		 model model_io summary record outfile chart chart_layout chart_legend chart_rows canvas font)

$(B)/fuzz/fuzz_vmon_record.o: FUZZ_CFLAGS += -Itools/vmon
$(B)/fuzz/fuzz_vmon_record.o: $(VMON_HDR)

$(B)/fuzz/replay_vmon_record: $(B)/fuzz/fuzz_vmon_record.o $(B)/fuzz/replay.o $(VMON_FUZZ_OBJ) \
			      $(B)/libvmon-test.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ -lm

$(B)/fuzz/fuzzer_vmon_record: $(B)/fuzz/fuzz_vmon_record.o $(VMON_FUZZ_OBJ) $(B)/libvmon-test.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ -lm
