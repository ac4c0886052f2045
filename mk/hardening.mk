# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/hardening.mk - the hardening stages of `make check` and `make fuzz`:
#
#   check-fuzz-replay  every fuzz target (fuzz/fuzz_*.c, picked up by
#                      wildcard) replays its corpus fuzz/corpus/<target>/,
#                      crash inputs included, with the ordinary compiler
#                      under ASan+UBSan and without libFuzzer
#   check-stress       the churn stress test (tests/stress/) under
#                      ASan+UBSan for STRESS_SECONDS (default 60)
#   check-nobody       the suite again as the user nobody (when run as
#                      root); tests that need root skip themselves there,
#                      and the fault sweeps fail every 5th call only (their
#                      full sweeps ran in check-asan)
#   make fuzz          each target under libFuzzer (clang-14,
#                      -fsanitize=fuzzer,address,undefined) for
#                      FUZZ_SECONDS (default 60); `make -j2 fuzz` runs two
#                      at a time
#   make fuzz-merge    add what the fuzzers found that covers new code to
#                      fuzz/corpus/ (to be committed)
#
# The sanitizer builds live in build/hardening and build/libfuzzer, apart from
# build/asan, so that `make -j check` never builds one directory twice at
# once.

FUZZ_NAMES    := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SECONDS  ?= 60
FUZZ_CFLAGS    = $(TEST_CFLAGS) -Ifuzz
STRESS_SECONDS ?= 60
HARD_MAKE      = $(MAKE) --no-print-directory B=build/hardening SAN=address,undefined \
		 CFLAGS="-O1 -g"

CHECKS += check-fuzz-replay check-stress check-nobody

.PHONY: fuzz fuzz-run fuzz-merge fuzz-replay check-fuzz-replay check-stress \
	stress-run check-nobody

# ---- fuzz targets: one object per target, shared by replay and libFuzzer ----

$(B)/fuzz/%.o: fuzz/%.c fuzz/fuzz.h $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(B)/fuzz/replay_%: $(B)/fuzz/fuzz_%.o $(B)/fuzz/replay.o $(B)/libvmon-test.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^

fuzz-replay: $(FUZZ_NAMES:%=$(B)/fuzz/replay_%)
	@for t in $(FUZZ_NAMES); do \
		if [ ! -d fuzz/corpus/$$t ]; then \
			echo "fuzz-replay: WARNING: $$t has no corpus (fuzz/corpus/$$t/)"; \
			continue; \
		fi; \
		./$(B)/fuzz/replay_$$t fuzz/corpus/$$t || exit 1; \
	done

check-fuzz-replay:
	$(HARD_MAKE) fuzz-replay

# ---- libFuzzer ----

$(B)/fuzz/fuzzer_%: $(B)/fuzz/fuzz_%.o $(B)/libvmon-test.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^

# kept after `make fuzz` (not deleted as intermediates): fuzz-merge runs them
.PRECIOUS: $(B)/fuzz/fuzzer_% $(B)/fuzz/fuzz_%.o

fuzz:
	@test -n "$(CLANG)" || { echo "fuzz: no clang or clang-14 in PATH"; exit 1; }
	$(MAKE) --no-print-directory B=build/libfuzzer CC=$(CLANG) \
		SAN=fuzzer-no-link,address,undefined CFLAGS="-O1 -g" fuzz-run

# New inputs go to $(B)/fuzz/corpus/<target> (kept between runs), crashes
# to $(B)/fuzz/crashes/<target>/: copy one into fuzz/corpus/<target>/ and
# write a test for it.
fuzz-run-%: $(B)/fuzz/fuzzer_%
	@mkdir -p $(B)/fuzz/corpus/$* $(B)/fuzz/crashes/$*
	@./$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(B)/fuzz/crashes/$*/ \
		$(if $(wildcard fuzz/dict/$*.dict),-dict=fuzz/dict/$*.dict) \
		$(B)/fuzz/corpus/$* $(wildcard fuzz/corpus/$*) > $(B)/fuzz/$*.log 2>&1 || \
	{ tail -n 40 $(B)/fuzz/$*.log; \
	  echo "fuzz $*: CRASH, input in $(B)/fuzz/crashes/$*/ (log $(B)/fuzz/$*.log)"; exit 1; }
	@runs=$$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 executions in \2 s/p' \
		$(B)/fuzz/$*.log); \
	new=$$(ls $(B)/fuzz/corpus/$* | wc -l); seeds=$$(ls fuzz/corpus/$* 2>/dev/null | wc -l); \
	echo "fuzz $*: $$runs, corpus $$seeds seeds + $$new found, no crash"

fuzz-run: $(FUZZ_NAMES:%=fuzz-run-%)
	@echo "make fuzz: $(words $(FUZZ_NAMES)) targets, $(FUZZ_SECONDS) s each, no crash"

fuzz-merge:
	@merged=0; for t in $(FUZZ_NAMES); do \
		test -x build/libfuzzer/fuzz/fuzzer_$$t -a -d build/libfuzzer/fuzz/corpus/$$t || continue; \
		merged=$$((merged + 1)); \
		mkdir -p fuzz/corpus/$$t; \
		build/libfuzzer/fuzz/fuzzer_$$t -merge=1 fuzz/corpus/$$t build/libfuzzer/fuzz/corpus/$$t \
			2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || exit 1; \
	done; \
	if [ $$merged = 0 ]; then echo "fuzz-merge: nothing to merge: run make fuzz first"; exit 1; fi

# ---- churn stress ----

STRESS_SRC := $(wildcard tests/stress/*.c)

$(B)/stress/vmon-stress: $(STRESS_SRC:tests/stress/%.c=$(B)/stress/%.o) $(B)/libvmon-test.a
	$(CC) $(CFLAGS) $(SANFLAGS) -pthread -o $@ $^

$(B)/stress/%.o: tests/stress/%.c $(wildcard tests/stress/*.h) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

stress-run: $(B)/stress/vmon-stress $(B)/helpers/churn
	./$(B)/stress/vmon-stress $(B)/helpers/churn $(STRESS_SECONDS)

check-stress:
	$(HARD_MAKE) stress-run

# ---- the suite as nobody ----

check-nobody: check-build
	@if [ "$$(id -u)" != 0 ]; then \
		echo "check-nobody: not root: check-suite already ran unprivileged"; \
	else \
		echo "check-nobody: the suite as nobody (tests that need root skip)"; \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env -u VMON_TEST_NO_SKIP VMON_SWEEP_STRIDE=5 VMON_BUILD=$(B) \
			./$(B)/vmon-tests; \
	fi
