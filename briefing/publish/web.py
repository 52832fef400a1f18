"""Web pages and the podcast feed of the built briefings, made only from their manifests.

Data flows one way: the build writes ``audio/<date>/briefing-<date>.json`` (the manifest,
:class:`briefing.publish.manifest_model.Manifest`) beside the audio, and this module reads
manifests and writes

- ``audio/<date>/index.html``: an accessible player page for the date (chapters, transcript,
  speed control, keyboard shortcuts, downloads), usable without JavaScript;
- ``audio/index.html``: every date, newest first;
- ``audio/feed.xml``: an RSS 2.0 podcast feed with the iTunes and Podcasting 2.0 namespaces,
  written only when the public base URL of ``audio/`` is known (feeds need absolute URLs).

Manifests are read by :mod:`briefing.publish.manifest`, pages made by :mod:`briefing.publish.pages`
and the feed by :mod:`briefing.publish.feed`; this module writes them all.  Templates
(``player.html.j2``, ``index.html.j2``, ``feed.xml.j2``) are looked up like the script
template (:mod:`briefing.templating`): the workspace's ``templates/`` first, then briefing's
own.  They are rendered with autoescaping on and ``StrictUndefined``: article text (titles,
sentences) is only ever a value, so a caption containing ``<script>`` is shown as text.  Pages
also carry a Content Security Policy that allows only their own inline script and style blocks
(by hash), as a second line of defence.

Every file is written with :func:`briefing.fsutil.write_if_changed`, so an unchanged page keeps
its bytes and mtime; nothing on a page depends on the time it was made.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.config import DEFAULT_FEED, FeedSettings
from briefing.fsutil import write_if_changed
from briefing.publish.cover import workspace_cover, write_cover
from briefing.publish.feed import FEED_TEMPLATE, normalize_base_url, podcast_guid, render_feed
from briefing.publish.formatting import (
    DEFAULT_AUTHOR,
    DEFAULT_DESCRIPTION,
    DEFAULT_TITLE,
    FEED_NAME,
    PAGE_NAME,
    clean_text,
    clock,
    human_size,
    spoken_duration,
)
from briefing.publish.manifest import (
    ManifestError,
    check_manifest,
    load_manifests,
    manifest_path,
    read_manifest,
)
from briefing.publish.pages import (
    INDEX_TEMPLATE,
    PLAYER_TEMPLATE,
    date_view,
    render_date_page,
    render_index,
)
from briefing.templating import find_templates

if TYPE_CHECKING:
    from briefing.publish.manifest_model import Manifest

__all__ = [
    "DEFAULT_AUTHOR", "DEFAULT_DESCRIPTION", "DEFAULT_TITLE", "FEED_NAME", "PAGE_NAME",
    "ManifestError", "check_manifest", "clean_text", "clock", "date_view", "human_size",
    "load_manifests", "manifest_path", "podcast_guid", "read_manifest", "render_date_page",
    "render_feed", "render_index", "spoken_duration", "template_files", "write_site",
]

log = logging.getLogger(__name__)


def template_files(workspace: Path | None = None) -> list[Path]:
    """The template files the pages and the feed are rendered from (as found for this
    workspace), so a change to any of them can be detected."""
    return find_templates((PLAYER_TEMPLATE, INDEX_TEMPLATE, FEED_TEMPLATE), workspace)


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

