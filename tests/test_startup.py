"""Start-up: ``--version``, ``--help`` and each command's ``--help`` import no pipeline code.

Each case runs the real entry point (``python -X importtime -m briefing ...``) in a fresh
interpreter and reads the modules it imported from ``-X importtime``'s report: a property of
what is imported, not a timing, so it holds on a loaded machine too.  Reading scripts back
imports no article reader either.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import app

HEAVY = ("pydub", "lameenc", "jinja2", "pyttsx3", "piper", "numpy", "mutagen", "pydantic",
         "PIL", "yaml", "rich", "av", "watchfiles", "merge3", "num2words", "espeakng_loader")
"""Third-party modules a command imports only when it runs."""

PIPELINE = ("briefing.audio", "briefing.engines", "briefing.publish", "briefing.text",
            "briefing.build.plan", "briefing.build.execute", "briefing.build.keys",
            "briefing.build.workers", "briefing.templating", "briefing.config_model")
"""briefing's own stages (and modules) that parsing a command line does not need."""


def imported(*args: str | Path, cwd: Path | None = None) -> tuple[set[str], str]:
    """The modules ``briefing ARGS`` imports, and its stdout."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing",
                           *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    names = reported_modules(done.stderr)
    assert "briefing" in names, done.stderr[-2000:]  # the report was read
    return names, done.stdout


def reported_modules(report: str) -> set[str]:
    """The modules named in ``-X importtime``'s report."""
    names = set()
    for line in report.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the report's header line
                names.add(name)
    return names


def heavy_in(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))


def test_version_imports_neither_typer_nor_the_pipeline() -> None:
    names, out = imported("--version")
    assert out == "briefing 0.1.0\n"
    assert heavy_in(names, ("typer", "click", *HEAVY, *PIPELINE)) == []


def test_version_after_other_options_is_typer_s_same_line() -> None:
    names, out = imported("--version", "build")
    assert out == "briefing 0.1.0\n"
    assert heavy_in(names, (*HEAVY, *PIPELINE)) == []


def test_help_imports_no_pipeline() -> None:
    names, out = imported("--help")
    assert "build" in out and "voices" in out
    assert heavy_in(names, (*HEAVY, *PIPELINE)) == []


COMMANDS = sorted(c.name or (c.callback.__name__ if c.callback else "")
                  for c in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_imports_no_pipeline(command: str) -> None:
    names, out = imported(command, "--help")
    assert f"Usage: python -m briefing {command}" in out
    assert heavy_in(names, (*HEAVY, *PIPELINE)) == []


ARTICLE_READER = ("briefing.text.article", "briefing.text.captions", "briefing.text.credits",
                  "briefing.text.credit_lines")
"""The article formats and the caption and credit analysis."""


@pytest.mark.parametrize("module", ["briefing.text.script_read", "briefing.build.inputs"])
def test_reading_scripts_back_imports_no_article_reader(module: str) -> None:
    """Reading scripts back (``briefing render``, a rebuild's plan of an edited script) needs
    no article reader: it is imported only where articles are read."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True)
    names = reported_modules(done.stderr)
    assert module in names
    assert heavy_in(names, ARTICLE_READER) == []
