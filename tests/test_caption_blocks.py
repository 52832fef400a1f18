"""Caption blocks: where captions and credits are, decided with the whole block in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.text.article import parse_text_article
from briefing.text.captions import analyse_blocks, excerpt, split_blocks
from briefing.text.credit_lines import Likelihood
from briefing.text.credits import CreditRole
from tests.test_credits import CREDITS, ORGANISATION_ONLY, expected_likelihood

PHOTOGRAPHER, AGENCY, HANDOUT, POOL, FILE, COURTESY, OFFICE, PROVIDER = (
    CreditRole.PHOTOGRAPHER, CreditRole.AGENCY, CreditRole.HANDOUT, CreditRole.POOL,
    CreditRole.FILE, CreditRole.COURTESY, CreditRole.OFFICE, CreditRole.PROVIDER)

# --------------------------------------------------------------------------- blocks

def layout(text: str) -> list[tuple[str, str | None]]:
    result = analyse_blocks(split_blocks(text))
    return [(p.caption.text, p.credit.text if p.credit else None) for p in result.photos]


BLOCKS = [
    # the block: lower-case agency, office and courtesy credits
    ("A conductor leads a choir on July 5.\npicture alliance/dpa\n"
     "Singers march in Vilnius on July 6.\nFestival press office\n"
     "The president greets choir leaders.\nCourtesy of the Lithuanian presidency",
     [("A conductor leads a choir on July 5.", "picture alliance/dpa"),
      ("Singers march in Vilnius on July 6.", "Festival press office"),
      ("The president greets choir leaders.", "Courtesy of the Lithuanian presidency")]),
    # handouts, pools, file photos and a copyright sign
    ("Rescuers carry a woman from a flooded house.\nHandout/Reuters\n"
     "Officials inspect the dam.\nPool/AFP/Getty Images\n"
     "The dam in 2019.\nFile photo\n"
     "The reservoir on May 13.\nSatellite image ©2024 Maxar Technologies",
     [("Rescuers carry a woman from a flooded house.", "Handout/Reuters"),
      ("Officials inspect the dam.", "Pool/AFP/Getty Images"),
      ("The dam in 2019.", "File photo"),
      ("The reservoir on May 13.", "Satellite image ©2024 Maxar Technologies")]),
    # a caption without a credit in the middle and at the end
    ("A boy swims in the lake.\nAna Brito/Reuters\nClouds gather over the hills.\n"
     "A family walks home in the rain.\nFamily handout\nThe storm passes at dusk.",
     [("A boy swims in the lake.", "Ana Brito/Reuters"),
      ("Clouds gather over the hills.", None),
      ("A family walks home in the rain.", "Family handout"),
      ("The storm passes at dusk.", None)]),
    # a credit with no caption before it is left out, never made a photo
    ("Handout via Reuters\nSoldiers cross the river.\nPool photo via AP\nFile/AP",
     [("Soldiers cross the river.", "Pool photo via AP")]),
    # an organisation's name is a credit after a caption, and a short caption before a credit
    ("Sailors load supplies on May 2.\nU.S. Navy\nThe White House\nJane Doe/AP\n"
     "NASA Administrator Bill Nelson\nAnna Berg/Reuters",
     [("Sailors load supplies on May 2.", "U.S. Navy"), ("The White House", "Jane Doe/AP"),
      ("NASA Administrator Bill Nelson", "Anna Berg/Reuters")]),
    # names in other alphabets, and a name-only credit after a caption
    ("Students wave flags.\nДмитрий Иванов/ТАСС\nDelegations meet.\nNguyễn Văn A/VNA\n"
     "Tourists walk by the lake.\nLinh Pham",
     [("Students wave flags.", "Дмитрий Иванов/ТАСС"), ("Delegations meet.", "Nguyễn Văn A/VNA"),
      ("Tourists walk by the lake.", "Linh Pham")]),
]


@pytest.mark.parametrize(("block", "photos"), BLOCKS)
def test_caption_blocks(block: str, photos: list[tuple[str, str | None]]) -> None:
    assert layout(f"Summary paragraph of the story.\n\n{block}\n") == photos


def test_summary_paragraphs_stay_paragraphs() -> None:
    text = ("The council met on Friday.\n\nIt approved the budget, officials said.\n"
            "Mayor Anna Berg\nwelcomed the decision.\n\nMore meetings follow.\n")
    result = analyse_blocks(split_blocks(text))
    assert result.photos == ()
    assert len(result.paragraphs) == 3
    wrapped = ("First paragraph.\n\nThe council met on Friday.\nMayor Anna Berg said the vote\n"
               "was a victory. Others disagreed.\nCouncillor Jan Olsen called it rushed\n"
               "and unfair.\n\nLast paragraph.\n")
    result = analyse_blocks(split_blocks(wrapped))
    assert result.photos == () and len(result.paragraphs) == 3


def test_an_unknown_credit_form_is_placed_by_the_alternation() -> None:
    result = analyse_blocks(split_blocks(
        "Summary.\n\nA boy swims in the lake.\nKornidzor municipality press team\n"
        "Two girls play on the shore.\nJane Doe/AP\n"))
    assert [(p.caption.text, p.credit.text if p.credit else None) for p in result.photos] == [
        ("A boy swims in the lake.", "Kornidzor municipality press team"),
        ("Two girls play on the shore.", "Jane Doe/AP")]
    assert result.warnings == ("line 4: 'Kornidzor municipality press team' read as the credit "
                               "of photo 1 (it does not look like one; unsure)",)


def test_unsure_lines_are_named_in_warnings() -> None:
    result = analyse_blocks(split_blocks(
        "Summary.\n\nA boy swims.\nAna Brito/Reuters\nHandout via Reuters\n"))
    assert [p.caption.text for p in result.photos] == ["A boy swims."]
    assert any(w.startswith("line 5: credit line with no caption") for w in result.warnings)


# --------------------------------------------------------------------------- property

CAPTIONS = st.sampled_from([
    "A woman cries in a truck after crossing the border on Wednesday, September 27.",
    "People board a bus near a Red Cross registration center.",
    "Volunteers give apples to people arriving in Kornidzor.",
    "This satellite image shows the breached dam on May 13.",
    "Riot police stand guard at the airport.",
    "Singers in folk costume march along the avenue",
])
FORM_CREDITS = [line for line, *_ in CREDITS if expected_likelihood(line) is Likelihood.FORM]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(CAPTIONS, st.sampled_from(FORM_CREDITS)), min_size=1, max_size=14))
def test_a_credit_line_never_becomes_a_caption(lines: list[str]) -> None:
    article = parse_text_article(" date 2024-05-14 Summary.\n\n" + "\n".join(lines) + "\n",
                                 Path("a.txt"))
    credits = set(FORM_CREDITS)
    assert not any(photo.caption in credits for photo in article.photos)
    # every caption directly followed by a credit line gets that credit
    pairs = [(a, b) for a, b in zip(lines, [*lines[1:], None], strict=True)
             if a not in credits and b in credits]
    got = [(p.caption, p.credit.raw if p.credit else None) for p in article.photos]
    for pair in pairs:
        assert pair in got


NAMES = st.sampled_from(["Astrig Agopian", "Linh Pham", "Ana Brito", *sorted(ORGANISATION_ONLY)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(CAPTIONS, st.sampled_from(FORM_CREDITS), NAMES), min_size=1,
                max_size=14))
def test_no_line_of_the_last_block_is_lost_silently(lines: list[str]) -> None:
    article = parse_text_article(" date 2024-05-14 Summary.\n\n" + "\n".join(lines) + "\n",
                                 Path("a.txt"))
    kept = " ".join(article.paragraphs)
    for photo in article.photos:
        kept += " " + photo.caption + " " + (photo.credit.raw if photo.credit else "")
    kept += " ".join(article.warnings)
    for line in lines:
        assert line in kept


@pytest.mark.parametrize(("text", "quoted"), [
    ("Smoke rises over the hills.", "'Smoke rises over the hills.'"),
    ("Children from a local school hold up the bottle caps they collected on May 11.",
     "'Children from a local school hold up the bottle caps they…'"),
    ("x" * 80, repr("x" * 60 + "…")),
])
def test_warnings_quote_captions_cut_at_a_word(text: str, quoted: str) -> None:
    assert excerpt(text) == quoted
    assert len(quoted) <= 64
