"""A chapter's own voice and rate: the ``<!-- voice: en-gb rate: 160 -->`` heading comment.

Photo descriptions can be read in a second voice (``photo_voice``, ``photo_rate``); a producer
who wants one chapter read otherwise writes a comment beside the chapter marker on its heading
line (``docs/script-format.md``).  It is parsed here, strictly, because a misspelt key in a
comment would otherwise be a silent no-op: the comment starts with ``voice:`` or ``rate:`` and
holds nothing but ``voice: <id>`` and ``rate: <words per minute>``, each at most once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefing.config import MAX_RATE, MIN_RATE, RATE_PRESETS
from briefing.errors import ScriptError

"""The rates a script accepts (as the front matter's ``rate``)."""

DEFAULT = "default"
"""``voice: default``: the script's own voice (for a photo chapter, not the photo voice)."""

_START = re.compile(r"^\s*(?:voice|rate)\s*:", re.I)
_PAIR = re.compile(r"\s*([A-Za-z_][\w-]*)\s*:\s*([^\s:]+)(?=\s|$)")


@dataclass(frozen=True)
class ChapterVoice:
    """A heading's voice and rate (``None``: not given)."""

    voice: str | None = None
    """A voice id, :data:`DEFAULT` (the script's voice), or ``None``."""
    rate: int | None = None


def is_voice_comment(comment: str) -> bool:
    """Whether the text inside a ``<!-- -->`` comment sets a chapter's voice or rate."""
    return _START.match(comment) is not None


def _pairs(comment: str) -> dict[str, str]:
    found: dict[str, str] = {}
    pos = 0
    text = comment.rstrip()
    while pos < len(text):
        m = _PAIR.match(text, pos)
        if m is None:
            raise ValueError(f"voice comment {comment.strip()!r} must be 'voice: <id>' and/or "
                             "'rate: <words per minute>'")
        key = m.group(1).lower()
        if key not in ("voice", "rate"):
            raise ValueError(f"voice comment: unknown key {m.group(1)!r} (known: rate, voice)")
        if key in found:
            raise ValueError(f"voice comment gives {key!r} twice")
        found[key] = m.group(2)
        pos = m.end()
    return found


def parse_voice_comment(comment: str) -> ChapterVoice:
    """The voice and rate of a comment (:func:`is_voice_comment`); ``ValueError`` if
    malformed."""
    pairs = _pairs(comment)
    rate: int | None = None
    if "rate" in pairs:
        value = pairs["rate"]
        words = RATE_PRESETS.get(value.lower())
        if words is None and value.isascii() and value.isdigit():
            words = int(value)
        if words is None or not MIN_RATE <= words <= MAX_RATE:
            raise ValueError(f"voice comment rate {value!r} must be words per minute between "
                             f"{MIN_RATE} and {MAX_RATE} or a preset "
                             f"({', '.join(RATE_PRESETS)})")
        rate = words
    voice = pairs.get("voice")
    return ChapterVoice(DEFAULT if voice is not None and voice.lower() == DEFAULT else voice,
                        rate)


def heading_voice(comments: list[str], path: Path, lineno: int) -> ChapterVoice:
    """The voice and rate among the comments of a heading line (none: :class:`ChapterVoice`
    with neither); :class:`ScriptError` naming the line when malformed or given twice."""
    found = [c for c in comments if is_voice_comment(c)]
    if len(found) > 1:
        raise ScriptError(f"line {lineno}: a heading has more than one voice comment", path)
    if not found:
        return ChapterVoice()
    try:
        return parse_voice_comment(found[0])
    except ValueError as exc:
        raise ScriptError(f"line {lineno}: {exc}", path) from None


def refuse_voice_comment(comments: list[str], path: Path, lineno: int) -> None:
    """A voice comment off a heading line would be a silent no-op: refuse it with its line."""
    if any(is_voice_comment(c) for c in comments):
        raise ScriptError(f"line {lineno}: a 'voice:'/'rate:' comment belongs on a chapter's "
                          "'## ' heading line", path)
