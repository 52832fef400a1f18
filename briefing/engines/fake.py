"""A fast, deterministic engine for tests.

Each word lasts exactly ``60000 / rate`` milliseconds (rounded to whole samples once for the
whole segment), so chapter timings in tests are exact.  The signal is a tone whose pitch depends
on the word, so segments are not silent and loudness can be measured.  It has two voices:
``fake`` (the default) and ``fake-high``, whose tones are an octave up, so a test can tell from
the audio which voice read a chapter.
"""

from __future__ import annotations

import math
import zlib

from briefing.engines.base import Engine, VoiceInfo, VoiceSettings, wav_bytes
from briefing.errors import EngineError

_AMPLITUDE = 6000
HIGH_VOICE = "fake-high"
"""The second voice: the same timing, every tone an octave higher."""


def fake_duration_ms(text: str, rate: int) -> float:
    """The exact duration in milliseconds the fake engine produces for ``text`` at ``rate``."""
    return len(text.split()) * 60000.0 / rate


def _tone(freq: int, sample_rate: int, count: int) -> bytes:
    """``count`` samples of a sine tone, built by repeating one period (fast, deterministic)."""
    period = max(2, sample_rate // freq)
    cycle = b"".join(
        int(_AMPLITUDE * math.sin(2 * math.pi * i / period)).to_bytes(2, "little", signed=True)
        for i in range(period)
    )
    return (cycle * (count // period + 1))[: count * 2]


class FakeEngine(Engine):
    """Deterministic stand-in for a speech engine."""

    name = "fake"
    sample_rate = 22050

    @property
    def version(self) -> str:
        return "1"

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        words = text.split()
        if not words:
            raise EngineError("nothing to speak: the text is empty")
        if settings.rate <= 0:
            raise EngineError(f"rate must be positive, not {settings.rate}")
        per_word = self.sample_rate * 60.0 / settings.rate
        octave = 2 if settings.voice == HIGH_VOICE else 1
        frames = bytearray()
        for k, word in enumerate(words):
            count = round((k + 1) * per_word) - round(k * per_word)
            freq = octave * (150 + zlib.crc32(word.encode("utf-8")) % 200)
            frames += _tone(freq, self.sample_rate, count)
        return wav_bytes(bytes(frames), self.sample_rate)

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(id="fake", name="Fake test voice", languages=("en",)),
                VoiceInfo(id=HIGH_VOICE, name="Fake test voice, an octave up",
                          languages=("en",))]
