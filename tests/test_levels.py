"""Two navigation levels (stories, and their photos under them), one rule everywhere: the
manifest's ``level``, the ``--json`` report, chapters.json's ``toc``, the ID3 CTOC tree and
the page, also when a producer moves a photo away from its story."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3, CTOCFlags

from briefing.chapters import (
    ChapterKind,
    ChapterRole,
    PublishedChapter,
    chapter_levels,
    with_levels,
)
from briefing.publish.manifest import ManifestError, read_manifest
from tests.test_chapter_kinds import DAY, built  # noqa: F401  (the fixture)

OPEN, CLOSE, OTHER = (ChapterRole(ChapterKind.OPENING), ChapterRole(ChapterKind.CLOSING),
                      ChapterRole())


def story(n: int) -> ChapterRole:
    return ChapterRole(ChapterKind.STORY, n)


def photo(n: int | None) -> ChapterRole:
    return ChapterRole(ChapterKind.PHOTO, n)


@pytest.mark.parametrize(("roles", "levels"), [
    ([OPEN, story(1), photo(1), photo(1), story(2), photo(2), CLOSE], (1, 1, 2, 2, 1, 2, 1)),
    ([OPEN, photo(None), CLOSE], (1, 1, 1)),  # a photo of no story
    ([story(1), OTHER, photo(1)], (1, 1, 1)),  # another chapter ends the story
    ([story(1), story(2), photo(1)], (1, 1, 1)),  # moved away from its story
    ([photo(1), story(1)], (1, 1)),
    ([story(1), photo(None)], (1, 1)),  # hand-edited: no story named
    ([story(3), photo(3), photo(3), CLOSE, photo(3)], (1, 2, 2, 1, 1)),
])
def test_levels(roles: list[ChapterRole], levels: tuple[int, ...]) -> None:
    assert chapter_levels(roles) == levels


def test_published_chapters_get_their_levels_from_their_neighbours() -> None:
    chapters = [PublishedChapter("S", ChapterKind.STORY, 1, 0, 1, level=2),
                PublishedChapter("P", ChapterKind.PHOTO, 1, 1, 2)]
    assert [c.level for c in with_levels(chapters)] == [1, 2]
    assert with_levels(chapters)[1].to_dict()["level"] == 2


def _manifest(ws: Path) -> Path:
    return ws / "audio" / DAY / f"briefing-{DAY}.json"


def test_a_format_2_manifest_gets_its_levels(built: Path) -> None:  # noqa: F811
    path = _manifest(built)
    levels = [c["level"] for c in read_manifest(path)["chapters"]]
    data = json.loads(path.read_text("utf-8"))
    data["format"] = 2
    for chapter in data["chapters"]:
        del chapter["level"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert [c["level"] for c in read_manifest(path)["chapters"]] == levels == [
        1, 1, 1, 2, 2, 2, 2, 1]


@pytest.mark.parametrize(("index", "level"), [(3, 1), (1, 2), (0, 3)])
def test_a_level_that_disagrees_with_the_kinds_is_named(built: Path, index: int,  # noqa: F811
                                                        level: int) -> None:
    path = _manifest(built)
    data = json.loads(path.read_text("utf-8"))
    data["chapters"][index]["level"] = level
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=rf"manifest.chapters\[{index}\].level is {level}"):
        read_manifest(path)


def _move_first_photo_to_the_end(script: Path) -> None:
    """The producer moves story 2's first photo after the closing (heading, marker, text)."""
    text = script.read_text(encoding="utf-8")
    parts = text.split("\n## ")
    [n] = [i for i, p in enumerate(parts) if "kind: photo of story 2" in p.split("\n")[0]][:1]
    moved = parts.pop(n)
    parts.append(moved.rstrip("\n") + "\n")
    script.write_text("\n## ".join(parts), encoding="utf-8")


def test_a_photo_moved_away_from_its_story_is_level_1_everywhere(
        built: Path, cli: Callable[..., Any]) -> None:  # noqa: F811
    _move_first_photo_to_the_end(built / "scripts" / f"{DAY}.md")
    result = cli("build", "-w", built, "--json")
    assert result.exit_code == 0, result.stderr
    [date] = result.json()["dates"]
    expected = [1, 1, 1, 2, 2, 2, 1, 1]
    assert [c["level"] for c in date["chapters"]] == expected
    assert [c["kind"] for c in date["chapters"]][-1] == "photo"
    manifest = json.loads(_manifest(built).read_text("utf-8"))
    assert manifest["format"] == 3
    assert [c["level"] for c in manifest["chapters"]] == expected
    doc = json.loads((built / "audio" / DAY / "chapters.json").read_text("utf-8"))
    assert [c["toc"] for c in doc["chapters"]] == [lv == 1 for lv in expected]
    tags = ID3(built / "audio" / DAY / f"briefing-{DAY}.mp3")
    tops = [t for t in tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    [top] = tops
    assert top.child_element_ids == ["chp0", "chp1", "chp2", "toc2", "chp6", "chp7"]
    [child] = [t for t in tags.getall("CTOC") if t.element_id == "toc2"]
    assert child.child_element_ids == ["chp3", "chp4", "chp5"]
    # up to date: the levels come back from the state
    again = cli("build", "-w", built, "--json")
    [date] = again.json()["dates"]
    assert date["audio"] == "up to date"
    assert [c["level"] for c in date["chapters"]] == expected
