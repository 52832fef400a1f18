"""The DAISY 2.02 talking book: read back by daisy-dtb (an independent reader) and by a parser of
our own that follows every link and checks every clip against the real MP3."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from briefing.publish.daisy import CONTENT, NCC, place_audio, render_daisy, write_daisy
from briefing.publish.talking_book import (
    BookChapter,
    ChapterKind,
    Sentence,
    TalkingBook,
    TalkingBookError,
    xml_text,
)
from tests.conftest import REPO
from tests.talking_books import (
    CHAPTERS,
    make_book,
    make_chapter,
    paper_book,
    printable_text,
    skip_or_fail,
)

H = "{http://www.w3.org/1999/xhtml}"
REQUIRED_META = {
    "dc:title", "dc:creator", "dc:date", "dc:format", "dc:identifier", "dc:language",
    "dc:publisher", "ncc:charset", "ncc:depth", "ncc:files", "ncc:footnotes",
    "ncc:maxPageNormal", "ncc:multimediaType", "ncc:pageFront", "ncc:pageNormal",
    "ncc:pageSpecial", "ncc:prodNotes", "ncc:setInfo", "ncc:sidebars", "ncc:tocItems",
    "ncc:totalTime",
}
NPT = re.compile(r"npt=(\d+(?:\.\d+)?)s")
DAISY_VENV = REPO / ".ci" / "daisy-venv"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[TalkingBook, Path, Path]:
    root = tmp_path_factory.mktemp("daisy")
    book = make_book(root / "audio", narrator="espeak-ng & en-gb")
    assert write_daisy(book, root / "audio", root / "book")
    return book, root / "audio", root / "book"


def _seconds(clock: str) -> float:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _ids(tree: ET.Element) -> dict[str, ET.Element]:
    return {el.attrib["id"]: el for el in tree.iter() if "id" in el.attrib}


def _headings(folder: Path) -> list[ET.Element]:
    body = ET.parse(folder / NCC).getroot().find(f"{H}body")
    assert body is not None
    return list(body)


def test_ncc_has_the_required_metadata_and_one_heading_per_chapter_at_its_level(
        built: tuple[TalkingBook, Path, Path]) -> None:
    book, _, folder = built
    root = ET.parse(folder / NCC).getroot()
    meta = {m.attrib["name"]: m.attrib["content"] for m in root.iter(f"{H}meta")
            if "name" in m.attrib}
    assert meta.keys() >= REQUIRED_META
    assert meta["dc:format"] == "Daisy 2.02"
    assert meta["ncc:multimediaType"] == "audioFullText"
    assert meta["dc:title"] == xml_text(book.title) != book.title  # escaped, bell removed
    assert meta["ncc:depth"] == "2"
    assert meta["ncc:narrator"] == "espeak-ng & en-gb"
    assert meta["ncc:tocItems"] == str(len(CHAPTERS))
    files = {p.name for p in folder.iterdir()}
    assert meta["ncc:files"] == str(len(files))
    assert abs(_seconds(meta["ncc:totalTime"]) - book.played) <= 0.5
    headings = _headings(folder)
    assert [h.tag for h in headings] == [f"{H}h{c.level}" for c in book.chapters]
    assert sum(h.tag == f"{H}h1" for h in headings) == sum(
        kind is not ChapterKind.PHOTO for kind, _, _ in CHAPTERS)
    assert sum(h.tag == f"{H}h2" for h in headings) == sum(
        kind is ChapterKind.PHOTO for kind, _, _ in CHAPTERS)
    assert headings[0].attrib["class"] == "title"
    assert ["".join(h.itertext()) for h in headings] == [xml_text(c.title) for c in book.chapters]


def test_every_link_resolves_and_every_clip_is_its_sentence_inside_its_mp3(
        built: tuple[TalkingBook, Path, Path]) -> None:
    book, _, folder = built
    content = _ids(ET.parse(folder / CONTENT).getroot())
    for heading, chapter in zip(_headings(folder), book.chapters, strict=True):
        smil_name, fragment = heading[0].attrib["href"].split("#")
        smil = ET.parse(folder / smil_name).getroot()
        assert fragment in _ids(smil)
        meta = {m.attrib["name"]: m.attrib["content"] for m in smil.iter("meta")}
        assert meta["dc:title"] == xml_text(chapter.title)
        pars = list(smil.iter("par"))
        assert len(pars) == len(chapter.sentences)
        assert pars[0].find("text").attrib["id"] == fragment  # type: ignore[union-attr]
        clips = []
        for par, sentence in zip(pars, chapter.sentences, strict=True):
            text_src = par.find("text").attrib["src"]  # type: ignore[union-attr]
            target, text_id = text_src.split("#")
            assert target == CONTENT
            assert "".join(content[text_id].itertext()) == xml_text(sentence.text)
            audio = par.find("seq/audio")
            assert audio is not None
            begin = float(NPT.fullmatch(audio.attrib["clip-begin"])[1])  # type: ignore[index]
            end = float(NPT.fullmatch(audio.attrib["clip-end"])[1])  # type: ignore[index]
            assert begin - 0.0006 <= sentence.begin < sentence.end <= end + 0.0006
            clips.append((audio.attrib["src"], begin, end))
        length = MP3(folder / clips[0][0]).info.length
        assert {src for src, _, _ in clips} == {clips[0][0]}
        assert clips[0][1] == 0 and length - 0.002 < clips[-1][2] <= length
        assert all(a[2] == b[1] for a, b in itertools.pairwise(clips))  # no gap
        assert float(smil.find("body/seq").attrib["dur"][:-1]) == pytest.approx(  # type: ignore[union-attr]
            chapter.played, abs=0.001)


def test_the_chapter_mp3s_are_the_chapters_own_bytes(built: tuple[TalkingBook, Path, Path]
                                                     ) -> None:
    book, audio, folder = built
    for number, chapter in enumerate(book.chapters, 1):
        assert (folder / f"c{number:03d}.mp3").read_bytes() == (audio / chapter.audio).read_bytes()


def test_rewriting_is_incremental_and_a_shorter_book_leaves_no_stale_section(
        tmp_path: Path) -> None:
    book = make_book(tmp_path / "audio")
    folder = tmp_path / "book"
    assert write_daisy(book, tmp_path / "audio", folder)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert not write_daisy(book, tmp_path / "audio", folder)
    assert mtimes == {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    # a producer drops the last two chapters and retitles the first story
    chapters = (*CHAPTERS[:1], (ChapterKind.STORY, "Retitled", CHAPTERS[1][2]), *CHAPTERS[2:6])
    shorter = make_book(tmp_path / "audio2", chapters)
    assert write_daisy(shorter, tmp_path / "audio2", folder)
    names = {p.name for p in folder.iterdir()}
    assert names == {NCC, CONTENT} | {f"c{n:03d}.{e}" for n in range(1, 7) for e in ("smil", "mp3")}
    assert "Retitled" in (folder / NCC).read_text(encoding="utf-8")
    assert (folder / "c002.mp3").read_bytes() == (
        tmp_path / "audio2" / shorter.chapters[1].audio).read_bytes()


def test_rendering_is_deterministic_and_escapes_every_title(tmp_path: Path) -> None:
    book = make_book(tmp_path / "audio")
    first, second = render_daisy(book), render_daisy(book)
    assert first == second
    for name, data in first.items():
        ET.fromstring(data)  # well-formed XML despite the hostile titles
        assert b"<chips>" not in data, name


def test_a_photo_must_follow_a_story(tmp_path: Path) -> None:
    opening = make_chapter(tmp_path, "1.mp3", ChapterKind.OPENING, "Opening", ("Hello there.",))
    photo = make_chapter(tmp_path, "2.mp3", ChapterKind.PHOTO, "Photo", ("A photo.",))
    good = make_book(tmp_path / "audio")
    with pytest.raises(TalkingBookError, match="photo that follows no story"):
        TalkingBook(good.title, good.date, "en", "a", "p", (opening, photo))
    with pytest.raises(TalkingBookError, match="photo that follows no story"):
        TalkingBook(good.title, good.date, "en", "a", "p", (photo,))


def test_a_sentence_past_its_audio_is_refused(tmp_path: Path) -> None:
    good = make_book(tmp_path / "audio")
    chapter = good.chapters[0]
    late = type(chapter.sentences[0])("Too late.", chapter.duration, chapter.duration + 1)
    broken = type(chapter)(chapter.kind, chapter.title, chapter.audio, chapter.duration,
                           (*chapter.sentences, late))
    with pytest.raises(TalkingBookError, match="after the audio"):
        TalkingBook(good.title, good.date, "en", "a", "p", (broken,))


# daisy-dtb ------------------------------------------------------------------------------------

READER = """
import json, sys
from daisy_dtb import DaisyBook, FolderDtbSource
book = DaisyBook(FolderDtbSource(sys.argv[1] + "/"))
print(json.dumps({
    "title": book.title,
    "depth": book.navigation_depth,
    "entries": [{"level": e.level, "text": e.text,
                 "sentences": [s.text.content for s in e.sections],
                 "clips": [[c.src, c.begin, c.end] for s in e.sections for c in s.clips]}
                for e in book.toc_entries],
}))
"""


def _python312() -> str | None:
    candidates = [os.environ.get("BRIEFING_PYTHON312", ""), "python3.12",
                  *sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))]
    for candidate in filter(None, candidates):
        try:
            subprocess.run([candidate, "-c", "import venv"], check=True, capture_output=True,
                           timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        return candidate
    return None


@pytest.fixture(scope="session")
def daisy_python() -> Path:
    """A Python 3.12 with daisy-dtb and chardet<6, in its own venv (cached in .ci/)."""
    python = DAISY_VENV / "bin" / "python"
    probe = [str(python), "-c", "import daisy_dtb"]
    if python.is_file() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    interpreter = _python312()
    if interpreter is None:
        skip_or_fail("daisy-dtb needs Python 3.12 and python3.12 is not on PATH")
    try:
        subprocess.run([interpreter, "-m", "venv", "--clear", str(DAISY_VENV)], check=True,
                       capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "daisy-dtb==0.0.17",
                        "chardet<6"], check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        skip_or_fail(f"could not install daisy-dtb: {exc}")
    return python


def test_daisy_dtb_reads_the_title_two_levels_and_every_chapter(
        built: tuple[TalkingBook, Path, Path], daisy_python: Path) -> None:
    book, _, folder = built
    done = subprocess.run([str(daisy_python), "-c", READER, str(folder)], capture_output=True,
                          text=True, timeout=120, check=True)
    read = json.loads(done.stdout)
    assert read["title"] == xml_text(book.title)
    assert read["depth"] == 2
    assert [(e["level"], e["text"]) for e in read["entries"]] == [
        (c.level, xml_text(c.title)) for c in book.chapters]
    for number, (entry, chapter) in enumerate(zip(read["entries"], book.chapters, strict=True), 1):
        assert entry["sentences"] == [xml_text(s.text) for s in chapter.sentences]
        assert entry["clips"] == [[f"c{number:03d}.mp3", begin / 1000, end / 1000]
                                  for begin, end in chapter.clips()]
        assert sum(end - begin for _, begin, end in entry["clips"]) == pytest.approx(
            chapter.duration, abs=0.002)


@settings(max_examples=40, deadline=None)
@given(title=printable_text, texts=st.lists(printable_text, min_size=1, max_size=3))
def test_any_text_gives_well_formed_files_that_say_it(title: str, texts: list[str]) -> None:
    book = paper_book(title, tuple(texts), author=title)
    files = render_daisy(book)
    headings = list(ET.fromstring(files[NCC]).find(f"{H}body"))  # type: ignore[arg-type]
    assert ["".join(h.itertext()) for h in headings] == [xml_text(title)] * 5
    assert [h.tag[len(H):] for h in headings] == ["h1", "h1", "h2", "h2", "h1"]
    spans = [el for el in ET.fromstring(files[CONTENT]).iter(f"{H}span")]
    assert ["".join(s.itertext()) for s in spans] == [xml_text(t) for t in texts] * 5
    for name, data in files.items():
        if name.endswith(".smil"):
            meta = {m.attrib["name"]: m.attrib["content"] for m in ET.fromstring(data).iter("meta")}
            assert meta["dc:title"] == xml_text(title)


@settings(max_examples=100, deadline=None)
@given(gaps=st.lists(st.tuples(st.floats(0, 3), st.floats(0.001, 5)), min_size=1, max_size=8),
       tail=st.floats(0, 2))
def test_clips_play_the_whole_chapter_and_each_holds_its_sentence(
        gaps: list[tuple[float, float]], tail: float) -> None:
    sentences, now = [], 0.0
    for pause, speech in gaps:
        sentences.append(Sentence("Words.", now + pause, now + pause + speech))
        now += pause + speech
    chapter = BookChapter(ChapterKind.STORY, "Story", "a.mp3", now + tail, tuple(sentences))
    chapter.check(1)
    clips = chapter.clips()
    assert clips[0][0] == 0
    assert clips[-1][1] == max(math.floor(round(chapter.duration * 1000, 6)), clips[-1][0] + 1)
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(clips))
    for (begin, end), sentence in zip(clips, sentences, strict=True):
        # within rounding to ms (the last clip ends at the audio's end, rounded down)
        assert begin / 1000 - 0.0006 <= sentence.begin and sentence.end < end / 1000 + 0.001


def test_audio_is_copied_where_hard_links_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    source = tmp_path / "chapter.mp3"
    source.write_bytes(b"ID3 first edition")

    def no_links(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "book" / "c001.mp3"
    target.parent.mkdir()
    assert place_audio(source, target)
    assert target.read_bytes() == source.read_bytes()
    assert target.stat().st_ino != source.stat().st_ino
    assert not place_audio(source, target)
    source.write_bytes(b"ID3 second edition")
    assert place_audio(source, target)
    assert target.read_bytes() == b"ID3 second edition"
    assert [p.name for p in target.parent.iterdir()] == ["c001.mp3"]  # no temporary file left
