"""The exact text sent to the engine for a sentence of the script.

The script keeps the article's wording; what is changed for the ear happens here, between the
script and the engine, so it is part of each segment's cache key:

1. the workspace's pronunciation lexicon (names, respellings, espeak phonemes in ``[[...]]``);
   only the lexicon sends phonemes: a ``[[`` or ``]]`` of the script's own text (an article's)
   is sent as separate brackets, which engines read as punctuation, never as phoneme input;
2. Markdown images and links an article held literally are read as an image and as their text;
3. transliteration of the words the voice would spell out, character by character, as "letter"
   and a hexadecimal code (:mod:`briefing.speech.transliterate`, for the engine's
   :class:`~briefing.speech.repertoire.Repertoire`: "Nội" is sent as "Noi");
4. normalisation for the ear (:mod:`briefing.speech.normalize`: numbers, years, money, units,
   initialisms, URLs ...), which never touches the lexicon's phonemes;
5. quotations read as quotations (English only, for the same language tags as the English
   normalisation: :func:`briefing.speech.language.reads_as_english`): a quoted passage of four
   words or more is framed by "quote" and "end quote", as radio news reads them (short quoted
   phrases stay as they are, deliberately: mostly scare quotes, names and titles, where the
   frame would be heavier than the words it frames; see ``docs/script-format.md``).
"""

from __future__ import annotations

import re

from briefing.speech.language import reads_as_english
from briefing.speech.lexicon import Lexicon
from briefing.speech.normalize import NORMALIZE_VERSION, normalize
from briefing.speech.repertoire import EVERYTHING, Repertoire
from briefing.speech.transliterate import TRANSLITERATE_VERSION, for_voice

SPEECH_VERSION = f"3.{NORMALIZE_VERSION}.{TRANSLITERATE_VERSION}"
"""Part of every segment's cache key; bumped whenever :func:`spoken_text` changes."""

_NO_LEXICON = Lexicon()
_BRACKET_RUN = re.compile(r"\[{2,}|\]{2,}")
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()\s]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\((?:https?://|www\.|/)[^()\s]*\)")


def _literal_brackets(text: str) -> str:
    """``[[`` and ``]]`` of the text itself sent as separate brackets: never phoneme input
    (done before normalisation, and again after it, which may drop what stood between)."""
    return _BRACKET_RUN.sub(lambda m: " ".join(m.group(0)), text)


def _markdown_for_the_ear(text: str) -> str:
    """Markdown images and links left literal in article text, read as a listener needs them:
    ``![alt](x)`` as "image: alt" (not "link"), ``[text](https://...)`` as its text."""
    text = _IMAGE.sub(lambda m: f"image: {m.group(1).strip()}" if m.group(1).strip()
                      else "image", text)
    return _LINK.sub(r"\1", text)


_QUOTATION = re.compile(r'"([^"]+)"')
_QUOTE_MIN_WORDS = 4


def _frame_quotation(match: re.Match[str]) -> str:
    inner = match.group(1).strip()
    if len(inner.split()) < _QUOTE_MIN_WORDS:
        return match.group(0)
    body = inner.rstrip(",;:.!?")
    ending = inner[len(body):]
    final = next((c for c in reversed(ending) if c in ".!?"), ",")
    return f"quote, {body}, end quote{final}"


def spoken_text(text: str, lang: str = "en", lexicon: Lexicon | None = None,
                repertoire: Repertoire = EVERYTHING) -> str:
    """What the engine is asked to say for ``text``, with a voice that says ``repertoire``."""
    pieces = (lexicon or _NO_LEXICON).pieces(text)
    english = reads_as_english(lang)
    parts: list[str] = []
    for piece, phonemes in pieces:
        if phonemes:
            parts.append(piece)
            continue
        piece = for_voice(_markdown_for_the_ear(piece), repertoire)
        piece = _literal_brackets(normalize(_literal_brackets(piece), lang))
        if english:
            piece = _QUOTATION.sub(_frame_quotation, piece)
            piece = re.sub(r"end quote,(\s*[.!?;:]|\s*$)", r"end quote\1", piece)
        parts.append(piece)
    return " ".join(" ".join(parts).split()).replace(" ,", ",")
