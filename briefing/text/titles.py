"""Cut headlines and chapter titles at a phrase boundary, never mid-phrase.

A spoken headline or a chapter title is a whole phrase: "Rhône Glacier lost about 3 percent of
its ice volume", not "... of its ice volume over".  The text is cut only where English phrases
begin (after a comma, semicolon or dash; before a subordinator such as "after" or "while";
before a preposition, a participle or a trailing "on Monday"), and a cut is kept only when the
words before it end on a content word: never a function word, a possessive ("Wrocław's",
"its"), a number whose noun follows ("3 | percent"), a capitalised word whose head follows
("the Presidential | Palace", "the Lachin | corridor"), or a "to" + verb whose object follows
("line up to receive | aid").  When the main clause is too long, it is first made shorter the
way a sub-editor would: a reporting frame ("Scientists say"), a person's title ("NATO Secretary
General"), a place after the subject ("Armenians from Nagorno-Karabakh line up") or the
modifiers of a long noun phrase are dropped (:mod:`briefing.text.shortening`), and the variant that
keeps the most is chosen.

Why hand-written rules: the offline taggers that ship with their model inside a PyPI wheel are
either unmaintained or far heavier than the job, and NLTK and spaCy fetch their models at run
time, which the briefing may not do.  News headlines and captions are short, regular English
in which closed word classes (:mod:`briefing.text.wordclasses`) and punctuation mark the phrase
boundaries well enough; the open classes never need tagging.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing.text import wordclasses as wc
from briefing.text.months import MONTHS, month_abbreviation_pattern
from briefing.text.phrases import (
    Token,
    bare,
    count_words,
    cut_rank,
    ends_well,
    is_content,
    is_determiner,
    starts_verb,
    tokens,
)
from briefing.text.shortening import SHORTENINGS, drop_relative_clause, first_auxiliary
from briefing.text.wordclasses import is_adverb, is_function_word, is_number, is_possessive

_POSITION = re.compile(
    r",\s+(?:(?:second|third|far|top|bottom|front|back)\s+(?:from\s+)?)?"
    r"(?:left|right|center|centre)\b\s*,?\s*", re.I)
_DATELINE = re.compile(
    r"^[A-ZÀ-ÝĀ-Ž][A-ZÀ-ÝĀ-Ž .'’-]{2,}(?:,\s+[\w .'’-]+?)?\s*(?:\([\w./ ]{1,20}\))?\s*[—–-]+\s+")
"""An agency dateline: ``KYIV, Ukraine (AP) — ``."""
_DATE_LABEL = re.compile(
    rf"^(?:{'|'.join(month.upper() for month in MONTHS)})"
    r"\s+\d{1,2}(?:,\s*\d{4})?\s*:\s+")
"""The date of a picture agency's caption, after its dateline: ``JANUARY 29, 2025: ``."""
_ABBREVIATION = re.compile(
    r"^(?:[A-Z]\.)+$|^(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|Jr|Sr|No|vs|"
    rf"{month_abbreviation_pattern()}|Inc|Ltd|Co|Corp|Mt|Ft|Ave|Blvd)\.$|\.\w+\.$")
"""Words ending in a full stop that do not end a sentence ("U.S.", "Dr.", "Sept.")."""
_MAX_TOKENS = 80
"""A title never needs more of a sentence than this (and a run-on caption costs no time)."""


# --------------------------------------------------------------------------- clean-up

def _drop_interruption(toks: list[Token]) -> list[Token]:
    """Drop what stands between commas (or dashes) after the subject, before its verb.

    ``Samantha Power, the administrator of ..., speaks`` → ``Samantha Power speaks``;
    ``Greek firefighters, backed by planes, battled``; ``the fire, which started ..., spread``;
    ``a third of the world's population — some 2.6 billion people — still have``.  The aside
    starts like one (an article, a name, a number, "who", a participle) so that a list
    ("apples, pears, plums") is left alone.
    """
    first = next((k for k in range(min(len(toks), 9))
                  if toks[k].ends_clause or toks[k].is_dash), None)
    if first is None or first + 2 >= len(toks) or first == 0:
        return toks
    dash = toks[first].is_dash
    if not dash and not toks[first].text.rstrip("\"”’'").endswith(","):
        return toks  # "Ukraine war: Russia launches ..." is a label, not a subject
    opener = toks[first + 1]
    if not (opener.lower in wc.DETERMINERS or opener.capitalised or is_number(opener.word)
            or opener.lower in ("who", "whose", "which", "himself", "herself", "some", "about")
            or opener.lower.endswith(("ed", "ing"))):
        return toks
    for m in range(first + 1, min(len(toks) - 1, first + 22)):
        if toks[m].is_dash != dash and (toks[m].is_dash or toks[m].ends_clause):
            return toks
        if (toks[m].is_dash if dash else toks[m].text.rstrip("\"”’'").endswith(",")):
            verb = m + 1
            while verb + 1 < len(toks) and (toks[verb].lower in wc.ADVERBS
                                            or is_adverb(toks[verb].word)):
                verb += 1  # "— some 2.6 billion people — still have"
            if not starts_verb(toks[verb]):
                return toks
            subject = toks[:first] if dash else [*toks[:first], bare(toks[first])]
            return [*subject, *toks[m + 1:]]
    return toks


def _drop_intro(toks: list[Token]) -> list[Token]:
    """``In Goris, refugees wait for news`` → ``refugees wait for news``."""
    if not toks or toks[0].lower not in wc.INTRO_STARTS:
        return toks
    for j in range(min(len(toks), 12)):
        if toks[j].word.endswith(("'s", "’s")) or toks[j].in_quote:
            return toks  # "Last year's floods, which ..." is a subject
        if toks[j].ends_clause:
            rest = toks[j + 1:]
            return rest if len(rest) >= 3 else toks
        if toks[j].is_dash:
            return toks
    return toks


def _clean(text: str, *, dateline: bool) -> list[Token]:
    text = " ".join(text.split())
    if dateline:
        text = _DATE_LABEL.sub("", _DATELINE.sub("", text, count=1), count=1)
    text = _POSITION.sub(" ", re.sub(r"\s*\([^()]*\)", "", text))
    text = re.sub(r"(?<=\w)([—–])(?=\w)", r" \1 ", text)
    toks = _first_sentence(tokens(text.strip()))[:_MAX_TOKENS]
    if toks:
        last = toks[-1]
        if not _ABBREVIATION.match(last.text):
            toks[-1] = Token(last.text.rstrip(".!?…"), last.word, last.lower, last.is_dash,
                             False, last.in_quote)
    return _drop_intro(_drop_interruption(toks))


def _first_sentence(toks: list[Token]) -> list[Token]:
    """The tokens up to the end of the first sentence ("... on September 26. Power said ...")."""
    for k, tok in enumerate(toks[:-1]):
        core = tok.text.rstrip("\"'”’)»")
        nxt = toks[k + 1].text.lstrip("\"'“‘(«")
        if (core.endswith((".", "!", "?", "…")) and not tok.in_quote and nxt[:1].isupper()
                and not _ABBREVIATION.match(core)):
            return toks[:k + 1]
    return toks


def _render(toks: Sequence[Token]) -> str:
    """The words joined, without edge punctuation or a quotation mark left open."""
    text = " ".join(t.text for t in toks).strip(" ,;:—–-")
    text = re.sub(r"[,;:]+([\"”’»])$", r"\1", text)  # '"We will not back down,"'
    if text.count('"') % 2:
        text = text.replace('"', "")
    for opening, closing in ("“”", "«»"):
        if text.count(opening) != text.count(closing):
            text = text.replace(opening, "").replace(closing, "")
    text = text.rstrip(" ,;:")
    if not _ABBREVIATION.match(text.rsplit(" ", 1)[-1]):
        text = text.rstrip(".")
    return _capitalise(text)


def _capitalise(text: str) -> str:
    """The first letter in upper case, unless the word is written so ("iPhone", "eBay")."""
    first = text.split(" ", 1)[0]
    return text if any(ch.isupper() for ch in first[1:]) else text[:1].upper() + text[1:]


def _compress_last_noun_phrase(toks: list[Token], end: int, max_words: int) -> list[Token]:
    """Drop modifiers inside the last noun phrase of ``toks[:end]`` until it fits.

    ``fire a BM-21 Grad multiple rocket launcher`` → ``fire a rocket launcher``.
    """
    start = end - 1
    while start > 0 and is_content(toks[start - 1]) and not toks[start - 1].ends_clause:
        start -= 1
    if start == 0 or not is_determiner(toks[start - 1]):
        return []
    keep = min(end - start - (count_words(toks, end) - max_words), 2)
    dropped = toks[start:end - keep]
    if keep < 1 or not dropped or any(is_possessive(t.word) or t.in_quote or t.text != t.word
                                      for t in dropped):
        return []
    det = toks[start - 1]
    if det.lower in ("a", "an"):
        vowel = toks[end - keep].lower[:1] in "aeiou"
        article = ("An" if vowel else "A") if det.capitalised else ("an" if vowel else "a")
        det = Token(article, article, article.lower(), False, False)
    kept = [*toks[:start - 1], det, *toks[end - keep:end]]
    return kept if len(kept) >= 3 else []


# --------------------------------------------------------------------------- choosing the cut

def _choose(toks: list[Token], end: int, max_words: int,
            min_words: int) -> tuple[int, list[Token]]:
    """The longest well-ended cut of ``toks[:end]`` within ``max_words``, with its quality.

    Quality 3: the clause itself; 2: a phrase cut of at least ``min_words``; 1: a shorter
    phrase cut or a shortened noun phrase; 0: any cut that ends well, or the first words.
    """
    ranks = {i: cut_rank(toks, i) for i in range(1, len(toks))}

    def well(i: int) -> bool:
        return (i == len(toks) or ranks[i] is not None) and ends_well(toks, i)

    if count_words(toks, end) <= max_words and ends_well(toks, end):
        return 3, toks[:end]
    fits = [i for i in range(1, end + 1) if well(i) and count_words(toks, i) <= max_words]
    if fits and count_words(toks, max(fits)) >= min_words:
        return 2, toks[:max(fits)]
    for i in (i for i in range(1, end + 1) if well(i) and count_words(toks, i) > max_words):
        squeezed = _compress_last_noun_phrase(toks, i, max_words)
        if squeezed:
            return 1, squeezed
    if fits:
        return 1, toks[:max(fits)]
    hard = [i for i in range(1, end + 1)
            if count_words(toks, i) <= max_words and ends_well(toks, i)]
    if hard:
        return 0, toks[:max(hard)]
    for i in range(min(end, max_words), 0, -1):
        if _not_cut_inside(toks, i):
            return 0, toks[:i]
    words = [t for t in toks[:end] if t.word and not t.is_dash][:max_words] or [
        t for t in toks if t.word][:1]
    while len(words) > 1 and (not is_content(words[-1]) or is_possessive(words[-1].word)):
        words.pop()
    return 0, words


def _not_cut_inside(toks: list[Token], i: int) -> bool:
    """The last resort: ``toks[:i]`` ends on a content word and cuts no name, number or
    "to" + verb from what it needs (a verb may lose its object)."""
    last = toks[i - 1]
    if not is_content(last) or is_possessive(last.word) or last.in_quote:
        return False
    if i >= len(toks) or last.ends_clause or toks[i].is_dash:
        return True
    nxt = toks[i]
    return not ((last.capitalised and nxt.capitalised)
                or (is_number(last.word) and not is_function_word(nxt.word))
                or (i >= 2 and toks[i - 2].lower == "to"))


def _main_clause_end(toks: list[Token], min_words: int) -> int:
    """Where the first clause ends; a quotation that opens the text goes on to who said it."""
    quoted = toks[0].in_quote
    for i in range(1, len(toks)):
        if quoted and not toks[i - 1].in_quote:
            quoted = False
            continue  # '"We will not back down," | Taiwan's president said'
        if (cut_rank(toks, i) == 0 and count_words(toks, i) >= min_words
                and ends_well(toks, i)):
            return i
    return len(toks)


def _subject_only(toks: Sequence[Token], chosen: Sequence[Token], end: int) -> bool:
    """Whether ``chosen`` is a prefix of ``toks`` that stops before the clause's first auxiliary:
    a subject without its verb ("The average price of a litre of petrol")."""
    aux = first_auxiliary(toks, end)
    return aux is not None and len(chosen) <= aux and list(toks[:len(chosen)]) == list(chosen)


def cut_phrase(text: str, max_words: int, *, min_words: int = 3, whole_if_fits: bool = False,
               dateline: bool = False, shorten_clause: bool = True,
               drop_article: bool = False) -> str:
    """The main clause of ``text``, cut at a phrase boundary to at most ``max_words`` words.

    With ``whole_if_fits`` the whole text is kept when it is short enough and ends well
    (headlines); otherwise the main clause comes first ("after crossing the border", "on
    Monday" go); ``drop_article`` drops a leading "A" or "The".  A main clause too long is
    shortened (with ``shorten_clause``, see the module docstring), and of the variants the one
    with the best cut, then the most words, wins.
    """
    toks = _title_tokens(text, dateline=dateline, drop_article=drop_article)
    if not toks:
        return ""
    if whole_if_fits and count_words(toks) <= max_words and ends_well(toks, len(toks)):
        return _render(toks)
    if count_words(toks) > max_words:
        toks = drop_relative_clause(toks)  # inside the subject, it leaves its verb too far
    return _render(_best_cut(toks, max_words, min_words, shorten_clause=shorten_clause))


def _title_tokens(text: str, *, dateline: bool, drop_article: bool) -> list[Token]:
    """The tokens a title is cut from: without the dateline and labels, and a leading article
    when ``drop_article``."""
    toks = _clean(text, dateline=dateline)
    if not any(ch.isalnum() for t in toks for ch in t.word):  # "— (AP)": its words, brackets aside
        toks = tokens(re.sub(r"[()\[\]]", "", text))
    if drop_article and len(toks) > 2 and toks[0].lower in ("a", "an", "the"):
        toks = toks[1:]
    return toks


def _best_cut(toks: list[Token], max_words: int, min_words: int, *,
              shorten_clause: bool) -> list[Token]:
    """Of the text and its shortened variants (:data:`SHORTENINGS`, applied in turn), the cut
    with the best quality, then the most words."""
    best: tuple[int, int, list[Token]] | None = None
    variant = toks
    for shorten in (None, *SHORTENINGS):
        if best is not None and not shorten_clause and best[0] >= 2:
            break  # a headline keeps its attribution and names unless it cannot be cut
        if shorten is not None:
            shorter = shorten(variant)
            if shorter == variant:
                continue
            variant = shorter
        end = _main_clause_end(variant, min_words)
        quality, chosen = _choose(variant, end, max_words, min_words)
        if _subject_only(variant, chosen, end):
            quality = min(quality, 1)
        if best is None or (quality, count_words(chosen)) > best[:2]:
            best = (quality, count_words(chosen), chosen)
        if quality == 3:
            break
    assert best is not None
    return best[2]


def headline(sentence: str, max_words: int = 14) -> str:
    """A spoken headline from an article's first sentence: whole when short, else its core.

    Unlike a chapter title, a headline keeps its attribution and names in full ("Scientists
    say", "Armenian Prime Minister Nikol Pashinyan") when it can be cut without dropping them.
    """
    return cut_phrase(sentence, max_words, min_words=4, whole_if_fits=True, dateline=True,
                      shorten_clause=False)


def chapter_title(text: str, max_words: int = 8) -> str:
    """A chapter title from a caption or headline: the main clause, at most ``max_words`` words.

    A leading article is dropped ("Woman cries in a truck").
    """
    title = cut_phrase(text, max_words, dateline=True, drop_article=True)
    first, _, rest = title.partition(" ")
    if first.lower() in ("a", "an", "the") and len(rest.split()) >= 2:
        title = _capitalise(rest)  # left by a shortening ("The cyclone could ...")
    return title
