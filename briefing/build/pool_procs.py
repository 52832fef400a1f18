"""Ending a local worker pool's processes: finding a dead one, killing them all and letting the
pool's manager thread end.

``concurrent.futures.ProcessPoolExecutor`` has no public API for either before Python 3.14, so
these reach into its processes and result queue; kept apart from :mod:`briefing.build.workers`
so that the pool's use reads on its own.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import threading
import time
from typing import Any

log = logging.getLogger(__name__)


def dead_worker(executor: cf.Executor | None) -> str | None:
    """How one of a process pool's workers ended, if one has (they live as long as the pool)."""
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        code = process.exitcode
        if code is not None:
            how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            return f"process {process.pid}, {how}"
    return None


KILL_WAIT_S = 10.0
"""How long stopping the workers waits for each killed one to be gone."""


def _running(process: Any) -> bool:
    """Whether a killed worker still runs.  ``is_alive()`` alone can say so of a dead one when
    the pool's own thread reaped it at the same moment (our ``waitpid`` then fails)."""
    if not process.is_alive():
        return False
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def wait_for_manager(thread: threading.Thread) -> None:
    """Wait (bounded) for a killed pool's manager thread to finish cleaning up.

    Left running, it races with the interpreter's exit handler, which wakes every pool's
    manager thread: on Python 3.11 that write can hit the pipe the thread is closing at that
    moment (``OSError: [Errno 9] Bad file descriptor``, printed as a traceback at exit).
    """
    thread.join(KILL_WAIT_S)
    if thread.is_alive():
        log.warning("the worker pool did not shut down within %g s", KILL_WAIT_S)


def kill_workers(executor: cf.Executor) -> None:
    """Kill a process pool's workers and make sure its manager thread can end.

    Python < 3.14 has no public API for either.  A worker killed while it was sending a result
    leaves half a message in the result pipe; the pool's manager thread then waits for the rest
    for ever, because this process holds the pipe's write end too, and the interpreter waits
    for that thread at exit: the build never ended.  Once every worker is dead, closing our
    copy of the write end turns the wait into end-of-file, which the pool handles as a broken
    pool and cleans up.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    deadline = time.monotonic() + KILL_WAIT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    if any(_running(process) for process in processes):
        log.warning("a worker process did not stop when killed")
        return
    result_queue = getattr(executor, "_result_queue", None)
    writer = getattr(result_queue, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


__all__ = ["KILL_WAIT_S", "dead_worker", "kill_workers", "wait_for_manager"]
