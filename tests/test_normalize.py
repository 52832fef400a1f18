"""Normalisation for the ear: what espeak-ng is asked to say for a sentence of the script.

Every expected output below was read back through espeak-ng (its phoneme transcription, and the
real engine for a sample) to check it is said as a listener expects; see briefing.speech.normalize
for
why initialisms are written "A.F.P" rather than "A F P" (espeak-ng says a lone "A" as "uh").
"""

from __future__ import annotations

import pytest

from briefing.speech.language import reads_as_english
from briefing.speech.normalize import RULES, normalize

CASES = [
    # seed
    (
        "The landlocked mountainous region is home to 120,000 ethnic Armenians who make up the "
        "majority of the population.",
        "The landlocked mountainous region is home to one hundred and twenty thousand ethnic "
        "Armenians who make up the majority of the population.",
    ),
    (
        "A woman cries in a truck after crossing the border near Kornidzor on Wednesday, "
        "September 27.",
        "A woman cries in a truck after crossing the border near Kornidzor on Wednesday, "
        "September twenty-seventh.",
    ),
    ("Alain Jocard/AFP/Getty Images", "Alain Jocard, A.F.P, Getty Images"),
    (
        "Samantha Power, the administrator of the US Agency for International Development, "
        "speaks to the press.",
        "Samantha Power, the administrator of the U.S Agency for International Development, "
        "speaks to the press.",
    ),
    (
        'Power said many of those who had arrived were suffering from "severe malnutrition," '
        "according to doctors at the scene.",
        'Power said many of those who had arrived were suffering from "severe malnutrition," '
        "according to doctors at the scene.",
    ),
    (
        "Nagorno-Karabakh has been under blockade since December, when Azerbaijan-backed "
        "activists established a military checkpoint on the Lachin corridor — the one road "
        "connecting the landlocked enclave to Armenia.",
        "Nagorno-Karabakh has been under blockade since December, when Azerbaijan-backed "
        "activists established a military checkpoint on the Lachin corridor, the one road "
        "connecting the landlocked enclave to Armenia.",
    ),
    ("Irakli Gedenidze/Reuters", "Irakli Gedenidze, Reuters"),
    ("Vasily Krestyaninov/AP", "Vasily Krestyaninov, A.P"),
    ("Jana Müller/dpa/Getty Images", "Jana Müller, D.P.A, Getty Images"),
    ("Copernicus Sentinel-2/ESA", "Copernicus Sentinel-two, ESA"),
    (
        "This is your news briefing for Wednesday, September 27, 2023.",
        "This is your news briefing for Wednesday, September twenty-seventh, twenty twenty-three.",
    ),
    (
        "It has 1 story and 13 photo descriptions.",
        "It has one story and thirteen photo descriptions.",
    ),
    (
        "The glacier has been partly covered with white blankets each summer since 2009 to slow "
        "the melting.",
        "The glacier has been partly covered with white blankets each summer since two thousand "
        "nine to slow the melting.",
    ),
    # numbers
    (
        "home to 120,000 ethnic Armenians",
        "home to one hundred and twenty thousand ethnic Armenians",
    ),
    ("More than 2,000 volunteers", "More than two thousand volunteers"),
    ("1,000,000", "one million"),
    ("0", "zero"),
    ("1,234", "one thousand two hundred and thirty-four"),
    ("007", "zero zero seven"),
    ("3.5", "three point five"),
    ("0.25", "zero point two five"),
    (".5", "point five"),
    ("1.05", "one point zero five"),
    ("1,234.56", "one thousand two hundred and thirty-four point five six"),
    ("version 3.5.1", "version three point five point one"),
    ("4x4", "four x four"),
    # ordinals
    ("the 25th anniversary", "the twenty-fifth anniversary"),
    ("the 1st", "the first"),
    ("2nd place", "second place"),
    ("the 3rd time", "the third time"),
    ("the 21st century", "the twenty-first century"),
    ("the 100th day", "the one hundredth day"),
    ("the 1,000th visitor", "the one thousandth visitor"),
    # years
    ("in 1994", "in nineteen ninety-four"),
    ("in 2009", "in two thousand nine"),
    ("the 2010 election", "the twenty ten election"),
    ("1905", "nineteen oh five"),
    ("in 2000", "in two thousand"),
    ("In 2099", "In twenty ninety-nine"),
    ("in 1066", "in ten sixty-six"),
    ("by 2100", "by twenty-one hundred"),
    ("1500 people", "fifteen hundred people"),
    ("3000 people", "three thousand people"),
    ("2100 people", "two thousand one hundred people"),
    ("from 1990 to 2000", "from nineteen ninety to two thousand"),
    # decades
    ("the 1990s", "the nineteen nineties"),
    ("the '90s", "the nineties"),
    ("the ’90s", "the nineties"),
    ("in her 90s", "in her nineties"),
    ("the mid-1990s", "the mid-nineteen nineties"),
    ("the 2000s", "the two thousands"),
    ("the 2010s", "the twenty tens"),
    ("the 1800s", "the eighteen hundreds"),
    ("100s of people", "hundreds of people"),
    # ranges
    ("2019–2021", "twenty nineteen to twenty twenty-one"),
    ("2019-2021", "twenty nineteen to twenty twenty-one"),
    ("60-80 people", "sixty to eighty people"),
    ("60 to 80 people", "sixty to eighty people"),
    ("10-15 km", "ten to fifteen kilometres"),
    ("a 2-1 win", "a two to one win"),
    ("2023/24", "twenty twenty-three to twenty-four"),
    ("from 10 a.m.-2 p.m.", "from ten A.M to two P.M."),
    # percent
    ("3%", "three percent"),
    ("3 percent", "three percent"),
    ("2.5 percentage points", "two point five percentage points"),
    ("up 3-5%", "up three to five percent"),
    ("a 100% increase", "a one hundred percent increase"),
    ("inflation of 2.5%", "inflation of two point five percent"),
    # money
    ("$350,000", "three hundred and fifty thousand dollars"),
    ("62 million euros", "sixty-two million euros"),
    ("€5", "five euros"),
    ("£4.2bn", "four point two billion pounds"),
    ("$1.5 million", "one point five million dollars"),
    ("$3.50", "three dollars and fifty cents"),
    ("$0.50", "fifty cents"),
    ("$1", "one dollar"),
    ("£1.50", "one pound and fifty pence"),
    ("€1.20", "one euro and twenty cents"),
    ("¥500", "five hundred yen"),
    ("$5m", "five million dollars"),
    ("$5-10 million", "five to ten million dollars"),
    ("$5 to $10", "five to ten dollars"),
    ("US$1", "one U.S dollar"),
    ("spent $3.2bn on", "spent three point two billion dollars on"),
    # times
    ("at 3 p.m. ET", "at three P.M Eastern Time"),
    ("at 10:30 a.m.", "at ten thirty A.M."),
    ("7:30 p.m. EST", "seven thirty P.M Eastern Standard Time"),
    ("7.30pm", "seven thirty P.M"),
    ("at 9 AM", "at nine A.M"),
    ("at 10:00 a.m. CET", "at ten A.M Central European Time"),
    ("6:45", "six forty-five"),
    ("10:05", "ten oh five"),
    ("09:00", "nine o'clock"),
    ("14:00", "fourteen hundred"),
    ("23:15 GMT", "twenty-three fifteen G.M.T"),
    # dates
    ("Nov. 5", "November fifth"),
    ("in Sept.", "in September."),
    ("Sept. 11", "September eleventh"),
    ("the Oct. 7 attacks", "the October seventh attacks"),
    ("Feb 3", "February third"),
    ("on Jan. 1, 2024", "on January first, twenty twenty-four"),
    ("on 5 May", "on the fifth of May"),
    ("27 September 2023", "the twenty-seventh of September twenty twenty-three"),
    ("September 2023", "September twenty twenty-three"),
    ("2023-09-27", "September twenty-seventh, twenty twenty-three"),
    ("9/27/2023", "September twenty-seventh, twenty twenty-three"),
    # titles
    ("Dr. Jane Smith", "Doctor Jane Smith"),
    ("Gov. Gavin Newsom", "Governor Gavin Newsom"),
    ("Sen. Elizabeth Warren", "Senator Elizabeth Warren"),
    ("Rep. Adam Schiff", "Representative Adam Schiff"),
    ("Gen. Mark Milley", "General Mark Milley"),
    ("Lt. Gen. Smith", "Lieutenant General Smith"),
    ("Mr. Smith and Mrs. Smith and Ms. Jones", "Mister Smith and Missus Smith and Miz Jones"),
    ("Mr Brown", "Mister Brown"),
    ("Gen Z voters", "Gen Z voters"),
    ("St. Petersburg", "Saint Petersburg"),
    ("Main St.", "Main Street."),
    ("Martin Luther King Jr. said", "Martin Luther King Junior said"),
    # units
    ("3.2 meters", "three point two meters"),
    ("a 14-kilometer walk", "a fourteen-kilometer walk"),
    ("80 mm", "eighty millimetres"),
    ("120 km/h", "one hundred and twenty kilometres per hour"),
    ("in km/h", "in kilometres per hour"),
    ("5 kg", "five kilograms"),
    ("1 km", "one kilometre"),
    ("2.5 km", "two point five kilometres"),
    ("a 5-km race", "a five-kilometre race"),
    ("6 ft", "six feet"),
    ("-5°C", "minus five degrees Celsius"),
    ("1 °C", "one degree Celsius"),
    ("98.6°F", "ninety-eight point six degrees Fahrenheit"),
    ("45°N", "forty-five degrees north"),
    ("25 mph", "twenty-five miles per hour"),
    ("5 km²", "five square kilometres"),
    ("3 GW", "three gigawatts"),
    # initialisms
    ("AFP", "A.F.P"),
    ("U.N.", "U.N."),
    ("the U.N. said", "the U.N said"),
    ("USAID", "U.S.A.I.D"),
    ("the US and the EU", "the U.S and the E.U"),
    ("UK", "U.K"),
    ("the U.S.-led coalition", "the U.S-led coalition"),
    ("pro-EU", "pro-E.U"),
    ("NATO and UNESCO", "NATO and UNESCO"),
    ("NASA", "NASA"),
    ("NGOs", "N.G-O's"),
    ("the BBC's", "the B.B-C's"),
    ("CEOs", "C.E-O's"),
    ("the WHO said", "the W.H.O said"),
    ("the IMF", "the I.M.F"),
    ("the IAEA", "the I.A.E.A"),
    ("UNICEF and UNHCR", "UNICEF and U.N.H.C.R"),
    ("LGBTQ rights", "L.G.B.T.Q rights"),
    ("NYC", "N.Y.C"),
    ("BBC News", "B.B.C News"),
    ("AT&T", "A.T and T"),
    ("R&D", "R and D"),
    ("MH17", "M.H seventeen"),
    ("G7 leaders", "G-seven leaders"),
    ("F-16 jets", "F-sixteen jets"),
    ("an Airbus A320", "an Airbus A-three twenty"),
    ("COVID-19", "COVID nineteen"),
    ("5G", "five G"),
    ("a 3D printer", "a three D printer"),
    # roman
    ("World War II", "World War two"),
    ("Charles III", "Charles the third"),
    ("Pope John Paul II", "Pope John Paul the second"),
    ("Type II diabetes", "Type two diabetes"),
    ("WWII veterans", "World War Two veterans"),
    # urls
    ("https://www.example.com/path?x=1", "example dot com"),
    (
        "Visit https://news.example.org/2023/09/27/story.html today",
        "Visit news dot example dot org today",
    ),
    ("See www.bbc.co.uk/news.", "See B.B.C dot co dot U.K."),
    ("Visit example.com for more.", "Visit example dot com for more."),
    ("CNN.com reported", "C.N.N dot com reported"),
    ("press@example.org", "press at example dot org"),
    (
        "Email jane.doe@example.com for details.",
        "Email jane dot doe at example dot com for details.",
    ),
    # symbols
    ("Johnson & Johnson", "Johnson and Johnson"),
    ("he said… then", "he said... then"),
    ("wait—what?", "wait, what?"),
    ("the road – the only one", "the road, the only one"),
    ('"Yes," she said.', '"Yes," she said.'),
    ("‘quoted’ words", "'quoted' words"),
    ("and/or", "and or"),
    ("he/she", "he or she"),
    ("Photo: Reuters/Getty", "Photo: Reuters, Getty"),
    ("N/A", "not available"),
    ("e.g. this", "for example this"),
    ("i.e. the end", "that is the end"),
    ("Jones vs. Smith", "Jones versus Smith"),
    ("No. 10", "number ten"),
    ("#5", "number five"),
    ("#MeToo", "hashtag MeToo"),
    ("3 + 4 = 7", "three plus four equals seven"),
    ("~50 people", "about fifty people"),
    ("±2", "plus or minus two"),
    ("OPEC+", "OPEC plus"),
    ("C++", "C plus plus"),
    ("3/4 of voters", "three quarters of voters"),
    ("1 1/2 cups", "one and a half cups"),
    ("2½ hours", "two and a half hours"),
    ("24/7", "twenty-four seven"),
    ("1-800-555-1234", "one, eight zero zero, five five five, one two three four"),
    # characters, quotes and the clean-up of punctuation the rules before left
    ("soft\u00adhy\u200bphen", "softhyphen"),
    ("He said “yes”.", 'He said "yes".'),
    ("% of voters", "percent of voters"),
    ("Wait , what ?", "Wait, what?"),
    ("one,, two", "one, two"),
    ("the end,.", "the end."),
    (", hello", "hello"),
    ("one,two", "one, two"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_normalize_english(text: str, expected: str) -> None:
    assert normalize(text) == expected


LANG_CASES = [
        # other languages: only the language-neutral rules
        ("Alain Jocard/AFP/Getty Images", "fr", "Alain Jocard, AFP, Getty Images"),
        ("Jana Müller/dpa/Getty Images", "de", "Jana Müller, dpa, Getty Images"),
        ("2019–2021 — voilà", "fr", "2019-2021, voilà"),
        ("“Bonjour…” dit-il", "fr-FR", '"Bonjour..." dit-il'),
        ("voir https://www.lemonde.fr/x/y.html.", "fr", "voir lemonde.fr."),
        ("120.000 Menschen am 27. September 2023, 3 % mehr", "de",
         "120.000 Menschen am 27. September 2023, 3 % mehr"),
        ("Dr. Müller & Co. um 15:30 Uhr", "de", "Dr. Müller & Co. um 15:30 Uhr"),
        ("1,5 millions d’euros", "fr", "1,5 millions d'euros"),
        # English variants get every rule
        ("AFP", "en-GB", "A.F.P"),
        ("AFP", "en_US", "A.F.P"),
        ("AFP", "gmw/en-us", "A.F.P"),
        ("AFP", "EN", "A.F.P"),
]


@pytest.mark.parametrize(("text", "lang", "expected"), LANG_CASES)
def test_normalize_by_language(text: str, lang: str, expected: str) -> None:
    assert normalize(text, lang) == expected


def _rules_that_match(text: str, lang: str) -> set[str]:
    """The rules that find something in ``text``, each seeing it as the rules before left it."""
    english = reads_as_english(lang)
    matched = set()
    for rule in RULES:
        if english or not rule.english_only:
            if rule.pattern.search(text):
                matched.add(rule.name)
            text = rule.apply(text)
    return matched


def test_the_tables_exercise_every_rule() -> None:
    """Each rule of RULES rewrites some input of the tables above: a rule without a case fails."""
    inputs = [(text, "en") for text, _ in CASES] + [(text, lang) for text, lang, _ in LANG_CASES]
    matched = set().union(*(_rules_that_match(text, lang) for text, lang in inputs))
    assert [rule.name for rule in RULES if rule.name not in matched] == []
    assert len({text for text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t", "—", "/", "%", "$", "...", "…", "#", "&", ",", "U.S.", "1,", ".5.", "a.m."],
)
def test_degenerate_input(text: str) -> None:
    result = normalize(text)
    assert result == result.strip()
    assert "  " not in result


def test_white_space_and_invisible_characters() -> None:
    assert normalize("two\u00a0words\nand\u200bmore  here\t") == "two words andmore here"


def test_rules_are_named_once_documented_and_never_match_empty_text() -> None:
    """A rule that matches empty text would insert its replacement between every character."""
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.pattern.search("") is None, f"rule {rule.name} matches empty text"
        assert rule.replace.__doc__, f"rule {rule.name} has no documented replacement"


def test_a_failing_replacement_leaves_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import briefing.speech.numbers as module

    def boom(n: int, **kwargs: object) -> str:
        raise OverflowError("too big")

    monkeypatch.setattr(module, "num2words", boom)
    assert normalize("home to 120,000 people") == "home to 120,000 people"


def test_huge_numbers_are_read_digit_by_digit() -> None:
    assert normalize("1" * 20) == " ".join(["one"] * 20)
    assert normalize("id 12345678901234567890th") == "id " + " ".join(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero"] * 2)
