"""Structured (JSON and YAML) articles: bounded parsing and a validated model of their fields.

Parsed JSON or YAML is whatever its writer made it: nested 100,000 deep, integers of 5,000
digits, lone surrogates, mappings with integer keys.  Here the text is parsed with bounds
(depth, integer length, no aliases; see :mod:`briefing.text.yamlload`) and the result is checked by
pydantic models that forbid unknown fields and coerce nothing, so every error names the field
(``photo 2: caption: ...``) and nothing but the declared types reaches the rest of briefing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from briefing.errors import ArticleError
from briefing.text.dates import DateFormatError, parse_iso_date
from briefing.text.yamlload import MAX_DEPTH, MAX_INT_DIGITS, YamlError, has_surrogate, load_yaml


def _text(value: object) -> str:
    """A non-empty string, with its whitespace folded to single spaces."""
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {_kind(value)}")
    if has_surrogate(value):
        raise ValueError("holds a lone surrogate (such as \\ud800), which is not a character")
    folded = " ".join(value.split())
    if not folded:
        raise ValueError("must not be empty")
    return folded


def _date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"must be a YYYY-MM-DD date written as text, not {_kind(value)}")
    try:
        return parse_iso_date(value)
    except DateFormatError:
        raise ValueError(f"{value[:40]!r} is not a YYYY-MM-DD date") from None
    except ValueError:
        raise ValueError(f"the date {value} does not exist") from None


def _kind(value: object) -> str:
    names = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "a mapping", type(None): "nothing (null)"}
    return names.get(type(value), type(value).__name__)


Text = Annotated[str, BeforeValidator(_text)]
IsoDate = Annotated[dt.date, BeforeValidator(_date)]


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PhotoFields(_Fields):
    """One photo as a producer writes it."""

    caption: Text
    credit: Text | None = None
    alt_text: Text | None = None
    kind: Text | None = None
    date: IsoDate | None = None


class ArticleFields(_Fields):
    """A structured article's fields (``docs/article-format.md``)."""

    date: IsoDate
    headline: Text | None = None
    paragraphs: list[Text] = Field(min_length=1)
    photos: list[PhotoFields] | None = None


_ITEM_NAMES = {"paragraphs": "paragraph", "photos": "photo"}


def _where(loc: tuple[int | str, ...]) -> str:
    """``("photos", 1, "caption")`` → ``"photo 2: 'caption'"``."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and loc[i - 1] in _ITEM_NAMES:
            parts[-1] = f"{_ITEM_NAMES[str(loc[i - 1])]} {part + 1}"
        else:
            parts.append(repr(part) if isinstance(part, str) else str(part))
    return ": ".join(parts)


def _message(error: Any) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        model = PhotoFields if len(loc) > 1 else ArticleFields
        owner = _where(loc[:-1])
        return (f"{owner + ': ' if owner else ''}unknown field {loc[-1]!r} "
                f"(known: {', '.join(model.model_fields)})")
    if kind == "invalid_key":
        owner = _where(loc[:-1])
        return f"{owner + ': ' if owner else ''}the field name {loc[-1]!r} must be text"
    if kind == "missing":
        return f"the field {_where(loc)} is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "too_short":
        message = "must be a non-empty list"
    elif kind in ("list_type", "model_type", "dict_type"):
        wanted = "a list" if kind == "list_type" else "a mapping of fields"
        message = f"must be {wanted}, not {_kind(error.get('input'))}"
    return f"{_where(loc)} {message}" if loc else f"a structured article {message}"


def validate_fields(data: Any, path: Path) -> ArticleFields:
    """The validated fields of parsed JSON or YAML ``data``, or an :class:`ArticleError`."""
    try:
        return ArticleFields.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ArticleError(_message(errors[0]) + more, path) from None


# --------------------------------------------------------------------------- JSON

_JSON_SPECIAL = re.compile(r'[\[\]{}"\\]')


def _json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (brackets in strings are skipped).

    One pass over the characters that matter, in linear time whatever the input (a regular
    expression for whole strings backtracks quadratically on an unclosed one).
    """
    depth = deepest = 0
    in_string = False
    escaped_at = -1
    for m in _JSON_SPECIAL.finditer(text):
        char, pos = m.group(0), m.start()
        if pos == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = pos + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _json_int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise ValueError(f"a number is longer than {MAX_INT_DIGITS} digits")
    return int(text)


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if has_surrogate(key):
            raise ValueError("a field name holds a lone surrogate (such as \\ud800), which is "
                             "not a character")
        if key in result:
            raise ValueError(f"the field {key!r} is given twice")
        result[key] = value
    return result


def load_json(text: str, path: Path) -> Any:
    """Parse JSON with bounded nesting and number length, refusing duplicate fields."""
    if _json_depth(text) > MAX_DEPTH:
        raise ArticleError(f"invalid JSON: nested more than {MAX_DEPTH} levels deep", path)
    try:
        return json.loads(text, parse_int=_json_int, parse_constant=_json_constant,
                          object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"invalid JSON at line {exc.lineno}: {exc.msg}", path) from None
    except (ValueError, RecursionError) as exc:
        raise ArticleError(f"invalid JSON: {exc}", path) from None


def load_structured(text: str, suffix: str, path: Path) -> Any:
    """Parse the text of a ``.json`` or ``.yaml``/``.yml`` article (not yet validated)."""
    if suffix == ".json":
        return load_json(text, path)
    try:
        return load_yaml(text)
    except YamlError as exc:
        raise ArticleError(str(exc), path) from None
