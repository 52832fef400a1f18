"""Read a narration script back into chapters, paragraphs and sentences (the segments).

The format is described in ``docs/script-format.md``.  This is the only reader of scripts:
everything the audio is built from comes through :func:`parse_script`.  Backslash escapes are
set aside before any rule looks at a line, and inline text is read, by :mod:`briefing.markup`,
whose :func:`~briefing.markup.escape` is the exact inverse of this reader.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.article import split_sentences
from briefing.errors import ScriptError
from briefing.markup import plain, protect, read_inline, restore
from briefing.yamlload import YamlError, load_yaml

FRONT_MATTER_KEYS = {"date", "title", "voice", "rate", "lang"}


@dataclass(frozen=True)
class Pause:
    """An explicit pause written as ``[pause 1.5s]``."""

    ms: int
    """Length in milliseconds."""


@dataclass(frozen=True)
class Paragraph:
    """A spoken paragraph."""

    sentences: tuple[str, ...]
    """Its sentences, each one synthesised as one segment."""


Block = Paragraph | Pause


@dataclass(frozen=True)
class Chapter:
    """A chapter: a ``## `` heading and what follows it."""

    title: str
    """The heading text."""

    blocks: tuple[Block, ...]
    """Paragraphs and pauses, in order."""

    @property
    def sentences(self) -> tuple[str, ...]:
        """Every spoken sentence of the chapter, in order."""
        return tuple(s for b in self.blocks if isinstance(b, Paragraph) for s in b.sentences)


@dataclass(frozen=True)
class Script:
    """A parsed narration script."""

    date: dt.date
    """The briefing's date (front matter ``date``)."""

    title: str
    """The briefing's title (front matter ``title``)."""

    voice: str | None
    """The voice (front matter ``voice``; ``None`` for the engine default)."""

    rate: int | None
    """Speaking rate in words per minute (front matter ``rate``; ``None``: the setting)."""

    lang: str
    """Language code (front matter ``lang``)."""

    chapters: tuple[Chapter, ...]
    """The chapters, in order."""


_PAUSE = re.compile(r"\[pause\s+([^\]]*)\]", re.I)
_PAUSE_VALUE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$", re.I)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
MAX_PAUSE_MS = 60_000


def _pause_ms(spec: str, path: Path, lineno: int) -> int:
    m = _PAUSE_VALUE.match(spec)
    if not m:
        raise ScriptError(f"line {lineno}: pause {restore(spec).strip()!r} is not a length "
                          "like '1.5s' or '500ms'", path)
    value = float(m.group(1))
    ms = round(value * 1000) if m.group(2).lower() == "s" else round(value)
    if ms > MAX_PAUSE_MS:
        raise ScriptError(f"line {lineno}: a pause of {ms} ms is longer than 60 s", path)
    return ms


def _strip_comments(lines: list[str], path: Path, first_lineno: int) -> list[str]:
    """Blank out HTML comments, keeping line numbers."""
    out: list[str] = []
    in_comment_since: int | None = None
    for offset, line in enumerate(lines):
        result = ""
        rest = line
        while rest:
            if in_comment_since is not None:
                end = rest.find("-->")
                if end == -1:
                    rest = ""
                    break
                rest = rest[end + 3 :]
                in_comment_since = None
            else:
                start = rest.find("<!--")
                if start == -1:
                    result += rest
                    break
                result += rest[:start]
                rest = rest[start + 4 :]
                in_comment_since = first_lineno + offset
        out.append(result)
    if in_comment_since is not None:
        raise ScriptError(f"line {in_comment_since}: a comment '<!--' is never closed", path)
    return out


def _front_matter(lines: list[str], path: Path) -> tuple[dict[str, Any], int]:
    if not lines or lines[0].strip() != "---":
        raise ScriptError("line 1: the script must start with '---' front matter", path)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            try:
                data = load_yaml("\n".join(lines[1:i])) or {}
            except YamlError as exc:
                line = f" (line {exc.line + 1})" if exc.line else ""
                raise ScriptError(f"the front matter is not valid YAML{line}", path) from None
            if not isinstance(data, dict):
                raise ScriptError("the front matter must be 'key: value' lines", path)
            return data, i + 1
    raise ScriptError("line 1: the front matter '---' is never closed", path)


def _validate_front(data: dict[str, Any], path: Path) -> tuple[dt.date, str, str | None,
                                                              int | None, str]:
    unknown = set(map(str, data)) - FRONT_MATTER_KEYS
    if unknown:
        raise ScriptError(f"unknown front matter key(s): {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(FRONT_MATTER_KEYS))})", path)
    raw_date = data.get("date")
    if isinstance(raw_date, dt.date):
        day = raw_date
    else:
        try:
            day = dt.date.fromisoformat(str(raw_date))
        except ValueError:
            raise ScriptError(f"front matter date {raw_date!r} is not a YYYY-MM-DD date",
                              path) from None
    title = plain(str(data.get("title") or "")) or f"News briefing, {day.isoformat()}"
    voice_raw = data.get("voice")
    voice = None if voice_raw in (None, "", "default") else str(voice_raw)
    rate_raw = data.get("rate")
    rate: int | None = None
    if rate_raw is not None:
        if not isinstance(rate_raw, int) or isinstance(rate_raw, bool) or not 40 <= rate_raw <= 900:
            raise ScriptError(f"front matter rate {rate_raw!r} must be words per minute "
                              "between 40 and 900", path)
        rate = rate_raw
    lang = str(data.get("lang") or "en")
    return day, title, voice, rate, lang


def parse_script(text: str, path: Path) -> Script:
    """Parse the text of a narration script; ``path`` is only used in error messages."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    front, body_start = _front_matter(lines, path)
    day, title, voice, rate, lang = _validate_front(front, path)
    body = _strip_comments(lines[body_start:], path, body_start + 1)

    chapters: list[Chapter] = []
    current_title: str | None = None
    blocks: list[Block] = []
    para: list[str] = []

    def flush_para() -> None:
        if para:
            spoken = read_inline(" ".join(para))
            if spoken:
                blocks.append(Paragraph(tuple(split_sentences(spoken))))
            para.clear()

    def flush_chapter(lineno: int) -> None:
        flush_para()
        if current_title is None:
            return
        if not any(isinstance(b, Paragraph) for b in blocks):
            raise ScriptError(f"line {lineno}: chapter {current_title!r} has nothing to speak",
                              path)
        chapters.append(Chapter(current_title, tuple(blocks)))
        blocks.clear()

    heading_line = 0
    for offset, line in enumerate(body):
        lineno = body_start + 1 + offset
        stripped = protect(line).strip()  # escapes set aside: no rule below matches them
        if stripped == "##" or re.match(r"^##\s", stripped):
            flush_chapter(heading_line)
            current_title = read_inline(stripped[2:])
            if not current_title:
                raise ScriptError(f"line {lineno}: a chapter heading has no title", path)
            if any(c.title.lower() == current_title.lower() for c in chapters):
                raise ScriptError(f"line {lineno}: chapter title {current_title!r} is used "
                                  "twice; titles must be unique", path)
            heading_line = lineno
            continue
        if re.match(r"^#(?!#)\s", stripped):
            flush_para()  # a document title: not spoken
            continue
        if not stripped:
            flush_para()
            continue
        if current_title is None:
            raise ScriptError(f"line {lineno}: text before the first '## ' chapter heading",
                              path)
        if re.match(r"^#{3,}\s", stripped):
            flush_para()
            para.append(stripped.lstrip("#").strip())
            flush_para()
            continue
        if _LIST_MARKER.match(stripped):
            flush_para()
            stripped = _LIST_MARKER.sub("", stripped)
        pos = 0
        for m in _PAUSE.finditer(stripped):
            before = stripped[pos : m.start()].strip()
            if before:
                para.append(before)
            flush_para()
            blocks.append(Pause(_pause_ms(m.group(1), path, lineno)))
            pos = m.end()
        rest = stripped[pos:].strip()
        if rest:
            para.append(rest)
    flush_chapter(heading_line)
    if not chapters:
        raise ScriptError("the script has no '## ' chapter", path)
    return Script(day, title, voice, rate, lang, tuple(chapters))


def read_script(path: Path) -> Script:
    """Read and parse ``path``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScriptError("no such script", path) from None
    except OSError as exc:
        raise ScriptError(f"cannot be read: {exc.strerror or exc}", path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptError(f"is not UTF-8 text (invalid byte at offset {exc.start})",
                          path) from None
    return parse_script(text, path)
