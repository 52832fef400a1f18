"""Join synthesised segments into chapters with natural pauses, keeping exact boundaries.

Pauses grow with the structure: sentence < paragraph < chapter.  Every segment is trimmed of
the engine's own leading and trailing silence first (:mod:`briefing.audio.trim`), so pauses are
the same whatever the engine.
A chapter is produced as a stream of pieces, one sentence or pause at a time, so a chapter of
any length is never held whole (:func:`chapter_pieces`).
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from briefing.audio.trim import trimmed
from briefing.audio.units import FRAME, SEAM_SAMPLES
from briefing.text.script_model import Chapter, Pause
from briefing.text.sound import Sound

SAMPLE_RATE = 22050
"""Sample rate of all assembled audio (mono, 16-bit)."""

LEAD_MS = 300
"""Silence before a chapter's first sentence.  A player that jumps to a chapter clips its first
milliseconds, and an offline recogniser heard a chapter's opening words better with it:
espeak-ng's errors on the benchmark corpus fell from 202 to 182 (median of three pause
jitters; 600 ms: 190), piper's were unchanged or fewer (docs/intelligibility-notes.md, sixth
round)."""


@dataclass(frozen=True)
class Gaps:
    """Pause lengths in milliseconds."""

    sentence_ms: int
    """Between sentences of a paragraph."""

    paragraph_ms: int
    """Between paragraphs."""

    chapter_ms: int
    """At the end of a chapter."""

    end_ms: int = 500
    """At the end of the last chapter, before the file ends."""

    lead_ms: int = LEAD_MS
    """Before a chapter's first sentence or insert."""


@dataclass(frozen=True)
class SegmentTiming:
    """Where one spoken sentence lies in its chapter."""

    text: str
    """The sentence as written in the script."""

    start_ms: float
    """Start, from the start of the chapter."""

    end_ms: float
    """End, from the start of the chapter."""

    sound: bool = False
    """A sound insert (its text is the cue ``[Sound: <title>]``), not a spoken sentence."""


@dataclass(frozen=True)
class Levels:
    """Gains applied while a chapter with sound inserts is assembled
    (:func:`briefing.audio.insert.insert_levels`)."""

    speech_db: float = 0.0
    """On every sentence."""

    inserts_db: tuple[float, ...] = ()
    """On each insert, in reading order (0 for any not listed)."""

    mute_inserts: bool = False
    """Inserts as silence of their length (to measure the speech alone)."""


@dataclass(frozen=True)
class ChapterPcm:
    """One chapter's audio: its sentences with their pauses, ending in the chapter pause."""

    pcm: bytes
    """Mono 16-bit PCM at :data:`SAMPLE_RATE`."""

    segments: tuple[SegmentTiming, ...]
    """The sentences of the chapter, timed from its start."""

    @property
    def samples(self) -> int:
        """Length in samples."""
        return len(self.pcm) // 2


def samples_to_ms(samples: int) -> float:
    """Milliseconds for a number of samples at :data:`SAMPLE_RATE`."""
    return samples * 1000.0 / SAMPLE_RATE


def _silence(ms: int) -> bytes:
    return b"\x00\x00" * round(ms * SAMPLE_RATE / 1000)


def trimmed_pcm(wav: bytes) -> bytes:
    """Raw mono 16-bit PCM of a WAV at :data:`SAMPLE_RATE`, the engine's silence at its edges
    trimmed (:func:`briefing.audio.trim.trimmed`)."""
    return trimmed(wav, SAMPLE_RATE)


def wav_pcm(wav: bytes) -> bytes:
    """The frames of a mono 16-bit WAV at :data:`SAMPLE_RATE` (an insert's cached audio)."""
    with wave.open(io.BytesIO(wav), "rb") as w:
        return w.readframes(w.getnframes())


def scaled(pcm: bytes, db: float) -> bytes:
    """16-bit PCM times a gain in dB, clipped to full scale."""
    if db == 0.0:
        return pcm
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) * 10 ** (db / 20)
    return bytes(np.clip(np.rint(samples), -32768, 32767).astype("<i2").tobytes())


def chapter_layout(chapter: Chapter, gaps: Gaps,
                   last: bool = False) -> Iterator[tuple[int, str | Sound | None]]:
    """The chapter as it is laid out in time: ``(gap_ms, item)`` for each sentence or sound
    insert in reading order (the silence before it: ``lead_ms`` for the first), then
    ``(tail_ms, None)``.

    Sentence < paragraph < chapter pauses; a sound insert stands between paragraphs like a
    paragraph of its own; an explicit ``[pause]`` replaces the pause that would otherwise stand
    there (except one that opens the chapter: the lead-in stands), and one that ends the chapter
    replaces the chapter pause; the ``last`` chapter ends with the shorter ``end_ms`` pause.
    The one statement of these rules, for the assembly (:func:`chapter_pieces`) and the
    estimate before synthesis (:mod:`briefing.build.estimate`).
    """
    pending_gap = 0
    number = 0
    for block in chapter.blocks:
        if isinstance(block, Pause):
            pending_gap = block.ms
            continue
        items: tuple[str | Sound, ...] = (block,) if isinstance(block, Sound) else \
            block.sentences
        for i, item in enumerate(items):
            gap = pending_gap if i == 0 else gaps.sentence_ms
            yield (gap if number else gaps.lead_ms), item
            number += 1
        pending_gap = gaps.paragraph_ms
    final = chapter.blocks[-1] if chapter.blocks else None
    tail = gaps.end_ms if last else gaps.chapter_ms
    yield (final.ms if isinstance(final, Pause) else tail), None


def _item_pcm(item: str | Sound, wav: bytes, levels: Levels, inserts: int) -> bytes:
    """The PCM of a laid-out item: a sentence trimmed, an insert as it is, each at its level."""
    if isinstance(item, str):
        return scaled(trimmed_pcm(wav), levels.speech_db)
    pcm = wav_pcm(wav)
    if levels.mute_inserts:
        return bytes(len(pcm))
    gains = levels.inserts_db
    return scaled(pcm, gains[inserts] if inserts < len(gains) else 0.0)


def chapter_pieces(chapter: Chapter, sentence_wav: Callable[[int], bytes], gaps: Gaps,
                   last: bool = False, timings: list[SegmentTiming] | None = None,
                   *, levels: Levels | None = None, cuts: list[int] | None = None
                   ) -> Iterator[bytes]:
    """A chapter's PCM in pieces (a sentence, an insert or a pause each), laid out by
    :func:`chapter_layout`.

    ``sentence_wav(n)`` returns the WAV of the chapter's ``n``-th item (a sentence's or an
    insert's) in reading order; it is asked for one at a time, so no more than one is held.
    Each item's timing is appended to ``timings`` as it is produced; ``levels`` sets gains.

    With ``cuts``, the chapter is laid out for encoding in units
    (:mod:`briefing.audio.units`): each pause between items long enough to hold
    ``2 * SEAM_SAMPLES`` of silence is lengthened by less than one MP3 frame so that its middle
    falls on a frame boundary, and that boundary (in samples) is appended to ``cuts``.
    """
    length = 0
    inserts = 0
    levels = levels or Levels()
    for number, (gap, item) in enumerate(chapter_layout(chapter, gaps, last)):
        if item is None:
            yield _silence(gap)
            break
        if gap:
            silence = _silence(gap)
            if cuts is not None and number and len(silence) >= 4 * SEAM_SAMPLES:
                half = len(silence) // 4  # samples
                before = half + (-(length + half)) % FRAME
                yield b"\x00\x00" * before
                cuts.append(length + before)
                silence = silence[2 * half :]
                length += before
            yield silence
            length += len(silence) // 2
        pcm = _item_pcm(item, sentence_wav(number), levels, inserts)
        start = length
        yield pcm
        length += len(pcm) // 2
        if isinstance(item, Sound):
            inserts += 1
        if timings is not None:
            text, sound = (item.cue, True) if isinstance(item, Sound) else (item, False)
            timings.append(SegmentTiming(text, samples_to_ms(start), samples_to_ms(length),
                                         sound))


def assemble_chapter(chapter: Chapter, sentence_wav: Callable[[int], bytes],
                     gaps: Gaps, last: bool = False) -> ChapterPcm:
    """A whole chapter's PCM and timings (:func:`chapter_pieces` joined), for short audio."""
    timings: list[SegmentTiming] = []
    pcm = b"".join(chapter_pieces(chapter, sentence_wav, gaps, last, timings))
    return ChapterPcm(pcm, tuple(timings))
