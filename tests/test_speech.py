"""What the engine is asked to say: lexicon, normalisation, quotations."""

from __future__ import annotations

import pytest

from briefing.speech.lexicon import Lexicon
from briefing.speech.spoken import spoken_text


@pytest.mark.parametrize(("text", "spoken"), [
    ('"It is absolutely critical that monitors get access," she said.',
     "quote, It is absolutely critical that monitors get access, end quote, she said."),
    ('He said: "We will rebuild every house in the valley."',
     "He said: quote, We will rebuild every house in the valley, end quote."),
    ('suffering from "severe malnutrition," according to doctors.',
     'suffering from "severe malnutrition," according to doctors.'),
    ("home to 120,000 ethnic Armenians.",
     "home to one hundred and twenty thousand ethnic Armenians."),
    ("Photo by Alain Jocard, AFP, via Getty Images.",
     "Photo by Alain Jocard, A.F.P, via Getty Images."),
])
def test_spoken_text(text: str, spoken: str) -> None:
    assert spoken_text(text) == spoken


def test_lexicon_phonemes_are_not_normalised() -> None:
    lexicon = Lexicon.from_entries({"Pashinyan": "[[paSIn'jan]]", "Kornidzor": "Kor-nid-zor"})
    assert spoken_text("Pashinyan visited Kornidzor on Sept. 5.", "en", lexicon) == (
        "[[paSIn'jan]] visited Kor-nid-zor on September fifth.")


def test_other_languages_fall_back_to_the_engine() -> None:
    assert spoken_text('Er sagte: "Wir bauen jedes Haus im Tal wieder auf." 120 Häuser.',
                       "de") == 'Er sagte: "Wir bauen jedes Haus im Tal wieder auf." 120 Häuser.'
