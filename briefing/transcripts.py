"""Transcripts and chapter data: WebVTT, SRT and Podcasting 2.0 JSON chapters.

Cues are timed from the real segment boundaries; every cue is one spoken sentence, and the
first cue of each chapter carries the chapter's title.  Text is escaped for each format, so
article text can never become markup, and is one line without control characters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import srt

from briefing.markup import plain
from briefing.tags import ChapterMark

CHAPTERS_VERSION = "1.2.0"
"""The Podcasting 2.0 JSON chapters format version written."""


@dataclass(frozen=True)
class Cue:
    """One sentence on the briefing's timeline."""

    start_ms: float
    end_ms: float
    text: str
    chapter: str | None = None
    """The chapter title, on the first cue of each chapter."""

    chapter_index: int = 0
    """Which chapter the cue belongs to."""


def _vtt_time(ms: float) -> str:
    total = round(ms)
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _vtt_escape(text: str) -> str:
    return plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_identifier(text: str) -> str:
    # an identifier is one line and may not contain "-->"; markup characters are escaped too,
    # so a player that shows it as HTML shows the text
    return _vtt_escape(text.replace("-->", "->"))


def webvtt(cues: Sequence[Cue], title: str) -> str:
    """A WebVTT file: one cue per sentence; a chapter's first cue is named after the chapter."""
    lines = ["WEBVTT", "", f"NOTE {_vtt_identifier(title)}", ""]
    for cue in cues:
        if cue.chapter:
            lines.append(_vtt_identifier(cue.chapter))
        lines.append(f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}")
        lines.append(_vtt_escape(cue.text))
        lines.append("")
    return "\n".join(lines)


def subrip(cues: Sequence[Cue]) -> str:
    """An SRT file (composed by the ``srt`` library); chapter titles open their first cue."""
    subtitles = [
        srt.Subtitle(
            index=i,
            start=dt.timedelta(milliseconds=round(cue.start_ms)),
            end=dt.timedelta(milliseconds=round(cue.end_ms)),
            content=(f"[{plain(cue.chapter)}]\n" if cue.chapter else "") + plain(cue.text),
        )
        for i, cue in enumerate(cues, start=1)
    ]
    return str(srt.compose(subtitles, reindex=False))


def chapters_json(chapters: Sequence[ChapterMark], title: str) -> str:
    """Podcasting 2.0 JSON chapters (startTime/endTime in seconds, every chapter in the toc)."""
    doc = {
        "version": CHAPTERS_VERSION,
        "title": title,
        "chapters": [
            {"startTime": round(c.start_ms / 1000, 3), "endTime": round(c.end_ms / 1000, 3),
             "title": c.title, "toc": True}
            for c in chapters
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
