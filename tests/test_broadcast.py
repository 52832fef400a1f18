"""The broadcast master (``--format wav``), read back by ffprobe, ffmpeg's ebur128 and wavinfo.

A fake-engine build with ``--format wav``: the WAV is 48 kHz 16-bit mono PCM as long as the
MP3, at −23 LUFS under −1 dBTP as ffmpeg measures it, its ``bext`` (version 2) states what
ffmpeg measures, its cue points fall on the MP3's chapter starts with the chapters' titles,
the cue sheets agree with both, and it is listed in the manifest, the ``--json`` report and
the date's page; a rebuild writes nothing, a new ``broadcast_loudness_lufs`` remakes the WAV
alone and dropping the format removes its files.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from tests.conftest import DATA, Cli, ffprobe_chapters, ffprobe_json, needs_ffprobe
from tests.test_loudness_outputs import ebur128

ARTICLE = DATA / "crlf_bom_accents_missing_credit.txt"
RATE = 48000

pytestmark = needs_ffprobe


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace built with ``--format wav`` (read only)."""
    from typer.testing import CliRunner

    from briefing.cli import app

    ws = tmp_path_factory.mktemp("wav") / "ws"
    ws.mkdir()
    result = CliRunner().invoke(app, ["build", str(ARTICLE), "-w", str(ws), "--engine", "fake",
                                      "--format", "wav", "-q", "--json"])
    assert result.exit_code == 0, result.output
    (ws / "build.json").write_text(result.stdout, encoding="utf-8")
    return ws


def _folder(ws: Path) -> Path:
    return next(p for p in (ws / "audio").iterdir() if p.is_dir())


def _file(ws: Path, suffix: str) -> Path:
    folder = _folder(ws)
    return folder / f"briefing-{folder.name}{suffix}"


def _manifest(ws: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_file(ws, ".json").read_text(encoding="utf-8"))
    return data


def _decoded_samples(path: Path) -> int:
    """Samples of ``path`` as ffmpeg decodes it (mono 16-bit at its own rate)."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-"], capture_output=True, check=True).stdout
    return len(out) // 2


def test_wav_is_48_khz_16_bit_mono_pcm_as_long_as_the_mp3(built: Path) -> None:
    wav, mp3 = _file(built, ".wav"), _file(built, ".mp3")
    [stream] = ffprobe_json(wav, "-show_streams")["streams"]
    assert (stream["codec_name"], int(stream["sample_rate"]), stream["channels"],
            stream["bits_per_sample"]) == ("pcm_s16le", RATE, 1, 16)
    duration = float(stream["duration"])
    mp3_rate = int(ffprobe_json(mp3, "-show_streams")["streams"][0]["sample_rate"])
    # the MP3's duration as a gapless player has it (LAME delay and padding removed)
    assert abs(duration - _decoded_samples(mp3) / mp3_rate) <= 0.05
    assert abs(duration - MP3(mp3).info.length) <= 0.05
    assert abs(duration * 1000 - _manifest(built)["duration_ms"]) <= 50


def test_wav_is_at_r128_loudness_under_the_true_peak_ceiling(built: Path) -> None:
    integrated, peak = ebur128(_file(built, ".wav"))
    assert abs(integrated - -23.0) <= 0.5
    assert peak <= -1.0
    mp3_integrated, _ = ebur128(_file(built, ".mp3"))
    assert abs(mp3_integrated - -16.0) <= 1.0  # the podcast file keeps its own level


def test_bext_states_what_ffmpeg_measures(built: Path) -> None:
    wavinfo = pytest.importorskip("wavinfo")
    wav = _file(built, ".wav")
    bext = wavinfo.WavInfoReader(str(wav)).bext
    integrated, peak = ebur128(wav)
    assert bext.version == 2
    assert bext.originator == "briefing"
    assert bext.originator_date == _folder(built).name
    assert bext.originator_time == "12:00:00"  # the manifest's publication time
    assert _manifest(built)["title"].split(",")[0] in bext.description
    assert bext.time_reference == 0
    assert "A=PCM,F=48000,W=16,M=mono" in bext.coding_history
    assert abs(bext.loudness_value - integrated) <= 0.2
    assert abs(bext.max_true_peak - peak) <= 0.3
    assert bext.max_momentary_loudness >= bext.max_shortterm_loudness >= integrated - 1
    out = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(wav), "-af",
                          "ebur128", "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stderr
    lra = float(out[out.rindex("LRA:"):].split()[1])
    assert abs(bext.loudness_range - lra) <= 0.5


def test_cue_points_fall_on_the_mp3_chapters_with_their_titles(built: Path) -> None:
    wavinfo = pytest.importorskip("wavinfo")
    info = wavinfo.WavInfoReader(str(_file(built, ".wav")), info_encoding="utf-8")
    cues = info.cues.to_dict()
    chapters = ffprobe_chapters(_file(built, ".mp3"))
    assert len(cues) == len(chapters) > 3
    for n, chapter in enumerate(chapters, start=1):
        assert cues[n]["label"] == chapter["tags"]["title"]
        assert abs(cues[n]["frame"] / RATE - float(chapter["start_time"])) <= 0.001
    titles = [c["title"] for c in _manifest(built)["chapters"]]
    assert any(not t.isascii() for t in titles)  # the article's accents survive in UTF-8
    assert [cues[n]["label"] for n in sorted(cues)] == titles


def test_cue_sheets_agree_with_the_wav(built: Path) -> None:
    manifest = _manifest(built)
    rows = list(csv.DictReader(io.StringIO(
        _file(built, ".cues.csv").read_text(encoding="utf-8"), newline="")))
    assert [r["title"] for r in rows] == [c["title"] for c in manifest["chapters"]]
    assert [r["kind"] for r in rows] == [c["kind"] for c in manifest["chapters"]]
    assert [int(r["level"]) for r in rows] == [c["level"] for c in manifest["chapters"]]
    assert [int(r["index"]) for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["in_samples"] == "0"
    for row, after in itertools.pairwise(rows):
        assert row["out_samples"] == after["in_samples"] and row["out"] == after["in"]
    assert int(rows[-1]["out_samples"]) == manifest["wav"]["samples"]
    for row, chapter in zip(rows, manifest["chapters"], strict=True):
        start, end = int(row["in_samples"]), int(row["out_samples"])
        assert int(row["duration_samples"]) == end - start
        assert abs(start / RATE * 1000 - chapter["start_ms"]) <= 1
        h, m, s = row["in"].split(":")
        assert abs((int(h) * 3600 + int(m) * 60 + float(s)) * RATE - start) <= RATE / 1000
    text = _file(built, ".cues.txt").read_text(encoding="utf-8")
    assert _file(built, ".wav").name in text and "48000 Hz" in text
    for row in rows:
        [line] = [ln for ln in text.splitlines() if row["title"] in ln]
        assert line.split()[1:4] == [row["in"], row["out"], row["duration"]]


def test_listed_in_manifest_json_and_page(built: Path) -> None:
    wav = _file(built, ".wav")
    entry = _manifest(built)["wav"]
    assert entry["file"] == wav.name and entry["bytes"] == wav.stat().st_size
    assert (entry["sample_rate"], entry["bits"]) == (RATE, 16)
    assert abs(entry["loudness_lufs"] - -23.0) <= 0.5
    report = json.loads((built / "build.json").read_text(encoding="utf-8"))
    files = report["dates"][0]["files"]
    assert files["wav"] == wav.relative_to(built).as_posix()
    assert files["cues_csv"] == _file(built, ".cues.csv").relative_to(built).as_posix()
    assert files["cues_txt"] == _file(built, ".cues.txt").relative_to(built).as_posix()
    page = (_folder(built) / "index.html").read_text(encoding="utf-8")
    assert f'href="{wav.name}" download' in page
    assert f'href="{_file(built, ".cues.csv").name}" download' in page
    assert "48 kHz 16-bit, -23 LUFS" in page


def test_wav_is_written_only_when_its_inputs_change(built: Path, tmp_path: Path,
                                                    cli: Cli) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    wav = _file(ws, ".wav")
    before = wav.stat().st_mtime_ns
    result = cli("build", ARTICLE, "-w", ws, "--engine", "fake", "--format", "wav", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["dates"][0]["written"] == [] and wav.stat().st_mtime_ns == before

    # a new broadcast level remakes the WAV (and its sheet's heading), nothing is encoded
    (ws / "briefing.toml").write_text('broadcast_loudness_lufs = -18\nformats = ["mp3", "wav"]\n',
                                      encoding="utf-8")
    result = cli("render", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    written = result.json()["dates"][0]["written"]
    assert wav.relative_to(ws).as_posix() in written
    assert not any(w.endswith(".mp3") for w in written)
    assert result.json()["stages"]["encoding"] == 0
    assert abs(ebur128(wav)[0] - -18.0) <= 0.5
    assert "-18.0 LUFS" in _file(ws, ".cues.txt").read_text(encoding="utf-8")

    # without wav among the formats, the WAV and its cue sheets are removed
    (ws / "briefing.toml").write_text("broadcast_loudness_lufs = -18\n", encoding="utf-8")
    result = cli("render", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    assert not wav.exists() and "wav" not in _manifest(ws)
    assert not _file(ws, ".cues.csv").exists() and not _file(ws, ".cues.txt").exists()
    assert "wav" not in result.json()["dates"][0]["files"]
    page = (_folder(ws) / "index.html").read_text(encoding="utf-8")
    assert ".wav" not in page and ".cues.csv" not in page


@pytest.mark.parametrize("value", ["-70", "-2", '"loud"'])
def test_a_bad_broadcast_level_is_refused_naming_the_file(ws: Path, cli: Cli,
                                                           value: str) -> None:
    (ws / "briefing.toml").write_text(f"broadcast_loudness_lufs = {value}\n", encoding="utf-8")
    result = cli("build", ARTICLE, "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "briefing.toml" in line and "broadcast_loudness_lufs" in line


def test_loudness_option_says_it_lasts_one_run(ws: Path, cli: Cli) -> None:
    help_text = " ".join(cli("build", "--help").stdout.split())
    assert "for this run only" in help_text and "loudness_lufs" in help_text
    result = cli("build", ARTICLE, "-w", ws, "--engine", "fake", "--loudness", "-20", "--json")
    assert result.exit_code == 0, result.stderr
    assert "--loudness -20 is for this run only" in result.stderr
    assert "loudness_lufs = -20 in briefing.toml" in result.stderr
    mp3 = ws / result.json()["dates"][0]["files"]["mp3"]
    assert abs(ebur128(mp3)[0] - -20.0) <= 1.0
    # as the note says: the next build without the option goes back to the lasting level
    result = cli("build", ARTICLE, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0 and "note:" not in result.stderr
    assert abs(ebur128(mp3)[0] - -16.0) <= 1.0
    # and with the setting in briefing.toml it sticks, with no note
    (ws / "briefing.toml").write_text("loudness_lufs = -20\n", encoding="utf-8")
    result = cli("build", ARTICLE, "-w", ws, "--engine", "fake", "--loudness", "-20")
    assert result.exit_code == 0 and "note:" not in result.stderr
    assert abs(ebur128(mp3)[0] - -20.0) <= 1.0


def test_real_engine_master_is_on_target_with_its_chapters(tmp_path: Path) -> None:
    """The same checks on speech from the default engine (espeak-ng through pyttsx3)."""
    from tests.test_real_build import run_briefing

    ws = tmp_path / "ws"
    result = run_briefing("build", ARTICLE, "-w", ws, "--format", "wav", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["dates"][0]["files"]
    wav, mp3 = ws / files["wav"], ws / files["mp3"]
    integrated, peak = ebur128(wav)
    assert abs(integrated - -23.0) <= 0.5 and peak <= -1.0
    duration = float(ffprobe_json(wav, "-show_streams")["streams"][0]["duration"])
    assert abs(duration - MP3(mp3).info.length) <= 0.05
    wavinfo = pytest.importorskip("wavinfo")
    cues = wavinfo.WavInfoReader(str(wav), info_encoding="utf-8").cues.to_dict()
    chapters = ffprobe_chapters(mp3)
    assert len(cues) == len(chapters) > 3
    for n, chapter in enumerate(chapters, start=1):
        assert cues[n]["label"] == chapter["tags"]["title"]
        assert abs(cues[n]["frame"] / RATE - float(chapter["start_time"])) <= 0.001
