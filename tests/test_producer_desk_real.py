"""The producer's desk with the real engine (pyttsx3 + espeak-ng), in a subprocess as a user runs
it: an edit and a wire update to different paragraphs merge and both reach the audio, with only
the changed sentences synthesised again; the same sentence changed on both sides is a conflict
(exit 3) that ``resolve --theirs`` settles; a date whose only article is gone goes to the trash
and leaves the index.  The same loop with the fake engine: ``tests/test_producer_desk.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.real_engine

KEPT, GONE = "2024-06-03", "2024-06-04"
ARTICLES = {
    KEPT: ("The city opened a new library on the river bank.\n\n"
           "Its reading room holds twenty thousand books.\n\n"
           "The mayor said a second branch opens next spring.\n\n"
           "Readers queue at the entrance on June 3.\nAnn Lee/Reuters\n"),
    GONE: ("Heavy rain closed two mountain roads overnight.\n\n"
           "Crews expect to reopen them by the evening.\n"),
}


def _run(ws: Path, *args: str, json_out: bool = True) -> subprocess.CompletedProcess[str]:
    extra = ["--json"] if json_out else []
    return subprocess.run([sys.executable, "-m", "briefing", *args, "-w", str(ws), *extra],
                          cwd=ws, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


def _doc(run: subprocess.CompletedProcess[str], code: int = 0) -> Any:
    assert run.returncode == code, run.stderr
    return json.loads(run.stdout)


def _day(doc: Any, day: str) -> Any:
    [found] = [d for d in doc["dates"] if d["date"] == day]
    return found


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _spoken(ws: Path, day: str) -> str:
    manifest = json.loads((ws / "audio" / day / f"briefing-{day}.json").read_text("utf-8"))
    return "\n".join(cue["text"] for cue in manifest["cues"])


def test_merge_conflict_and_removal_with_espeak(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "articles").mkdir(parents=True)
    for day, body in ARTICLES.items():
        (ws / "articles" / f"{day}.txt").write_text(f"date {day} {body}", encoding="utf-8")
    (ws / "briefing.toml").write_text('engine = "pyttsx3"\nrate = 240\n')
    first = _run(ws, "build")
    if first.returncode != 0 and "espeak" in first.stderr.lower():
        pytest.skip(f"espeak-ng is not available: {first.stderr.strip()}")
    _doc(first)
    script, article = ws / "scripts" / f"{KEPT}.md", ws / "articles" / f"{KEPT}.txt"

    # an edit and a wire update to different paragraphs: merged, both spoken
    _replace(script, "on the river bank.", "on the old river bank.")
    _replace(article, "twenty thousand books", "thirty thousand books")
    merged = _doc(_run(ws, "build"))
    assert [m["date"] for m in merged["merged"]] == [KEPT]
    assert _day(merged, KEPT)["script_status"] == "merged"
    spoken = _spoken(ws, KEPT)
    assert "on the old river bank" in spoken and "thirty thousand books" in spoken
    assert _day(merged, KEPT)["segments"]["synthesized"] == 2  # the two changed sentences

    # the same sentence changed on both sides: a conflict that keeps the producer's audio
    _replace(script, "next spring", "next summer")
    _replace(article, "next spring", "in the autumn")
    conflict = _doc(_run(ws, "build"), 3)
    assert _day(conflict, KEPT)["stale"] is True
    assert "next summer" in script.read_text(encoding="utf-8")
    assert "in the autumn" in (ws / "scripts" / f"{KEPT}.new.md").read_text(encoding="utf-8")
    assert "next summer" in _spoken(ws, KEPT)
    resolved = _run(ws, "resolve", KEPT, "--theirs", json_out=False)
    assert resolved.returncode == 0, resolved.stderr
    settled = _doc(_run(ws, "build"))
    assert not _day(settled, KEPT)["stale"] and "in the autumn" in _spoken(ws, KEPT)

    # the only article of a date is gone: its unedited script and audio go to the trash
    (ws / "articles" / f"{GONE}.txt").unlink()
    removed = _doc(_run(ws, "build"))
    assert removed["removed"] == [GONE]
    assert not (ws / "scripts" / f"{GONE}.md").exists()
    assert not (ws / "audio" / GONE).exists()
    trashed = {p.relative_to(ws / ".briefing" / "trash").parts[1:]
               for p in (ws / ".briefing" / "trash").rglob("*.mp3")}
    assert ("audio", GONE, f"briefing-{GONE}.mp3") in trashed
    index = (ws / "audio" / "index.html").read_text(encoding="utf-8")
    assert GONE not in index and KEPT in index
