# SPDX-License-Identifier: LGPL-2.1-or-later
"""The exceptions of vmon, named and shaped as psutil's, so that code
written for psutil catches them with the same names."""


class Error(Exception):
    """Base of every vmon exception."""


class NoSuchProcess(Error):
    """The process does not exist (or no longer): pid and name as psutil's."""

    def __init__(self, pid, name=None, msg=None):
        self.pid = pid
        self.name = name
        self.msg = msg or "process no longer exists"
        super().__init__("%s (pid=%d%s)" % (
            self.msg, pid, ", name=%r" % name if name else ""))


class AccessDenied(Error):
    """The kernel refused to let this process read the figure."""

    def __init__(self, pid=None, name=None, msg=None):
        self.pid = pid
        self.name = name
        self.msg = msg or "permission denied"
        super().__init__("%s (pid=%s%s)" % (
            self.msg, pid, ", name=%r" % name if name else ""))


class NotWanted(Error, ValueError):
    """The figure needs a want the Monitor was not made with
    (Monitor(wants=...)): it is not read, so there is no value to give."""
