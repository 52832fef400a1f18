"""The check of a script's front matter as written: a pydantic model that forbids unknown keys.

A module of its own, imported only when a front matter is not one already checked
(:func:`briefing.text.front_matter.read_front_matter` remembers those), so a rebuild after an
edit of a script's body imports no pydantic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo
from pydantic_core import ErrorDetails

from briefing.config import MAX_PAUSE_MS, MAX_RATE, MIN_RATE, RATE_PRESETS, rate_words
from briefing.errors import ScriptError
from briefing.text.dates import parse_iso_date
from briefing.text.front_matter import KNOWN_KEYS, FrontMatter, key_lines
from briefing.text.markup import plain
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


class FrontMatterModel(BaseModel):
    """The keys of a script's front matter as written, checked (:class:`FrontMatter`'s
    fields)."""

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


def _message(error: ErrorDetails) -> str:
    key = error["loc"][0] if error["loc"] else ""
    if error["type"] == "missing":
        return f"has no {key!r} (the briefing's date, YYYY-MM-DD)"
    cause = error.get("ctx", {}).get("error")
    return str(cause) if cause is not None else f"{key}: {error['msg']}"


def checked(data: dict[Any, Any], lines: list[str], body_start: int, path: Path) -> FrontMatter:
    """The front matter ``data`` (parsed from ``lines``) checked; :class:`ScriptError` naming
    ``path``, the key's line and the key otherwise."""
    try:
        model = FrontMatterModel.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        return FrontMatter(**{f.name: getattr(model, f.name)
                              for f in dataclasses.fields(FrontMatter)})
    unknown = sorted(repr(e["loc"][0]) if not isinstance(e["loc"][0], str) else e["loc"][0]
                     for e in errors if e["type"] in ("extra_forbidden", "invalid_key"))
    if unknown:
        raise ScriptError(f"unknown front matter key(s): {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(KNOWN_KEYS))})", path) from None
    order = {key: n for n, key in enumerate(data)}
    first = min(errors, key=lambda e: order.get(e["loc"][0] if e["loc"] else "", len(order)))
    line = key_lines(lines, body_start - 1).get(str(first["loc"][0]) if first["loc"] else "")
    raise ScriptError(f"{f'line {line}: ' if line else ''}front matter {_message(first)}",
                      path) from None
