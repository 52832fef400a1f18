"""Word error rate between what a briefing was meant to say and what a recogniser heard.

Hand-written rather than taken from jiwer because ``briefing proof`` needs more than the rate:
the word-by-word alignment, to say which sentence each error belongs to and which script word
was heard as what.  The alignment is the textbook Levenshtein one over words (substitution,
deletion and insertion each cost 1), so WER = (S + D + I) / N exactly; a sequence matcher such
as difflib's does not minimise edits and would not give a true WER.

Both sides are compared as words *for the ear*: each text goes through briefing's own
normalisation (:func:`briefing.speech.normalize.normalize`), so "120,000" written by the recogniser
and "one hundred and twenty thousand" said by the engine are the same words; then case,
diacritics, apostrophes and punctuation are folded away, hyphens split words and dotted
initialisms ("A.F.P") become one word, and British and American spellings of a word
("defence", "defense"; "kilometres", "kilometers"; "organisers", "organizers") are folded
together: recognisers write one spelling, and a listener hears no difference.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from briefing.speech.normalize import normalize

Op = Literal["ok", "sub", "del", "ins"]

_INITIALISM = re.compile(r"(?<!\w)(?:\w\.){1,}\w(?!\w)\.?")
_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ](?=\w)")
_NON_WORD = re.compile(r"[^\w]+|_")


_SPELLINGS = tuple((re.compile(p), r) for p, r in (
    (r"(?<=\w\w)our(?=(?:s|ed|ing|ite|ites|able|er|ers)?$)", "or"),  # colour, neighbouring
    (r"(?<=\w\w)is(?=(?:e|es|ed|ing|er|ers|ation|ations)$)", "iz"),  # organise(r)s
    (r"(?<=\w\w)tre(?=s?$)", "ter"),  # centre, kilometres
    (r"(?<=\w\w)ence(?=s?$)", "ense"),  # defence, licence
    (r"(?<=\w\w)yse(?=(?:s|d)?$)", "yze"),  # analysed
    (r"(?<=[aeiou])ll(?=(?:ed|ing|er|ers)$)", "l"),  # travelled
    (r"(?<=\w\w)amme(?=s?$)", "am"),  # programme
))


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    for pattern, replacement in _SPELLINGS:
        folded = pattern.sub(replacement, folded)
    return folded


def ear_words(text: str, lang: str = "en") -> list[str]:
    """The words of ``text`` as a listener hears them, folded for comparison."""
    said = normalize(text, lang)
    said = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), said)
    said = _APOSTROPHE.sub("", said)
    return [w for w in (_fold(p) for p in _NON_WORD.split(said)) if w]


@dataclass(frozen=True)
class Step:
    """One step of an alignment: a reference word matched, substituted, deleted or inserted."""

    op: Op
    ref: int | None
    """Index of the reference word (``None`` for an insertion)."""

    hyp: int | None
    """Index of the recognised word (``None`` for a deletion)."""


@dataclass(frozen=True)
class Alignment:
    """A minimal-edit alignment of recognised words against reference words."""

    ref: tuple[str, ...]
    hyp: tuple[str, ...]
    steps: tuple[Step, ...]

    def count(self, op: Op) -> int:
        return sum(1 for s in self.steps if s.op == op)

    @property
    def errors(self) -> int:
        """S + D + I."""
        return sum(1 for s in self.steps if s.op != "ok")

    @property
    def wer(self) -> float:
        """(S + D + I) / N; 0 for an empty reference heard as nothing, else 1 per inserted word."""
        return error_rate(self.errors, len(self.ref))


def error_rate(errors: int, words: int) -> float:
    """``errors / words``, with an empty reference counting each error as a whole word."""
    return errors / words if words else float(errors)


def align(ref: list[str] | tuple[str, ...], hyp: list[str] | tuple[str, ...]) -> Alignment:
    """The Levenshtein alignment of ``hyp`` against ``ref`` (both already folded words).

    Among alignments of equal cost, matches and substitutions are preferred to a deletion plus
    an insertion, so a misheard word shows as one substitution.
    """
    n, m = len(ref), len(hyp)
    # cost[i][j]: edits turning ref[:i] into hyp[:j]
    cost = [list(range(m + 1))] + [[i] + [0] * m for i in range(1, n + 1)]
    for i in range(1, n + 1):
        row, above = cost[i], cost[i - 1]
        word = ref[i - 1]
        for j in range(1, m + 1):
            diagonal = above[j - 1] + (word != hyp[j - 1])
            row[j] = min(diagonal, above[j] + 1, row[j - 1] + 1)
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            steps.append(Step("ok" if ref[i - 1] == hyp[j - 1] else "sub", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            steps.append(Step("del", i - 1, None))
            i -= 1
        else:
            steps.append(Step("ins", None, j - 1))
            j -= 1
    steps.reverse()
    return Alignment(tuple(ref), tuple(hyp), tuple(steps))


_VOWELS = re.compile(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœ]+", re.I)
_DIGRAPHS = ("ch", "sh", "th", "ph", "gh", "wh", "ck", "qu")
_ONSET = re.compile(r"(?:[bcdfgkpt]|ch|sh|th|ph)[rl]$")


def syllables(word: str) -> str:
    """``word`` split into rough written syllables ("Kornidzor" → "Kor-nid-zor").

    A starting point for a respelling in ``pronunciations.toml``, not a pronunciation: the
    consonants between two vowels go with the previous syllable except the last one, which
    starts the next; a digraph ("ch", "sh", "th" ...) counts as one consonant and a stop
    followed by r or l ("br", "tr", "pl" ...) starts a syllable together.
    """
    groups = list(_VOWELS.finditer(word))
    if len(groups) < 2:
        return word
    cuts = []
    for left, right in itertools.pairwise(groups):
        gap = word[left.end():right.start()].lower()
        onset = _ONSET.search(gap)
        last = (len(onset.group(0)) if onset else
                2 if gap[-2:] in _DIGRAPHS else 1 if gap else 0)
        cuts.append(right.start() - last)
    pieces = [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]
    return "-".join(p for p in pieces if p)
