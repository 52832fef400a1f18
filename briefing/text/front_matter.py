"""The front matter of a narration script: checked keys, with one-line errors.

The front matter is written by hand (``docs/script-format.md``), so it is checked by a pydantic
model that forbids unknown keys (:mod:`briefing.text.front_matter_model`); each error is one
line naming the script, the line of the key and the key (``s.md: line 3: front matter rate 9
must be words per minute ...``).  The YAML itself is parsed with bounds by
:mod:`briefing.text.yamlload`, which keeps dates as strings.

Within :func:`briefing.remembered.remembering` (a build), a front matter once checked is
remembered by the hash of its text and of the checking code, so reading it again (after an
edit of the script's body, in a new process) parses no YAML and imports no pydantic: about
80 ms of every rebuild.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import ScriptError
from briefing.remembered import recall, remember


@dataclass(frozen=True)
class FrontMatter:
    """The keys of a script's front matter, checked; ``title`` empty means the default."""

    date: dt.date
    title: str = ""
    voice: str | None = None
    rate: int | None = None
    photo_voice: str | None = None
    """The voice photo descriptions are read in (``None``: briefing.toml's, else ``voice``)."""
    photo_rate: int | None = None
    """The rate photo descriptions are read at (``None``: briefing.toml's, else ``rate``)."""
    lang: str = "en"
    sentence_pause_ms: int | None = None
    """The pauses of this script (``None``: briefing.toml's, else the default)."""
    paragraph_pause_ms: int | None = None
    chapter_pause_ms: int | None = None

    @property
    def full_title(self) -> str:
        """The title, or ``News briefing, <date>`` when none is given."""
        return self.title or f"News briefing, {self.date.isoformat()}"


KNOWN_KEYS = tuple(f.name for f in dataclasses.fields(FrontMatter))

_RULES = ("briefing.text.front_matter", "briefing.text.front_matter_model",
          "briefing.text.yamlload", "briefing.config", "briefing.values", "briefing.text.dates",
          "briefing.text.markup")
"""The modules whose rules decide a front matter's check (:mod:`briefing.remembered`)."""


def _recall(text: str) -> FrontMatter | None:
    doc = recall("front-matter", _RULES, text)
    try:
        return FrontMatter(**{**doc, "date": dt.date.fromisoformat(doc["date"])})
    except (TypeError, ValueError, KeyError):  # none, or damaged: checked again
        return None


def _remember(text: str, front: FrontMatter) -> None:
    remember("front-matter", _RULES, text,
             {**dataclasses.asdict(front), "date": front.date.isoformat()})


def key_lines(lines: list[str], end: int) -> dict[str, int]:
    """The 1-based line of each top-level ``key:`` of the front matter."""
    found: dict[str, int] = {}
    for i in range(1, end):
        m = re.match(r"([A-Za-z_][\w-]*)\s*:", lines[i])
        if m:
            found.setdefault(m.group(1), i + 1)
    return found


def _block(lines: list[str], path: Path) -> int:
    """The index of the front matter's closing ``---``."""
    if not lines or lines[0].strip() != "---":
        raise ScriptError("line 1: the script must start with '---' front matter", path)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return i
    raise ScriptError("line 1: the front matter '---' is never closed", path)


def _load(lines: list[str], end: int, path: Path) -> Any:
    """The parsed YAML between the ``---`` lines."""
    from briefing.text.yamlload import YamlError, load_yaml

    try:
        return load_yaml("\n".join(lines[1:end])) or {}
    except YamlError as exc:
        line = f" (line {exc.line + 1})" if exc.line else ""
        problem = f": {exc.problem}" if exc.problem else ""
        raise ScriptError(f"the front matter is not valid YAML{line}{problem}", path) from None


def read_front_matter(lines: list[str], path: Path) -> tuple[FrontMatter, int]:
    """The front matter at the top of a script's ``lines`` and the index of its first body
    line; :class:`ScriptError` naming ``path``, the key's line and the key otherwise."""
    end = _block(lines, path)
    text = "\n".join(lines[1:end])
    front = _recall(text)
    if front is not None:
        return front, end + 1
    data = _load(lines, end, path)
    if not isinstance(data, dict):
        raise ScriptError("the front matter must be 'key: value' lines", path)
    from briefing.text.front_matter_model import checked

    front = checked(data, lines, end + 1, path)
    _remember(text, front)
    return front, end + 1
