"""Loudness normalisation: each chapter to a target loudness, with a true-peak limiter.

Every chapter is normalised on its own, as raw mono 16-bit PCM before it is encoded, so each
chapter MP3 is on target and so is the full briefing made of them (the integrated loudness of a
concatenation of on-target parts is on target too).

The chapter is never held whole: it is a *source*, a function that yields its PCM afresh in
pieces, read in blocks of :data:`BLOCK_STEPS` 100 ms steps.

1. Measurement (:mod:`briefing.audio.meter`, ITU-R BS.1770-4): one pass over the blocks keeps the
   K-weighted energy of every 100 ms step (for gating) and, in a temporary file, the energy and
   true peak of every ~1 ms knot (for the limiter).
2. A gain brings the integrated loudness to the target; where that would push the true peak
   over a ceiling (the target's true-peak limit less :data:`PCM_PEAK_MARGIN_DB`, room for the
   overshoot MP3 encoding adds), the look-ahead limiter (:mod:`briefing.audio.limiter`) lowers the
   gain smoothly around the peak.  Limiting lowers the loudness a little, so the make-up gain is
   searched, on the stored knots alone, until the limited result is on target.
3. A second pass over the blocks applies the gain and the limiter, block by block, and hands
   the blocks on (to the encoder) while their true peak is measured again; should it still be
   above the ceiling, the chapter is limited harder and handed on again.

Everything is deterministic: the same PCM gives the same bytes on the same platform, whatever
the blocks' sizes.

Loudness is set on the PCM.  Its MP3 (LAME at 22.05 kHz, decoded by ffmpeg) reads about 0.45 LU
quieter on speech: the round trip scales the signal by about 0.95.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np

from briefing.audio.limiter import KnotStore, Limiter, Shape, apply
from briefing.audio.meter import (
    TP_AFTER,
    TP_BEFORE,
    Float,
    Grid,
    Int16,
    KWeighting,
    dbtp,
    framed,
    integer_blocks,
    integrated_lufs,
    knot_peaks,
    step_energies,
)
from briefing.audio.versions import LOUDNESS_VERSION

__all__ = ["LOUDNESS_VERSION", "Loudness", "LoudnessTarget", "analyse_knots", "apply_passes",
           "check_pcm", "measure", "normalize", "normalized", "peak_ceiling", "search_gain",
           "single_threaded_blas"]


T = TypeVar("T")

Source = Callable[[], Iterable[bytes]]
"""Yields a chapter's mono 16-bit PCM in pieces of any (even) size, the same each call."""

BLOCK_STEPS = 300
"""Steps of 100 ms per block (30 s): the most audio held as samples at once."""

PCM_PEAK_MARGIN_DB = 1.0
"""The PCM is limited this far below the target's true-peak limit: MP3 encoding overshoots."""

MAX_LIMITING_MAKEUP_DB = 12.0
"""Most gain added on top of the plain loudness gain to make up for what limiting takes."""

_SEARCH_TOLERANCE_LU = 0.03
_SEARCH_STEPS = 12
_PEAK_ATTEMPTS = 4
_PEAK_SLACK = 10 ** (0.02 / 20)
"""A peak this close above the ceiling is rounding, not a miss."""


@dataclass(frozen=True)
class LoudnessTarget:
    """What :func:`normalize` aims at."""

    integrated_lufs: float = -16.0
    """Integrated loudness (LUFS): -16 for podcasts and the web, -23 for EBU R 128 broadcast."""

    true_peak_dbtp: float = -1.0
    """Highest true peak allowed in the encoded MP3 (dBTP)."""

    def __post_init__(self) -> None:
        if not -60.0 <= self.integrated_lufs <= -5.0:
            raise ValueError(f"target loudness must be in -60..-5 LUFS, not {self.integrated_lufs}")
        if not -20.0 <= self.true_peak_dbtp <= 0.0:
            raise ValueError(f"true-peak limit must be in -20..0 dBTP, not {self.true_peak_dbtp}")


@dataclass(frozen=True)
class Loudness:
    """A measurement of mono 16-bit PCM."""

    integrated_lufs: float
    """Gated integrated loudness (LUFS); ``-inf`` when no 400 ms block passes the gates (silence,
    or less than 400 ms of audio)."""

    true_peak_dbtp: float
    """True peak (dBTP), 4x oversampled; ``-inf`` for digital silence."""


def measure(pcm: bytes, sample_rate: int) -> Loudness:
    """Integrated loudness and true peak of mono 16-bit little-endian PCM.

    Raises :class:`ValueError` for PCM of odd length or a sample rate below 8000 Hz.
    """
    check_pcm(pcm, sample_rate)
    grid = Grid.of(sample_rate)
    with single_threaded_blas():
        steps, peak = analyse_knots(lambda: (pcm,), sample_rate, None)
    return Loudness(integrated_lufs(steps, grid), dbtp(peak))


def measure_stream(source: Source, sample_rate: int) -> Loudness:
    """:func:`measure` of the PCM ``source()`` yields, block by block (any length)."""
    check_pcm(b"", sample_rate)
    with single_threaded_blas():
        steps, peak = analyse_knots(source, sample_rate, None)
    return Loudness(integrated_lufs(steps, Grid.of(sample_rate)), dbtp(peak))


def normalize(pcm: bytes, sample_rate: int, target: LoudnessTarget | None = None) -> bytes:
    """Mono 16-bit PCM brought to ``target`` (default :class:`LoudnessTarget`), same length.

    PCM with no gated loudness (silence, or less than 400 ms) is returned unchanged.  Raises
    :class:`ValueError` for PCM of odd length or a sample rate below 8000 Hz.
    """
    check_pcm(pcm, sample_rate)
    return normalized(lambda: (pcm,), sample_rate, target or LoudnessTarget(), b"".join)


@contextlib.contextmanager
def _measured(source: Source, sample_rate: int) -> Iterator[tuple[Grid, KnotStore, float]]:
    """One pass over ``source``: its grid, its limiter's knots (in a store closed on exit) and
    its integrated loudness (LUFS; not finite when nothing is above the gate)."""
    check_pcm(b"", sample_rate)
    grid = Grid.of(sample_rate)
    store = KnotStore()
    try:
        with single_threaded_blas():
            steps, _ = analyse_knots(source, sample_rate, store)
            yield grid, store, integrated_lufs(steps, grid)
    finally:
        store.close()


def normalized(source: Source, sample_rate: int, target: LoudnessTarget,
               consume: Callable[[Iterator[bytes]], T]) -> T:
    """``consume`` applied to the normalised PCM of ``source``, block by block.

    ``consume`` may be called more than once (each time on the whole chapter afresh): only the
    result of the last call counts.  PCM with no gated loudness is passed on unchanged.  Raises
    :class:`ValueError` for PCM of odd length or a sample rate below 8000 Hz, and
    :class:`OSError` when the temporary file for the limiter cannot be written.
    """
    with _measured(source, sample_rate) as (grid, store, loudness):
        if not math.isfinite(loudness):
            return consume(iter(source()))
        return apply_passes(source, grid, store, target, target.integrated_lufs - loudness,
                            consume, search=True)


def peak_ceiling(target: LoudnessTarget) -> float:
    """The linear true-peak ceiling the PCM is limited to (:data:`PCM_PEAK_MARGIN_DB` below
    the target's limit)."""
    return float(10 ** ((target.true_peak_dbtp - PCM_PEAK_MARGIN_DB) / 20))


def apply_passes(source: Source, grid: Grid, store: KnotStore, target: LoudnessTarget,
                 gain_db: float, consume: Callable[[Iterator[bytes]], T], search: bool) -> T:
    """The apply passes: gain and limiter, again with a lower ceiling while the true peak is
    over it; with ``search``, the make-up gain is searched again for each ceiling."""
    shape = Shape.of(grid)
    ceiling = peak_ceiling(target)
    for _ in range(_PEAK_ATTEMPTS):
        if search:
            gain_db = search_gain(store, grid, shape, gain_db, target.integrated_lufs, ceiling)
        limiter = Limiter(store, shape, 10 ** (gain_db / 20), ceiling)
        watch = _PeakWatch(grid.knot, ceiling * _PEAK_SLACK)
        result = consume(_apply_pass(source, grid, limiter, limiter.gain, watch))
        if watch.peak <= ceiling * _PEAK_SLACK:
            return result
        ceiling *= ceiling / watch.peak  # the gain moved between knots too fast
    # never seen; a last resort that cannot miss
    gain = limiter.gain * ceiling / watch.peak / _PEAK_SLACK
    return consume(_apply_pass(source, grid, limiter, gain, None))


def single_threaded_blas() -> contextlib.AbstractContextManager[object]:
    """numpy's BLAS on one thread meanwhile, where threadpoolctl is installed.

    The matrix products here are small: more BLAS threads only spin, and when the cores are
    busy (a build synthesising in parallel) they make it several times slower.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return cast("contextlib.AbstractContextManager[object]",
                controller.limit(limits=1, user_api="blas"))


def prime_blas() -> None:
    """Load threadpoolctl and scan this process's thread pools now (about 7 ms, once a
    process), e.g. in a worker that would otherwise sit idle, rather than in its first
    chapter."""
    _blas_controller()


@functools.cache
def _blas_controller() -> Any:
    """threadpoolctl's view of this process's thread pools, made once (making one scans the
    loaded libraries: a third of a millisecond, for every chapter and unit); ``None`` without
    threadpoolctl."""
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:
        return None
    return threadpoolctl.ThreadpoolController()


def check_pcm(pcm: bytes, sample_rate: int) -> None:
    """:class:`ValueError` for PCM of odd length or a sample rate below 8000 Hz."""
    if len(pcm) % 2:
        raise ValueError(f"16-bit PCM must have an even length, not {len(pcm)} bytes")
    if sample_rate < 8000:
        raise ValueError(f"sample rate must be at least 8000 Hz, not {sample_rate}")


def _blocks(source: Source, grid: Grid) -> Iterator[Int16]:
    return integer_blocks(source(), BLOCK_STEPS * grid.step)


def analyse_knots(source: Source, sample_rate: int,
                  store: KnotStore | None) -> tuple[Float, float]:
    """Energy per 100 ms step and the true peak; each knot's peak and energy into ``store``."""
    grid = Grid.of(sample_rate)
    weighting = KWeighting(sample_rate)
    steps: list[Float] = []
    peak = 0.0
    for before, x, after in framed(_blocks(source, grid)):
        energies = weighting.knot_energies(x)
        peaks = knot_peaks(before, x, after, grid.knot)
        steps.append(step_energies(energies, grid))
        peak = max(peak, float(peaks.max(initial=0.0)))
        if store is not None:
            store.append(peaks, energies)
    return (np.concatenate(steps) if steps else np.zeros(0)), peak


def _loudness_at(store: KnotStore, grid: Grid, shape: Shape, gain: float,
                 ceiling: float) -> float:
    """Estimated integrated loudness after ``gain`` and the limiter.

    Approximates the K-weighted output by the K-weighted input times the (slowly moving)
    gain; the gain goes in before gating, as the absolute gate is not relative.
    """
    limiter = Limiter(store, shape, gain, ceiling)
    steps: list[Float] = []
    for start, stop, knots in limiter.blocks(BLOCK_STEPS * grid.knots_per_step):
        energies = store.energies(start, stop)
        if knots is None:
            squares = np.full(energies.size, gain * gain)
        else:
            left, right = knots[:-1], knots[1:]
            squares = (left * left + left * right + right * right) * (gain * gain / 3.0)
        steps.append(step_energies(energies * squares[: energies.size], grid))
    return integrated_lufs(np.concatenate(steps) if steps else np.zeros(0), grid)


def search_gain(store: KnotStore, grid: Grid, shape: Shape, start_db: float,
                target_lufs: float, ceiling: float) -> float:
    """Make-up gain (dB) whose limited result is nearest ``target_lufs``.

    Secant steps on the gain, kept inside the bracket once the target is bracketed: the limited
    loudness rises with the gain, never faster than the gain.
    """

    def evaluate(db: float) -> float:
        return _loudness_at(store, grid, shape, 10 ** (db / 20), ceiling)

    lufs = evaluate(start_db)
    if lufs >= target_lufs - _SEARCH_TOLERANCE_LU:
        return start_db
    best = (abs(lufs - target_lufs), start_db)
    low, high = (start_db, lufs), None
    limit_db = start_db + MAX_LIMITING_MAKEUP_DB
    previous = (start_db, lufs)
    db = start_db + (target_lufs - lufs)
    for _ in range(_SEARCH_STEPS):
        if high is None:
            db = min(db, limit_db)
        elif not low[0] < db < high[0]:
            db = (low[0] + high[0]) / 2
        lufs = evaluate(db)
        miss = abs(lufs - target_lufs)
        if miss < best[0]:
            best = (miss, db)
        if miss <= _SEARCH_TOLERANCE_LU:
            break
        if lufs < target_lufs:
            if db >= limit_db:
                break
            low = (db, lufs)
        else:
            high = (db, lufs)
        slope = (lufs - previous[1]) / (db - previous[0]) if db != previous[0] else 0.0
        previous = (db, lufs)
        db += (target_lufs - lufs) / min(1.0, max(slope, 0.05))
    return best[1]


class _PeakWatch:
    """The true peak of a stream of blocks, exact wherever it exceeds ``threshold``."""

    def __init__(self, knot: int, threshold: float) -> None:
        self.knot = knot
        self.threshold = threshold
        self.peak = 0.0
        self._before = np.zeros(TP_BEFORE, dtype=np.int16)
        self._previous: Int16 | None = None

    def feed(self, block: Int16) -> None:
        if self._previous is not None:
            self._measure(self._previous, block[:TP_AFTER])
            self._before = self._previous[-TP_BEFORE:]
        self._previous = block

    def finish(self) -> None:
        if self._previous is not None:
            self._measure(self._previous, np.zeros(0, dtype=np.int16))
            self._previous = None

    def _measure(self, x: Int16, after: Int16) -> None:
        peaks = knot_peaks(self._before, x, after, self.knot, self.threshold)
        self.peak = max(self.peak, float(peaks.max(initial=0.0)))


def _apply_pass(source: Source, grid: Grid, limiter: Limiter, gain: float,
                watch: _PeakWatch | None) -> Iterator[bytes]:
    """The normalised blocks of ``source``: times ``gain`` and the limiter's knot gains."""
    ranges = limiter.blocks(BLOCK_STEPS * grid.knots_per_step)
    for x in _blocks(source, grid):
        _, _, knots = next(ranges)
        out = apply(x, gain, knots, grid.knot)
        if watch is not None:
            watch.feed(out)
        yield out.astype("<i2").tobytes()
    if watch is not None:
        watch.finish()
