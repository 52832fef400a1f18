"""The producer's desk: an edited script merged with an updated article, conflicts that are
reported on every command until settled (``resolve``, or deleting the ``.new.md``), ``diff``,
and dates whose articles are gone (moved to the trash, or kept when edited)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

DAY = "2024-05-15"
ARTICLE = "2024-05-15-glacier-survey.txt"
EDIT = ("despite heavy snowfall in the Alps.", "despite record snowfall in the Alps.")
"""The producer rewords the story's first paragraph."""
UPDATE = ("each summer since 2009", "each summer since 2008")
"""The wire updates the story's second paragraph."""
CLASH = ("each summer since 2009", "each summer since 2010")
"""The producer rewords the sentence the wire updates."""

Cli = Callable[..., Any]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from briefing.cli import app

    ws = tmp_path_factory.mktemp("desk") / "ws"
    (ws / "articles").mkdir(parents=True)
    shutil.copy(REPO / "articles" / ARTICLE, ws / "articles" / ARTICLE)
    shutil.copy(REPO / "articles" / "2024-05-14-night-trains.txt", ws / "articles")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    result = CliRunner().invoke(app, ["build", "-w", str(ws)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return ws


@pytest.fixture
def ws(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(built, copy)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return copy


def _script(ws: Path) -> Path:
    return ws / "scripts" / f"{DAY}.md"


def _new(ws: Path) -> Path:
    return ws / "scripts" / f"{DAY}.new.md"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _day(doc: dict[str, Any]) -> dict[str, Any]:
    [day] = [d for d in doc["dates"] if d["date"] == DAY]
    return day


def _spoken(ws: Path) -> str:
    """Every sentence of the date's audio, as its manifest's cues time them."""
    manifest = json.loads((ws / "audio" / DAY / f"briefing-{DAY}.json").read_text("utf-8"))
    return "\n".join(cue["text"] for cue in manifest["cues"])


def _conflict(ws: Path, cli: Cli) -> Any:
    _replace(_script(ws), *CLASH)
    _replace(ws / "articles" / ARTICLE, *UPDATE)
    return cli("build", "-w", ws, "--json")


# --------------------------------------------------------------------------- merge

def test_edits_to_different_paragraphs_merge_and_both_reach_the_audio(ws: Path,
                                                                      cli: Cli) -> None:
    _replace(_script(ws), *EDIT)
    edited = _script(ws).read_bytes()
    _replace(ws / "articles" / ARTICLE, *UPDATE)
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    day = _day(doc)
    assert day["script_status"] == "merged" and not day["stale"]
    assert doc["conflicts"] == []
    script = _script(ws).read_text(encoding="utf-8")
    assert EDIT[1] in script and UPDATE[1] in script
    assert EDIT[0] not in script and UPDATE[0] not in script
    assert not _new(ws).exists()
    # the producer's previous version is in the trash, byte for byte
    [merged] = doc["merged"]
    assert Path(merged["previous"]).read_bytes() == edited
    assert ".briefing/trash/" in Path(merged["previous"]).as_posix()
    # the two changed sentences are synthesised, nothing else, and both are in the audio
    assert day["segments"]["synthesized"] == 2
    spoken = _spoken(ws)
    assert "record snowfall" in spoken and "since 2008" in spoken
    text = cli("build", "-w", ws)
    assert text.exit_code == 0
    assert "audio up to date" in text.stdout and "merged" not in text.stderr


def test_text_report_says_merged(ws: Path, cli: Cli) -> None:
    _replace(_script(ws), *EDIT)
    _replace(ws / "articles" / ARTICLE, *UPDATE)
    result = cli("build", "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert f"merged: {_script(ws)}" in result.stderr
    assert "script merged" in result.stdout


# --------------------------------------------------------------------------- conflicts

def test_the_same_sentence_changed_on_both_sides_is_a_conflict_losing_neither(
        ws: Path, cli: Cli) -> None:
    _replace(_script(ws), *CLASH)
    mine = _script(ws).read_bytes()
    _replace(ws / "articles" / ARTICLE, *UPDATE)
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 3, result.stderr
    doc = result.json()
    assert doc["conflicts"] == [{"date": DAY, "script": str(_script(ws)),
                                 "new": str(_new(ws))}]
    assert _day(doc)["script_status"] == "conflict" and _day(doc)["stale"]
    assert _script(ws).read_bytes() == mine  # kept exactly
    offered = _new(ws).read_text(encoding="utf-8").splitlines()
    start, mid, end = (offered.index("<<<<<<< yours"), offered.index("======="),
                       offered.index(">>>>>>> generated"))
    assert start < mid < end
    assert any("since 2010" in line for line in offered[start:mid])
    assert any("since 2008" in line for line in offered[mid:end])
    # every other paragraph is outside the markers, once
    assert sum("Photo 2 out of 2." in line for line in offered) == 1
    assert "since 2010" in _spoken(ws)  # the audio keeps the producer's wording


def test_an_open_conflict_is_reported_by_build_render_and_status(ws: Path, cli: Cli) -> None:
    assert _conflict(ws, cli).exit_code == 3
    commands = (("build",), ("render",), ("render", DAY), ("status",), ("status", ws / "articles"))
    for args in commands:
        result = cli(*args, "-w", ws)
        assert result.exit_code == 3, (args, result.stdout, result.stderr)
        assert f"conflict: {_script(ws)}" in result.stderr
        line = next(s for s in result.stdout.splitlines() if s.startswith(DAY))
        assert "STALE" in line and "audio up to date" not in line
        as_json = cli(*args, "-w", ws, "--json")
        assert as_json.exit_code == 3
        assert _day(as_json.json())["stale"] is True
    other = next(d for d in cli("status", "-w", ws, "--json").json()["dates"]
                 if d["date"] != DAY)
    assert other["stale"] is False


def test_status_sees_a_wire_update_before_any_build(ws: Path, cli: Cli) -> None:
    _replace(_script(ws), *EDIT)
    _replace(ws / "articles" / ARTICLE, *UPDATE)
    result = cli("status", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert _day(result.json())["script_status"] == "would be merged"
    _replace(_script(ws), *CLASH)
    result = cli("status", "-w", ws)
    assert result.exit_code == 3
    assert f"conflict: {_script(ws)}" in result.stderr
    assert not _new(ws).exists()  # status writes nothing


def test_a_script_with_conflict_markers_is_refused_naming_its_line(ws: Path, cli: Cli) -> None:
    assert _conflict(ws, cli).exit_code == 3
    offered = _new(ws).read_text(encoding="utf-8")
    _script(ws).write_text(offered, encoding="utf-8")
    lineno = offered.splitlines().index("<<<<<<< yours") + 1
    result = cli("render", DAY, "-w", ws)
    assert result.exit_code == 2
    [error] = [s for s in result.stderr.splitlines() if s.startswith("error:")]
    assert f"{_script(ws)}: line {lineno}: merge conflict marker '<<<<<<<'" in error


def test_deleting_the_new_md_after_merging_by_hand_settles_it(ws: Path, cli: Cli) -> None:
    assert _conflict(ws, cli).exit_code == 3
    _replace(_script(ws), "since 2010", "since 2008, not 2010,")
    _new(ws).unlink()
    for _ in range(2):
        result = cli("build", "-w", ws, "--json")
        assert result.exit_code == 0, result.stderr
        assert result.json()["conflicts"] == [] and not _new(ws).exists()
        assert not _day(result.json())["stale"]
    assert "since 2008, not 2010," in _spoken(ws)
    assert cli("status", "-w", ws).exit_code == 0
    # a later wire update merges against the text the producer settled
    _replace(ws / "articles" / ARTICLE, "heavy snowfall", "heavy snow")
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert _day(result.json())["script_status"] == "merged"
    script = _script(ws).read_text(encoding="utf-8")
    assert "heavy snow in the Alps" in script and "since 2008, not 2010," in script


def test_resolve_ours_keeps_the_script_and_is_not_offered_again(ws: Path, cli: Cli) -> None:
    assert _conflict(ws, cli).exit_code == 3
    mine = _script(ws).read_bytes()
    result = cli("resolve", DAY, "--ours", "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert not _new(ws).exists() and _script(ws).read_bytes() == mine
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["conflicts"] == [] and not _new(ws).exists()
    assert _script(ws).read_bytes() == mine
    assert cli("resolve", DAY, "--ours", "-w", ws).exit_code == 2  # nothing left to resolve


def test_resolve_theirs_takes_the_generated_text(ws: Path, cli: Cli) -> None:
    assert _conflict(ws, cli).exit_code == 3
    mine = _script(ws).read_bytes()
    result = cli("resolve", DAY, "--theirs", "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert not _new(ws).exists()
    script = _script(ws).read_text(encoding="utf-8")
    assert "since 2008" in script and "since 2010" not in script
    [previous] = [p for p in (ws / ".briefing" / "trash").rglob(f"{DAY}.md")]
    assert previous.read_bytes() == mine
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert _day(result.json())["script_status"] == "unchanged"
    assert "since 2008" in _spoken(ws)


def test_resolve_needs_one_side(ws: Path, cli: Cli) -> None:
    assert _conflict(ws, cli).exit_code == 3
    for args in ((), ("--ours", "--theirs")):
        result = cli("resolve", DAY, *args, "-w", ws)
        assert result.exit_code == 2
        assert "--ours" in result.stderr
    assert _new(ws).exists()


def test_diff_shows_the_producers_changes(ws: Path, cli: Cli) -> None:
    result = cli("diff", DAY, "-w", ws)
    assert result.exit_code == 0 and result.stdout == ""
    _replace(_script(ws), *CLASH)
    result = cli("diff", DAY, "-w", ws)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- scripts/{DAY}.md (generated)"
    assert lines[1] == f"+++ scripts/{DAY}.md (yours)"
    assert [s for s in lines if s.startswith("-") and "since" in s] == [
        s.replace("+", "-", 1).replace("2010", "2009")
        for s in lines if s.startswith("+") and "since" in s]
    assert sum(1 for s in lines if s.startswith("+") and not s.startswith("+++")) == 1


# --------------------------------------------------------------------------- removed dates

def test_an_edited_script_whose_articles_are_gone_is_kept_and_rendered(ws: Path,
                                                                       cli: Cli) -> None:
    _replace(_script(ws), *EDIT)
    (ws / "articles" / ARTICLE).unlink()
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["removed"] == []
    day = _day(doc)
    assert day["script_status"] == "kept: no articles"
    assert day["audio"] == "built" and day["segments"]["synthesized"] == 1
    assert "record snowfall" in _spoken(ws)
    assert DAY in (ws / "audio" / "index.html").read_text(encoding="utf-8")
    text = cli("build", "-w", ws)
    assert "script kept: no articles" in text.stdout


def test_clean_trash_empties_it(ws: Path, cli: Cli) -> None:
    (ws / "articles" / ARTICLE).unlink()
    assert cli("build", "-w", ws).exit_code == 0
    trash = ws / ".briefing" / "trash"
    files = [p for p in trash.rglob("*") if p.is_file()]
    assert any(p.name == f"{DAY}.md" for p in files)
    dry = cli("clean", "--trash", "--dry-run", "-w", ws, "--json")
    assert dry.exit_code == 0
    assert json.loads(dry.stdout)["trash"]["files"] == len(files)
    assert len([p for p in trash.rglob("*") if p.is_file()]) == len(files)
    result = cli("clean", "--trash", "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert f"removed {len(files)} file(s) from the trash" in result.stdout
    assert list(trash.iterdir()) == []
    plain = cli("clean", "-w", ws)  # no flag: the cache (issue 16.11), never the trash
    assert plain.exit_code == 0, plain.stderr
    assert "segment(s)" in plain.stdout and "trash" not in plain.stdout
