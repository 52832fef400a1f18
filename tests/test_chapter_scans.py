"""Cached chapter MP3s are walked once (:mod:`briefing.build.chapter_scans`).

After an edit of one sentence the build writes the date's outputs from all of its chapters, and
must not read and checksum the unchanged ones again: their figures are remembered while their
files are unchanged, and a chapter just encoded is remembered from its worker's bytes.  A cache
file that changed since is walked again, and a damaged one is still refused (and rebuilt).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from briefing.audio import mp3file
from briefing.build import chapter_scans
from briefing.build.cache import chapter_store, timing_store
from briefing.build.noop import SNAPSHOT_NAME
from tests.conftest import THREE_DATES, Cli, copy_tree, edit_story

DATES = THREE_DATES


@pytest.fixture
def ws(three_built: Path, tmp_path: Path) -> Path:
    to = copy_tree(three_built, tmp_path / "ws")
    (to / ".briefing" / SNAPSHOT_NAME).unlink()  # recorded for the other place
    return to


@pytest.fixture
def walked() -> Any:
    """The chapter files :func:`scan_file` walks."""
    seen: list[str] = []
    real = mp3file.scan_file

    def spy(path: Path) -> mp3file.Mp3File:
        seen.append(path.name)
        return real(path)

    with mock.patch.object(chapter_scans, "scan_file", spy):
        yield seen


def chapters(ws: Path) -> list[Path]:
    return sorted((ws / ".briefing" / "chapters").glob("??/*.mp3"))


def test_figures_of_fresh_bytes_are_those_a_walk_finds(three_built: Path) -> None:
    store, scans = chapter_store(three_built / ".briefing" / "chapters"), None
    for path in chapters(three_built)[:5]:
        walked = mp3file.scan_file(path)
        found = chapter_scans.figures(path.read_bytes())
        assert found["offset"] == walked.offset
        assert found["frames"] == walked.stream.frame_count
        assert found["samples"] == walked.stream.samples
        assert found["bytes"] == walked.stream.size
        assert found["crc"] == walked.stream.music_crc  # recorded == computed
        assert found["header"] == walked.stream.header.raw.hex()
    assert store.root.is_dir() and scans is None


def test_an_edit_walks_no_chapter_file(ws: Path, cli: Cli, walked: list[str]) -> None:
    first = cli("build", "-w", ws, "--engine", "fake", "--force", "--json")  # scans remembered
    assert first.exit_code == 0, first.stderr
    edit_story(ws, DATES[1])
    walked.clear()
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    day = {d["date"]: d for d in result.json()["dates"]}[DATES[1]]
    assert day["chapters_encoded"] == 1 and day["audio"] == "built"
    assert walked == []  # the new chapter from its worker's figures, the others remembered


def test_a_changed_cache_file_is_walked_again_and_a_damaged_one_rebuilt(
        ws: Path, cli: Cli, walked: list[str]) -> None:
    store = chapter_store(ws / ".briefing" / "chapters")
    scans = timing_store(ws / ".briefing" / "chapters" / "scan")
    path = chapters(ws)[0]
    key = path.stem
    first = chapter_scans.scan_chapter(store, scans, key)
    walked.clear()
    assert chapter_scans.scan_chapter(store, scans, key) == first
    assert walked == []  # remembered
    data = path.read_bytes()
    path.write_bytes(data[:-1])  # same name, other bytes: walked again, and refused
    with pytest.raises(ValueError):
        chapter_scans.scan_chapter(store, scans, key)
    assert walked == [path.name]
    path.write_bytes(data)
    assert chapter_scans.scan_chapter(store, scans, key) == first
    # through a build: the damaged entry is not used, and the outputs come out as before
    mp3 = ws / "audio" / DATES[0] / f"briefing-{DATES[0]}.mp3"
    before = mp3.read_bytes()
    for entry in chapters(ws):
        entry.write_bytes(entry.read_bytes()[:-7])
    shutil.rmtree(ws / "audio")
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert mp3.read_bytes() == before
