"""Headlines and chapter titles are whole phrases, on a corpus of real-style news text.

The checker below has its own word lists on purpose: it judges the output of
:mod:`briefing.text.titles` from the outside (what follows the cut in the source), so a rule missing
from the cutter is not missing from the test too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from briefing.text.article import derive_headline, read_article
from briefing.text.describe import short_title
from briefing.text.script_render import render_script
from briefing.text.titles import chapter_title, cut_phrase, headline
from tests.conftest import DATA

HEADLINE_WORDS = 14
TITLE_WORDS = 8
STORY_TITLE_WORDS = 9  # as script.py asks for a story's chapter title

FUNCTION = frozenset(str.split(
    "a an the this that these those each every some any no all both either neither another such "
    "what which whose many much few several more most other of in on at to for from by with "
    "without near along into onto over under up down out off through across outside inside "
    "behind beyond between among amid despite during after before since until toward towards "
    "against around about above below beside via per than like within upon including as and or "
    "but nor yet so because although though while if unless when where whether is are was were "
    "be been being am has have had do does did will would shall should can could may might must "
    "i you he she it we they me him her us them who whom there not also very just only even "
    "still almost nearly according due"))
POSSESSIVE_PRONOUNS = {"my", "your", "his", "her", "its", "our", "their", "whose"}
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "his", "her", "its", "their"}
PARTICLES = {"up", "down", "out", "off", "back", "away"}
"""After a verb, these end a phrasal verb ("line up", "back down"), unless an object follows."""
UNITS = {"percent", "per", "million", "billion", "thousand", "hundred", "trillion", "dozen"}


def corpus() -> list[tuple[str, str]]:
    items = []
    for line in (DATA / "titles" / "corpus.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, text = line.split("|", 1)
            items.append((kind, text))
    return items


def _bare(word: str) -> str:
    return word.strip("\"'“”‘’«»()[],.;:!?")


def what_follows(source: str, result: str) -> str | None:
    """The source word right after the result's last word, or None after punctuation or at the end.

    The result may have dropped words (an aside, a title), so its last two words are looked up.
    """
    src = source.split()
    words = result.split()
    last = words[-1]
    before = words[-2] if len(words) > 1 else None
    for k, word in enumerate(src):
        if _bare(word) != _bare(last):
            continue
        if before is not None and _bare(before) not in {_bare(w) for w in src[:k]}:
            continue
        if word.rstrip("\"'”’)").endswith((",", ";", ":", ".", "!", "?")) or k + 1 >= len(src):
            return None
        nxt = src[k + 1]
        return None if nxt in ("—", "–", "-") else _bare(nxt)
    raise AssertionError(f"{last!r} of {result!r} is not in the source {source!r}")


def problems(source: str, result: str, limit: int) -> list[str]:
    """Why ``result`` is not a whole phrase cut from ``source`` (empty when it is)."""
    if not result.strip():
        return ["empty"]
    found = []
    words = result.split()
    if len(words) > limit:
        found.append(f"{len(words)} words, more than {limit}")
    last = _bare(words[-1])
    nxt = what_follows(source, result)
    verb = _bare(words[-2]) if len(words) > 1 else ""
    phrasal = (last.lower() in PARTICLES and verb[:1].islower() and verb not in FUNCTION
               and (not nxt or nxt.lower() in FUNCTION))
    if last.lower() in FUNCTION and not phrasal:
        found.append(f"ends in the function word {last!r}")
    if re.search(r"['’]s$|s['’]$", words[-1]) or last.lower() in POSSESSIVE_PRONOUNS:
        found.append(f"ends in the possessive {last!r}")
    if nxt:
        content = nxt.lower() not in FUNCTION
        if re.search(r"\d", last) and (nxt.lower() in UNITS or (content and nxt[:1].islower())):
            found.append(f"cuts the number {last!r} from {nxt!r}")
        if last[:1].isupper() and nxt[:1].isupper():
            found.append(f"cuts the name {last!r} {nxt!r}")
        if last[:1].isupper() and len(words) > 1 and content and nxt[:1].islower():
            found.append(f"leaves the modifier {last!r} without its noun {nxt!r}")
        tail = [_bare(w).lower() for w in words[-4:-1]]
        opener = max((k for k, w in enumerate(tail)
                      if w in DETERMINERS or w.endswith(("'s", "’s"))), default=None)
        if (opener is not None and content and nxt[:1].islower()
                and not nxt.endswith(("ing", "ed")) and all(w not in FUNCTION
                                                             for w in tail[opener + 1:])):
            found.append(f"cuts the noun phrase before {nxt!r}")
        if len(words) > 1 and _bare(words[-2]).lower() == "to" and (
                content or nxt.lower() in ("a", "an", "the", "his", "her", "their", "its")):
            found.append(f"leaves 'to {last}' without its object {nxt!r}")
    return found


def test_the_corpus_is_large_and_varied() -> None:
    items = corpus()
    assert len(items) >= 60
    assert sum(kind == "H" for kind, _ in items) >= 25
    assert sum(kind == "C" for kind, _ in items) >= 35
    text = " ".join(t for _, t in items)
    assert re.search(r"\d\.\d percent", text) and re.search(r"\d,\d{3}", text)
    assert re.search(r"[А-Яа-я]", text) and "ễ" in text  # Cyrillic, Vietnamese


@pytest.mark.parametrize(("kind", "text"), corpus())
def test_every_corpus_item_is_cut_at_a_phrase_boundary(kind: str, text: str) -> None:
    if kind == "H":
        spoken = derive_headline(text)
        assert problems(text, spoken, HEADLINE_WORDS) == [], spoken
        story = short_title(spoken, STORY_TITLE_WORDS)
        assert problems(text, story, STORY_TITLE_WORDS) == [], story
    else:
        title = short_title(text)
        assert problems(text, title, TITLE_WORDS) == [], title


def test_the_checker_catches_the_cuts_of_issue_11() -> None:
    rhone = ("Scientists say Switzerland's Rhône Glacier lost about 3 percent of its ice volume "
             "over the summer.")
    assert problems(rhone, rhone.split(" the summer")[0], 14)  # "... over": too long, ends "over"
    assert problems("Cars queue along the Lachin corridor as people flee.",
                    "Cars queue along the Lachin", 8)
    assert problems("Armenians line up to receive humanitarian aid in Goris.",
                    "Armenians line up to receive", 8)
    assert problems("Nausėda greets Stoltenberg at the Presidential Palace in Vilnius.",
                    "Nausėda greets Stoltenberg at the Presidential", 8)
    assert problems("A boy cools off in a fountain in Wrocław's Market Square.",
                    "Boy cools off in a fountain in Wrocław's", 8)
    assert problems("Farmers harvest this year's wheat crop near the front.",
                    "Farmers harvest this year's wheat", 8)
    assert problems("Prices rose 3.5 percent in May.", "Prices rose 3.5", 8)


EXACT_HEADLINES = [
    ("Scientists say Switzerland's Rhône Glacier lost about 3 percent of its ice volume over the "
     "summer, as a record heatwave pushed the freezing line above 5,000 meters.",
     "Scientists say Switzerland's Rhône Glacier lost about 3 percent of its ice volume"),
    ("Tens of thousands of people have fled Nagorno-Karabakh for Armenia after Azerbaijan "
     "launched an offensive to take back full control of the breakaway region.",
     "Tens of thousands of people have fled Nagorno-Karabakh for Armenia"),
    ("KYIV, Ukraine (AP) — Russian drones struck energy facilities in five regions of Ukraine "
     "overnight, officials said Tuesday, leaving hundreds of thousands of homes without power.",
     "Russian drones struck energy facilities in five regions of Ukraine overnight"),
    ("A wildfire that tore through the historic town of Lahaina on the Hawaiian island of Maui "
     "has killed at least 93 people, making it the deadliest US wildfire in more than a century.",
     "A wildfire has killed at least 93 people"),
    ("Officials said the fire, which started in a kitchen on the third floor of the building "
     "shortly after midnight, spread quickly through the narrow stairwell.",
     "Officials said the fire spread quickly through the narrow stairwell"),
    ("Heavy rain caused a landslide that buried at least 12 houses in the mountain village of "
     "Zaovine, where rescuers are still searching for survivors.",
     "Heavy rain caused a landslide that buried at least 12 houses"),
    ("Heavy snow closed schools on Thursday.", "Heavy snow closed schools on Thursday"),
]

EXACT_TITLES = [
    ("This satellite image shows a long traffic jam of vehicles along the Lachin corridor as "
     "ethnic Armenians flee Nagorno-Karabakh on September 26.", "Long traffic jam of vehicles"),
    ("Ethnic Armenians from Nagorno-Karabakh line up to receive humanitarian aid at a temporary "
     "camp in Goris on September 26.", "Ethnic Armenians line up to receive humanitarian aid"),
    ("Lithuanian President Gitanas Nausėda greets NATO Secretary General Jens Stoltenberg at the "
     "Presidential Palace in Vilnius on July 11.", "Gitanas Nausėda greets Jens Stoltenberg"),
    ("A boy cools off in a fountain in Wrocław's Market Square as temperatures reached 35C on "
     "Tuesday, July 11.", "Boy cools off in a fountain"),
    ("Farmers in the Kherson region harvest this year's wheat crop near the front line on "
     "July 20.", "Farmers harvest this year's wheat crop"),
    ("Samantha Power, the administrator of the US Agency for International Development, speaks "
     "to the press after visiting the humanitarian hub in Kornidzor on September 26.",
     "Samantha Power speaks to the press"),
    ("A woman cries in a truck after crossing the border near Kornidzor on Wednesday, "
     "September 27.", "Woman cries in a truck"),
    ("Karine Djagaryan, who fled Nagorno-Karabakh, hugs her father, Novlet, as they meet in "
     "Kornidzor on September 26.", "Karine Djagaryan hugs her father"),
    ("A family arrives at the Red Cross humanitarian hub set up in Kornidzor on Monday, "
     "September 25.", "Family arrives at the Red Cross humanitarian hub"),
    ("Ukrainian servicemen fire a BM-21 Grad multiple rocket launcher towards Russian troops near "
     "the frontline town of Bakhmut, Ukraine, on May 7.",
     "Ukrainian servicemen fire a rocket launcher"),
    ("President Joe Biden, right, and Chinese President Xi Jinping shake hands during a meeting "
     "at the Filoli estate in Woodside, California, on November 15.",
     "Joe Biden and Xi Jinping shake hands"),
    ("Volunteers distribute 2,000 hot meals a day to displaced families sheltering in a school in "
     "Rafah.", "Volunteers distribute 2,000 hot meals a day"),
    ("Residents queue for drinking water distributed by a charity in the Pakistani city of "
     "Sukkur, where temperatures topped 50C.", "Residents queue for drinking water"),
]


@pytest.mark.parametrize(("text", "expected"), EXACT_HEADLINES)
def test_exact_headlines(text: str, expected: str) -> None:
    assert derive_headline(text) == expected


@pytest.mark.parametrize(("text", "expected"), EXACT_TITLES)
def test_exact_titles(text: str, expected: str) -> None:
    assert short_title(text) == expected


def test_story_titles_shorten_a_headline_as_a_sub_editor_would() -> None:
    assert short_title("Police in the southern German city of Munich arrested two men", 9) == (
        "Police arrested two men")
    rhone = "Scientists say Switzerland's Rhône Glacier lost about 3 percent of its ice volume"
    assert short_title(rhone, 9) == (
        "Scientists say Switzerland's Rhône Glacier lost about 3 percent")
    assert short_title(rhone, 8) == "Switzerland's Rhône Glacier lost about 3 percent"
    assert short_title("Hungarian Prime Minister Viktor Orbán's government has blocked a 50 "
                       "billion euro aid package", 9) == (
        "Viktor Orbán's government has blocked an aid package")


def test_short_text_is_kept_whole_and_never_emptied() -> None:
    assert headline("Snow closes schools") == "Snow closes schools"
    assert chapter_title("Protesters march.") == "Protesters march"
    assert chapter_title("An iPhone 15 is shown in a shop.") == "iPhone 15 is shown in a shop"
    assert chapter_title("The") != ""
    assert cut_phrase("", 8) == ""
    assert chapter_title("In Goris, refugees wait for news of relatives who stayed behind.") == (
        "Refugees wait for news of relatives")


def test_names_in_any_alphabet_keep_their_spelling() -> None:
    assert short_title("Nguyễn Văn Hùng plays the đàn bầu, a traditional one-stringed "
                       "instrument, at his home in Hà Nội.") == "Nguyễn Văn Hùng plays the đàn bầu"
    title = short_title("Жители Оренбурга эвакуируются на лодках из затопленных районов города "
                        "8 апреля.")
    assert title.startswith("Жители Оренбурга эвакуируются") and len(title.split()) <= 8


def test_seed_chapter_titles_are_whole_phrases(seed_path: Path) -> None:
    article = read_article(seed_path)
    text = render_script(article.date, [article], voice="default", rate=175)
    titles = [re.sub(r"\s*<!--.*?-->\s*$", "", line[3:]) for line in text.splitlines()
              if line.startswith("## ")]
    assert len(titles) == 16 and len({t.lower() for t in titles}) == 16
    captions = {f"Photo {i}": p.caption for i, p in enumerate(article.photos, start=1)}
    for title in titles[1:-1]:
        label, _, words = title.partition(": ")
        source = captions.get(label, article.paragraphs[0])
        limit = STORY_TITLE_WORDS if label.startswith("Story") else TITLE_WORDS
        assert problems(source, words, limit) == [], title
    assert problems(article.paragraphs[0], article.headline, HEADLINE_WORDS) == []


@given(st.lists(st.sampled_from(
    ["the", "of", "Rhône", "Glacier's", "3.5", "percent", "2,000", "to", "receive", "aid", ",",
     "—", "on", "Monday", "who", "said", "“quoted", "words”", "(AP)", "Nguyễn", "ice", "and",
     "at", "least", "in", "Wrocław's", "Market", "Square", "has", "lost", "its", "volume."]),
    min_size=0, max_size=30))
@example([",", "(AP)"])
@example(["the", "the", "—", "Rhône"])
def test_any_word_salad_gives_a_short_title_without_crashing(words: list[str]) -> None:
    text = " ".join(words)
    for result, limit in ((chapter_title(text), TITLE_WORDS), (headline(text), HEADLINE_WORDS)):
        assert len(result.split()) <= limit
        if any(ch.isalnum() for ch in text):
            assert result.strip(), text


def test_agency_datelines_are_not_part_of_a_title() -> None:
    assert short_title("KYIV, UKRAINE - MARCH 14, 2024: A woman walks past a destroyed building "
                       "after a missile attack.") == "Woman walks past a destroyed building"
    assert headline("PARIS (Reuters) - French police arrested 45 people on Saturday during "
                    "protests against pension reform.") == (
        "French police arrested 45 people on Saturday during protests against pension reform")


def test_only_the_first_sentence_is_used_and_abbreviations_keep_their_stops() -> None:
    assert short_title("Protesters march. Police fired tear gas at them.") == "Protesters march"
    assert short_title("Protesters march in the U.S.") == "Protesters march in the U.S."
    assert headline("Snow fell across the U.S. on Monday.") == "Snow fell across the U.S. on Monday"
    assert short_title("Dr. Jane Smith examines a patient in Lyon.") == (
        "Dr. Jane Smith examines a patient in Lyon")
