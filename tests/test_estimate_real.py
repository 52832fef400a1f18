"""The estimate before synthesis with the real engine (pyttsx3 + espeak-ng): within 10% of the
built duration, as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_real_build import run_briefing

pytestmark = pytest.mark.real_engine


def test_status_estimates_the_seed_within_ten_percent_with_espeak(tmp_path: Path,
                                                                  seed_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "articles").mkdir(parents=True)
    shutil.copy(seed_path, ws / "articles" / seed_path.name)
    status = run_briefing("status", "-w", ws, "--json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    [estimated] = json.loads(status.stdout)["dates"]
    [calibration] = (ws / ".briefing" / "calibration").glob("*.json")
    assert json.loads(calibration.read_text(encoding="utf-8"))["engine"] == "pyttsx3"
    built = run_briefing("build", "-w", ws, "--json", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    [day] = json.loads(built.stdout)["dates"]
    assert estimated["estimated_duration_ms"] == pytest.approx(day["duration_ms"], rel=0.10)
    for est, chapter in zip(estimated["estimated_chapters"], day["chapters"], strict=True):
        assert est["estimated_duration_ms"] == pytest.approx(
            chapter["end_ms"] - chapter["start_ms"], rel=0.15, abs=500), chapter["title"]
