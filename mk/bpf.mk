# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/bpf.mk - the BPF backend's program (docs/design/backend.md):
# bpf/vmon_task.bpf.c compiled with clang's BPF target against a vmlinux.h
# that bpftool writes from this machine's kernel BTF (CO-RE: the object
# is relocated to the running kernel when it loads), then embedded in the
# library as a light skeleton (bpftool gen skeleton -L), which loads it
# with bpf(2) alone: libvmon and its users link no libbpf.  Building needs
# clang-14, bpftool, llvm-strip and libbpf-dev's <bpf/skel_internal.h>;
# running needs none of them.
#
# bpf/vmon_events.bpf.c, the NETLINK event source's kernel-side capture
# (docs/events.md: each exec's arguments, each task's exact final CPU,
# written to a ring buffer that src/netlink_bpf.c maps), is built and
# embedded as vmon_task is; where it does not load the source
# reads /proc as before.  Its records are parsed by src/parse_bpf_event.c,
# fuzzed by fuzz/fuzz_bpf_event.c.
#
# `make check` runs the suite twice more as root (check-bpf-suite):
# VMON_BACKEND=bpf, every instance on the iterator (the fault sweeps make
# hundreds of instances, each verifying the program: a longer timeout),
# and with bpf(2) denied by a seccomp filter the runner installs
# (VMON_TEST_NO_BPF=1), every instance on the fallback, the NETLINK
# source's on its /proc catcher (tests/events/test_storm_truth.c then
# applies the fallback's allowances, and fails where the capture loads).

BPF_CLANG   ?= $(shell command -v clang-14 || command -v clang)
BPFTOOL     ?= bpftool
LLVM_STRIP  ?= $(shell command -v llvm-strip-14 || command -v llvm-strip)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH    := $(subst x86_64,x86,$(subst aarch64,arm64,$(shell uname -m)))

$(B)/bpf/vmlinux.h: $(VMLINUX_BTF)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $< format c > $@

# each program (vmon_task: the iterator; vmon_events: NETLINK's capture)
# with its record's header, and its skeleton named after it
$(B)/bpf/%.bpf.o: bpf/%.bpf.c bpf/%.h bpf/vmon_ioac.h $(B)/bpf/vmlinux.h
	$(BPF_CLANG) -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_$(BPF_ARCH) \
		-I$(B)/bpf -Ibpf -c -o $@ $<
	$(LLVM_STRIP) -g $@

.SECONDARY: $(B)/bpf/vmon_task.bpf.o $(B)/bpf/vmon_events.bpf.o
$(B)/bpf/%.lskel.h: $(B)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton -L $< name $* > $@

# the backend's files see the record's layout, and the loader its skeleton
# (lib: libvmon, tlib: the suite's test build, pytlib: the Python tests'
# shared test build, mk/python.mk)
BPF_USERS := $(foreach d,lib tlib pytlib,$(addprefix $(B)/$(d)/,backend.o backend_bpf.o backend_fill.o))
$(BPF_USERS): LIB_CFLAGS += -Ibpf -I$(B)/bpf
$(BPF_USERS): bpf/vmon_task.h
$(foreach d,lib tlib pytlib,$(B)/$(d)/backend_bpf.o): $(B)/bpf/vmon_task.lskel.h

# the NETLINK source's capture: its loader sees its skeleton, and the
# loader and the parser its records' layout
BPF_EV_USERS := $(foreach d,lib tlib pytlib,$(addprefix $(B)/$(d)/,netlink_bpf.o parse_bpf_event.o))
$(BPF_EV_USERS): LIB_CFLAGS += -Ibpf -I$(B)/bpf
$(BPF_EV_USERS): bpf/vmon_events.h
$(foreach d,lib tlib pytlib,$(B)/$(d)/netlink_bpf.o): $(B)/bpf/vmon_events.lskel.h

# ---- the suite on each backend ----

CHECKS += check-bpf-suite
.PHONY: check-bpf-suite

# (as root; unprivileged, BPF never loads and check-suite was the fallback)
check-bpf-suite: check-build
	@if [ "$$(id -u)" != 0 ]; then \
		echo "check-bpf-suite: not root: check-suite already ran on the fallback"; \
	else \
		echo "check-bpf-suite: the suite with VMON_BACKEND=bpf"; \
		VMON_BACKEND=bpf VMON_TEST_TIMEOUT=600 VMON_BUILD=$(B) ./$(B)/vmon-tests && \
		echo "check-bpf-suite: the suite with bpf(2) denied (VMON_TEST_NO_BPF=1)" && \
		VMON_TEST_NO_BPF=1 VMON_BUILD=$(B) ./$(B)/vmon-tests; \
	fi

# the fuzz targets of the record's conversion (fuzz/fuzz_bpf_record.c)
# and of the capture's record parser (fuzz/fuzz_bpf_event.c)
$(B)/fuzz/fuzz_bpf_record.o $(B)/fuzz/fuzz_bpf_event.o: FUZZ_CFLAGS += -Ibpf
$(B)/fuzz/fuzz_bpf_record.o: bpf/vmon_task.h
$(B)/fuzz/fuzz_bpf_event.o: bpf/vmon_events.h
