"""Sound inserts (``[sound FILE]``): decoding a file to the speech's format, its title, its level.

An insert is a segment whose audio comes from a file instead of the engine.  Its file (WAV,
FLAC, MP3, OGG: pydub reads WAV itself and the rest through ffmpeg) is decoded once, mixed to
mono and resampled to :data:`~briefing.audio.assemble.SAMPLE_RATE`, and cached like a
synthesised segment.  In the chapter it is neither trimmed (its silences are the producer's)
nor left at its own level: :func:`insert_levels` measures the chapter's speech and each insert
with the BS.1770 meter (:mod:`briefing.audio.loudness`) and gives each insert the gain that
brings its integrated loudness to the speech's, so the chapter's one loudness normalisation
brings both to the target together.  An insert too quiet to be raised that far without
clipping takes the speech down instead, by as much as is missing.
"""

from __future__ import annotations

import io
import logging
import math
import shutil
import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefing.audio.assemble import (
    SAMPLE_RATE,
    Gaps,
    Levels,
    SegmentTiming,
    chapter_layout,
    chapter_pieces,
    wav_pcm,
)
from briefing.engines.base import wav_bytes
from briefing.errors import InsertError
from briefing.text.script_model import Chapter
from briefing.text.sound import Sound

log = logging.getLogger(__name__)

INSERT_VERSION = 1
"""Changes when the decoded audio of the same file changes (format, resampling)."""

MEASURE_MIN_S = 3.0
"""An insert shorter than this is measured repeated up to this length: the meter's 400 ms
blocks would miss a short tone or a sting altogether."""

HEADROOM_DBFS = -1.0
"""The highest sample peak an insert is raised to; the limiter takes care of true peaks."""

MATCH_TOLERANCE_LU = 0.5
"""How far an insert may end up from its speech in the normalised chapter."""

MATCH_ROUNDS = 3
"""Normalisations tried at most to bring the inserts within :data:`MATCH_TOLERANCE_LU`."""


def decode(path: Path) -> bytes:
    """``path``'s audio as a mono 16-bit WAV at :data:`SAMPLE_RATE`.

    Raises :class:`InsertError` when the file cannot be read or decoded, or holds no audio."""
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

    try:
        audio = AudioSegment.from_file(str(path))
    except FileNotFoundError as exc:
        hint = "; ffmpeg is needed for FLAC, MP3 and OGG" if shutil.which("ffmpeg") is None \
            else ""
        raise InsertError(f"cannot be decoded ({exc.strerror or exc}{hint})", path) from exc
    except OSError as exc:
        raise InsertError(f"cannot be read ({exc.strerror or exc})", path) from exc
    except (CouldntDecodeError, ValueError, IndexError, KeyError, EOFError, struct.error,
            wave.Error) as exc:
        raise InsertError("cannot be decoded as audio (WAV, FLAC, MP3 or OGG)", path) from exc
    audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)
    if len(audio.raw_data) < 2:
        raise InsertError("holds no audio", path)
    return wav_bytes(audio.raw_data, SAMPLE_RATE)


def wav_ms(wav: bytes | Path) -> int | None:
    """The length of a WAV (bytes or file) in milliseconds, ``None`` if it is not one."""
    try:
        with wave.open(io.BytesIO(wav) if isinstance(wav, bytes) else str(wav), "rb") as w:
            return round(w.getnframes() * 1000 / w.getframerate())
    except (OSError, EOFError, wave.Error, ZeroDivisionError):
        return None


def title_tag(path: Path) -> str | None:
    """The file's own title (ID3 ``TIT2``, Vorbis or FLAC ``title``), if it has one."""
    import mutagen

    try:
        found: Any = mutagen.File(str(path))
    except (mutagen.MutagenError, OSError, ValueError):
        return None
    tags = getattr(found, "tags", None)
    if not tags:
        return None
    for key in ("TIT2", "title", "TITLE", "\xa9nam"):
        try:
            value = tags[key]
        except (KeyError, ValueError, TypeError):
            continue
        text = getattr(value, "text", value)
        items = text if isinstance(text, list) else [text]
        title = " ".join(" ".join(str(i) for i in items).split())
        if title:
            return title
    return None


def _lufs_and_peak(pcm: bytes) -> tuple[float, float]:
    import numpy as np  # the workers' module: the planner imports this one for its keys

    from briefing.audio.loudness import measure

    samples = np.frombuffer(pcm, dtype="<i2")
    peak = float(np.abs(samples.astype(np.int32)).max(initial=0)) / 32768.0
    need = math.ceil(MEASURE_MIN_S * SAMPLE_RATE / max(1, samples.size))
    loud = measure(pcm * max(1, need), SAMPLE_RATE).integrated_lufs
    return loud, (20 * math.log10(peak) if peak > 0 else -math.inf)


def insert_levels(chapter: Chapter, read: Callable[[int], bytes], gaps: Gaps,
                  last: bool) -> Levels:
    """The gains that bring each insert of ``chapter`` to the loudness of its speech.

    ``read(n)`` is the WAV of the chapter's ``n``-th item (sentence or insert) in reading
    order.  Silent inserts, and a chapter whose speech the meter cannot measure, keep their
    level."""
    from briefing.audio.loudness import measure_stream

    speech = measure_stream(
        lambda: chapter_pieces(chapter, read, gaps, last, None, levels=Levels(mute_inserts=True)),
        SAMPLE_RATE).integrated_lufs
    wanted: list[float] = []
    missing = 0.0
    numbers = [n for n, (_, item) in enumerate(chapter_layout(chapter, gaps, last))
               if isinstance(item, Sound)]
    for n in numbers:
        loud, peak = _lufs_and_peak(wav_pcm(read(n)))
        if not (math.isfinite(speech) and math.isfinite(loud)):
            wanted.append(0.0)
            continue
        gain = speech - loud
        wanted.append(gain)
        missing = max(missing, gain - (HEADROOM_DBFS - peak))
    log.debug("chapter %r: speech %.1f LUFS, insert gains %s dB, speech -%.1f dB",
              chapter.title, speech, [round(g, 1) for g in wanted], missing)
    return Levels(-missing, tuple(g - missing for g in wanted))


def _region(pcm: bytes, timing: SegmentTiming) -> bytes:
    start = round(timing.start_ms * SAMPLE_RATE / 1000)
    return pcm[2 * start : 2 * round(timing.end_ms * SAMPLE_RATE / 1000)]


def _misses(pcm: bytes, timings: list[SegmentTiming]) -> list[float]:
    """How much louder the speech is than each insert in a normalised chapter (LU; 0 where
    either cannot be measured)."""
    from briefing.audio.loudness import measure

    speech = measure(b"".join(_region(pcm, t) for t in timings if not t.sound),
                     SAMPLE_RATE).integrated_lufs
    misses = []
    for t in timings:
        if t.sound:
            loud, _ = _lufs_and_peak(_region(pcm, t))
            miss = speech - loud
            misses.append(miss if math.isfinite(miss) else 0.0)
    return misses


def matched_levels(chapter: Chapter, read: Callable[[int], bytes], gaps: Gaps, last: bool,
                   target: Any) -> Levels:
    """:func:`insert_levels`, corrected until the inserts match the speech in the chapter as
    normalised to ``target`` (a :class:`~briefing.audio.loudness.LoudnessTarget`).

    The normalisation's true-peak limiter can take a few LU off speech with high peaks and
    none off a steady insert, so the levels are checked on the normalised audio and each
    insert's gain moved by its miss.  The chapter's PCM is held meanwhile (a chapter with an
    insert only)."""
    from briefing.audio.loudness import normalized

    levels = insert_levels(chapter, read, gaps, last)
    for _ in range(MATCH_ROUNDS):
        timings: list[SegmentTiming] = []

        def source(levels: Levels = levels, timings: list[SegmentTiming] = timings) -> Any:
            timings.clear()
            return chapter_pieces(chapter, read, gaps, last, timings, levels=levels)

        misses = _misses(normalized(source, SAMPLE_RATE, target, b"".join), timings)
        if all(abs(m) <= MATCH_TOLERANCE_LU for m in misses):
            break
        gains = levels.inserts_db + (0.0,) * (len(misses) - len(levels.inserts_db))
        levels = Levels(levels.speech_db, tuple(g + m for g, m in zip(gains, misses,
                                                                        strict=False)))
        log.debug("chapter %r: insert gains corrected by %s LU", chapter.title,
                  [round(m, 2) for m in misses])
    return levels
