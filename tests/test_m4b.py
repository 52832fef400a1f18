"""The M4B audiobook (``--format m4b``), read back by ffprobe, ffmpeg and mutagen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp4 import MP4

from briefing.publish.cover import default_cover
from tests.conftest import (
    DATA,
    Cli,
    ffprobe_chapters,
    ffprobe_duration,
    ffprobe_json,
    needs_ffprobe,
)
from tests.test_loudness_outputs import ebur128

ARTICLE = DATA / "crlf_bom_accents_missing_credit.txt"

pytestmark = needs_ffprobe


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace built with ``--format m4b`` (read only)."""
    from typer.testing import CliRunner

    from briefing.cli import app

    ws = tmp_path_factory.mktemp("m4b") / "ws"
    ws.mkdir()
    result = CliRunner().invoke(app, ["build", str(ARTICLE), "-w", str(ws), "--engine", "fake",
                                      "--format", "mp3", "--format", "m4b", "-q", "--json"])
    assert result.exit_code == 0, result.output
    (ws / "build.json").write_text(result.stdout, encoding="utf-8")
    return ws


def _date_folder(ws: Path) -> Path:
    return next(p for p in (ws / "audio").iterdir() if p.is_dir())


def _manifest(ws: Path) -> dict[str, Any]:
    folder = _date_folder(ws)
    manifest: dict[str, Any] = json.loads(
        (folder / f"briefing-{folder.name}.json").read_text(encoding="utf-8"))
    return manifest


def test_m4b_is_aac_in_mp4_listed_in_manifest_and_json(built: Path) -> None:
    folder = _date_folder(built)
    m4b = folder / f"briefing-{folder.name}.m4b"
    manifest = _manifest(built)
    assert manifest["m4b"]["file"] == m4b.name
    assert manifest["m4b"]["bytes"] == m4b.stat().st_size
    report = json.loads((built / "build.json").read_text(encoding="utf-8"))
    assert report["dates"][0]["files"]["m4b"] == m4b.relative_to(built).as_posix()
    probe = ffprobe_json(m4b, "-show_streams", "-show_format")
    audio = [s for s in probe["streams"] if s["codec_type"] == "audio"]
    assert [(s["codec_name"], s["profile"], s["channels"]) for s in audio] == [("aac", "LC", 1)]
    assert "mp4" in probe["format"]["format_name"]
    assert abs(ffprobe_duration(m4b) * 1000 - manifest["duration_ms"]) <= 50


def test_every_chapter_reads_back_within_50_ms(built: Path) -> None:
    folder = _date_folder(built)
    m4b = folder / f"briefing-{folder.name}.m4b"
    mp3_chapters = ffprobe_chapters(folder / f"briefing-{folder.name}.mp3")
    titles = [c["title"] for c in _manifest(built)["chapters"]]
    assert len(mp3_chapters) == len(titles) > 3

    listed = ffprobe_json(m4b, "-show_chapters")["chapters"]  # in file order
    starts = [float(c["start_time"]) for c in listed]
    assert starts == sorted(starts)
    assert [c["tags"]["title"] for c in listed] == titles
    for got, want in zip(listed, mp3_chapters, strict=True):
        assert abs(float(got["start_time"]) - float(want["start_time"])) <= 0.05
        assert abs(float(got["end_time"]) - float(want["end_time"])) <= 0.05

    chapters = list(MP4(m4b).chapters or [])
    assert [c.title for c in chapters] == titles
    for got, want in zip(chapters, mp3_chapters, strict=True):
        assert abs(got.start - float(want["start_time"])) <= 0.05


def test_tags_and_cover(built: Path) -> None:
    folder = _date_folder(built)
    tags = MP4(folder / f"briefing-{folder.name}.m4b").tags
    assert tags is not None
    manifest = _manifest(built)
    assert tags["\xa9nam"] == [manifest["title"]]
    assert tags["\xa9day"] == [manifest["date"]]
    assert tags["\xa9ART"] == ["briefing"] and tags["\xa9alb"] == ["News briefings"]
    assert tags["\xa9gen"] == ["Audiobook"]
    assert bytes(tags["covr"][0]) == default_cover("Audio news briefings").data


def test_same_loudness_as_the_mp3(built: Path) -> None:
    folder = _date_folder(built)
    integrated, peak = ebur128(folder / f"briefing-{folder.name}.m4b")
    mp3_integrated, _ = ebur128(folder / f"briefing-{folder.name}.mp3")
    assert abs(integrated - -16.0) <= 1.0
    assert abs(integrated - mp3_integrated) <= 0.5
    assert peak <= -0.5


def test_m4b_is_written_only_when_its_inputs_change(built: Path, tmp_path: Path, cli: Cli) -> None:
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    folder = _date_folder(ws)
    m4b = folder / f"briefing-{folder.name}.m4b"
    before = m4b.stat().st_mtime_ns
    result = cli("build", ARTICLE, "-w", ws, "--engine", "fake", "--format", "m4b", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["dates"][0]["written"] == [] and m4b.stat().st_mtime_ns == before

    # a change to the tags (the album) makes it again, with the same audio
    (ws / "briefing.toml").write_text('album = "Corrected album"\nformats = ["mp3", "m4b"]\n',
                                      encoding="utf-8")
    result = cli("render", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    assert m4b.relative_to(ws).as_posix() in result.json()["dates"][0]["written"]
    assert (MP4(m4b).tags or {})["\xa9alb"] == ["Corrected album"]

    # without m4b among the formats, the M4B the manifest listed is removed
    (ws / "briefing.toml").write_text('album = "Corrected album"\n', encoding="utf-8")
    result = cli("render", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    assert not m4b.exists() and "m4b" not in _manifest(ws)
    assert "m4b" not in result.json()["dates"][0]["files"]


def test_engines_says_which_aac_encoder_is_used(cli: Cli) -> None:
    result = cli("engines")
    assert result.exit_code == 0
    assert "m4b output: usable, AAC encoder 'aac'" in result.stdout
    assert "PyAV" in result.stdout


def test_date_page_offers_the_audiobook(built: Path) -> None:
    folder = _date_folder(built)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f'href="briefing-{folder.name}.m4b" download' in page
    assert "M4B audiobook" in page


def test_chapter_track_alone_carries_every_chapter(built: Path, tmp_path: Path) -> None:
    """Apple's players read the QuickTime chapter track, others the Nero ``chpl`` box (which
    mutagen reads above): with ``chpl`` hidden, ffprobe must still find every chapter."""
    folder = _date_folder(built)
    data = (folder / f"briefing-{folder.name}.m4b").read_bytes()
    at = data.find(b"chpl")
    assert at > 0
    hidden = tmp_path / "no-chpl.m4b"
    hidden.write_bytes(data[:at] + b"free" + data[at + 4:])
    listed = ffprobe_json(hidden, "-show_chapters")["chapters"]
    titles = [c["title"] for c in _manifest(built)["chapters"]]
    assert [c["tags"]["title"] for c in listed] == titles
    for got, want in zip(listed, _manifest(built)["chapters"], strict=True):
        assert abs(float(got["start_time"]) * 1000 - want["start_ms"]) <= 50
