"""The ``briefing`` command line (typer). The only package that prints."""

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
