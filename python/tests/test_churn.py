# SPDX-License-Identifier: LGPL-2.1-or-later
"""Churn under the library's invariant checker, and no leak: churn_run.py
with the test build of libvmon ($(B)/pytlib, VMON_TEST_LIB), which checks
every invariant at the end of every vmon_sample() and aborts on a
violation, and counts the heap the library holds."""
import json
import os
import subprocess
import sys

from conftest import HERE, skip_or_fail


def test_churn_checked_and_no_leak():
    testlib = os.environ.get("VMON_TEST_LIB")
    if not testlib or not os.path.exists(os.path.join(testlib, "libvmon.so.0")):
        skip_or_fail("VMON_TEST_LIB: no test build of libvmon.so (make check-python)")
    env = dict(os.environ, LD_LIBRARY_PATH=testlib, PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run([sys.executable, os.path.join(HERE, "churn_run.py"), "45"],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, "churn_run.py: %d\n%s" % (run.returncode, run.stderr)
    out = json.loads(run.stdout)
    # the test build was the one loaded, and it checked every sample
    assert out["samples"] >= 105
    assert out["checks"] >= out["samples"]
    # the library holds nothing once the Monitors are closed
    assert out["heap_before"] == out["heap_after"]
    assert out["heap_during"] > out["heap_before"]
    # Python objects: the tree's last 25 rounds hold no more than its first
    # did (a leak of one Process per process gone would be ~1 MB)
    assert out["py_end"] - out["py_warm"] < 256 * 1024, out
    assert out["kept_gone"]
