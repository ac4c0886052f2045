# SPDX-License-Identifier: LGPL-2.1-or-later
"""A process the tests start and steer: it reads one command per line on
standard input, does it, answers one line on standard output, and waits
(asleep, its figures still) for the next.  So a test knows when the
puppet is ready and quiet without sleeping.

    burn S      use S seconds of CPU
    alloc MB    touch MB more mebibytes of heap
    write N     write N bytes to a file and fsync it
    threads N   start N threads that wait
    join        end those threads
    fork N      start N children that wait (until killed, or the puppet
                ends); answers their pids
    storm N     fork N children that exit at once, child i with status
                i % 256; answers their pids once all are reaped
    reap N      wait for N children (forked ones someone killed)
    exit C      exit with status C
"""
import os
import sys
import tempfile
import threading
import time

_keep = []
# the children of "fork" read this pipe, whose write end only the puppet
# holds: they see EOF and exit when the puppet goes, however it goes
_alive = os.pipe()
_threads = []
_stop = threading.Event()


def main():
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        out = "ok"
        if cmd == "burn":
            end = time.process_time() + float(arg)
            while time.process_time() < end:
                pass
        elif cmd == "alloc":
            b = bytearray(int(arg) << 20)
            for i in range(0, len(b), 4096):
                b[i] = 1
            _keep.append(b)
        elif cmd == "write":
            fd, path = tempfile.mkstemp()
            os.unlink(path)
            os.write(fd, b"x" * int(arg))
            os.fsync(fd)
            os.close(fd)
        elif cmd == "threads":
            for _ in range(int(arg)):
                t = threading.Thread(target=_stop.wait, daemon=True)
                t.start()
                _threads.append(t)
        elif cmd == "join":
            _stop.set()
            while _threads:
                _threads.pop().join()
            _stop.clear()
        elif cmd == "fork":
            pids = []
            for _ in range(int(arg)):
                pid = os.fork()
                if pid == 0:  # waits until killed, or until the puppet is gone
                    os.close(0)
                    os.close(_alive[1])
                    os.read(_alive[0], 1)
                    os._exit(0)
                pids.append(pid)
            out = " ".join(map(str, pids))
        elif cmd == "storm":
            pids = []
            for i in range(int(arg)):
                pid = os.fork()
                if pid == 0:
                    os._exit(i % 256)
                pids.append(pid)
            for pid in pids:
                os.waitpid(pid, 0)
            out = " ".join(map(str, pids))
        elif cmd == "reap":
            for _ in range(int(arg)):
                os.wait()
        elif cmd == "exit":
            sys.stdout.flush()
            os._exit(int(arg))
        else:
            out = "unknown " + cmd
        print(out, flush=True)


if __name__ == "__main__":
    print("ready", flush=True)
    main()
