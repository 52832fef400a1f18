"""HTTP byte ranges (RFC 9110 ``Range: bytes=...``), parsed with bounded work.

Hand-written because :mod:`http.server` has no range support, and because a header is hostile
input: a position of thousands of digits must be answered (it is past any end), not handed to
``int()``, which refuses more than 4,300 digits and would end the request with a traceback.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")
_MAX_DIGITS = 18
"""Byte positions longer than this (leading zeros aside) exceed any file: 10**18 bytes is an
exabyte.  They are never converted with ``int()``, which refuses more than 4,300 digits."""
_BEYOND = int("1" + "0" * _MAX_DIGITS)


class RangeNotSatisfiable(Exception):
    """The ``Range`` header asks for bytes the file does not have."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range ``(first, last)`` that ``header`` asks of a ``size``-byte file.

    Returns None when the whole file should be sent instead: a unit other than ``bytes``, or
    several ranges (allowed by RFC 9110, and browsers ask for one).  Raises
    :class:`RangeNotSatisfiable` for a malformed byte range, a first byte past the end, a last
    byte before the first, or an empty suffix.
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    if "," in spec:
        return None
    match = _RANGE.match(spec)
    if not match or (not match.group(1) and not match.group(2)):
        raise RangeNotSatisfiable(header)
    first_text, last_text = match.groups()
    if not first_text:  # suffix: the last N bytes
        suffix = _position(last_text, size)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - suffix), size - 1
    first = _position(first_text, size)
    last = _position(last_text, size) if last_text else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable(header)
    return first, min(last, size - 1)


def _position(digits: str, size: int) -> int:
    """The number ``digits`` spell, or ``size`` (past the last byte) when it has more than
    :data:`_MAX_DIGITS` significant digits: bounded work for any header."""
    significant = digits.lstrip("0")
    if len(significant) > _MAX_DIGITS:
        return max(size, _BEYOND)
    return int(significant or "0")
