"""End to end with the real engine (pyttsx3 + espeak-ng), as a user runs it: a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from tests.conftest import REPO, ffprobe_chapters, ffprobe_duration, needs_ffprobe

pytestmark = pytest.mark.real_engine


def run_briefing(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


@needs_ffprobe
def test_seed_builds_with_espeak(tmp_path: Path, seed_path: Path) -> None:
    ws = tmp_path / "x"
    result = run_briefing("build", seed_path, "-w", ws, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [day] = report["dates"]
    assert day["photos"] == 13
    script = (ws / "scripts" / "2023-09-27.md").read_text(encoding="utf-8")
    assert all(f"Photo {i} out of 13" in script for i in range(1, 14))
    mp3 = ws / day["files"]["mp3"]
    chapters = ffprobe_chapters(mp3)
    titles = [c["tags"]["title"] for c in chapters]
    assert len(chapters) >= 15
    assert all(t.strip() for t in titles) and len(set(titles)) == len(titles)
    files = [ws / f for f in day["files"]["chapters"]]
    assert len(files) == len(chapters)
    full = ffprobe_duration(mp3)
    assert 120 < full < 600  # about 3,300 characters of news at 175 words per minute
    assert sum(ffprobe_duration(f) for f in files) == pytest.approx(full, rel=0.03)
    for chapter, expected in zip(chapters, day["chapters"], strict=True):
        assert abs(float(chapter["start_time"]) * 1000 - expected["start_ms"]) <= 50
        assert abs(float(chapter["end_time"]) * 1000 - expected["end_ms"]) <= 50
    assert MP3(mp3).info.length * 1000 == pytest.approx(day["duration_ms"], abs=1)
    # nothing but the JSON document on stdout (pyttsx3's prints are suppressed)
    assert result.stdout.lstrip().startswith("{")


def test_sample_builds_in_a_copy_of_the_repository(tmp_path: Path) -> None:
    ws = tmp_path / "repo"
    ws.mkdir()
    shutil.copytree(REPO / "articles", ws / "articles")
    shutil.copytree(REPO / "scripts", ws / "scripts")
    result = run_briefing("build", cwd=ws)
    assert result.returncode == 0, result.stderr
    for day in ("2024-05-14", "2024-05-15"):
        mp3 = ws / "audio" / day / f"briefing-{day}.mp3"
        assert MP3(mp3).info.length > 20
    # the committed scripts were recognised as generated: nothing to regenerate or conflict
    assert not list((ws / "scripts").glob("*.new.md"))
    again = run_briefing("build", "--json", cwd=ws)
    assert [d["segments"]["synthesized"] for d in json.loads(again.stdout)["dates"]] == [0, 0]
