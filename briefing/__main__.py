"""``python -m briefing`` and the ``briefing`` command.

The command line's imports take a second or more on a busy machine; a Ctrl-C or SIGTERM then
would print an import traceback.  Until they are done, either signal just says ``interrupted``
or ``terminated`` and exits 130 or 143, as it does during a command (nothing is written yet).
"""

from __future__ import annotations

import os
import signal
from types import FrameType


def _stop_at_startup(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted\n" if signum == signal.SIGINT else b"terminated\n")
    os._exit(128 + signum)


def main() -> None:
    """Console-script entry point."""
    previous = {sig: signal.signal(sig, _stop_at_startup)
                for sig in (signal.SIGINT, signal.SIGTERM)}
    from briefing.cli import main as cli_main

    for sig, handler in previous.items():
        signal.signal(sig, handler)
    cli_main()


if __name__ == "__main__":
    main()
