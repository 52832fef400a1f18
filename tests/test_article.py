"""Parsing articles: the seed, real-world variations, structured articles, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from briefing.errors import ArticleError, InputError
from briefing.text.article import (
    derive_headline,
    detect_kind,
    find_articles,
    looks_like_credit,
    parse_credit,
    read_article,
    split_sentences,
)
from tests.conftest import DATA


def test_seed_is_parsed_completely(seed_path: Path) -> None:
    article = read_article(seed_path)
    assert article.date == dt.date(2023, 9, 27)
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("Tens of thousands of people have fled")
    assert len(article.photos) == 13
    assert article.warnings == ()
    assert all(p.credit is not None for p in article.photos)
    first = article.photos[0]
    assert first.caption.startswith("A woman cries in a truck")
    assert first.credit is not None
    assert first.credit.photographer == "Alain Jocard"
    assert first.credit.organisations == ("AFP", "Getty Images")
    assert first.date == dt.date(2023, 9, 27)
    satellite = article.photos[3]
    assert satellite.kind == "satellite image"
    assert satellite.credit is not None and satellite.credit.photographer is None
    assert satellite.credit.organisations == ("Maxar Technologies",)
    assert satellite.date == dt.date(2023, 9, 26)
    assert article.photos[-1].date == dt.date(2023, 9, 25)
    assert article.headline == "Tens of thousands of people have fled Nagorno-Karabakh for Armenia"


def test_crlf_bom_accents_trailing_spaces_and_missing_credit() -> None:
    article = read_article(DATA / "crlf_bom_accents_missing_credit.txt")
    assert article.date == dt.date(2024, 3, 8)
    assert article.paragraphs == (
        "Firefighters in the Sierra de Gredos contained a forest fire on Friday after two days, "
        "said the regional government of Castilla y León.",
        "About 300 residents of Navalosa were allowed to return home.",
    )
    captions = [p.caption for p in article.photos]
    assert captions == [
        "A firefighter walks past burnt trees near Navalosa, Spain, on Thursday, March 7.",
        "Smoke rises over the hills above the village on March 6.",
        "This satellite image shows the burnt area on Friday, March 8.",
        "José Ángel Núñez, the mayor of Navalosa, speaks to reporters on March 8.",
    ]
    credits = [p.credit.raw if p.credit else None for p in article.photos]
    assert credits == ["Óscar del Pozo/AFP/Getty Images", None, "Maxar Technologies",
                       "Europa Press/AP"]
    assert article.photos[0].credit is not None
    assert article.photos[0].credit.photographer == "Óscar del Pozo"
    assert article.photos[2].kind == "satellite image"
    assert any("photo 2 has no credit line" in w for w in article.warnings)


def test_last_caption_without_credit() -> None:
    article = read_article(DATA / "last_credit_missing.txt")
    assert [p.credit.raw if p.credit else None for p in article.photos] == ["Ana Brito/Reuters",
                                                                           None]
    assert article.photos[1].date == dt.date(2024, 3, 9)


def test_article_without_photos() -> None:
    article = read_article(DATA / "no_photos.txt")
    assert article.photos == ()
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize("line", [
    "Alain Jocard/AFP/Getty Images", "Maxar Technologies", "Vasily Krestyaninov/AP",
    "Irakli Gedenidze/Reuters", "Jana Müller/dpa/Getty Images", "Copernicus Sentinel-2/ESA",
    "Courtesy of the Smith family", "Handout via Reuters", "Óscar del Pozo/AFP/Getty Images",
])
def test_credit_lines_are_recognised(line: str) -> None:
    assert looks_like_credit(line)


@pytest.mark.parametrize("line", [
    "Ethnic Armenians from Nagorno-Karabakh arrive in Kornidzor on September 26.",
    "A woman cries in a truck",
    "Volunteers hand out water",
    "Power said it was \"absolutely critical,\" she said",
    "People wait at the border",
    "",
])
def test_captions_are_not_credits(line: str) -> None:
    assert not looks_like_credit(line)


def test_credit_split() -> None:
    c = parse_credit("Astrig Agopian/Getty Images")
    assert (c.photographer, c.organisations) == ("Astrig Agopian", ("Getty Images",))
    c = parse_credit("Astrig Agopian")
    assert (c.photographer, c.organisations) == ("Astrig Agopian", ())
    c = parse_credit("Europa Press/AP")
    assert (c.photographer, c.organisations) == (None, ("Europa Press", "AP"))


@pytest.mark.parametrize(("caption", "kind"), [
    ("This satellite image shows a long traffic jam.", "satellite image"),
    ("An aerial view of the flooded town on May 3.", "aerial image"),
    ("This aerial photo shows volunteers sorting waste.", "aerial image"),
    ("A drone image shows the damaged bridge.", "drone image"),
    ("A map shows the route of the storm.", "map"),
    ("This chart shows rising prices.", "chart"),
    ("An artist's impression of the new station.", "illustration"),
    ("A still from a video shows the launch.", "video still"),
    ("A woman cries in a truck.", "photo"),
])
def test_image_kind(caption: str, kind: str) -> None:
    assert detect_kind(caption, None) == kind


def test_kind_from_satellite_credit() -> None:
    assert detect_kind("Smoke rises over the hills.", parse_credit("Maxar Technologies")) == (
        "satellite image")


def test_sentence_split_keeps_abbreviations() -> None:
    text = ("Dr. Smith met U.S. officials on Sept. 5 in St. Louis. They agreed. "
            "\"We will act,\" she said. Prices rose 3.5 percent.")
    assert split_sentences(text) == [
        "Dr. Smith met U.S. officials on Sept. 5 in St. Louis.",
        "They agreed.",
        "\"We will act,\" she said.",
        "Prices rose 3.5 percent.",
    ]


def test_headline_is_the_main_clause() -> None:
    assert derive_headline(
        "Tens of thousands of people have fled Nagorno-Karabakh for Armenia after Azerbaijan "
        "launched an offensive to take back full control of the breakaway region."
    ) == "Tens of thousands of people have fled Nagorno-Karabakh for Armenia"


def test_structured_json_with_alt_text(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({
        "date": "2024-02-01",
        "headline": "Snow closes schools",
        "paragraphs": ["Heavy snow closed schools across the region on Thursday."],
        "photos": [
            {"caption": "Children sled down a hill on February 1.",
             "credit": "Pia Lang/AP", "alt_text": "Two children on a red sled, laughing."},
            {"caption": "A plough clears a road."},
        ],
    }), encoding="utf-8")
    article = read_article(path)
    assert article.headline == "Snow closes schools"
    assert article.photos[0].alt_text == "Two children on a red sled, laughing."
    assert article.photos[0].credit is not None
    assert article.photos[0].credit.photographer == "Pia Lang"
    assert article.photos[1].credit is None


def test_structured_yaml(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "date: 2024-02-01\nparagraphs:\n  - Heavy snow closed schools on Thursday.\n"
        "photos:\n  - caption: This satellite image shows snow cover on January 31.\n"
        "    credit: Maxar Technologies\n", encoding="utf-8")
    article = read_article(path)
    assert article.date == dt.date(2024, 2, 1)
    assert article.headline == "Heavy snow closed schools on Thursday"
    assert article.photos[0].kind == "satellite image"
    assert article.photos[0].date == dt.date(2024, 1, 31)


def test_structured_unknown_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"date": "2024-02-01", "paragraphs": ["x"], "foto": []}))
    with pytest.raises(ArticleError, match="unknown field"):
        read_article(path)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n\n  \n", "empty"),
    (b"Just some text without a date.\n", "does not start with 'date YYYY-MM-DD'"),
    (b" date 2023-02-30 Text.\n", "does not exist"),
    (b" date ../../etc Text.\n", "not a YYYY-MM-DD date"),
    (b" date 2023-09-27\n", "no text after the date"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b" date 2023-09-27 Caf\xe9 au lait.\n", "not UTF-8"),
])
def test_bad_articles(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=message) as info:
        read_article(path)
    assert info.value.path == path
    assert isinstance(info.value, InputError) and isinstance(info.value, ValueError)


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b" date 2023-09-27 " + b"word " * 100)
    with pytest.raises(ArticleError, match="larger than the 100-byte limit"):
        read_article(path, max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "nope.txt")


def test_find_articles_takes_article_files_directly_in_folders(tmp_path: Path) -> None:
    for name in ("b.txt", "a.json", "c.yaml", "notes.md", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.txt").write_text("x")
    assert [p.name for p in find_articles([tmp_path])] == ["a.json", "b.txt", "c.yaml"]


def test_weekday_mismatch_warns(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(" date 2023-09-27 Text.\n\nPeople wait on Friday, September 27.\nAnn Lee/AP\n")
    article = read_article(path)
    assert article.photos[0].date == dt.date(2023, 9, 27)
    assert article.warnings == (
        "caption says 'Friday, September 27' but 2023-09-27 is a Wednesday: "
        "'People wait on Friday, September 27.'",)


@pytest.mark.parametrize(("text", "kind"), [
    ("[1, 2]", "a list"), ('"a headline"', "text"), ("null", "nothing (null)"), ("3", "a number")])
def test_a_structured_article_that_is_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    path = tmp_path / "2024-03-08.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert str(info.value) == (
        f"{path}: a structured article must be a mapping of fields, not {kind}")
