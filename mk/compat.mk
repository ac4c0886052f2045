# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mk/compat.mk - the check-compat stage of `make check`: every name of the
# original libvmon's headers, and programs written the way its programs use
# them, built with -Werror against the installed library and run
# (tests/compat/check-compat.sh).  The behaviours those programs rely on
# are tested in the suite itself (tests/compat/test_*.c).

.PHONY: check-compat

check-compat: all
	CLANG=$(CLANG) tests/compat/check-compat.sh $(B)

CHECKS += check-compat
