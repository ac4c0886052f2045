# SPDX-License-Identifier: LGPL-2.1-or-later
"""pip installs the package from the source tree with no network (a copy
of python/ and include/, so the tree itself gets no build files), against
the library of this build, and the installed package works."""
import os
import shutil
import subprocess
import sys

import vmon
from conftest import HERE, skip_or_fail

TREE = os.path.dirname(os.path.dirname(HERE))


def test_pip_install_from_source_tree(tmp_path):
    if subprocess.run([sys.executable, "-m", "pip", "--version"],
                      capture_output=True).returncode != 0:
        skip_or_fail("no pip for %s (python3-pip)" % sys.executable)
    # the library this suite runs against (build/python's module says where)
    libdir = os.environ.get("VMON_BUILD", "build")
    libdir = os.path.abspath(os.path.join(TREE, libdir))
    src = tmp_path / "src"
    shutil.copytree(os.path.join(TREE, "python"), src / "python",
                    ignore=shutil.ignore_patterns("tests", "__pycache__", "build",
                                                  "*.egg-info"))
    shutil.copytree(os.path.join(TREE, "include"), src / "include")
    env = dict(os.environ, VMON_INCLUDE_DIR=str(src / "include"),
               VMON_LIBRARY_DIR=libdir, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    target = tmp_path / "target"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index",
         "--no-deps", "--no-cache-dir", "--target", str(target), str(src / "python")],
        env=env, capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env["PYTHONPATH"] = str(target)
    code = ("import os, vmon; m = vmon.Monitor(pids=[os.getpid()]); m.sample(); "
            "print(vmon.__file__, m.process(os.getpid()).name())")
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=str(tmp_path),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    path, name = run.stdout.split()
    assert path.startswith(str(target)) and name == "python3"
    assert os.path.basename(path) == os.path.basename(vmon.__file__)
