"""The ID3 CTOC tree of two levels: golden bytes of a child CTOC, the tree as mutagen reads it
back, and every chapter in time order for ffprobe, which reads CHAP frames alone."""

from __future__ import annotations

import struct
from pathlib import Path

from mutagen.id3 import ID3, CTOCFlags

from briefing.audio.id3 import ChapterMark, TagInfo, tag_briefing, toc_tree
from briefing.audio.mp3encode import encode_mp3
from tests.conftest import ffprobe_json, needs_ffprobe
from tests.test_id3 import frames_of

INFO = TagInfo("B", "A", "P", "2024-01-02")

# a story "S" with one photo "P", then the closing "C"
MARKS = [ChapterMark("S", 0, 1000), ChapterMark("P", 1000, 2500, 2),
         ChapterMark("C", 2500, 3000)]

GOLDEN_TOP = (
    # CTOC "toc": flags top-level|ordered (03), 3 entries: chp0, toc0 (the photos), chp2; TIT2 "B"
    "43544f4300000026" "0000" "746f6300" "03" "03" "6368703000" "746f633000" "6368703200"
    "5449543200000007000001fffe42000000")
GOLDEN_CHILD = (
    # CTOC "toc0": flags ordered only (01), 1 entry: chp1; TIT2 "Photos: S" in UTF-16 with BOM
    "43544f430000002d" "0000" "746f633000" "01" "01" "6368703100"
    "5449543200000017" "0000" "01" "fffe" "50006800" "6f007400" "6f007300" "3a002000" "5300"
    "0000")


def test_golden_child_ctoc_bytes() -> None:
    frames = frames_of(tag_briefing(b"", INFO, MARKS))
    ctocs = [f.hex() for f in frames if f[:4] == b"CTOC"]
    assert ctocs == [GOLDEN_TOP, GOLDEN_CHILD]
    ids = [f[:4] for f in frames]
    assert ids[-3:] == [b"CHAP"] * 3 and ids.index(b"CTOC") < ids.index(b"CHAP")


def _stories(count: int, photos: int) -> list[ChapterMark]:
    """Opening, ``count`` stories of ``photos`` photos each (the last story without), closing."""
    marks = [ChapterMark("Opening", 0, 1000)]
    for s in range(count):
        marks.append(ChapterMark(f"Story {s + 1}", len(marks) * 1000, len(marks) * 1000 + 1000))
        for p in range(photos if s < count - 1 else 0):
            marks.append(ChapterMark(f"Photo {p + 1} of {s + 1}", len(marks) * 1000,
                                     len(marks) * 1000 + 1000, 2))
    marks.append(ChapterMark("Closing", len(marks) * 1000, len(marks) * 1000 + 1000))
    return marks


def _tree(tags: ID3) -> dict[str, tuple[bool, bool, list[str]]]:
    return {t.element_id: (bool(t.flags & CTOCFlags.TOP_LEVEL), bool(t.flags & CTOCFlags.ORDERED),
                           list(t.child_element_ids)) for t in tags.getall("CTOC")}


def _read(tmp_path: Path, marks: list[ChapterMark]) -> Path:
    seconds = marks[-1].end_ms // 1000
    pcm = b"".join(struct.pack("<h", (i * 37 % 200) - 100) for i in range(seconds * 22050))
    path = tmp_path / "briefing.mp3"
    path.write_bytes(tag_briefing(encode_mp3(pcm, 64, 5), INFO, marks))
    return path


def test_mutagen_reads_stories_with_their_photos(tmp_path: Path) -> None:
    marks = _stories(3, 4)
    tags = ID3(_read(tmp_path, marks))
    tree = _tree(tags)
    titles = {c.element_id: str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")}
    [top] = [k for k, (is_top, _, _) in tree.items() if is_top]
    assert all(ordered for _, ordered, _ in tree.values())
    entries = tree[top][2]
    # level 1 in order, each story's photo CTOC right after it
    shown = [titles.get(e, e) for e in entries]
    assert shown == ["Opening", "Story 1", "toc1", "Story 2", "toc6", "Story 3", "Closing"]
    for story, toc in (("Story 1", "toc1"), ("Story 2", "toc6")):
        n = story.split()[1]
        assert [titles[c] for c in tree[toc][2]] == [f"Photo {p} of {n}" for p in range(1, 5)]
        assert not tree[toc][0]
        [frame] = [t for t in tags.getall("CTOC") if t.element_id == toc]
        assert str(frame.sub_frames["TIT2"]) == f"Photos: {story}"
    # every CHAP is reachable from the top, exactly once
    reached: list[str] = []
    stack = list(reversed(entries))
    while stack:
        entry = stack.pop()
        if entry in tree:
            stack.extend(reversed(tree[entry][2]))
        else:
            reached.append(entry)
    assert reached == [f"chp{i}" for i in range(len(marks))]


@needs_ffprobe
def test_ffprobe_sees_every_chapter_in_time_order(tmp_path: Path) -> None:
    marks = _stories(2, 3)
    listed = [(float(c["start_time"]), float(c["end_time"]), c["tags"]["title"])
              for c in ffprobe_json(_read(tmp_path, marks), "-show_chapters")["chapters"]]
    assert listed == [(m.start_ms / 1000, m.end_ms / 1000, m.title) for m in marks]


def test_flat_chapters_have_one_ctoc() -> None:
    marks = [ChapterMark(str(i), i, i + 1) for i in range(4)]
    [top] = toc_tree(marks, "B")
    assert top.children == ("chp0", "chp1", "chp2", "chp3") and top.top_level


def test_a_photo_before_any_level_1_chapter_is_listed_at_the_top() -> None:
    marks = [ChapterMark("P", 0, 1, 2), ChapterMark("S", 1, 2), ChapterMark("Q", 2, 3, 2)]
    top, child = toc_tree(marks, "B")
    assert top.children == ("chp0", "chp1", "toc1") and child.children == ("chp2",)


def test_child_ctocs_are_stored_in_time_order() -> None:
    marks = _stories(12, 1)  # child CTOCs toc1, toc3, ..., toc21: "toc11" sorts before "toc3"
    frames = frames_of(tag_briefing(b"", INFO, marks))
    ctocs = [f[10 : f.index(b"\x00", 10)].decode() for f in frames if f[:4] == b"CTOC"]
    assert ctocs == ["toc", *[f"toc{1 + 2 * s}" for s in range(11)]]
    assert ctocs[1:] == [node.element_id for node in toc_tree(marks, "B")[1:]]
