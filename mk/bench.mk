# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/bench.mk - the benchmark suite of bench/ (docs/design/performance.md):
# the workload spawner, the floor (with -f the full floor, which reads what
# libvmon's default mode reads, with -r N what its cheap refresh reads) and
# naive programs, the libproc2, ps/top and
# libvmon harnesses (psutil's is bench/psutil_bench.py).
#
#   make bench N=1000 [ROUNDS=5]   the ratio table at N idle processes
#   make bench-full [ROUNDS=5]     every table of bench/README.md
#   make bench-memory [DURATION=600] [PEAK=2000]
#                                  a monitor's memory under churn, a row
#                                  every 10 s (bench/churn_memory.sh)
#   make bench-events [ROUNDS=5] [RUNS=2000]
#                                  the event sources' cost per event and
#                                  on a `make -j2` (bench/events.sh)
#   make bench-build               the programs only, in $(B)/bench
#
# `make check` runs check-bench: the default harnesses (the three floors
# and both libvmon modes among them) at 200 processes, one round of a few
# samples, to prove that they build and run (it asserts no timing), and the
# memory harness for 6 s with a small peak, and the events benchmark for
# one round of 50 program runs, without its build table.  It needs libproc2-dev and
# python3-psutil (.ci/run installs them); strace is used when present.

N       ?= 1000
ROUNDS  ?= 5
DURATION ?= 600
PEAK    ?= 2000

BENCH_BIN    := $(addprefix $(B)/bench/,spawn floor naive libproc2 cmdbench vmon_bench \
		churn_memory ptrace_cost)
BENCH_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude -Ibench
BENCH_COMMON := bench/bench.c bench/bench.h

.PHONY: bench bench-full bench-memory bench-events bench-build check-bench check-bench-clang

bench-build: $(BENCH_BIN)

$(B)/bench/spawn: bench/spawn.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -pthread -o $@ $<

$(B)/bench/floor $(B)/bench/naive: $(B)/bench/%: bench/%.c bench/proc_scan.c bench/proc_scan.h $(BENCH_COMMON)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< bench/proc_scan.c bench/bench.c

$(B)/bench/cmdbench: bench/cmdbench.c $(BENCH_COMMON)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< bench/bench.c

$(B)/bench/libproc2: bench/libproc2.c $(BENCH_COMMON)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< bench/bench.c -lproc2

$(B)/bench/vmon_bench: bench/vmon_bench.c $(BENCH_COMMON) $(B)/libvmon.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< bench/bench.c $(B)/libvmon.a

$(B)/bench/churn_memory: bench/churn_memory.c $(BENCH_COMMON) $(B)/libvmon.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< bench/bench.c $(B)/libvmon.a

# the PTRACE event source's cost per fork and exit (run by hand)
$(B)/bench/ptrace_cost: bench/ptrace_cost.c $(B)/libvmon.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(B)/libvmon.a

bench: bench-build
	B=$(B) bench/run.sh $(N) $(ROUNDS)

bench-full: bench-build
	B=$(B) bench/full.sh $(ROUNDS)

bench-memory: bench-build $(B)/helpers/churn
	B=$(B) bench/churn_memory.sh $(DURATION) $(PEAK)

RUNS ?= 2000
bench-events: $(B)/vmon examples
	B=$(B) bench/events.sh $(ROUNDS) $(RUNS)

# every harness runs once at a small size; any failure fails the check
check-bench: bench-build check-bench-clang $(B)/helpers/churn $(B)/vmon examples
	B=$(B) SAMPLES=3 WARMUP=1 STRACE_SAMPLES=2 bench/run.sh 200 1
	B=$(B) CHURN_MEMORY_OPTS="-e 2 -P 2" bench/churn_memory.sh 6 200
	B=$(B) bench/events.sh 1 50 0

# the bench programs are -Werror clean with clang too (built, not run)
check-bench-clang:
	@test -n "$(CLANG)" || { echo "check-bench-clang: no clang or clang-14 in PATH"; exit 1; }
	$(MAKE) --no-print-directory B=build/clang CC=$(CLANG) bench-build

CHECKS += check-bench
