"""An EPUB 3 talking book of one date: text and narration synchronised by media overlays.

Thorium, Apple Books' "read aloud" and Readium-based apps play an EPUB 3's media overlays: each
sentence of the text is highlighted while its audio clip plays, and the reader navigates by the
nav document's table of contents.  The EPUB libraries on PyPI write neither media overlays nor
the accessibility metadata, and the package is a handful of small XML files, so it is written
here from Jinja2 templates with autoescaping (XML-invalid characters removed first):

* one XHTML content document: the book's title as ``h1``, each level-1 chapter a ``section`` with
  an ``h2``, each photo description a ``section`` with an ``h3`` inside its story's section,
  its description as a ``figure``'s ``figcaption`` (there is no image: the description is the
  content, so nothing needs alternative text);
* a nav document whose table of contents nests the photos under their story;
* one SMIL overlay pairing every sentence (by id) with its clip of the chapter's MP3 (from its
  start to the next sentence's, so the pauses are played too), the MP3s
  themselves (``audio/mpeg`` is a core media type: no fallback needed) and the cover;
* the package document with ``media:duration`` per overlay and in total (the sum of the clips a
  reader plays: the chapters' audio) and the EPUB Accessibility metadata.

The ZIP is deterministic: fixed entry order, times (the book's date) and permissions, so the
same book gives the same bytes and :func:`write_epub` rewrites the file only when it changes.
"""

from __future__ import annotations

import io
import logging
import shutil
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import jinja2

from briefing.fsutil import write_stream_if_changed
from briefing.publish.talking_book import (
    TalkingBook,
    audio_name,
    chapter_id,
    clock,
    sentence_id,
    xml_text,
)

log = logging.getLogger(__name__)

ROOT = "EPUB"
CONTENT = "content.xhtml"
NAV = "nav.xhtml"
OVERLAY = "content.smil"
STYLE = "style.css"
ACTIVE_CLASS = "mo-active"
"""The class a reader gives the sentence being played (``media:active-class``)."""

SUMMARY = (
    "The full text of the briefing with its narration: every sentence is synchronised with its "
    "audio (media overlays). Photos are given as text descriptions, which are narrated too. "
    "The table of contents lists the stories, with each story's photo descriptions nested "
    "under it, so a reader can move from story to story and skip the photos."
)

_CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="{root}/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""

_CSS = f"""section.photo {{ margin-left: 1.5em; }}
figure {{ margin: 0; }}
.{ACTIVE_CLASS} {{ background-color: #ffe680; color: #000000; }}
"""

_OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" \
xml:lang="{{ book.language }}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="pub-id">{{ book.uid | x }}</dc:identifier>
<dc:title>{{ book.title | x }}</dc:title>
<dc:language>{{ book.language }}</dc:language>
{%- if book.author | x %}
<dc:creator>{{ book.author | x }}</dc:creator>
{%- endif %}
{%- if book.publisher | x %}
<dc:publisher>{{ book.publisher | x }}</dc:publisher>
{%- endif %}
<dc:date>{{ book.date.isoformat() }}</dc:date>
<meta property="dcterms:modified">{{ modified }}</meta>
<meta property="media:duration" refines="#mo">{{ duration }}</meta>
<meta property="media:duration">{{ duration }}</meta>
<meta property="media:active-class">{{ active }}</meta>
{%- if book.narrator | x %}
<meta property="media:narrator">{{ book.narrator | x }}</meta>
{%- endif %}
<meta property="schema:accessMode">textual</meta>
<meta property="schema:accessMode">auditory</meta>
<meta property="schema:accessModeSufficient">textual</meta>
<meta property="schema:accessModeSufficient">auditory</meta>
<meta property="schema:accessModeSufficient">textual,auditory</meta>
{%- for feature in features %}
<meta property="schema:accessibilityFeature">{{ feature }}</meta>
{%- endfor %}
<meta property="schema:accessibilityHazard">none</meta>
<meta property="schema:accessibilitySummary">{{ summary }}</meta>
{%- if book.cover %}
<meta name="cover" content="cover"/>
{%- endif %}
</metadata>
<manifest>
<item id="nav" href="{{ nav }}" media-type="application/xhtml+xml" properties="nav"/>
<item id="content" href="{{ content }}" media-type="application/xhtml+xml" media-overlay="mo"/>
<item id="mo" href="{{ overlay }}" media-type="application/smil+xml"/>
<item id="style" href="{{ style }}" media-type="text/css"/>
{%- if book.cover %}
<item id="cover" href="{{ book.cover.name }}" media-type="{{ book.cover.mime }}" \
properties="cover-image"/>
{%- endif %}
{%- for c in chapters %}
<item id="audio-{{ c.id }}" href="audio/{{ c.audio }}" media-type="audio/mpeg"/>
{%- endfor %}
</manifest>
<spine>
<itemref idref="content"/>
</spine>
</package>
"""

_XHTML_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{{ book.language }}" xml:lang="{{ book.language }}">
<head>
<meta charset="utf-8"/>
<title>{{ book.title | x }}</title>
<link rel="stylesheet" type="text/css" href="{{ style }}"/>
</head>
"""

_CONTENT = _XHTML_HEAD + """<body>
<h1>{{ book.title | x }}</h1>
{%- macro sentences(c) -%}
{% for s in c.sentences %}<span id="{{ s.id }}">{{ s.text | x }}</span>\
{% if not loop.last %} {% endif %}{% endfor %}
{%- endmacro %}
{%- for c, photos in sections %}
<section id="{{ c.id }}" class="{{ c.kind }}" aria-labelledby="{{ c.id }}-h">
<h2 id="{{ c.id }}-h">{{ c.title | x }}</h2>
<p>{{ sentences(c) }}</p>
{%- for p in photos %}
<section id="{{ p.id }}" class="photo" aria-labelledby="{{ p.id }}-h">
<h3 id="{{ p.id }}-h">{{ p.title | x }}</h3>
<figure aria-labelledby="{{ p.id }}-h">
<figcaption>{{ sentences(p) }}</figcaption>
</figure>
</section>
{%- endfor %}
</section>
{%- endfor %}
</body>
</html>
"""

_NAV = _XHTML_HEAD + """<body>
<nav epub:type="toc" id="toc">
<h1>Contents</h1>
<ol>
{%- for c, photos in sections %}
<li><a href="{{ content }}#{{ c.id }}">{{ c.title | x }}</a>
{%- if photos %}
<ol>
{%- for p in photos %}
<li><a href="{{ content }}#{{ p.id }}">{{ p.title | x }}</a></li>
{%- endfor %}
</ol>
{%- endif -%}
</li>
{%- endfor %}
</ol>
</nav>
<nav epub:type="landmarks" id="landmarks" hidden="hidden">
<h1>Landmarks</h1>
<ol>
<li><a epub:type="bodymatter" href="{{ content }}#{{ sections[0][0].id }}">Start</a></li>
</ol>
</nav>
</body>
</html>
"""

_SMIL = """<?xml version="1.0" encoding="utf-8"?>
<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">
<body>
{%- for c in chapters %}
<seq id="mo-{{ c.id }}" epub:textref="{{ content }}#{{ c.id }}">
{%- for s in c.sentences %}
<par id="mo-{{ s.id }}">
<text src="{{ content }}#{{ s.id }}"/>
<audio src="audio/{{ c.audio }}" clipBegin="{{ s.begin }}s" clipEnd="{{ s.end }}s"/>
</par>
{%- endfor %}
</seq>
{%- endfor %}
</body>
</smil>
"""

FEATURES = ("synchronizedAudioText", "alternativeText", "structuralNavigation",
            "tableOfContents", "readingOrder")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["x"] = xml_text
    return env


def _views(book: TalkingBook) -> list[dict[str, Any]]:
    return [
        {"id": chapter_id(number), "kind": chapter.kind.value, "title": chapter.title,
         "audio": audio_name(number), "level": chapter.level,
         "sentences": [{"id": sentence_id(number, k), "text": s.text,
                        "begin": f"{begin / 1000:.3f}", "end": f"{end / 1000:.3f}"}
                       for k, (s, begin, end) in enumerate(chapter.timed(), 1)]}
        for number, chapter in enumerate(book.chapters, 1)
    ]


def _sections(views: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    sections: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for view in views:
        if view["level"] == 1:
            sections.append((view, []))
        else:
            sections[-1][1].append(view)
    return sections


def render_epub_files(book: TalkingBook) -> dict[str, bytes]:
    """The text files of ``book``'s EPUB by their path in the ZIP, in the order written."""
    env = _environment()
    views = _views(book)
    common = {
        "book": book, "chapters": views, "sections": _sections(views), "content": CONTENT,
        "nav": NAV, "overlay": OVERLAY, "style": STYLE, "active": ACTIVE_CLASS,
        "features": FEATURES, "summary": SUMMARY,
        "modified": book.modified_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": clock(book.played),
    }
    texts = {
        "META-INF/container.xml": _CONTAINER.format(root=ROOT),
        f"{ROOT}/package.opf": env.from_string(_OPF).render(common),
        f"{ROOT}/{NAV}": env.from_string(_NAV).render(common),
        f"{ROOT}/{CONTENT}": env.from_string(_CONTENT).render(common),
        f"{ROOT}/{OVERLAY}": env.from_string(_SMIL).render(common),
        f"{ROOT}/{STYLE}": _CSS,
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def _info(name: str, when: tuple[int, ...], compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(when[0], when[1], when[2], 0, 0, 0))
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return info


def _entry(zf: zipfile.ZipFile, name: str, data: bytes, when: tuple[int, ...],
           compress: bool) -> None:
    zf.writestr(_info(name, when, compress), data, compresslevel=9 if compress else None)


def _copy_entry(zf: zipfile.ZipFile, name: str, source: Path, when: tuple[int, ...]) -> None:
    """Store ``source`` in the ZIP as ``name``, streamed block by block (a chapter's MP3 is
    never read whole); the bytes are the same as :func:`_entry`'s for the same data."""
    info = _info(name, when, compress=False)
    info.file_size = source.stat().st_size
    with source.open("rb") as src, zf.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, COPY_BLOCK)


COPY_BLOCK = 256 * 1024
"""Bytes of an MP3 copied into the EPUB at a time."""


def stream_epub(book: TalkingBook, audio_dir: Path, out: BinaryIO) -> None:
    """Write the EPUB to the seekable file ``out``; the chapter MP3s are streamed from
    ``audio_dir``, so memory holds the text files and one block of audio, however long the
    book."""
    when = book.date.timetuple()[:3]
    with zipfile.ZipFile(out, "w") as zf:
        _entry(zf, "mimetype", b"application/epub+zip", when, compress=False)
        for name, data in render_epub_files(book).items():
            _entry(zf, name, data, when, compress=True)
        if book.cover is not None:
            _entry(zf, f"{ROOT}/{book.cover.name}", book.cover.data, when, compress=False)
        for number, chapter in enumerate(book.chapters, 1):
            _copy_entry(zf, f"{ROOT}/audio/{audio_name(number)}", audio_dir / chapter.audio,
                        when)


def render_epub(book: TalkingBook, audio_dir: Path) -> bytes:
    """The EPUB's bytes (:func:`stream_epub` into memory)."""
    buffer = io.BytesIO()
    stream_epub(book, audio_dir, buffer)
    return buffer.getvalue()


def write_epub(book: TalkingBook, audio_dir: Path, path: Path) -> bool:
    """Write ``book`` as an EPUB 3 to ``path``, atomically, streamed to a temporary file
    beside it; returns whether the file changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    changed = write_stream_if_changed(path, lambda out: stream_epub(book, audio_dir, out))
    if changed:
        log.info("wrote the EPUB %s", path)
    return changed
