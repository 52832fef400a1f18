"""Trim a synthesised segment's own leading and trailing silence, keeping soft onsets.

The trim finds speech at :data:`SILENCE_THRESHOLD_DBFS`, then reaches out to quieter sound near
it (soft onsets such as "th" and final releases sit below that level), so no consonant is cut.

The edges are searched exactly as pydub's ``detect_leading_silence`` and 10 ms slices search
them (the same chunks, pydub's slice rounding and padding, audioop's integer RMS, the same
decibel formula), so the result is pydub's to the sample (a test compares the two on many
signals).  It is written here rather than called because pydub builds an ``AudioSegment`` per
10 ms chunk and reverses the whole segment to search its end: 2 ms a sentence, paid by every
encoding pass of every chapter, against 0.1 ms here.  pydub still decodes a WAV that is not
mono 16-bit at the rate asked for (an engine's other format).
"""

from __future__ import annotations

import io
import math
import wave
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SILENCE_THRESHOLD_DBFS = -50.0
"""Audio quieter than this at a segment's edges is the engine's own silence."""

ONSET_FLOOR_DBFS = -65.0
"""Sound above this close before or after the speech found with :data:`SILENCE_THRESHOLD_DBFS`
is part of it: a soft onset or release ("th", "f", "h", a final "s") can stay below that
threshold for tens of milliseconds and must not be trimmed."""

ONSET_MAX_MS = 200
"""Quiet sound is looked for this far before the first and after the last loud sound, so a
noise floor above :data:`ONSET_FLOOR_DBFS` cannot keep a whole lead-in."""

EDGE_MARGIN_MS = 20
"""Silence kept at each edge of a trimmed segment, so no consonant is clipped."""

CHUNK_MS = 10
"""The step of the search, in milliseconds (pydub's ``chunk_size``)."""

_FULL_SCALE = 32768.0


class _Chunks:
    """A segment's samples, measured in millisecond slices as pydub slices them."""

    def __init__(self, samples: npt.NDArray[np.float64], sample_rate: int) -> None:
        self.samples = samples
        self.reversed = samples[::-1]
        self.per_ms = sample_rate / 1000.0
        self.ms = round(1000 * (len(samples) / sample_rate))
        """The length in whole milliseconds (``len(AudioSegment)``)."""

    def dbfs(self, start_ms: int, end_ms: int, from_end: bool = False) -> float:
        """The level of ``[start_ms, end_ms)`` (of the reversed segment with ``from_end``) as
        ``AudioSegment[start_ms:end_ms].dBFS`` gives it."""
        start_ms, end_ms = min(start_ms, self.ms), min(end_ms, self.ms)
        first = int(start_ms * self.per_ms)
        last = int(end_ms * self.per_ms)
        chunk = (self.reversed if from_end else self.samples)[first:last]
        if not len(chunk):
            return -math.inf
        # pydub pads a slice that ends past the last sample with silence, which counts in the
        # mean; the squares of 16-bit samples sum exactly in doubles, in any order
        rms = int(math.sqrt(float(chunk @ chunk) / (last - first)))  # audioop.rms
        return 20 * math.log(rms / _FULL_SCALE, 10) if rms else -math.inf

    def leading_silence(self, from_end: bool = False) -> int:
        """``pydub.silence.detect_leading_silence`` at :data:`SILENCE_THRESHOLD_DBFS`, in ms."""
        trim_ms = 0
        while (self.dbfs(trim_ms, trim_ms + CHUNK_MS, from_end) < SILENCE_THRESHOLD_DBFS
               and trim_ms < self.ms):
            trim_ms += CHUNK_MS
        return min(trim_ms, self.ms)

    def soft_edge(self, edge: int, step: int) -> int:
        """``edge`` (ms) moved outwards (``step`` -1: earlier, +1: later) to the farthest
        10 ms chunk louder than :data:`ONSET_FLOOR_DBFS` within :data:`ONSET_MAX_MS` of it.

        Not only over unbroken sound: a soft onset or release can dip below the floor for a
        chunk (a stop's closure before its burst, a breathy "h" fading in) and still be speech.
        """
        found = edge
        for k in range(ONSET_MAX_MS // CHUNK_MS):
            lo = edge - (k + 1) * CHUNK_MS if step < 0 else edge + k * CHUNK_MS
            if lo < 0 or lo + CHUNK_MS > self.ms:
                break
            if self.dbfs(lo, lo + CHUNK_MS) > ONSET_FLOOR_DBFS:
                found = lo if step < 0 else lo + CHUNK_MS
        return found


def _decoded(wav: bytes, sample_rate: int) -> bytes:
    """A WAV's mono 16-bit PCM at ``sample_rate`` (converted by pydub if need be)."""
    try:
        with wave.open(io.BytesIO(wav), "rb") as w:
            if (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, sample_rate):
                return w.readframes(w.getnframes())
    except (wave.Error, EOFError):
        pass  # e.g. WAVE_FORMAT_EXTENSIBLE, which pydub reads
    from pydub import AudioSegment  # imported here: only a WAV of another format needs it

    audio = AudioSegment.from_file(io.BytesIO(wav), format="wav")
    audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(sample_rate)
    return bytes(audio.raw_data)


def trimmed(wav: bytes, sample_rate: int) -> bytes:
    """Raw mono 16-bit PCM of a WAV at ``sample_rate``, edges' silence trimmed."""
    import numpy as np  # imported here: a build with nothing to assemble skips it

    raw = _decoded(wav, sample_rate)
    chunks = _Chunks(np.frombuffer(raw, dtype="<i2", count=len(raw) // 2).astype(np.float64),
                     sample_rate)
    start = chunks.leading_silence()
    end = chunks.ms - chunks.leading_silence(from_end=True)
    if end <= start:  # all below the threshold: keep it as it is
        return raw
    start = chunks.soft_edge(start, -1)
    end = chunks.soft_edge(end, +1)
    first = max(0, round((start - EDGE_MARGIN_MS) * sample_rate / 1000))
    last = min(len(raw) // 2, round((end + EDGE_MARGIN_MS) * sample_rate / 1000))
    return raw[2 * first : 2 * last]
