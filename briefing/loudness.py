"""Loudness normalisation: each chapter to a target loudness, with a true-peak limiter.

Every chapter is normalised on its own, as raw mono 16-bit PCM before it is encoded, so each
chapter MP3 is on target and so is the full briefing made of them (the integrated loudness of a
concatenation of on-target parts is on target too).

Measurement (ITU-R BS.1770-4, EBU R 128)
    K-weighting (the standard's shelving and high-pass filters, derived for the actual sample
    rate), mean square over 400 ms blocks every 100 ms, an absolute gate at -70 LUFS and a
    relative gate 10 LU below the loudness of the blocks above it.  True peak: 4x oversampling
    with the 48-tap interpolation filter of Annex 2.  Only numpy is needed; the IIR filter runs
    on 100 ms chunks side by side (one vectorised step per sample of a chunk), each chunk started
    from the exact filter state at its start.

Normalisation
    A gain brings the integrated loudness to the target; where that would push the true peak
    over a ceiling (the target's true-peak limit less :data:`PCM_PEAK_MARGIN_DB`, room for the
    overshoot MP3 encoding adds), a look-ahead limiter lowers the gain smoothly around the peak:
    its gain falls over :data:`LIMITER_RAMP_MS` before the peak along an S-shaped curve, is held
    for :data:`LIMITER_HOLD_MS` (bridging the peaks of successive pitch periods, so the gain
    does not modulate at the voice's pitch) and rises again over :data:`LIMITER_RAMP_MS`.  The
    gain is decided on 1 ms knots and interpolated linearly between them.  Limiting lowers the
    loudness a little, so the make-up gain is searched until the limited result is on target.
    The result is checked: its true peak is measured again, and limited harder should it still
    be above the ceiling.

Everything is deterministic: the same PCM gives the same bytes on the same platform.

Loudness is set on the PCM.  Its MP3 (LAME at 22.05 kHz, decoded by ffmpeg) reads about 0.45 LU
quieter on speech: the round trip scales the signal by about 0.95.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
from dataclasses import dataclass
from typing import TypeAlias, cast

import numpy as np
import numpy.typing as npt

from briefing.versions import LOUDNESS_VERSION

__all__ = ["LOUDNESS_VERSION", "Loudness", "LoudnessTarget", "measure", "normalize"]

PCM_PEAK_MARGIN_DB = 1.0
"""The PCM is limited this far below the target's true-peak limit: MP3 encoding overshoots."""

LIMITER_RAMP_MS = 6.0
"""Duration of the limiter's S-shaped fall before a peak, and of its rise after the hold."""

LIMITER_HOLD_MS = 20.0
"""How long the limiter keeps its gain down after a peak (longer than a pitch period)."""

MAX_LIMITING_MAKEUP_DB = 12.0
"""Most gain added on top of the plain loudness gain to make up for what limiting takes."""

_Float: TypeAlias = npt.NDArray[np.float64]
_Int16: TypeAlias = npt.NDArray[np.int16]

_STEP_S = 0.1
"""Step between gating blocks; a block is four steps (400 ms)."""
_STEPS_PER_BLOCK = 4
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = 10.0
_LUFS_OFFSET = -0.691
_FULL_SCALE = 32768.0
_SEARCH_TOLERANCE_LU = 0.03
_SEARCH_STEPS = 12
_PEAK_ATTEMPTS = 4
_PEAK_SLACK = 10 ** (0.02 / 20)
"""A peak this close above the ceiling is rounding, not a miss."""

# ITU-R BS.1770-4 Annex 2: the 48-tap 4x interpolation filter, as its four 12-tap phases.
# The prototype is symmetric, so phases 2 and 3 are phases 1 and 0 reversed.
_TP_PHASE_0 = (
    0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000,
    -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
    0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500,
)
_TP_PHASE_1 = (
    -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250,
    -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
    0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375,
)
_TP_PHASES = (_TP_PHASE_0, _TP_PHASE_1, _TP_PHASE_1[::-1], _TP_PHASE_0[::-1])
_TP_TAPS = 12
_TP_BEFORE = 5
"""Phase ``p`` of the filter at output ``n + 6`` interpolates between samples ``n`` and
``n + 1`` (at ``n + (2p + 1) / 8``) from samples ``n - 5`` to ``n + 6``."""
_TP_BOUND = max(sum(abs(c) for c in phase) for phase in _TP_PHASES)
"""No interpolated value exceeds this times the largest of the 12 samples it comes from."""


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
    x = _samples(pcm, sample_rate)
    grid = _Grid.of(sample_rate)
    with _single_threaded_blas():
        lufs = _integrated_lufs(_k_weighted_energies(x, sample_rate, grid), None, grid)
        peak = _BlockPeaks(x, grid.knot).maximum()
    return Loudness(lufs, _dbtp(peak))


def normalize(pcm: bytes, sample_rate: int, target: LoudnessTarget | None = None) -> bytes:
    """Mono 16-bit PCM brought to ``target`` (default :class:`LoudnessTarget`), same length.

    PCM with no gated loudness (silence, or less than 400 ms) is returned unchanged.  Raises
    :class:`ValueError` for PCM of odd length or a sample rate below 8000 Hz.
    """
    x = _samples(pcm, sample_rate)
    with _single_threaded_blas():
        out = _normalize(x, sample_rate, target or LoudnessTarget())
    return pcm if out is None else out.astype("<i2").tobytes()


def _normalize(x: _Int16, sample_rate: int, target: LoudnessTarget) -> _Int16 | None:
    grid = _Grid.of(sample_rate)
    energies = _k_weighted_energies(x, sample_rate, grid)
    loudness = _integrated_lufs(energies, None, grid)
    if not math.isfinite(loudness):
        return None
    limiter = _Limiter(_BlockPeaks(x, grid.knot), energies, grid)
    ceiling = 10 ** ((target.true_peak_dbtp - PCM_PEAK_MARGIN_DB) / 20)
    gain_db = target.integrated_lufs - loudness
    for _ in range(_PEAK_ATTEMPTS):
        gain_db, knots = limiter.search(gain_db, target.integrated_lufs, ceiling)
        out = _apply(x, 10 ** (gain_db / 20), knots, grid.knot)
        peak = _BlockPeaks(out, grid.knot).maximum(ceiling * _PEAK_SLACK)
        if peak <= ceiling * _PEAK_SLACK:
            return out
        ceiling *= ceiling / peak  # the gain moved between knots too fast: limit harder
    # never seen; a last resort that cannot miss
    return _apply(x, 10 ** (gain_db / 20) * ceiling / peak / _PEAK_SLACK, knots, grid.knot)


def _single_threaded_blas() -> contextlib.AbstractContextManager[object]:
    """numpy's BLAS on one thread meanwhile, where threadpoolctl is installed.

    The matrix products here are small: more BLAS threads only spin, and when the cores are
    busy (a build synthesising in parallel) they make it several times slower.
    """
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:
        return contextlib.nullcontext()
    limits = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    return cast("contextlib.AbstractContextManager[object]", limits)


def _samples(pcm: bytes, sample_rate: int) -> _Int16:
    if len(pcm) % 2:
        raise ValueError(f"16-bit PCM must have an even length, not {len(pcm)} bytes")
    if sample_rate < 8000:
        raise ValueError(f"sample rate must be at least 8000 Hz, not {sample_rate}")
    return np.frombuffer(pcm, dtype="<i2").astype(np.int16)


def _dbtp(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf


@dataclass(frozen=True)
class _Grid:
    """Time grid: gating steps (100 ms) split into whole limiter knots (about 1 ms)."""

    step: int
    """Samples per gating step."""

    knot: int
    """Samples per knot: divides :attr:`step`, at least 6 (the true-peak filter's reach)."""

    @staticmethod
    @functools.cache
    def of(sample_rate: int) -> _Grid:
        step = round(sample_rate * _STEP_S)
        divisors = [d for d in range(_TP_TAPS // 2, step + 1) if step % d == 0]
        fitting = [d for d in divisors if d <= sample_rate / 1000]
        return _Grid(step, max(fitting) if fitting else min(divisors))


# --- K-weighting and gating ----------------------------------------------------------------

def _k_weighting(sample_rate: int) -> tuple[_Float, _Float]:
    """Numerator and denominator of the K-weighting filter (both stages, 4th order).

    The BS.1770 stage 1 (high shelf) and stage 2 (RLB high-pass) from their analog parameters,
    as libebur128 derives them, so that any sample rate gets the 48 kHz tables' response.
    """
    k = math.tan(math.pi * 1681.974450955533 / sample_rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0,
               (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    k = math.tan(math.pi * 38.13547087602444 / sample_rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_b = [1.0, -2.0, 1.0]
    high_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.convolve(shelf_b, high_b), np.convolve(shelf_a, high_a)


def _run_chunks(inputs: _Float, state: _Float, b: _Float, a: _Float) -> None:
    """Filter the columns of ``inputs`` in place of ``state``'s rows, all columns at once.

    ``inputs`` has 4 rows of input history then one row per sample; ``state`` has 4 rows of
    output history (the filter state), and receives the outputs in the rows after them.
    """
    forward = np.ascontiguousarray(b[::-1])
    feedback = np.ascontiguousarray(-a[:0:-1])
    columns = inputs.shape[1]
    direct = np.empty(columns)
    recursive = np.empty(columns)
    for i in range(inputs.shape[0] - 4):
        np.dot(forward, inputs[i : i + 5], out=direct)
        np.dot(feedback, state[i : i + 4], out=recursive)
        np.add(direct, recursive, out=state[i + 4])


@functools.cache
def _chunk_responses(sample_rate: int, length: int) -> tuple[_Float, _Float, _Float]:
    """How the filter's output state at the end of a ``length``-sample chunk depends on the

    chunk's samples (``(4, length)``), on the 4 input samples before it (``(4, 4)``) and on the
    output state at its start (``(4, 4)``).  State rows run from the last output back.
    """
    b, a = _k_weighting(sample_rate)
    # columns: an impulse at the chunk's start; one per input-history sample; one per state value
    inputs = np.zeros((length + 4, 9))
    state = np.zeros((length + 4, 9))
    inputs[4, 0] = 1.0
    for j in range(4):
        inputs[3 - j, 1 + j] = 1.0
        state[3 - j, 5 + j] = 1.0
    _run_chunks(inputs, state, b, a)
    end = state[length + 3 : length - 1 : -1]  # (4, 9): the outputs at the end, last first
    impulse = state[4:, 0]
    from_samples = np.empty((4, length))
    for j in range(4):  # output at length-1-j from the sample at m: impulse[length-1-j-m]
        from_samples[j, : length - j] = impulse[length - 1 - j :: -1]
        from_samples[j, length - j :] = 0.0
    responses = (from_samples, np.ascontiguousarray(end[:, 1:5]),
                 np.ascontiguousarray(end[:, 5:9]))
    for array in responses:
        array.flags.writeable = False  # cached: shared by every call
    return responses


def _k_weighted_energies(x: _Int16, sample_rate: int, grid: _Grid) -> _Float:
    """Sum of squares of the K-weighted signal (full scale 1.0) in each knot of whole steps."""
    b, a = _k_weighting(sample_rate)
    step = grid.step
    chunks = len(x) // step
    if chunks < _STEPS_PER_BLOCK:
        return np.zeros(0)
    b = b / _FULL_SCALE
    # one column per 100 ms chunk, with the 4 samples before it on top
    inputs = np.empty((step + 4, chunks))
    inputs[4:] = x[: chunks * step].reshape(chunks, step).T
    inputs[:4, 0] = 0.0
    inputs[:4, 1:] = inputs[step : step + 4, :-1]
    # the filter state at each chunk's start: the previous chunk's end, which depends on its
    # own start state only through a factor that is ~1e-7 after 100 ms, so a few rounds settle it
    from_samples, from_history, from_state = _chunk_responses(sample_rate, step)
    zero_state_end = (from_samples @ inputs[4:] + from_history @ inputs[3::-1]) / _FULL_SCALE
    start = np.zeros((4, chunks))
    for _ in range(3):
        start[:, 1:] = zero_state_end[:, :-1] + from_state @ start[:, :-1]
    outputs = np.empty((step + 4, chunks))
    outputs[:4] = start[::-1]
    _run_chunks(inputs, outputs, b, a)
    del inputs
    squares = np.square(outputs[4:], out=outputs[4:])
    per_knot = squares.reshape(step // grid.knot, grid.knot, chunks).sum(axis=1)
    return np.ascontiguousarray(per_knot.T).reshape(-1)


def _integrated_lufs(knot_energy: _Float, knot_gain2: _Float | None, grid: _Grid) -> float:
    """Gated integrated loudness from K-weighted knot energies, each times its squared gain."""
    if knot_energy.size == 0:
        return -math.inf
    if knot_gain2 is not None:
        knot_energy = knot_energy * knot_gain2[: knot_energy.size]
    steps = knot_energy.reshape(-1, grid.step // grid.knot).sum(axis=1)
    block_sums = np.convolve(steps, np.ones(_STEPS_PER_BLOCK), mode="valid")
    blocks = block_sums / (_STEPS_PER_BLOCK * grid.step)  # mean squares
    absolute = 10 ** ((_ABSOLUTE_GATE_LUFS - _LUFS_OFFSET) / 10)
    gated = blocks[blocks > absolute]
    if gated.size == 0:
        return -math.inf
    relative = float(gated.mean()) * 10 ** (-_RELATIVE_GATE_LU / 10)
    gated = gated[gated > relative]
    return _LUFS_OFFSET + 10 * math.log10(float(gated.mean()))


# --- true peak -----------------------------------------------------------------------------

@functools.cache
def _interpolation_matrix(knot: int) -> npt.NDArray[np.float32]:
    """Maps a knot's samples with 5 before and 6 after to its 4 interpolated values per sample
    (a row per value)."""
    matrix = np.zeros((4 * knot, knot + _TP_TAPS - 1), dtype=np.float32)
    for i in range(knot):
        for p, phase in enumerate(_TP_PHASES):
            for k, c in enumerate(phase):
                matrix[4 * i + p, i + _TP_TAPS - 1 - k] = c / _FULL_SCALE
    matrix.flags.writeable = False  # cached: shared by every call
    return matrix


class _BlockPeaks:
    """True peak per knot (including the values between its last sample and the next), exact
    only where asked for: elsewhere an upper bound from the neighbouring samples."""

    def __init__(self, x: _Int16, knot: int) -> None:
        self.knot = knot
        knots = -(-len(x) // knot)
        padded = np.zeros(_TP_BEFORE + knots * knot + _TP_TAPS, dtype=np.int16)
        padded[_TP_BEFORE : _TP_BEFORE + len(x)] = x
        self._padded = padded
        grid = padded[_TP_BEFORE : _TP_BEFORE + knots * knot].reshape(knots, knot)
        top, bottom = grid[:, 0].copy(), grid[:, 0].copy()
        for column in range(1, knot):  # faster than max(axis=1) over short rows
            np.maximum(top, grid[:, column], out=top)
            np.minimum(bottom, grid[:, column], out=bottom)
        self.sample_peak: _Float = np.maximum(top, -bottom.astype(np.float64)) / _FULL_SCALE
        around = self.sample_peak.copy()
        around[1:] = np.maximum(around[1:], self.sample_peak[:-1])
        around[:-1] = np.maximum(around[:-1], self.sample_peak[1:])
        self.bound: _Float = around * _TP_BOUND
        self.value: _Float = self.bound.copy()
        """Exact true peak where :meth:`ensure` computed it, :attr:`bound` elsewhere."""
        self._exact = np.zeros(knots, dtype=bool)

    def ensure(self, threshold: float) -> None:
        """Make :attr:`value` exact for every knot whose bound exceeds ``threshold``."""
        todo = np.flatnonzero((self.bound > threshold) & ~self._exact)
        if todo.size == 0:
            return
        matrix = _interpolation_matrix(self.knot)
        frames = np.lib.stride_tricks.sliding_window_view(self._padded, matrix.shape[1])
        for start in range(0, todo.size, 4096):
            part = todo[start : start + 4096]
            # one column per knot, float32: 4x faster, and 1e-7 is plenty for a peak
            values = matrix @ frames[part * self.knot].astype(np.float32).T
            peak = np.maximum(values.max(axis=0), -values.min(axis=0))
            self.value[part] = np.maximum(peak, self.sample_peak[part])
        self._exact[todo] = True

    def maximum(self, threshold: float = 0.0) -> float:
        """The true peak, or a value not above ``threshold`` when the peak is not either."""
        threshold = max(threshold, float(self.sample_peak.max(initial=0.0)))
        self.ensure(threshold)
        return float(self.value.max(initial=0.0))


# --- limiter -------------------------------------------------------------------------------

def _sliding_min(values: _Float, width: int) -> _Float:
    """``out[i] = min(values[i : i + width])``, by doubling spans."""
    out, span = values, 1
    while 2 * span <= width:
        out = np.minimum(out[:-span], out[span:])
        span *= 2
    if span < width:
        out = np.minimum(out[: span - width], out[width - span :])
    return out


def _moving_sum(values: _Float, width: int) -> _Float:
    """``out[i] = sum(values[i : i + width])``."""
    total = np.concatenate(([0.0], np.cumsum(values)))
    return total[width:] - total[:-width]


class _Limiter:
    """Knot gains of the look-ahead limiter, and the loudness they give."""

    def __init__(self, peaks: _BlockPeaks, energies: _Float, grid: _Grid) -> None:
        self.peaks = peaks
        self.energies = energies
        self.grid = grid
        knot_ms = 1000.0 * grid.knot / (grid.step / _STEP_S)
        self.ramp = max(2, round(LIMITER_RAMP_MS / knot_ms))
        self.hold = max(1, round(LIMITER_HOLD_MS / knot_ms))

    def knots(self, gain: float, ceiling: float) -> _Float | None:
        """Gain at each knot boundary (one more than knots), ``None`` when nothing is limited.

        Guarantees, for each knot whose true peak times ``gain`` is over ``ceiling``, a gain no
        higher than needed on both its ends and on the knots before and after it.
        """
        self.peaks.ensure(ceiling / gain)
        level = self.peaks.value * gain
        if not (level > ceiling).any():
            return None
        need = np.minimum(1.0, ceiling / np.maximum(level, 1e-12))
        ramp, hold = self.ramp, self.hold
        # boundary k joins knots k-1 and k: cover knots k-2 .. k+1
        padded = np.concatenate((np.ones(2 + hold + ramp), need, np.ones(2 + ramp)))
        boundary = _sliding_min(padded, 4)
        # hold: from `hold` boundaries before to `ramp` after; then the S-shaped ramp looks back
        held = _sliding_min(boundary, hold + ramp + 1)
        reduction = 1.0 - held
        first = ramp // 2 + 1
        second = ramp + 2 - first
        smooth = _moving_sum(_moving_sum(reduction, first), second) / (first * second)
        gains: _Float = 1.0 - smooth
        return np.minimum(gains[: need.size + 1], 1.0)

    def loudness(self, gain: float, knots: _Float | None) -> float:
        """Estimated integrated loudness after ``gain`` and the limiter's ``knots``.

        Approximates the K-weighted output by the K-weighted input times the (slowly moving)
        gain; the gain goes in before gating, as the absolute gate is not relative.
        """
        if knots is None:
            squares = np.full(self.energies.size, gain * gain)
        else:
            left, right = knots[:-1], knots[1:]
            squares = (left * left + left * right + right * right) * (gain * gain / 3.0)
        return _integrated_lufs(self.energies, squares, self.grid)

    def search(self, start_db: float, target_lufs: float,
               ceiling: float) -> tuple[float, _Float | None]:
        """Make-up gain (dB) and knots whose limited result is nearest ``target_lufs``.

        Secant steps on the gain, kept inside the bracket once the target is bracketed: the
        limited loudness rises with the gain, never faster than the gain.
        """

        def evaluate(db: float) -> tuple[float, _Float | None]:
            gain = 10 ** (db / 20)
            knots = self.knots(gain, ceiling)
            return self.loudness(gain, knots), knots

        lufs, knots = evaluate(start_db)
        if lufs >= target_lufs - _SEARCH_TOLERANCE_LU:
            return start_db, knots
        best = (abs(lufs - target_lufs), start_db, knots)
        low, high = (start_db, lufs), None
        limit_db = start_db + MAX_LIMITING_MAKEUP_DB
        previous = (start_db, lufs)
        db = start_db + (target_lufs - lufs)
        for _ in range(_SEARCH_STEPS):
            if high is None:
                db = min(db, limit_db)
            elif not low[0] < db < high[0]:
                db = (low[0] + high[0]) / 2
            lufs, knots = evaluate(db)
            miss = abs(lufs - target_lufs)
            if miss < best[0]:
                best = (miss, db, knots)
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
        return best[1], best[2]


def _apply(x: _Int16, gain: float, knots: _Float | None, knot: int) -> _Int16:
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
