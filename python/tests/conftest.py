# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the tests share: puppets (tests/puppet.py) started and ended by
pid, the independent reader (psutil), and the no-skip rule of CI."""
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable


def skip_or_fail(reason):
    """A test that cannot run here fails under VMON_TEST_NO_SKIP=1 (CI)."""
    if os.environ.get("VMON_TEST_NO_SKIP") == "1":
        pytest.fail("cannot run (VMON_TEST_NO_SKIP=1): " + reason)
    pytest.skip(reason)


def need_root():
    if os.geteuid() != 0:
        skip_or_fail("needs root")


class Puppet:
    """A started puppet: send() a command and get its answer."""

    def __init__(self, popen):
        self.popen = popen
        self.pid = popen.pid

    def send(self, line):
        self.popen.stdin.write(line + "\n")
        self.popen.stdin.flush()
        answer = self.popen.stdout.readline()
        if not answer:
            raise RuntimeError("puppet %d ended on %r" % (self.pid, line))
        self.settle()
        return answer.strip()

    def settle(self):
        """Wait until the puppet is asleep in read(0, ...) again, waiting
        for the next command: from then on its figures hold still.  (No
        pipe can say this; /proc/PID/syscall can.)"""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/syscall" % self.pid) as f:
                    call = f.read().split()
            except PermissionError:
                return  # not ours to read: the caller compares what it can
            if call[:2] == ["0", "0x0"]:
                return
            time.sleep(0.001)
        raise RuntimeError("puppet %d never went back to reading" % self.pid)

    def exit(self, code=0):
        self.popen.stdin.write("exit %d\n" % code)
        self.popen.stdin.flush()
        return self.popen.wait()


class Puppets:
    """Starts puppets and ends every process a test made, by pid, even when
    the test fails: the puppets (killed and reaped) and the pids adopted
    (their children: killed if they are still the process recorded)."""

    def __init__(self):
        self.started = []
        self.adopted = []

    def start(self, preexec_fn=None):
        p = subprocess.Popen([PYTHON, os.path.join(HERE, "puppet.py")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, preexec_fn=preexec_fn)
        puppet = Puppet(p)
        self.started.append(puppet)
        if p.stdout.readline().strip() != "ready":
            raise RuntimeError("puppet %d did not start" % p.pid)
        puppet.settle()
        return puppet

    def adopt(self, pids):
        for pid in pids:
            try:
                self.adopted.append((pid, psutil.Process(pid).create_time()))
            except psutil.NoSuchProcess:
                pass

    def end_all(self):
        for pid, ctime in self.adopted:
            try:
                if psutil.Process(pid).create_time() == ctime:
                    os.kill(pid, signal.SIGKILL)
            except (psutil.NoSuchProcess, ProcessLookupError):
                pass
        for puppet in self.started:
            if puppet.popen.poll() is None:
                os.kill(puppet.pid, signal.SIGKILL)
            puppet.popen.wait()
            for f in (puppet.popen.stdin, puppet.popen.stdout):
                try:
                    f.close()
                except OSError:
                    pass


@pytest.fixture
def puppets():
    p = Puppets()
    try:
        yield p
    finally:
        p.end_all()
