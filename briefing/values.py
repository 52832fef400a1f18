"""Checks of single values users write: language tags, public URLs and durations; and how
a duration is rounded and shown (the command line prints it without importing the site's
formatting, :mod:`briefing.publish.formatting`, which re-exports it).

A value that passes here is safe everywhere it goes: a script's front matter line, an HTML
``lang`` attribute, the manifest (whose reader applies the same check), a feed's XML.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*", re.ASCII)
"""The shape of a BCP 47 language tag as used here: ``en``, ``en-GB``, ``pt-BR``, ``zh-Hans``."""


def language_tag_problem(value: object) -> str | None:
    """Why ``value`` is not a language tag (``None`` when it is one)."""
    if not isinstance(value, str):
        return f"language {value!r} must be text such as 'en' or 'en-GB'"
    if LANGUAGE_TAG.fullmatch(value) is None:
        hint = f" (did you mean {value.replace('_', '-')!r}?)" if "_" in value else ""
        return (f"language {value!r} is not a language tag such as 'en' or 'en-GB'{hint}")
    return None


_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\"<>\\^`{|}]")


def url_problem(value: str, name: str = "base_url") -> str | None:
    """Why ``value`` is not a usable public ``http(s)`` URL (``None`` when it is one).

    Control characters, spaces and characters that are never valid in a URL are refused
    (they make ``feed.xml`` not well-formed or change its meaning), as are other schemes and
    URLs without a host.
    """
    value = value.strip()
    bad = _URL_FORBIDDEN.search(value)
    if bad is not None:
        return (f"{name} {value!r} contains {bad.group(0)!r} at position {bad.start()}, "
                "which is not allowed in a URL")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"{name} {value!r} is not a URL: {exc}"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"{name} {value!r} must be an http:// or https:// URL with a host name"
    if parts.query or parts.fragment:
        return f"{name} {value!r} must not have a query or fragment (?... or #...)"
    return None


def parse_duration(text: str) -> int:
    """Milliseconds of ``"3m"``, ``"90s"``, ``"2m30s"``, ``"1h"`` or plain seconds ``"180"``.

    Raises ``ValueError`` with a message saying what is accepted."""
    value = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return round(float(value) * 1000)
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+(?:\.\d+)?)s)?", value)
    if not value or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration: write it like '3m', '90s' or '2m30s'")
    h, m, s = match.groups()
    return round((int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)) * 1000)


def whole_seconds(ms: int) -> int:
    """A duration in whole seconds, to the nearest (half a second up).

    The one rounding rule for durations shown to people: the command line, the pages and the
    feed all go through it, so a briefing is "4:39" everywhere and a chapter "12 s" on the
    page and in the terminal alike.  (Positions on a timeline,
    :func:`briefing.publish.formatting.clock`, are truncated as players show them.)
    """
    return (max(0, ms) + 500) // 1000


def hms(ms: int) -> tuple[int, int, int]:
    """Hours, minutes and seconds of a duration, rounded by :func:`whole_seconds`."""
    hours, rest = divmod(whole_seconds(ms), 3600)
    minutes, seconds = divmod(rest, 60)
    return hours, minutes, seconds


def short_duration(ms: int) -> str:
    """A duration as the command line prints it: ``"4:39"``, ``"1:02:05"`` from an hour on."""
    hours, minutes, seconds = hms(ms)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"
