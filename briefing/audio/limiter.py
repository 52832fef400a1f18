"""The look-ahead true-peak limiter, computed and applied block by block.

Hand-written (numpy) because it must be deterministic, sample-exact and bounded in memory on a
chapter of any length.  Its gain is decided on ~1 ms knots: where a knot's true peak times the
make-up gain would exceed the ceiling, the gain falls over :data:`LIMITER_RAMP_MS` before the
peak along an S-shaped curve, is held for :data:`LIMITER_HOLD_MS` (bridging the peaks of
successive pitch periods, so the gain does not modulate at the voice's pitch) and rises again
over :data:`LIMITER_RAMP_MS`; between knots it is interpolated linearly.

The gain at a knot boundary depends only on the true peaks of the knots within a fixed reach
around it (:attr:`Shape.before`, :attr:`Shape.after`), so any range of boundaries is computed
from the peaks of that range widened by the reach, with the same result as over the whole
chapter.  The knots' peaks and energies live in a :class:`KnotStore` (an unlinked temporary
file), read back one block at a time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from briefing.audio.meter import STEP_S, Float, Grid, Int16

LIMITER_RAMP_MS = 6.0
"""Duration of the limiter's S-shaped fall before a peak, and of its rise after the hold."""

LIMITER_HOLD_MS = 20.0
"""How long the limiter keeps its gain down after a peak (longer than a pitch period)."""


def sliding_min(values: Float, width: int) -> Float:
    """``out[i] = min(values[i : i + width])``, by doubling spans."""
    out, span = values, 1
    while 2 * span <= width:
        out = np.minimum(out[:-span], out[span:])
        span *= 2
    if span < width:
        out = np.minimum(out[: span - width], out[width - span :])
    return out


def moving_sum(values: Float, width: int) -> Float:
    """``out[i] = sum(values[i : i + width])``, summed in order (the same bits wherever the
    window lies, unlike a running total)."""
    out = values[: values.size - width + 1].copy()
    for offset in range(1, width):
        out += values[offset : values.size - width + 1 + offset]
    return out


@dataclass(frozen=True)
class Shape:
    """The limiter's time constants in knots."""

    ramp: int
    hold: int

    @staticmethod
    def of(grid: Grid) -> Shape:
        knot_ms = 1000.0 * grid.knot / (grid.step / STEP_S)
        return Shape(max(2, round(LIMITER_RAMP_MS / knot_ms)),
                     max(1, round(LIMITER_HOLD_MS / knot_ms)))

    @property
    def before(self) -> int:
        """Knots before a boundary whose peaks its gain depends on."""
        return self.hold + self.ramp + 2

    @property
    def after(self) -> int:
        """Knots from a boundary on whose peaks its gain depends on (the look-ahead)."""
        return self.ramp + 2

    def gains(self, need: Float) -> Float:
        """Gains at the boundaries of knots ``before .. len(need) - after``, from the gain each
        knot of ``need`` needs (1.0 outside the chapter).

        Guarantees, for each knot, a gain no higher than it needs on both its ends and on the
        knots before and after it.
        """
        ramp, hold = self.ramp, self.hold
        boundary = sliding_min(need, 4)  # boundary k joins knots k-1 and k: knots k-2 .. k+1
        # hold: from `hold` boundaries before to `ramp` after; then the S-shaped ramp looks back
        held = sliding_min(boundary, hold + ramp + 1)
        reduction = 1.0 - held
        first = ramp // 2 + 1
        second = ramp + 2 - first
        smooth = moving_sum(moving_sum(reduction, first), second) / (first * second)
        gains: Float = 1.0 - smooth
        return np.minimum(gains[: need.size - self.before - self.after + 1], 1.0)


class KnotStore:
    """Each knot's true peak and K-weighted energy, written once and read back by range."""

    def __init__(self) -> None:
        # unlinked at once, so nothing is left behind even when the process is killed
        self._peaks: BinaryIO = tempfile.TemporaryFile(prefix="briefing-peaks-")  # noqa: SIM115
        self._energies: BinaryIO = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="briefing-energy-")
        self.knots = 0
        """Knots with a peak."""
        self.energy_knots = 0
        """Knots with an energy (those of whole 100 ms steps)."""

    def close(self) -> None:
        self._peaks.close()
        self._energies.close()

    def append(self, peaks: Float, energies: Float) -> None:
        self._peaks.seek(0, 2)
        peaks.astype(np.float32).tofile(self._peaks)
        self._energies.seek(0, 2)
        energies.astype(np.float32).tofile(self._energies)
        self.knots += peaks.size
        self.energy_knots += energies.size

    @staticmethod
    def _read(file: BinaryIO, start: int, stop: int) -> Float:
        file.seek(4 * start)
        return np.fromfile(file, dtype=np.float32, count=stop - start).astype(np.float64)

    def peaks(self, start: int, stop: int) -> Float:
        """Peaks of knots ``start .. stop``, 0.0 outside the chapter."""
        out = np.zeros(stop - start)
        lo, hi = max(start, 0), min(stop, self.knots)
        if lo < hi:
            out[lo - start : hi - start] = self._read(self._peaks, lo, hi)
        return out

    def energies(self, start: int, stop: int) -> Float:
        return self._read(self._energies, start, min(stop, self.energy_knots))


@dataclass(frozen=True)
class Limiter:
    """The limiter's knot gains at one make-up gain and ceiling, for any range of knots."""

    store: KnotStore
    shape: Shape
    gain: float
    ceiling: float

    def knots(self, start: int, stop: int) -> Float | None:
        """Gains at the boundaries of knots ``start .. stop`` (``stop - start + 1`` values), or
        ``None`` when they are all 1.0."""
        shape = self.shape
        peaks = self.store.peaks(start - shape.before, stop + 1 + shape.after - 1)
        level = peaks * self.gain
        if not (level > self.ceiling).any():
            return None
        need = np.minimum(1.0, self.ceiling / np.maximum(level, 1e-12))
        return shape.gains(need)

    def blocks(self, knots_per_block: int) -> Iterator[tuple[int, int, Float | None]]:
        """``(start, stop, knot gains)`` for consecutive ranges of knots covering the chapter."""
        for start in range(0, self.store.knots, knots_per_block):
            stop = min(start + knots_per_block, self.store.knots)
            yield start, stop, self.knots(start, stop)


def apply(x: Int16, gain: float, knots: Float | None, knot: int) -> Int16:
    """``x`` times ``gain`` and the knot gains (linear between knots), rounded to 16 bits."""
    if knots is None:
        scaled = x * gain
    else:
        frames = knots.size - 1
        padded = np.zeros(frames * knot, dtype=np.int16)
        padded[: len(x)] = x
        grid = padded.reshape(frames, knot) * gain
        left, right = knots[:-1], knots[1:]
        active = np.flatnonzero(np.minimum(left, right) < 1.0)
        ramp = left[active, None] + (right - left)[active, None] * (np.arange(knot) / knot)
        grid[active] *= ramp
        scaled = grid.reshape(-1)[: len(x)]
    np.rint(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)
    return scaled.astype(np.int16)
