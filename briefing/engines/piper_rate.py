"""Piper's speaking rate: words per minute turned into Piper's ``length_scale``.

Piper has no rate, only ``length_scale`` (a factor on every predicted phoneme duration).  The
joe voice's natural rate, at its own length scale 1.0, is :data:`REFERENCE_WPM` (167,
measured); ``REFERENCE_WPM / rate`` is only a first approximation, because speech does not
stretch in proportion (at 0.5 joe is 1.56x, not 2x, as fast; probably as every phoneme lasts
whole 11.6 ms frames).  So a rate is turned into a length scale through the measured curve
:data:`RATE_CURVE` (interpolated, log-log), and proportionally beyond its ends.  Other voices
are assumed to follow joe's curve relative to their own length scale (a fair guess for Piper
voices trained on read speech).
"""

from __future__ import annotations

import itertools
import math

RATE_CURVE: tuple[tuple[float, float], ...] = (
    (0.3, 326.2),
    (0.4, 288.7),
    (0.5, 261.2),
    (0.6, 244.9),
    (0.7, 215.2),
    (0.8, 189.8),
    (0.9, 174.5),
    (1.0, 166.9),
    (1.1, 159.7),
    (1.25, 144.4),
    (1.6, 115.9),
    (2.0, 95.6),
)
"""(length_scale, words per minute) of the joe voice, measured with piper-tts 1.8.0.

The corpus: the benchmark seed, the three articles in ``articles/`` and the three in
``tests/data``, 55 sentences synthesised one per segment as a build does; words are the
whitespace-separated words of the text sent to the engine (``briefing.speech.spoken.spoken_text``,
numbers spelt out: 1005 words), over the summed segment durations after the assembler's
edge-silence trimming (-50 dBFS, 20 ms margins).  Without trimming the rates are 2-3 % lower.
Repeated runs at 1.0 agreed within 0.2 % (measured while piper's noise was still random;
it is a fixed draw now, :mod:`briefing.engines.piper_seed`).  The
whole curve was first measured on the text before numbers were spelt out (963 words), then
scaled by the ratio measured again at 0.6, 1.0 and 2.0 (1.048-1.050).  Per article the pace
varies by about ±12 % (names and long words are slower); the curve is for the average.
Bump :data:`RATE_MAPPING` whenever this changes.
"""

REFERENCE_WPM = 166.9
"""The joe voice's natural rate: words per minute at its own length scale (1.0)."""

RATE_MAPPING = 1
"""Version of the rate → length-scale mapping; part of :attr:`PiperEngine.version`."""

_SLOWEST_SCALE, _FASTEST_SCALE = 4.0, 0.2
"""length_scale is clamped to this range (about 48 to 490 wpm for joe)."""


def length_scale_for(rate: float, voice_scale: float = 1.0) -> float:
    """The ``length_scale`` that makes a voice speak ``rate`` words per minute.

    ``voice_scale`` is the voice's own length scale (its config's ``inference.length_scale``).
    """
    if rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    curve = RATE_CURVE
    (fast_scale, fast_wpm), (slow_scale, slow_wpm) = curve[0], curve[-1]
    if rate >= fast_wpm:
        scale = fast_scale * fast_wpm / rate
    elif rate <= slow_wpm:
        scale = slow_scale * slow_wpm / rate
    else:
        for (s0, w0), (s1, w1) in itertools.pairwise(curve):
            if w1 <= rate <= w0:
                t = math.log(w0 / rate) / math.log(w0 / w1)
                scale = math.exp(math.log(s0) + t * math.log(s1 / s0))
                break
        else:  # unreachable: the curve decreases monotonically
            scale = REFERENCE_WPM / rate
    return min(max(scale * voice_scale, _FASTEST_SCALE), _SLOWEST_SCALE)
