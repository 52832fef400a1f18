"""Rendering scripts from articles and reading them back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefing.errors import ScriptError
from briefing.text.article import parse_credit, read_article
from briefing.text.describe import describe_photo, say_credit, short_title
from briefing.text.script_read import Paragraph, Pause, parse_script
from briefing.text.script_render import md_escape, render_script
from tests.conftest import DATA


def headings(text: str) -> list[str]:
    """The titles of the ``## `` headings, without their chapter markers."""
    return [re.sub(r"\s*<!--.*?-->\s*$", "", line[3:]) for line in text.splitlines()
            if line.startswith("## ")]


def test_seed_script_describes_every_photo(seed_path: Path) -> None:
    article = read_article(seed_path)
    text = render_script(article.date, [article], voice="default", rate=175)
    titles = headings(text)
    assert titles[0] == "Opening" and titles[-1] == "Closing"
    assert titles[1].startswith("Story 1: ")
    photo_titles = [t for t in titles if t.startswith("Photo ")]
    assert len(photo_titles) == 13
    assert len(set(t.lower() for t in titles)) == len(titles)
    assert all(len(t.split()) <= 11 for t in titles)
    for i in range(1, 14):
        assert f"Photo {i} out of 13" in text
    assert text.count("Photo by Alain Jocard, AFP, via Getty Images.") == 3
    assert "Photo 4 out of 13, a satellite image. A long traffic jam" in text
    assert "This satellite image shows" not in text
    assert "Satellite image by Maxar Technologies." in text
    assert "This is your news briefing for Wednesday, September 27, 2023." in text
    assert "It has 1 story and 13 photo descriptions." in text
    # the article's wording is kept: numbers stay digits
    assert "120,000 ethnic Armenians" in text
    front = text.split("---")[1]
    assert "date: 2023-09-27" in front and "rate: 175" in front


def test_script_round_trips_through_the_reader(seed_path: Path) -> None:
    article = read_article(seed_path)
    text = render_script(article.date, [article], voice="default", rate=175)
    script = parse_script(text, Path("2023-09-27.md"))
    assert script.date == dt.date(2023, 9, 27)
    assert script.voice is None and script.rate == 175
    assert [c.title for c in script.chapters] == headings(text)
    spoken = " ".join(s for c in script.chapters for s in c.sentences)
    for paragraph in article.paragraphs:
        assert paragraph in spoken
    assert "Narration script" not in spoken  # the producer note is not spoken


def test_several_articles_share_one_script() -> None:
    fire = read_article(DATA / "crlf_bom_accents_missing_credit.txt")
    library = read_article(DATA / "no_photos.txt")
    text = render_script(fire.date, [fire, library], voice="default", rate=175)
    titles = headings(text)
    assert [t.split(":")[0] for t in titles if t.startswith("Story")] == ["Story 1", "Story 2"]
    assert "It has 2 stories and 4 photo descriptions." in text
    assert "Photo 2 out of 4. Smoke rises over the hills above the village on March 6. " \
           "Photo credit not given." in text
    assert "José Ángel Núñez" in text


def test_credit_wording() -> None:
    assert say_credit(parse_credit("Alain Jocard/AFP/Getty Images")) == (
        "Photo by Alain Jocard, AFP, via Getty Images")
    assert say_credit(parse_credit("Vasily Krestyaninov/AP")) == "Photo by Vasily Krestyaninov, AP"
    assert say_credit(parse_credit("Maxar Technologies"), "satellite image") == (
        "Satellite image by Maxar Technologies")
    assert say_credit(None) == "Photo credit not given"


def test_short_titles() -> None:
    assert short_title("A woman cries in a truck after crossing the border near Kornidzor on "
                       "Wednesday, September 27.") == "Woman cries in a truck"
    assert short_title("Samantha Power, the administrator of the US Agency for International "
                       "Development, speaks to the press after visiting the hub.") == (
        "Samantha Power speaks to the press")


def test_date_is_said_when_the_caption_does_not(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"date": "2024-02-01", "paragraphs": ["Text."], "photos": ['
                    '{"caption": "A plough clears a road.", "date": "2024-01-31"}]}')
    photo = read_article(path).photos[0]
    assert describe_photo(photo, 1, 1) == (
        "Photo 1 out of 1, taken on Wednesday, January 31, 2024. A plough clears a road. "
        "Photo credit not given.")


def test_producer_alt_text_wins(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"date": "2024-02-01", "paragraphs": ["Text."], "photos": ['
                    '{"caption": "Kids on February 1.", "credit": "Pia Lang/AP", '
                    '"alt_text": "Two children on a red sled"}]}')
    photo = read_article(path).photos[0]
    assert describe_photo(photo, 1, 1) == (
        "Photo 1 out of 1. Two children on a red sled. Photo by Pia Lang, AP.")


def test_hostile_text_is_inert_and_keeps_structure(tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(
        " date 2024-01-02 {{ 7 * 7 }} and {% raw %} are {# not #} templates <script>x</script>.\n\n"
        "## Not a chapter [pause 9s] <!-- not a comment --> back\\slash.\n\n"
        "## A caption that looks like a heading on January 2.\n"
        "Ann Lee/AP\n", encoding="utf-8")
    article = read_article(path)
    text = render_script(article.date, [article], voice="default", rate=175)
    assert "49" not in text
    assert len([t for t in headings(text) if t.startswith("Photo")]) == 1
    script = parse_script(text, Path("x.md"))
    spoken = " ".join(s for c in script.chapters for s in c.sentences)
    assert "{{ 7 * 7 }} and {% raw %} are {# not #} templates <script>x</script>." in spoken
    assert "## Not a chapter [pause 9s] <!-- not a comment --> back\\slash." in spoken
    assert "## A caption that looks like a heading on January 2." in spoken
    assert not any(isinstance(b, Pause) for c in script.chapters for b in c.blocks)


@pytest.mark.parametrize("text", ["## x", "---", "[pause 2s]", "<!-- c -->", "a \\ b", "#tag"])
def test_md_escape_round_trip(text: str) -> None:
    doc = f"---\ndate: 2024-01-01\n---\n## Chapter\n\n{md_escape(text)}\n"
    [chapter] = parse_script(doc, Path("x.md")).chapters
    assert chapter.sentences == (text,)


SCRIPT = """---
date: 2024-01-01
title: Test
voice: default
rate: 200
---
<!-- a producer note
over two lines -->
## One

First sentence. Second sentence.
Same paragraph.

[pause 1.5s]

Third *emphasised* paragraph with a [link](http://example.com).
<!-- inline note --> After note.

## Two

- a list item
- another

[pause 500ms]
"""


def test_reader_structure() -> None:
    script = parse_script(SCRIPT, Path("2024-01-01.md"))
    assert script.title == "Test" and script.rate == 200 and script.voice is None
    one, two = script.chapters
    assert one.blocks == (
        Paragraph(("First sentence.", "Second sentence.", "Same paragraph.")),
        Pause(1500),
        Paragraph(("Third emphasised paragraph with a link.", "After note.")),
    )
    assert two.blocks == (Paragraph(("a list item",)), Paragraph(("another",)), Pause(500))


@pytest.mark.parametrize(("text", "message"), [
    ("no front matter\n## A\n\nx\n", "must start with '---'"),
    ("---\ndate: 2024-01-01\n## A\n", "never closed"),
    ("---\ndate: 2024-01-01\nrte: 3\n---\n## A\n\nx\n", "unknown front matter key"),
    ("---\ndate: 2024-13-01\n---\n## A\n\nx\n", "not a YYYY-MM-DD date"),
    ("---\ndate: 2024-01-01\nrate: quick\n---\n## A\n\nx\n", "rate 'quick'"),
    ("---\ntitle: x\n---\n## A\n\nx\n", "2024-01-01.md: front matter has no 'date'"),
    ("---\ndate: 2024-01-01\n3: x\nrte: 3\n---\n## A\n\nx\n",
     "key(s): 3, rte (known: chapter_pause_ms, date,"),
    ("---\ndate: 2024-01-01\nvoice: v\nrate: true\n---\n## A\n\nx\n",
     "2024-01-01.md: line 4: front matter rate True must be"),
    ("---\ndate: 2024-01-01\n---\nstray text\n## A\n\nx\n", "line 4: text before the first"),
    ("---\ndate: 2024-01-01\n---\n## A\n\nx\n## A\n\ny\n", "line 7: chapter title 'A' is used"),
    ("---\ndate: 2024-01-01\n---\n## A\n\n## B\n\ny\n", "chapter 'A' has nothing to speak"),
    ("---\ndate: 2024-01-01\n---\n## A\n\nx <!-- open\n", "line 6: a comment '<!--' is never"),
    ("---\ndate: 2024-01-01\n---\n## A\n\nx [pause soon]\n", "line 6: pause 'soon'"),
    ("---\ndate: 2024-01-01\n---\n", "no '## ' chapter"),
])
def test_reader_errors(text: str, message: str) -> None:
    with pytest.raises(ScriptError, match=re.escape(message)):
        parse_script(text, Path("2024-01-01.md"))


def test_sample_descriptions_aerial_and_dates() -> None:
    from tests.conftest import REPO

    article = read_article(REPO / "articles" / "2024-05-14-river-cleanup.txt")
    descriptions = [describe_photo(p, i, len(article.photos))
                    for i, p in enumerate(article.photos, start=1)]
    # the kind is said once, and "This aerial photo shows" is not read after it
    assert descriptions[1] == ("Photo 2 out of 4, an aerial image. Volunteers sorting waste on the "
                               "riverbank near the Sachsenbrücke on May 12. Aerial image by Tomás "
                               "Ortega, Reuters.")
    # the caption already gives the date, so it is not said twice
    assert "taken on" not in descriptions[0]
    assert descriptions[2].endswith("Photo credit not given.")
    assert all("image of" not in d.lower() for d in descriptions)
