"""The ``briefing`` command line (typer). The only package that prints.

The command modules import at their top only typer, the standard library and
:mod:`briefing.cli.common`; each command imports the stages it runs inside its own body, so
``--help`` and one command do not pay for the whole pipeline's imports (a few hundred
milliseconds; ``tests/test_startup.py``)."""

from __future__ import annotations

import sys

from briefing.cli import build_cmds, desk_cmds, proof_cmd, tools_cmds
from briefing.cli.common import app, reader_gone

__all__ = ["app", "build_cmds", "desk_cmds", "main", "proof_cmd", "tools_cmds"]


def main() -> None:
    """Console-script entry point.

    A closed pipe on stdout ends any command quietly, also one that prints outside
    :func:`~briefing.cli.common.errors` (``briefing engines | head -1``).
    """
    try:
        app()
    except BrokenPipeError:
        reader_gone()
        sys.exit(0)
