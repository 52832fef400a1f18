"""A chapter's gain from the loudness of its units, each unit measured once and remembered.

A chapter encoded in units (:mod:`briefing.audio.units`) is limited unit by unit
(:func:`limited`, on the unit's own true peaks), so what decides its frames is the unit's PCM
and the chapter's gain.  Here each unit is analysed alone (:func:`analyse_unit`: the true
peak and K-weighted energy of every ~1 ms knot, as :mod:`briefing.audio.loudness` keeps them)
and the chapter's gain is searched on the units' analyses laid end to end
(:func:`chapter_gain`).  The same analysis then serves the unit's limiter, so a unit is
analysed once per encode instead of twice; and an analysis is remembered with the chapter
(:class:`AnalysisFile` / :class:`PreviousAnalyses`, a file beside its MP3), so after an edit only
the edited unit is analysed again: measuring an unchanged chapter's loudness was 60 % of the
re-encode of its one edited sentence.

The units' analyses laid end to end differ from one over the whole chapter only in where the
knots fall (each unit's last knot is partial, so the chapter's knots drift by less than a knot,
1 ms, per unit) and in the K-weighting filter starting afresh on each unit, in the silence
where units are cut: a few hundredths of a dB at most, with units of one word as with whole
paragraphs (checked by the tests), far below the 0.5 dB a kept gain allows
(:data:`~briefing.audio.chapter.GAIN_TOLERANCE_DB`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from briefing.audio.limiter import KnotStore, Shape
from briefing.audio.loudness import (
    LoudnessTarget,
    analyse_knots,
    apply_passes,
    check_pcm,
    peak_ceiling,
    search_gain,
    single_threaded_blas,
)
from briefing.audio.meter import Float, Grid, integrated_lufs, step_energies

_MAGIC = b"BRK1"

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class KeptGain:
    """A gain to keep when the measured one is near it (an edited chapter keeps its gain, so
    its unchanged parts give the same PCM)."""

    gain_db: float
    """The gain applied before (after the limiting make-up), in dB."""

    tolerance_db: float
    """Kept while the measured gain is within this of it."""


@dataclass(frozen=True)
class UnitAnalysis:
    """One unit's knots, as :func:`~briefing.audio.loudness.analyse_knots` measures them alone."""

    peaks: F32
    """True peak of every knot, the last knot possibly partial."""

    energies: F32
    """K-weighted energy of every knot (the last one's measured with silence after it)."""


class _MemoryKnots(KnotStore):
    """A :class:`KnotStore` of one unit's analysis, in memory (a unit is short)."""

    def __init__(self, analysis: UnitAnalysis) -> None:  # no temporary files
        self._peak_values = analysis.peaks.astype(np.float64)
        self._energy_values = analysis.energies.astype(np.float64)
        self.knots = analysis.peaks.size
        self.energy_knots = analysis.energies.size

    def close(self) -> None:
        pass

    def append(self, peaks: Float, energies: Float) -> None:
        raise TypeError("a unit's analysis is complete")

    def peaks(self, start: int, stop: int) -> Float:
        out = np.zeros(stop - start)
        lo, hi = max(start, 0), min(stop, self.knots)
        if lo < hi:
            out[lo - start : hi - start] = self._peak_values[lo:hi]
        return out

    def energies(self, start: int, stop: int) -> Float:
        return self._energy_values[start : min(stop, self.energy_knots)]


class _Collect(KnotStore):
    """Takes what :func:`~briefing.audio.loudness.analyse_knots` measures, in memory."""

    def __init__(self) -> None:
        self.parts: tuple[list[F32], list[F32]] = ([], [])
        self.knots = self.energy_knots = 0

    def close(self) -> None:
        pass

    def append(self, peaks: Float, energies: Float) -> None:
        self.parts[0].append(peaks.astype(np.float32))
        self.parts[1].append(energies.astype(np.float32))


def analyse_unit(pcm: bytes, sample_rate: int) -> UnitAnalysis:
    """The analysis of ``pcm`` (a unit) alone: a peak and an energy for each of its knots, the
    last one partial (measured as if silence followed, as it does: units are cut in silence)."""
    check_pcm(pcm, sample_rate)
    grid = Grid.of(sample_rate)
    knots = -(-len(pcm) // (2 * grid.knot))
    padded = pcm + bytes(-len(pcm) % (2 * grid.step))  # the last step whole, so it is measured
    collect = _Collect()
    with single_threaded_blas():
        analyse_knots(lambda: (padded,), sample_rate, collect)
    peaks, energies = (np.concatenate(p)[:knots] if p else np.zeros(0, np.float32)
                       for p in collect.parts)
    return UnitAnalysis(peaks, energies)


def chapter_gain(units: Iterable[UnitAnalysis], sample_rate: int, target: LoudnessTarget,
                 keep: KeptGain | None = None) -> float | None:
    """The gain (dB, with the limiter's make-up) that brings the chapter made of ``units`` to
    ``target``, or ``keep``'s gain when within its tolerance of it; ``None`` when nothing in it
    is above the gate.  The units' knots are laid end to end (each unit's last knot is
    partial: the chapter's knots drift by less than a knot per unit) and cut into 100 ms steps
    as one chapter's are, its last partial step left out."""
    grid = Grid.of(sample_rate)
    per_step = grid.knots_per_step
    store = KnotStore()
    steps: list[Float] = []
    pending = np.zeros(0)
    try:
        for unit in units:
            energies = np.concatenate([pending, unit.energies.astype(np.float64)])
            whole = energies.size - energies.size % per_step
            pending = energies[whole:]
            store.append(unit.peaks.astype(np.float64), energies[:whole])
            steps.append(step_energies(energies[:whole], grid))
        loudness = integrated_lufs(np.concatenate(steps) if steps else np.zeros(0), grid)
        if not math.isfinite(loudness):
            return None
        with single_threaded_blas():
            gain_db = search_gain(store, grid, Shape.of(grid), target.integrated_lufs - loudness,
                                  target.integrated_lufs, peak_ceiling(target))
    finally:
        store.close()
    if keep is not None and abs(gain_db - keep.gain_db) <= keep.tolerance_db:
        return keep.gain_db
    return gain_db


def limited(pcm: bytes, sample_rate: int, target: LoudnessTarget, gain_db: float,
            analysis: UnitAnalysis | None = None) -> bytes:
    """``pcm`` (a unit, between silences) times ``gain_db``, under the true-peak limiter
    computed on ``pcm`` alone (``analysis``: its :func:`analyse_unit`, measured when not
    given): the same PCM and gain give the same bytes wherever the unit lies in its chapter."""
    check_pcm(pcm, sample_rate)
    store = _MemoryKnots(analysis or analyse_unit(pcm, sample_rate))
    with single_threaded_blas():
        return apply_passes(lambda: (pcm,), Grid.of(sample_rate), store, target, gain_db,
                            b"".join, search=False)


class AnalysisFile:
    """Units' analyses written one after another to a file (a cache: not flushed to disk) and
    read back one at a time, so a chapter's are never all in memory."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._file.write(_MAGIC)
        self._digest = hashlib.sha256(_MAGIC)
        self._end = len(_MAGIC)
        self.where: list[list[int]] = []
        """Where each unit's analysis is: ``[offset, peaks, energies]`` (offset in bytes)."""

    def append(self, unit: UnitAnalysis) -> int:
        """Add ``unit``'s analysis; returns its index."""
        data = unit.peaks.astype("<f4").tobytes() + unit.energies.astype("<f4").tobytes()
        self._file.seek(self._end)
        self._file.write(data)
        self._digest.update(data)
        self.where.append([self._end, unit.peaks.size, unit.energies.size])
        self._end += len(data)
        return len(self.where) - 1

    @property
    def sha256(self) -> str:
        """The file's SHA-256 so far (:class:`PreviousAnalyses` checks it)."""
        return self._digest.hexdigest()

    def get(self, index: int) -> UnitAnalysis:
        """The analysis of unit ``index``."""
        return _read(self._file, self.where[index])

    def __iter__(self) -> Iterator[UnitAnalysis]:
        return (self.get(i) for i in range(len(self.where)))


def _read(file: BinaryIO, where: list[int]) -> UnitAnalysis:
    offset, peaks, energies = where
    file.seek(offset)
    values = np.frombuffer(file.read(4 * (peaks + energies)), dtype="<f4")
    if values.size != peaks + energies:
        raise ValueError("a unit's analysis is cut short")
    return UnitAnalysis(values[:peaks].astype(np.float32), values[peaks:].astype(np.float32))


class PreviousAnalyses:
    """The analyses an earlier encode of the chapter wrote (:class:`AnalysisFile`), checked
    against its SHA-256 before any is used; read one at a time."""

    def __init__(self, path: Path, where: list[list[int]], sha256: str) -> None:
        self._file: BinaryIO | None = None
        self._where = where
        try:
            file = path.open("rb")
        except OSError:
            return
        digest = hashlib.sha256()
        while chunk := file.read(1 << 20):
            digest.update(chunk)
        size = file.tell()
        if digest.hexdigest() != sha256 or any(
                len(w) != 3 or min(w) < 0 or w[0] + 4 * (w[1] + w[2]) > size for w in where):
            file.close()
            return
        self._file = file

    def get(self, index: int) -> UnitAnalysis | None:
        """Unit ``index``'s analysis, ``None`` when the file was not the one described."""
        if self._file is None or not 0 <= index < len(self._where):
            return None
        try:
            return _read(self._file, self._where[index])
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
