"""Words a voice would spell out are transliterated for it, and only for it."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from briefing.errors import EngineUnavailableError
from briefing.speech.lexicon import Lexicon
from briefing.speech.repertoire import (
    ASCII,
    EVERYTHING,
    Repertoire,
    decode_runs,
    encode_runs,
    lookup,
    ranges_of,
    voice_candidates,
)
from briefing.speech.spoken import spoken_text
from briefing.speech.transliterate import _warn_unpronounceable, for_voice

ESPEAK_EN = lookup("espeak-ng", "en")
PIPER_EN_US = lookup("piper", "en-us")


@pytest.mark.parametrize(("written", "said"), [
    ("Hà Nội", "Ha Noi"),                      # Vietnamese
    ("Nguyễn", "Nguyen"),
    ("đàn bầu", "dan bau"),
    ("Łódź", "Lodz"),                          # Polish
    ("Wrocław", "Wroclaw"),
    ("Kadıköy, Beşiktaş, Ağrı", "Kadikoy, Besiktas, Agri"),   # Turkish
    ("Brașov, Timișoara, Constanța", "Brasov, Timisoara, Constanta"),  # Romanian
    ("Þingvellir, Höfðaborg", "Thingvellir, Hofdaborg"),        # Icelandic
    ("Dvořák", "Dvorak"),                      # Czech
    ("Москва", "Moskva"),                      # Cyrillic
    ("Αθήνα", "Athina"),                       # Greek
])
def test_a_voice_of_ascii_only_hears_ascii(written: str, said: str) -> None:
    assert for_voice(written, ASCII) == said


@pytest.mark.parametrize("written", ["北京", "القاهرة", "ירושלים", "東京", "서울", "Київ"])
def test_every_script_becomes_pronounceable_latin(written: str) -> None:
    said = for_voice(written, ASCII)
    assert said.isascii()
    assert any(c.isalpha() for c in said)


def test_a_word_left_without_vowels_is_named(caplog: pytest.LogCaptureFixture) -> None:
    _warn_unpronounceable.cache_clear()  # it warns once per process
    assert for_voice("Cairo (القاهرة)", ASCII) == "Cairo (lqhrh)"
    assert "القاهرة" in caplog.text and "pronunciations.toml" in caplog.text


def test_a_voice_that_says_everything_hears_the_real_spelling() -> None:
    text = "Hà Nội, Nguyễn, Łódź, Київ, 北京."
    assert for_voice(text, EVERYTHING) == text


def test_only_the_unsayable_characters_of_a_word_change() -> None:
    says_a_grave = Repertoire("test", ranges_of([ord("à"), ord("é")]))
    assert for_voice("Hà Nội, café", says_a_grave) == "Hà Noi, café"
    # The word around an unsayable character keeps its sayable accents.
    assert for_voice("Tếté", says_a_grave) == "Teté"


def test_decomposed_and_precomposed_text_are_said_alike() -> None:
    for text in ("Hà Nội", "Nguyễn", "Łódź", "Reykjavík", "Brașov"):
        nfd = unicodedata.normalize("NFD", text)
        assert nfd != text or text.isascii() or text == "Łódź"
        for repertoire in (ASCII, ESPEAK_EN, PIPER_EN_US):
            assert for_voice(nfd, repertoire) == for_voice(text, repertoire)


def test_a_combining_mark_with_no_precomposed_letter() -> None:
    # "m̄" (m + macron) has no precomposed form; a voice that does not say the mark loses it.
    assert for_voice("Dm̄", ASCII) == "Dm"
    marks = Repertoire("marks", ((0x300, 0x36F),))
    assert for_voice("Dm̄", marks) == "Dm̄"


def test_punctuation_digits_and_spacing_are_kept() -> None:
    text = "“Hà Nội” — 2024:  Nội’s 5 km."
    said = for_voice(text, ASCII)
    assert said == "“Ha Noi” — 2024:  Noi’s 5 km."


def test_numbers_and_symbols_are_left_to_normalisation() -> None:
    assert for_voice("2½ km² at −5 °C, 10 € or ٢٠٢٤", ASCII) == "2½ km² at −5 °C, 10 € or 2024"
    assert spoken_text("An area of 12 km² in ٢٠٢٤.", "en", None, ASCII) == (
        "An area of twelve square kilometres in twenty twenty-four.")


# --------------------------------------------------------------------------------------------
# The measured tables: what espeak-ng's English voices say and spell.


@pytest.mark.parametrize("repertoire", [ESPEAK_EN, PIPER_EN_US], ids=["espeak-ng", "piper"])
def test_measured_english_voices_read_common_accents(repertoire: Repertoire) -> None:
    for char in "àáâäçèéêëíñóöøüßł":
        assert repertoire.says(char), char


@pytest.mark.parametrize("repertoire", [ESPEAK_EN, PIPER_EN_US], ids=["espeak-ng", "piper"])
def test_measured_english_voices_spell_vietnamese_cyrillic_and_cjk(
        repertoire: Repertoire) -> None:
    for char in "ộễầ" "КиївМосква" "北京" "ب" "ש":
        assert not repertoire.says(char), char


def test_spoken_text_of_english_espeak_keeps_the_accents_it_reads() -> None:
    assert spoken_text("Hà Nội and Łódź.", "en", None, ESPEAK_EN) == "Hà Noi and Łódź."


def test_the_lexicon_wins_over_transliteration() -> None:
    lexicon = Lexicon.from_entries({"Nguyễn": "Nwin", "Київ": "Keev"})
    said = spoken_text("Nguyễn went to Київ.", "en", lexicon, ASCII)
    assert said == "Nwin went to Keev."


def test_phonemes_are_left_alone() -> None:
    lexicon = Lexicon.from_entries({"Nội": "[[n'oI]]"})
    assert spoken_text("Hà Nội is far.", "en", lexicon, ASCII) == "Ha [[n'oI]] is far."


def test_transliterated_words_are_normalised_as_their_ascii_spelling() -> None:
    # Normalisation runs after transliteration: "ΑΦΠ" is treated as "AFP" would be.
    assert spoken_text("ΑΦΠ and ΚΚΕ reported it.", "en", None, ASCII) == spoken_text(
        "AFP and KKE reported it.", "en")


# --------------------------------------------------------------------------------------------
# Tables and voice names


def test_runs_round_trip() -> None:
    runs = ranges_of([0xE0, 0xE1, 0xE2, 0xE8, 0x1ED9, 0x1EDA])
    assert runs == ((0xE0, 0xE2), (0xE8, 0xE8), (0x1ED9, 0x1EDA))
    assert encode_runs(runs) == "e0-e2,e8,1ed9-1eda"
    assert decode_runs(encode_runs(runs)) == runs


def test_voice_names_fall_back_to_their_language() -> None:
    assert voice_candidates("gmw/en-GB-scotland+f3") == ["en-gb-scotland", "en-gb", "en"]
    assert lookup("espeak-ng", "gmw/en-us+f3") == lookup("espeak-ng", "en-us")
    assert lookup("espeak-ng", "en-zz-nowhere").name == "espeak-ng/en"


def test_an_unknown_voice_says_ascii_only(caplog: pytest.LogCaptureFixture) -> None:
    assert lookup("espeak-ng", "xx-klingon") == ASCII
    assert "xx-klingon" in caplog.text


def test_vietnamese_voice_says_vietnamese() -> None:
    vi = lookup("espeak-ng", "vi")
    assert all(vi.says(c) for c in "Hà Nội Nguyễn đàn bầu" if not c.isspace())
    assert for_voice("Hà Nội", vi) == "Hà Nội"


# --------------------------------------------------------------------------------------------
# Engines declare their voices' repertoires


def _piper_voice(tmp_path: Path, config: dict[str, object]) -> str:
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"a model is not read to know its repertoire")
    (tmp_path / "voice.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return str(model)


def test_piper_voices_say_what_their_espeak_voice_says(tmp_path: Path) -> None:
    piper = pytest.importorskip("briefing.engines.piper")
    try:
        engine = piper.PiperEngine()
    except EngineUnavailableError as exc:
        pytest.skip(str(exc))
    assert engine.repertoire(None) == PIPER_EN_US
    vietnamese = _piper_voice(tmp_path, {"audio": {"sample_rate": 22050},
                                         "espeak": {"voice": "vi"}, "phoneme_type": "espeak"})
    assert engine.repertoire(vietnamese) == lookup("piper", "vi")
    assert engine.repertoire(vietnamese).says("ộ")
    pinyin = _piper_voice(tmp_path, {"audio": {"sample_rate": 22050}, "phoneme_type": "pinyin"})
    assert engine.repertoire(pinyin) == EVERYTHING


def test_espeak_voices_and_the_default() -> None:
    from briefing.engines.espeak import Pyttsx3Engine

    engine = Pyttsx3Engine()
    assert engine.repertoire(None) == ESPEAK_EN
    assert engine.repertoire("gmw/en-us+f3") == lookup("espeak-ng", "en-us")
    assert engine.repertoire("vi").says("ộ") and not engine.repertoire("en").says("ộ")


def test_engines_say_everything_unless_they_declare_otherwise() -> None:
    from briefing.engines.fake import FakeEngine

    assert FakeEngine().repertoire("fake") == EVERYTHING


# --------------------------------------------------------------------------------------------
# The probe's judgement, on a voice whose rules are known


_NAMES = {"m": "ɛm", "a": "eɪ", "é": "iːakjuːt", "ж": "ʒɛ", "м": "ɛm", "а": "a",
          "\u0180": "lɛtəwɒnaɪtzɪərəʊ",
          "\u1ed9": "lɛtəwɒniːdiːnaɪn", "\u2c65": "lɛtətuːsiːsɪksfaɪv",
          "\u0238": "lɛtətuːθriːeɪt", "\ua741": "lɛtəeɪsɛvənfɔːwʌn"}


def _toy_voice(text: str) -> str:
    """A voice with rules for ASCII and "é" only: it spells any other word letter by letter."""
    out = []
    for word in text.split():
        if all(c.isascii() or c == "é" for c in word) and len(word) > 1:
            out.append("ˈ" + word.replace("é", "eɪ"))
        else:
            out.append(" ".join(_NAMES.get(c, f"lɛtə{ord(c):x}") for c in word))
    return " ".join(out)


def test_the_probe_tells_said_from_spelled() -> None:
    from briefing.engines.repertoire_probe import letter_words, repertoire_of, sayable

    letters = letter_words(_toy_voice)
    assert letters == ("lɛtə",)
    assert sayable("é", _toy_voice, letters)
    assert not sayable("\u1ed9", _toy_voice, letters)   # read as "letter 1 e d 9"
    assert not sayable("ж", _toy_voice, letters)        # spelled by its name, no "letter"
    assert repertoire_of(_toy_voice, "éжè\u1ed9") == [ord("é")]
