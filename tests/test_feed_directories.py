"""The feed as podcast directories and apps read it: Apple's and Podcast Index's required tags,
artwork that exists under the base URL, the owner's e-mail, and corrections that reach
listeners (a new enclosure URL, the same guid, an update note)."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from PIL import Image

from briefing.artwork import MAX_PX, MIN_PX
from briefing.publish.cover import default_cover
from briefing.publish.publication import next_published, update_note
from tests.conftest import DATA, Cli, found

BASE = "https://example.org/briefings/"
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
ARTICLE = DATA / "crlf_bom_accents_missing_credit.txt"

FEED_TABLE = """base_url = "https://example.org/briefings/"

[feed]
title = "Morning briefings of the Example Gazette"
author = "Example Gazette newsroom"
owner = "Jane Editor"
email = "jane.editor@example.org"
copyright = "© 2024 Example Gazette"
"""


def build(cli: Cli, ws: Path, *args: str | Path) -> dict[str, Any]:
    result = cli(*args, "-w", ws, "--engine", "fake", "-q", "--json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = result.json()
    return report


def feed_bytes(ws: Path) -> bytes:
    return (ws / "audio" / "feed.xml").read_bytes()


def square_image(path: Path) -> tuple[str, int]:
    with Image.open(path) as image:
        assert image.width == image.height, path
        return str(image.format), image.width


def test_feed_has_what_apple_and_podcast_index_require(ws: Path, cli: Cli) -> None:
    (ws / "briefing.toml").write_text(FEED_TABLE, encoding="utf-8")
    build(cli, ws, "build", ARTICLE)
    xml = feed_bytes(ws)

    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    href = parsed.feed.image.href
    assert href.startswith(BASE)
    kind, size = square_image(ws / "audio" / href.removeprefix(BASE))
    assert kind in {"PNG", "JPEG"} and MIN_PX <= size <= MAX_PX
    assert parsed.feed.publisher_detail.email == "jane.editor@example.org"
    assert parsed.feed.rights == "© 2024 Example Gazette"
    assert parsed.feed.title == "Morning briefings of the Example Gazette"

    podcast = podcastparser.parse(BASE + "feed.xml", io.BytesIO(xml))
    assert podcast["cover_url"] == href
    assert podcast["itunes_owner"] == {"name": "Jane Editor", "email": "jane.editor@example.org"}
    assert podcast["itunes_author"] == "Example Gazette newsroom"
    assert podcast["episodes"] and all(e["enclosures"] for e in podcast["episodes"])

    channel = ET.fromstring(xml).find("channel")
    assert channel is not None
    for tag in ("title", "description", "language", "copyright", "itunes:explicit"):
        assert (channel.findtext(tag, namespaces=NS) or "").strip(), tag
    image = channel.find("itunes:image", NS)
    assert image is not None and image.attrib["href"] == href
    assert channel.findtext("image/url") == href
    assert channel.find("itunes:category", NS) is not None
    for item in channel.findall("item"):
        assert (item.findtext("title") or "").strip()
        assert (item.findtext("guid") or "").strip()
        enclosure = item.find("enclosure")
        assert enclosure is not None
        assert int(enclosure.attrib["length"]) > 0 and enclosure.attrib["type"] == "audio/mpeg"


def test_default_feed_still_has_artwork_owner_and_copyright(ws: Path, cli: Cli) -> None:
    build(cli, ws, "build", ARTICLE, "--base-url", BASE)
    parsed = feedparser.parse(feed_bytes(ws))
    assert parsed.bozo == 0
    assert (ws / "audio" / "cover.png").read_bytes() == default_cover(parsed.feed.title).data
    year = found(r"\d{4}", parsed.entries[0].published).group(0)
    assert parsed.feed.rights == f"© {year} briefing"
    assert parsed.feed.publisher_detail.name == "briefing"


def test_a_correction_gets_a_new_enclosure_url_and_keeps_its_guid(
        ws: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    (ws / "briefing.toml").write_text(FEED_TABLE, encoding="utf-8")
    first_time = dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(first_time.timestamp())))
    build(cli, ws, "build", ARTICLE)
    before = feedparser.parse(feed_bytes(ws)).entries[0]
    assert "Updated" not in before.description

    # nothing changed: a later rebuild changes no byte of the feed
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(first_time.timestamp()) + 3600))
    original = feed_bytes(ws)
    build(cli, ws, "build", ARTICLE)
    assert feed_bytes(ws) == original

    # a producer corrects the script
    script = next((ws / "scripts").glob("*.md"))
    text = script.read_text(encoding="utf-8")
    heading_end = text.index("\n", text.index("\n## ") + 1)
    script.write_text(text[:heading_end] + "\n\nA correction was made to this briefing.\n"
                      + text[heading_end:], encoding="utf-8")
    corrected_time = dt.datetime(2024, 5, 2, 14, 35, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(corrected_time.timestamp())))
    build(cli, ws, "render")
    after = feedparser.parse(feed_bytes(ws)).entries[0]
    assert after.id == before.id
    assert after.enclosures[0].href != before.enclosures[0].href
    assert after.enclosures[0].href.split("?")[0] == before.enclosures[0].href.split("?")[0]
    assert after.description.startswith("Updated on 2 May 2024 at 14:35 UTC.")
    assert after.published == before.published

    # and it stays so on later rebuilds
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(corrected_time.timestamp()) + 86400))
    corrected = feed_bytes(ws)
    build(cli, ws, "build", ARTICLE)
    assert feed_bytes(ws) == corrected


def test_publication_record() -> None:
    day = "2024-01-01"
    t2 = dt.datetime(2024, 1, 3, 9, 5, tzinfo=dt.UTC)
    first = next_published(None, day, "a" * 64, t2)
    assert first == {"first": "2024-01-01T12:00:00Z", "updated": None}
    manifest = {"mp3": {"sha256": "a" * 64}, "published": first}
    assert next_published(manifest, day, "a" * 64, t2) == first
    changed = next_published(manifest, day, "b" * 64, t2)
    assert changed == {"first": "2024-01-01T12:00:00Z", "updated": "2024-01-03T09:05:00Z"}
    assert update_note(changed) == "Updated on 3 January 2024 at 09:05 UTC. "
    assert update_note(first) == ""
    # unchanged since: the update time stays
    later = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    assert next_published({"mp3": {"sha256": "b" * 64}, "published": changed}, day,
                          "b" * 64, later) == changed
    # a change before the item is published (the evening before) is no correction
    evening = dt.datetime(2023, 12, 31, 20, 0, tzinfo=dt.UTC)
    assert next_published(manifest, day, "b" * 64, evening)["updated"] is None
    # a manifest from before these records: no update
    assert next_published({"mp3": {}}, day, "b" * 64, t2)["updated"] is None


def test_two_clean_builds_write_the_same_manifests(tmp_path: Path, cli: Cli) -> None:
    import os

    manifests = []
    for name, epoch in (("one", "1700000000"), ("two", "1800000000")):
        ws = tmp_path / name
        ws.mkdir()
        os.environ["SOURCE_DATE_EPOCH"] = epoch
        try:
            build(cli, ws, "build", ARTICLE, "--base-url", BASE)
        finally:
            del os.environ["SOURCE_DATE_EPOCH"]
        manifests.append({p.name: p.read_bytes() for p in (ws / "audio").rglob("*.json")})
        manifests[-1]["feed.xml"] = feed_bytes(ws)
    assert manifests[0] == manifests[1]
