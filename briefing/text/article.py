"""Read article files into frozen dataclasses.

Two formats are accepted:

* the plain-text format of the news feed: the first paragraph starts with ``date YYYY-MM-DD``,
  summary paragraphs are separated by blank lines, and the last block holds photo captions, each
  followed by a credit line (``Alain Jocard/AFP/Getty Images``);
* a structured JSON or YAML article with the same fields (see ``docs/article-format.md``), where
  a producer may also give a photo's alt text directly.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ArticleError
from briefing.readfile import file_kind, read_text_limited
from briefing.text import titles
from briefing.text.captions import analyse_blocks, excerpt, split_blocks
from briefing.text.credit_lines import looks_like_credit as looks_like_credit
from briefing.text.credits import Credit as Credit
from briefing.text.credits import parse_credit as parse_credit
from briefing.text.dates import DateFormatError, DateMention, parse_iso_date, resolve_mentions
from briefing.text.sentences import split_sentences as split_sentences

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".json", ".yaml", ".yml")
"""File name endings that are read as articles when a folder is given."""

MAX_ARTICLE_BYTES = 1_000_000
"""Articles larger than this are refused (a news summary is a few kilobytes)."""


@dataclass(frozen=True)
class Photo:
    """One photo of an article."""

    caption: str
    """The caption as written."""

    credit: Credit | None
    """The credit, or ``None`` when the article gives none."""

    kind: str
    """What kind of image: ``photo``, ``satellite image``, ``aerial image``, ``map`` ..."""

    date: dt.date | None
    """The date the caption refers to, resolved with the article's year."""

    alt_text: str | None = None
    """A producer-written description that replaces the generated one."""


@dataclass(frozen=True)
class Article:
    """One news article with its photos."""

    date: dt.date
    """The article's date; it decides which briefing the article joins."""

    headline: str
    """The headline (derived from the first sentence when the file has none)."""

    paragraphs: tuple[str, ...]
    """Summary paragraphs, in order."""

    photos: tuple[Photo, ...]
    """Photos, in order."""

    source: Path
    """The file the article was read from."""

    warnings: tuple[str, ...] = field(default=())
    """Problems found that did not stop the article from being read."""


# --------------------------------------------------------------------------- image kinds

_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("satellite image", re.compile(r"\bsatellite (?:image|photo|picture|imagery|view)", re.I)),
    ("drone image", re.compile(r"\bdrone (?:image|photo|view|footage|shot)", re.I)),
    ("aerial image", re.compile(r"\baerial (?:image|photo|view|picture|shot)|\bseen from above",
                                re.I)),
    ("video still", re.compile(r"\b(?:video still|still from (?:a )?video|screengrab|screenshot"
                               r"|screen grab)", re.I)),
    ("map", re.compile(r"^(?:this |the |a )?map\b|\bmap shows\b", re.I)),
    ("chart", re.compile(r"^(?:this |the |a )?(?:chart|graph|graphic)\b", re.I)),
    ("illustration", re.compile(r"\b(?:illustration|artist'?s? (?:impression|rendering))\b", re.I)),
)


def detect_kind(caption: str, credit: Credit | None) -> str:
    """What kind of image a caption describes (``photo`` when nothing else is said)."""
    for kind, pattern in _KINDS:
        if pattern.search(caption):
            return kind
    if credit is not None and credit.kind:
        return credit.kind
    return "photo"


# --------------------------------------------------------------------------- headline

def derive_headline(paragraph: str, max_words: int = 14) -> str:
    """A headline made from the first sentence: its main clause, cut at a phrase boundary."""
    sentences = split_sentences(paragraph)
    return titles.headline(sentences[0] if sentences else paragraph, max_words)


# --------------------------------------------------------------------------- text format

_DATE_LINE = re.compile(r"^\s*date\s+(?P<date>\S+)(?:[ \t]+(?P<rest>.*))?$", re.S)


def parse_date(value: str, path: Path) -> dt.date:
    """A strict ``YYYY-MM-DD`` date, or an :class:`ArticleError` naming the problem."""
    try:
        return parse_iso_date(value)
    except DateFormatError:
        raise ArticleError(f"the date {value!r} is not a YYYY-MM-DD date", path) from None
    except ValueError:
        raise ArticleError(f"the date {value} does not exist", path) from None


def _clean_text(raw: str) -> str:
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _make_photo(caption: str, credit_line: str | None, day: dt.date, warnings: list[str],
                alt_text: str | None = None, kind: str | None = None,
                photo_date: dt.date | None = None) -> Photo:
    credit = parse_credit(credit_line) if credit_line else None
    mentions: list[DateMention] = resolve_mentions(caption, day)
    if photo_date is None and mentions:
        photo_date = mentions[-1].date
    for mention in mentions:
        if not mention.weekday_matches:
            warnings.append(
                f"caption says {mention.text!r} but {mention.date.isoformat()} is a "
                f"{mention.date.strftime('%A')}: {excerpt(caption)}"
            )
    return Photo(
        caption=caption,
        credit=credit,
        kind=kind or detect_kind(caption, credit),
        date=photo_date,
        alt_text=alt_text,
    )


def parse_text_article(raw: str, path: Path) -> Article:
    """Parse the plain-text article format (captions and credits: :mod:`briefing.text.captions`)."""
    blocks = split_blocks(_clean_text(raw))
    if not blocks:
        raise ArticleError("the file is empty", path)
    m = _DATE_LINE.match(blocks[0].text)
    if not m:
        raise ArticleError("the first paragraph does not start with 'date YYYY-MM-DD'", path)
    day = parse_date(m.group("date"), path)
    first = " ".join((m.group("rest") or "").split())
    layout = analyse_blocks(blocks[1:])
    paragraphs = ([first] if first else []) + list(layout.paragraphs)
    warnings = list(layout.warnings)
    photos = [_make_photo(p.caption.text, p.credit.text if p.credit else None, day, warnings)
              for p in layout.photos]
    if not paragraphs:
        raise ArticleError("the article has no text after the date", path)
    return Article(
        date=day,
        headline=derive_headline(paragraphs[0]),
        paragraphs=tuple(paragraphs),
        photos=tuple(photos),
        source=path,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- structured format

def parse_structured_article(data: Any, path: Path) -> Article:
    """Build an article from parsed JSON or YAML data (validated: unknown keys are refused)."""
    # imported here: building the pydantic models costs ~0.2 s, paid only by structured input
    from briefing.text.structured import validate_fields

    fields = validate_fields(data, path)
    warnings: list[str] = []
    photos = [
        _make_photo(p.caption, p.credit, fields.date, warnings, p.alt_text,
                    p.kind.lower() if p.kind else None, p.date)
        for p in fields.photos or ()
    ]
    paragraphs = tuple(fields.paragraphs)
    return Article(
        date=fields.date,
        headline=fields.headline or derive_headline(paragraphs[0]),
        paragraphs=paragraphs,
        photos=tuple(photos),
        source=path,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- files

def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read one article file (``.txt``, ``.json``, ``.yaml``/``.yml``).

    The file must be a regular file of at most ``max_bytes`` bytes of UTF-8 text
    (:mod:`briefing.readfile`); anything else is an :class:`ArticleError` naming it.
    """
    raw = read_text_limited(path, max_bytes, ArticleError, "article")
    suffix = path.suffix.lower()
    if suffix in (".json", ".yaml", ".yml"):
        from briefing.text.structured import load_structured

        article = parse_structured_article(load_structured(raw, suffix, path), path)
    else:
        article = parse_text_article(raw, path)
    for warning in article.warnings:
        log.warning("%s: %s", path, warning)
    return article


def find_articles(paths: list[Path]) -> list[Path]:
    """Expand folders into the article files directly inside them, sorted by name.

    Hidden files are skipped silently; an entry with an article suffix that is not a regular
    file (a dangling symlink, a symlink loop, a FIFO, a device, a folder) is skipped with a
    warning.  A folder that cannot be listed is an :class:`ArticleError`.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        try:
            entries = sorted(p.name for p in path.iterdir())
        except OSError as exc:
            raise ArticleError(f"the folder cannot be read: {exc.strerror or exc}",
                               path) from None
        for name in entries:
            entry = path / name
            if name.startswith(".") or entry.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            problem = _not_a_file(entry)
            if problem is None:
                found.append(entry)
            else:
                log.warning("%s: skipped: %s", entry, problem)
    return found


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` is not a readable regular file (following symlinks), or ``None``."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to a file that does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    return f"{file_kind(mode)}, not a regular file"
