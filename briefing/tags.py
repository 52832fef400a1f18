"""ID3v2 tags and chapters (CHAP/CTOC) written with mutagen."""

from __future__ import annotations

import io
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
)

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
    """TDRC, ``YYYY-MM-DD``."""


@dataclass(frozen=True)
class ChapterMark:
    """A chapter's title and position in milliseconds."""

    title: str
    start_ms: int
    end_ms: int


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


def _tagged(tags: ID3, mp3: bytes) -> bytes:
    buffer = io.BytesIO(mp3)
    try:
        tags.save(buffer, v2_version=3, padding=lambda _info: PADDING)
    except (MutagenError, OSError) as exc:
        raise EncoderError(f"cannot write ID3 tags: {exc}") from exc
    return buffer.getvalue()


def tag_briefing(mp3: bytes, info: TagInfo, chapters: Sequence[ChapterMark]) -> bytes:
    """The full briefing MP3 tagged with its chapters: one ordered top-level CTOC, one CHAP each.

    Tagging is deterministic: the same audio, info and chapters give the same bytes, and the
    tag of empty ``mp3`` (``b""``) is exactly the prefix the tag adds to any audio, so a long
    briefing can be written tag first, then its audio streamed after it.
    """
    tags = _base_tags(info, info.title)
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[info.title])]))
    for element_id, mark in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=element_id, start_time=mark.start_ms, end_time=mark.end_ms,
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
