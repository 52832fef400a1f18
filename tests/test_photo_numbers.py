"""Photo numbers and counts are computed from the script when it is read: deleting or reordering
photo chapters in an edited script renumbers the rest, in the audio's text, titles, transcripts
and pages, and the opening's count follows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from briefing.chapters import ChapterKind
from briefing.text.script_read import Chapter, parse_script
from tests.conftest import Cli, SeedBuild

DAY = "2023-09-27"


def sections(text: str) -> list[str]:
    """The script split before each ``## `` heading (the first piece is the front matter)."""
    return re.split(r"(?m)^(?=## )", text)


def photos(chapters: tuple[Chapter, ...]) -> list[Chapter]:
    return [c for c in chapters if c.kind is ChapterKind.PHOTO]


def positions(chapters: tuple[Chapter, ...]) -> list[tuple[int, int]]:
    out = []
    for chapter in photos(chapters):
        m = re.match(r"Photo (\d+) out of (\d+)\b", chapter.sentences[0])
        assert m, chapter.sentences[0]
        out.append((int(m.group(1)), int(m.group(2))))
    return out


def said(chapters: tuple[Chapter, ...], kind: ChapterKind) -> str:
    return " ".join(s for c in chapters if c.kind is kind for s in c.sentences)


def seed_script(seed_build: SeedBuild) -> str:
    return (seed_build.ws / "scripts" / f"{DAY}.md").read_text(encoding="utf-8")


def test_the_generated_script_reads_as_written(seed_build: SeedBuild) -> None:
    text = seed_script(seed_build)
    chapters = parse_script(text, Path("s.md")).chapters
    assert positions(chapters) == [(n, 13) for n in range(1, 14)]
    for chapter in photos(chapters):
        assert chapter.title.split(":")[0] in text
        assert chapter.sentences[0] in text  # unchanged: the generator's numbers are right
    assert "It has 1 story and 13 photo descriptions." in said(chapters, ChapterKind.OPENING)


def test_deleting_a_photo_renumbers_the_rest_and_the_counts(seed_build: SeedBuild) -> None:
    parts = sections(seed_script(seed_build))
    fifth = next(i for i, p in enumerate(parts) if p.startswith("## Photo 5:"))
    gone = parts[fifth].splitlines()[0]
    chapters = parse_script("".join(parts[:fifth] + parts[fifth + 1:]), Path("s.md")).chapters
    assert positions(chapters) == [(n, 12) for n in range(1, 13)]
    assert [c.title.split(":")[0] for c in photos(chapters)] == [f"Photo {n}" for n in
                                                                 range(1, 13)]
    assert "Azerbaijani soldiers" not in " ".join(c.title for c in chapters), gone
    assert photos(chapters)[4].title == "Photo 5: People stay at a hotel room in Goris"
    assert "It has 1 story and 12 photo descriptions." in said(chapters, ChapterKind.OPENING)
    story = said(chapters, ChapterKind.STORY)
    assert "12 photo descriptions for this story follow." in story and "13" not in story


def test_reordering_photos_numbers_them_in_their_new_order(seed_build: SeedBuild) -> None:
    parts = sections(seed_script(seed_build))
    second = next(i for i, p in enumerate(parts) if p.startswith("## Photo 2:"))
    parts[second], parts[second + 1] = parts[second + 1], parts[second]
    chapters = parse_script("".join(parts), Path("s.md")).chapters
    assert positions(chapters) == [(n, 13) for n in range(1, 14)]
    moved = photos(chapters)[1]
    assert moved.title == "Photo 2: David Harapetyan hands food and water to people"
    assert moved.sentences[0] == "Photo 2 out of 13."
    assert "David Harapetyan" in moved.sentences[1]
    assert photos(chapters)[2].title == "Photo 3: People from Nagorno-Karabakh board a bus"


def test_a_sentence_the_producer_rewrote_keeps_its_wording(seed_build: SeedBuild) -> None:
    text = seed_script(seed_build)
    text = text.replace("Photo 2 out of 13.", "The second of many pictures.")
    text = text.replace("It has 1 story and 13 photo descriptions.", "There are lots of photos.")
    parts = sections(text)
    first = next(i for i, p in enumerate(parts) if p.startswith("## Photo 1:"))
    parts[first] = parts[first].replace("## Photo 1: Woman cries in a truck", "## A woman cries")
    chapters = parse_script("".join(parts[:first] + parts[first + 1:]), Path("s.md")).chapters
    assert photos(chapters)[0].sentences[0] == "The second of many pictures."
    assert photos(chapters)[0].title == "Photo 1: People from Nagorno-Karabakh board a bus"
    assert positions(chapters[3:]) == [(n, 12) for n in range(2, 13)]
    assert "There are lots of photos." in said(chapters, ChapterKind.OPENING)


def test_photos_are_numbered_per_story_and_a_story_without_photos_says_none() -> None:
    text = """---
date: 2024-05-14
---

## Opening <!-- kind: opening -->

Hello. It has 2 stories and 3 photo descriptions.

## Story 1: A <!-- kind: story 1 -->

Text one. 1 photo description for this story follow.

## Story 2: B <!-- kind: story 2 -->

Text two.

2 photo descriptions for this story follow.

## Photo 2: Y <!-- kind: photo of story 2 -->

Photo 2 out of 2. Why.

## Photo 1: X <!-- kind: photo of story 2 -->

Photo 1 out of 2, a map. Ex.

## Closing <!-- kind: closing -->

Bye.
"""
    chapters = parse_script(text, Path("s.md")).chapters
    assert [c.title for c in chapters] == ["Opening", "Story 1: A", "Story 2: B", "Photo 1: Y",
                                           "Photo 2: X", "Closing"]
    assert positions(chapters) == [(1, 2), (2, 2)]
    assert chapters[4].sentences[0] == "Photo 2 out of 2, a map."
    assert chapters[1].sentences == ("Text one.",)  # its photo was deleted: nothing follows
    assert chapters[2].sentences[-1] == "2 photo descriptions for this story follow."
    assert chapters[0].sentences[-1] == "It has 2 stories and 2 photo descriptions."


def test_a_renumbered_title_never_repeats_another() -> None:
    text = """---
date: 2024-05-14
---

## Story 1: A <!-- kind: story 1 -->

Text.

## Photo 2: Crowd <!-- kind: photo of story 1 -->

Photo 2 out of 2. One.

## Photo 1: Crowd <!-- kind: other -->

A chapter the producer made.
"""
    chapters = parse_script(text, Path("s.md")).chapters
    assert [c.title for c in chapters] == ["Story 1: A", "Photo 2: Crowd", "Photo 1: Crowd"]
    assert chapters[1].sentences[0] == "Photo 1 out of 1."


def test_a_deleted_photo_renumbers_the_audio_transcripts_and_pages(
        seed_copy: SeedBuild, seed_path: Path, cli: Cli) -> None:
    ws = seed_copy.ws
    script = ws / "scripts" / f"{DAY}.md"
    parts = sections(script.read_text(encoding="utf-8"))
    fifth = next(i for i, p in enumerate(parts) if p.startswith("## Photo 5:"))
    script.write_text("".join(parts[:fifth] + parts[fifth + 1:]), encoding="utf-8")
    checked = cli("check", seed_path, "-w", ws)
    assert checked.exit_code == 0, checked.stderr
    assert "1 story, 12 photos" in checked.stdout
    result = cli("render", DAY, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    folder = ws / "audio" / DAY
    manifest = json.loads((folder / f"briefing-{DAY}.json").read_text(encoding="utf-8"))
    titles = [c["title"] for c in manifest["chapters"] if c["kind"] == "photo"]
    assert [t.split(":")[0] for t in titles] == [f"Photo {n}" for n in range(1, 13)]
    vtt = " ".join((folder / f"briefing-{DAY}.vtt").read_text(encoding="utf-8").split())
    said_positions = re.findall(r"Photo (\d+) out of (\d+)", vtt)
    assert said_positions == [(str(n), "12") for n in range(1, 13)]
    assert "12 photo descriptions" in vtt and "13" not in " ".join(
        m for m in re.findall(r"\d+ photo descriptions?", vtt))
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Photo 12:" in page and "Photo 13:" not in page
