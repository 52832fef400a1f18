"""Photo numbers and counts said in a script, computed from the script itself when it is read.

The generator writes the numbers as words a listener hears: "Photo 5 out of 13." at the start
of each photo description, "13 photo descriptions for this story follow." at the end of a
story, "It has 1 story and 13 photo descriptions." in the opening, and ``Photo 5: ...`` as the
photo chapter's title.  A producer who deletes or reorders photo chapters would leave them
wrong ("Photo 5 of 13" followed by "Photo 7 of 13").  So the reader recomputes them from the
chapters' kinds (:mod:`briefing.chapters`, the heading markers), in script order, and rewrites
only the sentences it recognises, which are exactly the generator's wording (the same
functions write them, below); a sentence a producer rewrote in their own words is kept as
written.  Everything built from the parsed script (the audio, transcripts, chapter titles and
tags, pages) follows.

* A photo's number and total are its place among the photo chapters of the same story
  (photos of no story count among themselves), as the generator numbers them per article.
* A story's "N photo descriptions for this story follow." counts that story's photo chapters;
  with none left, the sentence is dropped (unless it is all the chapter says).
* The opening's "It has N stories and M photo descriptions." counts story and photo chapters.
* A photo chapter's title ``Photo N: ...`` takes its number, unless that would make two titles
  the same (the title is then kept).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Sequence

from briefing.chapters import ChapterKind
from briefing.text.script_model import Block, Chapter, Paragraph

_POSITION = re.compile(r"^Photo (\d{1,4}) out of (\d{1,4})(?=[.,;:!?]|$)")
_INTRO = re.compile(r"^\d{1,4} photo descriptions? for this story follow\.$")
_SUMMARY = re.compile(r"^It has \d{1,4} (?:story|stories)"
                      r"(?: and \d{1,4} photo descriptions?)?\.$")
_TITLE = re.compile(r"^Photo \d{1,4}: ")


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun, singular for 1."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def photo_position(number: int, total: int) -> str:
    """Which photo of how many, as the description starts: ``Photo 1 out of 13``.

    "out of", not "of": a synthetic voice reduces "1 of 13" to "1 on 13" (measured with a
    recogniser: every photo's position was misheard with espeak-ng; see
    docs/intelligibility-notes.md).
    """
    return f"Photo {number} out of {total}"


def photos_intro(total: int) -> str:
    """The sentence ending a story that has photos: ``13 photo descriptions for this story
    follow.``"""
    return f"{plural(total, 'photo description')} for this story follow."


def summary_sentence(stories: int, photos: int) -> str:
    """The opening's count: ``It has 1 story and 13 photo descriptions.``"""
    summary = f"It has {plural(stories, 'story', 'stories')}"
    return summary + (f" and {plural(photos, 'photo description')}." if photos else ".")


def _rewrite(chapter: Chapter, first: Callable[[str], str],
             each: Callable[[str], str | None]) -> tuple[Block, ...]:
    """``chapter``'s blocks with its first sentence passed through ``first`` and every
    sentence through ``each`` (``None``: the sentence is dropped; a paragraph left empty is
    dropped, but never the chapter's last words)."""
    blocks: list[Block] = []
    seen_first = False
    for block in chapter.blocks:
        if not isinstance(block, Paragraph):
            blocks.append(block)
            continue
        sentences: list[str] = []
        for sentence in block.sentences:
            new = each(sentence if seen_first else first(sentence))
            seen_first = True
            if new is not None:
                sentences.append(new)
        if sentences:
            blocks.append(dataclasses.replace(block, sentences=tuple(sentences)))
    if not any(isinstance(b, Paragraph) for b in blocks):
        return chapter.blocks
    return tuple(blocks)


def _photo(chapter: Chapter, number: int, total: int, taken: Counter[str]) -> Chapter:
    position = photo_position(number, total)
    blocks = _rewrite(chapter, lambda s: _POSITION.sub(position, s, count=1), lambda s: s)
    title = chapter.title
    if _TITLE.match(title):
        renamed = _TITLE.sub(f"Photo {number}: ", title, count=1)
        if renamed.lower() == title.lower() or taken[renamed.lower()] == 0:
            taken[title.lower()] -= 1
            taken[renamed.lower()] += 1
            title = renamed
    return dataclasses.replace(chapter, title=title, blocks=blocks)


def _replacing(pattern: re.Pattern[str], sentence: str | None) -> Callable[[str], str | None]:
    return lambda s: sentence if pattern.match(s) else s


def renumber(chapters: Sequence[Chapter]) -> tuple[Chapter, ...]:
    """``chapters`` with the photo numbers and counts they say recomputed from their kinds
    (the module's docstring says which sentences)."""
    photos_of: Counter[int | None] = Counter(c.story for c in chapters
                                             if c.kind is ChapterKind.PHOTO)
    stories = sum(c.kind is ChapterKind.STORY for c in chapters)
    summary = summary_sentence(stories, sum(photos_of.values()))
    taken = Counter(c.title.lower() for c in chapters)
    place: Counter[int | None] = Counter()
    out: list[Chapter] = []
    for chapter in chapters:
        if chapter.kind is ChapterKind.PHOTO:
            place[chapter.story] += 1
            chapter = _photo(chapter, place[chapter.story], photos_of[chapter.story], taken)
        elif chapter.kind is ChapterKind.STORY:
            count = photos_of[chapter.story] if chapter.story is not None else 0
            intro = photos_intro(count) if count else None
            chapter = dataclasses.replace(
                chapter, blocks=_rewrite(chapter, lambda s: s, _replacing(_INTRO, intro)))
        elif chapter.kind is ChapterKind.OPENING:
            chapter = dataclasses.replace(
                chapter, blocks=_rewrite(chapter, lambda s: s, _replacing(_SUMMARY, summary)))
        out.append(chapter)
    return tuple(out)
