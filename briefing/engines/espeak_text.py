"""What espeak-ng (the ``pyttsx3`` engine) is asked to say: initialisms as letters said apart,
their voiceless stops aspirated.

Why this exists: briefing's normaliser writes an initialism for the ear as dotted letters
("AFP" as "A.F.P").  espeak-ng's English voices say that as one word (/ˌeɪˌɛfpˈiː/) whose
final /p/ has almost no burst of breath, and an offline recogniser heard "AFP" as "AFD" or
"AFB" and "AP" as "AB" in nearly every photo credit of built briefings (the same letters said
as separate words, /ˈeɪ ˈɛf pˈiː/, were heard the same).  An English /p t k/ before a stressed
vowel is aspirated; espeak-ng's is barely.  So for English voices every dotted initialism is
sent as espeak-ng phonemes, one word per letter, each letter as the voice says it alone
(:data:`LETTERS`), with an /h/ after the /p/ of "P", the /t/ of "T" and the /k/ of "K" and "Q":
"[['eI]] [['Ef]] [[ph'i:]]".  In screening, "AFP" was then heard right in 4 of 4 photo
credits (none before), and built briefings lost most of their misheard initialisms
(docs/intelligibility-notes.md, fourth round).  Other languages' voices spell letters their
own way and are left alone; a lexicon's own ``[[...]]`` is passed as it is.  The version
(:data:`ESPEAK_TEXT_VERSION`) is part of the engine's version, so a change re-synthesises.
"""

from __future__ import annotations

import re

from briefing.engines.piper_text import INITIALISM

ESPEAK_TEXT_VERSION = 1
"""Bumped whenever :func:`for_espeak` changes what espeak-ng is asked to say."""

SAID_ALONE = {
    "A": "'eI", "B": "b'i:", "C": "s'i:", "D": "d'i:", "E": "'i:", "F": "'Ef", "G": "dZ'i:",
    "H": "'eItS", "I": "'aI", "J": "dZ'eI", "K": "k'eI", "L": "'El", "M": "'Em", "N": "'En",
    "O": "'oU", "P": "p'i:", "Q": "kj'u:", "R": "'A@", "S": "'Es", "T": "t'i:", "U": "j'u:",
    "V": "v'i:", "W": "d'Vb@Lj,u:", "X": "'Eks", "Y": "w'aI", "Z": "z'Ed",
}
"""Each letter as espeak-ng's English voice says it alone (``espeak_TextToPhonemes``, phoneme
mnemonics; checked against the library in tests/test_espeak_text.py)."""

LETTERS = {c: re.sub(r"^([ptk])(?=['jA-Za-z])", r"\1h", said) for c, said in SAID_ALONE.items()}
"""What is sent for each letter: :data:`SAID_ALONE`, a voiceless stop then aspirated."""

_PHONEME_BLOCK = re.compile(r"(\[\[.*?\]\])")


def is_english(voice: str | None) -> bool:
    """Whether the espeak-ng ``voice`` (``None``: the default, English) speaks English."""
    if voice is None:
        return True
    name = voice.rsplit("/", 1)[-1].split("+", 1)[0].lower()
    return name == "en" or name.startswith("en-")


def for_espeak(text: str) -> str:
    """``text`` with each dotted initialism outside ``[[...]]`` as phonemes, a word per letter.

    The punctuation after it stays text (espeak-ng pauses for it there); an initialism's own
    final dot inside a sentence ("A.M. on Monday") is dropped, as it is not a full stop.
    """

    def letters(match: re.Match[str]) -> str:
        said = " ".join(f"[[{LETTERS[c]}]]" for c in match.group(1).split("."))
        tail = match.group(2)
        if tail == "." and match.string[match.end():].strip():
            tail = ""
        return said + tail

    parts = _PHONEME_BLOCK.split(text)
    return "".join(part if i % 2 else INITIALISM.sub(letters, part)
                   for i, part in enumerate(parts))
