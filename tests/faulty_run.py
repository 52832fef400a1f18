"""Run the briefing command line with a fault injected, in a process of its own.

``python -m tests.faulty_run enospc N ARGS...`` runs ``briefing ARGS...`` on a disk that fills up
at the N-th ``fsync`` (every atomic write makes one): the write fails with ``ENOSPC``, as a
real full disk does, without naming a file.

``python -m tests.faulty_run kill-site N ARGS...`` SIGKILLs the build when it is about to write
its N-th web page (0: as it starts writing the site), after the dates' outputs and state.

``python -m tests.faulty_run engines 0 ARGS...`` only adds the engines of tests/faulty.py
(``--engine slow`` ...).

Used by the fault and crash tests, which need real worker processes and a real exit.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any


def main() -> None:
    kind, count, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    add_faulty_engines()
    if kind == "engines":
        pass
    elif kind == "kill-site":
        kill_at_site(count)
    elif kind == "enospc":
        full_disk(count)
    else:
        raise SystemExit(f"unknown fault {kind!r}")
    from briefing.cli import app

    app(args, prog_name="briefing")


def add_faulty_engines() -> None:
    from importlib.metadata import EntryPoint

    import briefing.engines.registry as registry

    real = registry._entry_points

    def patched() -> dict[str, EntryPoint]:
        eps = dict(real())
        for name, cls in (("failing", "FailingEngine"), ("hanging", "HangingEngine"),
                          ("empty", "EmptyEngine"), ("slow", "SlowEngine")):
            eps[name] = EntryPoint(name, f"tests.faulty:{cls}", registry.GROUP)
        return eps

    registry._entry_points = patched


def kill_at_site(count: int) -> None:
    import signal

    from briefing.publish import web

    real_write_site, real_write = web.write_site, web.write_if_changed
    calls = {"n": 0}

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def write_site(*args: Any, **kwargs: Any) -> Any:
        if count == 0:
            die()
        return real_write_site(*args, **kwargs)

    def write(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= count:
            die()
        return real_write(*args, **kwargs)

    web.write_site = write_site
    web.write_if_changed = write


def full_disk(count: int) -> None:
    real_fsync = os.fsync
    calls = {"n": 0}

    def full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] >= count:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    os.fsync = full


if __name__ == "__main__":
    main()
