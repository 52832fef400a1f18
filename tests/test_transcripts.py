"""Transcripts (WebVTT, SRT) and chapters.json, read back by other tools."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pysubs2
import pytest
import srt
import webvtt
from mutagen.id3 import ID3

from briefing.audio.assemble import LEAD_MS
from briefing.publish.transcripts import MAX_LINE, MAX_LINES, Cue, caption_blocks, caption_cues
from tests.conftest import Cli, SeedBuild

Built = tuple[Path, dict[str, Any]]


@pytest.fixture
def built(seed_build: SeedBuild) -> Built:
    """The seed's shared build (read only): its workspace and its date's report."""
    return seed_build.ws, seed_build.day


def seconds(ts: str) -> float:
    h, m, s = ts.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_webvtt_cues_are_monotonic_and_cover_the_audio(built: Built) -> None:
    ws, day = built
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    starts = [seconds(c.start) for c in vtt.captions]
    ends = [seconds(c.end) for c in vtt.captions]
    manifest = json.loads((ws / day["files"]["manifest"]).read_text(encoding="utf-8"))
    sentences = [c["text"] for c in manifest["cues"]]
    assert len(sentences) == day["segments"]["total"]
    # every sentence is shown whole, in order, in one cue or a few after each other
    shown = " ".join(" ".join(c.text.splitlines()) for c in vtt.captions)
    assert shown == " ".join(" ".join(t.split()) for t in sentences)
    assert len(sentences) <= len(vtt.captions) <= 3 * len(sentences)
    assert starts == sorted(starts) and all(s < e for s, e in zip(starts, ends, strict=True))
    assert all(e <= n for e, n in zip(ends, starts[1:], strict=False))
    assert starts[0] == LEAD_MS / 1000  # the first words, after the chapter's lead-in
    assert abs(ends[-1] - day["duration_ms"] / 1000) <= 1.0
    titles = [c.identifier for c in vtt.captions if c.identifier]
    assert titles == [c["title"] for c in day["chapters"]]


def test_cues_start_at_their_chapters(built: Built) -> None:
    ws, day = built
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    firsts = {c.identifier: seconds(c.start) for c in vtt.captions if c.identifier}
    for chapter in day["chapters"]:  # its first words, after its lead-in
        assert abs(firsts[chapter["title"]] * 1000 - chapter["start_ms"] - LEAD_MS) <= 50


def test_srt_matches_webvtt(built: Built) -> None:
    ws, day = built
    subs = list(srt.parse((ws / day["files"]["srt"]).read_text(encoding="utf-8")))
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    assert len(subs) == len(vtt.captions)
    for sub, cap in zip(subs, vtt.captions, strict=True):
        assert abs(sub.start.total_seconds() - seconds(cap.start)) < 0.002
        lines = sub.content.splitlines()
        assert "\n".join(lines[1:] if lines[0].startswith("[") else lines) == cap.text
    assert subs[0].content.splitlines()[0] == "[Opening]"


def test_chapters_json_matches_the_mp3(built: Built) -> None:
    ws, day = built
    doc = json.loads((ws / day["files"]["chapters_json"]).read_text(encoding="utf-8"))
    assert doc["version"] == "1.2.0"
    chaps = sorted(ID3(ws / day["files"]["mp3"]).getall("CHAP"), key=lambda f: f.start_time)
    assert len(doc["chapters"]) == len(chaps)
    for entry, frame in zip(doc["chapters"], chaps, strict=True):
        assert abs(entry["startTime"] * 1000 - frame.start_time) <= 50
        assert entry["title"] == frame.sub_frames["TIT2"].text[0]


SPEC_CHAPTER_FIELDS = {"startTime", "endTime", "title", "img", "url", "toc", "location"}
"""The chapter object's fields in the Podcasting 2.0 JSON chapters spec (version 1.2)."""


def test_chapters_json_hides_photos_from_the_toc(built) -> None:  # type: ignore[no-untyped-def]
    ws, day = built
    doc = json.loads((ws / day["files"]["chapters_json"]).read_text(encoding="utf-8"))
    assert isinstance(doc["version"], str) and isinstance(doc["chapters"], list)
    for entry in doc["chapters"]:
        assert set(entry) <= SPEC_CHAPTER_FIELDS and isinstance(entry["startTime"], float | int)
        assert isinstance(entry["toc"], bool) and isinstance(entry["title"], str)
    starts = [c["startTime"] for c in doc["chapters"]]
    assert starts == sorted(starts)
    # every chapter is listed; the photos under their story are kept out of the toc
    assert [c["title"] for c in doc["chapters"]] == [c["title"] for c in day["chapters"]]
    assert [c["toc"] for c in doc["chapters"]] == [
        c["kind"] != "photo" for c in day["chapters"]]
    assert [c["level"] for c in day["chapters"]] == [1 + (not c["toc"]) for c in doc["chapters"]]
    assert sum(not c["toc"] for c in doc["chapters"]) == day["photos"] > 0
    assert doc["chapters"][0]["toc"] and doc["chapters"][-1]["toc"]


def test_hostile_text_is_escaped_in_webvtt(ws: Path, cli: Cli, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(" date 2024-01-02 Officials said <script>alert('x')</script> & more "
                       "--> here.\n\nA crowd gathers on January 2.\nAnn Lee/AP\n")
    result = cli("build", article, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    day = result.json()["dates"][0]
    text = (ws / day["files"]["vtt"]).read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more --&gt; here." in " ".join(
        text.split())
    # every timing line is a cue's: the "-->" in the text did not make one
    timings = [line for line in text.splitlines() if "-->" in line]
    assert all(re.fullmatch(r"[\d:.]{12} --> [\d:.]{12}", line) for line in timings)
    assert len(timings) == len(webvtt.read(str(ws / day["files"]["vtt"])).captions)
    subs = list(srt.parse((ws / day["files"]["srt"]).read_text(encoding="utf-8")))
    assert "<script>alert('x')</script> & more --> here." in " ".join(
        " ".join(s.content.split()) for s in subs)


def test_cue_lines_are_short(built: Built) -> None:
    ws, day = built
    for name in ("vtt", "srt"):
        subs = pysubs2.load(str(ws / day["files"][name]), encoding="utf-8")
        assert subs.events, name
        for event in subs.events:
            # pysubs2 reads WebVTT as SRT: the next cue's identifier (a chapter title) comes
            # after a blank line at the end of the text
            text = event.plaintext.split("\n\n")[0]
            lines = [line for line in text.splitlines()
                     if not (line.startswith("[") and line.endswith("]"))]  # SRT chapter
            assert 1 <= len(lines) <= MAX_LINES, (name, event.plaintext)
            assert all(0 < len(line) <= MAX_LINE for line in lines), (name, event.plaintext)
    vtt = pysubs2.load(str(ws / day["files"]["vtt"]), encoding="utf-8")
    srt_subs = pysubs2.load(str(ws / day["files"]["srt"]), encoding="utf-8")
    assert [(e.start, e.end) for e in vtt] == [(e.start, e.end) for e in srt_subs]


@pytest.mark.parametrize("text", [
    "Short.",
    "A sentence of exactly the kind a news article has, with a clause or two, and a name.",
    "More than 2,000 volunteers, many of them from the villages around Goris and Kapan, cleared "
    "the mountain road on Tuesday after the storm brought down trees, officials said.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis-and-other-hyphenated-compounds ok " * 3,
    "word " * 200,
])
def test_caption_blocks_keep_every_word(text: str) -> None:
    blocks = caption_blocks(text)
    assert " ".join(" ".join(b) for b in blocks).replace(" ", "") == text.replace(" ", "")
    for block in blocks:
        assert 1 <= len(block) <= MAX_LINES and all(len(line) <= MAX_LINE for line in block)
    if len(text.strip()) <= MAX_LINE:
        assert blocks == [[text.strip()]]
    # the fewest cues: no two neighbours would fit in one
    for a, b in itertools.pairwise(blocks):
        assert len(caption_blocks(" ".join(a + b))) > 1


def test_long_sentences_are_timed_in_proportion() -> None:
    text = "alpha beta gamma delta " * 12
    [*shown] = caption_cues([Cue(1000, 9000, text, "Chapter")])
    assert len(shown) > 1 and shown[0].chapter == "Chapter"
    assert all(c.chapter is None for c in shown[1:])
    assert shown[0].start_ms == 1000 and shown[-1].end_ms == 9000
    for a, b in itertools.pairwise(shown):
        assert a.end_ms == b.start_ms
    for cue in shown:
        share = len(" ".join(cue.lines)) / len(text.strip())
        assert (cue.end_ms - cue.start_ms) / 8000 == pytest.approx(share, abs=0.02)


NODE_WEBVTT = Path(__file__).parent.parent / ".ci" / "node_modules" / "node-webvtt"


@pytest.mark.skipif(shutil.which("node") is None or not NODE_WEBVTT.is_dir(),
                    reason="node or node-webvtt (npm, installed by .ci/system-deps) is missing")
def test_node_webvtt_strict_mode_parses_the_transcript(built: Built) -> None:
    ws, day = built
    script = ("const webvtt = require(process.argv[1]);"
              "const text = require('fs').readFileSync(process.argv[2], 'utf8');"
              "const r = webvtt.parse(text, {strict: true});"
              "console.log(JSON.stringify({valid: r.valid, errors: r.errors.length,"
              " cues: r.cues.map(c => [c.start, c.end, c.text])}));")
    out = subprocess.run(["node", "-e", script, str(NODE_WEBVTT), str(ws / day["files"]["vtt"])],
                         capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    assert result["valid"] and result["errors"] == 0
    vtt = webvtt.read(str(ws / day["files"]["vtt"]))
    assert len(result["cues"]) == len(vtt.captions)
    for (start, end, text), cap in zip(result["cues"], vtt.captions, strict=True):
        assert start == pytest.approx(seconds(cap.start)) and end == pytest.approx(seconds(cap.end))
        assert all(len(line) <= MAX_LINE for line in text.split("\n"))
