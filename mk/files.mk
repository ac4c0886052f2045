# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/files.mk - the open files and sockets subsystem (VMON_WANT_PROC_FILES,
# VMON_WANT_SYS_SOCKETS): its churn test and its cost measurement.
#
#   make files-churn [FILES_CHURN_SECONDS=30] [FILES_CHURN_HZ=100]
#                         tests/files/churn.c: a process opening, replacing
#                         and closing descriptors in four threads, sampled
#                         at HZ by two instances for SECONDS, the invariant
#                         checker after every sample (test build)
#   make files-bench [FILES_BENCH_PROCS=500] [FILES_BENCH_SAMPLES=20]
#                         bench/files_bench.c: CPU per descriptor per sample
#                         at 100, 250 and 500 processes of 100 descriptors
#                         (bench/FILES.md)
#
# `make check` runs check-files-churn, the churn test for its full 30 s at
# 100 Hz under ASan+UBSan (LeakSanitizer at exit), and check-files-bench,
# the measurement at 20 processes (it asserts no timing; it proves the
# program builds and runs).  Both build in directories of their own, so
# `make -j check` never builds one directory twice at once.

FILES_CHURN_SECONDS ?= 30
FILES_CHURN_HZ      ?= 100
FILES_BENCH_PROCS   ?= 500
FILES_BENCH_SAMPLES ?= 20

.PHONY: files-churn check-files-churn files-bench check-files-bench

$(B)/files/files-churn: tests/files/churn.c $(B)/libvmon-test.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -pthread -o $@ $< $(B)/libvmon-test.a

files-churn: $(B)/files/files-churn
	./$(B)/files/files-churn $(FILES_CHURN_SECONDS) $(FILES_CHURN_HZ)

check-files-churn:
	$(MAKE) --no-print-directory B=build/files-asan SAN=address,undefined CFLAGS="-O1 -g" \
		files-churn

$(B)/bench/files_bench: bench/files_bench.c $(B)/libvmon.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude -o $@ $< $(B)/libvmon.a

files-bench: $(B)/bench/files_bench
	./$(B)/bench/files_bench -n $(FILES_BENCH_PROCS) -s $(FILES_BENCH_SAMPLES)

check-files-bench:
	$(MAKE) --no-print-directory B=build/files-bench files-bench FILES_BENCH_PROCS=20 \
		FILES_BENCH_SAMPLES=3

CHECKS += check-files-churn check-files-bench
