"""What espeak-ng is asked to say: initialisms as aspirated letters, and ``[[...]]`` spoken as
phonemes (briefing.engines.espeak_text, briefing.engines.espeak_driver)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from briefing.engines.base import VoiceSettings
from briefing.engines.espeak import Pyttsx3Engine
from briefing.engines.espeak_text import LETTERS, SAID_ALONE, for_espeak, is_english
from briefing.errors import EngineUnavailableError
from briefing.speech.spoken import spoken_text

TIMEOUT = 120


@pytest.mark.parametrize(("text", "sent"), [
    ("Photo by Nipah Dennis, AFP, via Getty Images.",
     "Photo by Nipah Dennis, [['eI]] [['Ef]] [[ph'i:]], via Getty Images."),
    ("Pool photo via AP.", "Pool photo via [['eI]] [[ph'i:]]."),
    ("Photo by Annika Byrde, NTB.", "Photo by Annika Byrde, [['En]] [[th'i:]] [[b'i:]]."),
    ("Released by K.C.N.A. on Monday.",
     "Released by [[kh'eI]] [[s'i:]] [['En]] [['eI]] on Monday."),
    # The initialism's own dot is no full stop inside a sentence; at the end it is.
    ("At 9 a.m. on Monday.", "At nine [['eI]] [['Em]] on Monday."),
    ("It ended at 9 p.m.", "It ended at nine [[ph'i:]] [['Em]]."),
])
def test_initialisms_are_sent_as_letters_with_aspirated_stops(text: str, sent: str) -> None:
    assert for_espeak(spoken_text(text)) == sent


def test_words_numbers_and_lexicon_phonemes_are_left_alone() -> None:
    text = "NATO met in Paris on March 4, 2025. [[paSIn'jan]] said A.P. [[A.B]]"
    out = for_espeak(text)
    assert out.startswith("NATO met in Paris on March 4, 2025. [[paSIn'jan]] said ")
    assert out.endswith("[['eI]] [[ph'i:]]. [[A.B]]")
    assert for_espeak("A photo, a map. I said so.") == "A photo, a map. I said so."


def test_only_voiceless_stops_are_aspirated() -> None:
    changed = {c for c in LETTERS if LETTERS[c] != SAID_ALONE[c]}
    assert changed == {"K", "P", "Q", "T"}
    assert LETTERS["P"] == "ph'i:" and LETTERS["Q"] == "khj'u:" and LETTERS["B"] == "b'i:"


@pytest.mark.parametrize(("voice", "english"), [
    (None, True), ("en", True), ("gmw/en", True), ("gmw/en-us", True), ("en-us+m3", True),
    ("gmw/en-gb-x-rp", True), ("roa/fr", False), ("gmw/de", False), ("mb-en1", False),
    ("sit/yue", False),
])
def test_english_voices_are_recognised(voice: str | None, english: bool) -> None:
    assert is_english(voice) is english


def test_the_letter_table_is_what_espeak_ng_says_for_each_letter_alone() -> None:
    script = textwrap.dedent("""
        import ctypes, json
        from briefing.engines.espeak_library import load_library
        espeak = load_library().espeak
        espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        espeak.SetVoiceByName(b"gmw/en")
        to_phonemes = espeak.dll.espeak_TextToPhonemes
        to_phonemes.restype = ctypes.c_char_p
        said = {}
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            text = ctypes.c_char_p(c.encode())
            said[c] = to_phonemes(ctypes.pointer(text), 1, 0).decode().strip()
        print(json.dumps(said))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        pytest.skip(f"espeak-ng is not available: {done.stderr.strip()[-200:]}")
    import json

    assert json.loads(done.stdout.splitlines()[-1]) == SAID_ALONE


@pytest.fixture(scope="module")
def helper() -> Iterator[multiprocessing.pool.Pool]:
    """A spawned process holding an espeak-ng instance (skips without espeak-ng)."""
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        try:
            pool.apply_async(Pyttsx3Engine().voices).get(TIMEOUT)
        except EngineUnavailableError as exc:
            pytest.skip(f"espeak-ng is not available: {exc}")
        yield pool
    finally:
        pool.terminate()
        pool.join()


def _synth(pool: multiprocessing.pool.Pool, text: str, voice: str | None = None) -> bytes:
    data: bytes = pool.apply_async(Pyttsx3Engine().synthesize,
                                   (text, VoiceSettings(voice=voice, rate=175))).get(TIMEOUT)
    return data


def test_phonemes_in_double_brackets_are_spoken_as_phonemes(
        helper: multiprocessing.pool.Pool) -> None:
    # espeak-ng's own phonemes for "hello", given as phonemes, are "hello" exactly; read as
    # text (pyttsx3's flags), they were the letters of "h@l'oU".
    assert _synth(helper, "[[h@l'oU]] there.") == _synth(helper, "hello there.")


def test_an_initialism_is_said_as_its_phoneme_letters(helper: multiprocessing.pool.Pool) -> None:
    assert _synth(helper, "Photo by A.F.P.") == _synth(
        helper, "Photo by [['eI]] [['Ef]] [[ph'i:]].")
    # A French voice spells letters its own way: its text is left to espeak-ng.
    assert _synth(helper, "Photo de l'A.F.P.", "roa/fr") != _synth(
        helper, "Photo de l'[['eI]] [['Ef]] [[ph'i:]].", "roa/fr")
