"""Read a narration script back into chapters, paragraphs and sentences (the segments).

The format is described in ``docs/script-format.md``.  This is the only reader of scripts:
everything the audio is built from comes through :func:`parse_script`, and so does what each
chapter is: its kind and story come from the marker comment on its heading line (or, in a
script without markers, from its title, as before the markers existed).  Backslash escapes are
set aside before any rule looks at a line, and inline text is read, by :mod:`briefing.text.markup`,
whose :func:`~briefing.text.markup.escape` is the exact inverse of this reader.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefing.chapters import (
    Marker,
    infer_roles,
    is_marker,
    parse_marker,
    resolve_markers,
)
from briefing.errors import ScriptError
from briefing.readfile import read_text_limited
from briefing.text.chapter_voice import ChapterVoice, heading_voice, refuse_voice_comment
from briefing.text.front_matter import read_front_matter
from briefing.text.markup import protect, read_inline, restore
from briefing.text.numbering import renumber
from briefing.text.script_checks import check_brackets, check_markup
from briefing.text.script_model import Block as Block
from briefing.text.script_model import Chapter as Chapter
from briefing.text.script_model import Paragraph as Paragraph
from briefing.text.script_model import Pause as Pause
from briefing.text.script_model import Script as Script
from briefing.text.sentences import split_sentences
from briefing.text.sound import read_sound

log = logging.getLogger(__name__)

CONFLICT_START = "<" * 7
CONFLICT_MID = "=" * 7
CONFLICT_END = ">" * 7
"""The markers of a merge conflict (``git merge-file``'s), as ``briefing build`` writes them
in ``<date>.new.md``; a script holding one is refused, so a conflict is never spoken."""

_CONFLICT_LINE = re.compile(r"(<{7}|>{7})(?:\s.*)?|={7}\s*")

_PAUSE = re.compile(r"\[pause\s+([^\]]*)\]", re.I)
_PAUSE_VALUE = re.compile(r"^\s*(\d+)(?:\.(\d+))?\s*(ms|s)\s*$", re.I | re.ASCII)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
MAX_PAUSE_MS = 60_000
MAX_CHAPTERS = 255
"""Most chapters in one briefing: an ID3 table of contents (CTOC) lists at most 255."""
MAX_SCRIPT_BYTES = 64_000_000
"""Scripts larger than this are refused."""


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


def _strip_comments(lines: list[str], path: Path, first_lineno: int
                    ) -> tuple[list[str], list[list[str]]]:
    """Blank out HTML comments, keeping line numbers; also the comments that open and close
    on each line (where a heading's chapter marker is)."""
    out: list[str] = []
    inline: list[list[str]] = []
    in_comment_since: int | None = None
    for offset, line in enumerate(lines):
        result = ""
        own: list[str] = []
        rest = line
        while rest:
            if in_comment_since is not None:
                end = rest.find("-->")
                if end == -1:
                    break
                rest = rest[end + 3 :]
                in_comment_since = None
                continue
            start = rest.find("<!--")
            if start == -1:
                result += rest
                break
            result += rest[:start]
            rest = rest[start + 4 :]
            end = rest.find("-->")
            if end == -1:
                in_comment_since = first_lineno + offset
                break
            own.append(rest[:end])
            rest = rest[end + 3 :]
        out.append(result)
        inline.append(own)
    if in_comment_since is not None:
        raise ScriptError(f"line {in_comment_since}: a comment '<!--' is never closed", path)
    return out, inline


def _heading_marker(comments: list[str], path: Path, lineno: int) -> Marker | None:
    """The chapter marker among the comments of a heading line, if any."""
    markers = [c for c in comments if is_marker(c)]
    if len(markers) > 1:
        raise ScriptError(f"line {lineno}: a heading has more than one chapter marker", path)
    if not markers:
        return None
    try:
        return parse_marker(markers[0])
    except ValueError as exc:
        raise ScriptError(f"line {lineno}: {exc}", path) from None


@dataclass
class _Heading:
    title: str
    line: int
    marker: Marker | None
    voice: ChapterVoice


class _BodyReader:
    """Reads the body of a script line by line into chapters (a small state machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.headings: list[_Heading] = []
        self.contents: list[tuple[Block, ...]] = []
        self.blocks: list[Block] = []
        self.para: list[str] = []
        self.para_line = 0

    def error(self, lineno: int, message: str) -> ScriptError:
        return ScriptError(f"line {lineno}: {message}", self.path)

    def flush_para(self) -> None:
        if self.para:
            spoken = read_inline(" ".join(self.para))
            if spoken:
                self.blocks.append(Paragraph(tuple(split_sentences(spoken)), self.para_line))
            self.para.clear()

    def add_text(self, text: str, lineno: int) -> None:
        if not self.para:
            self.para_line = lineno
        self.para.append(text)

    def flush_chapter(self) -> None:
        self.flush_para()
        if len(self.contents) == len(self.headings):
            return  # no chapter open
        heading = self.headings[-1]
        if not any(isinstance(b, Paragraph) for b in self.blocks):
            raise self.error(heading.line, f"chapter {heading.title!r} has nothing to speak")
        self.contents.append(tuple(self.blocks))
        self.blocks.clear()

    def heading(self, stripped: str, lineno: int, marker: Marker | None,
                voice: ChapterVoice) -> None:
        self.flush_chapter()
        if len(self.headings) == MAX_CHAPTERS:
            raise self.error(lineno, f"more than {MAX_CHAPTERS} chapters; an MP3's chapter "
                                     f"table holds at most {MAX_CHAPTERS}")
        check_brackets(stripped, self.path, lineno)
        title = read_inline(stripped[2:])
        if not title:
            raise self.error(lineno, "a chapter heading has no title")
        if any(h.title.lower() == title.lower() for h in self.headings):
            raise self.error(lineno, f"chapter title {title!r} is used twice; titles must be "
                                     "unique")
        self.headings.append(_Heading(title, lineno, marker, voice))

    def text_line(self, stripped: str, lineno: int) -> None:
        if not self.headings:
            raise self.error(lineno, "text before the first '## ' chapter heading")
        if re.match(r"^#{3,}\s", stripped):
            self.flush_para()
            self.add_text(stripped.lstrip("#").strip(), lineno)
            self.flush_para()
            return
        if _LIST_MARKER.match(stripped):
            self.flush_para()
            stripped = _LIST_MARKER.sub("", stripped)
        sound = read_sound(stripped, self.path, lineno)
        if sound is not None:
            self.flush_para()
            self.blocks.append(sound)
            return
        check_markup(_PAUSE.sub(" ", stripped), self.path, lineno)
        pos = 0
        for m in _PAUSE.finditer(stripped):
            before = stripped[pos : m.start()].strip()
            if before:
                self.add_text(before, lineno)
            self.flush_para()
            self.blocks.append(Pause(_pause_ms(m.group(1), self.path, lineno)))
            pos = m.end()
        rest = stripped[pos:].strip()
        if rest:
            self.add_text(rest, lineno)

    def line(self, line: str, comments: list[str], lineno: int) -> None:
        stripped = protect(line).strip()  # escapes set aside: no rule below matches them
        if stripped == "##" or re.match(r"^##\s", stripped):
            self.heading(stripped, lineno, _heading_marker(comments, self.path, lineno),
                         heading_voice(comments, self.path, lineno))
            return
        refuse_voice_comment(comments, self.path, lineno)
        if re.match(r"^#(?!#)\s", stripped) or not stripped:
            self.flush_para()  # a document title (not spoken) or a blank line
        else:
            self.text_line(stripped, lineno)

    def chapters(self) -> tuple[Chapter, ...]:
        self.flush_chapter()
        if not self.headings:
            raise ScriptError("the script has no '## ' chapter", self.path)
        if any(h.marker is not None for h in self.headings):
            roles = resolve_markers([h.marker for h in self.headings])
        else:  # a script from before the markers: the titles say
            roles = infer_roles([h.title for h in self.headings])
        return tuple(Chapter(h.title, blocks, h.line, role.kind, role.story, h.voice.voice,
                             h.voice.rate)
                     for h, blocks, role in zip(self.headings, self.contents, roles,
                                                strict=True))


def _refuse_conflict_markers(lines: list[str], path: Path) -> None:
    for lineno, line in enumerate(lines, 1):
        if _CONFLICT_LINE.fullmatch(line):
            raise ScriptError(f"line {lineno}: merge conflict marker {line[:7]!r}; keep the "
                              "wording you want, delete the marker lines, or run 'briefing "
                              "resolve DATE --ours|--theirs'", path)


def parse_script(text: str, path: Path) -> Script:
    """Parse the text of a narration script; ``path`` is only used in error messages."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _refuse_conflict_markers(lines, path)
    front, body_start = read_front_matter(lines, path)
    body, comments = _strip_comments(lines[body_start:], path, body_start + 1)
    reader = _BodyReader(path)
    for offset, (line, own) in enumerate(zip(body, comments, strict=True)):
        reader.line(line, own, body_start + 1 + offset)
    return Script(front.date, front.full_title, front.voice, front.rate, front.lang,
                  renumber(reader.chapters()), front.photo_voice, front.photo_rate,
                  front.sentence_pause_ms, front.paragraph_pause_ms, front.chapter_pause_ms)


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
        chapters.append(dataclasses.replace(chapter, blocks=tuple(blocks)))
    return dataclasses.replace(script, chapters=tuple(chapters)) if changed else script


def read_script(path: Path) -> Script:
    """Read and parse ``path`` (a regular UTF-8 file of at most :data:`MAX_SCRIPT_BYTES`)."""
    if not path.exists() and not path.is_symlink():
        raise ScriptError("no such script", path)
    return parse_script(read_text_limited(path, MAX_SCRIPT_BYTES, ScriptError, "script"), path)
