"""A DAISY 2.02 talking book of one date: the format blind readers' players have read since 2001.

No library writes DAISY 2.02 (DAISY Pipeline 2 converts from DTBook or EPUB and is a Java
server), and the format is small: an NCC (an XHTML file whose ``h1``..``h6`` headings are the
navigation, each linking to a SMIL file), one SMIL 1.0 file per section pairing each sentence's
text with its audio clip, a text content file (full text and audio: players that show text
highlight the sentence being played) and the audio. So it is written here from Jinja2 templates
with autoescaping (XML-invalid characters removed first, any other non-ASCII character written
as a character reference, which readers that guess the charset cannot misread). Level-1 chapters
(opening, stories, closing) are ``h1`` and photo descriptions ``h2``, so a player's "next
heading at level 1" steps from story to story past the photos. Each sentence's clip runs to
where the next begins (:meth:`~briefing.publish.talking_book.BookChapter.clips`), so the pauses
are played too. The chapter MP3s are hard-linked (copied where links fail) into the book's
folder, never re-encoded. Every file is written atomically and only when its bytes change, and
files of an older edition of the book that it no longer has are removed.
"""

from __future__ import annotations

import filecmp
import logging
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from briefing.fsutil import atomic_path, write_if_changed
from briefing.publish.talking_book import (
    BookChapter,
    TalkingBook,
    audio_name,
    chapter_id,
    clock,
    sentence_id,
    xml_text,
)

log = logging.getLogger(__name__)

NCC = "ncc.html"
CONTENT = "content.html"
GENERATOR = "briefing"

_OWN_FILE = re.compile(r"c\d{3,}\.(smil|mp3)")
"""The names of a book's section files, which a newer edition may no longer have."""

_XHTML_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{{ book.language }}" \
lang="{{ book.language }}">
<head>
<meta http-equiv="Content-type" content="text/html; charset=utf-8"/>
<title>{{ book.title | x }}</title>
"""

_NCC = _XHTML_HEAD + """\
{%- for name, content, scheme in meta %}
<meta name="{{ name }}" content="{{ content | x }}"\
{% if scheme %} scheme="{{ scheme }}"{% endif %}/>
{%- endfor %}
</head>
<body>
{%- for c in chapters %}
<h{{ c.level }}{% if loop.first %} class="title"{% endif %} id="{{ c.id }}">\
<a href="{{ c.smil }}#{{ c.first_text }}">{{ c.title | x }}</a></h{{ c.level }}>
{%- endfor %}
</body>
</html>
"""

_CONTENT = _XHTML_HEAD + """\
<meta name="dc:title" content="{{ book.title | x }}"/>
<meta name="dc:identifier" content="{{ book.uid | x }}"/>
<meta name="dc:format" content="Daisy 2.02"/>
</head>
<body>
{%- for c in chapters %}
<h{{ c.level }} id="{{ c.id }}">{{ c.title | x }}</h{{ c.level }}>
<p>{% for s in c.sentences %}<span id="{{ s.id }}">{{ s.text | x }}</span>\
{% if not loop.last %} {% endif %}{% endfor %}</p>
{%- endfor %}
</body>
</html>
"""

_SMIL = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">
<smil>
<head>
<meta name="dc:format" content="Daisy 2.02"/>
<meta name="dc:title" content="{{ c.title | x }}"/>
<meta name="dc:identifier" content="{{ book.uid | x }}"/>
<meta name="ncc:generator" content="{{ generator }}"/>
<meta name="ncc:totalElapsedTime" content="{{ c.elapsed }}"/>
<meta name="ncc:timeInThisSmil" content="{{ c.time }}"/>
<layout>
<region id="txtView"/>
</layout>
</head>
<body>
<seq dur="{{ c.dur }}">
{%- for s in c.sentences %}
<par endsync="last" id="{{ s.par }}">
<text src="{{ content }}#{{ s.id }}" id="{{ s.text_id }}"/>
<seq id="{{ s.seq }}">
<audio src="{{ c.audio }}" clip-begin="npt={{ s.begin }}s" clip-end="npt={{ s.end }}s" \
id="{{ s.audio_id }}"/>
</seq>
</par>
{%- endfor %}
</seq>
</body>
</smil>
"""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["x"] = xml_text
    return env


def smil_name(number: int) -> str:
    """The SMIL file of chapter ``number`` (1-based)."""
    return f"{chapter_id(number)}.smil"


def text_id(number: int, sentence: int) -> str:
    """The id of a sentence's ``text`` element in its SMIL file (unique there)."""
    return f"t{number:03d}_{sentence:03d}"


def _chapter_view(book: TalkingBook, number: int, chapter: BookChapter,
                  elapsed: float) -> dict[str, Any]:
    sentences = [
        {"id": sentence_id(number, k), "text": s.text, "par": f"p{number:03d}_{k:03d}",
         "text_id": text_id(number, k), "seq": f"q{number:03d}_{k:03d}",
         "audio_id": f"a{number:03d}_{k:03d}",
         "begin": f"{begin / 1000:.3f}", "end": f"{end / 1000:.3f}"}
        for k, (s, begin, end) in enumerate(chapter.timed(), 1)
    ]
    return {
        "id": chapter_id(number), "level": chapter.level, "title": chapter.title,
        "smil": smil_name(number), "first_text": text_id(number, 1),
        "audio": audio_name(number), "sentences": sentences,
        "elapsed": clock(elapsed, fraction=False), "time": clock(chapter.played, fraction=False),
        "dur": f"{chapter.played:.3f}s",
    }


def _meta(book: TalkingBook, files: int) -> list[tuple[str, str, str]]:
    narrator = [("ncc:narrator", book.narrator, "")] if xml_text(book.narrator) else []
    return [
        ("dc:title", book.title, ""),
        ("dc:creator", book.author, ""),
        ("dc:date", book.date.isoformat(), "yyyy-mm-dd"),
        ("dc:format", "Daisy 2.02", ""),
        ("dc:identifier", book.uid, ""),
        ("dc:language", book.language, "ISO 639"),
        ("dc:publisher", book.publisher, ""),
        ("ncc:charset", "utf-8", ""),
        ("ncc:depth", str(book.depth), ""),
        ("ncc:files", str(files), ""),
        ("ncc:footnotes", "0", ""),
        ("ncc:generator", GENERATOR, ""),
        ("ncc:maxPageNormal", "0", ""),
        ("ncc:multimediaType", "audioFullText", ""),
        *narrator,
        ("ncc:pageFront", "0", ""),
        ("ncc:pageNormal", "0", ""),
        ("ncc:pageSpecial", "0", ""),
        ("ncc:prodNotes", "0", ""),
        ("ncc:producer", book.publisher, ""),
        ("ncc:setInfo", "1 of 1", ""),
        ("ncc:sidebars", "0", ""),
        ("ncc:tocItems", str(len(book.chapters)), ""),
        ("ncc:totalTime", clock(book.played, fraction=False), ""),
    ]


def render_daisy(book: TalkingBook) -> dict[str, bytes]:
    """The text files of ``book``'s DAISY 2.02 edition (NCC, content, SMILs) by file name."""
    env = _environment()
    chapters = []
    elapsed = 0.0
    for number, chapter in enumerate(book.chapters, 1):
        chapters.append(_chapter_view(book, number, chapter, elapsed))
        elapsed += chapter.played
    files = 2 + 2 * len(chapters)
    common = {"book": book, "chapters": chapters, "content": CONTENT, "generator": GENERATOR}
    out = {
        NCC: env.from_string(_NCC).render(common, meta=_meta(book, files)),
        CONTENT: env.from_string(_CONTENT).render(common),
    }
    smil = env.from_string(_SMIL)
    for view in chapters:
        out[view["smil"]] = smil.render(common, c=view)
    # non-ASCII as character references: the bytes are still the UTF-8 they declare, and
    # readers that guess the charset (daisy-dtb's chardet took a dash for Windows-1252) or
    # ignore it read the same text
    return {name: text.encode("ascii", "xmlcharrefreplace") for name, text in out.items()}


def place_audio(source: Path, target: Path) -> bool:
    """Put ``source``'s bytes at ``target`` (a hard link, else a copy), atomically.

    Returns whether ``target`` changed; a target that already holds the same bytes is kept.
    """
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return False
    with atomic_path(target) as tmp:
        tmp.unlink()
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
    return True


def _remove_stale(folder: Path, keep: Iterable[str]) -> None:
    wanted = set(keep)
    for path in folder.iterdir():
        if _OWN_FILE.fullmatch(path.name) and path.name not in wanted:
            log.info("removing %s: the book no longer has it", path)
            path.unlink(missing_ok=True)


def write_daisy(book: TalkingBook, audio_dir: Path, folder: Path) -> bool:
    """Write ``book`` as a DAISY 2.02 book into ``folder`` (created when missing).

    The chapter MP3s are read from ``audio_dir`` (each :attr:`BookChapter.audio` is relative to
    it).  Returns whether any file was written or removed.  The NCC is written last, so a
    player never finds an NCC whose SMIL files are missing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    changed = False
    for number, chapter in enumerate(book.chapters, 1):
        changed |= place_audio(audio_dir / chapter.audio, folder / audio_name(number))
    files = render_daisy(book)
    for name, data in sorted(files.items(), key=lambda item: item[0] == NCC):
        changed |= write_if_changed(folder / name, data)
    before = {path.name for path in folder.iterdir()}
    keep = [*files, *(audio_name(n) for n in range(1, len(book.chapters) + 1))]
    _remove_stale(folder, keep)
    changed |= before != {path.name for path in folder.iterdir()}
    if changed:
        log.info("wrote the DAISY 2.02 book %s", folder)
    return changed
