"""Chapter kinds as data: marked in the script, carried to the manifest and the pages.

A producer who retitles a heading changes only its title: the page's nesting and counts come
from the marker comments (``<!-- kind: story 1 -->``), never from the titles.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing.chapters import (
    ChapterKind,
    ChapterRole,
    format_marker,
    infer_roles,
    nesting,
    parse_marker,
)
from briefing.errors import ScriptError
from briefing.publish.manifest import ManifestError, read_manifest
from briefing.publish.pages import date_view
from briefing.text.markup import escape
from briefing.text.script_read import parse_script
from tests.conftest import REPO

DAY = "2024-05-14"  # two stories, the second with four photos
FRONT = "---\ndate: 2024-01-01\n---\n"
MARKER = re.compile(r"\s*<!--\s*kind:[^>]*-->\s*$")


@pytest.fixture
def built(ws: Path, cli: Callable[..., Any]) -> Path:
    articles = ws / "articles"
    articles.mkdir()
    for article in (REPO / "articles").glob(f"{DAY}-*.txt"):
        shutil.copy(article, articles / article.name)
    (ws / "briefing.toml").write_text('engine = "fake"\n', encoding="utf-8")
    result = cli("build", "-w", ws)
    assert result.exit_code == 0, result.stderr
    return ws


def _outline(ws: Path) -> list[tuple[str, ChapterKind, int | None, int]]:
    manifest = read_manifest(ws / "audio" / DAY / f"briefing-{DAY}.json")
    view = date_view(manifest)
    return [(c.title, c.kind, c.story, c.level) for c in view.chapters]


def _page(ws: Path) -> str:
    return (ws / "audio" / DAY / "index.html").read_text(encoding="utf-8")


def _retitle(text: str, old_prefix: str, new_title: str) -> str:
    """``text`` with the heading starting ``## <old_prefix>`` retitled, its marker kept."""
    lines = text.split("\n")
    [n] = [i for i, line in enumerate(lines) if line.startswith(f"## {old_prefix}")]
    marker = MARKER.search(lines[n])
    assert marker is not None, lines[n]
    lines[n] = f"## {new_title}{marker.group(0)}"
    return "\n".join(lines)


def test_generated_headings_carry_their_kind(built: Path) -> None:
    text = (built / "scripts" / f"{DAY}.md").read_text(encoding="utf-8")
    script = parse_script(text, Path("s.md"))
    heading_lines = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(heading_lines) == len(script.chapters) == 8
    for line, chapter in zip(heading_lines, script.chapters, strict=True):
        assert line.endswith(format_marker(ChapterRole(chapter.kind, chapter.story))), line
    assert [(c.kind, c.story) for c in script.chapters] == [
        (ChapterKind.OPENING, None), (ChapterKind.STORY, 1), (ChapterKind.STORY, 2),
        *[(ChapterKind.PHOTO, 2)] * 4, (ChapterKind.CLOSING, None)]


def test_retitling_headings_keeps_nesting_and_counts(built: Path,
                                                     cli: Callable[..., Any]) -> None:
    before = _outline(built)
    page_before = _page(built)
    assert [level for *_, level in before] == [3, 3, 3, 4, 4, 4, 4, 3]
    assert "2 stories, 4 photo descriptions" in page_before
    path = built / "scripts" / f"{DAY}.md"
    text = path.read_text(encoding="utf-8")
    for old, new in (("Story 2:", "Rubbish in the Elster"),
                     ("Photo 1:", "A kayak and a trolley"),
                     ("Story 1:", "Photo finish for night trains"),
                     ("Closing", "Story time is over")):
        text = _retitle(text, old, new)
    path.write_text(text, encoding="utf-8")
    result = cli("build", "-w", built, "--json")
    assert result.exit_code == 0, result.stderr
    after = _outline(built)
    assert [row[1:] for row in after] == [row[1:] for row in before]  # kinds, stories, levels
    titles = [row[0] for row in after]
    assert titles[1:4] == ["Photo finish for night trains", "Rubbish in the Elster",
                           "A kayak and a trolley"]
    assert titles[-1] == "Story time is over"
    page = _page(built)
    assert "2 stories, 4 photo descriptions" in page
    assert re.search(r"<h3 [^>]*>Rubbish in the Elster</h3>", page)
    assert re.search(r"<h4 [^>]*>A kayak and a trolley</h4>", page)
    assert re.search(r"<h3 [^>]*>Story time is over</h3>", page)
    assert len(re.findall(r"<h4 ", page)) == len(re.findall(r"<h4 ", page_before)) == 4
    index = (built / "audio" / "index.html").read_text(encoding="utf-8")
    assert "Rubbish in the Elster" in index and "Story time is over" not in index
    [date] = result.json()["dates"]
    assert [c["kind"] for c in date["chapters"]] == [row[1].value for row in before]
    again = cli("build", "-w", built, "--json")  # up to date: the kinds come from the state
    [date] = again.json()["dates"]
    assert date["audio"] == "up to date"
    assert [(c["kind"], c["story"]) for c in date["chapters"]] == [
        (row[1].value, row[2]) for row in before]


def test_a_manifest_carries_kind_and_story(built: Path) -> None:
    data = json.loads((built / "audio" / DAY / f"briefing-{DAY}.json").read_text("utf-8"))
    assert data["format"] == 3
    assert [(c["kind"], c["story"], c["level"]) for c in data["chapters"]][1:4] == [
        ("story", 1, 1), ("story", 2, 1), ("photo", 2, 2)]
    assert [c["level"] for c in data["chapters"]] == [1, 1, 1, 2, 2, 2, 2, 1]


def test_a_format_1_manifest_is_read_with_kinds_from_titles(built: Path) -> None:
    path = built / "audio" / DAY / f"briefing-{DAY}.json"
    marked = read_manifest(path)
    data = json.loads(path.read_text("utf-8"))
    data["format"] = 1
    for chapter in data["chapters"]:
        del chapter["kind"], chapter["story"], chapter["level"]
    path.write_text(json.dumps(data), encoding="utf-8")
    old = read_manifest(path)
    assert [(c["kind"], c["story"], c["level"]) for c in old["chapters"]] == [
        (c["kind"], c["story"], c["level"]) for c in marked["chapters"]]
    data["format"] = 2
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest.chapters\[0\] has no 'kind'"):
        read_manifest(path)


def test_unknown_manifest_field_is_named(built: Path) -> None:
    path = built / "audio" / DAY / f"briefing-{DAY}.json"
    data = json.loads(path.read_text("utf-8"))
    data["chapters"][2]["colour"] = "red"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest.chapters\[2\].colour is not a field"):
        read_manifest(path)


# --------------------------------------------------------------------------- the reader

def _kinds(body: str) -> list[tuple[ChapterKind, int | None]]:
    return [(c.kind, c.story) for c in parse_script(FRONT + body, Path("s.md")).chapters]


def test_a_script_without_markers_reads_as_the_titles_say() -> None:
    body = ("## Opening\n\nHi.\n\n## Story 1: A\n\nA.\n\n## Photo 1: B\n\nB.\n\n"
            "## Weather\n\nRain.\n\n## Photo 2: C\n\nC.\n\n## Closing\n\nBye.\n")
    assert _kinds(body) == [(ChapterKind.OPENING, None), (ChapterKind.STORY, 1),
                            (ChapterKind.PHOTO, 1), (ChapterKind.OTHER, None),
                            (ChapterKind.PHOTO, None), (ChapterKind.CLOSING, None)]


def test_in_a_marked_script_titles_say_nothing() -> None:
    body = ("## Story 9: x <!-- kind: opening -->\n\nHi.\n\n## Weather <!--kind:story 3-->\n\nA."
            "\n\n## Photo 1: B\n\nB.\n\n## Sun <!-- KIND: photo -->\n\nC.\n\n"
            "## Next <!-- kind: story -->\n\nD.\n\n## Old <!-- kind: photo of story 3 -->\n\nE.\n")
    assert _kinds(body) == [(ChapterKind.OPENING, None), (ChapterKind.STORY, 3),
                            (ChapterKind.OTHER, None), (ChapterKind.PHOTO, None),
                            (ChapterKind.STORY, 4), (ChapterKind.PHOTO, 3)]
    roles = [ChapterRole(kind, story) for kind, story in _kinds(body)]
    assert nesting(roles).nested == (False, False, False, False, False, False)
    assert (nesting(roles).stories, nesting(roles).photos) == (2, 2)


@pytest.mark.parametrize("marker", ["kind: storey", "kind: story 0", "kind: photo 2",
                                    "kind:", "kind: story 1 2"])
def test_a_malformed_marker_names_its_line(marker: str) -> None:
    with pytest.raises(ScriptError, match=r"line 8: chapter marker"):
        parse_script(FRONT + f"## A\n\nx\n\n## B <!-- {marker} -->\n\ny\n", Path("s.md"))


def test_article_text_never_forges_a_marker() -> None:
    title = escape("Story 2: <!-- kind: closing --> trick")
    marker = format_marker(ChapterRole(ChapterKind.STORY, 2))
    [chapter] = parse_script(FRONT + f"## {title} {marker}\n\nx\n", Path("s.md")).chapters
    assert (chapter.kind, chapter.story) == (ChapterKind.STORY, 2)
    assert chapter.title == "Story 2: <!-- kind: closing --> trick"


def test_markers_read_back_as_written() -> None:
    for role in (ChapterRole(ChapterKind.OPENING), ChapterRole(ChapterKind.STORY, 12),
                 ChapterRole(ChapterKind.PHOTO, 3), ChapterRole(ChapterKind.CLOSING),
                 ChapterRole(ChapterKind.OTHER)):
        comment = format_marker(role).removeprefix("<!--").removesuffix("-->")
        marker = parse_marker(comment)
        assert (marker.kind, marker.story) == (role.kind, role.story)
    assert infer_roles(["Photo 1: x"]) == [ChapterRole(ChapterKind.PHOTO, None)]
