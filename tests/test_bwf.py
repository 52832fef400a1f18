"""The BWF chunks, the R 128 figures and the broadcast WAV's streaming, on synthetic audio.

The chunks are read back by wavinfo (an independent reader), the R 128 figures are checked
against ffmpeg's ebur128 on audio whose loudness changes, and the WAV of a long programme is
written with memory that does not grow with its length.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import subprocess
import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from briefing.audio.assemble import SAMPLE_RATE
from briefing.audio.bwf import UNKNOWN_LOUDNESS, Bext, BwfWriter, CuePoint, bext_chunk
from briefing.audio.id3 import TagInfo
from briefing.audio.mp3encode import encode_mp3
from briefing.audio.r128 import R128Meter
from briefing.chapters import ChapterKind, PublishedChapter
from briefing.publish.broadcast import RATE, Timeline, write_wav
from briefing.publish.formats import BroadcastOptions
from tests.conftest import needs_ffprobe
from tests.test_loudness import speech

BEXT = Bext("Événements à Kraków, 2024", "briefing", "briefing-2024-03-08-0123456789",
            dt.datetime(2024, 3, 8, 12, 0, tzinfo=dt.UTC), 3 * 2**32 + 7,
            "A=PCM,F=48000,W=16,M=mono,T=test\r\n")


def _write(path: Path, pcm: bytes, points: list[CuePoint], bext: Bext = BEXT) -> int:
    with path.open("wb+") as fh:
        writer = BwfWriter(fh, RATE, bext)
        for at in range(0, len(pcm), 9600):
            writer.write(pcm[at : at + 9600])
        return writer.finish(bext, points)


def test_chunks_read_back_by_wavinfo(tmp_path: Path) -> None:
    wavinfo = pytest.importorskip("wavinfo")
    pcm = np.arange(-24000, 24000, dtype="<i2").tobytes()
    path = tmp_path / "a.wav"
    points = [CuePoint(1, 0, "Opening"), CuePoint(2, 12345, "Photo 1: Núñez in Kraków")]
    size = _write(path, pcm, points)
    assert size == path.stat().st_size
    info = wavinfo.WavInfoReader(str(path), info_encoding="utf-8")
    bext = info.bext
    assert bext.description == "Evenements a Krakow, 2024"  # bext text is ASCII
    assert (bext.originator, bext.originator_ref) == ("briefing", BEXT.originator_reference)
    assert (bext.originator_date, bext.originator_time) == ("2024-03-08", "12:00:00")
    assert bext.time_reference == 3 * 2**32 + 7 and bext.version == 2
    assert bext.loudness_value == UNKNOWN_LOUDNESS / 100  # not measured: "unknown"
    assert bext.coding_history == BEXT.coding_history
    assert {n: (c["frame"], c["label"]) for n, c in info.cues.to_dict().items()} == {
        1: (0, "Opening"), 2: (12345, "Photo 1: Núñez in Kraków")}
    assert (info.fmt.sample_rate, info.fmt.bits_per_sample, info.fmt.channel_count) == (
        RATE, 16, 1)
    with wave.open(str(path)) as plain:  # the standard library skips what it does not know
        assert plain.readframes(plain.getnframes()) == pcm


def test_bext_is_the_tech_3285_v2_layout() -> None:
    data = bext_chunk(BEXT)
    name, size = struct.unpack("<4sI", data[:8])
    history = BEXT.coding_history.encode("ascii")
    assert name == b"bext" and size == 602 + len(history) and len(data) == 8 + size + size % 2
    assert data[8 + 602 : 8 + 602 + len(history)] == history
    version, = struct.unpack("<H", data[8 + 346 : 8 + 348])
    loudness = struct.unpack("<5h", data[8 + 412 : 8 + 422])
    assert version == 2 and loudness == (UNKNOWN_LOUDNESS,) * 5


def test_a_riff_file_over_4_gib_is_refused() -> None:
    writer = BwfWriter(io.BytesIO(), RATE, BEXT)
    writer.data_bytes = 2**32 - 2
    with pytest.raises(ValueError, match="4 GiB"):
        writer.write(b"\0\0\0\0")


@needs_ffprobe
def test_r128_figures_match_ffmpeg_on_changing_loudness(tmp_path: Path) -> None:
    quiet = np.frombuffer(speech(20, peak=0.05, seed=2), dtype="<i2")
    loud = np.frombuffer(speech(20, peak=0.7, seed=3), dtype="<i2")
    pcm22 = np.concatenate([quiet, loud, quiet]).astype("<i2").tobytes()
    raw = tmp_path / "a.raw"
    raw.write_bytes(pcm22)
    wav = tmp_path / "a.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1",
                    "-i", str(raw), "-ar", str(RATE), str(wav)], check=True)
    meter = R128Meter(RATE)
    with wave.open(str(wav)) as w:
        while chunk := w.readframes(RATE * 30):
            meter.feed(np.frombuffer(chunk, dtype="<i2").astype(np.int16))
    stats = meter.stats()
    out = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(wav), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stderr
    summary = out[out.rindex("Summary:"):].split()
    figure = {name: float(summary[summary.index(name) + 1]) for name in ("I:", "LRA:", "Peak:")}
    assert stats.range_lu > 5  # the quiet and loud parts are far apart
    assert abs(stats.integrated_lufs - figure["I:"]) <= 0.2
    assert abs(stats.range_lu - figure["LRA:"]) <= 0.5
    assert abs(stats.true_peak_dbtp - figure["Peak:"]) <= 0.3
    assert stats.max_momentary_lufs >= stats.max_short_term_lufs > stats.integrated_lufs


def _mp3(path: Path, minutes: float) -> Timeline:
    piece = speech(10, peak=0.5)
    pcm = piece * round(minutes * 6)
    path.write_bytes(encode_mp3(pcm, 64, 9))
    samples = len(pcm) // 2
    return Timeline(SAMPLE_RATE, samples, (0, samples // 2))


def _traced_wav(tmp_path: Path, minutes: float) -> tuple[int, Path]:
    mp3 = tmp_path / f"{minutes}.mp3"
    timeline = _mp3(mp3, minutes)
    chapters = [PublishedChapter("First", ChapterKind.OTHER, None, 0, 0),
                PublishedChapter("Second", ChapterKind.OTHER, None, 0, 0)]
    info = TagInfo("A long one", "News", "briefing", "2024-03-08")
    tracemalloc.start()
    try:
        made = write_wav(tmp_path / f"{minutes}.wav", (mp3, "0" * 64), timeline, chapters, info,
                         BroadcastOptions(-23.0, -1.0), "2024-03-08T12:00:00Z", None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert made.entry["samples"] == timeline.length
    assert abs(made.entry["loudness_lufs"] - -23.0) <= 0.5
    return peak, made.path


def test_the_wav_is_streamed_with_memory_that_does_not_grow(tmp_path: Path) -> None:
    short, _ = _traced_wav(tmp_path, 1)
    long, path = _traced_wav(tmp_path, 4)
    assert path.stat().st_size > 20_000_000
    assert long < 1.3 * short + 2_000_000, (short, long)
    # 30 s blocks of 48 kHz audio through the meters: tens of MB whatever the length, where a
    # 76-minute master is 438 MB
    assert long < 80_000_000
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*"))


def test_a_silent_programme_has_unknown_loudness_not_infinity(tmp_path: Path) -> None:
    import json

    mp3 = tmp_path / "s.mp3"
    samples = SAMPLE_RATE * 3
    mp3.write_bytes(encode_mp3(bytes(2 * samples), 64, 9))
    made = write_wav(tmp_path / "s.wav", (mp3, "0" * 64), Timeline(SAMPLE_RATE, samples, (0,)),
                     [PublishedChapter("Only", ChapterKind.OTHER, None, 0, 3000)],
                     TagInfo("Quiet", "News", "briefing", "2024-03-08"),
                     BroadcastOptions(-23.0, -1.0), "2024-03-08T12:00:00Z", None)
    assert made.entry["loudness_lufs"] is None and made.entry["true_peak_dbtp"] is None
    json.dumps(made.entry, allow_nan=False)
    assert made.entry["samples"] == 3 * RATE
    data = made.path.read_bytes()
    at = data.index(b"bext") + 8
    assert struct.unpack("<5h", data[at + 412 : at + 422]) == (UNKNOWN_LOUDNESS,) * 5
