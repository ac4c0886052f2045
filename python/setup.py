# SPDX-License-Identifier: LGPL-2.1-or-later
"""setuptools script of the vmon package (libvmon from Python).

    pip install --no-build-isolation --no-index ./python

builds the cffi extension against libvmon's header and shared library:
an installed libvmon (pkg-config), or this checkout's include/ and build/
after `make` (vmon/_build.py says how it looks).  Needs cffi and a C
compiler; nothing is downloaded.
"""
from setuptools import setup

setup(
    name="vmon",
    version="0.1.0",
    description="libvmon from Python: process figures in psutil's shape, "
                "with change bits and birth/exit events",
    license="LGPL-2.1-or-later",
    packages=["vmon"],
    package_data={"vmon": ["_glue.h", "_glue.c"]},
    cffi_modules=["vmon/_build.py:ffibuilder"],
    install_requires=["cffi>=1.15"],
    python_requires=">=3.7",
    zip_safe=False,
)
