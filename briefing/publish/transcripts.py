"""Transcripts and chapter data: WebVTT, SRT and Podcasting 2.0 JSON chapters.

Cues are timed from the real segment boundaries: a cue is one spoken sentence, and the first
cue of each chapter carries the chapter's title.  Cue text is broken into lines of at most
:data:`MAX_LINE` characters at word boundaries, at most :data:`MAX_LINES` per cue, as
captioning practice and the Podcasting 2.0 transcript guidance ask; a longer sentence becomes
several cues, timed in proportion to their characters (the synthesised speech has no word
timings).  Text is escaped for each format, so article text can never become markup, and
carries no control characters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import srt

from briefing.audio.id3 import ChapterMark
from briefing.text.markup import plain

MAX_LINE = 42
"""Characters per cue line."""

MAX_LINES = 2
"""Lines per cue."""

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

    sound: bool = False
    """A sound insert's cue (``[Sound: ident]``), not a spoken sentence."""


def _words(text: str) -> list[str]:
    """The words of ``text``; a word longer than a line is cut into pieces that fit."""
    words: list[str] = []
    for word in plain(text).split():
        words.extend(word[i : i + MAX_LINE] for i in range(0, len(word), MAX_LINE))
    return words


def _lines(words: Sequence[str]) -> list[str]:
    """``words`` filled greedily into lines of at most :data:`MAX_LINE` characters."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= MAX_LINE:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _balanced(words: Sequence[str]) -> list[str]:
    """Words that fit in two lines, broken where the longer line is shortest."""
    text = " ".join(words)
    if len(text) <= MAX_LINE or len(words) < 2:
        return [text]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    fitting = [pair for pair in splits if max(map(len, pair)) <= MAX_LINE]
    return list(min(fitting or splits, key=lambda pair: max(map(len, pair))))


def _even_chunks(words: Sequence[str], count: int) -> list[list[str]]:
    """``words`` in ``count`` runs of about equal characters (each word by where it starts)."""
    total = len(" ".join(words)) + 1
    chunks: list[list[str]] = [[] for _ in range(count)]
    offset = 0
    for word in words:
        chunks[offset * count // total].append(word)
        offset += len(word) + 1
    return [chunk for chunk in chunks if chunk]


def caption_blocks(text: str) -> list[list[str]]:
    """The cue blocks ``text`` is shown in: each of at most :data:`MAX_LINES` lines of at most
    :data:`MAX_LINE` characters, broken at word boundaries; the fewest blocks of about equal
    length that fit."""
    words = _words(text)
    if not words:
        return [[""]]
    count = -(-len(_lines(words)) // MAX_LINES)
    while True:  # ends: with one word per block, every block fits
        chunks = _even_chunks(words, count)
        if all(len(_lines(chunk)) <= MAX_LINES for chunk in chunks):
            return [_balanced(chunk) for chunk in chunks]
        count += 1


@dataclass(frozen=True)
class CaptionCue:
    """A cue as shown: its lines, time span and (first cue of a chapter) identifier."""

    start_ms: float
    end_ms: float
    lines: tuple[str, ...]
    chapter: str | None


def caption_cues(cues: Sequence[Cue]) -> list[CaptionCue]:
    """Each sentence cut into cue blocks, timed in proportion to their characters."""
    out: list[CaptionCue] = []
    for cue in cues:
        blocks = caption_blocks(cue.text)
        weights = [len(" ".join(block)) + 1 for block in blocks]
        total = sum(weights)
        start, done = cue.start_ms, 0
        for n, (block, weight) in enumerate(zip(blocks, weights, strict=True)):
            done += weight
            end = cue.end_ms if n == len(blocks) - 1 else round(
                cue.start_ms + (cue.end_ms - cue.start_ms) * done / total)
            out.append(CaptionCue(start, end, tuple(block), cue.chapter if n == 0 else None))
            start = end
    return out


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
    """A WebVTT file: cues of short lines; a chapter's first cue is named after the chapter."""
    lines = ["WEBVTT", "", f"NOTE {_vtt_identifier(title)}", ""]
    for cue in caption_cues(cues):
        if cue.chapter:
            lines.append(_vtt_identifier(cue.chapter))
        lines.append(f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}")
        lines.extend(_vtt_escape(line) for line in cue.lines)
        lines.append("")
    return "\n".join(lines)


def subrip(cues: Sequence[Cue]) -> str:
    """An SRT file (composed by the ``srt`` library); chapter titles open their first cue."""
    subtitles = [
        srt.Subtitle(
            index=i,
            start=dt.timedelta(milliseconds=round(cue.start_ms)),
            end=dt.timedelta(milliseconds=round(cue.end_ms)),
            content=(f"[{plain(cue.chapter)}]\n" if cue.chapter else "") + "\n".join(cue.lines),
        )
        for i, cue in enumerate(caption_cues(cues), start=1)
    ]
    return str(srt.compose(subtitles, reindex=False))


def chapters_json(chapters: Sequence[ChapterMark], title: str) -> str:
    """Podcasting 2.0 JSON chapters (startTime/endTime in seconds): every chapter listed, the
    level-2 ones (photos under their story) with ``"toc": false``.

    The spec's ``toc`` is an optional boolean, true when absent; a chapter with ``false`` is not
    shown in the table of contents nor offered as a jump-to point, but stays a chapter.  Marking
    the photos keeps apps that honour ``toc`` usable: their list and their next/previous then
    go story to story (opening, stories, closing), and a story's photo descriptions play on
    after it as part of it, rather than 13 extra presses to get past one story's photos.
    Apps that ignore ``toc`` still list every chapter.  A photo that stands alone (level 1)
    stays in the table of contents: hidden, it would sound like part of the chapter before it.
    """
    doc = {
        "version": CHAPTERS_VERSION,
        "title": title,
        "chapters": [
            {"startTime": round(c.start_ms / 1000, 3), "endTime": round(c.end_ms / 1000, 3),
             "title": c.title, "toc": c.level == 1}
            for c in chapters
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
