"""Transliterate, for the voice, only the words it would spell out.

A word with a character outside the voice's :class:`~briefing.speech.repertoire.Repertoire`
is spelled by espeak-ng letter by letter, that character as "letter" and its hexadecimal code.
Each such word has its unsayable characters (runs of them) replaced by their ASCII
transliteration (anyascii, ISC licence: Unicode-wide and maintained): "Nội" becomes "Noi",
"Київ" "Kiiv", "Αθήνα" (for a voice that spells Greek) "Athina".  The characters the voice
does say stay, so "Hà" and "Łódź" keep the accents espeak-ng reads.  Only the spoken text
changes; scripts, transcripts, pages and tags keep the real spelling.

Scripts that write no short vowels (Arabic, Hebrew) come out as consonants ("القاهرة" as
"lqhrh"), which no voice says well: such a word is named in a warning (once per process), so
that a producer gives it a pronunciation in the lexicon, which is applied first.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from itertools import groupby

from anyascii import anyascii

from briefing.speech.repertoire import Repertoire

logger = logging.getLogger(__name__)

TRANSLITERATE_VERSION = 1
"""Part of the speech version (and so of every segment's cache key)."""

_VOWEL = re.compile(r"[aeiouy]", re.I)


@functools.cache
def _warn_unpronounceable(word: str, spoken: str, voice: str) -> None:
    logger.warning("%r is sent to %s as %r, which has no vowel; give it a pronunciation in"
                   " pronunciations.toml", word, voice, spoken)


def _in_word(char: str) -> bool:
    """Letters, marks and decimal digits make words (a combining mark belongs to its letter).

    Other numbers ("²", "½") and symbols are left to normalisation, which reads "km²" and "2½".
    """
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def _word(word: str, repertoire: Repertoire) -> str:
    if all(repertoire.says(c) for c in word):
        return word
    out: list[str] = []
    for said, run in groupby(word, repertoire.says):
        chars = "".join(run)
        out.append(chars if said else anyascii(chars))
    spoken = "".join(out)
    logger.debug("%s cannot say %r: %r", repertoire.name, word, spoken)
    if len(spoken) > 2 and not _VOWEL.search(spoken):
        _warn_unpronounceable(word, spoken, repertoire.name)
    return spoken


def for_voice(text: str, repertoire: Repertoire) -> str:
    """``text`` (NFC) with every word the voice cannot say transliterated (see the module)."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    return "".join(_word(run, repertoire) if in_word else run
                   for in_word, run in (
                       (key, "".join(group)) for key, group in groupby(text, _in_word)))
