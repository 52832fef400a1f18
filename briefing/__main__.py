"""``python -m briefing`` and the ``briefing`` command.

The command line's imports take a second or more on a busy machine, and typer parses the
arguments before a command's own signal handling starts (:mod:`briefing.cli.signals`).  A
Ctrl-C during the imports, or a SIGTERM or SIGHUP outside a command, would print an import
traceback or end the process without a word; instead it says ``interrupted`` or
``terminated`` and exits 128 + the signal's number, as during a command (nothing is being
written then).

``briefing --version`` alone is answered here, before typer (about 40 ms of imports on a
quiet machine) is loaded: the version is what scripts and package managers ask for most, and
the answer is the same line typer's eager ``--version`` option prints.  Every other command
line goes to typer, whose command modules import only what the command that runs needs
(``tests/test_startup.py``).
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from types import FrameType


def _stop_now(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted\n" if signum == signal.SIGINT else b"terminated\n")
    os._exit(128 + signum)


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from briefing import __version__

        sys.stdout.write(f"briefing {__version__}\n")
        return
    stops = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
             if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, _stop_now) for sig in stops
                if signal.getsignal(sig) is not signal.SIG_IGN}
    from briefing.cli import main as cli_main

    # Ctrl-C raises KeyboardInterrupt again, for commands to clean up after; SIGTERM and
    # SIGHUP keep ending at once until a command takes them over.
    if signal.SIGINT in previous:
        signal.signal(signal.SIGINT, previous[signal.SIGINT])
    try:
        cli_main()
    except SystemExit as exc:
        _end(exc.code)
    _end(0)


def _end(code: object) -> None:
    """Exit with ``code`` once the exit handlers ran, without the interpreter's teardown.

    Freeing every object of a build's modules one by one took 0.1 s after a build's work
    was done (0.15 s under load): time the build waits for nothing, after the workers have
    stopped.  The ``atexit`` handlers still run (logging's flush, multiprocessing's) and the
    standard streams are flushed; a code that is not a number, or a thread of the command
    still running, leaves the exit to Python as usual.
    """
    others = [t for t in threading.enumerate()
              if t is not threading.main_thread() and t.is_alive() and not t.daemon]
    if not (code is None or isinstance(code, int)) or others:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python reports it as usual
        raise SystemExit(code) from None
    os._exit(code or 0)


if __name__ == "__main__":
    main()
