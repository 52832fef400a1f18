"""ID3v2.3 tags and chapters (CHAP/CTOC): frames rendered by mutagen, laid out in time order here.

mutagen renders each frame's bytes, but ``ID3.save`` orders the frames itself (a few text
frames first, then the rest by size), so CHAP frames land out of time order.  Readers built on
libavformat (ffprobe, ``ffmpeg -i x.mp3 out.m4a``, a host's ``-c copy`` remux) take chapters in
the order the frames are stored, so a converted file would lose its chapter navigation.  The
tag is therefore assembled here: mutagen's ``save_frame`` renders every frame, and the frames
are written in a fixed order: text frames, the CTOCs, then one CHAP per chapter in time order.

The chapters form a two-level tree (:func:`toc_tree`): the top-level CTOC lists the level-1
chapters (opening, stories, closing) and, right after each story that has photos, a child CTOC
listing that story's photo chapters.  Players that read the CTOC tree (the ID3v2 chapter
addendum's way to nest) show stories with their photos under them; players that read only the
CHAP frames, and libavformat, still get every chapter, in time order.

The tag is ID3v2.3 (the version most players read), converted with mutagen's
``update_to_v23``: the date is TYER + TDAT (TDRC exists only in v2.4, and v2.3 readers such as
id3lib, mpg123 and eyeD3 would show no year).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import (
    CHAP,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    TRCK,
    CTOCFlags,
    Frame,
)
from mutagen.id3._tags import save_frame  # the frame renderer ID3.save uses
from mutagen.id3._util import BitPaddedInt, ID3SaveConfig

from briefing.errors import EncoderError

NO_OFFSET = 0xFFFFFFFF
"""CHAP byte offsets are unused: players seek by time."""


@dataclass(frozen=True)
class TagInfo:
    """Tags shared by a briefing's MP3s."""

    title: str
    """Title of the full briefing (TIT2)."""

    album: str
    """TALB."""

    artist: str
    """TPE1."""

    date: str
    """``YYYY-MM-DD``, written as TYER + TDAT."""


@dataclass(frozen=True)
class ChapterMark:
    """A chapter's title and position in milliseconds."""

    title: str
    start_ms: int
    end_ms: int
    level: int = 1
    """1: a chapter of the top level; 2: a photo of the level-1 chapter before it."""


@dataclass(frozen=True)
class TocNode:
    """A CTOC frame of the tree: its element id, title and the element ids it lists."""

    element_id: str
    title: str
    children: tuple[str, ...]
    top_level: bool


TOP_TOC_ID = "toc"
"""Element id of the top-level CTOC."""


def chapter_id(index: int) -> str:
    """Element id of the CHAP of chapter ``index`` (from 0)."""
    return f"chp{index}"


def toc_tree(chapters: Sequence[ChapterMark], title: str) -> list[TocNode]:
    """The CTOC frames of ``chapters``: the top-level one first, then each child in time order.

    A run of level-2 chapters after a level-1 chapter becomes a child CTOC (``toc<n>``, ``n``
    the index of that level-1 chapter) listed in the top-level CTOC right after it.  A level-2
    chapter with no level-1 chapter before it is listed at the top level.
    """
    parents: list[int] = []
    groups: dict[int, list[str]] = {}
    for i, mark in enumerate(chapters):
        if mark.level > 1 and parents:
            groups.setdefault(parents[-1], []).append(chapter_id(i))
        else:
            parents.append(i)
    top: list[str] = []
    for i in parents:
        top.append(chapter_id(i))
        if i in groups:
            top.append(f"{TOP_TOC_ID}{i}")
    children = [TocNode(f"{TOP_TOC_ID}{i}", f"Photos: {chapters[i].title}", tuple(ids), False)
                for i, ids in groups.items()]
    return [TocNode(TOP_TOC_ID, title, tuple(top), True), *children]


def _base_tags(info: TagInfo, title: str) -> ID3:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TALB(encoding=3, text=[info.album]))
    tags.add(TPE1(encoding=3, text=[info.artist]))
    tags.add(TDRC(encoding=3, text=[info.date]))
    tags.add(TCON(encoding=3, text=["Speech"]))
    return tags


PADDING = 1024
"""Bytes of ID3 padding: fixed, so a tag is the same whatever the audio after it."""


FRAME_ORDER = ("TIT2", "TPE1", "TALB", "TYER", "TDAT", "TCON", "TRCK", "CTOC", "CHAP")
"""The order frames are stored in; CHAP frames follow the CTOC in time order."""


def _toc_rank(toc: Frame) -> tuple[bool, int]:
    """The top-level CTOC first, then the children in time order (by their story's index)."""
    suffix = str(getattr(toc, "element_id", "")).removeprefix(TOP_TOC_ID)
    top = bool(getattr(toc, "flags", 0) & CTOCFlags.TOP_LEVEL)
    return (not top, int(suffix) if suffix.isdigit() else -1)


def _tag_bytes(tags: ID3) -> bytes:
    """The ID3v2.3 tag of ``tags``: header, frames in :data:`FRAME_ORDER`, :data:`PADDING`."""
    tags.update_to_v23()
    config = ID3SaveConfig(3, "/")
    frames: list[Frame] = []
    for frame_id in FRAME_ORDER:
        found = tags.getall(frame_id)
        if frame_id == "CHAP":
            found = sorted(found, key=lambda chap: (chap.start_time, chap.end_time))
        elif frame_id == "CTOC":  # mutagen sorts by key ("toc10" before "toc2")
            found = sorted(found, key=_toc_rank)
        frames.extend(found)
    if len(frames) != len(tags.values()):
        unknown = sorted({f.FrameID for f in tags.values()} - set(FRAME_ORDER))
        raise EncoderError(f"no place in the tag for frames {', '.join(unknown)}")
    try:
        body = b"".join(save_frame(frame, config=config) for frame in frames)
    except (MutagenError, ValueError, struct.error) as exc:
        raise EncoderError(f"cannot write ID3 tags: {exc}") from exc
    size = BitPaddedInt.to_str(len(body) + PADDING, width=4)
    return b"ID3\x03\x00\x00" + size + body + bytes(PADDING)


def _tagged(tags: ID3, mp3: bytes) -> bytes:
    return _tag_bytes(tags) + mp3


def tag_briefing(mp3: bytes, info: TagInfo, chapters: Sequence[ChapterMark]) -> bytes:
    """The full briefing MP3 tagged with its chapters: the CTOC tree of :func:`toc_tree`
    (every CTOC ordered, the first top-level) and one CHAP per chapter.

    Tagging is deterministic: the same audio, info and chapters give the same bytes, and the
    tag of empty ``mp3`` (``b""``) is exactly the prefix the tag adds to any audio, so a long
    briefing can be written tag first, then its audio streamed after it.
    """
    tags = _base_tags(info, info.title)
    for node in toc_tree(chapters, info.title):
        flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if node.top_level else 0)
        tags.add(CTOC(element_id=node.element_id, flags=flags,
                      child_element_ids=list(node.children),
                      sub_frames=[TIT2(encoding=3, text=[node.title])]))
    for i, mark in enumerate(chapters):
        tags.add(CHAP(element_id=chapter_id(i), start_time=mark.start_ms, end_time=mark.end_ms,
                      start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                      sub_frames=[TIT2(encoding=3, text=[mark.title])]))
    return _tagged(tags, mp3)


def tag_chapter(mp3: bytes, info: TagInfo, title: str, track: int, total: int) -> bytes:
    """One chapter MP3 tagged with its title and track number ``track/total``."""
    tags = _base_tags(info, title)
    tags.add(TRCK(encoding=3, text=[f"{track}/{total}"]))
    return _tagged(tags, mp3)


def is_own_chapter(path: Path, info: TagInfo) -> bool:
    """Whether ``path`` looks like a chapter file briefing wrote for this briefing: its tag has
    this album, artist and date, the genre ``Speech`` and a track number (only the tag is read)."""
    try:
        tags = ID3(path)
    except (MutagenError, OSError):
        return False

    def text(frame: str) -> str | None:
        found = tags.get(frame)
        return str(found.text[0]) if found is not None and found.text else None

    return (text("TALB") == info.album and text("TPE1") == info.artist
            and text("TDRC") == info.date and text("TCON") == "Speech"
            and text("TRCK") is not None)
