# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libvmon - one GNU Makefile, no configure step.
#
#   make                  libvmon.a, libvmon.so (SONAME libvmon.so.0), examples
#   make check            every test: the suite (gcc), the suite under
#                         ASan+UBSan, a valgrind cycle, a clang -Werror build,
#                         the exported symbols and an install + pkg-config build
#   make install PREFIX=/usr/local DESTDIR=
#   make SAN=address,undefined   any build with sanitizers

VERSION   := 0.1.0
SOVERSION := 0

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=

CC      ?= cc
CLANG   ?= $(shell command -v clang || command -v clang-14)
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN     ?=
SANFLAGS := $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all)
B       ?= build

LIB_SRC  := $(wildcard src/*.c)
HEADERS  := $(wildcard include/vmon/*.h include/vmon/defs/*.def src/*.h)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(B)/lib/%.o)
TLIB_OBJ := $(LIB_SRC:src/%.c=$(B)/tlib/%.o)
# tests/seed_prog.c is a program of its own (tests/check-install.sh)
TEST_SRC := $(filter-out tests/seed_prog.c,\
	    $(wildcard tests/*.c tests/unit/*.c tests/integration/*.c tests/compat/*.c \
	    tests/events/*.c))
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))
HELPERS  := $(patsubst tests/helpers/%.c,$(B)/helpers/%,$(wildcard tests/helpers/*.c))

SONAME   := libvmon.so.$(SOVERSION)
SHLIB    := $(B)/libvmon.so.$(VERSION)

LIB_CFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -Isrc -fvisibility=hidden
TEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -Wno-missing-prototypes $(CFLAGS) $(SANFLAGS) \
	-Iinclude -Isrc -Itests -DVMON_TESTING

.PHONY: all clean install check check-build check-suite check-asan check-valgrind \
	check-clang check-symbols check-install check-licences examples
.DELETE_ON_ERROR:

all: $(B)/libvmon.a $(B)/libvmon.so examples

$(B)/lib/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -fPIC -c -o $@ $<

# the library as the tests see it: fault injection compiled in
$(B)/tlib/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -DVMON_TESTING -c -o $@ $<

$(B)/libvmon.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# -z defs: a symbol the library uses but nothing defines (a sampler named
# in a .def row and never written) fails the link instead of the loader.
# Not with sanitizers: clang leaves their runtime to the program, so the
# library's references to it are resolved at load time.
ZDEFS := $(if $(SAN),,-Wl,-z,defs)

$(SHLIB): $(LIB_OBJ) libvmon.sym
	$(CC) -shared $(CFLAGS) $(SANFLAGS) -Wl,-soname,$(SONAME) $(ZDEFS) \
		-Wl,--version-script=libvmon.sym -o $@ $(LIB_OBJ)

$(B)/libvmon.so: $(SHLIB)
	ln -sf libvmon.so.$(VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $@

$(B)/libvmon-test.a: $(TLIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# examples use the public header only
examples: $(EXAMPLES)
$(B)/examples/%: examples/%.c $(B)/libvmon.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -o $@ $< $(B)/libvmon.a

$(B)/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -pthread -o $@ $<

# the one helper that uses the library (public header only, like examples)
$(B)/helpers/valgrind_cycle: tests/helpers/valgrind_cycle.c $(B)/libvmon.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -pthread -o $@ $< $(B)/libvmon.a

$(B)/tests/%.o: tests/%.c $(HEADERS) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(B)/vmon-tests: $(TEST_OBJ) $(B)/libvmon-test.a
	$(CC) $(CFLAGS) $(SANFLAGS) -pthread -o $@ $(TEST_OBJ) $(B)/libvmon-test.a

# ---- tests ----

# The stages of `make check`; fragments in mk/*.mk (one per subsystem: the
# tool, the fuzzers, the benchmark...) add their own rules and stages.
CHECKS := check-suite check-asan check-valgrind check-clang check-symbols check-install \
	  check-licences
-include $(sort $(wildcard mk/*.mk))

check: $(CHECKS)
	@echo "make check: every stage passed"

# everything the suite runs, built
check-build: $(B)/vmon-tests examples $(HELPERS)

check-suite: check-build
	VMON_BUILD=$(B) ./$(B)/vmon-tests

check-asan:
	$(MAKE) --no-print-directory B=build/asan SAN=address,undefined CFLAGS="-O1 -g" check-suite

check-valgrind: $(B)/helpers/valgrind_cycle
	tests/valgrind-cycle.sh $(B)

# the library, examples, tests and helpers with clang -Werror (built, not run)
check-clang:
	@test -n "$(CLANG)" || { echo "check-clang: no clang or clang-14 in PATH"; exit 1; }
	$(MAKE) --no-print-directory B=build/clang CC=$(CLANG) all check-build

check-symbols: $(B)/libvmon.so
	tests/check-symbols.sh $(B)/libvmon.so

check-install: all
	tests/check-install.sh $(B)

check-licences:
	tests/check-licences.sh

# ---- install ----

# remade on every install, so that it always says the PREFIX asked for
.PHONY: $(B)/libvmon.pc

$(B)/libvmon.pc: libvmon.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

install: $(B)/libvmon.a $(B)/libvmon.so $(B)/libvmon.pc
	install -d $(DESTDIR)$(INCLUDEDIR)/vmon/defs $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(MANDIR)/man3
	install -m 644 include/vmon/vmon.h include/vmon/stores.h include/vmon/list.h \
		include/vmon/bitmap.h \
		$(DESTDIR)$(INCLUDEDIR)/vmon/
	install -m 644 include/vmon/defs/*.def $(DESTDIR)$(INCLUDEDIR)/vmon/defs/
	# the original libvmon's programs include "libvmon/vmon.h"
	ln -sfn vmon $(DESTDIR)$(INCLUDEDIR)/libvmon
	install -m 644 $(B)/libvmon.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libvmon.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libvmon.so
	install -m 644 $(B)/libvmon.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 644 docs/libvmon.3 $(DESTDIR)$(MANDIR)/man3/

clean:
	rm -rf build
