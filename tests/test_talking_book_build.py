"""The build's talking books: ``--format daisy --format epub`` on the seed, end to end.

The writers are tested on their own in tests/test_daisy.py and tests/test_epub.py; these tests
check what the build hands them (the seed's chapters, levels, chapter MP3s and timings), that
epubcheck and daisy-dtb accept the result, that the manifest, ``--json`` and the date's page
list both books, that a rebuild writes nothing, that dropping a format leaves no stale claim,
and that a producer's retitled and reordered script gives books with the new titles and order.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from briefing.config import DEFAULT_FEED, Settings
from briefing.publish.books import book_language
from briefing.publish.cover import default_cover, workspace_cover
from briefing.publish.formats import book_fingerprint as fingerprint
from briefing.publish.formats import book_options as books_options
from tests.conftest import SEED, Run, SeedBuild, isolate, run_cli
from tests.test_browser import browser, run_axe, serve_copy  # noqa: F401 (browser: a fixture)
from tests.test_daisy import NPT, READER, daisy_python  # noqa: F401 (daisy_python: a fixture)
from tests.test_epub import _epubcheck, _problems, _toc

H = "{http://www.w3.org/1999/xhtml}"
FORMATS = ("--format", "daisy", "--format", "epub")
SEED_PHOTOS = 13


@dataclass(frozen=True)
class Books(SeedBuild):
    """A workspace with the seed built with both books, and that build's report."""

    @property
    def folder(self) -> Path:
        return self.ws / "audio" / self.day["date"]

    @property
    def manifest(self) -> dict[str, Any]:
        path = self.folder / f"briefing-{self.day['date']}.json"
        return dict(json.loads(path.read_text(encoding="utf-8")))


def _build(ws: Path, *formats: str) -> Run:
    result = run_cli("build", SEED, "-w", ws, "--engine", "fake", "--json", *formats)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def books(seed_build: SeedBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Books]:
    """The seed's built workspace copied and built again with ``--format daisy --format epub``
    (the audio is cached: only the outputs are made)."""
    root = tmp_path_factory.mktemp("books")
    ws = root / "ws"
    shutil.copytree(seed_build.ws, ws, symlinks=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home", root)
        yield Books(ws, _build(ws, *FORMATS).json())


@pytest.fixture
def books_copy(books: Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Books:
    """A private copy of :func:`books`, for a test that changes it."""
    ws = tmp_path / "ws"
    shutil.copytree(books.ws, ws, symlinks=True)
    return Books(ws, books.report)


def _ncc_headings(folder: Path) -> list[ET.Element]:
    body = ET.parse(folder / "daisy" / "ncc.html").getroot().find(f"{H}body")
    assert body is not None
    return list(body)


def test_the_ncc_has_an_h1_per_top_chapter_and_an_h2_per_photo(books: Books) -> None:
    chapters = books.manifest["chapters"]
    headings = _ncc_headings(books.folder)
    assert [h.tag for h in headings] == [f"{H}h{c['level']}" for c in chapters]
    assert sum(h.tag == f"{H}h1" for h in headings) == sum(c["level"] == 1 for c in chapters)
    assert sum(h.tag == f"{H}h2" for h in headings) == SEED_PHOTOS
    assert ["".join(h.itertext()) for h in headings] == [c["title"] for c in chapters]


def test_every_smil_clip_lies_inside_its_mp3_and_the_mp3s_are_the_chapter_files(
        books: Books) -> None:
    daisy = books.folder / "daisy"
    chapters = books.manifest["chapters"]
    for number, (heading, chapter) in enumerate(zip(_ncc_headings(books.folder), chapters,
                                                    strict=True), 1):
        smil = ET.parse(daisy / heading[0].attrib["href"].split("#")[0]).getroot()
        clips = [(a.attrib["src"], float(NPT.fullmatch(a.attrib["clip-begin"])[1]),  # type: ignore[index]
                  float(NPT.fullmatch(a.attrib["clip-end"])[1]))  # type: ignore[index]
                 for a in smil.iter("audio")]
        assert clips and {src for src, _, _ in clips} == {f"c{number:03d}.mp3"}
        length = MP3(daisy / clips[0][0]).info.length
        assert all(0 <= begin < end <= length for _, begin, end in clips)
        assert (daisy / clips[0][0]).read_bytes() == (books.folder / chapter["file"]).read_bytes()


def test_daisy_dtb_reads_two_levels_and_every_chapter(books: Books, daisy_python: Path  # noqa: F811
                                                      ) -> None:
    done = subprocess.run([str(daisy_python), "-c", READER, str(books.folder / "daisy")],
                          capture_output=True, text=True, timeout=120, check=True)
    read = json.loads(done.stdout)
    assert read["title"] == books.manifest["title"]
    assert read["depth"] == 2
    assert [(e["level"], e["text"]) for e in read["entries"]] == [
        (c["level"], c["title"]) for c in books.manifest["chapters"]]
    spoken = [cue["text"] for cue in books.manifest["cues"]]
    assert [s for e in read["entries"] for s in e["sentences"]] == spoken


def _epub(books: Books) -> Path:
    return books.folder / f"briefing-{books.day['date']}.epub"


def test_epubcheck_passes_the_seeds_epub_which_has_overlays_and_a_nested_nav(
        books: Books) -> None:
    done = _epubcheck(_epub(books))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not _problems(done)
    with zipfile.ZipFile(_epub(books)) as zf:
        opf = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".opf"))
    assert 'media-overlay="' in opf and "application/smil+xml" in opf
    toc = _toc(_epub(books))
    assert [title for title, _ in toc] == [
        c["title"] for c in books.manifest["chapters"] if c["level"] == 1]
    assert sum(len(photos) for _, photos in toc) == SEED_PHOTOS


def test_the_manifest_json_and_page_list_both_books(books: Books) -> None:
    manifest, files, day = books.manifest, books.day["files"], books.day["date"]
    assert manifest["daisy"]["file"] == "daisy/ncc.html"
    assert manifest["epub"] == {"file": f"briefing-{day}.epub",
                                "bytes": _epub(books).stat().st_size}
    assert manifest["daisy"]["bytes"] == sum(
        p.stat().st_size for p in (books.folder / "daisy").iterdir())
    assert files["daisy"] == f"audio/{day}/daisy/ncc.html"
    assert files["epub"] == f"audio/{day}/briefing-{day}.epub"
    assert (books.ws / files["daisy"]).is_file() and (books.ws / files["epub"]).is_file()
    page = (books.folder / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="daisy/ncc\.html">[^<]+</a> \(DAISY 2\.02', page)
    assert re.search(rf'<a href="briefing-{day}\.epub" download>[^<]+</a> \(EPUB 3', page)


def test_a_rebuild_writes_nothing(books_copy: Books) -> None:
    before = {p: p.stat().st_mtime_ns for p in books_copy.folder.rglob("*")}
    [day] = _build(books_copy.ws, *FORMATS).json()["dates"]
    assert day["state"] == "unchanged"
    assert day["written"] == []
    assert {p: p.stat().st_mtime_ns for p in books_copy.folder.rglob("*")} == before


def test_deleting_a_book_file_makes_the_build_write_it_again(books_copy: Books) -> None:
    smil = books_copy.folder / "daisy" / "c003.smil"
    data = smil.read_bytes()
    smil.unlink()
    [day] = _build(books_copy.ws, *FORMATS).json()["dates"]
    assert f"audio/{day['date']}/daisy/c003.smil" in day["written"]
    assert smil.read_bytes() == data


def test_dropping_a_format_leaves_no_stale_claim(books_copy: Books) -> None:
    [day] = _build(books_copy.ws, "--format", "daisy").json()["dates"]
    assert "epub" not in day["files"] and "daisy" in day["files"]
    assert "epub" not in books_copy.manifest and "daisy" in books_copy.manifest
    assert not _epub(books_copy).exists()
    assert "EPUB" not in (books_copy.folder / "index.html").read_text(encoding="utf-8")
    [day] = _build(books_copy.ws).json()["dates"]
    assert "daisy" not in day["files"] and "daisy" not in books_copy.manifest
    assert not (books_copy.folder / "daisy").exists()


def _heading(script: str, marker: str) -> re.Match[str]:
    found = re.search(rf"^## [^\n]*<!-- kind: {marker} -->\n", script, re.M)
    assert found is not None, marker
    return found


def test_a_retitled_and_reordered_script_rebuilds_both_books(books_copy: Books) -> None:
    """A producer retitles the story, moves photo 2 before photo 1 and sets the language with
    a lower-case region."""
    script_path = books_copy.ws / "scripts" / f"{books_copy.day['date']}.md"
    script = script_path.read_text(encoding="utf-8").replace("\nlang: en\n", "\nlang: en-us\n")
    story = _heading(script, "story 1")
    script = script.replace(story[0], "## Armenia: the exodus <!-- kind: story 1 -->\n")
    photos = list(re.finditer(r"^## Photo \d+:[^\n]*\n(?:(?!## )[^\n]*\n)*", script, re.M))
    first, second = photos[0], photos[1]
    script = (script[:first.start()] + second[0] + first[0] + script[second.end():])
    script_path.write_text(script, encoding="utf-8")
    old_titles = [c["title"] for c in books_copy.manifest["chapters"]]
    [day] = _build(books_copy.ws, *FORMATS).json()["dates"]
    assert day["state"] == "changed"
    titles = [c["title"] for c in books_copy.manifest["chapters"]]
    assert titles[1] == "Armenia: the exodus"
    # moved photos are renumbered in their new order (text.numbering): "Photo 1: <photo 2's>"
    swapped = [re.sub(r"^Photo \d+", f"Photo {n}", t)
               for n, t in ((1, old_titles[3]), (2, old_titles[2]))]
    assert titles[2:4] == swapped and swapped != old_titles[2:4]
    assert ["".join(h.itertext()) for h in _ncc_headings(books_copy.folder)] == titles
    toc = _toc(_epub(books_copy))
    assert toc[1][0] == "Armenia: the exodus"
    assert toc[1][1][:2] == swapped
    assert f"audio/{day['date']}/daisy/ncc.html" in day["written"]
    assert f"audio/{day['date']}/briefing-{day['date']}.epub" in day["written"]
    ncc = ET.parse(books_copy.folder / "daisy" / "ncc.html").getroot()
    assert {m.attrib["name"]: m.attrib["content"] for m in ncc.iter(f"{H}meta")
            if "name" in m.attrib}["dc:language"] == "en-US"
    with zipfile.ZipFile(_epub(books_copy)) as zf:
        opf = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".opf"))
    assert "<dc:language>en-US</dc:language>" in opf


@pytest.mark.parametrize(("lang", "tag"), [
    ("en", "en"), ("EN", "en"), ("en_gb", "en-GB"), ("gmw/en-us", "en-US"), ("roa/fr", "fr"),
    ("en-029", "en-029"), ("zh-hant-tw", "zh-Hant-TW"), ("sr-latn", "sr-Latn"), ("", "und"),
    ("not a tag", "und"),
])
def test_a_voice_id_or_tag_becomes_a_bcp47_tag_in_its_usual_case(lang: str, tag: str) -> None:
    assert book_language(lang) == tag


def test_the_epub_carries_the_sites_cover(books: Books) -> None:
    cover = workspace_cover(books.ws, None, DEFAULT_FEED.title)
    with zipfile.ZipFile(_epub(books)) as zf:
        images = [zf.read(n) for n in zf.namelist() if n.endswith((".png", ".jpg"))]
    assert images == [cover.data]  # the feed's and the M4B's cover


@pytest.fixture(scope="module")
def served(books: Books, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the books' workspace served on 127.0.0.1 (its pages made for that address);
    its base URL."""
    with serve_copy(books.ws, tmp_path_factory.mktemp("served") / "ws") as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_a_page_with_the_books(
        browser: Any, served: str, books: Books, scheme: str) -> None:  # noqa: F811
    assert run_axe(browser, f"{served}{books.day['date']}/index.html", scheme) == []


def test_the_books_share_of_the_outputs_key_follows_the_formats_and_the_cover(
        tmp_path: Path) -> None:
    assert books_options(Settings(), tmp_path) is None  # builds without books keep their keys
    assert fingerprint(None) == {}
    daisy = books_options(Settings(formats=("mp3", "daisy")), tmp_path)
    epub = books_options(Settings(formats=("mp3", "epub")), tmp_path)
    assert daisy is not None and epub is not None and daisy.cover is None
    titled = dataclasses.replace(epub, cover=default_cover("Another title"))
    keys = [json.dumps(fingerprint(o)) for o in (daisy, epub, titled)]
    assert len(set(keys)) == 3
