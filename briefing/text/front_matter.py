"""The front matter of a narration script: checked keys, with one-line errors.

The front matter is written by hand (``docs/script-format.md``), so it is checked by a pydantic
model that forbids unknown keys (:mod:`briefing.text.front_matter_model`); each error is one
line naming the script, the line of the key and the key (``s.md: line 3: front matter rate 9
must be words per minute ...``).  The YAML itself is parsed with bounds by
:mod:`briefing.text.yamlload`, which keeps dates as strings.

Within :func:`remembered_front_matter` (a build), a front matter once checked is remembered by
the hash of its text and of the checking code, so reading it again (after an edit of the
script's body, in a new process) parses no YAML and imports no pydantic: about 80 ms of every
rebuild.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import ScriptError
from briefing.fsutil import write_bytes_atomic

REMEMBERED_VERSION = 1
"""The layout of a remembered front matter."""


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

_REMEMBERED: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "front_matter", default=None)


@contextlib.contextmanager
def remembered_front_matter(folder: Path) -> Iterator[None]:
    """Within, remember checked front matter in ``folder`` (made when needed) and use it."""
    token = _REMEMBERED.set(folder)
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


@functools.cache
def _code_digest() -> str:
    """The checking code's identity: the source of the modules whose rules decide it."""
    digest = hashlib.sha256(str(REMEMBERED_VERSION).encode())
    for name in ("briefing.text.front_matter", "briefing.text.front_matter_model",
                 "briefing.text.yamlload", "briefing.config", "briefing.values",
                 "briefing.text.dates", "briefing.text.markup"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return ""
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()


def _remembered_path(text: str) -> Path | None:
    folder = _REMEMBERED.get()
    code = _code_digest() if folder is not None else ""
    if folder is None or not code:
        return None
    key = hashlib.sha256(f"{code}\0{text}".encode()).hexdigest()
    return folder / key[:2] / f"{key}.json"


def _recall(path: Path | None) -> FrontMatter | None:
    if path is None:
        return None
    try:
        doc = json.loads(path.read_bytes())
        return FrontMatter(**{**doc, "date": dt.date.fromisoformat(doc["date"])})
    except (OSError, ValueError, TypeError, KeyError):  # absent or damaged: checked again
        return None


def _remember(path: Path | None, front: FrontMatter) -> None:
    if path is not None:
        doc = {**dataclasses.asdict(front), "date": front.date.isoformat()}
        with contextlib.suppress(OSError):  # remembering only saves time
            write_bytes_atomic(path, json.dumps(doc).encode(), durable=False)


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
    remembered = _remembered_path("\n".join(lines[1:end]))
    front = _recall(remembered)
    if front is not None:
        return front, end + 1
    data = _load(lines, end, path)
    if not isinstance(data, dict):
        raise ScriptError("the front matter must be 'key: value' lines", path)
    from briefing.text.front_matter_model import checked

    front = checked(data, lines, end + 1, path)
    _remember(remembered, front)
    return front, end + 1
