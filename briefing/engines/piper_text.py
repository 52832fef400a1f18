"""What piper is asked to say: the spoken text, with initialisms as letters said one by one.

Why this exists: briefing's normaliser writes an initialism for the ear as dotted letters
("AFP" as "A.F.P", "the US" as "the U.S"), which espeak-ng (the ``pyttsx3`` engine) reads as
separate letters.  Piper phonemises with espeak-ng too, but runs the letters into one word
(/ˌeɪˌɛfpˈiː/), and its neural voice then slurs them: an offline recogniser heard
"AFP via" as "AFD by" or "AFB by" in nearly every credit of built briefings.  So for piper
only, every dotted initialism is sent as phonemes, each letter a word of its own with its own
stress (/ˈeɪ ˈɛf pˈiː/), the letters' phonemes being what the voice's own espeak-ng says for
each letter alone.  Punctuation right after it (the comma before "via", a full stop) goes
inside the phonemes, where piper keeps it as a pause; in text right after a phoneme block
piper's espeak-ng would drop it.

Every comma's pause is lengthened (:func:`longer_commas`): piper's espeak-ng keeps a comma as a
phoneme of its own, whose length the voice predicts like any other (about 40 ms of silence
for joe); a second comma phoneme after it lengthens the pause by about as much again.  The
credits' commas ("Photo by Ann Lee, AFP, via Getty Images") and a sentence's clauses stand
apart, and an offline recogniser made fewer errors on built briefings (the benchmark corpus
149 -> 144, the seed 104 -> 99, medians of three pause jitters; docs/intelligibility-notes.md,
sixth round).

The lexicon's own ``[[phonemes]]`` are written in espeak-ng's mnemonics, which piper would read
as IPA (dropping ``S``, ``I``, ``'`` ... without a word): they are converted to the IPA espeak-ng
says for them (:mod:`briefing.engines.espeak_ipa`); a block already in IPA (any character
beyond ASCII, which the mnemonics never use) is left alone.  The version
(:data:`PIPER_TEXT_VERSION`) is part of :attr:`~briefing.engines.piper.PiperEngine.version`, so
a change re-synthesises.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PIPER_TEXT_VERSION = 3
"""Bumped whenever :func:`for_piper` or :func:`longer_commas` changes what piper is asked to
say (3: every comma's pause lengthened)."""

COMMA_REPEAT = 1
"""Extra comma phonemes after each comma (one: about twice the voice's own pause)."""

INITIALISM = re.compile(r"(?<![\w.])((?:[A-Z]\.)+[A-Z])(?![\w])(\.?[,;:.!?]*)")
"""A dotted initialism as the normaliser writes it ("A.F.P", "U.S", "A.M."), two letters at
least, then any punctuation right after it."""

_PHONEME_BLOCK = re.compile(r"(\[\[.*?\]\])")


def for_piper(text: str, letter: Callable[[str], str],
              ipa: Callable[[str], str] | None = None) -> str:
    """``text`` with each dotted initialism outside ``[[...]]`` as ``[[letters]]``, and each
    ``[[...]]`` of espeak-ng mnemonics in IPA.

    ``letter`` gives the phonemes of one letter said alone (the voice's espeak-ng's); ``ipa``
    the IPA of a block of mnemonics (none: blocks are left as they are).
    """

    def block(part: str) -> str:
        inner = part[2:-2]
        if ipa is None or not inner.strip() or not inner.isascii():
            return part
        return f"[[{ipa(inner)}]]"


    def letters(match: re.Match[str]) -> str:
        said = " ".join(letter(c) for c in match.group(1).split("."))
        tail = match.group(2)
        if tail == "." and match.string[match.end():].strip():
            tail = ""  # "A.M. on Monday": the initialism's own dot, not a full stop
        return f"[[{said}{tail}]]"

    parts = _PHONEME_BLOCK.split(text)
    return "".join(block(part) if i % 2 else INITIALISM.sub(letters, part)
                   for i, part in enumerate(parts))


def longer_commas(sentences: list[list[str]]) -> list[list[str]]:
    """Piper's phonemes (one list a sentence, a phoneme a string, as ``PiperVoice.phonemize``
    gives them) with :data:`COMMA_REPEAT` more comma phonemes after each comma."""
    out = []
    for sentence in sentences:
        more: list[str] = []
        for phoneme in sentence:
            more.append(phoneme)
            if phoneme == ",":
                more.extend([","] * COMMA_REPEAT)
        out.append(more)
    return out
