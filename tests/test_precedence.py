"""One order of precedence for the settings a script can also give: the command line, then the
script's front matter, then briefing.toml, then the defaults; a command-line value overriding
the script's is reported; rate presets are accepted everywhere; the estimate reads photo
chapters at their own rate."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from briefing.build.voices import (
    chapter_voices,
    override_notes,
    photo_voice,
    script_gaps,
    script_voice,
)
from briefing.build.workspace import Workspace
from briefing.chapters import ChapterKind
from briefing.cli.common import resolve_settings
from briefing.config import PAUSES, RATE_PRESETS, Given, Settings
from briefing.errors import ScriptError
from briefing.text.script_read import Script, parse_script
from tests.conftest import Cli, SeedBuild

DAY = "2023-09-27"
BODY = """
## Opening <!-- kind: opening -->

Hello there.

## Story 1: A <!-- kind: story 1 -->

One two three four five six.

## Photo 1: X <!-- kind: photo of story 1 -->

Photo 1 out of 1. Seven eight nine ten.
"""


def script(**front: object) -> Script:
    lines = "".join(f"{k}: {v}\n" for k, v in front.items())
    return parse_script(f"---\ndate: 2024-05-14\n{lines}---\n{BODY}", Path("s.md"))


def toml(ws: Path, text: str) -> Settings:
    ws.mkdir(exist_ok=True)
    (ws / "briefing.toml").write_text(text, encoding="utf-8")
    return resolve_settings(Workspace(ws), "fake", None, None)


def cli_settings(ws: Path, **given: str) -> Settings:
    ws.mkdir(exist_ok=True)
    return resolve_settings(Workspace(ws), "fake", given.get("voice"), given.get("rate"),
                            photo_voice=given.get("photo_voice"),
                            photo_rate=given.get("photo_rate"))


# (setting, briefing.toml line, front matter value, command-line value, what each layer gives)
LAYERS = [
    ("rate", "rate = 200", "160", "fast", (175, 200, 160, 240)),
    ("voice", 'voice = "toml-voice"', "fm-voice", "cli-voice", (None, "toml-voice",
                                                                "fm-voice", "cli-voice")),
    ("photo_rate", "photo_rate = 150", "slow", "faster", (175, 150, 140, 300)),
    ("photo_voice", 'photo_voice = "toml-photo"', "fm-photo", "cli-photo",
     (None, "toml-photo", "fm-photo", "cli-photo")),
    ("sentence_pause_ms", "sentence_pause_ms = 300", "0", "100", (250, 300, 0, 100)),
    ("paragraph_pause_ms", "paragraph_pause_ms = 900", "1500", "2000", (650, 900, 1500, 2000)),
    ("chapter_pause_ms", "chapter_pause_ms = 0", "2500", "3000", (1200, 0, 2500, 3000)),
]


def value(settings: Settings, s: Script, name: str) -> Any:
    if name in PAUSES:
        return getattr(script_gaps(settings, s), name.replace("_pause", ""))
    chosen = photo_voice(settings, s) if name.startswith("photo_") else script_voice(settings, s)
    return getattr(chosen, name.removeprefix("photo_"))


def as_set(name: str, typed: str) -> Any:
    """A command-line value as resolve_settings stores it."""
    return int(typed) if name in PAUSES else RATE_PRESETS.get(typed, typed)


@pytest.mark.parametrize(("name", "line", "front", "typed", "expected"), LAYERS)
def test_each_layer_wins_over_the_ones_after_it(tmp_path: Path, name: str, line: str,
                                                front: str, typed: str,
                                                expected: tuple[Any, ...]) -> None:
    default, from_toml, from_front, from_cli = expected
    assert value(cli_settings(tmp_path / "a"), script(), name) == default
    with_toml = toml(tmp_path / "b", line + "\n")
    assert value(with_toml, script(), name) == from_toml
    assert value(with_toml, script(**{name: front}), name) == from_front
    # the command line over both (briefing.toml still there, front matter still there)
    given = dataclasses.replace(with_toml, **{name: as_set(name, typed)},
                                command_line=(Given(name, typed, getattr(with_toml, name)),))
    assert value(given, script(**{name: front}), name) == from_cli
    notes = override_notes(given, script(**{name: front}))
    assert notes == (f"2024-05-14: --{name.replace('_', '-')} {typed} overrides the script's "
                     f"{name}: {as_set(name, front)}",)
    assert override_notes(given, script()) == ()  # nothing of the script's is overridden


def test_the_command_line_reaches_only_its_own_setting(tmp_path: Path) -> None:
    settings = cli_settings(tmp_path, rate="fast")
    assert settings.command_line == (Given("rate", "fast", 175),) and settings.rate == 240
    s = script(rate=175, photo_rate=130)
    voices = chapter_voices(settings, s)
    kinds = [c.kind for c in s.chapters]
    assert [v.rate for v in voices] == [130 if k is ChapterKind.PHOTO else 240 for k in kinds]
    assert script_voice(cli_settings(tmp_path, photo_rate="slow"), s).rate == 175


def test_a_heading_comment_still_sets_its_own_chapter(tmp_path: Path) -> None:
    text = ("---\ndate: 2024-05-14\nrate: 175\n---\n"
            + BODY.replace("<!-- kind: story 1 -->", "<!-- kind: story 1 --> <!-- rate: slow -->"))
    s = parse_script(text, Path("s.md"))
    voices = chapter_voices(cli_settings(tmp_path, rate="fastest"), s)
    assert [v.rate for v in voices] == [380, 140, 380]


@pytest.mark.parametrize(("front", "expected"), [
    ("rate: fast", (240, None)), ("rate: Slow", (140, None)), ("photo_rate: faster", (None, 300)),
    ("rate: normal\nphoto_rate: fastest", (175, 380)), ("rate: 200", (200, None)),
])
def test_presets_in_front_matter(front: str, expected: tuple[int | None, int | None]) -> None:
    s = parse_script(f"---\ndate: 2024-05-14\n{front}\n---\n{BODY}", Path("s.md"))
    assert (s.rate, s.photo_rate) == expected


@pytest.mark.parametrize(("front", "message"), [
    ("rate: quick", r"line 3: front matter rate 'quick' is neither words per minute nor one "
                    r"of: slow \(140\)"),
    ("photo_rate: 20", r"line 3: front matter photo_rate 20 must be words per minute"),
    ("rate: true", r"line 3: front matter rate True must be words per minute"),
])
def test_bad_rates_in_front_matter_name_the_line(front: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message):
        parse_script(f"---\ndate: 2024-05-14\n{front}\n---\n{BODY}", Path("s.md"))


def test_presets_in_briefing_toml_and_on_the_command_line(tmp_path: Path) -> None:
    settings = toml(tmp_path / "a", 'rate = "slow"\nphoto_rate = "fast"\n')
    assert (settings.rate, settings.photo_rate) == (140, 240)
    settings = cli_settings(tmp_path / "b", rate="faster", photo_rate="slow")
    assert (settings.rate, settings.photo_rate) == (300, 140)


def _edited(seed: SeedBuild) -> Path:
    path = seed.ws / "scripts" / f"{DAY}.md"
    text = path.read_text(encoding="utf-8")
    assert "\nrate: 175\n" in text
    path.write_text(text.replace("This is your news briefing", "Good morning. This is your "
                                 "news briefing", 1), encoding="utf-8")
    return path


def test_render_rate_fast_on_an_edited_script_is_used_and_reported(seed_copy: SeedBuild,
                                                                   cli: Cli) -> None:
    ws = seed_copy.ws
    _edited(seed_copy)
    before = cli("render", DAY, "-w", ws, "--engine", "fake", "--json")
    assert before.exit_code == 0, before.stderr
    assert before.json()["notes"] == [] and "note:" not in before.stderr
    fast = cli("render", DAY, "-w", ws, "--engine", "fake", "--rate", "fast", "--json")
    assert fast.exit_code == 0, fast.stderr
    note = f"{DAY}: --rate fast overrides the script's rate: 175"
    assert fast.json()["notes"] == [note]
    assert f"note: {note}" in fast.stderr
    [slow_day], [fast_day] = before.json()["dates"], fast.json()["dates"]
    assert fast_day["segments"]["synthesized"] > 0.8 * fast_day["segments"]["total"]
    # the fake engine speaks 60000/rate ms a word: 240 against 175 is about 27% less speech
    assert fast_day["duration_ms"] < slow_day["duration_ms"] * 0.85
    again = cli("render", DAY, "-w", ws, "--engine", "fake", "--json")  # back to the script's
    assert again.json()["dates"][0]["duration_ms"] == slow_day["duration_ms"]
    assert again.json()["dates"][0]["segments"]["synthesized"] == 0


def test_a_command_line_value_equal_to_the_scripts_is_not_reported(seed_copy: SeedBuild,
                                                                   cli: Cli) -> None:
    _edited(seed_copy)
    result = cli("render", DAY, "-w", seed_copy.ws, "--engine", "fake", "--rate", "normal",
                 "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["notes"] == []


def test_check_accepts_a_preset_in_front_matter_and_refuses_a_bad_one(
        seed_copy: SeedBuild, seed_path: Path, cli: Cli) -> None:
    path = _edited(seed_copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nrate: 175\n", "\nrate: fast\n"), encoding="utf-8")
    result = cli("check", seed_path, "-w", seed_copy.ws)
    assert result.exit_code == 0, result.stderr
    path.write_text(text.replace("\nrate: 175\n", "\nrate: quick\n"), encoding="utf-8")
    result = cli("check", seed_path, "-w", seed_copy.ws)
    assert result.exit_code == 2
    assert "line 5: front matter rate 'quick'" in result.stderr


def test_the_estimate_reads_photo_chapters_at_photo_rate(cli: Cli, ws: Path,
                                                         seed_path: Path) -> None:
    (ws / "articles").mkdir()
    shutil.copy(seed_path, ws / "articles")
    plain = cli("status", "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    (ws / "briefing.toml").write_text('photo_rate = "fastest"\n', encoding="utf-8")
    status = cli("status", "-w", ws, "--engine", "fake", "--json")
    assert status.exit_code == 0, status.stderr
    estimated = status.json()["dates"][0]
    built = cli("build", "-w", ws, "--engine", "fake", "--json")
    assert built.exit_code == 0, built.stderr
    chapters = built.json()["dates"][0]["chapters"]
    for before, after, chapter in zip(plain["estimated_chapters"],
                                      estimated["estimated_chapters"], chapters, strict=True):
        real = chapter["end_ms"] - chapter["start_ms"]
        assert after["estimated_duration_ms"] == pytest.approx(real, rel=0.10, abs=300)
        if chapter["kind"] == "photo":  # 380 words a minute against 175
            assert after["estimated_duration_ms"] < before["estimated_duration_ms"] * 0.8
        else:
            assert after["estimated_duration_ms"] == before["estimated_duration_ms"]


def test_build_rate_fast_reads_the_scripts_fast_without_rewriting_them(
        seed_copy: SeedBuild, seed_path: Path, cli: Cli) -> None:
    """The command line is for the run: a build neither merges it into an edited script nor
    regenerates an unedited one with it; 'briefing script --rate' is how to write it in."""
    ws = seed_copy.ws
    path = _edited(seed_copy)
    edited = path.read_text(encoding="utf-8")
    result = cli("build", seed_path, "-w", ws, "--engine", "fake", "--rate", "fast", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["merged"] == [] and report["dates"][0]["script_status"] in ("kept", "")
    assert path.read_text(encoding="utf-8") == edited
    assert report["notes"] == [f"{DAY}: --rate fast overrides the script's rate: 175"]
    assert report["dates"][0]["duration_ms"] < seed_copy.day["duration_ms"] * 0.85
    written = cli("script", seed_path, "-w", ws, "--rate", "fast", "--force", "--json")
    assert written.exit_code == 0, written.stderr
    assert "\nrate: 240\n" in path.read_text(encoding="utf-8")


def test_pauses_from_the_command_line_and_front_matter_reach_the_audio_and_the_estimate(
        seed_copy: SeedBuild, cli: Cli) -> None:
    ws = seed_copy.ws
    path = _edited(seed_copy)
    base = cli("render", DAY, "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    wide = cli("render", DAY, "-w", ws, "--engine", "fake", "--paragraph-pause-ms", "2000",
               "--json")
    assert wide.exit_code == 0, wide.stderr
    assert wide.json()["notes"] == []  # the script gives no pause of its own: nothing overridden
    longer = wide.json()["dates"][0]["duration_ms"] - base["duration_ms"]
    gaps = round(longer / 1350)  # whole paragraph gaps, 2000 ms each for 650
    assert gaps > 0 and abs(longer - gaps * 1350) < 30
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nrate: 175\n", "\nrate: 175\nparagraph_pause_ms: 2000\n"),
                    encoding="utf-8")
    estimate = cli("status", "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    own = cli("render", DAY, "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    assert own["duration_ms"] == wide.json()["dates"][0]["duration_ms"]
    assert estimate["estimated_duration_ms"] == pytest.approx(own["duration_ms"], rel=0.10)
    narrow = cli("render", DAY, "-w", ws, "--engine", "fake", "--paragraph-pause-ms", "650",
                 "--json")
    assert narrow.json()["notes"] == [f"{DAY}: --paragraph-pause-ms 650 overrides the "
                                      "script's paragraph_pause_ms: 2000"]
    assert narrow.json()["dates"][0]["duration_ms"] == base["duration_ms"]
