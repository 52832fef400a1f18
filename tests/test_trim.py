"""Trimming of a segment's edges keeps soft onsets and releases (synthetic PCM, exact levels)."""

from __future__ import annotations

import array
import io
import math
import random
import wave

from briefing.audio.assemble import EDGE_MARGIN_MS, ONSET_MAX_MS, SAMPLE_RATE, trimmed_pcm


def _samples(ms: float) -> int:
    return round(ms * SAMPLE_RATE / 1000)


def _noise(ms: float, dbfs: float, seed: int) -> list[int]:
    """White noise whose RMS is ``dbfs`` (a fricative like "th", "f", "s")."""
    rng = random.Random(seed)
    raw = [rng.gauss(0.0, 1.0) for _ in range(_samples(ms))]
    rms = math.sqrt(sum(x * x for x in raw) / len(raw))
    scale = 32768 * 10 ** (dbfs / 20) / rms
    return [round(x * scale) for x in raw]


def _vowel(ms: float, dbfs: float) -> list[int]:
    amp = 32768 * 10 ** (dbfs / 20) * math.sqrt(2)
    return [round(amp * math.sin(2 * math.pi * 180 * i / SAMPLE_RATE)) for i in range(_samples(ms))]


def _wav(samples: list[int]) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(array.array("h", samples).tobytes())
    return buf.getvalue()


def _kept(samples: list[int]) -> tuple[int, int]:
    """(first, end) sample of the input that trimming keeps (it keeps one contiguous slice)."""
    raw = array.array("h", samples).tobytes()
    pcm = trimmed_pcm(_wav(samples))
    offset = raw.find(pcm)
    assert offset >= 0 and offset % 2 == 0
    return offset // 2, offset // 2 + len(pcm) // 2


def test_quiet_onset_and_release_below_the_threshold_are_kept() -> None:
    lead, onset, vowel, release = _samples(150), _samples(40), _samples(300), _samples(60)
    samples = ([0] * lead + _noise(40, -55, 1) + _vowel(300, -12) + _noise(60, -58, 2)
               + [0] * _samples(300))
    first, end = _kept(samples)
    sound_start, sound_end = lead, lead + onset + vowel + release
    assert first <= sound_start  # all of the fricative before the vowel
    assert end >= sound_end  # all of the final release
    # the digital silence around it is still trimmed down to the margin (and one 10 ms chunk)
    assert sound_start - first <= _samples(EDGE_MARGIN_MS + 10)
    assert end - sound_end <= _samples(EDGE_MARGIN_MS + 10)


def test_a_noise_floor_keeps_at_most_the_bound() -> None:
    """Steady hiss above the onset floor before the speech is not kept whole."""
    samples = _noise(1000, -60, 3) + _vowel(300, -12) + [0] * _samples(500)
    first, end = _kept(samples)
    assert _samples(1000) - first <= _samples(ONSET_MAX_MS + EDGE_MARGIN_MS + 10)
    assert end - _samples(1300) <= _samples(EDGE_MARGIN_MS + 10)


def test_silence_only_segment_is_kept_as_is() -> None:
    samples = [0] * _samples(200)
    assert _kept(samples) == (0, len(samples))


def test_a_release_after_a_short_closure_is_kept() -> None:
    """A final "t": the vowel, 20 ms of closure (silence), then a quiet burst."""
    vowel_end = _samples(100 + 300)
    samples = ([0] * _samples(100) + _vowel(300, -12) + [0] * _samples(20)
               + _noise(30, -57, 4) + [0] * _samples(400))
    burst_end = vowel_end + _samples(50)
    _first, end = _kept(samples)
    assert end >= burst_end
    assert end - burst_end <= _samples(EDGE_MARGIN_MS + 10)
