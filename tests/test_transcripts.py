"""Transcripts (WebVTT, SRT) and chapters.json, read back by other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import srt
import webvtt
from mutagen.id3 import ID3


@pytest.fixture
def built(ws: Path, cli, seed_path: Path) -> tuple[Path, dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = cli("build", seed_path, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    return ws, result.json()["dates"][0]


def seconds(ts: str) -> float:
    h, m, s = ts.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_webvtt_cues_are_monotonic_and_cover_the_audio(built) -> None:  # type: ignore[no-untyped-def]
    ws, day = built
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    starts = [seconds(c.start) for c in vtt.captions]
    ends = [seconds(c.end) for c in vtt.captions]
    assert len(vtt.captions) == day["segments"]["total"]
    assert starts == sorted(starts) and all(s < e for s, e in zip(starts, ends, strict=True))
    assert all(e <= n for e, n in zip(ends, starts[1:], strict=False))
    assert starts[0] == 0
    assert abs(ends[-1] - day["duration_ms"] / 1000) <= 1.0
    titles = [c.identifier for c in vtt.captions if c.identifier]
    assert titles == [c["title"] for c in day["chapters"]]


def test_cues_start_at_their_chapters(built) -> None:  # type: ignore[no-untyped-def]
    ws, day = built
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    firsts = {c.identifier: seconds(c.start) for c in vtt.captions if c.identifier}
    for chapter in day["chapters"]:
        assert abs(firsts[chapter["title"]] * 1000 - chapter["start_ms"]) <= 50


def test_srt_matches_webvtt(built) -> None:  # type: ignore[no-untyped-def]
    ws, day = built
    subs = list(srt.parse((ws / day["files"]["srt"]).read_text(encoding="utf-8")))
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    assert len(subs) == len(vtt.captions)
    for sub, cap in zip(subs, vtt.captions, strict=True):
        assert abs(sub.start.total_seconds() - seconds(cap.start)) < 0.002
        assert sub.content.splitlines()[-1] == cap.text
    assert subs[0].content.splitlines()[0] == "[Opening]"


def test_chapters_json_matches_the_mp3(built) -> None:  # type: ignore[no-untyped-def]
    ws, day = built
    doc = json.loads((ws / day["files"]["chapters_json"]).read_text(encoding="utf-8"))
    assert doc["version"] == "1.2.0"
    chaps = sorted(ID3(ws / day["files"]["mp3"]).getall("CHAP"), key=lambda f: f.start_time)
    assert len(doc["chapters"]) == len(chaps)
    for entry, frame in zip(doc["chapters"], chaps, strict=True):
        assert abs(entry["startTime"] * 1000 - frame.start_time) <= 50
        assert entry["title"] == frame.sub_frames["TIT2"].text[0]
        assert entry["toc"] is True


def test_hostile_text_is_escaped_in_webvtt(ws: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "a.txt"
    article.write_text(" date 2024-01-02 Officials said <script>alert('x')</script> & more "
                       "--> here.\n\nA crowd gathers on January 2.\nAnn Lee/AP\n")
    result = cli("build", article, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    day = result.json()["dates"][0]
    text = (ws / day["files"]["vtt"]).read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more --&gt; here." in text
    # every cue line is a cue: the "-->" in the text did not make a timing line
    assert sum(1 for line in text.splitlines() if " --> " in line) == day["segments"]["total"]
    subs = list(srt.parse((ws / day["files"]["srt"]).read_text(encoding="utf-8")))
    assert any("<script>alert('x')</script> & more --> here." in s.content for s in subs)
