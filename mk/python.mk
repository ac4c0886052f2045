# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/python.mk - the Python package vmon (python/): `make python` builds its
# cffi extension against include/ and $(B)/libvmon.so into $(B)/python, so
# that PYTHONPATH=$(B)/python python3 -c 'import vmon' works from the
# checkout; check-python runs its pytest suite (python/tests) on it.
# Debian 12's /usr/bin/python3 with python3-cffi, python3-pytest,
# python3-psutil, python3-setuptools and python3-dev (.ci/run installs them).

PYTHON ?= /usr/bin/python3
PY_SRC := $(wildcard python/vmon/*.py python/vmon/_glue.*)

.PHONY: python check-python check-python-asan

python: $(B)/python/vmon/__init__.py

# No bytecode is written into the source tree (check-licences walks it).
$(B)/python/vmon/__init__.py: $(PY_SRC) $(B)/libvmon.so $(HEADERS)
	rm -rf $(B)/python
	mkdir -p $(B)/python/vmon
	VMON_INCLUDE_DIR=$(CURDIR)/include VMON_LIBRARY_DIR=$(CURDIR)/$(B) \
		PYTHONDONTWRITEBYTECODE=1 $(PYTHON) python/vmon/_build.py $(B)/python/tmp
	cp $(B)/python/tmp/vmon/_vmon*.so $(filter %.py,$(PY_SRC)) $(B)/python/vmon/
	rm -rf $(B)/python/tmp

check-python: python $(B)/pytlib/$(SONAME)
	PYTHONPATH=$(B)/python PYTHONDONTWRITEBYTECODE=1 VMON_BUILD=$(B) \
		VMON_TEST_LIB=$(CURDIR)/$(B)/pytlib \
		$(PYTHON) -m pytest -p no:cacheprovider -q python/tests

CHECKS += check-python

# The library as the suite's libvmon-test.a is built (VMON_TESTING: the
# invariant checker after every vmon_sample(), the heap counter), but
# shared, under the same SONAME: check-python's churn test loads it in
# place of $(B)/libvmon.so with LD_LIBRARY_PATH (python/tests/test_churn.py).
# Its symbols are not hidden, so that the test reaches vmon_test_heap_bytes()
# and vmon_test_checks_passed() through ctypes.
PYTLIB_OBJ := $(LIB_SRC:src/%.c=$(B)/pytlib/%.o)

$(B)/pytlib/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(filter-out -fvisibility=hidden,$(LIB_CFLAGS)) -DVMON_TESTING -fPIC -c -o $@ $<

$(B)/pytlib/$(SONAME): $(PYTLIB_OBJ) libvmon.sym
	$(CC) -shared $(CFLAGS) $(SANFLAGS) -Wl,-soname,$(SONAME) $(ZDEFS) \
		-Wl,--version-script=libvmon.sym -o $@ $(PYTLIB_OBJ)



# vmon from Python against psutil's process_iter() for the same fields at
# 1,000 and 5,000 processes, in one run (bench/python_bench.py).
.PHONY: bench-python
bench-python: python $(B)/bench/spawn
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/python_bench.py -b $(B)

# The suite again with libvmon.so and the extension (its C glue) built
# with ASan+UBSan, the sanitizers' runtimes preloaded into the interpreter
# (which is not instrumented: Python's own leaks at exit are not ours, so
# LeakSanitizer is off).  The churn test needs the test build and the pip
# test a compiler run under the preload: they run in check-python.
PY_SAN_B := build/asan-python

check-python-asan:
	$(MAKE) --no-print-directory B=$(PY_SAN_B) SAN=address,undefined CFLAGS="-O1 -g" \
		$(PY_SAN_B)/libvmon.so
	rm -rf $(PY_SAN_B)/python
	mkdir -p $(PY_SAN_B)/python/vmon
	VMON_INCLUDE_DIR=$(CURDIR)/include VMON_LIBRARY_DIR=$(CURDIR)/$(PY_SAN_B) \
		CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" \
		PYTHONDONTWRITEBYTECODE=1 $(PYTHON) python/vmon/_build.py $(PY_SAN_B)/python/tmp
	cp $(PY_SAN_B)/python/tmp/vmon/_vmon*.so $(filter %.py,$(PY_SRC)) $(PY_SAN_B)/python/vmon/
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
		ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
		PYTHONPATH=$(PY_SAN_B)/python PYTHONDONTWRITEBYTECODE=1 VMON_BUILD=$(PY_SAN_B) \
		$(PYTHON) -m pytest -p no:cacheprovider -q python/tests \
		-k "not test_churn_checked_and_no_leak and not test_pip_install_from_source_tree"

CHECKS += check-python-asan
