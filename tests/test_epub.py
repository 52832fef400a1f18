"""The EPUB 3 talking book: epubcheck (Debian's) finds no error, and our own reading of the ZIP
follows every manifest entry, overlay clip and nav link."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from briefing.publish.cover import default_cover
from briefing.publish.epub import render_epub, render_epub_files, write_epub
from briefing.publish.talking_book import ChapterKind, TalkingBook, xml_text
from tests.talking_books import CHAPTERS, make_book, paper_book, printable_text, skip_or_fail

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
OPF = "{http://www.idpf.org/2007/opf}"
H = "{http://www.w3.org/1999/xhtml}"
SMIL = "{http://www.w3.org/ns/SMIL}"
OPS = "{http://www.idpf.org/2007/ops}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[TalkingBook, Path, Path]:
    root = tmp_path_factory.mktemp("epub")
    book = make_book(root / "audio", cover=default_cover("Briefing"), narrator="espeak-ng & en-gb")
    path = root / "briefing-2024-05-14.epub"
    assert write_epub(book, root / "audio", path)
    return book, root / "audio", path


def _epubcheck(path: Path) -> subprocess.CompletedProcess[str]:
    java = shutil.which("java")
    if java is None or not EPUBCHECK.is_file():
        skip_or_fail("epubcheck is not installed (apt-get install default-jre-headless epubcheck)")
    return subprocess.run([java, "-jar", str(EPUBCHECK), str(path)], capture_output=True,
                          text=True, timeout=300)


def _problems(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (done.stdout + done.stderr).splitlines()
            if re.match(r"(ERROR|FATAL)\b", line)]


def test_epubcheck_finds_no_error(built: tuple[TalkingBook, Path, Path]) -> None:
    done = _epubcheck(built[2])
    assert done.returncode == 0, done.stdout + done.stderr
    assert not _problems(done)
    assert "0 fatals / 0 errors" in done.stdout


def test_epubcheck_would_see_an_overlay_pointing_nowhere(
        built: tuple[TalkingBook, Path, Path], tmp_path: Path) -> None:
    """The check above can fail: the same book with one overlay link broken is refused."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(built[2]) as src, zipfile.ZipFile(broken, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".smil"):
                data = data.replace(b"#c002s001", b"#nowhere", 1)
            out.writestr(info, data)
    done = _epubcheck(broken)
    assert done.returncode != 0
    assert _problems(done)


def test_epubcheck_passes_a_book_without_photos_cover_author_or_narrator(tmp_path: Path) -> None:
    chapters = (CHAPTERS[0], CHAPTERS[-1])
    book = make_book(tmp_path / "audio", chapters)
    book = TalkingBook(book.title, book.date, book.language, "", "", book.chapters)
    write_epub(book, tmp_path / "audio", tmp_path / "b.epub")
    done = _epubcheck(tmp_path / "b.epub")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not _problems(done)
    assert _toc(tmp_path / "b.epub") == [(xml_text(c[1]), []) for c in chapters]


def _read(path: Path) -> tuple[zipfile.ZipFile, dict[str, ET.Element]]:
    zf = zipfile.ZipFile(path)
    xml = {name: ET.fromstring(zf.read(name)) for name in zf.namelist()
           if name.endswith((".xml", ".opf", ".xhtml", ".smil"))}
    return zf, xml


def test_the_zip_is_an_epub_whose_manifest_is_exactly_its_files(
        built: tuple[TalkingBook, Path, Path]) -> None:
    zf, xml = _read(built[2])
    first = zf.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert zf.read(first) == b"application/epub+zip" and not first.extra
    assert built[2].read_bytes()[30:38] == b"mimetype"
    opf = xml["EPUB/package.opf"]
    items = {i.attrib["href"]: i.attrib for i in opf.iter(f"{OPF}item")}
    assert {f"EPUB/{href}" for href in items} == set(zf.namelist()) - {
        "mimetype", "META-INF/container.xml", "EPUB/package.opf"}
    assert items["nav.xhtml"]["properties"] == "nav"
    assert items["cover.png"]["properties"] == "cover-image"
    assert items["content.xhtml"]["media-overlay"] == "mo"
    assert sum(a["media-type"] == "audio/mpeg" for a in items.values()) == len(CHAPTERS)


def _meta(opf: ET.Element) -> list[tuple[str, str, str]]:
    return [(m.attrib.get("property", ""), m.attrib.get("refines", ""), m.text or "")
            for m in opf.iter(f"{OPF}meta")]


def _clock(value: str) -> float:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_the_package_carries_durations_modified_and_accessibility_metadata(
        built: tuple[TalkingBook, Path, Path]) -> None:
    book, _, path = built
    _, xml = _read(path)
    meta = _meta(xml["EPUB/package.opf"])
    values = {(prop, value) for prop, _, value in meta}
    assert {("schema:accessMode", "textual"), ("schema:accessMode", "auditory"),
            ("schema:accessibilityFeature", "synchronizedAudioText"),
            ("schema:accessibilityFeature", "alternativeText"),
            ("schema:accessibilityHazard", "none"),
            ("dcterms:modified", "2024-05-14T00:00:00Z"),
            ("media:narrator", "espeak-ng & en-gb")} <= values
    assert any(prop == "schema:accessModeSufficient" for prop, _ in values)
    assert any(prop == "schema:accessibilitySummary" and len(v) > 40 for prop, v in values)
    durations = {refines: _clock(value) for prop, refines, value in meta
                 if prop == "media:duration"}
    clips = book.played
    total = pytest.approx(clips, abs=0.001)
    assert durations == {"#mo": total, "": total}
    title = xml["EPUB/package.opf"].find(f".//{DC}title")
    assert title is not None and title.text == xml_text(book.title)


def test_every_sentence_is_synchronised_with_its_clip_inside_its_mp3(
        built: tuple[TalkingBook, Path, Path], tmp_path: Path) -> None:
    book, _, path = built
    zf, xml = _read(path)
    content = {el.attrib["id"]: el for el in xml["EPUB/content.xhtml"].iter() if "id" in el.attrib}
    lengths = {}
    for name in zf.namelist():
        if name.endswith(".mp3"):
            (tmp_path / "a.mp3").write_bytes(zf.read(name))
            lengths[name.removeprefix("EPUB/")] = MP3(tmp_path / "a.mp3").info.length
    seqs = list(xml["EPUB/content.smil"].iter(f"{SMIL}seq"))
    assert len(seqs) == len(book.chapters)
    spoken = set()
    for seq, chapter in zip(seqs, book.chapters, strict=True):
        assert seq.attrib[f"{OPS}textref"].split("#")[1] in content
        pars = list(seq.iter(f"{SMIL}par"))
        clips: list[tuple[float, float]] = []
        for par, sentence in zip(pars, chapter.sentences, strict=True):
            text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
            assert text is not None and audio is not None
            doc, fragment = text.attrib["src"].split("#")
            assert doc == "content.xhtml"
            assert "".join(content[fragment].itertext()) == xml_text(sentence.text)
            begin, end = (float(audio.attrib[k].removesuffix("s"))
                          for k in ("clipBegin", "clipEnd"))
            assert 0 <= begin < end <= lengths[audio.attrib["src"]]
            assert begin - 0.0006 <= sentence.begin < sentence.end <= end + 0.0006
            assert begin == (clips[-1][1] if clips else 0)  # each clip starts where one ended
            clips.append((begin, end))
            spoken.add(fragment)
        assert len(pars) == len(chapter.sentences)
        assert clips[-1][1] == pytest.approx(chapter.duration, abs=0.002)
    spans = {i for i, el in content.items() if el.tag == f"{H}span"}
    assert spans == spoken  # every sentence of the text is in the overlay, none twice


def test_headings_and_figures_follow_the_levels(built: tuple[TalkingBook, Path, Path]) -> None:
    book, _, path = built
    _, xml = _read(path)
    body = xml["EPUB/content.xhtml"].find(f"{H}body")
    assert body is not None
    level1 = [c for c in book.chapters if c.level == 1]
    photos = [c for c in book.chapters if c.kind is ChapterKind.PHOTO]
    assert len(body.findall(f"{H}h1")) == 1
    assert ["".join(h.itertext()) for h in body.iter(f"{H}h2")] == [
        xml_text(c.title) for c in level1]
    assert ["".join(h.itertext()) for h in body.iter(f"{H}h3")] == [
        xml_text(c.title) for c in photos]
    figures = list(body.iter(f"{H}figure"))
    assert len(figures) == len(photos)
    assert not list(body.iter(f"{H}img"))
    for figure, photo in zip(figures, photos, strict=True):
        caption = figure.find(f"{H}figcaption")
        assert caption is not None
        assert "".join(caption.itertext()) == " ".join(xml_text(s.text) for s in photo.sentences)


def _toc(path: Path) -> list[tuple[str, list[str]]]:
    _, xml = _read(path)
    nav = next(n for n in xml["EPUB/nav.xhtml"].iter(f"{H}nav") if n.attrib[f"{OPS}type"] == "toc")
    top = nav.find(f"{H}ol")
    assert top is not None
    ids = {el.attrib["id"] for el in xml["EPUB/content.xhtml"].iter() if "id" in el.attrib}
    entries = []
    for li in top.findall(f"{H}li"):
        links = list(li.iter(f"{H}a"))
        for a in links:
            assert a.attrib["href"].split("#")[1] in ids
        entries.append(("".join(links[0].itertext()), ["".join(a.itertext()) for a in links[1:]]))
    return entries


def _expected_toc(chapters: tuple[tuple[ChapterKind, str, tuple[str, ...]], ...]
                  ) -> list[tuple[str, list[str]]]:
    expected: list[tuple[str, list[str]]] = []
    for kind, title, _ in chapters:
        if kind is ChapterKind.PHOTO:
            expected[-1][1].append(xml_text(title))
        else:
            expected.append((xml_text(title), []))
    return expected


def test_the_nav_nests_each_storys_photos_under_it(built: tuple[TalkingBook, Path, Path]) -> None:
    assert _toc(built[2]) == _expected_toc(CHAPTERS)


def test_a_reordered_and_retitled_script_gives_the_new_nesting(tmp_path: Path) -> None:
    """A producer moves the first story (with its photos) after the second and retitles one."""
    k = ChapterKind
    chapters = (CHAPTERS[0], *CHAPTERS[4:6], (k.STORY, "Harbour: retitled", CHAPTERS[1][2]),
                CHAPTERS[3], CHAPTERS[2], CHAPTERS[7])
    book = make_book(tmp_path / "audio", chapters)
    path = tmp_path / "b.epub"
    write_epub(book, tmp_path / "audio", path)
    assert _toc(path) == _expected_toc(chapters)
    assert _toc(path)[2] == ("Harbour: retitled", [xml_text(CHAPTERS[3][1]), "Photo 1: ships"])


def test_the_bytes_are_deterministic_and_rewritten_only_on_change(tmp_path: Path) -> None:
    book = make_book(tmp_path / "audio")
    assert render_epub(book, tmp_path / "audio") == render_epub(book, tmp_path / "audio")
    path = tmp_path / "b.epub"
    assert write_epub(book, tmp_path / "audio", path)
    mtime = path.stat().st_mtime_ns
    assert not write_epub(book, tmp_path / "audio", path)
    assert path.stat().st_mtime_ns == mtime
    later = TalkingBook(book.title, book.date, book.language, book.author, book.publisher,
                        book.chapters, modified=dt.datetime(2024, 5, 15, 6, 30, tzinfo=dt.UTC))
    assert write_epub(later, tmp_path / "audio", path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        assert b"2024-05-15T06:30:00Z" in zf.read("EPUB/package.opf")
        assert {info.date_time for info in zf.infolist()} == {(2024, 5, 14, 0, 0, 0)}


def _zip_in_memory(book: TalkingBook, audio_dir: Path) -> bytes:
    """The EPUB as it was made before it was streamed: every MP3 read whole and stored with
    ``writestr``, the whole ZIP in memory."""
    when = book.date.timetuple()[:3]

    def entry(zf: zipfile.ZipFile, name: str, data: bytes, compress: bool) -> None:
        info = zipfile.ZipInfo(name, date_time=(*when, 0, 0, 0))
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        zf.writestr(info, data, compresslevel=9 if compress else None)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        entry(zf, "mimetype", b"application/epub+zip", False)
        for name, data in render_epub_files(book).items():
            entry(zf, name, data, True)
        if book.cover is not None:
            entry(zf, f"EPUB/{book.cover.name}", book.cover.data, False)
        for number, chapter in enumerate(book.chapters, 1):
            entry(zf, f"EPUB/audio/c{number:03d}.mp3", (audio_dir / chapter.audio).read_bytes(),
                  False)
    return buffer.getvalue()


def test_the_streamed_epub_has_the_bytes_of_one_made_in_memory(tmp_path: Path) -> None:
    """The MP3s are copied into the ZIP from their files block by block (the writer never holds
    one whole), and the file is byte for byte the ZIP made from the MP3s held in memory."""
    book = make_book(tmp_path / "audio", cover=default_cover("Briefing"))
    path = tmp_path / "b.epub"
    assert write_epub(book, tmp_path / "audio", path)
    assert path.read_bytes() == _zip_in_memory(book, tmp_path / "audio")
    assert render_epub(book, tmp_path / "audio") == path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert all(info.flag_bits & 0x08 == 0 for info in zf.infolist())  # no data descriptor


@settings(max_examples=40, deadline=None)
@given(title=printable_text, texts=st.lists(printable_text, min_size=1, max_size=3),
       author=st.sampled_from(["", "Desk & <Co>"]))
def test_any_text_gives_well_formed_files_that_say_it(title: str, texts: list[str],
                                                      author: str) -> None:
    files = render_epub_files(paper_book(title, tuple(texts), author=author))
    trees = {name: ET.fromstring(data) for name, data in files.items() if not name.endswith("css")}
    body = trees["EPUB/content.xhtml"]
    assert ["".join(h.itertext()) for h in body.iter(f"{H}h2")] == [xml_text(title)] * 3
    spans = ["".join(s.itertext()) for s in body.iter(f"{H}span")]
    assert spans == [xml_text(t) for t in texts] * 5
    creators = [c.text for c in trees["EPUB/package.opf"].iter(f"{DC}creator")]
    assert creators == ([xml_text(author)] if author else [])
