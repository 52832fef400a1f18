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

Once a command has ended (returned or called ``sys.exit``), the process ends without tearing
the interpreter down: after every exit handler has run (the logging's flush, the worker
pools', temporary folders'), :func:`_end_now` flushes stdout and stderr and leaves with the
command's status by ``os._exit``.  Freeing the five hundred modules and the objects of a
build one by one took 60 to 110 ms on a quiet two-core machine, a tenth of a one-sentence
edit's build (issue 17), for memory the system takes back at once anyway; mypy ends the same
way.  Any other way out (an uncaught exception, Ctrl-C's re-raised ``KeyboardInterrupt``) is
left to Python, which reports it and exits as usual; so is every exit when some exit handler was
registered before :func:`_end_now` could be (coverage's, started from a ``.pth`` file): it
would not run otherwise.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from types import FrameType

_status: list[int] = []
"""The ended command's exit status, once it has ended by returning or ``sys.exit``."""


def _stop_now(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted\n" if signum == signal.SIGINT else b"terminated\n")
    os._exit(128 + signum)


def _end_now() -> None:
    """Registered first, so run last of the exit handlers: end the process with the command's
    status without the interpreter's teardown (the module docstring says why); nothing when
    the command did not end by returning or ``sys.exit``."""
    if not _status:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing left to say there
            stream.flush()
    os._exit(_status[0])


def _exit_status(code: object) -> int:
    """The status Python gives ``sys.exit(code)``: 0 for ``None``, the number, else 1 (a
    message, already printed to stderr)."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


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
    if getattr(atexit, "_ncallbacks", lambda: 1)() == 0:  # else one would be skipped
        atexit.register(_end_now)  # before any handler the command's imports register
    from briefing.cli import main as cli_main

    # Ctrl-C raises KeyboardInterrupt again, for commands to clean up after; SIGTERM and
    # SIGHUP keep ending at once until a command takes them over.
    if signal.SIGINT in previous:
        signal.signal(signal.SIGINT, previous[signal.SIGINT])
    try:
        cli_main()
    except SystemExit as exc:
        _status.append(_exit_status(exc.code) & 0xFF)
        raise
    _status.append(0)


if __name__ == "__main__":
    main()
