"""Trimming of a segment's edges keeps soft onsets and releases (synthetic PCM, exact levels)."""

from __future__ import annotations

import array
import io
import math
import random
import wave

from briefing.audio.assemble import SAMPLE_RATE, trimmed_pcm
from briefing.audio.trim import EDGE_MARGIN_MS, ONSET_MAX_MS


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


def _pydub_trimmed(wav: bytes) -> bytes:
    """The trim as pydub's own silence search and slices make it (the reference)."""
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

    from briefing.audio.trim import ONSET_FLOOR_DBFS, SILENCE_THRESHOLD_DBFS

    audio = AudioSegment.from_file(io.BytesIO(wav), format="wav")
    audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)

    def soft(edge: int, step: int) -> int:
        found = edge
        for k in range(ONSET_MAX_MS // 10):
            lo = edge - (k + 1) * 10 if step < 0 else edge + k * 10
            if lo < 0 or lo + 10 > len(audio):
                break
            if audio[lo : lo + 10].dBFS > ONSET_FLOOR_DBFS:
                found = lo if step < 0 else lo + 10
        return found

    start = detect_leading_silence(audio, silence_threshold=SILENCE_THRESHOLD_DBFS)
    end = len(audio) - detect_leading_silence(audio.reverse(),
                                              silence_threshold=SILENCE_THRESHOLD_DBFS)
    raw = audio.raw_data
    if end <= start:
        return bytes(raw)
    start, end = soft(start, -1), soft(end, +1)
    first = max(0, round((start - EDGE_MARGIN_MS) * SAMPLE_RATE / 1000))
    last = min(len(raw) // 2, round((end + EDGE_MARGIN_MS) * SAMPLE_RATE / 1000))
    return bytes(raw[2 * first : 2 * last])


def _random_segment(rng: random.Random) -> list[int]:
    """Silence, soft noise, loud sound and gaps in random lengths (any sample count, so the
    last 10 ms slice is often partial), as an engine's segment may be."""
    samples: list[int] = [0] * rng.randrange(0, _samples(400))
    for _ in range(rng.randrange(0, 5)):
        kind = rng.choice(["silence", "soft", "loud", "hiss"])
        ms = rng.uniform(1, 250)
        if kind == "silence":
            samples += [0] * _samples(ms)
        elif kind == "soft":
            samples += _noise(ms, rng.uniform(-70, -48), rng.randrange(10**6))
        elif kind == "hiss":
            samples += [rng.choice([-1, 0, 1]) for _ in range(_samples(ms))]
        else:
            samples += _vowel(ms, rng.uniform(-30, -6))
    return samples + [0] * rng.randrange(0, _samples(400))


def test_the_trim_is_pydubs_to_the_sample() -> None:
    """The edge search (written with numpy for speed) keeps exactly what pydub's
    ``detect_leading_silence`` and 10 ms slices keep, on signals of every shape and length."""
    rng = random.Random(17)
    for _ in range(300):
        wav = _wav(_random_segment(rng))
        assert trimmed_pcm(wav) == _pydub_trimmed(wav)


def test_a_wav_of_another_format_is_converted_then_trimmed_as_pydub_does() -> None:
    """A stereo 8-bit 16 kHz WAV goes through pydub's conversion, then the same search."""
    rng = random.Random(5)
    for _ in range(20):
        mono = _random_segment(rng)
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(1)
            w.setframerate(16000)
            w.writeframes(bytes(128 + (s >> 8) for s in mono for _ in range(2)))
        assert trimmed_pcm(buf.getvalue()) == _pydub_trimmed(buf.getvalue())
