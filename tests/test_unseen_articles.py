"""Articles written for these tests (not the seed) with mixed credit forms: every photo found,
every credit said as a newsreader would, the closing naming only people and organisations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.text.article import read_article
from briefing.text.script_render import render_script
from tests.conftest import DATA, Cli

UNSEEN = DATA / "unseen"

EXPECTED = {
    "unseen_song_festival_crlf.txt": [
        "Photo from the festival press office",
        "Photo by picture alliance, dpa",
        "Photo courtesy of the Lithuanian presidency",
        "File photo",
        "Photo credit not given",
        "Family handout photo",
    ],
    "unseen_dam_breach.txt": [
        "Satellite image by Maxar Technologies",
        "Satellite image by Planet Labs PBC",
        "Handout photo from Reuters",
        "Handout photo from the Ukrainian State Emergency Service, via Reuters",
        "Photo from the Ukrainian Presidential Press Service, via Reuters",
        "Pool photo from AFP, via Getty Images",
        "Pool photo from AP",
    ],
    "unseen_state_visit.txt": [
        "Kremlin pool photo from Sputnik, via AP",
        "Photo by Nguyễn Văn Hải, VNA",
        "Photo by Дмитрий Иванов, ТАСС",
        "Photo by Mara Lindqvist for The New York Times",
        "Photo by Minh Hoang, AP",
        "Photo by Thanh Nguyen, Reuters",
        "Photo by Linh Pham",
    ],
    "unseen_wrapped_no_photos.txt": [],
}


def photo_paragraphs(text: str) -> list[str]:
    """The spoken description under each ``## Photo`` heading."""
    chapters = re.split(r"^## ", text, flags=re.M)
    return [c.split("\n\n", 1)[1].strip() for c in chapters if c.startswith("Photo ")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_photo_found_and_every_credit_said_right(name: str) -> None:
    article = read_article(UNSEEN / name)
    expected = EXPECTED[name]
    assert len(article.photos) == len(expected)
    text = render_script(article.date, [article], voice="default", rate=175)
    described = photo_paragraphs(text)
    assert len(described) == len(expected)
    for i, (description, credit) in enumerate(zip(described, expected, strict=True), start=1):
        assert description.startswith(f"Photo {i} out of {len(expected)}")
        assert description.endswith(f" {credit}.")
    for photo in article.photos:  # no credit line was read as a caption or a paragraph
        assert photo.caption.endswith(".")
    for paragraph in article.paragraphs:
        assert not re.search(r"Getty|Reuters|Handout|press office|picture alliance", paragraph)


def test_the_closing_names_people_and_organisations_once() -> None:
    articles = [read_article(UNSEEN / name) for name in sorted(EXPECTED)[:3]]
    closing = ""
    for article in articles:
        text = render_script(article.date, [article], voice="default", rate=175)
        closing += text.split("## Closing", 1)[1]
    for word in ("Handout", "handout", "Pool", "pool", "File", "Courtesy", "©", "2024 Maxar"):
        assert word not in closing
    dam = read_article(UNSEEN / "unseen_dam_breach.txt")
    text = render_script(dam.date, [dam], voice="default", rate=175)
    assert text.rstrip().endswith(
        "Images by Maxar Technologies, Planet Labs PBC, Reuters, the Ukrainian State Emergency "
        "Service, the Ukrainian Presidential Press Service, AFP, Getty Images and AP.")
    visit = read_article(UNSEEN / "unseen_state_visit.txt")
    closing = render_script(visit.date, [visit], voice="default", rate=175).split("## Closing")[1]
    for name in ("Nguyễn Văn Hải", "Дмитрий Иванов", "Mara Lindqvist", "The New York Times",
                 "AP", "Sputnik", "Linh Pham"):
        assert closing.count(name) == 1, name


def test_crlf_article_warns_with_the_line_of_the_missing_credit() -> None:
    article = read_article(UNSEEN / "unseen_song_festival_crlf.txt")
    assert article.paragraphs[0].endswith("every five years since 1924.")
    assert len(article.paragraphs) == 3
    assert article.warnings == (
        "line 15: photo 5 has no credit line: "
        "'Visitors wave flags as the evening concert begins on July 6.'",)


def test_captions_split_over_two_final_blocks() -> None:
    article = read_article(UNSEEN / "unseen_state_visit.txt")
    assert len(article.paragraphs) == 3
    assert article.photos[3].caption.startswith("Protesters gather outside the Russian embassy")
    assert article.warnings == ()


def test_wrapped_paragraphs_are_not_photos() -> None:
    article = read_article(UNSEEN / "unseen_wrapped_no_photos.txt")
    assert article.photos == ()
    assert article.paragraphs[1] == ("About 25,000 people watched the opening, organisers said. "
                                     "Prime Minister Kaja Kallas and President Alar Karis "
                                     "attended the ceremony.")
    assert len(article.paragraphs) == 3
    assert [w.split(":")[0] for w in article.warnings] == ["line 8"]


def test_the_seed_is_unchanged(seed_path: Path) -> None:
    article = read_article(seed_path)
    assert len(article.photos) == 13 and article.warnings == ()
    text = render_script(article.date, [article], voice="default", rate=175)
    assert text.rstrip().endswith(
        "Images by Alain Jocard and Emmanuel Dunand, AFP, via Getty Images; Irakli Gedenidze, "
        "Reuters; Vasily Krestyaninov, AP; Astrig Agopian, Getty Images; and Maxar "
        "Technologies.")


def test_unseen_folder_builds_with_the_right_photo_counts(
        ws: Path, cli: Cli) -> None:
    result = cli("build", UNSEEN, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    counts = {d["date"]: d["photos"] for d in result.json()["dates"]}
    assert counts == {"2024-02-12": 0, "2024-05-14": 7, "2024-06-20": 7, "2024-07-06": 6}
    for name, credits in EXPECTED.items():
        day = read_article(UNSEEN / name).date.isoformat()
        script = (ws / "scripts" / f"{day}.md").read_text(encoding="utf-8")
        assert [d.rsplit(". ", 1)[-1] for d in photo_paragraphs(script)] == [
            f"{c}." for c in credits]
    assert "line 15: photo 5 has no credit line" in result.stderr
