"""Shared fixtures: an isolated workspace, the seed article, a CLI runner, audio probes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from briefing.cli import app

# On CI, property tests use a fixed seed (derandomize) so a run is reproducible; developers'
# runs keep exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
SEED = SEEDS / "000_59d2dc9ad17c7b01.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seed_path() -> Path:
    """The seed article from ../shared/seeds (the test is skipped where it is absent)."""
    if not SEED.is_file():
        pytest.skip("../shared/seeds is not present in this clone")
    return SEED


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace folder; the current folder is a different, empty folder."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("BRIEFING_DEBUG", raising=False)
    return workspace


class Run:
    """The result of one in-process CLI run."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Run ``briefing ARGS...`` in-process; the result has exit_code, stdout, stderr."""
    runner = CliRunner()

    def run(*args: str | Path) -> Run:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
        exc = result.exception if not isinstance(result.exception, SystemExit) else None
        return Run(result.exit_code, result.stdout, result.stderr, exc)

    return run


def have_ffprobe() -> bool:
    return shutil.which("ffprobe") is not None


needs_ffprobe = pytest.mark.skipif(not have_ffprobe(), reason="ffprobe is not installed")


def ffprobe_json(path: Path, *args: str) -> Any:
    """``ffprobe -of json ARGS path``, parsed."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def ffprobe_duration(path: Path) -> float:
    """Duration in seconds as ffprobe reports it."""
    return float(ffprobe_json(path, "-show_entries", "format=duration")["format"]["duration"])


def ffprobe_chapters(path: Path) -> list[dict[str, Any]]:
    """Chapters as ffprobe lists them, sorted by start time (ffprobe lists file order)."""
    chapters = ffprobe_json(path, "-show_chapters")["chapters"]
    return sorted(chapters, key=lambda c: float(c["start_time"]))
