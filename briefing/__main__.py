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

import os
import signal
import sys
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
    cli_main()


if __name__ == "__main__":
    main()
