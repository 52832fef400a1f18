"""Render the narration script of a date (``scripts/<YYYY-MM-DD>.md``) from its articles.

The script is Markdown a producer edits (format: ``docs/script-format.md``).  Article text is
only ever a value passed to the templates: it is never evaluated as a template, and it is escaped
so that it cannot change the script's structure (a caption starting with ``## `` is not a
chapter).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from briefing.chapters import ChapterKind, ChapterRole, format_marker
from briefing.templating import environment
from briefing.text.article import Article, Photo, split_sentences
from briefing.text.dates import say_date
from briefing.text.describe import describe_photo, short_title
from briefing.text.editorial import credits_sentence, rundown_headline
from briefing.text.markup import escape, escape_comment, plain
from briefing.text.numbering import photos_intro, summary_sentence

log = logging.getLogger(__name__)

TEMPLATE_NAME = "script.md.j2"


OPENING_MARKER = format_marker(ChapterRole(ChapterKind.OPENING))
CLOSING_MARKER = format_marker(ChapterRole(ChapterKind.CLOSING))


# --------------------------------------------------------------------------- escaping

def md_escape(text: str) -> str:
    """Escape article text so it reads back as the same words and never as script structure.

    :func:`briefing.text.markup.escape`: the exact inverse of the script reader, for every markup
    it knows (headings, pauses in any case, comments, links, emphasis, list markers).
    """
    return escape(text)


def md_heading(text: str) -> str:
    """Escape a chapter title for a ``## `` heading line."""
    return escape(text)


def yaml_str(value: object) -> str:
    """A YAML double-quoted scalar on one line (JSON strings are valid YAML; the line breaks
    YAML knows beyond JSON's, U+0085, U+2028 and U+2029, are escaped too)."""
    import json

    text = json.dumps(str(value), ensure_ascii=False)
    return text.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


_FILTERS = (("md", md_escape), ("md_heading", md_heading), ("comment", escape_comment),
            ("yaml_str", yaml_str))


def make_environment(workspace: Path | None = None) -> jinja2.Environment:
    """The jinja2 environment for narration templates (StrictUndefined, Markdown filters,
    no autoescaping: :func:`briefing.templating.environment`)."""
    return environment(workspace, autoescape=False, filters=_FILTERS)


# --------------------------------------------------------------------------- view model

@dataclass(frozen=True)
class PhotoView:
    """What the template needs of one photo."""

    number: int
    total: int
    chapter_title: str
    description: str
    marker: str
    """The heading's chapter marker (``<!-- kind: photo of story 1 -->``)."""


@dataclass(frozen=True)
class StoryView:
    """What the template needs of one story."""

    number: int
    headline: str
    chapter_title: str
    paragraphs: tuple[str, ...]
    photos: tuple[PhotoView, ...]
    photos_intro: str
    marker: str
    """The heading's chapter marker (``<!-- kind: story 1 -->``)."""


@dataclass(frozen=True)
class BriefingView:
    """What the template needs of one date's briefing."""

    date: str
    said_date: str
    title: str
    voice: str
    rate: int
    lang: str
    sources: tuple[str, ...]
    """The articles' file names, safe inside a ``<!-- -->`` comment (not for spoken text)."""
    summary_sentence: str
    stories: tuple[StoryView, ...]
    credits_sentence: str
    photo_voice: str | None = None
    """The second voice of photo descriptions (front matter only when set)."""
    photo_rate: int | None = None
    programme: str | None = None
    """The programme's name (setting ``programme``), said in the opening and the closing."""
    opening_sentence: str = ""
    """"This is <programme or your news briefing> for <the date>." (the date, once in full)."""
    rundown: tuple[str, ...] = ()
    """The opening's line for each story ("Story 1: ...", "And story 2: ..."), without the
    stories whose text starts with their headline when saying it would repeat it
    (:func:`briefing.text.editorial.rundown_headline`)."""
    closing_sentence: str = ""
    """"That was <programme>." or "That is the end of your news briefing."."""
    opening_marker: str = OPENING_MARKER
    closing_marker: str = CLOSING_MARKER


def _unique(title: str, taken: set[str]) -> str:
    title = plain(title)  # as the reader will see it, so titles it compares are unique
    candidate, n = title, 2
    while candidate.lower() in taken:
        candidate = f"{title} ({n})"
        n += 1
    taken.add(candidate.lower())
    return candidate


def _rundown(articles: Sequence[Article]) -> tuple[str, ...]:
    """The opening's line for each story (see :attr:`BriefingView.rundown`)."""
    said: list[tuple[int, str]] = []
    for number, article in enumerate(articles, start=1):
        first = split_sentences(article.paragraphs[0])[:1] if article.paragraphs else []
        headline = rundown_headline(article.headline, first[0] if first else "",
                                    alone=len(articles) == 1)
        if headline:
            said.append((number, headline))
    return tuple(f"{'And story' if i == len(said) - 1 and i else 'Story'} {n}: {h}"
                 + ("" if h.endswith((".", "!", "?", "…")) else ".")
                 for i, (n, h) in enumerate(said))


def build_view(day: dt.date, articles: Sequence[Article], *, voice: str, rate: int,
               lang: str = "en", photo_voice: str | None = None,
               photo_rate: int | None = None, programme: str | None = None) -> BriefingView:
    """Arrange a date's articles for the script template."""
    taken = {"opening", "closing"}
    stories: list[StoryView] = []
    all_photos: list[Photo] = []
    for number, article in enumerate(articles, start=1):
        story_title = _unique(f"Story {number}: {short_title(article.headline, 9)}", taken)
        total = len(article.photos)
        photos = tuple(
            PhotoView(
                number=i,
                total=total,
                chapter_title=_unique(f"Photo {i}: {short_title(p.caption)}", taken),
                description=describe_photo(p, i, total, day),
                marker=format_marker(ChapterRole(ChapterKind.PHOTO, number)),
            )
            for i, p in enumerate(article.photos, start=1)
        )
        all_photos.extend(article.photos)
        intro = photos_intro(total) if total else ""
        stories.append(StoryView(number, article.headline, story_title, article.paragraphs,
                                 photos, intro,
                                 format_marker(ChapterRole(ChapterKind.STORY, number))))
    summary = summary_sentence(len(stories), len(all_photos))
    said = say_date(day)
    return BriefingView(
        date=day.isoformat(),
        said_date=said,
        title=f"{programme or 'News briefing'}, {said}",
        voice=voice,
        rate=rate,
        lang=lang,
        sources=tuple(escape_comment(a.source.name) for a in articles),
        summary_sentence=summary,
        stories=tuple(stories),
        credits_sentence=credits_sentence(all_photos),
        photo_voice=photo_voice,
        photo_rate=photo_rate,
        programme=programme,
        opening_sentence=f"This is {programme or 'your news briefing'} for {said}.",
        rundown=_rundown(articles),
        closing_sentence=(f"That was {programme}." if programme
                          else "That is the end of your news briefing."),
    )


def render_script(day: dt.date, articles: Sequence[Article], *, voice: str, rate: int,
                  lang: str = "en", workspace: Path | None = None,
                  photo_voice: str | None = None, photo_rate: int | None = None,
                  programme: str | None = None) -> str:
    """The narration script of ``day`` as Markdown text (``photo_voice`` and ``photo_rate`` go
    into its front matter only when set; ``programme`` names the programme in the opening,
    the closing and the title)."""
    view = build_view(day, articles, voice=voice, rate=rate, lang=lang,
                      photo_voice=photo_voice, photo_rate=photo_rate, programme=programme)
    template = make_environment(workspace).get_template(TEMPLATE_NAME)
    text = template.render(briefing=view)
    return re.sub(r"\n{3,}", "\n\n", text)
