"""Loudness of every output, measured by a second tool: ffmpeg's ebur128 filter."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO, Cli, found

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, as ffmpeg measures them."""
    out = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(path),
                          "-filter_complex", "ebur128=peak=true", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    summary = out[out.rindex("Summary:"):]
    integrated = float(found(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(found(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def check_outputs(ws: Path, target: float) -> None:
    """Every MP3 of every date on target: the full briefing and one file per chapter."""
    manifests = [json.loads(p.read_text(encoding="utf-8"))
                 for p in (ws / "audio").glob("*/briefing-*.json")]
    mp3s = sorted((ws / "audio").rglob("*.mp3"))
    assert manifests and len(mp3s) == sum(1 + len(m["chapters"]) for m in manifests)
    for mp3 in mp3s:
        integrated, peak = ebur128(mp3)
        assert abs(integrated - target) <= 1.0, (mp3.name, integrated)
        assert peak <= -1.0, (mp3.name, peak)


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_every_output_on_target_fake_engine(ws: Path, cli: Cli, target: float) -> None:
    result = cli("build", DATA / "crlf_bom_accents_missing_credit.txt", "-w", ws, "--engine",
                 "fake", "--loudness", str(target))
    assert result.exit_code == 0, result.stderr
    check_outputs(ws, target)


@pytest.mark.real_engine
def test_every_output_on_target_real_engine(tmp_path: Path) -> None:
    import sys

    ws = tmp_path / "ws"
    shutil.copytree(REPO / "articles", ws / "articles")
    out = subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "-q"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    check_outputs(ws, -16.0)
