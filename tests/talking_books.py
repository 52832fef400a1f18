"""Synthetic talking books for the DAISY and EPUB tests: real MP3s, real timings.

Each sentence is spoken by the fake engine (so its duration is exact), a pause follows it, and
the chapter's PCM is encoded with briefing's own MP3 encoder; the chapter's duration is then read
back from the MP3 with mutagen, as a player would.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import wave
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from briefing.artwork import Cover
from briefing.audio.assemble import SAMPLE_RATE
from briefing.audio.mp3encode import encode_mp3
from briefing.engines.base import VoiceSettings
from briefing.engines.fake import FakeEngine
from briefing.publish.talking_book import (
    BookChapter,
    ChapterKind,
    Sentence,
    TalkingBook,
    xml_text,
)

PAUSE_S = 0.4
"""Silence after each sentence."""

HOSTILE = 'Fish & <chips> "quoted" \'single\' \x07bell ]]> --'
"""A title with every character markup must escape, and one XML cannot hold."""

K = ChapterKind
CHAPTERS: tuple[tuple[ChapterKind, str, tuple[str, ...]], ...] = (
    (K.OPENING, "Opening", ("Good morning.", "This is the briefing for today.")),
    (K.STORY, "Harbour reopens", ("The harbour reopened on Monday.", "Ships queued at dawn.")),
    (K.PHOTO, "Photo 1: ships", ("Three container ships wait outside the harbour wall.",)),
    (K.PHOTO, "Photo 2: " + HOSTILE, ("A crane <lifts> a box & a worker waves.", "Rain.")),
    (K.STORY, HOSTILE, ("A second story with a title full of markup.",)),
    (K.PHOTO, "Photo 3: market", ("Stalls under striped awnings.",)),
    (K.STORY, "No photos here", ("This story has no photo.", "It has two sentences.")),
    (K.CLOSING, "Closing", ("That was the briefing.", "Goodbye.")),
)


def _pcm(text: str) -> bytes:
    wav = FakeEngine().synthesize(text, VoiceSettings(rate=400))
    with wave.open(io.BytesIO(wav)) as reader:
        assert reader.getframerate() == SAMPLE_RATE
        return reader.readframes(reader.getnframes())


def make_chapter(folder: Path, name: str, kind: ChapterKind, title: str,
                 texts: tuple[str, ...]) -> BookChapter:
    """Speak ``texts``, encode them to ``folder/name`` and return the chapter with its timings."""
    pcm = bytearray()
    sentences = []
    for text in texts:
        begin = len(pcm) / 2 / SAMPLE_RATE
        pcm += _pcm(text)
        sentences.append(Sentence(text, begin, len(pcm) / 2 / SAMPLE_RATE))
        pcm += b"\0\0" * round(PAUSE_S * SAMPLE_RATE)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_mp3(bytes(pcm), 64, 7))
    duration = float(MP3(path).info.length)
    return BookChapter(kind, title, name, duration, tuple(sentences))


def make_book(audio_dir: Path, chapters: tuple[tuple[ChapterKind, str, tuple[str, ...]], ...]
              = CHAPTERS, *, title: str = "Briefing: " + HOSTILE,
              cover: Cover | None = None, narrator: str = "") -> TalkingBook:
    """A book of ``chapters`` whose MP3s are written into ``audio_dir/2024-05-14/``."""
    built = tuple(
        make_chapter(audio_dir, f"2024-05-14/{k:02d} {t[:12]}.mp3", kind, t, texts)
        for k, (kind, t, texts) in enumerate(chapters, 1)
    )
    return TalkingBook(title=title, date=dt.date(2024, 5, 14), language="en-GB",
                       author="The briefing desk", publisher="Briefing & Co", chapters=built,
                       cover=cover, narrator=narrator)


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test for want of a second tool, except on CI (``CI`` set), where it fails."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the tool must be there)")
    pytest.skip(reason)


def paper_book(title: str, texts: tuple[str, ...], author: str = "") -> TalkingBook:
    """A book of an opening, a story with two photos and a closing, each of ``texts``, without
    audio: what the renderers (which never read the MP3s) need."""
    kinds = (K.OPENING, K.STORY, K.PHOTO, K.PHOTO, K.CLOSING)
    sentences = tuple(Sentence(text, k * 1.5, k * 1.5 + 1.0) for k, text in enumerate(texts))
    chapters = tuple(BookChapter(kind, title, f"{n}.mp3", len(texts) * 1.5, sentences)
                     for n, kind in enumerate(kinds, 1))
    return TalkingBook(title=title, date=dt.date(2024, 5, 14), language="en", author=author,
                       publisher=author, chapters=chapters)


printable_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).filter(
    lambda text: bool(xml_text(text)))
"""Any text a script may hold, with at least one character XML can carry."""
