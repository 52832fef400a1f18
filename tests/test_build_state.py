"""The typed build state: its versioned JSON form, and state files of version 1 read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.build.state import (
    STATE_VERSION,
    FileStat,
    OutputsRecord,
    PageRecord,
    State,
)
from briefing.chapters import ChapterKind, PublishedChapter

V1 = {
    "version": 1,
    "generated": {"2024-05-14": "ab" * 32},
    "offered": {"2024-05-14.new.md": "cd" * 32},
    "site_key": "ef" * 32,
    "outputs": {
        "2024-05-14": {
            "key": "12" * 32,
            "stat": {"audio/2024-05-14/briefing-2024-05-14.mp3": [1234, 1_700_000_000_123]},
            "chapters": [{"title": "Opening", "start_ms": 0, "end_ms": 5000}],
            "duration_ms": 5000,
            "report_files": {"mp3": "audio/2024-05-14/briefing-2024-05-14.mp3"},
        },
    },
    "pages": {"audio/index.html": {"key": "34" * 32, "stat": [99, 1_700_000_000_456]}},
}


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_version_1_state_is_read_into_typed_records(tmp_path: Path) -> None:
    state = State.load(_write(tmp_path / "state.json", V1))
    assert state.generated == V1["generated"]  # the producer's edits stay protected
    assert state.offered == V1["offered"]
    assert state.site_key == "ef" * 32
    record = state.outputs["2024-05-14"]
    assert record.key == "12" * 32
    assert record.stat == {"audio/2024-05-14/briefing-2024-05-14.mp3":
                           FileStat(1234, 1_700_000_000_123)}
    assert record.chapters == (PublishedChapter("Opening", ChapterKind.OTHER, None, 0, 5000),)
    assert record.duration_ms == 5000 and record.stages == {}
    assert state.pages == {"audio/index.html": PageRecord("34" * 32,
                                                          FileStat(99, 1_700_000_000_456))}
    assert state.sources == {}


def test_saved_state_reads_back_equal_and_carries_its_version(tmp_path: Path) -> None:
    state = State.load(_write(tmp_path / "old.json", V1))
    state.sources["2024-05-14"] = ("articles/a.txt", "articles/b.txt")
    state.outputs["2024-05-15"] = OutputsRecord(
        "56" * 32, {"audio/x.mp3": FileStat(1, 2)},
        (PublishedChapter("Story 1", ChapterKind.STORY, 1, 0, 10),), 10,
        {"mp3": "audio/x.mp3"}, {"synthesis": "78" * 32})
    path = tmp_path / "state.json"
    state.save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == STATE_VERSION == 2
    assert State.load(path) == state


@pytest.mark.parametrize("content", ['{"version": 99, "generated": {"x": "y"}}', "[1, 2]",
                                     "not json", '{"version": 2, "generated": 5}'])
def test_an_unknown_or_unreadable_state_is_empty(tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content, encoding="utf-8")
    state = State.load(path)
    assert state.outputs == {} and state.pages == {}
    assert state.generated == {}


def test_a_damaged_record_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    data = json.loads(json.dumps(V1))
    data["outputs"]["2024-05-15"] = {"stat": "nonsense"}  # no key
    data["pages"]["audio/2024-05-15/index.html"] = {"key": "aa", "stat": [1]}
    state = State.load(_write(tmp_path / "state.json", data))
    assert set(state.outputs) == {"2024-05-14"}
    assert set(state.pages) == {"audio/index.html"}


def test_records_are_frozen() -> None:
    record = PageRecord("k", FileStat(1, 2))
    with pytest.raises(AttributeError):
        record.key = "other"  # type: ignore[misc]
