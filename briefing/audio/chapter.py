"""One chapter from its sentences' WAVs to an MP3: assembled, normalised and encoded as a stream.

The chapter's audio is never held whole: the assembly
(:func:`~briefing.audio.assemble.chapter_pieces`)
is replayed for each pass the loudness normalisation makes
(:func:`~briefing.audio.loudness.normalized`),
reading one sentence's WAV at a time, and the encoder takes the normalised audio block by block.
Memory is bounded by a block of audio, one unit's PCM and the chapter's MP3.

The chapter is encoded in units (:mod:`briefing.audio.units`): a re-encode after an edit
keeps the chapter's gain while it stays within :data:`GAIN_TOLERANCE_DB` and takes the frames
of every unit whose PCM is unchanged from the previous MP3, so only the edited sentence's
unit goes through the encoder again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from briefing.audio import mp3encode as encode
from briefing.audio.assemble import SAMPLE_RATE, Gaps, SegmentTiming, chapter_pieces
from briefing.audio.units import (
    SeamError,
    UnitFrames,
    join_units,
    split_unit,
    unit_blocks,
    units_as_cut,
)
from briefing.errors import EncoderError
from briefing.text.script_model import Chapter
from briefing.text.sound import Sound

if TYPE_CHECKING:
    from briefing.audio.unit_levels import AnalysisFile, PreviousAnalyses, UnitAnalysis

log = logging.getLogger(__name__)

MP3_LOUDNESS_LOSS_LU = 0.4
"""How much quieter an MP3 measures than the PCM it was encoded from (LAME at 22.05 kHz mono
scales the signal by about 0.95); the PCM is aimed this much louder so the MP3 lands on target.
"""

Wav = bytes | str
"""A sentence's WAV: its bytes, or the path of its file (read when needed)."""


def _reader(wavs: Sequence[Wav]) -> Any:
    def read(n: int) -> bytes:
        wav = wavs[n]
        if isinstance(wav, bytes):
            return wav
        try:
            return Path(wav).read_bytes()
        except OSError as exc:
            raise EncoderError(f"sentence {n + 1}'s audio could not be read from the cache "
                               f"({exc.strerror or exc}); build again") from exc

    return read


GAIN_TOLERANCE_DB = 0.5
"""An edited chapter keeps the gain it had while its measured gain stays within this (0.5 dB:
half the smallest loudness step a listener notices), so its unchanged units give the same PCM
and their frames are reused; a cold build of the edited script may differ by up to this."""


MAX_UNIT_SECONDS = 120
"""A unit is held whole (as PCM) while it is limited and encoded; a chapter whose pauses are too
short to cut it into units this long is normalised and encoded as one stream instead."""


@dataclass(frozen=True)
class Previous:
    """What an earlier encode of the same chapter left to reuse."""

    memo: dict[str, Any]
    """Its :func:`render_chapter` memo (gain and units)."""

    mp3: bytes | str
    """Its MP3 (bytes or the path of the cache file)."""

    analyses: str | None = None
    """The file of its units' loudness analyses
    (:class:`~briefing.audio.unit_levels.AnalysisFile`), described by its memo."""


def _unit_digest(pcm_digest: str, first: bool, last: bool, settings: tuple[Any, ...]) -> str:
    """What a unit's frames depend on: its PCM (by digest), its place and ``settings``."""
    head = json.dumps([2, first, last, *settings]).encode()
    return hashlib.sha256(head + b"\0" + pcm_digest.encode()).hexdigest()


class _Reuse:
    """The units of a previous encode, by digest."""

    def __init__(self, previous: Previous | None) -> None:
        self.units: dict[str, dict[str, Any]] = {}
        self._mp3 = previous.mp3 if previous is not None else b""
        self._analyses: PreviousAnalyses | None = None
        self._by_pcm: dict[str, int] = {}
        if previous is None:
            return
        self.units = {u["digest"]: u for u in previous.memo.get("units", [])}
        described = previous.memo.get("analyses")
        if previous.analyses is not None and isinstance(described, dict):
            from briefing.audio.unit_levels import PreviousAnalyses

            self._analyses = PreviousAnalyses(Path(previous.analyses),
                                              described.get("where", []),
                                              str(described.get("sha256")))
            self._by_pcm = {u["pcm"]: u["analysis"] for u in self.units.values()
                            if isinstance(u.get("pcm"), str) and isinstance(u.get("analysis"),
                                                                            int)}

    def analysis(self, pcm_digest: str) -> UnitAnalysis | None:
        """The previous encode's analysis of a unit of this PCM, if it made one."""
        index = self._by_pcm.get(pcm_digest)
        if index is None or self._analyses is None:
            return None
        return self._analyses.get(index)

    def close(self) -> None:
        if self._analyses is not None:
            self._analyses.close()

    def get(self, digest: str) -> UnitFrames | None:
        entry = self.units.get(digest)
        if entry is None:
            return None
        if isinstance(self._mp3, str):
            try:
                self._mp3 = Path(self._mp3).read_bytes()
            except OSError:
                self.units.clear()
                return None
        frames = self._mp3[entry["offset"] : entry["offset"] + entry["size"]]
        try:
            borrow = bytes.fromhex(entry["borrow"])
        except ValueError:
            return None
        if len(frames) != entry["size"]:  # the file changed under us: encode again
            return None
        # its frames are walked, and their count checked, once: when joined (join_units)
        return UnitFrames(frames, entry["frames"], entry["samples"], borrow, entry["free"])


def _analysed_units(pieces: Iterator[bytes], cuts: list[int], reuse: _Reuse,
                   analyses: AnalysisFile) -> list[str]:
    """The first pass: each unit's PCM digest, its analysis (the previous encode's, or
    measured) added to ``analyses``.  :class:`SeamError` for a unit too long to hold."""
    from briefing.audio.unit_levels import analyse_unit

    digests = []
    for pcm in units_as_cut(pieces, cuts, MAX_UNIT_SECONDS * SAMPLE_RATE):
        digest = hashlib.sha256(pcm).hexdigest()
        analyses.append(reuse.analysis(digest) or analyse_unit(pcm, SAMPLE_RATE))
        digests.append(digest)
    return digests


def _encode_units(pieces: Iterator[bytes], bounds: list[int], pcm_digests: list[str],
                  reuse: _Reuse, encode_unit: Callable[[bytes, bool, bool, int], UnitFrames],
                  settings: tuple[Any, ...]) -> tuple[bytes, list[dict[str, Any]]]:
    """The chapter's MP3 from its assembled (not yet normalised) PCM, unit by unit, and the
    memo of its units: a unit is found in ``reuse`` by the digest of its PCM (from the first
    pass) and of everything else its frames depend on (``settings``: the gain, the target, the
    encoder's settings), or made by ``encode_unit`` (given the unit's index)."""
    units: list[UnitFrames] = []
    digests: list[str] = []
    total = len(bounds) + 1
    if total != len(pcm_digests):
        raise SeamError("the chapter's units changed between passes")
    for i, pcm in enumerate(unit_blocks(pieces, bounds)):
        first, last = i == 0, i == total - 1
        digest = _unit_digest(pcm_digests[i], first, last, settings)
        unit = reuse.get(digest)
        units.append(unit if unit is not None else encode_unit(pcm, first, last, i))
        digests.append(digest)
    entries = [{"digest": d, "pcm": p, "analysis": i, "size": len(u.frames),
                "frames": u.frame_count, "samples": u.samples, "borrow": u.borrow.hex(),
                "free": u.free}
               for i, (d, p, u) in enumerate(zip(digests, pcm_digests, units, strict=True))]

    def drain() -> Iterator[UnitFrames]:  # each unit's frames let go once joined
        while units:
            yield units.pop(0)

    mp3, offsets = join_units(drain())
    return mp3, [{**entry, "offset": offset}
                 for entry, offset in zip(entries, offsets, strict=True)]


def prepare() -> None:
    """Import and compute now what the first :func:`render_chapter` of a process would wait for
    (its lazily imported modules, the meter's filter responses, threadpoolctl's view of the
    BLAS): run by an idle worker while the build plans, so that an edit's one chapter does not
    wait for them."""
    import lameenc  # noqa: F401 (imported to have it ready)
    import pydub.silence  # noqa: F401

    import briefing.audio.unit_levels  # noqa: F401
    from briefing.audio.loudness import prime_blas
    from briefing.audio.meter import prime

    prime(SAMPLE_RATE)
    prime_blas()


def render_chapter(chapter: Chapter, wavs: Sequence[Wav], gaps: Gaps, last: bool,
                   bitrate_kbps: int, quality: int, loudness_lufs: float,
                   true_peak_dbtp: float, previous: Previous | None = None,
                   analyses_file: BinaryIO | None = None,
                   ) -> tuple[bytes, list[list[Any]], dict[str, Any]]:
    """Assemble, normalise and encode one chapter in units (:mod:`briefing.audio.units`),
    reusing ``previous``'s units whose PCM is unchanged; returns its MP3, its sentences'
    timings (``[text, start_ms, end_ms]``, and ``true`` after an insert's) and the memo a later
    encode reuses.

    The gain is the chapter's, found on its units' analyses
    (:func:`~briefing.audio.unit_levels.chapter_gain`; ``previous``'s is kept within
    :data:`GAIN_TOLERANCE_DB`); the true-peak limiter is computed on each unit alone
    (:func:`~briefing.audio.unit_levels.limited`), so a unit's frames depend on its own audio
    and the gain only.  The analyses are written to ``analyses_file`` (for the next encode;
    a temporary file when not given) and described in the memo.  A chapter with sound inserts
    is measured first, to bring each insert to its speech's loudness.
    """
    from briefing.audio.loudness import LoudnessTarget
    from briefing.audio.unit_levels import AnalysisFile, KeptGain, chapter_gain, limited

    read = _reader(wavs)
    timings: list[SegmentTiming] = []
    cuts: list[int] = []
    target = LoudnessTarget(loudness_lufs + MP3_LOUDNESS_LOSS_LU, true_peak_dbtp)
    levels = None
    if any(isinstance(b, Sound) for b in chapter.blocks):
        from briefing.audio.insert import matched_levels

        levels = matched_levels(chapter, read, gaps, last, target)

    def source() -> Iterator[bytes]:
        timings.clear()  # every pass replays the assembly, with the same timings and cuts
        cuts.clear()
        return chapter_pieces(chapter, read, gaps, last, timings, levels=levels, cuts=cuts)

    keep = None
    if previous is not None and isinstance(previous.memo.get("gain_db"), float):
        keep = KeptGain(previous.memo["gain_db"], GAIN_TOLERANCE_DB)

    def encode_unit(pcm: bytes, first: bool, last: bool, index: int) -> UnitFrames:
        if gain_db is not None:
            pcm = limited(pcm, SAMPLE_RATE, target, gain_db, analyses.get(index))
        stream, samples = encode.encode_raw((pcm,), bitrate_kbps, quality)
        return split_unit(stream, samples, first, last)

    reuse = _Reuse(previous)
    with contextlib.ExitStack() as stack:
        stack.callback(reuse.close)
        file = analyses_file or stack.enter_context(tempfile.TemporaryFile())
        analyses = AnalysisFile(file)
        try:
            try:
                pcm_digests = _analysed_units(source(), cuts, reuse, analyses)
                gain_db = chapter_gain(iter(analyses), SAMPLE_RATE, target, keep)
                settings = (gain_db, loudness_lufs, true_peak_dbtp, bitrate_kbps, quality)
                bounds = list(cuts)  # complete, and cleared by the next pass
                mp3, units = _encode_units(source(), bounds, pcm_digests, reuse, encode_unit,
                                           settings)
            except SeamError as exc:
                log.info("chapter %r encoded in one pass, streamed: %s", chapter.title, exc)
                gain_db, units = None, []
                mp3 = normalized_mp3(source, target, bitrate_kbps, quality)
        except OSError as exc:  # the analyses' or the limiter's temporary file
            raise EncoderError(f"no room for a temporary file while normalising: "
                               f"{exc.strerror or exc}") from exc
        memo: dict[str, Any] = {"gain_db": gain_db, "units": units}
        if units:
            memo["analyses"] = {"where": analyses.where, "sha256": analyses.sha256}
    return mp3, [[t.text, t.start_ms, t.end_ms, *([True] if t.sound else [])]
                 for t in timings], memo


def normalized_mp3(source: Callable[[], Iterator[bytes]], target: Any, bitrate_kbps: int,
                   quality: int) -> bytes:
    """A chapter normalised as a whole and encoded in one pass (the fallback of units)."""
    from briefing.audio.loudness import normalized

    return normalized(source, SAMPLE_RATE, target,
                      lambda blocks: encode.encode_stream(blocks, bitrate_kbps, quality))
