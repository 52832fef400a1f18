"""A build after an edit of one date's script plans that date alone (:mod:`briefing.build.partial`).

Three dates are built with the fake engine; one date's script is edited.  The build must read
back and render only that date's script, and make exactly what a build planned in full makes
from the same files (the recorded no-op removed first): every output, every script, the
report.  A change to anything else beside the edit (an article, the settings) plans all dates.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from briefing.build import plan as plan_module
from briefing.build.noop import SNAPSHOT_NAME
from tests.conftest import THREE_DATES, Cli, edit_story, run_cli

DATES = THREE_DATES


def copy(three_built: Path, to: Path) -> Path:
    """A copy of ``three_built`` at ``to``, built there once (the recorded no-op names its
    place)."""
    shutil.copytree(three_built, to, symlinks=True)
    result = run_cli("build", "-w", to, "--json")
    assert result.exit_code == 0, result.stderr
    assert (to / ".briefing" / SNAPSHOT_NAME).is_file()
    return to


edit = edit_story


@pytest.fixture
def spy() -> Iterator[dict[str, list[Any]]]:
    """The scripts the plan reads back, the dates it renders from articles and the article
    sources it reads."""
    seen: dict[str, list[Any]] = {"read": [], "rendered": [], "articles": []}
    read, render, articles = (plan_module.read_script, plan_module.render_script,
                              plan_module.read_articles)

    def reading(path: Path) -> Any:
        seen["read"].append(path.name)
        return read(path)

    def rendering(day: Any, *args: Any, **kwargs: Any) -> str:
        seen["rendered"].append(day.isoformat())
        return render(day, *args, **kwargs)

    def reading_articles(paths: Any, settings: Any) -> Any:
        seen["articles"].append(paths)
        return articles(paths, settings)

    with mock.patch.object(plan_module, "read_script", reading), \
            mock.patch.object(plan_module, "render_script", rendering), \
            mock.patch.object(plan_module, "read_articles", reading_articles):
        yield seen


def files(ws: Path) -> dict[str, bytes]:
    """Every output and script, by path in the workspace."""
    return {p.relative_to(ws).as_posix(): p.read_bytes() for top in ("audio", "scripts")
            for p in sorted((ws / top).rglob("*")) if p.is_file()}


def test_an_edit_plans_its_date_alone_and_makes_what_a_full_plan_makes(
        three_built: Path, tmp_path: Path, cli: Cli, spy: dict[str, list[Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # one clock for both builds: a corrected date's manifest records when its audio changed,
    # and two builds a second apart would differ there alone
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714564800")
    fast, full = copy(three_built, tmp_path / "fast"), copy(three_built, tmp_path / "full")
    spy["read"].clear()
    spy["rendered"].clear()
    spy["articles"].clear()
    for ws in (fast, full):
        edit(ws, DATES[1])
    before = {p: (fast / p).stat().st_mtime_ns for p in files(fast)}

    one = cli("build", "-w", fast, "--json")
    assert one.exit_code == 0, one.stderr
    # its generated text is the one recorded as its merge base (nothing it is made from
    # changed), so no template is rendered
    assert spy["read"] == [f"{DATES[1]}.md"] and spy["rendered"] == []
    # nor is any article read: their warnings are the recorded build's, said again
    assert spy["articles"] == []
    assert one.stderr.count("has no credit") == len(DATES), one.stderr

    spy["read"].clear()
    spy["rendered"].clear()
    (full / ".briefing" / SNAPSHOT_NAME).unlink()
    every = cli("build", "-w", full, "--json")
    assert every.exit_code == 0, every.stderr
    assert sorted(spy["read"]) == [f"{d}.md" for d in DATES]  # the spy sees a full plan
    assert len(spy["articles"]) == 1

    assert files(fast) == files(full)
    assert one.stdout.replace(str(fast), str(full)) == every.stdout
    assert one.stderr.replace(str(fast), str(full)) == every.stderr
    touched = {p for p, t in before.items() if (fast / p).stat().st_mtime_ns != t}
    assert touched, "the edited date was not rebuilt"
    assert all(p.startswith((f"audio/{DATES[1]}/", "scripts/")) or p == "audio/index.html"
               for p in touched), touched  # the other dates' outputs and pages untouched
    # and the next build is the recorded no-op, as after a full plan
    assert (fast / ".briefing" / SNAPSHOT_NAME).is_file()
    again = cli("build", "-w", fast, "--json")
    assert again.exit_code == 0 and len(spy["read"]) == 3


def test_an_edit_whose_merge_base_is_not_trusted_reads_the_articles(
        three_built: Path, tmp_path: Path, cli: Cli, spy: dict[str, list[Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When the plans of the edited scripts cannot be made without the articles (no trusted
    text last generated for one), the articles are read as in a full plan, and the build
    makes what a full plan makes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714564800")
    fast, full = copy(three_built, tmp_path / "fast"), copy(three_built, tmp_path / "full")
    for ws in (fast, full):
        edit(ws, DATES[1])
    spy["articles"].clear()
    with monkeypatch.context() as patched:
        patched.setattr("briefing.build.bases.base_text", lambda ws, state, day: None)
        one = cli("build", "-w", fast, "--json")
    assert one.exit_code == 0, one.stderr
    assert len(spy["articles"]) == 1
    (full / ".briefing" / SNAPSHOT_NAME).unlink()
    every = cli("build", "-w", full, "--json")
    assert every.exit_code == 0, every.stderr
    assert files(fast) == files(full)
    assert one.stdout.replace(str(fast), str(full)) == every.stdout


@pytest.mark.parametrize("other", ["article", "settings"])
def test_an_edit_beside_another_change_plans_every_date(
        three_built: Path, tmp_path: Path, cli: Cli, spy: dict[str, list[Any]], other: str) -> None:
    ws = copy(three_built, tmp_path / "ws")
    spy["read"].clear()
    spy["rendered"].clear()
    edit(ws, DATES[1])
    if other == "article":
        article = ws / "articles" / f"{DATES[2]}.txt"
        article.write_text(article.read_text(encoding="utf-8").replace(
            "volunteers", "helpers", 1), encoding="utf-8")
    else:
        (ws / "briefing.toml").write_text('engine = "fake"\nalbum = "Morning news"\n')
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(spy["rendered"]) == list(DATES)  # every date planned
    assert f"{DATES[0]}.md" in spy["read"]  # an untouched date's script read back too
