"""A broadcast master of a date: 48 kHz 16-bit mono BWF at EBU R 128 loudness, with cue points.

Playout systems take WAV at 48 kHz, at −23 LUFS (EBU R 128) rather than the podcast's −16, with
the programme's chapters as cue points.  ``formats = ["mp3", "wav"]`` (or ``--format wav``)
writes ``audio/<date>/briefing-<date>.wav`` beside the MP3, and a cue sheet of its chapters
(:mod:`briefing.publish.cuesheet`).

The master is made from the date's finished MP3, decoded and resampled to 48 kHz by PyAV
(FFmpeg's MP3 decoder honours the LAME delay and padding, so the timeline is the MP3's sample
for sample, and libswresample's resampler), because the chapters' PCM is not kept: each chapter
is assembled, normalised and encoded as one stream.  It is then normalised to
``broadcast_loudness_lufs`` over the whole programme by :func:`briefing.audio.loudness.normalized`
(the MP3's normaliser: BS.1770 meter and true-peak limiter, with the ``true_peak_dbtp`` ceiling,
−1 dBTP by default) and streamed into a temporary file by :class:`briefing.audio.bwf.BwfWriter`,
which is renamed over the WAV once complete: memory is bounded by a 30 s block, whatever the
length.  The R 128 figures of ``bext`` are measured on the blocks as they are written.

**16-bit, not 24.**  The audio comes from 16-bit speech PCM through a 64 kbps MP3, whose noise
floor is far above 16-bit quantisation even after the −7 dB to R 128; 24-bit would make the file
half as large again and carry no more of the programme.

Like the M4B, the WAV is made only when its inputs change: their hash is in the manifest, and a
date whose MP3, chapters, tags and settings are unchanged is not decoded again.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from briefing.audio.bwf import Bext, BwfWriter, CuePoint
from briefing.audio.id3 import TagInfo
from briefing.audio.loudness import BLOCK_STEPS, PCM_PEAK_MARGIN_DB, LoudnessTarget, normalized
from briefing.audio.meter import Grid, integer_blocks
from briefing.audio.r128 import R128Meter, R128Stats
from briefing.chapters import PublishedChapter
from briefing.errors import EncoderError
from briefing.fsutil import atomic_path, remove_own_files, still_current
from briefing.hashing import canonical_hash
from briefing.publish.formats import WAV_VERSION, BroadcastOptions
from briefing.publish.publication import parse_iso

if TYPE_CHECKING:
    from briefing.publish.manifest_model import ManifestWav

log = logging.getLogger(__name__)


RATE = 48000
ORIGINATOR = "briefing"


@dataclass(frozen=True)
class Timeline:
    """The MP3's timeline: its sample rate, samples, and each chapter's first sample."""

    rate: int
    samples: int
    starts: tuple[int, ...]

    def at(self, sample: int) -> int:
        """An MP3 sample as a sample of the 48 kHz master."""
        return round(sample * RATE / self.rate)

    @property
    def length(self) -> int:
        return self.at(self.samples)

    def bounds(self) -> list[tuple[int, int]]:
        """Each chapter's first sample and the sample after its last, at 48 kHz."""
        edges = [self.at(s) for s in self.starts] + [self.length]
        return list(itertools.pairwise(edges))


@dataclass(frozen=True)
class Broadcast:
    """The WAV of a date: where, its manifest entry, whether it was written now."""

    path: Path
    entry: ManifestWav
    written: bool
    sheets: tuple[tuple[Path, bytes], ...] = ()
    """The cue sheets (CSV and text) and their bytes, for the caller to write if changed."""


def wav_key(mp3_sha256: str, chapters: Sequence[PublishedChapter], info: TagInfo,
            options: BroadcastOptions, origination: str) -> str:
    """The hash of everything the WAV is made from."""
    import av

    return canonical_hash({
        "version": WAV_VERSION, "av": [av.__version__, av.ffmpeg_version_info],
        "mp3": mp3_sha256, "chapters": [[c.title, c.start_ms, c.end_ms] for c in chapters],
        "tags": [info.title, info.date], "loudness": options.loudness_lufs,
        "true_peak": options.true_peak_dbtp, "origination": origination})


def _decoded(mp3: Path, length: int) -> Iterator[bytes]:
    """The MP3's audio as 48 kHz mono 16-bit PCM, exactly ``length`` samples."""
    import av

    left = length
    try:
        with av.open(str(mp3)) as source:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            frames = source.decode(source.streams.audio[0])
            for frame in itertools.chain(frames, [None]):
                for out in resampler.resample(frame):
                    pcm = out.to_ndarray().reshape(-1)[:left]
                    left -= pcm.size
                    if pcm.size:
                        yield pcm.astype("<i2").tobytes()
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise EncoderError(f"cannot decode {mp3} for the broadcast WAV: {exc}") from exc
    if left > 0:  # the resampler's last few samples
        yield bytes(2 * left)


def _source(mp3: Path, length: int) -> Callable[[], Iterator[bytes]]:
    return lambda: _decoded(mp3, length)


def _points(chapters: Sequence[PublishedChapter], timeline: Timeline) -> list[CuePoint]:
    return [CuePoint(i + 1, start, c.title)
            for i, (c, (start, _)) in enumerate(zip(chapters, timeline.bounds(), strict=True))]


def _bext(info: TagInfo, mp3_sha256: str, origination: str, mp3_rate: int,
          stats: R128Stats | None) -> Bext:
    day = info.date
    history = (f"A=MPEG{1 if mp3_rate >= 32000 else 2}L3,F={mp3_rate},M=mono,T=LAME\r\n"
               f"A=PCM,F={RATE},W=16,M=mono,T={ORIGINATOR} R128 normalised\r\n")
    return Bext(description=f"{info.title} ({day})", originator=ORIGINATOR,
                originator_reference=f"{ORIGINATOR}-{day}-{mp3_sha256[:10]}",
                origination=parse_iso(origination), time_reference=0,
                coding_history=history, loudness=stats)


def _finite(value: float) -> float | None:
    """A measured figure for the manifest: ``None`` for silence (JSON has no infinity)."""
    return round(value, 2) if math.isfinite(value) else None


def write_wav(path: Path, mp3: tuple[Path, str], timeline: Timeline,
              chapters: Sequence[PublishedChapter], info: TagInfo, options: BroadcastOptions,
              origination: str, previous: Mapping[str, Any] | None) -> Broadcast:
    """Make the broadcast WAV from the date's MP3 (path and SHA-256) unless the previous
    manifest's WAV has the same key and is still on disk with its recorded size."""
    key = wav_key(mp3[1], chapters, info, options, origination)
    old = previous.get("wav") if previous else None
    if still_current(old, path, key):
        return Broadcast(path, cast("ManifestWav", old), False)
    target = LoudnessTarget(options.loudness_lufs,
                            min(0.0, options.true_peak_dbtp + PCM_PEAK_MARGIN_DB))
    block = BLOCK_STEPS * Grid.of(RATE).step
    day = info.date
    with atomic_path(path) as tmp, tmp.open("wb+") as fh:

        def consume(pcm: Iterator[bytes]) -> tuple[BwfWriter, R128Stats]:
            fh.seek(0)
            fh.truncate()
            writer = BwfWriter(fh, RATE, _bext(info, mp3[1], origination, timeline.rate, None))
            meter = R128Meter(RATE)
            for samples in integer_blocks(pcm, block):
                writer.write(samples.astype("<i2").tobytes())
                meter.feed(samples)
            return writer, meter.stats()

        try:
            writer, stats = normalized(_source(mp3[0], timeline.length), RATE, target, consume)
            size = writer.finish(_bext(info, mp3[1], origination, timeline.rate, stats),
                                 _points(chapters, timeline))
        except (OSError, ValueError) as exc:
            raise EncoderError(f"cannot write the broadcast WAV {path}: {exc}") from exc
    log.info("wrote %s (%.1f LUFS, %.1f dBTP)", path, stats.integrated_lufs,
             stats.true_peak_dbtp)
    entry: ManifestWav = {"file": path.name, "bytes": size, "key": key, "sample_rate": RATE,
             "bits": 16, "samples": writer.samples,
             "loudness_lufs": _finite(stats.integrated_lufs),
             "true_peak_dbtp": _finite(stats.true_peak_dbtp),
             "cues_csv": f"briefing-{day}.cues.csv", "cues_txt": f"briefing-{day}.cues.txt"}
    return Broadcast(path, entry, True)


def write_master(folder: Path, mp3: tuple[Path, str], timeline: Timeline,
                 chapters: Sequence[PublishedChapter], info: TagInfo, options: BroadcastOptions,
                 published: Mapping[str, Any], previous: Mapping[str, Any] | None) -> Broadcast:
    """The date's WAV (made when its inputs changed) and its cue sheets' bytes."""
    from briefing.publish.cuesheet import cue_csv, cue_text

    day = info.date
    made = write_wav(folder / f"briefing-{day}.wav", mp3, timeline, chapters, info, options,
                     origination_of(published), previous)
    bounds = timeline.bounds()
    csv_text = cue_csv(chapters, bounds, RATE)
    text = cue_text(info.title, made.path.name, chapters, bounds, RATE,
                    made.entry["loudness_lufs"])
    return Broadcast(made.path, made.entry, made.written, (
        (folder / f"briefing-{day}.cues.csv", csv_text.encode("utf-8")),
        (folder / f"briefing-{day}.cues.txt", text.encode("utf-8"))))


def origination_of(published: Mapping[str, Any]) -> str:
    """When the audio was made, for ``bext``: the manifest's last change, else its first
    publication (so a rebuild of the same audio writes the same bytes)."""
    return str(published.get("updated") or published["first"])


_OWN = re.compile(r"briefing-[0-9-]+\.(?:wav|cues\.csv|cues\.txt)")


def remove_unlisted(folder: Path, earlier: object, now: Broadcast | None) -> None:
    """Remove the WAV and cue sheets the previous manifest lists when this build makes none
    (``wav`` was dropped from the formats); a file briefing did not list is never touched."""
    old = earlier.get("wav") if isinstance(earlier, dict) else None
    if now is None and isinstance(old, dict):
        remove_own_files(folder, (old.get("file"), old.get("cues_csv"), old.get("cues_txt")),
                         _OWN, "wav is no longer among the formats")

