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

Both files are checked by a pydantic model (:class:`LexiconFile`, strict), so a bad entry is
refused in one line naming the file and the word.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, RootModel, ValidationError

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


def _word(value: str) -> str:
    word = value.strip()
    if not word:
        raise ValueError("an entry has an empty word")
    return word


def _spoken(value: object) -> object:
    """A pronunciation with its whitespace folded to single spaces; not empty; every ``[[``
    closed by ``]]`` (an unclosed phoneme entry would be read out as text, bracket by
    bracket)."""
    if isinstance(value, str):
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        rest = PHONEMES.sub(" ", value)
        if "[[" in rest:
            raise ValueError("has '[[' never closed by ']]': phonemes are written "
                             "\"[[paSIn'jan]]\"")
        if "]]" in rest:
            raise ValueError("has ']]' that closes no '[['")
    return value


class LexiconFile(RootModel[dict[Annotated[str, AfterValidator(_word)],
                                 Annotated[str, BeforeValidator(_spoken)]]]):
    """A lexicon file as written: words (any, so no fixed fields to forbid) mapped to text."""

    model_config = ConfigDict(strict=True, frozen=True)


_KINDS = {dict: "a table", list: "a list", bool: "true/false", int: "a number",
          float: "a number"}


def _message(error: Any) -> str:
    """One line for pydantic's first error, naming the entry."""
    loc = tuple(error["loc"])
    if len(loc) > 1 and loc[-1] == "[key]":
        return str(error["ctx"]["error"])
    where = f"the pronunciation of {loc[0]!r}" if loc else "the lexicon"
    if error["type"] == "value_error":
        return f"{where} {error['ctx']['error']}"
    value = error.get("input")
    kind = _KINDS.get(type(value), type(value).__name__)
    if not loc:
        return f"{where} must be a table of words, not {kind}"
    return f"{where} must be text such as \"Kor-nid-zor\" or \"[[paSIn'jan]]\", not {kind}"


def _line_of(raw: str, word: object) -> int | None:
    """The line of ``raw`` (a lexicon's TOML) that sets ``word``: each line that is a whole
    ``key = value`` on its own is read as TOML; ``None`` if no line is (a multi-line value)."""
    for number, line in enumerate(raw.splitlines(), 1):
        if "=" not in line:
            continue
        try:
            if word in tomllib.loads(line):
                return number
        except tomllib.TOMLDecodeError:
            continue
    return None


def _parse_entries(raw: str, path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from None
    try:
        return LexiconFile.model_validate(data).root
    except ValidationError as exc:
        errors = exc.errors()
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        loc = tuple(errors[0]["loc"])
        line = _line_of(raw, loc[0]) if loc else None
        where = f"line {line}: " if line is not None else ""
        raise ConfigError(where + _message(errors[0]) + more, path) from None


@functools.cache
def builtin_entries() -> dict[str, str]:
    """The entries of briefing's built-in news lexicon (read once per process)."""
    resource = importlib.resources.files("briefing").joinpath("data", BUILTIN_LEXICON)
    return _parse_entries(resource.read_text(encoding="utf-8"), Path(str(resource)))


def load_lexicon(path: Path, builtin: bool = True) -> Lexicon:
    """The built-in news lexicon extended and overridden by ``pronunciations.toml``.

    A missing file leaves the built-in lexicon alone; ``builtin=False`` leaves it out.
    """
    entries = dict(builtin_entries()) if builtin else {}
    if path.exists() or path.is_symlink():
        raw = read_text_limited(path, MAX_LEXICON_BYTES, ConfigError, "lexicon")
        entries.update(_parse_entries(raw, path))
    return Lexicon.from_entries(entries)
