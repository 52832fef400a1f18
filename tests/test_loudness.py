"""Loudness normalisation: checked against a second meter, ffmpeg's ebur128 filter, on the MP3s.

The signals are synthetic speech-like audio (voiced "syllables" of harmonics shaped by three
formants, fricative noise, pauses; as peaky as espeak-ng's speech), made deterministically with
numpy, and, for the ``real_engine`` tests, espeak-ng speech.
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import re
import shutil
import subprocess
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt
import pytest

from briefing.audio.assemble import SAMPLE_RATE, trimmed_pcm
from briefing.audio.limiter import sliding_min
from briefing.audio.loudness import (
    LOUDNESS_VERSION,
    PCM_PEAK_MARGIN_DB,
    Loudness,
    LoudnessTarget,
    measure,
    normalize,
)
from briefing.audio.mp3encode import encode_mp3
from briefing.audio.mp3frames import plan_join, read_stream
from tests.conftest import SEED, Cli, SeedBuild

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")

TARGETS = (LoudnessTarget(), LoudnessTarget(integrated_lufs=-23.0))


# --- signals -------------------------------------------------------------------------------

@functools.cache
def _speech_like(seconds: float, seed: int) -> npt.NDArray[np.float64]:
    """Speech-like audio at full scale 1.0: syllables, fricatives and pauses."""
    rng = np.random.default_rng(seed)
    total = round(seconds * SAMPLE_RATE)
    out = np.zeros(total)
    position = 0
    while position < total:
        length = round(rng.uniform(0.12, 0.35) * SAMPLE_RATE)
        t = np.arange(length) / SAMPLE_RATE
        f0 = rng.uniform(95, 170) * (1 + 0.15 * np.sin(2 * np.pi * rng.uniform(1, 3) * t))
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
        formants = rng.uniform((400, 1100, 2300), (800, 1900, 3100))
        offsets = rng.uniform(0, 2 * np.pi, 40)
        voiced = np.zeros(length)
        for k in range(1, 40):
            frequency = k * float(f0.mean())
            if frequency > 5000:
                break
            weight = sum(math.exp(-(((frequency - f) / 180) ** 2)) for f in formants) + 0.05
            voiced += weight * np.cos(k * phase + offsets[k])
        voiced *= np.hanning(length) * rng.uniform(0.3, 1.0)
        if rng.random() < 0.4:  # a fricative: high-passed noise
            noise = np.diff(rng.standard_normal(length + 1)) * np.hanning(length)
            voiced += noise * rng.uniform(0.05, 0.2)
        end = min(total, position + length)
        out[position:end] = voiced[: end - position]
        position = end + round(rng.choice((0.03, 0.08, 0.3)) * SAMPLE_RATE)
    result: npt.NDArray[np.float64] = out / np.abs(out).max()
    return result


def _pcm(signal: npt.NDArray[np.float64], peak: float) -> bytes:
    """16-bit PCM of ``signal`` scaled to ``peak`` (clipped where above full scale)."""
    scaled = np.clip(np.rint(signal * peak * 32767), -32768, 32767)
    return scaled.astype("<i2").tobytes()


def speech(seconds: float = 20.0, peak: float = 0.9, seed: int = 1) -> bytes:
    return _pcm(_speech_like(seconds, seed), peak)


QUIET = speech(peak=0.02)
"""About -45 LUFS."""
LOUD = speech(peak=6.0)
"""Clipped at full scale: about -8 LUFS, flat-topped."""


# --- ffmpeg's meter ------------------------------------------------------------------------

def ebur128(path: Path, *input_args: str) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) from ffmpeg's ebur128 Summary."""
    result = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", *input_args, "-i", str(path),
         "-filter_complex", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(\S+) LUFS", summary)
    peak = re.search(r"Peak:\s+(\S+) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def mp3_reading(pcm: bytes, tmp_path: Path, name: str = "out.mp3") -> tuple[float, float]:
    path = tmp_path / name
    path.write_bytes(encode_mp3(pcm, 64, 5))
    return ebur128(path)


def pcm_reading(pcm: bytes, tmp_path: Path) -> tuple[float, float]:
    path = tmp_path / "out.pcm"
    path.write_bytes(pcm)
    return ebur128(path, "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1")


def assert_on_target(reading: tuple[float, float], target: LoudnessTarget) -> None:
    integrated, peak = reading
    assert abs(integrated - target.integrated_lufs) <= 1.0, reading
    assert peak <= target.true_peak_dbtp, reading


# --- measurement ---------------------------------------------------------------------------

def test_sine_reads_as_the_standard_says() -> None:
    """BS.1770 is calibrated so that a 1 kHz sine at full scale reads -3.01 LUFS."""
    t = np.arange(5 * SAMPLE_RATE) / SAMPLE_RATE
    reading = measure(_pcm(np.sin(2 * np.pi * 1000 * t), 0.5), SAMPLE_RATE)
    assert reading.integrated_lufs == pytest.approx(-3.01 + 20 * math.log10(0.5), abs=0.05)
    assert reading.true_peak_dbtp == pytest.approx(20 * math.log10(0.5), abs=0.05)


def test_true_peak_sees_between_the_samples() -> None:
    """A sine at a quarter of the sample rate, sampled 45 degrees off its crests."""
    n = np.arange(2 * SAMPLE_RATE)
    pcm = _pcm(np.sin(np.pi * n / 2 + np.pi / 4), 0.5)
    reading = measure(pcm, SAMPLE_RATE)
    sample_peak = 20 * math.log10(0.5 * math.sqrt(0.5))
    assert reading.true_peak_dbtp > sample_peak + 2.5
    assert reading.true_peak_dbtp == pytest.approx(20 * math.log10(0.5), abs=0.3)


@needs_ffmpeg
@pytest.mark.parametrize("pcm", [speech(), QUIET, LOUD, speech(3.0, seed=7)],
                         ids=["speech", "quiet", "loud", "short"])
def test_measure_agrees_with_ffmpeg(pcm: bytes, tmp_path: Path) -> None:
    integrated, peak = pcm_reading(pcm, tmp_path)
    reading = measure(pcm, SAMPLE_RATE)
    assert reading.integrated_lufs == pytest.approx(integrated, abs=0.15)
    # ffmpeg oversamples to 192 kHz, we 4x: we may read a little lower, never higher
    assert peak - 0.5 <= reading.true_peak_dbtp <= peak + 0.15


def test_silence_and_short_input_measure_as_minus_infinity() -> None:
    assert measure(b"", SAMPLE_RATE) == Loudness(-math.inf, -math.inf)
    assert measure(bytes(2 * SAMPLE_RATE), SAMPLE_RATE) == Loudness(-math.inf, -math.inf)
    short = speech(0.3)
    reading = measure(short, SAMPLE_RATE)
    assert reading.integrated_lufs == -math.inf
    assert math.isfinite(reading.true_peak_dbtp)


# --- normalisation -------------------------------------------------------------------------

@needs_ffmpeg
@pytest.mark.parametrize("target", TARGETS, ids=["-16", "-23"])
@pytest.mark.parametrize("pcm", [speech(), QUIET, LOUD], ids=["speech", "quiet", "loud"])
def test_mp3_is_on_target(pcm: bytes, target: LoudnessTarget, tmp_path: Path) -> None:
    out = normalize(pcm, SAMPLE_RATE, target)
    assert len(out) == len(pcm)
    assert_on_target(mp3_reading(out, tmp_path), target)
    # the PCM itself, by our own meter, is closer still, and under the PCM ceiling
    reading = measure(out, SAMPLE_RATE)
    assert reading.integrated_lufs == pytest.approx(target.integrated_lufs, abs=0.1)
    assert reading.true_peak_dbtp <= target.true_peak_dbtp - PCM_PEAK_MARGIN_DB + 0.05


@needs_ffmpeg
@pytest.mark.parametrize("target", TARGETS, ids=["-16", "-23"])
def test_short_chapter_is_on_target(target: LoudnessTarget, tmp_path: Path) -> None:
    pcm = speech(3.0, peak=0.3, seed=7)
    assert_on_target(mp3_reading(normalize(pcm, SAMPLE_RATE, target), tmp_path), target)


@needs_ffmpeg
@pytest.mark.parametrize("target", TARGETS, ids=["-16", "-23"])
def test_joined_chapters_are_on_target(target: LoudnessTarget, tmp_path: Path) -> None:
    """Each chapter normalised alone: each chapter MP3 and the joined MP3 are on target."""
    chapters = [speech(3.0, 0.5, seed=7), speech(25.0, 0.05, seed=2), speech(12.0, 3.0, seed=3)]
    mp3s = []
    for n, pcm in enumerate(chapters):
        mp3 = encode_mp3(normalize(pcm, SAMPLE_RATE, target), 64, 5)
        (tmp_path / f"{n}.mp3").write_bytes(mp3)
        assert_on_target(ebur128(tmp_path / f"{n}.mp3"), target)
        mp3s.append(mp3)
    streams = [read_stream(m) for m in mp3s]
    joined = plan_join(streams).info + b"".join(s.frames for s in streams)
    (tmp_path / "all.mp3").write_bytes(joined)
    assert_on_target(ebur128(tmp_path / "all.mp3"), target)


def test_normalize_is_deterministic() -> None:
    pcm = speech()
    first = normalize(pcm, SAMPLE_RATE)
    assert normalize(bytes(bytearray(pcm)), SAMPLE_RATE) == first
    assert normalize(pcm, SAMPLE_RATE, LoudnessTarget()) == first
    assert normalize(pcm, SAMPLE_RATE, TARGETS[1]) != first


def test_loudness_version_is_in_every_chapter_key(seed_copy: SeedBuild, cli: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A new LOUDNESS_VERSION re-encodes every chapter and synthesises nothing."""
    from briefing.build.keys import FINGERPRINTS, Stage

    assembly = cast("dict[str, object]", FINGERPRINTS[Stage.ASSEMBLY])
    assert assembly["loudness"] == LOUDNESS_VERSION
    monkeypatch.setitem(assembly, "loudness", LOUDNESS_VERSION + 1)
    result = cli("build", SEED, "-w", seed_copy.ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    [day] = result.json()["dates"]
    assert day["segments"]["synthesized"] == 0
    assert day["chapters_encoded"] == len(day["chapters"]) == 16


def test_silence_and_short_input_are_returned_unchanged() -> None:
    assert normalize(b"", SAMPLE_RATE) == b""
    silence = bytes(4 * SAMPLE_RATE)
    assert normalize(silence, SAMPLE_RATE) == silence
    hiss = speech(peak=0.0002)  # below the -70 LUFS gate
    assert normalize(hiss, SAMPLE_RATE) == hiss
    short = speech(0.3)
    assert normalize(short, SAMPLE_RATE) == short


def test_pauses_stay_silent() -> None:
    """Digital silence between words is not raised: gain is multiplied, never added."""
    pcm = speech(5.0, peak=0.05) + bytes(2 * SAMPLE_RATE)
    out = normalize(pcm, SAMPLE_RATE)
    assert out[-2 * SAMPLE_RATE :] == bytes(2 * SAMPLE_RATE)


def test_limiter_gain_moves_smoothly() -> None:
    """No clicks: the gain (output over input) changes by little from one sample to the next."""
    pcm = speech(peak=0.9)
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    y = np.frombuffer(normalize(pcm, SAMPLE_RATE), dtype="<i2").astype(np.float64)
    loud = np.abs(x) > 2000  # where rounding does not blur the ratio
    gain_db = 20 * np.log10(y[loud] / x[loud])
    steps = np.abs(np.diff(gain_db))[np.diff(np.flatnonzero(loud)) == 1]
    assert gain_db.max() - gain_db.min() > 3  # it did limit
    assert steps.max() < 0.25


def test_errors() -> None:
    with pytest.raises(ValueError, match="even"):
        normalize(b"\x00\x01\x02", SAMPLE_RATE)
    with pytest.raises(ValueError, match="even"):
        measure(b"\x00", SAMPLE_RATE)
    with pytest.raises(ValueError, match="sample rate"):
        normalize(b"", 4000)
    with pytest.raises(ValueError):
        LoudnessTarget(integrated_lufs=3.0)
    with pytest.raises(ValueError):
        LoudnessTarget(true_peak_dbtp=1.0)


@pytest.mark.parametrize("width", [1, 2, 3, 4, 7, 8, 28, 33])
def test_sliding_min(width: int) -> None:
    values = np.random.default_rng(width).standard_normal(200)
    expected = [values[i : i + width].min() for i in range(values.size - width + 1)]
    assert sliding_min(values, width).tolist() == expected


@needs_ffmpeg
@pytest.mark.parametrize("rate", [16000, 44100, 48000])
def test_other_sample_rates(rate: int, tmp_path: Path) -> None:
    t = np.arange(6 * rate) / rate
    tone = np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 3 * t) > 0)
    pcm = _pcm(tone, 0.1)
    out = normalize(pcm, rate)
    (tmp_path / "out.pcm").write_bytes(out)
    integrated, peak = ebur128(tmp_path / "out.pcm", "-f", "s16le", "-ar", str(rate), "-ac", "1")
    assert integrated == pytest.approx(-16.0, abs=0.2)
    assert peak <= -1.0


# --- real speech ---------------------------------------------------------------------------

SENTENCES = (
    "The city council approved a new budget for the public libraries on Tuesday.",
    "Heavy rain is expected across the northern valleys tonight.",
    "A photo shows volunteers planting trees along the river bank, smiling at the camera.",
    "Ticket prices for the regional trains will rise by three percent in March.",
)


@functools.cache
def _espeak_pcm() -> bytes:
    """Sentences spoken by espeak-ng, trimmed and joined with pauses as chapters are.

    Synthesised in a spawned process: this one must stay free to fork (see the engine's tests).
    """
    from briefing.engines.base import VoiceSettings
    from briefing.engines.espeak import Pyttsx3Engine
    from briefing.errors import EngineUnavailableError

    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        wavs = [pool.apply_async(Pyttsx3Engine().synthesize, (text, VoiceSettings())).get(60)
                for text in SENTENCES]
    except EngineUnavailableError as exc:
        pytest.skip(f"espeak-ng is not available: {exc}")
    finally:
        pool.terminate()
        pool.join()
    pause = bytes(2 * SAMPLE_RATE // 2)  # 500 ms
    return b"".join(trimmed_pcm(wav) + pause for wav in wavs)


@pytest.mark.real_engine
@needs_ffmpeg
@pytest.mark.parametrize("target", TARGETS, ids=["-16", "-23"])
def test_espeak_speech_is_on_target(target: LoudnessTarget, tmp_path: Path) -> None:
    pcm = _espeak_pcm()
    before = mp3_reading(pcm, tmp_path, "before.mp3")
    out = normalize(pcm, SAMPLE_RATE, target)
    after = mp3_reading(out, tmp_path, "after.mp3")
    print(f"espeak {target.integrated_lufs} LUFS: before {before}, after {after}")
    assert_on_target(after, target)
    assert normalize(pcm, SAMPLE_RATE, target) == out
