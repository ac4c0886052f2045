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

.PHONY: python check-python

python: $(B)/python/vmon/__init__.py

# No bytecode is written into the source tree (check-licences walks it).
$(B)/python/vmon/__init__.py: $(PY_SRC) $(B)/libvmon.so $(HEADERS)
	rm -rf $(B)/python
	mkdir -p $(B)/python/vmon
	VMON_INCLUDE_DIR=$(CURDIR)/include VMON_LIBRARY_DIR=$(CURDIR)/$(B) \
		PYTHONDONTWRITEBYTECODE=1 $(PYTHON) python/vmon/_build.py $(B)/python/tmp
	cp $(B)/python/tmp/vmon/_vmon*.so $(filter %.py,$(PY_SRC)) $(B)/python/vmon/
	rm -rf $(B)/python/tmp

check-python: python
	PYTHONPATH=$(B)/python PYTHONDONTWRITEBYTECODE=1 VMON_BUILD=$(B) \
		$(PYTHON) -m pytest -p no:cacheprovider -q python/tests

CHECKS += check-python
