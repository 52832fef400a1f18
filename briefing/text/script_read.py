"""Read a narration script back into chapters, paragraphs and sentences (the segments).

The format is described in ``docs/script-format.md``.  This is the only reader of scripts:
everything the audio is built from comes through :func:`parse_script`.  Backslash escapes are
set aside before any rule looks at a line, and inline text is read, by :mod:`briefing.text.markup`,
whose :func:`~briefing.text.markup.escape` is the exact inverse of this reader.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ScriptError
from briefing.readfile import read_text_limited
from briefing.text.article import split_sentences
from briefing.text.dates import parse_iso_date
from briefing.text.markup import plain, protect, read_inline, restore
from briefing.text.yamlload import YamlError, load_yaml
from briefing.values import language_tag_problem

log = logging.getLogger(__name__)

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

    line: int = field(default=0, compare=False)
    """The script line it starts on (for error messages)."""


Block = Paragraph | Pause


@dataclass(frozen=True)
class Chapter:
    """A chapter: a ``## `` heading and what follows it."""

    title: str
    """The heading text."""

    blocks: tuple[Block, ...]
    """Paragraphs and pauses, in order."""

    line: int = field(default=0, compare=False)
    """The line of its heading (for error messages)."""

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
_PAUSE_VALUE = re.compile(r"^\s*(\d+)(?:\.(\d+))?\s*(ms|s)\s*$", re.I | re.ASCII)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
MAX_PAUSE_MS = 60_000
MAX_CHAPTERS = 255
"""Most chapters in one briefing: an ID3 table of contents (CTOC) lists at most 255."""
MAX_SCRIPT_BYTES = 64_000_000
"""Scripts larger than this are refused."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _pause_ms(spec: str, path: Path, lineno: int) -> int:
    m = _PAUSE_VALUE.match(spec)
    if not m:
        raise ScriptError(f"line {lineno}: pause {restore(spec).strip()!r} is not a length "
                          "like '1.5s' or '500ms'", path)
    whole, fraction, unit = m.group(1).lstrip("0") or "0", m.group(2) or "", m.group(3).lower()
    if len(whole) > 6:  # longer than any pause allowed, and too long for a float
        raise ScriptError(f"line {lineno}: a pause of {restore(spec).strip()} is longer "
                          "than 60 s", path)
    value = float(f"{whole}.{fraction[:6] or 0}")
    ms = round(value * 1000) if unit == "s" else round(value)
    if ms > MAX_PAUSE_MS:
        raise ScriptError(f"line {lineno}: a pause of {ms} ms is longer than 60 s", path)
    return ms


def is_silent(text: str) -> bool:
    """Whether ``text`` has nothing an engine could say: only punctuation, spaces, format
    characters (zero-width space, joiners) or controls; no letter, digit or symbol."""
    return not any(unicodedata.category(c)[0] in "LNS" for c in text)


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
                problem = f": {exc.problem}" if exc.problem else ""
                raise ScriptError(f"the front matter is not valid YAML{line}{problem}",
                                  path) from None
            if not isinstance(data, dict):
                raise ScriptError("the front matter must be 'key: value' lines", path)
            return data, i + 1
    raise ScriptError("line 1: the front matter '---' is never closed", path)


def _key_lines(lines: list[str], end: int) -> dict[str, int]:
    """The 1-based line of each top-level ``key:`` of the front matter."""
    found: dict[str, int] = {}
    for i in range(1, end):
        m = re.match(r"([A-Za-z_][\w-]*)\s*:", lines[i])
        if m:
            found.setdefault(m.group(1), i + 1)
    return found


def _validate_front(data: dict[str, Any], path: Path, key_lines: dict[str, int]
                    ) -> tuple[dt.date, str, str | None, int | None, str]:
    def bad(key: str, message: str) -> ScriptError:
        line = key_lines.get(key)
        return ScriptError(f"{f'line {line}: ' if line else ''}front matter {message}", path)

    unknown = sorted(repr(k) if not isinstance(k, str) else k for k in data
                     if k not in FRONT_MATTER_KEYS)
    if unknown:
        raise ScriptError(f"unknown front matter key(s): {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(FRONT_MATTER_KEYS))})", path)
    for key, value in data.items():
        if isinstance(value, list | dict):
            raise bad(key, f"{key} must be a single value, not a "
                           f"{'list' if isinstance(value, list) else 'mapping'}")
        if isinstance(value, str) and _CONTROL.search(value):
            raise bad(key, f"{key} {value!r} contains a control character")
    raw_date = data.get("date")
    if isinstance(raw_date, dt.date):
        day = raw_date
    else:
        try:
            day = parse_iso_date(str(raw_date))
        except ValueError:
            raise bad("date", f"date {raw_date!r} is not a YYYY-MM-DD date") from None
    title = plain(str(data.get("title") or "")) or f"News briefing, {day.isoformat()}"
    voice_raw = data.get("voice")
    voice = None if voice_raw in (None, "", "default") else str(voice_raw)
    rate_raw = data.get("rate")
    rate: int | None = None
    if rate_raw is not None:
        if not isinstance(rate_raw, int) or isinstance(rate_raw, bool) \
                or not 40 <= rate_raw <= 900:
            raise bad("rate", f"rate {rate_raw!r} must be words per minute between 40 and 900")
        rate = rate_raw
    lang = data.get("lang") or "en"
    problem = language_tag_problem(lang)
    if problem is not None:
        raise bad("lang", f"lang: {problem}")
    return day, title, voice, rate, lang


def parse_script(text: str, path: Path) -> Script:
    """Parse the text of a narration script; ``path`` is only used in error messages."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    front, body_start = _front_matter(lines, path)
    day, title, voice, rate, lang = _validate_front(front, path,
                                                    _key_lines(lines, body_start - 1))
    body = _strip_comments(lines[body_start:], path, body_start + 1)

    chapters: list[Chapter] = []
    current_title: str | None = None
    blocks: list[Block] = []
    para: list[str] = []

    para_line = [0]

    def flush_para() -> None:
        if para:
            spoken = read_inline(" ".join(para))
            if spoken:
                blocks.append(Paragraph(tuple(split_sentences(spoken)), para_line[0]))
            para.clear()

    def add_text(text: str, lineno: int) -> None:
        if not para:
            para_line[0] = lineno
        para.append(text)

    def flush_chapter(lineno: int) -> None:
        flush_para()
        if current_title is None:
            return
        if not any(isinstance(b, Paragraph) for b in blocks):
            raise ScriptError(f"line {lineno}: chapter {current_title!r} has nothing to speak",
                              path)
        chapters.append(Chapter(current_title, tuple(blocks), lineno))
        blocks.clear()

    heading_line = 0
    for offset, line in enumerate(body):
        lineno = body_start + 1 + offset
        stripped = protect(line).strip()  # escapes set aside: no rule below matches them
        if stripped == "##" or re.match(r"^##\s", stripped):
            flush_chapter(heading_line)
            if len(chapters) == MAX_CHAPTERS:
                raise ScriptError(f"line {lineno}: more than {MAX_CHAPTERS} chapters; an MP3's "
                                  f"chapter table holds at most {MAX_CHAPTERS}", path)
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
            add_text(stripped.lstrip("#").strip(), lineno)
            flush_para()
            continue
        if _LIST_MARKER.match(stripped):
            flush_para()
            stripped = _LIST_MARKER.sub("", stripped)
        pos = 0
        for m in _PAUSE.finditer(stripped):
            before = stripped[pos : m.start()].strip()
            if before:
                add_text(before, lineno)
            flush_para()
            blocks.append(Pause(_pause_ms(m.group(1), path, lineno)))
            pos = m.end()
        rest = stripped[pos:].strip()
        if rest:
            add_text(rest, lineno)
    flush_chapter(heading_line)
    if not chapters:
        raise ScriptError("the script has no '## ' chapter", path)
    return Script(day, title, voice, rate, lang, tuple(chapters))


def without_silent(script: Script, path: Path) -> Script:
    """``script`` without the sentences that have nothing to say (:func:`is_silent`).

    ``---``, ``...`` or a lone zero-width space in a paragraph would reach the engine as
    nothing; each one dropped is logged as a warning naming its line.  A chapter left with
    nothing to say is a :class:`ScriptError` naming its heading's line.
    """
    chapters: list[Chapter] = []
    changed = False
    for chapter in script.chapters:
        blocks: list[Block] = []
        dropped: list[str] = []
        for block in chapter.blocks:
            if isinstance(block, Paragraph) and any(map(is_silent, block.sentences)):
                changed = True
                silent = ", ".join(repr(s) for s in block.sentences if is_silent(s))
                dropped.append(f"{path}: line {block.line}: nothing to say in {silent}; "
                               "not spoken")
                kept = tuple(s for s in block.sentences if not is_silent(s))
                if kept:
                    blocks.append(Paragraph(kept, block.line))
                continue
            blocks.append(block)
        if not any(isinstance(b, Paragraph) for b in blocks):
            raise ScriptError(f"line {chapter.line}: chapter {chapter.title!r} has nothing to "
                              "say", path)
        for warning in dropped:
            log.warning("%s", warning)
        chapters.append(Chapter(chapter.title, tuple(blocks), chapter.line))
    return dataclasses.replace(script, chapters=tuple(chapters)) if changed else script


def read_script(path: Path) -> Script:
    """Read and parse ``path`` (a regular UTF-8 file of at most :data:`MAX_SCRIPT_BYTES`)."""
    if not path.exists() and not path.is_symlink():
        raise ScriptError("no such script", path)
    return parse_script(read_text_limited(path, MAX_SCRIPT_BYTES, ScriptError, "script"), path)
