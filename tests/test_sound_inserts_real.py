"""A sound insert with the real engine (pyttsx3 + espeak-ng), in a subprocess as a user runs it:
the briefing grows by the insert's two seconds and its pause, the insert plays at the loudness
of espeak-ng's speech, and a missing file is one line naming the script's line, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefing.audio.loudness import measure
from tests.test_sound_inserts import DAY, PAUSE_AROUND_MS, decoded, make_wav, mp3_ms, write_script

pytestmark = pytest.mark.real_engine


def _render(ws: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", "render", "-w", str(ws),
                           "--engine", "pyttsx3", "--json"], cwd=ws, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def _day(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    [day] = json.loads(result.stdout)["dates"]
    return dict(day)


def test_espeak_briefing_with_an_insert(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_script(ws)
    first = _render(ws)
    if first.returncode != 0 and "espeak" in first.stderr.lower():
        pytest.skip(f"espeak-ng is not available: {first.stderr.strip()}")
    _day(first)
    before_ms = mp3_ms(ws)
    make_wav(ws / "ident.wav", seconds=2.0, amplitude=0.05)
    write_script(ws, story="[sound ident.wav]")
    day = _day(_render(ws))
    assert day["segments"]["synthesized"] == 1  # the insert alone: espeak-ng said nothing new
    assert mp3_ms(ws) - before_ms == pytest.approx(2000 + PAUSE_AROUND_MS, abs=60)
    data = json.loads((ws / "audio" / DAY / f"briefing-{DAY}.json").read_text("utf-8"))
    [cue] = [c for c in data["cues"] if c.get("sound")]
    assert cue["text"] == "[Sound: ident]"
    samples, rate = decoded(ws / "audio" / DAY / f"briefing-{DAY}.mp3")

    def region(start_ms: float, end_ms: float) -> bytes:
        return bytes(samples[round(start_ms * rate / 1000) : round(end_ms * rate / 1000)]
                     .tobytes())

    insert = measure(region(cue["start_ms"] + 100, cue["end_ms"] - 100), rate).integrated_lufs
    speech = measure(b"".join(region(c["start_ms"], c["end_ms"]) for c in data["cues"]
                              if c["chapter"] == cue["chapter"] and not c.get("sound")),
                     rate).integrated_lufs
    assert abs(insert - speech) <= 2.0, (insert, speech)
    write_script(ws, story="[sound gone.wav]")
    missing = _render(ws)
    assert missing.returncode == 2
    [line] = [ln for ln in missing.stderr.splitlines() if "gone.wav" in ln]
    assert f"{DAY}.md: line " in line and "does not exist" in line
