"""One decision of which reading rules a language gets: numbers and quotations agree for every
language tag (BCP 47 tags, underscores, upper case, espeak-ng voice ids)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.speech.language import language_code, reads_as_english
from briefing.speech.spoken import spoken_text

ENGLISH = ["en", "EN", "en-GB", "en-us", "en_US", "en-029", "gmw/en-us", "gmw/en", " en-gb "]
OTHER = ["fr", "fr-FR", "de", "de-CH", "roa/fr", "gmw/de", "es-419", "eng", "english", "e",
         "", "nl", "zh/yue", "ena"]

SENTENCE = 'He said: "We will rebuild all 120 houses in the valley." It cost $5m.'
QUOTE_FRAMED = "quote, We will rebuild all one hundred and twenty houses in the valley, end quote."


@pytest.mark.parametrize("lang", ENGLISH)
def test_english_tags_read_numbers_and_frame_quotes(lang: str) -> None:
    said = spoken_text(SENTENCE, lang)
    assert said == f"He said: {QUOTE_FRAMED} It cost five million dollars."


@pytest.mark.parametrize("lang", OTHER)
def test_other_tags_leave_numbers_and_quotes_to_the_engine(lang: str) -> None:
    said = spoken_text(SENTENCE, lang)
    assert said == SENTENCE


@pytest.mark.parametrize(("lang", "code"), [
    ("gmw/en-us", "en"), ("EN_gb", "en"), ("en-029", "en"), ("fr-FR", "fr"), ("roa/fr", "fr"),
    ("eng", "eng"), ("", ""), ("zh/yue", "yue"),
])
def test_language_code(lang: str, code: str) -> None:
    assert language_code(lang) == code


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/ ",
               max_size=14))
def test_numbers_and_quotes_agree_for_any_tag(lang: str) -> None:
    said = spoken_text(SENTENCE, lang)
    numbers_read = "one hundred and twenty" in said
    quotes_framed = "end quote" in said
    assert numbers_read == quotes_framed == reads_as_english(lang)
