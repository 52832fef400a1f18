"""Pages made from the manifests (``briefing.publish.web``): manifests, date pages, the index,
write_site; the feed is tested in tests/test_feed_render.py, the server in tests/test_server.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.publish.web import (
    FEED_NAME,
    ManifestError,
    clock,
    human_size,
    load_manifests,
    read_manifest,
    render_date_page,
    render_index,
    spoken_duration,
    write_site,
)
from tests.conftest import REPO

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
BASE = "https://example.org/briefings/"

XSS_ARTICLE = (
    " date 2024-01-02 Officials said <script>window.pwned=1</script> today.\n\n"
    "A man holds a sign reading <script>window.pwned=2</script> & \"quotes\" outside the hall"
    " on January 2.\n"
    "Jane Doe/AP\n"
)
XSS_TEXT = "Officials said <script>window.pwned=1</script> today."


def build_site_workspace(root: Path) -> Path:
    """A workspace built with the fake engine from the repository's articles and an article
    whose text and caption contain ``<script>``; returns the workspace (pages not written)."""
    ws = root / "ws"
    articles = ws / "articles"
    articles.mkdir(parents=True)
    for article in (REPO / "articles").glob("*.txt"):
        (articles / article.name).write_bytes(article.read_bytes())
    (articles / "2024-01-02-script.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(articles), "-w", str(ws), "--engine", "fake",
                                      "-q"])
    assert result.exit_code == 0, result.output
    return ws


@pytest.fixture(scope="module")
def built(site_workspace: Path) -> Path:
    """The session's built site workspace (read only: copy to change it)."""
    return site_workspace


@pytest.fixture
def audio(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built ``audio/`` folder, without the pages the build wrote."""
    copy = tmp_path / "audio"
    shutil.copytree(built / "audio", copy)
    for page in copy.rglob("index.html"):
        page.unlink()
    (copy / FEED_NAME).unlink(missing_ok=True)
    return copy


# --------------------------------------------------------------------------- HTML helpers

class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parents: tuple[str, ...]):
        self.tag = tag
        self.attrs = attrs
        self.parents = parents
        self.text = ""


class Collector(HTMLParser):
    """Every element with its attributes, ancestors and text (for simple structure checks)."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "input", "source", "track", "hr",
                                "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.script_bodies: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, dict(attrs), tuple(e.tag for e in self.stack))
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el.text += data
        if self.stack and self.stack[-1].tag == "script":
            self.script_bodies.append(data)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def with_class(self, tag: str, cls: str) -> list[Element]:
        return [e for e in self.elements
                if e.tag == tag and cls in (e.attrs.get("class") or "").split()]


def parse_html(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- manifests

def test_manifests_newest_first_and_folders_without_one_skipped(audio: Path) -> None:
    (audio / "2020-01-01").mkdir()  # a date folder without a manifest
    (audio / "notes").mkdir()
    (audio / "README.txt").write_text("not a folder", encoding="utf-8")
    dates = [m["date"] for m in load_manifests(audio)]
    assert dates == ["2024-05-15", "2024-05-14", "2024-01-02"]


def test_missing_audio_folder_has_no_manifests(tmp_path: Path) -> None:
    assert load_manifests(tmp_path / "nowhere") == []


def _rewrite(audio: Path, day: str, change: Any) -> Path:
    path = audio / day / f"briefing-{day}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("chapters"), "has no 'chapters'"),
    (lambda d: d.update(format=99), "format 99 is not supported"),
    (lambda d: d.update(date="2024-05-16"), "does not match its folder"),
    (lambda d: d.update(lang="en us"), "not a language tag"),
    (lambda d: d.update(duration_ms="long"), "duration_ms must be of type int"),
    (lambda d: d["mp3"].update(bytes=True), "bytes must be an integer"),
    (lambda d: d.update(vtt="../../etc/passwd"), "not a plain file name"),
    (lambda d: d["chapters"][0].update(file="javascript:alert(1)"), "not a plain file name"),
    (lambda d: d["cues"][0].update(chapter=99), "is not a chapter of this date"),
    (lambda d: d.update(chapters=[]), "chapters is empty"),
])
def test_malformed_manifest_is_a_clear_error(audio: Path, change: Any, message: str) -> None:
    path = _rewrite(audio, "2024-05-15", change)
    with pytest.raises(ManifestError) as info:
        load_manifests(audio)
    assert info.value.path == path
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "rebuild" in str(info.value)


def test_manifest_that_is_not_json_names_the_file(audio: Path) -> None:
    path = audio / "2024-05-14" / "briefing-2024-05-14.json"
    path.write_text('{"format": 1,', encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid JSON") as info:
        load_manifests(audio)
    assert info.value.path == path
    with pytest.raises(ManifestError, match="not a JSON object"):
        path.write_text("[1, 2]", encoding="utf-8")
        read_manifest(path)


def test_broken_manifest_stops_write_site_before_writing(audio: Path) -> None:
    _rewrite(audio, "2024-05-15", lambda d: d.pop("title"))
    with pytest.raises(ManifestError):
        write_site(audio, None, None)
    assert not list(audio.rglob("index.html"))


# --------------------------------------------------------------------------- formatting

def test_formatting_helpers() -> None:
    assert clock(0) == "0:00" and clock(13_819) == "0:13" and clock(3_725_000) == "1:02:05"
    assert spoken_duration(74_069) == "1 min 14 s"
    assert spoken_duration(9_400) == "9 s" and spoken_duration(3_720_000) == "1 h 2 min"
    assert human_size(523) == "523 bytes" and human_size(595_864) == "596 kB"
    assert human_size(1_234_567) == "1.2 MB"


# --------------------------------------------------------------------------- date page

def test_date_page_structure(built: Path) -> None:
    audio = built / "audio"
    manifest = read_manifest(audio / "2024-05-15" / "briefing-2024-05-15.json")
    page = parse_html(render_date_page(manifest))
    [html] = page.find("html")
    assert html.attrs["lang"] == manifest["lang"]
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark), landmark
    [h1] = page.find("h1")
    assert squash(h1.text) == manifest["title"]
    skip = page.with_class("a", "skip")[0]
    assert skip.attrs["href"] == "#main" and page.find("main", id="main")
    assert page.elements.index(skip) < page.elements.index(page.find("main")[0])

    [player] = page.find("audio")
    assert "controls" in player.attrs and player.attrs["preload"] == "metadata"
    assert player.attrs["src"] == manifest["mp3"]["file"]
    [track] = page.find("track")
    assert track.attrs["kind"] == "captions" and track.attrs["src"] == manifest["vtt"]
    assert track.attrs["srclang"] == manifest["lang"] and "default" in track.attrs
    assert (audio / "2024-05-15" / manifest["vtt"]).is_file()

    [live] = page.find("p", id="now-playing")
    assert live.attrs["aria-live"] == "polite"

    buttons = page.with_class("button", "chapter-seek")
    assert [b.attrs["data-start"] for b in buttons] == [
        f"{c['start_ms'] / 1000:.3f}" for c in manifest["chapters"]]
    assert [b.attrs["data-title"] for b in buttons] == [c["title"] for c in manifest["chapters"]]
    assert buttons[0].attrs.get("aria-current") == "true"
    assert all(b.attrs["type"] == "button" for b in buttons)
    links = [a.attrs["href"] for a in page.with_class("a", "chapter-file")]
    assert links == [c["file"] for c in manifest["chapters"]]
    assert all((audio / "2024-05-15" / str(href)).is_file() for href in links)

    assert len(page.find("select", id="speed")) == 1
    assert page.find("label", **{"for": "speed"})
    values = [float(str(o.attrs["value"])) for o in page.find("option")]
    assert min(values) == 0.5 and max(values) == 3 and 1.0 in values

    headings = [squash(h.text) for h in page.find("h2")]
    assert "Keyboard shortcuts" in headings and "Transcript" in headings
    shortcuts = squash(page.find("section", id="shortcuts")[0].text)
    assert "Alt + Shift" in shortcuts and "Next chapter" in shortcuts

    hrefs = {str(a.attrs["href"]) for a in page.find("a") if "download" in a.attrs}
    assert hrefs == {manifest["mp3"]["file"], manifest["playlist"], manifest["vtt"],
                     manifest["srt"], manifest["chapters_json"]}
    assert all((audio / "2024-05-15" / h).is_file() for h in hrefs)


def test_transcript_has_every_cue_under_its_chapter_with_a_seek_button(built: Path) -> None:
    manifest = read_manifest(built / "audio" / "2024-05-15" / "briefing-2024-05-15.json")
    html = render_date_page(manifest)
    page = parse_html(html)
    cues = page.with_class("p", "cue")
    assert len(cues) == len(manifest["cues"])
    seek = page.with_class("button", "cue-seek")
    assert [b.attrs["data-start"] for b in seek] == [
        f"{c['start_ms'] / 1000:.3f}" for c in manifest["cues"]]
    for element, cue in zip(cues, manifest["cues"], strict=True):
        assert squash(element.text).endswith(squash(cue["text"]))
    # photo chapters are nested under their story
    h3 = [squash(h.text) for h in page.find("h3")]
    h4 = [squash(h.text) for h in page.find("h4")]
    assert h3[0] == "Opening" and h3[-1] == "Closing" and h3[1].startswith("Story 1")
    assert h4 and all(t.startswith("Photo ") for t in h4)
    order = [squash(h.text) for h in page.elements
             if h.tag in {"h3", "h4"} and str(h.attrs.get("id", "")).startswith("transcript-")]
    assert order == [c["title"] for c in manifest["chapters"]]


def test_article_text_is_escaped(built: Path) -> None:
    manifest = read_manifest(built / "audio" / "2024-01-02" / "briefing-2024-01-02.json")
    html = render_date_page(manifest)
    assert "<script>window.pwned" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "&amp; &#34;quotes" in html
    page = parse_html(html)
    # only the page's own two scripts, and none carries article text
    assert html.count("<script>") == 2 and not page.find("script", src="")
    assert all("pwned" not in body for body in page.script_bodies)
    assert any(squash(c.text).endswith(XSS_TEXT) for c in page.with_class("p", "cue"))
    index = render_index(load_manifests(built / "audio"))
    assert "<script>window.pwned" not in index and "&lt;script&gt;window.pwned=1" in index


def test_pages_carry_a_csp_with_the_hashes_of_their_own_inline_blocks(built: Path) -> None:
    manifest = read_manifest(built / "audio" / "2024-05-15" / "briefing-2024-05-15.json")
    for html in (render_date_page(manifest), render_index([manifest])):
        [csp] = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
        for _kind, body in re.findall(r"<(script|style)>(.*?)</\1>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp
        assert "<!--briefing:csp-->" not in html


def test_date_page_is_deterministic(built: Path) -> None:
    manifest = read_manifest(built / "audio" / "2024-05-14" / "briefing-2024-05-14.json")
    assert render_date_page(manifest) == render_date_page(manifest)


# --------------------------------------------------------------------------- index

def test_index_lists_every_date_newest_first(built: Path) -> None:
    manifests = load_manifests(built / "audio")
    page = parse_html(render_index(manifests))
    links = [a.attrs["href"] for a in page.elements if a.tag == "a" and "h3" in a.parents]
    assert links == ["2024-05-15/index.html", "2024-05-14/index.html", "2024-01-02/index.html"]
    items = [e for e in page.elements if e.tag == "li" and "ol" in e.parents[-1:]]
    assert len(items) == 3
    for item, manifest in zip(items, manifests, strict=True):
        text = squash(item.text)
        assert manifest["title"] in text
        stories = [c["title"] for c in manifest["chapters"] if c["title"].startswith("Story ")]
        photos = sum(c["title"].startswith("Photo ") for c in manifest["chapters"])
        assert stories and all(s in text for s in stories)
        assert f"{photos} photo description" in text
        assert spoken_duration(manifest["duration_ms"]) in text
    assert "2 stories, 4 photo descriptions" in squash(items[1].text)


def test_index_says_how_to_get_a_feed_until_there_is_one(built: Path) -> None:
    manifests = load_manifests(built / "audio")
    without = render_index(manifests)
    assert "feed.xml" in without and "base URL" in without
    assert 'type="application/rss+xml"' not in without
    with_feed = parse_html(render_index(manifests, feed_href=FEED_NAME))
    assert with_feed.find("link", rel="alternate", href=FEED_NAME)
    assert any(a.attrs.get("href") == FEED_NAME for a in with_feed.find("a"))


def test_index_without_briefings(tmp_path: Path) -> None:
    assert "No briefings yet" in render_index([])


# --------------------------------------------------------------------------- write_site

def _mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file()}


def test_write_site_writes_pages_and_feed_once(audio: Path) -> None:
    written = write_site(audio, BASE, None)
    expected = {audio / d / "index.html" for d in ("2024-05-15", "2024-05-14", "2024-01-02")}
    expected |= {audio / "index.html", audio / FEED_NAME, audio / "cover.png"}
    assert set(written) == expected
    before = _mtimes(audio)
    assert write_site(audio, BASE, None) == []
    assert _mtimes(audio) == before
    page = (audio / "2024-05-15" / "index.html").read_text(encoding="utf-8")
    for name in ("briefing-2024-05-15.m3u8", "briefing-2024-05-15.vtt", "chapters.json"):
        size = human_size((audio / "2024-05-15" / name).stat().st_size)
        assert re.search(rf'href="{re.escape(name)}" download>[^<]*</a> \([^)]*{size}\)', page)


def test_write_site_only_changed_dates(audio: Path) -> None:
    write_site(audio, None, None)
    assert not (audio / FEED_NAME).exists()
    assert "base URL" in (audio / "index.html").read_text(encoding="utf-8")
    (audio / "2024-05-14" / "index.html").unlink()
    (audio / "2024-05-15" / "index.html").write_text("old", encoding="utf-8")
    written = write_site(audio, None, None, changed_dates={"2024-05-15", "1999-01-01"})
    assert written == [audio / "2024-05-15" / "index.html"]
    assert not (audio / "2024-05-14" / "index.html").exists()


def test_workspace_templates_override_the_packaged_ones(audio: Path, tmp_path: Path) -> None:
    ws = tmp_path / "custom"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "index.html.j2").write_text(
        "{% for d in site.dates %}{{ d.title }};{% endfor %}", encoding="utf-8")
    write_site(audio, None, ws, changed_dates=set())
    text = (audio / "index.html").read_text(encoding="utf-8")
    assert text.startswith("News briefing, Wednesday, May 15, 2024;")
    assert "&lt;script&gt;" not in text  # titles of this workspace carry no markup
    (ws / "templates" / "index.html.j2").write_text(
        "{{ site.dates[2].stories[0] }}", encoding="utf-8")
    write_site(audio, None, ws, changed_dates=set())
    assert (audio / "index.html").read_text(encoding="utf-8").startswith(
        "Story 1: Officials said &lt;script&gt;")
