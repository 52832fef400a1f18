"""The exact text sent to the engine for a sentence of the script.

The script keeps the article's wording; what is changed for the ear happens here, between the
script and the engine, so it is part of each segment's cache key.  For now this only tidies
characters that engines read out badly; number and abbreviation normalisation comes next.
"""

from __future__ import annotations

import re

from briefing.lexicon import Lexicon

SPEECH_VERSION = 1
"""Bumped whenever :func:`spoken_text` changes its output for the same input."""

_REPLACEMENTS = (
    (re.compile(r"\s*[—–]\s*"), ", "),  # dashes are pauses, not "em dash"
    (re.compile(r"[“”«»„]"), '"'),
    (re.compile(r"[‘’]"), "'"),
    (re.compile(r"…"), "..."),
)


def spoken_text(text: str, lang: str = "en", lexicon: Lexicon | None = None) -> str:
    """What the engine is asked to say for ``text``: the lexicon applied, then tidied."""
    if lexicon is not None:
        text = lexicon.apply(text)
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())
