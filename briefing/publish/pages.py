"""The web pages of the built briefings: a player page per date and the index of every date.

Made from the manifests alone (:mod:`briefing.publish.manifest`).  A date page's outline (which
photos nest under which story) and the counts of stories and photos come from the chapters'
kinds and stories as the script marked them, never from their titles, so a producer who
retitles a heading changes only the title shown.  The chapter list is nested by the chapters'
levels (:func:`briefing.chapters.chapter_levels`, carried in the manifest): each story with its
photos as a sub-list, a plain list of links that works without JavaScript; the script adds
story-to-story steps and the choice to skip photo descriptions.  Pages carry a Content Security
Policy that allows only their own inline script and style blocks (by hash), as a second line of
defence behind autoescaping.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.chapters import PHOTO_LEVEL, TOP_LEVEL, ChapterKind
from briefing.publish.formatting import (
    DEFAULT_DESCRIPTION,
    DEFAULT_TITLE,
    PAGE_NAME,
    clean_text,
    clock,
    href,
    human_size,
    iso_duration,
    make_web_environment,
    plural,
    seconds_attr,
    site_lang,
    spoken_duration,
)
from briefing.publish.manifest import published_chapters

if TYPE_CHECKING:
    from briefing.publish.manifest_model import Manifest

PLAYER_TEMPLATE = "player.html.j2"
INDEX_TEMPLATE = "index.html.j2"

SPEEDS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
"""Playback speeds offered on the date page."""

CSP_MARKER = "<!--briefing:csp-->"
"""Replaced in rendered pages by a ``<meta>`` Content Security Policy (see :func:`_add_csp`)."""


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
    kind: ChapterKind
    story: int | None
    level: int
    """Heading level in the transcript: photos of a story are nested under it."""
    cues: tuple[CueView, ...]
    nav_level: int = TOP_LEVEL
    """1, or 2 for a photo under its story (the manifest's ``level``)."""


@dataclass(frozen=True)
class OutlineItem:
    """A level-1 chapter of the chapter list and the level-2 chapters (photos) under it."""

    chapter: ChapterView
    photos: tuple[ChapterView, ...] = ()


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
    outline: tuple[OutlineItem, ...]
    """The chapters nested by level, in time order."""

    downloads: tuple[DownloadView, ...]
    stories: int
    photos: int
    photos_nested: int
    """Photos under their story (level 2): what "Skip photo descriptions" skips."""

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




def _counts(stories: int, photos: int) -> str:
    return f"{plural(stories, 'story', 'stories')}, {plural(photos, 'photo description')}"


def _summary(stories: int, photos: int, duration_ms: int) -> str:
    return f"{_counts(stories, photos)}, {spoken_duration(duration_ms)}"




def _chapter_views(manifest: Manifest) -> tuple[ChapterView, ...]:
    """The chapters of the page: photos of the story they follow nested under it (by their
    kinds and stories, never their titles)."""
    cues_by_chapter: dict[int, list[CueView]] = {}
    for cue in manifest["cues"]:
        cues_by_chapter.setdefault(cue["chapter"], []).append(
            CueView(seconds_attr(cue["start_ms"]), clock(cue["start_ms"]),
                    clean_text(cue["text"])))
    published = published_chapters(manifest)
    return tuple(
        ChapterView(
            number=i + 1,
            title=clean_text(chapter.title),
            start=seconds_attr(chapter.start_ms),
            end=seconds_attr(chapter.end_ms),
            clock=clock(chapter.start_ms),
            duration=spoken_duration(chapter.end_ms - chapter.start_ms),
            href=href(entry["file"]),
            size=human_size(entry["bytes"]),
            kind=chapter.kind,
            story=chapter.story,
            level=4 if chapter.level == PHOTO_LEVEL else 3,
            cues=tuple(cues_by_chapter.get(i, ())),
            nav_level=chapter.level,
        )
        for i, (chapter, entry) in enumerate(zip(published, manifest["chapters"], strict=True))
    )


def outline(chapters: Sequence[ChapterView]) -> tuple[OutlineItem, ...]:
    """``chapters`` nested: each level-2 chapter under the level-1 chapter before it (a
    level-2 chapter with none before it stands at the top)."""
    items: list[OutlineItem] = []
    for chapter in chapters:
        if chapter.nav_level == PHOTO_LEVEL and items:
            last = items[-1]
            items[-1] = OutlineItem(last.chapter, (*last.photos, chapter))
        else:
            items.append(OutlineItem(chapter))
    return tuple(items)


def _downloads(manifest: Manifest, sizes: Mapping[str, int]) -> tuple[DownloadView, ...]:
    """The files offered for download; ``sizes`` as for :func:`date_view`."""

    def size_of(name: str) -> str:
        return human_size(sizes[name]) if name in sizes else ""

    downloads: tuple[DownloadView, ...] = (
        DownloadView("The whole briefing", "MP3 audio with chapters",
                     href(manifest["mp3"]["file"]), human_size(manifest["mp3"]["bytes"]), True),
        DownloadView("Playlist of the chapter files", "M3U8 playlist",
                     href(manifest["playlist"]), size_of(manifest["playlist"]), True),
        DownloadView("Transcript as captions", "WebVTT captions",
                     href(manifest["vtt"]), size_of(manifest["vtt"]), True),
        DownloadView("Transcript as subtitles", "SRT subtitles",
                     href(manifest["srt"]), size_of(manifest["srt"]), True),
        DownloadView("Chapter list", "Podcasting 2.0 JSON chapters",
                     href(manifest["chapters_json"]), size_of(manifest["chapters_json"]), True),
    )
    if "m4b" in manifest:
        downloads += (DownloadView("The whole briefing as an audiobook",
                                   "M4B audiobook (AAC) with chapters",
                                   href(manifest["m4b"]["file"]),
                                   human_size(manifest["m4b"]["bytes"]), True),)
    if "daisy" in manifest:
        downloads += (DownloadView("The talking book for DAISY players",
                                   "DAISY 2.02 book with text and audio (open its NCC)",
                                   href(manifest["daisy"]["file"]),
                                   human_size(manifest["daisy"]["bytes"]), False),)
    if "epub" in manifest:
        downloads += (DownloadView("The e-book with its text read aloud",
                                   "EPUB 3 with media overlays",
                                   href(manifest["epub"]["file"]),
                                   human_size(manifest["epub"]["bytes"]), True),)
    if "wav" in manifest:
        wav = manifest["wav"]
        level = "" if wav["loudness_lufs"] is None else f", {wav['loudness_lufs']:.0f} LUFS"
        downloads += (DownloadView("The broadcast master",
                                   f"WAV, {wav['sample_rate'] // 1000} kHz {wav['bits']}-bit"
                                   f"{level}, with chapter cue points",
                                   href(wav["file"]), human_size(wav["bytes"]), True),
                      DownloadView("Cue sheet of the broadcast master", "CSV cue sheet",
                                   href(wav["cues_csv"]), size_of(wav["cues_csv"]), True))
    return downloads


def date_view(manifest: Manifest, sizes: Mapping[str, int] | None = None) -> DatePageView:
    """Arrange a manifest for the date page; ``sizes`` gives sizes of files the manifest
    does not size (playlist, transcripts, chapters.json), by their relative name."""
    chapters = _chapter_views(manifest)
    stories = sum(c.kind is ChapterKind.STORY for c in chapters)
    photos = sum(c.kind is ChapterKind.PHOTO for c in chapters)
    return DatePageView(
        title=clean_text(manifest["title"]),
        date=manifest["date"],
        lang=manifest["lang"],
        duration=spoken_duration(manifest["duration_ms"]),
        duration_iso=iso_duration(manifest["duration_ms"]),
        mp3_href=href(manifest["mp3"]["file"]),
        mp3_size=human_size(manifest["mp3"]["bytes"]),
        vtt_href=href(manifest["vtt"]),
        chapters=chapters,
        outline=outline(chapters),
        downloads=_downloads(manifest, sizes or {}),
        stories=stories,
        photos=photos,
        photos_nested=sum(c.nav_level == PHOTO_LEVEL for c in chapters),
        summary=_counts(stories, photos),
        speeds=tuple(SpeedView(f"{s:g}", f"{s:g}×" + (" (normal)" if s == 1 else ""), s == 1)
                     for s in SPEEDS),
        index_href=f"../{PAGE_NAME}",
    )


def _date_summary(manifest: Manifest) -> DateSummaryView:
    published = published_chapters(manifest)
    stories = tuple(clean_text(c.title) for c in published if c.kind is ChapterKind.STORY)
    photos = sum(c.kind is ChapterKind.PHOTO for c in published)
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
        mp3_href=f"{day}/{href(manifest['mp3']['file'])}",
        mp3_size=human_size(manifest["mp3"]["bytes"]),
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
        lang=site_lang(manifests),
        dates=tuple(_date_summary(m) for m in manifests),
        feed_href=feed_href,
    )
    template = make_web_environment(workspace).get_template(INDEX_TEMPLATE)
    return _add_csp(template.render(site=view))


