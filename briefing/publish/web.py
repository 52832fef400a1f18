"""Web pages and the podcast feed of the built briefings, made only from their manifests.

Data flows one way: the build writes ``audio/<date>/briefing-<date>.json`` (the manifest,
:class:`briefing.publish.outputs.Manifest`) beside the audio, and this module reads manifests and
writes

- ``audio/<date>/index.html``: an accessible player page for the date (chapters, transcript,
  speed control, keyboard shortcuts, downloads), usable without JavaScript;
- ``audio/index.html``: every date, newest first;
- ``audio/feed.xml``: an RSS 2.0 podcast feed with the iTunes and Podcasting 2.0 namespaces,
  written only when the public base URL of ``audio/`` is known (feeds need absolute URLs).

Templates (``player.html.j2``, ``index.html.j2``, ``feed.xml.j2``) are looked up like the script
template: the workspace's ``templates/`` first, then briefing's own.  They are rendered with
autoescaping on and ``StrictUndefined``: article text (titles, sentences) is only ever a value,
so a caption containing ``<script>`` is shown as text.  Pages also carry a Content Security
Policy that allows only their own inline script and style blocks (by hash), as a second line of
defence.

Every file is written with :func:`briefing.fsutil.write_if_changed`, so an unchanged page keeps
its bytes and mtime; nothing on a page depends on the time it was made.
"""

from __future__ import annotations

import base64
import email.utils
import functools
import hashlib
import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import jinja2

from briefing.config import DEFAULT_FEED, FeedSettings
from briefing.errors import BriefingError, ConfigError
from briefing.fsutil import write_if_changed
from briefing.publish.cover import workspace_cover, write_cover
from briefing.publish.outputs import MANIFEST_FORMAT, Manifest
from briefing.publish.publication import (
    parse_iso,
    publication_time,
    update_note,
    version_query,
)
from briefing.text.dates import parse_iso_date
from briefing.text.script_render import template_dirs
from briefing.values import language_tag_problem, url_problem

log = logging.getLogger(__name__)

PLAYER_TEMPLATE = "player.html.j2"
INDEX_TEMPLATE = "index.html.j2"
FEED_TEMPLATE = "feed.xml.j2"

PAGE_NAME = "index.html"
FEED_NAME = "feed.xml"

DEFAULT_TITLE = DEFAULT_FEED.title
DEFAULT_DESCRIPTION = (
    "Chaptered audio news briefings with a spoken description of every photo, "
    "made for listeners who are blind or have low vision."
)
DEFAULT_AUTHOR = DEFAULT_FEED.author

SPEEDS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
"""Playback speeds offered on the date page."""

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``<podcast:guid>`` (a UUIDv5 of the feed URL)."""


CSP_MARKER = "<!--briefing:csp-->"
"""Replaced in rendered pages by a ``<meta>`` Content Security Policy (see :func:`_add_csp`)."""


class ManifestError(BriefingError, ValueError):
    """A manifest (``audio/<date>/briefing-<date>.json``) cannot be read or is malformed.

    Manifests are written by the build, so the remedy is to rebuild the date.
    """


# --------------------------------------------------------------------------- manifests

_REL_FILE = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")


def manifest_path(folder: Path) -> Path:
    """``audio/<date>/briefing-<date>.json`` for the date folder ``folder``."""
    return folder / f"briefing-{folder.name}.json"


def _fail(path: Path, message: str) -> ManifestError:
    return ManifestError(f"{message}; rebuild this date to rewrite its manifest", path)


def _field(obj: Mapping[str, Any], key: str, kind: type, path: Path, where: str) -> Any:
    if key not in obj:
        raise _fail(path, f"{where} has no {key!r}")
    value = obj[key]
    if kind is int and isinstance(value, bool):
        raise _fail(path, f"{where}.{key} must be an integer")
    if not isinstance(value, kind):
        raise _fail(path, f"{where}.{key} must be of type {kind.__name__}")
    return value


def _rel_file(obj: Mapping[str, Any], key: str, path: Path, where: str) -> str:
    value: str = _field(obj, key, str, path, where)
    parts = value.split("/")
    if not _REL_FILE.match(value) or any(p in {".", ".."} for p in parts):
        raise _fail(path, f"{where}.{key} is not a plain file name inside the date folder: "
                          f"{value!r}")
    return value


def _count(obj: Mapping[str, Any], key: str, path: Path, where: str) -> int:
    value: int = _field(obj, key, int, path, where)
    if value < 0:
        raise _fail(path, f"{where}.{key} must not be negative")
    return value


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _check_publication(data: Mapping[str, Any], path: Path) -> None:
    """The optional MP3 hash, publication times and M4B of a manifest."""
    mp3 = data["mp3"]
    if "sha256" in mp3 and not _SHA256.match(_field(mp3, "sha256", str, path, "manifest.mp3")):
        raise _fail(path, "manifest.mp3.sha256 is not a SHA-256 in hex")
    if "published" in data:
        published = _field(data, "published", dict, path, "manifest")
        for key in ("first", "updated"):
            value = published.get(key)
            if value is None and key == "updated":
                continue
            try:
                if not isinstance(value, str):
                    raise ValueError(value)
                parse_iso(value)
            except ValueError:
                raise _fail(path, f"manifest.published.{key} is not an ISO 8601 time: "
                                  f"{value!r}") from None
    if "m4b" in data:
        m4b = _field(data, "m4b", dict, path, "manifest")
        _rel_file(m4b, "file", path, "manifest.m4b")
        _count(m4b, "bytes", path, "manifest.m4b")


def check_manifest(data: object, path: Path, folder_name: str | None = None) -> Manifest:
    """Check that ``data`` (parsed JSON read from ``path``) is a usable :class:`Manifest`.

    Besides types, file names must stay inside the date folder (they become URLs), the date
    must be a real date (and the folder's name, when given), and ``lang`` a language tag.
    Raises :class:`ManifestError` naming ``path``.
    """
    if not isinstance(data, dict):
        raise _fail(path, "the manifest is not a JSON object")
    fmt = _field(data, "format", int, path, "manifest")
    if fmt != MANIFEST_FORMAT:
        raise _fail(path, f"manifest format {fmt} is not supported (expected {MANIFEST_FORMAT})")
    day = _field(data, "date", str, path, "manifest")
    try:
        parse_iso_date(day)
    except ValueError:
        raise _fail(path, f"manifest.date is not a YYYY-MM-DD date: {day!r}") from None
    if folder_name is not None and day != folder_name:
        raise _fail(path, f"manifest.date {day} does not match its folder {folder_name}")
    _field(data, "title", str, path, "manifest")
    lang = _field(data, "lang", str, path, "manifest")
    if language_tag_problem(lang) is not None:
        raise _fail(path, f"manifest.lang is not a language tag: {lang!r}")
    _count(data, "duration_ms", path, "manifest")
    mp3 = _field(data, "mp3", dict, path, "manifest")
    _rel_file(mp3, "file", path, "manifest.mp3")
    _count(mp3, "bytes", path, "manifest.mp3")
    _check_publication(data, path)
    for key in ("playlist", "vtt", "srt", "chapters_json"):
        _rel_file(data, key, path, "manifest")
    chapters = _field(data, "chapters", list, path, "manifest")
    if not chapters:
        raise _fail(path, "manifest.chapters is empty")
    for i, chapter in enumerate(chapters):
        where = f"manifest.chapters[{i}]"
        if not isinstance(chapter, dict):
            raise _fail(path, f"{where} is not an object")
        _field(chapter, "title", str, path, where)
        start = _count(chapter, "start_ms", path, where)
        end = _count(chapter, "end_ms", path, where)
        if end < start:
            raise _fail(path, f"{where} ends before it starts")
        _rel_file(chapter, "file", path, where)
        _count(chapter, "bytes", path, where)
    cues = _field(data, "cues", list, path, "manifest")
    for i, cue in enumerate(cues):
        where = f"manifest.cues[{i}]"
        if not isinstance(cue, dict):
            raise _fail(path, f"{where} is not an object")
        _count(cue, "start_ms", path, where)
        _count(cue, "end_ms", path, where)
        _field(cue, "text", str, path, where)
        index = _count(cue, "chapter", path, where)
        if index >= len(chapters):
            raise _fail(path, f"{where}.chapter {index} is not a chapter of this date")
    return cast(Manifest, data)


def read_manifest(path: Path, folder_name: str | None = None) -> Manifest:
    """Read and check one manifest file (:class:`ManifestError` if unreadable or malformed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the manifest: {exc}", path) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"the manifest is not valid JSON ({exc})") from exc
    return check_manifest(data, path, folder_name)


def load_manifests(audio_root: Path) -> list[Manifest]:
    """Every date's manifest under ``audio_root`` (``audio/``), newest date first.

    Folders without a manifest are skipped; a manifest that cannot be read or is malformed
    raises :class:`ManifestError` naming the file.
    """
    if not audio_root.is_dir():
        return []
    found: list[Manifest] = []
    for folder in audio_root.iterdir():
        if not folder.is_dir():
            continue
        path = manifest_path(folder)
        if not path.is_file():
            continue
        found.append(read_manifest(path, folder.name))
    found.sort(key=lambda m: m["date"], reverse=True)
    return found


# --------------------------------------------------------------------------- formatting

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without characters XML and HTML forbid (control characters, lone surrogates)."""
    return _XML_INVALID.sub("", text)


def clock(ms: int) -> str:
    """A position on the timeline: ``m:ss``, or ``h:mm:ss`` from an hour on."""
    total = max(0, ms) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def _hms(ms: int) -> tuple[int, int, int]:
    total = max(0, ms) // 1000  # whole seconds, as players show them
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return hours, minutes, seconds


def spoken_duration(ms: int) -> str:
    """A duration for people: ``"1 min 14 s"``, ``"1 h 2 min"``, ``"9 s"``."""
    hours, minutes, seconds = _hms(ms)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


def iso_duration(ms: int) -> str:
    """An ISO 8601 duration for ``<time datetime>``: ``"PT1M14S"``."""
    hours, minutes, seconds = _hms(ms)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + (f"{seconds}S" if seconds or out == "PT" else "")


def human_size(n: int) -> str:
    """A file size: ``"812 bytes"``, ``"596 kB"``, ``"1.2 MB"`` (SI units)."""
    if n < 1000:
        return f"{n} bytes" if n != 1 else "1 byte"
    if n < 999_500:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"


def seconds_attr(ms: int) -> str:
    """Milliseconds as seconds for a ``data-start`` attribute: ``13819`` → ``"13.819"``."""
    return f"{ms / 1000:.3f}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def rfc822(day: str) -> str:
    """The RSS ``pubDate`` of a date: noon UTC (see
    :data:`briefing.publish.publication.PUBLISH_HOUR_UTC`)."""
    return email.utils.format_datetime(publication_time(day))


def _href(rel: str) -> str:
    return quote(rel, safe="/")


def is_story(title: str) -> bool:
    """Whether a chapter is a story (its title starts with ``"Story "``)."""
    return title.startswith("Story ")


def is_photo(title: str) -> bool:
    """Whether a chapter is a photo description (its title starts with ``"Photo "``)."""
    return title.startswith("Photo ")


# --------------------------------------------------------------------------- view model

@dataclass(frozen=True)
class CueView:
    """One sentence of the transcript."""

    start: str
    clock: str
    text: str


@dataclass(frozen=True)
class ChapterView:
    """One chapter: its place on the timeline, its file and its sentences."""

    number: int
    title: str
    start: str
    end: str
    clock: str
    duration: str
    href: str
    size: str
    kind: str
    """``"story"``, ``"photo"`` or ``"other"``."""
    level: int
    """Heading level in the transcript: photos of a story are nested under it."""
    cues: tuple[CueView, ...]


@dataclass(frozen=True)
class DownloadView:
    """A file offered for download."""

    label: str
    kind: str
    href: str
    size: str
    download: bool


@dataclass(frozen=True)
class SpeedView:
    """A playback speed of the speed control."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class DatePageView:
    """What ``player.html.j2`` needs of one date."""

    title: str
    date: str
    lang: str
    duration: str
    duration_iso: str
    mp3_href: str
    mp3_size: str
    vtt_href: str
    chapters: tuple[ChapterView, ...]
    downloads: tuple[DownloadView, ...]
    stories: int
    photos: int
    summary: str
    speeds: tuple[SpeedView, ...]
    index_href: str


@dataclass(frozen=True)
class DateSummaryView:
    """One date on the index page."""

    title: str
    date: str
    lang: str
    href: str
    duration: str
    duration_iso: str
    stories: tuple[str, ...]
    photos: int
    summary: str
    mp3_href: str
    mp3_size: str


@dataclass(frozen=True)
class IndexView:
    """What ``index.html.j2`` needs."""

    title: str
    description: str
    lang: str
    dates: tuple[DateSummaryView, ...]
    feed_href: str | None


@dataclass(frozen=True)
class FeedItemView:
    """One ``<item>`` of the feed."""

    title: str
    description: str
    guid: str
    pub_date: str
    link: str
    enclosure_url: str
    enclosure_length: int
    duration_seconds: int
    chapters_url: str
    vtt_url: str
    srt_url: str
    lang: str


@dataclass(frozen=True)
class FeedView:
    """What ``feed.xml.j2`` needs."""

    title: str
    description: str
    author: str
    owner: str
    email: str | None
    copyright: str
    image_url: str
    lang: str
    link: str
    self_url: str
    podcast_guid: str
    last_build: str | None
    items: tuple[FeedItemView, ...]


def _counts(stories: int, photos: int) -> str:
    return f"{_plural(stories, 'story', 'stories')}, {_plural(photos, 'photo description')}"


def _summary(stories: int, photos: int, duration_ms: int) -> str:
    return f"{_counts(stories, photos)}, {spoken_duration(duration_ms)}"


def date_view(manifest: Manifest, sizes: Mapping[str, int] | None = None) -> DatePageView:
    """Arrange a manifest for the date page; ``sizes`` gives sizes of files the manifest
    does not size (playlist, transcripts, chapters.json), by their relative name."""
    sizes = sizes or {}
    cues_by_chapter: dict[int, list[CueView]] = {}
    for cue in manifest["cues"]:
        cues_by_chapter.setdefault(cue["chapter"], []).append(
            CueView(seconds_attr(cue["start_ms"]), clock(cue["start_ms"]),
                    clean_text(cue["text"])))
    chapters: list[ChapterView] = []
    in_story = False
    for i, chapter in enumerate(manifest["chapters"]):
        title = clean_text(chapter["title"])
        kind = "story" if is_story(title) else "photo" if is_photo(title) else "other"
        if kind == "story":
            in_story = True
        elif kind == "other":
            in_story = False
        chapters.append(ChapterView(
            number=i + 1,
            title=title,
            start=seconds_attr(chapter["start_ms"]),
            end=seconds_attr(chapter["end_ms"]),
            clock=clock(chapter["start_ms"]),
            duration=spoken_duration(chapter["end_ms"] - chapter["start_ms"]),
            href=_href(chapter["file"]),
            size=human_size(chapter["bytes"]),
            kind=kind,
            level=4 if kind == "photo" and in_story else 3,
            cues=tuple(cues_by_chapter.get(i, ())),
        ))
    stories = sum(c.kind == "story" for c in chapters)
    photos = sum(c.kind == "photo" for c in chapters)

    def size_of(name: str) -> str:
        return human_size(sizes[name]) if name in sizes else ""

    downloads: tuple[DownloadView, ...] = (
        DownloadView("The whole briefing", "MP3 audio with chapters",
                     _href(manifest["mp3"]["file"]), human_size(manifest["mp3"]["bytes"]), True),
        DownloadView("Playlist of the chapter files", "M3U8 playlist",
                     _href(manifest["playlist"]), size_of(manifest["playlist"]), True),
        DownloadView("Transcript as captions", "WebVTT captions",
                     _href(manifest["vtt"]), size_of(manifest["vtt"]), True),
        DownloadView("Transcript as subtitles", "SRT subtitles",
                     _href(manifest["srt"]), size_of(manifest["srt"]), True),
        DownloadView("Chapter list", "Podcasting 2.0 JSON chapters",
                     _href(manifest["chapters_json"]), size_of(manifest["chapters_json"]), True),
    )
    if "m4b" in manifest:
        downloads += (DownloadView("The whole briefing as an audiobook",
                                   "M4B audiobook (AAC) with chapters",
                                   _href(manifest["m4b"]["file"]),
                                   human_size(manifest["m4b"]["bytes"]), True),)
    return DatePageView(
        title=clean_text(manifest["title"]),
        date=manifest["date"],
        lang=manifest["lang"],
        duration=spoken_duration(manifest["duration_ms"]),
        duration_iso=iso_duration(manifest["duration_ms"]),
        mp3_href=_href(manifest["mp3"]["file"]),
        mp3_size=human_size(manifest["mp3"]["bytes"]),
        vtt_href=_href(manifest["vtt"]),
        chapters=tuple(chapters),
        downloads=downloads,
        stories=stories,
        photos=photos,
        summary=_counts(stories, photos),
        speeds=tuple(SpeedView(f"{s:g}", f"{s:g}×" + (" (normal)" if s == 1 else ""), s == 1)
                     for s in SPEEDS),
        index_href=f"../{PAGE_NAME}",
    )


def _date_summary(manifest: Manifest) -> DateSummaryView:
    titles = [clean_text(c["title"]) for c in manifest["chapters"]]
    stories = tuple(t for t in titles if is_story(t))
    photos = sum(is_photo(t) for t in titles)
    day = manifest["date"]
    return DateSummaryView(
        title=clean_text(manifest["title"]),
        date=day,
        lang=manifest["lang"],
        href=f"{day}/{PAGE_NAME}",
        duration=spoken_duration(manifest["duration_ms"]),
        duration_iso=iso_duration(manifest["duration_ms"]),
        stories=stories,
        photos=photos,
        summary=_summary(len(stories), photos, manifest["duration_ms"]),
        mp3_href=f"{day}/{_href(manifest['mp3']['file'])}",
        mp3_size=human_size(manifest["mp3"]["bytes"]),
    )


def _site_lang(manifests: Sequence[Manifest]) -> str:
    if not manifests:
        return "en"
    counts = Counter(m["lang"] for m in manifests)
    top = max(counts.values())
    # the most common language; ties go to the newest date's
    return next(m["lang"] for m in manifests if counts[m["lang"]] == top)


def normalize_base_url(base_url: str) -> str:
    """The public URL of ``audio/``, with exactly one trailing slash.

    Raises :class:`~briefing.errors.ConfigError` unless it is an absolute http(s) URL without
    query or fragment.
    """
    problem = url_problem(base_url, "the base URL")
    if problem is not None:
        raise ConfigError(f"{problem}; give the public URL of the audio folder, "
                          "e.g. https://example.org/briefings/")
    return base_url.strip().rstrip("/") + "/"


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 ``<podcast:guid>``: UUIDv5 of the feed URL without its scheme."""
    bare = re.sub(r"^[a-zA-Z]+://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def item_guid(day: str) -> str:
    """An item's ``<guid isPermaLink="false">``: stable across rebuilds and base URLs."""
    return f"briefing:{day}"


def default_copyright(manifests: Sequence[Manifest], holder: str) -> str:
    """``© 2023 holder`` (``© 2023–2024 holder``): the years of the briefings."""
    years = sorted({m["date"][:4] for m in manifests})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (years[0] if years else "")
    return " ".join(part for part in ("©", span, holder) if part)


def feed_view(manifests: Sequence[Manifest], base_url: str, *, title: str, description: str,
              author: str, feed: FeedSettings = DEFAULT_FEED,
              cover_name: str = "cover.png") -> FeedView:
    """Arrange the manifests (newest first) for the feed; ``cover_name`` is the artwork's file
    in ``audio/``."""
    base = normalize_base_url(base_url)
    items = []
    for m in manifests:
        day = m["date"]
        folder = f"{base}{day}/"
        opening = " ".join(clean_text(c["text"]) for c in m["cues"] if c["chapter"] == 0)
        items.append(FeedItemView(
            title=clean_text(m["title"]),
            description=update_note(m.get("published")) + opening,
            guid=item_guid(day),
            pub_date=rfc822(day),
            link=f"{folder}{PAGE_NAME}",
            enclosure_url=folder + _href(m["mp3"]["file"]) + version_query(m["mp3"].get("sha256")),
            enclosure_length=m["mp3"]["bytes"],
            duration_seconds=round(m["duration_ms"] / 1000),
            chapters_url=folder + _href(m["chapters_json"]),
            vtt_url=folder + _href(m["vtt"]),
            srt_url=folder + _href(m["srt"]),
            lang=m["lang"],
        ))
    self_url = base + FEED_NAME
    return FeedView(
        title=clean_text(title),
        description=clean_text(description),
        author=clean_text(author),
        owner=clean_text(feed.owner or author),
        email=feed.email,
        copyright=clean_text(feed.copyright or default_copyright(manifests, feed.owner or author)),
        image_url=base + _href(cover_name),
        lang=_site_lang(manifests),
        link=base + PAGE_NAME,
        self_url=self_url,
        podcast_guid=podcast_guid(self_url),
        last_build=items[0].pub_date if items else None,
        items=tuple(items),
    )


# --------------------------------------------------------------------------- rendering

def template_files(workspace: Path | None = None) -> list[Path]:
    """The template files the pages and the feed are rendered from (as found for this
    workspace), so a change to any of them can be detected."""
    names = ("player.html.j2", "index.html.j2", "feed.xml.j2")
    found = []
    for name in names:
        for folder in template_dirs(workspace):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def make_web_environment(workspace: Path | None = None) -> jinja2.Environment:
    """The jinja2 environment for pages and the feed: autoescaping on, StrictUndefined."""
    return _web_environment(tuple(template_dirs(workspace)))


@functools.lru_cache(maxsize=8)
def _web_environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_INLINE_BLOCK = re.compile(r"<(script|style)>(.*?)</\1>", re.S)


def _add_csp(html: str) -> str:
    """Replace :data:`CSP_MARKER` with a Content Security Policy allowing only the page's own
    inline ``<script>`` and ``<style>`` blocks (by SHA-256) and same-origin media.

    Article text is autoescaped, so every literal ``<script>`` in the output is the template's.
    """
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for match in _INLINE_BLOCK.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(2).encode("utf-8")).digest())
        hashes[match.group(1)].append(f"'sha256-{digest.decode('ascii')}'")

    def sources(kind: str) -> str:
        return " ".join(dict.fromkeys(hashes[kind])) or "'none'"

    policy = (f"default-src 'none'; script-src {sources('script')}; "
              f"style-src {sources('style')}; media-src 'self'; img-src 'self' data:; "
              "base-uri 'none'; form-action 'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace(CSP_MARKER, meta, 1)


def render_date_page(manifest: Manifest, *, sizes: Mapping[str, int] | None = None,
                     workspace: Path | None = None) -> str:
    """The HTML player page of one date (``audio/<date>/index.html``); URLs are relative.

    ``sizes`` maps the relative names of files whose size the manifest lacks (playlist,
    transcripts, chapters.json) to their sizes in bytes, shown beside the download links.
    """
    template = make_web_environment(workspace).get_template(PLAYER_TEMPLATE)
    return _add_csp(template.render(page=date_view(manifest, sizes)))


def render_index(manifests: Sequence[Manifest], *, feed_href: str | None = None,
                 title: str = DEFAULT_TITLE, description: str = DEFAULT_DESCRIPTION,
                 workspace: Path | None = None) -> str:
    """The HTML index of every date (``audio/index.html``), in the order given.

    ``feed_href`` is the (relative) URL of the podcast feed; without it the page says how to
    get one.
    """
    view = IndexView(
        title=clean_text(title),
        description=clean_text(description),
        lang=_site_lang(manifests),
        dates=tuple(_date_summary(m) for m in manifests),
        feed_href=feed_href,
    )
    template = make_web_environment(workspace).get_template(INDEX_TEMPLATE)
    return _add_csp(template.render(site=view))


def render_feed(manifests: Sequence[Manifest], base_url: str, *, title: str | None = None,
                description: str = DEFAULT_DESCRIPTION, author: str | None = None,
                workspace: Path | None = None, feed: FeedSettings = DEFAULT_FEED,
                cover_name: str = "cover.png") -> str:
    """The RSS 2.0 podcast feed (``audio/feed.xml``), one item per manifest in the order given.

    ``base_url`` is the public URL of the ``audio/`` folder; enclosure, chapters and transcript
    URLs are made absolute from it (:class:`~briefing.errors.ConfigError` if it is not an
    absolute http(s) URL).  ``feed`` (the ``[feed]`` table) gives the title, author, owner,
    e-mail and copyright; ``cover_name`` is the artwork's file in ``audio/``.
    """
    view = feed_view(manifests, base_url, title=title or feed.title,
                     description=description, author=author or feed.author, feed=feed,
                     cover_name=cover_name)
    template = make_web_environment(workspace).get_template(FEED_TEMPLATE)
    return template.render(feed=view)


def _file_sizes(folder: Path, manifest: Manifest) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for name in (manifest["playlist"], manifest["vtt"], manifest["srt"],
                 manifest["chapters_json"]):
        try:
            sizes[name] = (folder / name).stat().st_size
        except OSError:
            log.warning("%s is missing; its size is not shown", folder / name)
    return sizes


def write_site(audio_root: Path, base_url: str | None, workspace: Path | None,
               changed_dates: set[str] | None = None,
               feed: FeedSettings = DEFAULT_FEED) -> list[Path]:
    """Write the pages (and the feed, given ``base_url``) of the briefings under ``audio_root``.

    Writes ``audio/<date>/index.html`` for each date in ``changed_dates`` (every date when
    None), then ``audio/index.html`` and, when ``base_url`` (the public URL of ``audio/``) is
    given, ``audio/feed.xml`` and its artwork (``audio/cover.png``, or the ``[feed]`` image as
    ``cover.png``/``cover.jpg``).  Files are written only when their bytes change.  Returns the
    paths written.  Raises :class:`ManifestError` for a broken manifest and
    :class:`~briefing.errors.ConfigError` for a bad ``base_url``, before writing anything.
    """
    manifests = load_manifests(audio_root)
    if base_url is not None:
        base_url = normalize_base_url(base_url)
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        if write_if_changed(path, text.encode("utf-8")):
            written.append(path)
            log.info("wrote %s", path)

    for manifest in manifests:
        if changed_dates is not None and manifest["date"] not in changed_dates:
            continue
        folder = audio_root / manifest["date"]
        if folder.is_symlink():  # never write through a link out of the workspace
            log.warning("%s is a symbolic link; its page was not written", folder)
            continue
        write(folder / PAGE_NAME, render_date_page(
            manifest, sizes=_file_sizes(folder, manifest), workspace=workspace))
    if not manifests and not audio_root.is_dir():
        return written
    write(audio_root / PAGE_NAME, render_index(
        manifests, feed_href=FEED_NAME if base_url else None, title=feed.title,
        workspace=workspace))
    if base_url is not None:
        cover = workspace_cover(workspace or audio_root.parent, feed.image, feed.title)
        cover_path = write_cover(audio_root, cover)
        if cover_path is not None:
            written.append(cover_path)
        write(audio_root / FEED_NAME, render_feed(manifests, base_url, workspace=workspace,
                                                  feed=feed, cover_name=cover.name))
    elif (audio_root / FEED_NAME).exists():
        log.warning("%s was not updated: no base URL was given", audio_root / FEED_NAME)
    return written
