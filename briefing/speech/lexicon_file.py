"""The check of a lexicon file as written (``pronunciations.toml``): a strict pydantic model.

A module of its own so that only a build with a workspace lexicon imports pydantic
(:mod:`briefing.speech.lexicon` reads the built-in lexicon without it).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, RootModel, ValidationError

from briefing.errors import ConfigError
from briefing.speech.lexicon import PHONEMES


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


def parse_entries(raw: str, path: Path) -> dict[str, str]:
    """The entries of a lexicon file's TOML, checked: :class:`ConfigError` naming the line
    and the word for a bad one."""
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
