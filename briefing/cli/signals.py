"""SIGTERM handled like Ctrl-C.

``kill``, ``timeout``, systemd and container runtimes stop a process with SIGTERM, whose default
action ends it at once: no message, temporary files left behind, worker processes left to
notice by themselves.  While a command runs, SIGTERM raises :class:`Terminated`, a
:class:`KeyboardInterrupt`, so every clean-up path Ctrl-C takes (temporary files removed,
workers stopped, ``watch`` and ``serve`` saying they stopped) runs for it too; the command line
then says ``terminated`` and exits 143 (128 + 15) where Ctrl-C says ``interrupted`` and exits
130.  A second SIGTERM during the clean-up is ignored, so the clean-up finishes.  Forked worker
processes inherit the handler; one that receives SIGTERM before resetting it simply ends.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

TERMINATED_EXIT = 128 + signal.SIGTERM
INTERRUPTED_EXIT = 128 + signal.SIGINT


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
"""Handled as SIGTERM: SIGHUP too (the terminal closed), unless it is ignored (``nohup``)."""


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM (or SIGHUP)."""


_received: list[int] = []


def terminated() -> int | None:
    """The exit status for the stop signal that arrived while the current command ran
    (143 for SIGTERM, 129 for SIGHUP), or None."""
    return 128 + _received[0] if _received else None


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Raise :class:`Terminated` in the main thread on SIGTERM or SIGHUP, for the duration."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:  # a forked worker, before it reset the signal: just end
            os._exit(128 + signum)
        if _received:
            return  # already stopping: let the clean-up finish
        _received.append(signum)
        raise Terminated()

    _received.clear()
    previous = {}
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
