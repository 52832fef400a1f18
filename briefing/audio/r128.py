"""The EBU R 128 figures a broadcast WAV's ``bext`` chunk carries, measured as the audio streams.

A BWF of version 2 (EBU Tech 3285 v2) states its integrated loudness, loudness range, maximum
true peak and maximum momentary and short-term loudness.  They are measured here on the very
blocks written to the file, with the BS.1770 meter of :mod:`briefing.audio.meter` (the one the
normaliser uses), so no second pass over a long file is needed:

* momentary loudness: 400 ms windows (4 steps of 100 ms), short-term: 3 s windows (30 steps),
  both every 100 ms, ungated (EBU Tech 3341);
* loudness range (EBU Tech 3342): the short-term values above the absolute gate (−70 LUFS) and
  above the relative gate (20 LU below their power mean); the range from their 10th to their
  95th percentile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from briefing.audio.meter import (
    ABSOLUTE_GATE_LUFS,
    LUFS_OFFSET,
    TP_AFTER,
    TP_BEFORE,
    Float,
    Grid,
    Int16,
    KWeighting,
    dbtp,
    integrated_lufs,
    knot_peaks,
    step_energies,
)

MOMENTARY_STEPS = 4
SHORT_TERM_STEPS = 30
LRA_RELATIVE_GATE_LU = 20.0
LRA_LOW_PERCENTILE = 10.0
LRA_HIGH_PERCENTILE = 95.0


@dataclass(frozen=True)
class R128Stats:
    """What EBU Tech 3285 v2 puts in ``bext`` (``-inf``, or ``nan`` for the range, where the
    audio is silent)."""

    integrated_lufs: float
    range_lu: float
    true_peak_dbtp: float
    max_momentary_lufs: float
    max_short_term_lufs: float


def _window_lufs(steps: Float, width: int, grid: Grid) -> Float:
    """The loudness of every window of ``width`` steps, one per step (``-inf`` when silent)."""
    if steps.size < width:
        return np.zeros(0)
    sums = np.convolve(steps, np.ones(width), mode="valid") / (width * grid.step)
    with np.errstate(divide="ignore"):
        values: Float = LUFS_OFFSET + 10 * np.log10(sums)
    return values


def loudness_range(short_term: Float) -> float:
    """EBU Tech 3342 loudness range (LU) of the short-term loudness values (``nan`` when none
    passes the absolute gate: silence, or less than 3 s)."""
    gated = short_term[short_term > ABSOLUTE_GATE_LUFS]
    if gated.size == 0:
        return math.nan
    mean_power = float(np.mean(10 ** (gated / 10)))
    relative = 10 * math.log10(mean_power) - LRA_RELATIVE_GATE_LU
    gated = gated[gated > relative]
    low, high = np.percentile(gated, [LRA_LOW_PERCENTILE, LRA_HIGH_PERCENTILE])
    return float(high - low)


def _max(values: Float) -> float:
    return float(values.max()) if values.size else -math.inf


class R128Meter:
    """Feed it a stream's 16-bit blocks (each but the last whole 100 ms steps), then read
    :meth:`stats`."""

    def __init__(self, sample_rate: int) -> None:
        self.grid = Grid.of(sample_rate)
        self._weighting = KWeighting(sample_rate)
        self._steps: list[Float] = []
        self._peak = 0.0
        self._before = np.zeros(TP_BEFORE, dtype=np.int16)
        self._previous: Int16 | None = None

    def feed(self, block: Int16) -> None:
        self._steps.append(step_energies(self._weighting.knot_energies(block), self.grid))
        if self._previous is not None:
            self._peak_of(self._previous, block[:TP_AFTER])
            self._before = self._previous[-TP_BEFORE:]
        self._previous = block

    def _peak_of(self, x: Int16, after: Int16) -> None:
        peaks = knot_peaks(self._before, x, after, self.grid.knot)
        self._peak = max(self._peak, float(peaks.max(initial=0.0)))

    def stats(self) -> R128Stats:
        """The figures of everything fed so far (call once, at the end)."""
        if self._previous is not None:
            self._peak_of(self._previous, np.zeros(0, dtype=np.int16))
            self._previous = None
        steps = np.concatenate(self._steps) if self._steps else np.zeros(0)
        short_term = _window_lufs(steps, SHORT_TERM_STEPS, self.grid)
        return R128Stats(integrated_lufs(steps, self.grid), loudness_range(short_term),
                         dbtp(self._peak), _max(_window_lufs(steps, MOMENTARY_STEPS, self.grid)),
                         _max(short_term))
