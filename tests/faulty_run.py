"""Run the briefing command line with a fault injected, in a process of its own.

``python -m tests.faulty_run enospc N ARGS...`` runs ``briefing ARGS...`` on a disk that fills up
at the N-th ``fsync`` (every atomic write makes one): the write fails with ``ENOSPC``, as a
real full disk does, without naming a file.  Used by the fault tests, which need real worker
processes and a real exit.
"""

from __future__ import annotations

import errno
import os
import sys


def main() -> None:
    kind, count, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    if kind != "enospc":
        raise SystemExit(f"unknown fault {kind!r}")
    real_fsync = os.fsync
    calls = {"n": 0}

    def full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] >= count:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    os.fsync = full
    from briefing.cli import app

    app(args, prog_name="briefing")


if __name__ == "__main__":
    main()
