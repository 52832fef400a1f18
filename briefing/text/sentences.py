"""A paragraph cut into sentences, each short enough to be one segment of speech.

Apart from the article reader (:mod:`briefing.text.article`) because reading a script back
(:mod:`briefing.text.script_read`) needs it too, and reading scripts alone (``briefing render``,
or a build after an edit of scripts only: :mod:`briefing.build.partial`) then imports neither
the caption and credit analysis nor the article formats.
"""

from __future__ import annotations

import re

from briefing.text.months import month_abbreviation_pattern

_ABBREV_END = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Gov|Sen|Rep|Gen|Col|Lt|Sgt|Prof|Jr|Sr|U\.S|U\.N|"
                         rf"{month_abbreviation_pattern()}|No|vs|etc|[A-Z])\.$")


MAX_SENTENCE_WORDS = 80
"""A sentence longer than this is spoken (and cached, and timed) in parts of at most this many
words, so the audio of one segment stays small whatever the article's punctuation."""

MAX_SENTENCE_CHARS = 800
"""The most characters in one part of a sentence (a "word" longer than this is cut)."""

_PART_BREAK = re.compile(r"[,;:—–]$")


def _bounded(sentence: str) -> list[str]:
    """``sentence`` in parts within :data:`MAX_SENTENCE_WORDS` and :data:`MAX_SENTENCE_CHARS`,
    broken after a comma, semicolon, colon or dash in the second half of a part when there is
    one; a sentence within the bounds is returned as it is."""
    if len(sentence) <= MAX_SENTENCE_CHARS and sentence.count(" ") < MAX_SENTENCE_WORDS:
        return [sentence]
    parts: list[str] = []
    words = sentence.split()
    while words:
        take, chars = 0, -1
        while take < min(len(words), MAX_SENTENCE_WORDS):
            if chars + 1 + len(words[take]) > MAX_SENTENCE_CHARS:
                break
            chars += 1 + len(words[take])
            take += 1
        if take == 0:  # one word longer than a part: cut it
            parts.append(words[0][:MAX_SENTENCE_CHARS])
            words[0] = words[0][MAX_SENTENCE_CHARS:]
            continue
        if take < len(words):
            for i in range(take, take // 2, -1):
                if _PART_BREAK.search(words[i - 1]):
                    take = i
                    break
        parts.append(" ".join(words[:take]))
        del words[:take]
    return parts


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations ("Dr.", "U.S.", "Sept.") whole.

    A sentence beyond :data:`MAX_SENTENCE_WORDS` or :data:`MAX_SENTENCE_CHARS` is split into
    parts within them (:func:`_bounded`).
    """
    return [part for sentence in _sentences(text) for part in _bounded(sentence)]


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Ý])", text):
        if m.group(0).startswith(".") and _ABBREV_END.search(
                text, max(start, m.start() - 10), m.start() + 1):  # not the slice: O(n^2)
            continue
        candidate = text[start : m.end()].strip()
        if candidate:
            sentences.append(candidate)
        start = m.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences
