"""The layout of a date's manifest, as pydantic checks it (:mod:`briefing.publish.manifest`).

The layout is declared once, as the TypedDicts below, and the same declarations validate what
is read back (unknown keys forbidden, nothing coerced), so an error names the field
(``manifest.chapters[3].file is not a plain file name ...``).  Split from the reading, which
imports this module only when a manifest's text has not been checked (or written) before
(:mod:`briefing.remembered`): building pydantic's schema costs more than a one-sentence edit's
whole rebuild spends on its outputs, and the manifests a build reads back are the ones it wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import (
    Annotated,
    NotRequired,  # pydantic reads these on 3.11
)

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, with_config
from pydantic_core import ErrorDetails
from typing_extensions import TypedDict

from briefing.chapters import ChapterKind
from briefing.publish.publication import parse_iso
from briefing.text.dates import parse_iso_date
from briefing.values import language_tag_problem


class LayoutError(ValueError):
    """The data is not a manifest's layout; the message names the first field at fault."""


def _parsed_by(parse: Callable[[str], object], what: str) -> Callable[[str], str]:
    """A validator: the value when ``parse`` takes it, else "is not <what>"."""

    def check(value: str) -> str:
        try:
            parse(value)
        except ValueError:
            raise ValueError(f"is not {what}: {value!r}") from None
        return value

    return check


_iso_time = _parsed_by(parse_iso, "an ISO 8601 time")
_day = _parsed_by(parse_iso_date, "a YYYY-MM-DD date")

IsoTime = Annotated[str, AfterValidator(_iso_time)]


@with_config(ConfigDict(extra="forbid", strict=True))
class Published(TypedDict):
    """``published`` in the manifest: ISO 8601 UTC times
    (:mod:`briefing.publish.publication`)."""

    first: IsoTime
    """When the date was first published: the feed's ``pubDate`` (its date at noon UTC)."""
    updated: NotRequired[IsoTime | None]
    """When its audio last changed after that (``None``: never)."""


_REL_FILE = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _rel_file(value: str) -> str:
    if not _REL_FILE.match(value) or any(p in {".", ".."} for p in value.split("/")):
        raise ValueError(f"is not a plain file name inside the date folder: {value!r}")
    return value


def _count(value: int) -> int:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise ValueError("is not a SHA-256 in hex")
    return value


def _lang(value: str) -> str:
    if language_tag_problem(value) is not None:
        raise ValueError(f"is not a language tag: {value!r}")
    return value


RelFile = Annotated[str, AfterValidator(_rel_file)]
Count = Annotated[int, AfterValidator(_count)]
_FORBID = ConfigDict(extra="forbid", strict=True)


@with_config(_FORBID)
class ManifestFile(TypedDict):
    """A file of the date, relative to its folder."""

    file: RelFile
    bytes: Count
    sha256: NotRequired[Annotated[str, AfterValidator(_sha256)]]
    """Of the file's bytes (the MP3's: its enclosure URL carries a version from it)."""


@with_config(_FORBID)
class ManifestM4b(TypedDict):
    """The M4B audiobook in the manifest, with the hash of what it was made from."""

    file: RelFile
    bytes: Count
    key: str


@with_config(_FORBID)
class ManifestChapter(TypedDict):
    """A chapter in the manifest: :class:`~briefing.chapters.PublishedChapter` and its file."""

    title: str
    kind: Annotated[ChapterKind, Field(strict=False)]
    story: int | None
    level: int
    start_ms: Count
    end_ms: Count
    file: RelFile
    bytes: Count


@with_config(_FORBID)
class ManifestWav(TypedDict):
    """The broadcast WAV in the manifest: its key (as the M4B's), format, measured loudness
    and its cue sheets."""

    file: RelFile
    bytes: Count
    key: str
    sample_rate: Count
    bits: Count
    samples: Count
    loudness_lufs: float | None
    """As measured (``None`` for silence)."""
    true_peak_dbtp: float | None
    cues_csv: RelFile
    cues_txt: RelFile


@with_config(_FORBID)
class ManifestCue(TypedDict):
    """A spoken sentence in the manifest."""

    start_ms: Count
    end_ms: Count
    text: str
    chapter: Count
    sound: NotRequired[bool]
    """Present (true) on a sound insert's cue (``[Sound: ident]``)."""


def _non_empty(chapters: list[ManifestChapter]) -> list[ManifestChapter]:
    if not chapters:
        raise ValueError("is empty")
    return chapters


@with_config(_FORBID)
class Manifest(TypedDict):
    """``audio/<date>/briefing-<date>.json``: everything pages and feeds need about a date."""

    format: int
    date: Annotated[str, AfterValidator(_day)]
    title: str
    lang: Annotated[str, AfterValidator(_lang)]
    duration_ms: Count
    mp3: ManifestFile
    playlist: RelFile
    vtt: RelFile
    srt: RelFile
    chapters_json: RelFile
    chapters: Annotated[list[ManifestChapter], AfterValidator(_non_empty)]
    cues: list[ManifestCue]
    published: NotRequired[Published]
    m4b: NotRequired[ManifestM4b]
    daisy: NotRequired[ManifestFile]
    """The DAISY 2.02 book: its NCC (``daisy/ncc.html``) and the bytes of all its files."""
    epub: NotRequired[ManifestFile]
    wav: NotRequired[ManifestWav]

_VALIDATOR: TypeAdapter[Manifest] = TypeAdapter(Manifest)


def _where(loc: Sequence[int | str]) -> str:
    return "manifest" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


_TYPES = {"int_type": "int", "string_type": "str", "dict_type": "dict", "list_type": "list",
          "bool_type": "bool"}


def _message(error: ErrorDetails) -> str:
    """One line for one validation error, naming the field."""
    loc, kind = error["loc"], error["type"]
    if kind == "missing":
        return f"{_where(loc[:-1])} has no {loc[-1]!r}"
    where = _where(loc)
    if kind == "extra_forbidden":
        return f"{where} is not a field of a manifest"
    if kind == "int_type" and isinstance(error["input"], bool):
        return f"{where} must be an integer"
    if kind in _TYPES:
        return f"{where} must be of type {_TYPES[kind]}"
    if kind == "enum":
        return f"{where} must be one of: {', '.join(k.value for k in ChapterKind)}"
    cause = error.get("ctx", {}).get("error")
    return f"{where} {cause}" if cause is not None else f"{where}: {error['msg']}"



def validated(data: object) -> Manifest:
    """``data`` (parsed JSON) checked against the layout, its chapters' kinds as
    :class:`~briefing.chapters.ChapterKind`; :class:`LayoutError` otherwise."""
    try:
        return _VALIDATOR.validate_python(data)
    except ValidationError as exc:
        raise LayoutError(_message(exc.errors()[0])) from None
