"""One chapter from its sentences' WAVs to an MP3: assembled, normalised and encoded as a stream.

The chapter's audio is never held whole: the assembly
(:func:`~briefing.audio.assemble.chapter_pieces`)
is replayed for each pass the loudness normalisation makes
(:func:`~briefing.audio.loudness.normalized`),
reading one sentence's WAV at a time, and the encoder takes the normalised audio block by block.
Memory is bounded by a block of audio and the chapter's MP3, whatever the chapter's length.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from briefing.audio import mp3encode as encode
from briefing.audio.assemble import SAMPLE_RATE, Gaps, SegmentTiming, chapter_pieces
from briefing.errors import EncoderError
from briefing.text.script_read import Chapter
from briefing.text.sound import Sound

MP3_LOUDNESS_LOSS_LU = 0.4
"""How much quieter an MP3 measures than the PCM it was encoded from (LAME at 22.05 kHz mono
scales the signal by about 0.95); the PCM is aimed this much louder so the MP3 lands on target.
"""

Wav = bytes | str
"""A sentence's WAV: its bytes, or the path of its file (read when needed)."""


def _reader(wavs: Sequence[Wav]) -> Any:
    def read(n: int) -> bytes:
        wav = wavs[n]
        if isinstance(wav, bytes):
            return wav
        try:
            return Path(wav).read_bytes()
        except OSError as exc:
            raise EncoderError(f"sentence {n + 1}'s audio could not be read from the cache "
                               f"({exc.strerror or exc}); build again") from exc

    return read


def render_chapter(chapter: Chapter, wavs: Sequence[Wav], gaps: Gaps, last: bool,
                   bitrate_kbps: int, quality: int, loudness_lufs: float,
                   true_peak_dbtp: float) -> tuple[bytes, list[list[Any]]]:
    """Assemble, normalise and encode one chapter; returns its MP3 and its sentences' timings
    (``[text, start_ms, end_ms]``, and ``true`` after an insert's).  A chapter with sound
    inserts is measured first, to bring each insert to its speech's loudness."""
    from briefing.audio.loudness import LoudnessTarget, normalized

    read = _reader(wavs)
    timings: list[SegmentTiming] = []
    target = LoudnessTarget(loudness_lufs + MP3_LOUDNESS_LOSS_LU, true_peak_dbtp)
    levels = None
    if any(isinstance(b, Sound) for b in chapter.blocks):
        from briefing.audio.insert import matched_levels

        levels = matched_levels(chapter, read, gaps, last, target)

    def source() -> Iterator[bytes]:
        timings.clear()  # every pass replays the assembly, with the same timings
        return chapter_pieces(chapter, read, gaps, last, timings, levels)

    try:
        mp3 = normalized(source, SAMPLE_RATE, target,
                         lambda blocks: encode.encode_stream(blocks, bitrate_kbps, quality))
    except OSError as exc:  # the limiter's temporary file
        raise EncoderError(f"no room for a temporary file while normalising: "
                           f"{exc.strerror or exc}") from exc
    return mp3, [[t.text, t.start_ms, t.end_ms, *([True] if t.sound else [])]
                 for t in timings]
