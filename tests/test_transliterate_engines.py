"""With the real espeak-ng (espeakng-loader's, and piper's own), no name is spelled out.

espeak-ng is initialised only in spawned helper processes (see tests/test_engine_pyttsx3.py for
why the test runner itself must not), which phonemise with espeak-ng's ``TextToPhonemes``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from briefing.build.segment_plan import plan_segments
from briefing.engines.base import Engine, VoiceSettings
from briefing.engines.espeak import Pyttsx3Engine
from briefing.engines.repertoire_probe import phonemes, spelled
from briefing.errors import EngineUnavailableError
from briefing.speech.spoken import spoken_text
from briefing.text.script_read import Chapter, Paragraph, Script
from tests.conftest import Cli

pytestmark = pytest.mark.real_engine

TEXT = "Hà Nội, Nguyễn, đàn bầu, Łódź, Reykjavík, Þingvellir, Київ."
SPELLED = ["Nội", "Nguyễn", "bầu", "Київ", "Москва", "Αθήνα", "北京"]
"""Words espeak-ng's English voices spell letter by letter (the test's own check)."""
TIMEOUT = 120.0


def _engine(backend: str) -> Engine:
    if backend == "piper":
        from briefing.engines.piper import PiperEngine

        try:
            return PiperEngine()
        except EngineUnavailableError as exc:
            pytest.skip(f"piper is not installed: {exc}")
    return Pyttsx3Engine()


T = TypeVar("T")


def _in_child(function: Callable[..., T], *args: Any) -> T:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        try:
            return pool.apply_async(function, args).get(TIMEOUT)
        except (ImportError, OSError, RuntimeError) as exc:
            pytest.skip(f"espeak-ng cannot be loaded: {exc}")


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


@pytest.mark.parametrize(("backend", "voice"), [
    ("espeak-ng", None), ("espeak-ng", "en-us"), ("piper", None),
])
def test_no_word_of_the_spoken_text_is_spelled(backend: str, voice: str | None) -> None:
    engine = _engine(backend)
    espeak_voice = voice or ("en-us" if backend == "piper" else "en")
    spoken = spoken_text(TEXT, "en", None, engine.repertoire(voice))
    assert spoken != TEXT
    words = _words(spoken)
    checks = _in_child(spelled, backend, espeak_voice, words + SPELLED)
    assert dict(zip(words, checks[:len(words)], strict=True)) == dict.fromkeys(words, False)
    # The check itself sees the spelling that transliteration avoids.
    assert checks[len(words):] == [True] * len(SPELLED)
    said = _in_child(phonemes, backend, espeak_voice, [spoken, TEXT])
    letter = "lɛɾɚ" if espeak_voice == "en-us" else "lɛtə"
    assert letter not in said[0].replace("ˈ", "").replace("ˌ", "")
    assert letter in said[1].replace("ˈ", "").replace("ˌ", "")


def test_plans_keep_the_real_spelling_and_send_the_transliteration() -> None:
    script = Script(date=dt.date(2024, 5, 20), title="Briefing", voice=None, rate=None,
                    lang="en", chapters=(Chapter("Hà Nội", (Paragraph((TEXT,)),)),))
    [segment] = plan_segments(script, Pyttsx3Engine(), VoiceSettings())
    assert segment.text == TEXT
    assert "Noi" in segment.spoken and "Nội" not in segment.spoken
    assert "Łódź" in segment.spoken  # espeak-ng's English voice reads it


def test_preview_and_transcripts_of_a_real_build(ws: Path, cli: Cli) -> None:
    article = ws / "2024-05-20-hanoi.txt"
    article.write_text(
        " date 2024-05-20 Musicians in Hà Nội play the đàn bầu at a festival of folk music.\n\n"
        "Nguyễn Văn Minh, who has played for forty years, opened the evening in Hà Nội.\n\n"
        "Nguyễn Văn Minh plays the đàn bầu on the stage in Hà Nội.\n"
        "Photo by Lê Minh, AFP\n", encoding="utf-8")
    built = cli("build", article, "-w", ws, "--engine", "pyttsx3", "--json")
    assert built.exit_code == 0, built.stderr
    preview = cli("preview", "2024-05-20", "-w", ws, "--engine", "pyttsx3", "--json")
    assert preview.exit_code == 0, preview.stderr
    segments = preview.json()
    assert any("Nội" in s["text"] for s in segments)
    assert all("Nội" not in s["spoken"] and "Nguyễn" not in s["spoken"] for s in segments)
    assert any("Noi" in s["spoken"] for s in segments)
    assert all(s["cached"] for s in segments)
    texts = [p.read_text(encoding="utf-8") for p in ws.rglob("*")
             if p.suffix in {".vtt", ".srt", ".md", ".html"} and p.is_file()]
    assert texts and any("Nguyễn" in t for t in texts)
    assert not any("Nguyen" in t for t in texts)
