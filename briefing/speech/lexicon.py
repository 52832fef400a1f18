"""The pronunciation lexicon: ``pronunciations.toml`` in the workspace.

Each entry maps a word or phrase, matched case-sensitively as whole words, to what the engine
is asked to say instead: a respelling (``Kornidzor = "Kor-nid-zor"``) or espeak-ng phonemes in
double brackets (``Pashinyan = "[[paSIn'jan]]"``).  It is applied between the script and the
engine, so the script keeps the real spelling, and because the spoken text is part of each
segment's cache key, changing one entry re-synthesises exactly the segments containing it.

briefing ships a lexicon of its own for the news domain, ``briefing/data/news_lexicon.toml``
(agencies and wire services, and place, party, title and name words frequent in world news
that espeak-ng's English rules say wrongly).  It is applied first: the workspace's
``pronunciations.toml`` extends it and overrides any of its entries.

The workspace's file is checked by a pydantic model
(:class:`~briefing.speech.lexicon_file.LexiconFile`, strict), so a bad entry is refused in one
line naming the file and the word.  The built-in file is the package's own: the test suite
checks it with the same model, and a build reads it with :mod:`tomllib` alone, so a build
without a ``pronunciations.toml`` never imports pydantic (about 85 ms of every start).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import ConfigError
from briefing.readfile import read_text_limited

MAX_LEXICON_BYTES = 10_000_000
"""A lexicon larger than this is refused."""

PHONEMES = re.compile(r"(\[\[.*?\]\])")
"""Espeak-ng phoneme input, ``[[...]]``: only ever sent from a lexicon entry."""


@dataclass(frozen=True)
class Lexicon:
    """Words or phrases and how to say them."""

    entries: tuple[tuple[str, str], ...] = ()
    """``(written, spoken)`` pairs."""

    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_entries(cls, entries: dict[str, str]) -> Lexicon:
        """A lexicon of ``entries``; longer phrases win over the words inside them."""
        ordered = tuple(sorted(entries.items(), key=lambda kv: (-len(kv[0]), kv[0])))
        pattern = None
        if ordered:
            alternatives = "|".join(re.escape(k) for k, _ in ordered)
            pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return cls(ordered, pattern)

    def apply(self, text: str) -> str:
        """``text`` with every entry replaced by its pronunciation."""
        if self._pattern is None:
            return text
        lookup = dict(self.entries)
        return self._pattern.sub(lambda m: lookup[m.group(0)], text)

    def pieces(self, text: str) -> list[tuple[str, bool]]:
        """``text`` with every entry replaced, as ``(text, is_phonemes)`` pieces in order.

        Only an entry's ``[[...]]`` is phonemes; everything else, including any ``[[`` of
        ``text`` itself, is text.  Adjacent text pieces are joined.
        """
        out: list[tuple[str, bool]] = []

        def add(piece: str, phonemes: bool) -> None:
            if out and not phonemes and not out[-1][1]:
                out[-1] = (out[-1][0] + piece, False)
            elif piece:
                out.append((piece, phonemes))

        pos = 0
        lookup = dict(self.entries)
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                add(text[pos : m.start()], False)
                for i, part in enumerate(PHONEMES.split(lookup[m.group(0)])):
                    add(part, i % 2 == 1)
                pos = m.end()
        add(text[pos:], False)
        return out


BUILTIN_LEXICON = "news_lexicon.toml"
"""The built-in news lexicon, a file of the package's ``data`` folder."""


def builtin_text() -> tuple[str, Path]:
    """The built-in news lexicon's TOML and where it is."""
    resource = importlib.resources.files("briefing").joinpath("data", BUILTIN_LEXICON)
    return resource.read_text(encoding="utf-8"), Path(str(resource))


@functools.cache
def builtin_entries() -> dict[str, str]:
    """The entries of briefing's built-in news lexicon (read once per process), as
    :func:`~briefing.speech.lexicon_file.parse_entries` reads them (the tests check that it
    accepts the file and reads it the same) but without its model: whitespace folded."""
    raw, _ = builtin_text()
    return {word.strip(): " ".join(str(spoken).split())
            for word, spoken in tomllib.loads(raw).items()}


def load_lexicon(path: Path, builtin: bool = True) -> Lexicon:
    """The built-in news lexicon extended and overridden by ``pronunciations.toml``.

    A missing file leaves the built-in lexicon alone; ``builtin=False`` leaves it out.
    """
    entries = dict(builtin_entries()) if builtin else {}
    if path.exists() or path.is_symlink():
        from briefing.speech.lexicon_file import parse_entries

        raw = read_text_limited(path, MAX_LEXICON_BYTES, ConfigError, "lexicon")
        entries.update(parse_entries(raw, path))
    return Lexicon.from_entries(entries)
