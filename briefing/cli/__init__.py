"""The ``briefing`` command line (typer). The only package that prints."""

from __future__ import annotations

from briefing.cli import build_cmds, desk_cmds, proof_cmd, tools_cmds
from briefing.cli.common import app

__all__ = ["app", "build_cmds", "desk_cmds", "main", "proof_cmd", "tools_cmds"]


def main() -> None:
    """Console-script entry point."""
    app()
