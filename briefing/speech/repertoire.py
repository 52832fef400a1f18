"""Which characters a voice says: so that no engine ever meets a character it would spell out.

espeak-ng (and piper, whose phonemiser is espeak-ng) reads a word containing a character its
voice has no rule for letter by letter, that character as "letter" and its hexadecimal code:
"Nội" becomes "N letter one e d nine i".  An engine declares what its voice says as a
:class:`Repertoire` (:meth:`briefing.engines.base.Engine.repertoire`), and
:mod:`briefing.speech.spoken` transliterates the rest.  For espeak-ng the repertoires are measured,
voice by voice, by :mod:`briefing.engines.repertoire_probe` and shipped as tables in
``repertoires/`` (one per bundled espeak-ng: espeakng-loader's and piper-tts's).
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

TABLE_DIR = Path(__file__).resolve().parent / "repertoires"
"""Where the measured tables live (``<table>.json``)."""


def ranges_of(codes: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Sorted code points as inclusive ``(first, last)`` runs."""
    runs: list[tuple[int, int]] = []
    for code in sorted(set(codes)):
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return tuple(runs)


@dataclass(frozen=True)
class Repertoire:
    """The characters a voice says as part of a word (all of ASCII, always)."""

    name: str
    """What it was measured for, e.g. ``espeak-ng/en-us`` (for messages)."""

    ranges: tuple[tuple[int, int], ...] = ()
    """The non-ASCII code points said, as sorted inclusive runs."""

    def says(self, char: str) -> bool:
        """Whether the voice says the single character ``char`` within a word."""
        code = ord(char)
        if code < 0x80:
            return True
        i = bisect.bisect_right(self.ranges, (code, 0x10FFFF)) - 1
        return i >= 0 and self.ranges[i][0] <= code <= self.ranges[i][1]


EVERYTHING = Repertoire("any", ((0x80, 0x10FFFF),))
"""An engine that says every character (the default of :class:`~briefing.engines.base.Engine`)."""

ASCII = Repertoire("ascii")
"""A voice known to say nothing beyond ASCII, or one no table knows."""


def encode_runs(runs: Iterable[tuple[int, int]]) -> str:
    """``((0xe0, 0xe5), (0xe8, 0xe8))`` as ``"e0-e5,e8"`` (how the tables store them)."""
    return ",".join(f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in runs)


def decode_runs(text: str) -> tuple[tuple[int, int], ...]:
    """The inverse of :func:`encode_runs`."""
    runs = []
    for item in filter(None, text.split(",")):
        first, _, last = item.partition("-")
        runs.append((int(first, 16), int(last or first, 16)))
    return tuple(runs)


@functools.cache
def _table(table: str) -> tuple[dict[str, int], list[str]]:
    """The table's voices (each the index of its set) and its sets, still encoded: a voice's
    set is decoded when it is looked up (:func:`_repertoire`), not all of them at start-up."""
    path = TABLE_DIR / f"{table}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        sets, voices = doc["sets"], doc["voices"]
        if not isinstance(sets, list) or not all(isinstance(x, str) for x in sets) or \
                not isinstance(voices, dict):
            raise TypeError("not a repertoire table")
        if any(type(i) is not int or not 0 <= i < len(sets) for i in voices.values()):
            raise IndexError("a voice's set is missing")
        return dict(voices), sets
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        logger.warning("cannot read the repertoire table %s (%s): voices say ASCII only",
                       path, exc)
        return {}, []


@functools.cache
def _repertoire(table: str, voice: str) -> Repertoire:
    voices, sets = _table(table)
    try:
        return Repertoire(f"{table}/{voice}", decode_runs(sets[voices[voice]]))
    except ValueError as exc:
        logger.warning("cannot read the repertoire table %s's set of %s (%s): the voice says "
                       "ASCII only", table, voice, exc)
        return ASCII


def voice_candidates(voice: str) -> list[str]:
    """The table keys to try for an espeak-ng voice, most specific first.

    ``gmw/en-GB-scotland+f3`` tries ``en-gb-scotland``, ``en-gb``, ``en``.
    """
    name = voice.strip().lower().split("+", 1)[0].rsplit("/", 1)[-1]
    parts = name.split("-")
    return ["-".join(parts[:n]) for n in range(len(parts), 0, -1) if parts[:n] != [""]]


def lookup(table: str, voice: str) -> Repertoire:
    """The measured repertoire of espeak-ng ``voice`` in ``table`` (ASCII when unknown)."""
    voices, _ = _table(table)
    for key in voice_candidates(voice):
        if key in voices:
            return _repertoire(table, key)
    logger.warning("no measured repertoire for %s voice %r: every non-ASCII letter is"
                   " transliterated", table, voice)
    return ASCII
