"""The script as an editor would write it (issue 16, point 10): relative dates, a programme
name, a rundown that does not read a story's first sentence twice, grouped photo credits."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from briefing.config import load_settings
from briefing.errors import ConfigError
from briefing.text.article import Article, derive_headline, read_article, split_sentences
from briefing.text.script_read import parse_script
from briefing.text.script_render import render_script
from tests.conftest import DATA, REPO, Cli

CORPUS = REPO / "benchmarks" / "corpus"
ALL_INPUTS = sorted([*DATA.glob("*.txt"), *(DATA / "unseen").glob("*.txt"), *CORPUS.glob("*.txt")])


def article(tmp_path: Path, name: str = "a", **fields: Any) -> Article:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"date": "2024-05-14", "paragraphs": ["Text of the story."],
                                **fields}), encoding="utf-8")
    return read_article(path)


def chapter(text: str, title: str) -> str:
    """The body of the chapter whose heading starts with ``title``."""
    m = re.search(rf"^## {re.escape(title)}.*?$\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, title
    return m.group(1).strip()


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.lower())


def script(articles: list[Article], **options: Any) -> str:
    return render_script(articles[0].date, articles, voice="default", rate=175, **options)


def groups(paths: list[Path]) -> list[list[Article]]:
    by_date: dict[Any, list[Article]] = {}
    for path in paths:
        a = read_article(path)
        by_date.setdefault(a.date, []).append(a)
    return list(by_date.values())


# --------------------------------------------------------------------------- the rundown

def _rundown(text: str) -> list[str]:
    paragraphs = chapter(text, "Opening").split("\n\n")
    return [re.sub(r"^(And story|Story) \d+: ", "", p).rstrip(".") for p in paragraphs[1:]]


@pytest.mark.parametrize("group", groups(ALL_INPUTS), ids=lambda g: g[0].date.isoformat())
def test_the_opening_never_reads_a_first_sentence_twice(group: list[Article]) -> None:
    text = script(group)
    firsts = [words(split_sentences(a.paragraphs[0])[0]) for a in group]
    said = _rundown(text)
    for headline in said:
        for first in firsts:
            assert words(headline) != first, headline  # never a whole first sentence
    if len(group) == 1:  # the story follows at once: no run of its first words read before it
        first = firsts[0]
        opening = words(chapter(text, "Opening"))
        assert not any(opening[i:i + 4] == first[j:j + 4]
                       for i in range(len(opening)) for j in range(len(first) - 3))
        if group[0].headline == derive_headline(group[0].paragraphs[0]):
            assert said == []
    else:  # a rundown of several stories names each one
        assert len(said) == len(group)
        assert chapter(text, "Opening").split("\n\n")[-1].startswith(f"And story {len(group)}:")


def test_the_seed_opening_has_no_headline_and_the_story_starts_the_same(seed_path: Path) -> None:
    seed = read_article(seed_path)
    text = script([seed])
    assert chapter(text, "Opening") == (
        "This is your news briefing for Wednesday, September 27, 2023. It has 1 story and 13 "
        "photo descriptions.")
    assert chapter(text, "Story 1").startswith("Tens of thousands of people have fled")
    assert len(seed.photos) == 13 and text.count("kind: photo of story 1") == 13


def test_a_short_first_sentence_is_shortened_in_a_rundown(tmp_path: Path) -> None:
    short = article(tmp_path, "s", paragraphs=["Storms closed ports along the coast on Saturday. "
                                                "More rain is due."])
    other = article(tmp_path, "o", paragraphs=["Markets rose."])
    text = script([short, other])
    opening = chapter(text, "Opening").split("\n\n")
    assert opening[1] == "Story 1: Storms closed ports along the coast."
    assert len(opening) == 2  # "Markets rose." cannot be shorter: not read twice
    assert "Markets rose." in chapter(text, "Story 2")


def test_a_headline_cut_from_inside_the_first_sentence_is_a_repeat_too(tmp_path: Path) -> None:
    for lead in ("On Monday, storms closed ports along the coasts of Portugal and Spain, "
                 "officials said.",
                 "LISBON, Portugal (AP) — Storms closed ports along the coasts of Portugal and "
                 "Spain on Monday, officials said."):
        one = article(tmp_path, "a", paragraphs=[lead])
        assert chapter(script([one]), "Opening").count("\n\n") == 0  # one story: no rundown
        other = article(tmp_path, "b", paragraphs=["Markets rose in Tokyo after the holiday."])
        [first, second] = _rundown(script([one, other]))
        assert first == "Storms closed ports along the coasts of Portugal and Spain"
        assert second == "Markets rose in Tokyo"


def test_an_articles_own_headline_is_read_even_for_one_story(tmp_path: Path) -> None:
    own = article(tmp_path, headline="Ports shut as storms hit the coast",
                  paragraphs=["Storms closed ports along the coast on Saturday."])
    opening = chapter(script([own]), "Opening")
    assert opening.endswith("\n\nStory 1: Ports shut as storms hit the coast.")
    asked = article(tmp_path, "q", headline="Will the ports reopen?",
                    paragraphs=["Storms closed ports along the coast on Saturday."])
    assert chapter(script([asked]), "Opening").endswith("\n\nStory 1: Will the ports reopen?")
    same = article(tmp_path, "b", headline="Storms closed ports along the coast",
                   paragraphs=["Storms closed ports along the coast on Saturday."])
    assert "Storms" not in chapter(script([same]), "Opening")


# --------------------------------------------------------------------------- relative dates

@pytest.mark.parametrize(("day", "said"), [
    ("2024-05-14", "taken today"), ("2024-05-13", "taken yesterday"),
    ("2024-05-12", "taken on Sunday, May 12, 2024"), ("2024-05-15", "taken on Wednesday, May 15, "
                                                                     "2024")])
def test_photo_dates_are_said_relative_to_the_briefing(tmp_path: Path, day: str,
                                                       said: str) -> None:
    a = article(tmp_path, photos=[{"caption": "A plough clears a road.", "date": day,
                                   "credit": "Pia Lang/AP"}])
    text = script([a])
    assert chapter(text, "Photo 1") == (
        f"Photo 1 out of 1, {said}. A plough clears a road. Photo by Pia Lang, AP.")
    # the date is said in full once, in the opening, and not again in the closing
    assert text.count("Tuesday, May 14, 2024") == 3  # title, comment, opening
    assert chapter(text, "Opening").startswith("This is your news briefing for Tuesday, May 14")
    assert "2024" not in chapter(text, "Closing")


def test_dates_in_the_captions_own_words_are_left_as_written(seed_path: Path) -> None:
    text = script([read_article(seed_path)])
    assert "near Kornidzor on Wednesday, September 27." in chapter(text, "Photo 1")
    assert "today" not in text and "yesterday" not in text


# --------------------------------------------------------------------------- programme

def test_the_programme_names_the_opening_closing_and_title(tmp_path: Path,
                                                          seed_path: Path) -> None:
    text = script([read_article(seed_path)], programme="Morning *Briefing* <!-- [pause 1s]")
    read = parse_script(text, tmp_path / "2023-09-27.md")
    assert read.title == "Morning *Briefing* <!-- [pause 1s], Wednesday, September 27, 2023"
    opening, closing = read.chapters[0].sentences, read.chapters[-1].sentences
    assert opening[0] == ("This is Morning *Briefing* <!-- [pause 1s] for Wednesday, "
                          "September 27, 2023.")  # the name is text, never script markup
    assert closing[0] == "That was Morning *Briefing* <!-- [pause 1s]."
    assert closing[1].startswith("Images by ")
    default = script([read_article(seed_path)])
    assert chapter(default, "Closing").startswith("That is the end of your news briefing. ")


def test_programme_setting_is_read_and_checked(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text('programme = "  Morning   Briefing "\n')
    assert load_settings(tmp_path).programme == "Morning Briefing"
    for bad in ('""', '"   "', '"--"', '"Morning\\nBriefing"', f'"{"x" * 81}"', "3"):
        (tmp_path / "briefing.toml").write_text(f"programme = {bad}\n")
        with pytest.raises(ConfigError, match="programme") as info:
            load_settings(tmp_path)
        assert "briefing.toml" in str(info.value) and "\n" not in str(info.value)


def test_changing_the_programme_regenerates_unedited_scripts(ws: Path, cli: Cli,
                                                            seed_path: Path) -> None:
    (ws / "articles").mkdir(exist_ok=True)
    (ws / "articles" / seed_path.name).write_bytes(seed_path.read_bytes())
    assert cli("script", "-w", ws).exit_code == 0
    (ws / "briefing.toml").write_text('programme = "The Karabakh Desk"\n')
    result = cli("script", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["dates"][0]["script_status"] == "updated"
    text = (ws / "scripts" / "2023-09-27.md").read_text(encoding="utf-8")
    assert "This is The Karabakh Desk for" in text and "That was The Karabakh Desk." in text


# --------------------------------------------------------------------------- credits

def _closing_credits(text: str) -> str:
    return chapter(text, "Closing").split(". ", 1)[1]


def test_credits_are_grouped_by_agency_in_order_of_first_appearance(tmp_path: Path) -> None:
    credits = ["Ann Lee/Reuters", "Bo Kim/AFP/Getty Images", "Handout/Reuters", "Cy Dahl/Reuters",
               "Ann Lee/Reuters", "Pool photo via AP", "Maxar Technologies",
               "Dee Ray/AFP/Getty Images", "Family handout", "File photo", "Kyodo/Reuters",
               "Ann Lee/AFP"]  # one person, named once: with the agency she first appears with
    photos = [{"caption": f"Scene {i}.", "credit": c} for i, c in enumerate(credits)]
    first = article(tmp_path, "a", photos=photos[:6])
    second = article(tmp_path, "b", photos=photos[6:])
    said = _closing_credits(script([first, second]))
    assert said == ("Images by Ann Lee and Cy Dahl, Reuters; Bo Kim and Dee Ray, AFP, via "
                    "Getty Images; and AP, Maxar Technologies and Kyodo.")
    for word in ("Handout", "handout", "Pool", "File", "Family"):
        assert word not in said


@pytest.mark.parametrize("group", groups(ALL_INPUTS), ids=lambda g: g[0].date.isoformat())
def test_every_credited_person_is_named_once(group: list[Article]) -> None:
    text = script(group)
    people = {p.credit.photographer for a in group for p in a.photos
              if p.credit and p.credit.photographer}
    closing = chapter(text, "Closing")
    for person in people:
        assert closing.count(person) == 1, person
    assert not re.search(r"\b(?:Handout|Pool|File|©)\b", closing)
