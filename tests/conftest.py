"""Shared fixtures: an isolated workspace, the seed article and its one shared build, a CLI
runner, audio probes.

Every test runs isolated (:func:`isolated`): its current folder is its own ``tmp_path`` and
``HOME`` and the XDG folders point into a temporary home, so nothing a test runs can read or
write the developer's working folder, settings or caches (simonw/llm does the same).  The proof
tests that need the Whisper model give the recogniser their own cache through
``$BRIEFING_MODEL_CACHE`` (tests/test_proof.py), which this isolation leaves alone.

The seed article is built once per session (:func:`seed_build`) into a workspace that tests only
read; a test that changes the workspace takes :func:`seed_copy`, a private copy of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from briefing.build.noop import SNAPSHOT_NAME
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


ISOLATED_ENV = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
"""Variables :func:`isolate` points into a temporary home."""

REAL_HOME = Path.home()
"""The home folder pytest was started with (no test may use it)."""


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path, cwd: Path) -> None:
    """Run in ``cwd`` with ``home`` as ``HOME`` (and its XDG folders), without BRIEFING_DEBUG."""
    for name in ISOLATED_ENV:
        folder = home if name == "HOME" else home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("BRIEFING_DEBUG", raising=False)
    monkeypatch.delenv("BRIEFING_MODEL_CACHE", raising=False)  # test_proof sets its own
    monkeypatch.chdir(cwd)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
             monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: the current folder is ``tmp_path``; HOME and XDG_* are a temporary home."""
    isolate(monkeypatch, tmp_path_factory.mktemp("home"), tmp_path)


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


Cli: TypeAlias = Callable[..., Run]
"""The type of the :func:`cli` fixture: ``cli("build", "-w", ws) -> Run``."""


def run_cli(*args: str | Path) -> Run:
    """Run ``briefing ARGS...`` in-process."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exc)


@pytest.fixture
def cli() -> Cli:
    """Run ``briefing ARGS...`` in-process; the result has exit_code, stdout, stderr."""
    return run_cli


@dataclass(frozen=True)
class SeedBuild:
    """The seed built with the fake engine: its workspace and the build's ``--json`` report."""

    ws: Path
    report: dict[str, Any]

    @property
    def day(self) -> dict[str, Any]:
        """The report of its only date."""
        dates: list[dict[str, Any]] = self.report["dates"]
        [day] = dates
        return day


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> SeedBuild:
    """The seed, built once per session (``build SEED -w WS --engine fake --json``): read only."""
    if not SEED.is_file():
        pytest.skip("../shared/seeds is not present in this clone")
    root = tmp_path_factory.mktemp("seed")
    ws = root / "ws"
    ws.mkdir()
    (root / "cwd").mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home", root / "cwd")
        result = run_cli("build", SEED, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    return SeedBuild(ws, result.json())


@pytest.fixture(scope="session")
def site_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's articles and one carrying ``<script>``, built once per session with the
    fake engine (tests/test_web.py, tests/test_browser.py): read only, copy it to change it."""
    from tests.test_web import build_site_workspace

    root = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home", root)
        return build_site_workspace(root)


@pytest.fixture
def seed_copy(seed_build: SeedBuild, tmp_path: Path) -> SeedBuild:
    """A private copy of the seed's built workspace, for a test that changes it."""
    ws = tmp_path / "ws"
    shutil.copytree(seed_build.ws, ws, symlinks=True)
    return SeedBuild(ws, seed_build.report)


def found(pattern: str, text: str) -> re.Match[str]:
    """``re.search(pattern, text)``, failing the test (with both shown) when nothing matches."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found in {text!r}"
    return match


def as_from_a_terminal() -> None:
    """``preexec_fn`` for a child that is sent Ctrl-C: SIGINT at its default, as a terminal's
    shell starts programs, even when pytest itself was started in the background (a shell
    without job control starts background jobs with SIGINT ignored, and children inherit it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def assert_built(ws: Path, day: str) -> None:
    """The date ``day`` of ``ws`` is built: its MP3, read back by mutagen, is as long as its
    manifest says and carries one CHAP frame per chapter, at the manifest's start times."""
    from mutagen.id3 import ID3
    from mutagen.mp3 import MP3

    folder = ws / "audio" / day
    manifest = json.loads((folder / f"briefing-{day}.json").read_text(encoding="utf-8"))
    mp3 = folder / f"briefing-{day}.mp3"
    assert MP3(mp3).info.length * 1000 == pytest.approx(manifest["duration_ms"], abs=1)
    starts = sorted(frame.start_time for frame in ID3(mp3).getall("CHAP"))
    assert starts and starts == pytest.approx([c["start_ms"] for c in manifest["chapters"]],
                                              abs=1)


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


THREE_DATES = ("2024-05-01", "2024-05-02", "2024-05-03")


def build_three_dates(root: Path) -> Path:
    """A workspace at ``root / "ws"`` of the sample article on :data:`THREE_DATES` (each copy's
    volunteer count distinct), built with the fake engine (home isolated under ``root``)."""
    ws = root / "ws"
    (ws / "articles").mkdir(parents=True)
    base = (REPO / "articles" / "2024-05-14-river-cleanup.txt").read_text(encoding="utf-8")
    for i, day in enumerate(THREE_DATES):
        text = base.replace("2024-05-14", day).replace("2,000 volunteers", f"{2000 + i} volunteers")
        (ws / "articles" / f"{day}.txt").write_text(text, encoding="utf-8")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home", root)
        result = run_cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    return ws


@pytest.fixture(scope="module")
def three_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`build_three_dates`, once per test module (read only: tests copy it); its build
    recorded the no-op answer."""
    ws = build_three_dates(tmp_path_factory.mktemp("three"))
    assert (ws / ".briefing" / SNAPSHOT_NAME).is_file()
    return ws


def edit_story(ws: Path, day: str, words: str = ", the producer added") -> None:
    """Add ``words`` to the first sentence of the story of ``day``'s script (a producer's
    one-sentence edit)."""
    script = ws / "scripts" / f"{day}.md"
    text = script.read_text(encoding="utf-8")
    end = text.index(".", text.index("\n\n", text.index("## Story 1")) + 2)
    script.write_text(text[:end] + words + text[end:], encoding="utf-8")


NEWSROOM_FOOTER = "Produced by the newsroom."


def add_footer_template(ws: Path) -> None:
    """A workspace copy of the page template with :data:`NEWSROOM_FOOTER` in its footer."""
    templates = ws / "templates"
    templates.mkdir(exist_ok=True)
    original = (REPO / "templates" / "player.html.j2").read_text(encoding="utf-8")
    assert "</footer>" in original
    (templates / "player.html.j2").write_text(
        original.replace("</footer>", f"<p>{NEWSROOM_FOOTER}</p></footer>"), encoding="utf-8")


def copy_tree(built: Path, to: Path) -> Path:
    """A copy of the workspace ``built`` at ``to`` (links kept as links)."""
    shutil.copytree(built, to, symlinks=True)
    return to
