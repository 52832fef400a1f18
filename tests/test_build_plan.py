"""The build's plan as its ``--json`` reports it: which stages a settings change reruns, and a
date whose articles were all deleted reported as removed (its files moved to the trash)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.text.script_read import parse_script
from tests.conftest import REPO

ARTICLES = ["2024-05-14-river-cleanup.txt", "2024-05-14-night-trains.txt",
            "2024-05-15-glacier-survey.txt"]
TOML = 'engine = "fake"\n'


def _build(ws: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["build", "-w", str(ws), "--json", *extra],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    import json

    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of two dates (three articles) built once with the fake engine."""
    ws = tmp_path_factory.mktemp("plan") / "ws"
    (ws / "articles").mkdir(parents=True)
    for name in ARTICLES:
        shutil.copy(REPO / "articles" / name, ws / "articles" / name)
    (ws / "briefing.toml").write_text(TOML)
    doc = _build(ws)
    assert [d["state"] for d in doc["dates"]] == ["added", "added"]
    assert all(d["audio"] == "built" for d in doc["dates"])
    return ws


@pytest.fixture
def copy(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built workspace (mtimes kept, so it is up to date)."""
    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return ws


def _with(ws: Path, line: str) -> dict[str, Any]:
    (ws / "briefing.toml").write_text(TOML + line + "\n")
    return _build(ws)


def _segments(doc: dict[str, Any]) -> int:
    return sum(d["segments"]["total"] for d in doc["dates"])


def _chapters(doc: dict[str, Any]) -> int:
    return sum(d["stages"]["encoding"]["total"] for d in doc["dates"])


def _audio_frames(mp3: Path) -> bytes:
    """The MP3 without its ID3v2 tag (its size is the header's syncsafe integer)."""
    data = mp3.read_bytes()
    assert data[:3] == b"ID3"
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | byte
    return data[10 + size:]


def test_a_second_build_is_unchanged_in_every_stage(copy: Path) -> None:
    doc = _build(copy)
    assert doc["removed"] == []
    for day in doc["dates"]:
        assert day["state"] == "unchanged" and day["reasons"] == []
        assert {w["action"] for w in day["stages"].values()} == {"reuse"}
    assert doc["stages"] == {"script": 0, "synthesis": 0, "assembly": 0, "encoding": 0,
                             "outputs": 0, "site": 0}


def test_artist_redoes_no_synthesis_and_no_encoding(copy: Path) -> None:
    mp3s = sorted((copy / "audio").glob("*/briefing-*.mp3"))
    frames = {p: _audio_frames(p) for p in mp3s}
    doc = _with(copy, 'artist = "Another Newsroom"')
    assert doc["stages"]["synthesis"] == 0
    assert doc["stages"]["assembly"] == 0
    assert doc["stages"]["encoding"] == 0
    assert doc["stages"]["outputs"] == 2
    for day in doc["dates"]:
        assert day["state"] == "changed"
        assert day["reasons"] == ["outputs"]
        assert day["stages"]["outputs"]["action"] == "run"
        assert day["segments"]["synthesized"] == 0 and day["chapters_encoded"] == 0
    for mp3 in mp3s:  # the tags changed, not one byte of the audio
        assert _audio_frames(mp3) == frames[mp3]
        tag = mp3.read_bytes()[:len(mp3.read_bytes()) - len(frames[mp3])]
        assert "Another Newsroom".encode("utf-16-le") in tag  # TPE1, UTF-16 in ID3 v2.3
        assert "briefing".encode("utf-16-le") + b"\x00\x00" not in tag


def test_bitrate_redoes_only_encoding(copy: Path) -> None:
    before = _build(copy)
    doc = _with(copy, "bitrate_kbps = 96")
    assert doc["stages"]["synthesis"] == 0
    assert doc["stages"]["assembly"] == 0
    assert doc["stages"]["encoding"] == _chapters(before) > 0
    for day in doc["dates"]:
        assert day["reasons"] == ["encoding", "outputs"]
        assert day["stages"]["synthesis"]["action"] == "reuse"


def test_a_pause_redoes_assembly_and_encoding(copy: Path) -> None:
    before = _build(copy)
    doc = _with(copy, "sentence_pause_ms = 300")
    assert doc["stages"]["synthesis"] == 0
    assert doc["stages"]["assembly"] == _chapters(before) > 0
    assert doc["stages"]["encoding"] == _chapters(before)
    for day in doc["dates"]:
        assert day["reasons"] == ["assembly", "encoding", "outputs"]


def test_rate_redoes_synthesis(copy: Path) -> None:
    before = _build(copy)
    doc = _with(copy, "rate = 200")
    # every distinct sentence once: a sentence both dates share (the closing's first) is
    # synthesised for the first date only
    sentences = {s for path in sorted((copy / "scripts").glob("*.md"))
                 for c in parse_script(path.read_text(encoding="utf-8"), path).chapters
                 for s in c.sentences}
    assert doc["stages"]["synthesis"] == len(sentences) < _segments(before)
    assert doc["stages"]["encoding"] == _chapters(before)
    for day in doc["dates"]:
        assert day["script_status"] == "updated"
        assert day["reasons"][:2] == ["script", "synthesis"]
        assert day["stages"]["synthesis"]["action"] == "run"
    assert sum(d["segments"]["synthesized"] for d in doc["dates"]) == doc["stages"]["synthesis"]


def test_a_dry_run_plans_the_same_stages_and_writes_nothing(copy: Path) -> None:
    (copy / "briefing.toml").write_text(TOML + "bitrate_kbps = 96\n")
    state = (copy / ".briefing" / "state.json").read_bytes()
    doc = _build(copy, "--dry-run")
    assert (copy / ".briefing" / "state.json").read_bytes() == state
    assert doc["stages"]["encoding"] > 0 and doc["stages"]["synthesis"] == 0
    assert {d["audio"] for d in doc["dates"]} == {"would build"}
    assert _build(copy)["stages"]["encoding"] == doc["stages"]["encoding"]


def _files(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes()
            for folder in ("scripts", "audio") for p in sorted((ws / folder).rglob("*"))
            if p.is_file()}


def test_deleting_every_article_of_a_date_reports_it_removed(
        copy: Path, cli: Callable[..., Any]) -> None:
    (copy / "articles" / "2024-05-15-glacier-survey.txt").unlink()
    kept = {k: v for k, v in _files(copy).items() if "2024-05-15" in k}
    assert "scripts/2024-05-15.md" in kept and "audio/2024-05-15/index.html" in kept
    dry = cli("build", "-w", copy, "--dry-run", "--json")
    assert dry.exit_code == 0 and dry.json()["removed"] == ["2024-05-15"]
    assert {k: v for k, v in _files(copy).items() if "2024-05-15" in k} == kept
    doc = _build(copy)
    assert doc["removed"] == ["2024-05-15"]
    days = {d["date"]: d for d in doc["dates"]}
    assert days["2024-05-15"]["state"] == "removed"
    assert days["2024-05-15"]["script"] == "scripts/2024-05-15.md"
    assert ".briefing/trash/" in days["2024-05-15"]["reason"]
    assert days["2024-05-14"]["state"] == "unchanged"
    # its unedited script, audio and page moved to the trash, byte for byte; the index and
    # the site no longer list it
    assert {k: v for k, v in _files(copy).items() if "2024-05-15" in k} == {}
    [folder] = (copy / ".briefing" / "trash").iterdir()
    assert {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()} == kept
    assert not (copy / "audio" / "2024-05-15").exists()
    index = (copy / "audio" / "index.html").read_text(encoding="utf-8")
    assert "2024-05-15" not in index and "2024-05-14" in index
    again = cli("build", "-w", copy)
    assert again.exit_code == 0
    assert "removed" not in again.stdout  # reported once, when it happened


def test_the_script_command_moves_a_removed_date_to_the_trash_as_build_does(
        copy: Path, cli: Callable[..., Any]) -> None:
    (copy / "articles" / "2024-05-15-glacier-survey.txt").unlink()
    kept = {k: v for k, v in _files(copy).items() if "2024-05-15" in k}
    result = cli("script", "-w", copy, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["removed"] == ["2024-05-15"]
    day = next(d for d in doc["dates"] if d["date"] == "2024-05-15")
    assert day["state"] == "removed" and ".briefing/trash/" in day["reason"]
    # the same files as a build moves, byte for byte, and the site no longer lists the date
    assert {k: v for k, v in _files(copy).items() if "2024-05-15" in k} == {}
    [folder] = (copy / ".briefing" / "trash").iterdir()
    assert {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()} == kept
    index = (copy / "audio" / "index.html").read_text(encoding="utf-8")
    assert "2024-05-15" not in index and "2024-05-14" in index
    after = _build(copy)  # nothing left for the build to remove or rebuild
    assert after["removed"] == [] and [d["date"] for d in after["dates"]] == ["2024-05-14"]
    assert after["dates"][0]["state"] == "unchanged"


def test_the_script_command_keeps_an_edited_script_whose_articles_are_gone(
        copy: Path, cli: Callable[..., Any]) -> None:
    script = copy / "scripts" / "2024-05-15.md"
    script.write_text(script.read_text(encoding="utf-8") + "\nA producer's words.\n",
                      encoding="utf-8")
    (copy / "articles" / "2024-05-15-glacier-survey.txt").unlink()
    result = cli("script", "-w", copy, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["removed"] == []
    assert "A producer's words." in script.read_text(encoding="utf-8")
    assert (copy / "audio" / "2024-05-15").is_dir()
    assert not (copy / ".briefing" / "trash").exists() or not any(
        (copy / ".briefing" / "trash").rglob("*.md"))


def test_deleting_one_of_two_articles_is_a_change_not_a_removal(copy: Path) -> None:
    (copy / "articles" / "2024-05-14-night-trains.txt").unlink()
    doc = _build(copy)
    assert doc["removed"] == []
    days = {d["date"]: d for d in doc["dates"]}
    assert days["2024-05-14"]["state"] == "changed"
    assert days["2024-05-14"]["stories"] == 1
    assert "script" in days["2024-05-14"]["reasons"]


def test_building_other_articles_does_not_report_the_workspace_dates_removed(
        copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    shutil.copy(REPO / "articles" / "2024-05-15-glacier-survey.txt", elsewhere)
    result = CliRunner().invoke(app, ["build", str(elsewhere), "-w", str(copy), "--json"])
    assert result.exit_code == 0, result.stderr
    import json

    assert json.loads(result.stdout)["removed"] == []
