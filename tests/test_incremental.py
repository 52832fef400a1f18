"""Incremental builds, sphinx style: change one input, rebuild, assert exactly what was rebuilt."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from tests.conftest import (
    REPO,
    Cli,
    add_footer_template,
    ffprobe_json,
    isolate,
    needs_ffprobe,
    run_cli,
)

DATES = [f"2024-05-{d:02d}" for d in range(1, 10)]


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Relative path → (mtime_ns, bytes) of every output and script."""
    out = {}
    for folder in ("audio", "scripts"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file():
                out[p.relative_to(root).as_posix()] = (p.stat().st_mtime_ns, p.read_bytes())
    return out


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.fixture(scope="module")
def nine_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of nine dates, built once per module with the fake engine (read only)."""
    root = tmp_path_factory.mktemp("nine")
    ws = root / "ws"
    articles = ws / "articles"
    articles.mkdir(parents=True)
    base = (REPO / "articles" / "2024-05-14-river-cleanup.txt").read_text(encoding="utf-8")
    for i, day in enumerate(DATES):
        text = base.replace("2024-05-14", day).replace("2,000 volunteers", f"{2000 + i} volunteers")
        (articles / f"{day}.txt").write_text(text, encoding="utf-8")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home", root)
        result = run_cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert [d["audio"] for d in result.json()["dates"]] == ["built"] * 9
    (root / "cold.json").write_text(result.stdout)
    return ws


@pytest.fixture
def nine(nine_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy (modification times kept) of the nine dates' built workspace; the
    current folder is another, empty folder."""
    ws = tmp_path / "ws"
    shutil.copytree(nine_built, ws, symlinks=True)
    shutil.copy2(nine_built.parent / "cold.json", tmp_path / "cold.json")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return ws


def by_date(result: Any) -> dict[str, dict[str, Any]]:
    return {d["date"]: d for d in result.json()["dates"]}


def test_noop_build_synthesises_nothing_and_rewrites_nothing(nine: Path, cli: Cli) -> None:
    before = snapshot(nine)
    state = (nine / ".briefing" / "state.json").stat().st_mtime_ns
    result = cli("build", "-w", nine, "--json")
    assert result.exit_code == 0
    for day in by_date(result).values():
        assert day["segments"]["synthesized"] == 0
        assert day["chapters_encoded"] == 0
        assert day["audio"] == "up to date"
        assert day["written"] == []
    assert changed(before, snapshot(nine)) == set()
    assert (nine / ".briefing" / "state.json").stat().st_mtime_ns == state


def test_one_sentence_edit_rebuilds_one_segment_one_chapter_one_date(nine: Path, cli: Cli) -> None:
    script = nine / "scripts" / "2024-05-05.md"
    text = script.read_text(encoding="utf-8")
    old = "City officials hope the clean-up will help the river keep its bathing-water status"
    assert old in text
    script.write_text(text.replace(old, old.replace("City officials", "Town officials")),
                      encoding="utf-8")
    before = snapshot(nine)

    status = cli("status", "-w", nine)
    assert status.exit_code == 0
    assert ("scripts/2024-05-05.md changed: 1 segment(s) to synthesise, 1 chapter(s) to encode"
            in status.stdout)
    assert status.stdout.count("would synthesise") == 1

    result = cli("build", "-w", nine, "--json")
    assert result.exit_code == 0, result.stderr
    days = by_date(result)
    edited = days.pop("2024-05-05")
    assert edited["segments"]["synthesized"] == 1
    assert edited["chapters_encoded"] == 1
    assert edited["script_status"] == "kept"
    for day in days.values():
        assert day["segments"]["synthesized"] == 0 and day["audio"] == "up to date"
    touched = changed(before, snapshot(nine))
    assert "audio/2024-05-05/briefing-2024-05-05.mp3" in touched
    assert all(p.startswith("audio/2024-05-05/") or p == "scripts/2024-05-05.new.md"
               for p in touched), touched
    # the story chapter file changed; the other chapter files of that date did not
    chapter_files = {p for p in touched if "/chapters/" in p}
    assert len(chapter_files) == 1 and "story-1" in next(iter(chapter_files))
    # the page of that date is rewritten (its transcript changed), no other date's page
    site = set(result.json()["site"])
    assert "audio/2024-05-05/index.html" in site
    assert site <= {"audio/2024-05-05/index.html", "audio/index.html"}
    # the producer's edit is still the script (the article did not change: no conflict)
    assert "Town officials" in script.read_text(encoding="utf-8")
    assert not (nine / "scripts" / "2024-05-05.new.md").exists()


def test_inserted_sentence_shifts_nothing(nine: Path, cli: Cli) -> None:
    script = nine / "scripts" / "2024-05-02.md"
    text = script.read_text(encoding="utf-8")
    anchor = "Organisers said the teams removed"
    script.write_text(text.replace(anchor, "It rained all weekend. " + anchor), encoding="utf-8")
    result = cli("render", "2024-05-02", "-w", nine, "--json")
    [day] = result.json()["dates"]
    assert day["segments"]["synthesized"] == 1
    assert day["chapters_encoded"] == 1


def test_lexicon_entry_resynthesises_exactly_the_segments_with_the_word(
        nine: Path, cli: Cli) -> None:
    (nine / "pronunciations.toml").write_text('"Sachsenbrücke" = "Saxen-brooker"\n',
                                              encoding="utf-8")
    sentences: set[str] = set()
    for day in DATES:
        text = (nine / "scripts" / f"{day}.md").read_text(encoding="utf-8")
        body = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        sentences |= {s for s in re.split(r"(?<=[.!?])\s+", body) if "Sachsenbrücke" in s}
    # identical sentences share one cache entry, across dates too
    expected = len(sentences)
    assert expected == 2
    result = cli("build", "-w", nine, "--json")
    assert result.exit_code == 0
    assert sum(d["segments"]["synthesized"] for d in result.json()["dates"]) == expected
    preview = cli("preview", "2024-05-01", "-w", nine)
    assert "Saxen-brooker" in preview.stdout and "Sachsenbrücke" not in preview.stdout
    # the script keeps the real spelling
    assert "Sachsenbrücke" in (nine / "scripts" / "2024-05-01.md").read_text(encoding="utf-8")


def test_bitrate_change_reencodes_without_synthesis(nine: Path, cli: Cli) -> None:
    (nine / "briefing.toml").write_text('engine = "fake"\nbitrate_kbps = 48\n')
    result = cli("build", "-w", nine, "--json")
    days = result.json()["dates"]
    for day in days:
        assert day["segments"]["synthesized"] == 0
        assert day["audio"] == "built"
        # mutagen averages bytes over the audio: units restart the padding pattern, +-1 b/s
        assert round(MP3(nine / day["files"]["mp3"]).info.bitrate / 1000) == 48
    # the first date encodes every chapter; later dates share the chapters that are identical
    assert days[0]["chapters_encoded"] == len(days[0]["chapters"])


def test_rate_change_regenerates_scripts_and_resynthesises(nine: Path, cli: Cli) -> None:
    (nine / "briefing.toml").write_text('engine = "fake"\nrate = 220\n')
    cold = json.loads((nine.parent / "cold.json").read_text())
    result = cli("build", "-w", nine, "--json")
    for day, first in zip(result.json()["dates"], cold["dates"], strict=True):
        assert day["script_status"] == "updated"
        assert day["segments"] == first["segments"]  # everything synthesised again
    assert "rate: 220" in (nine / "scripts" / "2024-05-03.md").read_text(encoding="utf-8")


def test_template_change_regenerates_unedited_scripts_only(nine: Path, cli: Cli) -> None:
    edited = nine / "scripts" / "2024-05-09.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA producer's closing words.\n",
                      encoding="utf-8")
    templates = nine / "templates"
    templates.mkdir()
    original = (REPO / "templates" / "script.md.j2").read_text(encoding="utf-8")
    (templates / "script.md.j2").write_text(
        original.replace("{{ briefing.closing_sentence | md }}",
                         "That was your news briefing."), encoding="utf-8")
    dry = cli("build", "-w", nine, "--dry-run", "--json")
    statuses = {d["date"]: d["script_status"] for d in dry.json()["dates"]}
    # the producer's added paragraph and the template's new closing sentence are different
    # paragraphs: the edited script is merged, not replaced
    assert statuses.pop("2024-05-09") == "would be merged"
    assert set(statuses.values()) == {"would be updated"}
    result = cli("build", "-w", nine, "--json")
    assert result.exit_code == 0, result.stderr
    days = by_date(result)
    assert days["2024-05-09"]["script_status"] == "merged"
    merged = edited.read_text(encoding="utf-8")
    assert "A producer's closing words." in merged and "That was your news briefing" in merged
    assert not (nine / "scripts" / "2024-05-09.new.md").exists()
    for day, entry in days.items():
        if day != "2024-05-09":
            assert entry["script_status"] == "updated"
    # new are only the closing's first sentence, the same words in every date (synthesised
    # once), and the producer's paragraph
    assert sum(entry["segments"]["synthesized"] for entry in days.values()) == 2


def test_corrupt_cache_entry_is_never_reused(nine: Path, cli: Cli) -> None:
    entries = sorted((nine / ".briefing" / "segments").rglob("*.wav"))
    victim = entries[0]
    victim.write_bytes(victim.read_bytes()[:100])
    # force re-assembly from the segments: no encoded chapters, no outputs
    shutil.rmtree(nine / ".briefing" / "chapters")
    shutil.rmtree(nine / "audio")
    result = cli("build", "-w", nine, "--json")
    assert result.exit_code == 0
    assert sum(d["segments"]["synthesized"] for d in result.json()["dates"]) == 1
    assert len(victim.read_bytes()) > 100


def test_deleted_output_is_rebuilt(nine: Path, cli: Cli) -> None:
    target = nine / "audio" / "2024-05-07" / "briefing-2024-05-07.mp3"
    original = target.read_bytes()
    target.unlink()
    result = cli("build", "-w", nine, "--json")
    days = by_date(result)
    assert days["2024-05-07"]["audio"] == "built"
    assert days["2024-05-07"]["written"] == ["audio/2024-05-07/briefing-2024-05-07.mp3"]
    assert target.read_bytes() == original


def test_clean_cache_removes_only_unused_entries(nine: Path, cli: Cli) -> None:
    shutil.rmtree(nine / "scripts")
    (nine / "scripts").mkdir()
    result = cli("script", nine / "articles" / "2024-05-01.txt", "-w", nine)
    assert result.exit_code == 0
    dry = cli("clean", "--cache", "--dry-run", "-w", nine, "--json").json()
    assert dry["segments_removed"] > 0 and dry["chapters_removed"] > 0
    chapters = nine / ".briefing" / "chapters"

    def kept() -> tuple[set[str], set[str]]:
        return ({p.stem for p in (chapters / "analyses").glob("??/*.knots")},
                {p.stem for p in chapters.glob("??/*.mp3")})

    assert kept()[0] == kept()[1]
    assert list((nine / ".briefing" / "checked").glob("*/??/*.json"))  # front matter checked
    done = cli("clean", "--cache", "-w", nine, "--json").json()
    assert done == dry
    assert not list((nine / ".briefing" / "checked").glob("*/??/*.json"))  # and forgotten
    assert kept()[0] == kept()[1]  # each chapter's units' loudness goes with it
    again = cli("render", "-w", nine, "--json")
    [day] = again.json()["dates"]
    assert day["segments"]["synthesized"] == 0 and day["chapters_encoded"] == 0
    assert cli("clean", "--cache", "-w", nine, "--json").json()["segments_removed"] == 0


def test_clean_refuses_when_a_script_is_broken(nine: Path, cli: Cli) -> None:
    (nine / "scripts" / "2024-05-04.md").write_text("broken\n")
    count = len(list((nine / ".briefing" / "segments").rglob("*.wav")))
    result = cli("clean", "--cache", "-w", nine)
    assert result.exit_code == 2
    assert "2024-05-04.md" in result.stderr
    assert len(list((nine / ".briefing" / "segments").rglob("*.wav"))) == count


def test_page_template_change_rewrites_every_page_and_nothing_else(nine: Path, cli: Cli) -> None:
    add_footer_template(nine)
    before = snapshot(nine)
    result = cli("build", "-w", nine, "--json")
    assert result.exit_code == 0
    assert sorted(result.json()["site"]) == sorted(f"audio/{d}/index.html" for d in DATES)
    assert changed(before, snapshot(nine)) == {f"audio/{d}/index.html" for d in DATES}
    assert all(d["segments"]["synthesized"] == 0 for d in result.json()["dates"])


def test_feed_written_with_a_base_url(nine: Path, cli: Cli) -> None:
    result = cli("build", "-w", nine, "--json", "--base-url", "https://example.org/briefings/")
    assert result.json()["site"][-1] == "audio/feed.xml"
    feed = (nine / "audio" / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 9
    assert "https://example.org/briefings/2024-05-01/briefing-2024-05-01.mp3" in feed


def _memos(ws: Path) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text()) for p in (ws / ".briefing" / "chapters" / "memo")
            .rglob("*.json")}


@needs_ffprobe
def test_an_edit_reencodes_one_unit_and_keeps_the_chapter_marks(nine: Path, cli: Cli) -> None:
    mp3 = nine / "audio" / "2024-05-05" / "briefing-2024-05-05.mp3"
    marks = ffprobe_json(mp3, "-show_chapters")["chapters"]
    memos = _memos(nine)
    script = nine / "scripts" / "2024-05-05.md"
    text = script.read_text(encoding="utf-8")
    old = "City officials hope the clean-up will help the river keep its bathing-water status"
    script.write_text(text.replace(old, old.replace("City officials", "The city's own officials")),
                      encoding="utf-8")
    assert cli("build", "-w", nine).exit_code == 0
    after = _memos(nine)
    changed_memos = [name for name in memos if after[name] != memos[name]]
    assert len(changed_memos) == 1  # the story chapter of that date
    new, previous = after[changed_memos[0]], memos[changed_memos[0]]
    assert new["gain_db"] == previous["gain_db"]  # within the tolerance: kept
    old_units = {u["digest"] for u in previous["units"]}
    assert sum(u["digest"] not in old_units for u in new["units"]) == 1
    assert len(new["units"]) == len(previous["units"]) > 1
    # the chapter marks: the same chapters, those before the edited one where they were
    now = ffprobe_json(mp3, "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in now] == [c["tags"]["title"] for c in marks]
    edited = next(i for i, (a, b) in enumerate(zip(marks, now, strict=True))
                  if a["end_time"] != b["end_time"])
    assert [c["start_time"] for c in now[: edited + 1]] == [
        c["start_time"] for c in marks[: edited + 1]]
    shift = [float(b["end_time"]) - float(a["end_time"])
             for a, b in zip(marks[edited:], now[edited:], strict=True)]
    # the later ones moved by the edit's length (the marks are in whole milliseconds)
    assert max(shift) - min(shift) <= 0.002 and min(shift) > 0.1
    if shutil.which("mp3val"):
        report = subprocess.run(["mp3val", str(mp3)], capture_output=True, text=True).stdout
        assert "ERROR" not in report, report
