"""What piper is asked to say (briefing.engines.piper_text): dotted initialisms as one phoneme
word per letter, punctuation kept inside, everything else (and the lexicon's phonemes) as it is."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable
from typing import Any

import pytest

from briefing.engines.piper_text import COMMA_REPEAT, INITIALISM, for_piper, longer_commas
from briefing.speech.spoken import spoken_text
from tests.test_engine_contract import extra_missing


def _letter(char: str) -> str:
    return f"<{char.lower()}>"


@pytest.mark.parametrize(("text", "said"), [
    ("Photo by Alain Jocard, A.F.P, via Getty Images.",
     "Photo by Alain Jocard, [[<a> <f> <p>,]] via Getty Images."),
    ("of A.F.P via Getty Images; and A.P.",
     "of [[<a> <f> <p>]] via Getty Images; and [[<a> <p>.]]"),
    ("at eight A.M. on Monday", "at eight [[<a> <m>]] on Monday"),  # the initialism's own dot
    ("at eight ten A.M.", "at eight ten [[<a> <m>.]]"),  # ... or the full stop
    ("the U.S Agency", "the [[<u> <s>]] Agency"),
    ("Vasily Krestyaninov of A.P; Astrig", "Vasily Krestyaninov of [[<a> <p>;]] Astrig"),
    ("N.T.B, A.F.P", "[[<n> <t> <b>,]] [[<a> <f> <p>]]"),
])
def test_initialisms_are_said_letter_by_letter(text: str, said: str) -> None:
    assert for_piper(text, _letter) == said


@pytest.mark.parametrize("text", [
    "Photo one out of three.",
    "I. A single letter is a word.",  # one letter: not an initialism
    "e.g. lower case is not an initialism",
    "AFP written without dots stays as it is",
    "[[ˈeɪ.ɛf.pˈiː]] and [[A.F.P]] from the lexicon",  # phonemes: never touched
    "a.b.C.D",
    "",
])
def test_other_text_is_left_alone(text: str) -> None:
    assert for_piper(text, _letter) == text


def test_every_initialism_the_normaliser_writes_is_said_letter_by_letter() -> None:
    """The class, not the examples: what briefing's normaliser makes of initialisms, whatever
    they are, reaches piper with no dotted letters left and every letter in order."""
    text = ("The BBC, the UN and NATO met the IMF, the EU and the US at 8 AM; AFP, AP and dpa "
            "reported for CNN and the NYT.")
    spoken = spoken_text(text)
    dotted = [m.group(1) for m in INITIALISM.finditer(spoken)]
    assert len(dotted) >= 8, spoken
    said = for_piper(spoken, _letter)
    outside = re.sub(r"\[\[.*?\]\]", " ", said)
    assert not INITIALISM.search(outside), said
    blocks = re.findall(r"\[\[(.*?)\]\]", said)
    assert [re.sub(r"[^a-z ]", "", b).replace("  ", " ").strip() for b in blocks] == [
        " ".join(d.lower().split(".")) for d in dotted]


def _real_letters(text: str) -> str:
    from briefing.engines import load_engine

    engine = load_engine("piper")
    loaded = engine._voice(engine._own)  # type: ignore[attr-defined]
    return for_piper(text, loaded.letter)


def _in_a_piper_process(fn: Callable[[str], Any], text: str) -> Any:
    """``fn(text)`` in a fresh (spawned) process, as a worker runs piper; skipped without the
    piper extra."""
    missing = extra_missing("piper")
    if missing:
        pytest.skip(missing)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, (text,))


@pytest.mark.real_engine
def test_piper_says_each_letter_with_its_own_stress() -> None:
    said = _in_a_piper_process(_real_letters, "Photo by Diego Ramos, A.F.P, via Getty Images.")
    block = re.search(r"\[\[(.*?)\]\]", said)
    assert block is not None, said
    words = block.group(1).rstrip(",").split()
    assert len(words) == 3 and all("ˈ" in w for w in words), said  # three stressed letters
    assert said.endswith("]] via Getty Images.") and block.group(1).endswith(",")


def test_the_lexicons_mnemonics_go_to_piper_in_ipa() -> None:
    """A lexicon block of espeak-ng mnemonics is converted; one already in IPA is not, nor is
    anything without the converter."""
    seen: list[str] = []

    def ipa(block: str) -> str:
        seen.append(block)
        return f"<ipa of {block}>"

    text = "Nikol [[paSIn'jan]] met [[ˈkiːv]] officials from A.F.P."
    said = for_piper(text, _letter, ipa)
    assert said == ("Nikol [[<ipa of paSIn'jan>]] met [[ˈkiːv]] officials from "
                    "[[<a> <f> <p>.]]")
    assert seen == ["paSIn'jan"]  # our own letter blocks are made after, never converted
    assert for_piper(text, _letter) == ("Nikol [[paSIn'jan]] met [[ˈkiːv]] officials from "
                                        "[[<a> <f> <p>.]]")


@pytest.mark.real_engine
def test_espeak_ng_mnemonics_become_the_ipa_it_says() -> None:
    """The conversion is espeak-ng's own: the mnemonics of a name give the IPA espeak-ng says
    for the written name, and none of the mnemonics' ASCII letters is left over."""
    missing = extra_missing("pyttsx3")
    if missing:
        pytest.skip(missing)
    from briefing.engines.espeak_ipa import to_ipa
    from briefing.errors import EngineError

    said = to_ipa("gmw/en-us", "paSIn'jan")
    assert said.replace("ˈ", "") == "pæʃɪnjæn", said  # S → ʃ, I → ɪ; the stress kept
    assert "ˈ" in said and "S" not in said and "'" not in said
    assert to_ipa("gmw/en-us", "k'i:v") == "kˈiːv"
    with pytest.raises(EngineError):
        to_ipa("no-such-voice-at-all", "")


def test_every_comma_pause_is_lengthened() -> None:
    """A second comma phoneme after each comma, in every sentence; nothing else changes."""
    sentences = [["h", "ˈ", "a", "ɪ", ",", " ", "j", "o", "ʊ", "."],
                 ["æ", "f", "p", ",", " ", "v", "ˈ", "a", "ɪ", "ə", ",", " ", "ɡ", "."],
                 ["n", "o", "ʊ", "."]]
    longer = longer_commas(sentences)
    assert longer[0] == ["h", "ˈ", "a", "ɪ", *[","] * (1 + COMMA_REPEAT), " ", "j", "o", "ʊ",
                         "."]
    assert COMMA_REPEAT >= 1
    for plain, said in zip(sentences, longer, strict=True):
        assert said.count(",") == plain.count(",") * (1 + COMMA_REPEAT)
        assert [p for p in said if p != ","] == [p for p in plain if p != ","]
    assert sentences[1].count(",") == 2  # the input is not changed


def _real_phonemes(text: str) -> list[list[str]]:
    from briefing.engines import load_engine

    engine = load_engine("piper")
    loaded = engine._voice(engine._own)  # type: ignore[attr-defined]
    return list(loaded.voice.phonemize(text))


@pytest.mark.real_engine
def test_piper_says_each_comma_longer() -> None:
    [said] = _in_a_piper_process(_real_phonemes, "Photo by Ann Lee, via Getty Images.")
    assert "".join(said).count(",") == 1 + COMMA_REPEAT, said
