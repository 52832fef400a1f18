"""The exact text sent to the engine for a sentence of the script.

The script keeps the article's wording; what is changed for the ear happens here, between the
script and the engine, so it is part of each segment's cache key:

1. the workspace's pronunciation lexicon (names, respellings, espeak phonemes in ``[[...]]``);
2. transliteration of the words the voice would spell out, character by character, as "letter"
   and a hexadecimal code (:mod:`briefing.transliterate`, for the engine's
   :class:`~briefing.engines.repertoire.Repertoire`: "Nội" is sent as "Noi");
3. normalisation for the ear (:mod:`briefing.normalize`: numbers, years, money, units,
   initialisms, URLs ...), which never touches phonemes written in ``[[...]]``;
4. quotations read as quotations: a quoted passage of four words or more is framed by
   "quote" and "end quote", as radio news reads them (short quoted phrases stay as they are).
"""

from __future__ import annotations

import re

from briefing.engines.repertoire import EVERYTHING, Repertoire
from briefing.lexicon import Lexicon
from briefing.normalize import NORMALIZE_VERSION, normalize
from briefing.transliterate import TRANSLITERATE_VERSION, for_voice

SPEECH_VERSION = f"3.{NORMALIZE_VERSION}.{TRANSLITERATE_VERSION}"
"""Part of every segment's cache key; bumped whenever :func:`spoken_text` changes."""

_PHONEMES = re.compile(r"(\[\[.*?\]\])")
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
    if lexicon is not None:
        text = lexicon.apply(text)
    parts = _PHONEMES.split(text)
    for i in range(0, len(parts), 2):  # odd indexes are [[phonemes]]
        parts[i] = normalize(for_voice(parts[i], repertoire), lang)
        if lang.lower().startswith("en"):
            parts[i] = _QUOTATION.sub(_frame_quotation, parts[i])
            parts[i] = re.sub(r"end quote,(\s*[.!?;:]|\s*$)", r"end quote\1", parts[i])
    return " ".join(" ".join(parts).split()).replace(" ,", ",")
