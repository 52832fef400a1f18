"""The podcast feed rendered from the manifests of the session's site workspace
(``briefing.publish.web.render_feed``)."""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefing.errors import ConfigError
from briefing.publish.web import FEED_NAME, load_manifests, podcast_guid, render_feed

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
BASE = "https://example.org/briefings/"


@pytest.fixture(scope="module")
def built(site_workspace: Path) -> Path:
    """The session's built site workspace (read only)."""
    return site_workspace


def test_feed_parses_with_one_item_per_date(built: Path) -> None:
    audio = built / "audio"
    manifests = load_manifests(audio)
    xml = render_feed(manifests, BASE)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<rss')
    root = ET.fromstring(xml)
    assert root.tag == "rss" and root.attrib["version"] == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") and channel.findtext("description")
    assert channel.findtext("link") == BASE + "index.html"
    assert channel.findtext("language") == "en"
    category = channel.find("itunes:category", NS)
    assert category is not None and category.attrib["text"] == "News"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    self_link = channel.find("atom:link", NS)
    assert self_link is not None and self_link.attrib["href"] == BASE + FEED_NAME
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(BASE + FEED_NAME)

    items = channel.findall("item")
    assert len(items) == len(manifests) == 3
    for item, manifest in zip(items, manifests, strict=True):
        day = manifest["date"]
        assert item.findtext("title") == manifest["title"]
        guid = item.find("guid")
        assert guid is not None and guid.attrib["isPermaLink"] == "false"
        assert guid.text == f"briefing:{day}"
        published = email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
        assert published.date().isoformat() == day and published.utcoffset() is not None
        enclosure = item.find("enclosure")
        assert enclosure is not None and enclosure.attrib["type"] == "audio/mpeg"
        url = enclosure.attrib["url"]
        version = manifest["mp3"]["sha256"][:10]
        assert url == f"{BASE}{day}/{manifest['mp3']['file']}?v={version}"
        on_disk = (audio / url.removeprefix(BASE).split("?")[0]).stat().st_size
        assert int(enclosure.attrib["length"]) == on_disk == manifest["mp3"]["bytes"]
        # the one rounding rule of durations (half a second up), as the page and the CLI
        assert item.findtext("itunes:duration", namespaces=NS) == str(
            (manifest["duration_ms"] + 500) // 1000)
        chapters = item.find("podcast:chapters", NS)
        assert chapters is not None
        assert chapters.attrib["type"] == "application/json+chapters"
        assert chapters.attrib["url"] == f"{BASE}{day}/chapters.json"
        transcripts = {t.attrib["type"]: t.attrib["url"]
                       for t in item.findall("podcast:transcript", NS)}
        assert transcripts["text/vtt"] == f"{BASE}{day}/{manifest['vtt']}"
        assert (audio / transcripts["text/vtt"].removeprefix(BASE)).is_file()
        opening = " ".join(c["text"] for c in manifest["cues"] if c["chapter"] == 0)
        stories = [i for i, c in enumerate(manifest["chapters"]) if c["kind"] == "story"]
        if len(stories) == 1:  # its opening names no headline: the story's first sentence
            lead = next(c["text"] for c in manifest["cues"] if c["chapter"] == stories[0])
            opening += " " + lead
        assert item.findtext("description") == opening
        assert item.findtext("link") == f"{BASE}{day}/index.html"
    # article text survives as text, escaped
    xss = items[2]
    assert "<script>window.pwned=1</script>" in (xss.findtext("description") or "")


def test_feed_is_stable_and_strips_characters_xml_forbids(built: Path) -> None:
    manifests = load_manifests(built / "audio")
    assert render_feed(manifests, BASE) == render_feed(manifests, BASE.rstrip("/"))
    manifests[0]["cues"][0]["text"] = "bell \x07 and form feed \x0c here"
    ET.fromstring(render_feed(manifests, BASE))


@pytest.mark.parametrize("bad", ["example.org/briefings", "ftp://example.org/",
                                 "/briefings/", "https://example.org/?q=1"])
def test_feed_needs_an_absolute_http_base_url(built: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="base URL"):
        render_feed(load_manifests(built / "audio"), bad)


