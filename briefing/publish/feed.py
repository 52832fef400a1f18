"""The podcast feed of the built briefings: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces.

Made from the manifests alone, and only when the public base URL of ``audio/`` is known (feeds
need absolute URLs).  The feed is a template (``feed.xml.j2``): no library writes the
Podcasting 2.0 namespace well, and autoescaping keeps article text a value.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.config import DEFAULT_FEED, FeedSettings
from briefing.errors import ConfigError
from briefing.publish.formatting import (
    DEFAULT_DESCRIPTION,
    FEED_NAME,
    PAGE_NAME,
    clean_text,
    href,
    make_web_environment,
    rfc822,
    site_lang,
    whole_seconds,
)
from briefing.publish.publication import update_note, version_query
from briefing.values import url_problem

if TYPE_CHECKING:
    from briefing.publish.manifest_model import Manifest

FEED_TEMPLATE = "feed.xml.j2"

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``<podcast:guid>`` (a UUIDv5 of the feed URL)."""

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


def episode_description(manifest: Manifest) -> str:
    """An episode's description: its opening and, for a briefing of one story (whose opening
    names no headline: the story follows at once, see :mod:`briefing.text.editorial`), the
    story's first sentence, so the description says what the episode is about."""
    cues = manifest["cues"]
    said = [c["text"] for c in cues if c["chapter"] == 0 and not c.get("sound")]
    stories = [i for i, ch in enumerate(manifest["chapters"]) if ch.get("kind") == "story"]
    if len(stories) == 1:
        said.extend([c["text"] for c in cues
                     if c["chapter"] == stories[0] and not c.get("sound")][:1])
    return " ".join(clean_text(text) for text in said)


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
        items.append(FeedItemView(
            title=clean_text(m["title"]),
            description=update_note(m.get("published")) + episode_description(m),
            guid=item_guid(day),
            pub_date=rfc822(day),
            link=f"{folder}{PAGE_NAME}",
            enclosure_url=folder + href(m["mp3"]["file"]) + version_query(m["mp3"].get("sha256")),
            enclosure_length=m["mp3"]["bytes"],
            duration_seconds=whole_seconds(m["duration_ms"]),
            chapters_url=folder + href(m["chapters_json"]),
            vtt_url=folder + href(m["vtt"]),
            srt_url=folder + href(m["srt"]),
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
        image_url=base + href(cover_name),
        lang=site_lang(manifests),
        link=base + PAGE_NAME,
        self_url=self_url,
        podcast_guid=podcast_guid(self_url),
        last_build=items[0].pub_date if items else None,
        items=tuple(items),
    )



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


