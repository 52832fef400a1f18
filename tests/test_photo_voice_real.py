"""The photo voice with the real engine (pyttsx3 + espeak-ng), in a subprocess as a user runs it:
the photo chapter alone is synthesised again in the second voice, and a voice espeak-ng lacks
is one line naming the script, exit 2, before anything is synthesised."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_engine

SCRIPT = """---
date: 2024-05-20
rate: 175
{extra}---
## Opening <!-- kind: opening -->
This is the briefing for Monday.

## Story 1: Trains <!-- kind: story 1 -->
The night train starts in December.

## Photo 1: A platform <!-- kind: photo of story 1 -->
Passengers wait on a platform at dawn.
"""


def _render(ws: Path, extra: str) -> subprocess.CompletedProcess[str]:
    (ws / "scripts" / "2024-05-20.md").write_text(SCRIPT.format(extra=extra), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "briefing", "render", "-w", str(ws),
                           "--engine", "pyttsx3", "--json"], cwd=ws, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def test_espeak_reads_the_photo_chapter_in_the_second_voice(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "scripts").mkdir(parents=True)
    first = _render(ws, "")
    if first.returncode != 0 and "espeak" in first.stderr.lower():
        pytest.skip(f"espeak-ng is not available: {first.stderr.strip()}")
    assert first.returncode == 0, first.stderr
    [day] = json.loads(first.stdout)["dates"]
    assert day["segments"]["synthesized"] == 3
    second = _render(ws, "photo_voice: gmw/en-gb-scotland\n")
    assert second.returncode == 0, second.stderr
    [day] = json.loads(second.stdout)["dates"]
    assert day["segments"]["synthesized"] == 1  # the photo chapter's one sentence
    bad = _render(ws, "photo_voice: gmw/nobody\n")
    assert bad.returncode == 2, bad.stderr
    [line] = [ln for ln in bad.stderr.splitlines() if "nobody" in ln]
    assert "2024-05-20.md" in line and "no voice 'gmw/nobody'" in line
