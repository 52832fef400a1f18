"""A second voice for photo descriptions: ``photo_voice``/``photo_rate`` in briefing.toml and
the script's front matter, a heading's ``<!-- voice: ... rate: ... -->`` over both, each
chapter's voice in its segments' cache keys, and a voice the engine lacks refused in one line."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import wave
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from briefing.chapters import ChapterKind
from briefing.engines.fake import HIGH_VOICE
from briefing.text.script_read import read_script
from tests.conftest import REPO, run_cli

ARTICLES = ["2024-05-14-river-cleanup.txt", "2024-05-14-night-trains.txt",
            "2024-05-15-glacier-survey.txt"]
TOML = 'engine = "fake"\n'


def _build(ws: Path, *extra: str, code: int = 0, command: str = "build") -> Any:
    result = run_cli(command, "-w", ws, "--json", *extra)
    assert result.exit_code == code, result.stderr
    return result


def _render(ws: Path) -> dict[str, Any]:
    """``render --json`` (the scripts as they are, edited by the producer) by date."""
    return {d["date"]: d for d in _build(ws, command="render").json()["dates"]}


def _segments(ws: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (ws / ".briefing").rglob("*.wav")}


def _pitch(wav: bytes) -> float:
    """The mean frequency of a fake segment, from its zero crossings (Hz)."""
    with wave.open(BytesIO(wav)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True)
               for i in range(0, len(frames), 2)]
    ups = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return ups * rate / len(samples)


def _photo_sentences(ws: Path) -> dict[str, set[str]]:
    """Per date, the distinct sentences of its photo chapters."""
    found = {}
    for path in sorted((ws / "scripts").glob("*.md")):
        script = read_script(path)
        found[path.stem] = {s for c in script.chapters if c.kind is ChapterKind.PHOTO
                            for s in c.sentences}
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two dates (three articles, six photos) built once with the fake engine's own voice."""
    ws = tmp_path_factory.mktemp("voice") / "ws"
    (ws / "articles").mkdir(parents=True)
    for name in ARTICLES:
        shutil.copy(REPO / "articles" / name, ws / "articles" / name)
    (ws / "briefing.toml").write_text(TOML)
    _build(ws)
    return ws


@pytest.fixture
def copy(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return ws


def test_photo_voice_resynthesises_exactly_the_photo_chapters_in_the_other_voice(
        copy: Path) -> None:
    before = _segments(copy)
    photos = _photo_sentences(copy)
    (copy / "briefing.toml").write_text(TOML + f'photo_voice = "{HIGH_VOICE}"\n')
    doc = _build(copy).json()
    counts = {d["date"]: d["segments"]["synthesized"] for d in doc["dates"]}
    assert counts == {day: len(sentences) for day, sentences in photos.items()}
    assert all(counts.values())
    for path in (copy / "scripts").glob("*.md"):  # generated: the front matter says so
        assert f'\nphoto_voice: "{HIGH_VOICE}"\n' in path.read_text(encoding="utf-8")
    after = _segments(copy)
    new = [after[name] for name in after.keys() - before.keys()]
    assert len(new) == sum(counts.values())
    old = [_pitch(w) for w in before.values()]
    high = [_pitch(w) for w in new]
    assert max(old) < 370 and min(high) > 285  # the fake voices: 150-350 Hz, an octave up
    assert sorted(high)[len(high) // 2] > 1.5 * sorted(old)[len(old) // 2]
    assert _build(copy).json()["dates"][0]["segments"]["synthesized"] == 0


def test_photo_rate_alone_keeps_the_voice_and_changes_the_timing(copy: Path) -> None:
    photos = _photo_sentences(copy)
    (copy / "briefing.toml").write_text(TOML + "photo_rate = 120\n")
    doc = _build(copy).json()
    assert {d["date"]: d["segments"]["synthesized"] for d in doc["dates"]} == {
        day: len(s) for day, s in photos.items()}
    text = (copy / "scripts" / "2024-05-15.md").read_text(encoding="utf-8")
    assert "\nphoto_rate: 120\n" in text and "photo_voice" not in text


def test_unset_photo_voice_is_not_written_into_generated_scripts(built: Path) -> None:
    for path in (built / "scripts").glob("*.md"):
        head = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        assert "photo_voice" not in head and "photo_rate" not in head


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_front_matter_wins_over_briefing_toml(copy: Path) -> None:
    script = copy / "scripts" / "2024-05-15.md"
    _edit(script, "\nrate: ", "\nphoto_voice: fake\nrate: ")  # the producer keeps one voice
    (copy / "briefing.toml").write_text(TOML + f'photo_voice = "{HIGH_VOICE}"\n')
    photos = _photo_sentences(copy)
    before = _segments(copy)
    doc = _render(copy)
    # 2024-05-15's photos in the script's voice ("fake", keyed apart from the default voice),
    # 2024-05-14's (no photo_voice in its script) in briefing.toml's
    assert {d: r["segments"]["synthesized"] for d, r in doc.items()} == {
        d: len(s) for d, s in photos.items()}
    new = {name: _pitch(w) for name, w in _segments(copy).items() if name not in before}
    assert len(new) == sum(len(s) for s in photos.values())
    low = [p for p in new.values() if p < 370]
    assert len(low) == len(photos["2024-05-15"]) and len(new) - len(low) == len(
        photos["2024-05-14"])


def test_a_heading_comment_overrides_both_for_its_chapter(copy: Path) -> None:
    script = copy / "scripts" / "2024-05-15.md"
    (copy / "briefing.toml").write_text(TOML + f'photo_voice = "{HIGH_VOICE}"\n')
    _edit(script, "\nrate: ", f"\nphoto_voice: {HIGH_VOICE}\nrate: ")
    text = script.read_text(encoding="utf-8")
    heading = re.search(r"^## Photo 2: .*<!-- kind: photo of story 1 -->$", text, re.M)
    assert heading is not None
    _edit(script, heading.group(0), heading.group(0) + " <!-- voice: default rate: 175 -->")
    other = re.search(r"^## Story 1: .*-->$", text, re.M)
    assert other is not None
    _edit(script, other.group(0), other.group(0) + f" <!-- voice: {HIGH_VOICE} -->")
    chapters = read_script(script).chapters
    by_kind = {(c.kind, c.title.split(":")[0]): c.sentences for c in chapters}
    before = _segments(copy)
    doc = _render(copy)
    # photo 1 (front matter's voice) and story 1 (its own comment) change; photo 2 stays
    expected = (set(by_kind[(ChapterKind.PHOTO, "Photo 1")])
                | set(by_kind[(ChapterKind.STORY, "Story 1")]))
    assert doc["2024-05-15"]["segments"]["synthesized"] == len(expected)
    new = [w for name, w in _segments(copy).items() if name not in before]
    assert new and all(_pitch(w) > 285 for w in new)


@pytest.mark.parametrize("where", ["toml", "front", "heading"])
def test_a_voice_the_engine_lacks_is_one_line_naming_the_file(copy: Path, where: str) -> None:
    script = copy / "scripts" / "2024-05-15.md"
    if where == "toml":
        (copy / "briefing.toml").write_text(TOML + 'photo_voice = "nobody"\n')
        named = "briefing.toml"
    elif where == "front":
        _edit(script, "\nrate: ", "\nphoto_voice: nobody\nrate: ")
        named = "2024-05-15.md"
    else:
        _edit(script, "<!-- kind: closing -->", "<!-- kind: closing --> <!-- voice: nobody -->")
        named = "2024-05-15.md"
    result = run_cli("render", "-w", copy)
    assert result.exit_code == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if "nobody" in ln]
    assert len(lines) == 1 and named in lines[0] and "no voice 'nobody'" in lines[0], \
        result.stderr
    if where == "heading":
        assert re.search(r"line \d+: ", lines[0])


@pytest.mark.parametrize("comment", ["voice: fake rate: 9", "voice:", "rate: 160 pitch: 3",
                                     "voice: fake voice: fake"])
def test_a_malformed_voice_comment_is_refused_with_its_line(copy: Path, comment: str) -> None:
    script = copy / "scripts" / "2024-05-15.md"
    _edit(script, "<!-- kind: closing -->", f"<!-- kind: closing --> <!-- {comment} -->")
    result = run_cli("check", "-w", copy)
    assert result.exit_code == 2, result.stderr + result.stdout
    assert re.search(r"2024-05-15\.md.*line \d+: .*voice comment", result.stderr), result.stderr


def test_a_voice_comment_off_a_heading_is_refused(copy: Path) -> None:
    script = copy / "scripts" / "2024-05-15.md"
    _edit(script, "<!-- kind: closing -->\n", "<!-- kind: closing -->\n<!-- rate: 160 -->\n")
    result = run_cli("render", "-w", copy)
    assert result.exit_code == 2, result.stderr
    assert "belongs on a chapter's '## ' heading line" in result.stderr


def test_json_report_is_json(built: Path) -> None:
    assert json.loads(run_cli("status", "-w", built, "--json").stdout)
