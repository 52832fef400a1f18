"""The rule type of normalisation for the ear, and the helpers every rule module shares.

A rule (:class:`Rule`) is a name, a compiled regex and a replacement function; the ordered table
of rules is :data:`briefing.speech.normalize.RULES`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

logger = logging.getLogger("briefing.speech.normalize")

Replacement = Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class Rule:
    """One step of normalisation: every match of ``pattern`` is replaced by ``replace(match)``."""

    name: str
    pattern: re.Pattern[str]
    replace: Replacement
    english_only: bool = True
    """Applied to English text only; other languages get only the language-neutral rules."""

    def apply(self, text: str) -> str:
        """``text`` with this rule applied; a match whose replacement fails is left as it is."""
        return self.pattern.sub(self._safe, text)

    def _safe(self, match: re.Match[str]) -> str:
        try:
            return self.replace(match)
        except (ArithmeticError, LookupError, ValueError, TypeError, NotImplementedError) as exc:
            logger.warning("normalize rule %s failed on %r: %s", self.name, match.group(0), exc)
            return match.group(0)


_END = re.compile(r"[\s\"')\]]*$")


def _at_end(match: re.Match[str]) -> bool:
    """Whether nothing but closing quotes, brackets and spaces follows ``match``."""
    return _END.match(match.string, match.end()) is not None


def keep_dot(match: re.Match[str], words: str) -> str:
    """``words``, plus the dot the match swallowed when it also ended the sentence."""
    if match.group(0).endswith(".") and _at_end(match):
        return words + "."
    return words


def spaced(match: re.Match[str], words: str) -> str:
    """``words`` with a space where the match touched a letter ("4x4" -> "four x four")."""
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and text[start - 1].isalpha():
        words = " " + words
    if end < len(text) and text[end].isalpha():
        words += " "
    return words


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so longer ones win."""
    items = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in items)


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words``."""
    return frozenset(words.split())


def rule(name: str, pattern: str, replace: Replacement, *, english_only: bool = True,
         flags: int = 0) -> Rule:
    """A :class:`Rule` with ``pattern`` compiled."""
    return Rule(name, re.compile(pattern, flags), replace, english_only)
