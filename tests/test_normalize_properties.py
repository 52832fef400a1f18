"""Normalisation for the ear, as properties over generated text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.speech.normalize import normalize

# -- properties ---------------------------------------------------------------------------------

SYMBOLS = "0123456789$€£¥%/-–—:.,'’\"“”&+#@°²½ ()[]AEFIMNOPSUamp"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.sampled_from(["en", "fr", "en-GB", "de"]))
def test_any_text_gives_text(text: str, lang: str) -> None:
    """Never raises; in English every ASCII digit is read out as words."""
    result = normalize(text, lang)
    assert result == result.strip()
    if lang.startswith("en"):
        assert not re.search("[0-9]", result), (text, result)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=SYMBOLS, max_size=60))
def test_dense_symbol_text_gives_text(text: str) -> None:
    """Digits amid symbols are read out too: none is left for the engine to spell."""
    result = normalize(text)
    assert not re.search("[0-9]", result), (text, result)


WORDS = st.sampled_from([
    "people", "border", "region", "ceasefire", "volunteers", "Armenia", "Kornidzor", "glacier",
    "minister", "truck", "river", "Reuters", "Getty", "photo", "hospital", "council", "Müller",
]) | st.from_regex(r"[a-z]{5,12}", fullmatch=True)
PATTERNS = st.sampled_from([
    "120,000", "3.5", "25th", "1994", "2009", "the 1990s", "3%", "2.5 percentage points",
    "$350,000", "£4.2bn", "€5", "$1.5 million", "3 p.m. ET", "10:30 a.m.", "Nov. 5", "Sept.",
    "Dr.", "Gov.", "3.2 meters", "14-kilometer", "80 mm", "km/h", "-5°C", "AFP", "U.N.",
    "USAID", "NATO", "US", "60-80", "2019–2021", "&", "—", "…", "https://example.com/a/b",
    "press@example.org", "AFP/Getty", "\"quoted\"", "NGOs", "F-16", "World War II", "No. 10",
    "24/7", "1-800-555-1234", "2023-09-27", "#5", "+", "27 September",
])
SEPARATORS = st.sampled_from([" ", ", ", " — ", "; ", ". "])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(WORDS, PATTERNS, SEPARATORS), min_size=1, max_size=8))
def test_words_of_the_input_survive_in_order(parts: list[tuple[str, str, str]]) -> None:
    text = "".join(f"{word} {pattern}{separator}" for word, pattern, separator in parts)
    spoken = re.findall(r"\w+", normalize(text))
    position = 0
    for word, _, _ in parts:
        assert word in spoken[position:], (text, spoken)
        position = spoken.index(word, position) + 1
