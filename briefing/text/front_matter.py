"""The front matter of a narration script: a validated model, with one-line errors.

The front matter is written by hand (``docs/script-format.md``), so it is checked by a pydantic
model that forbids unknown keys; each error is one line naming the script, the line of the key
and the key (``s.md: line 3: front matter rate 9 must be words per minute ...``).  The YAML
itself is parsed with bounds by :mod:`briefing.text.yamlload`, which keeps dates as strings.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo
from pydantic_core import ErrorDetails

from briefing.config import MAX_PAUSE_MS, MAX_RATE, MIN_RATE, RATE_PRESETS, rate_words
from briefing.errors import ScriptError
from briefing.text.dates import parse_iso_date
from briefing.text.markup import plain
from briefing.text.yamlload import YamlError, load_yaml
from briefing.values import language_tag_problem

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _single(value: object, info: ValidationInfo) -> object:
    """``value`` when it is one scalar without control characters."""
    key = info.field_name
    if isinstance(value, list | dict):
        raise ValueError(f"{key} must be a single value, not a "
                         f"{'list' if isinstance(value, list) else 'mapping'}")
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValueError(f"{key} {value!r} contains a control character")
    return value


def _date(value: object, info: ValidationInfo) -> dt.date:
    _single(value, info)
    try:
        return parse_iso_date(str(value))
    except ValueError:
        raise ValueError(f"date {value!r} is not a YYYY-MM-DD date") from None


def _title(value: object, info: ValidationInfo) -> str:
    _single(value, info)
    return plain(str(value or ""))


def _voice(value: object, info: ValidationInfo) -> str | None:
    _single(value, info)
    return None if value in (None, "", "default") else str(value)


def _rate(value: object, info: ValidationInfo) -> int | None:
    """Words per minute, or a preset name (``fast``) as everywhere a rate is given."""
    _single(value, info)
    if value is None:
        return None
    key = info.field_name
    if isinstance(value, str):
        try:
            value = rate_words(value)
        except ValueError as exc:
            raise ValueError(f"{key} {exc}") from None
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_RATE <= value <= MAX_RATE:
        raise ValueError(f"{key} {value!r} must be words per minute between {MIN_RATE} and "
                         f"{MAX_RATE} or a preset ({', '.join(RATE_PRESETS)})")
    return value


def _pause(value: object, info: ValidationInfo) -> int | None:
    """Milliseconds of silence, 0 to :data:`~briefing.config.MAX_PAUSE_MS` (as briefing.toml's
    pauses)."""
    _single(value, info)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PAUSE_MS:
        raise ValueError(f"{info.field_name} {value!r} must be 0 to {MAX_PAUSE_MS} milliseconds")
    return value


def _lang(value: object, info: ValidationInfo) -> str:
    _single(value, info)
    lang = value or "en"
    problem = language_tag_problem(lang)
    if problem is not None:
        raise ValueError(f"lang: {problem}")
    return str(lang)


class FrontMatter(BaseModel):
    """The keys of a script's front matter, checked; ``title`` empty means the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: Annotated[dt.date, BeforeValidator(_date)]
    title: Annotated[str, BeforeValidator(_title)] = ""
    voice: Annotated[str | None, BeforeValidator(_voice)] = None
    rate: Annotated[int | None, BeforeValidator(_rate)] = None
    photo_voice: Annotated[str | None, BeforeValidator(_voice)] = None
    """The voice photo descriptions are read in (``None``: briefing.toml's, else ``voice``)."""
    photo_rate: Annotated[int | None, BeforeValidator(_rate)] = None
    """The rate photo descriptions are read at (``None``: briefing.toml's, else ``rate``)."""
    lang: Annotated[str, BeforeValidator(_lang)] = "en"
    sentence_pause_ms: Annotated[int | None, BeforeValidator(_pause)] = None
    """The pauses of this script (``None``: briefing.toml's, else the default)."""
    paragraph_pause_ms: Annotated[int | None, BeforeValidator(_pause)] = None
    chapter_pause_ms: Annotated[int | None, BeforeValidator(_pause)] = None

    @property
    def full_title(self) -> str:
        """The title, or ``News briefing, <date>`` when none is given."""
        return self.title or f"News briefing, {self.date.isoformat()}"


KNOWN_KEYS = tuple(FrontMatter.model_fields)


def _key_lines(lines: list[str], end: int) -> dict[str, int]:
    """The 1-based line of each top-level ``key:`` of the front matter."""
    found: dict[str, int] = {}
    for i in range(1, end):
        m = re.match(r"([A-Za-z_][\w-]*)\s*:", lines[i])
        if m:
            found.setdefault(m.group(1), i + 1)
    return found


def _load(lines: list[str], path: Path) -> tuple[Any, int]:
    """The parsed YAML between the ``---`` lines and the index of the body's first line."""
    if not lines or lines[0].strip() != "---":
        raise ScriptError("line 1: the script must start with '---' front matter", path)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            try:
                return load_yaml("\n".join(lines[1:i])) or {}, i + 1
            except YamlError as exc:
                line = f" (line {exc.line + 1})" if exc.line else ""
                problem = f": {exc.problem}" if exc.problem else ""
                raise ScriptError(f"the front matter is not valid YAML{line}{problem}",
                                  path) from None
    raise ScriptError("line 1: the front matter '---' is never closed", path)


def _message(error: ErrorDetails) -> str:
    key = error["loc"][0] if error["loc"] else ""
    if error["type"] == "missing":
        return f"has no {key!r} (the briefing's date, YYYY-MM-DD)"
    cause = error.get("ctx", {}).get("error")
    return str(cause) if cause is not None else f"{key}: {error['msg']}"


def read_front_matter(lines: list[str], path: Path) -> tuple[FrontMatter, int]:
    """The front matter at the top of a script's ``lines`` and the index of its first body
    line; :class:`ScriptError` naming ``path``, the key's line and the key otherwise."""
    data, body_start = _load(lines, path)
    if not isinstance(data, dict):
        raise ScriptError("the front matter must be 'key: value' lines", path)
    try:
        return FrontMatter.model_validate(data), body_start
    except ValidationError as exc:
        errors = exc.errors()
    unknown = sorted(repr(e["loc"][0]) if not isinstance(e["loc"][0], str) else e["loc"][0]
                     for e in errors if e["type"] in ("extra_forbidden", "invalid_key"))
    if unknown:
        raise ScriptError(f"unknown front matter key(s): {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(KNOWN_KEYS))})", path) from None
    order = {key: n for n, key in enumerate(data)}
    first = min(errors, key=lambda e: order.get(e["loc"][0] if e["loc"] else "", len(order)))
    line = _key_lines(lines, body_start - 1).get(str(first["loc"][0]) if first["loc"] else "")
    raise ScriptError(f"{f'line {line}: ' if line else ''}front matter {_message(first)}",
                      path) from None
