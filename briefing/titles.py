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
modifiers of a long noun phrase are dropped, and the variant that keeps the most is chosen.

Why hand-written rules: the offline taggers that ship with their model inside a PyPI wheel are
either unmaintained or far heavier than the job, and NLTK and spaCy fetch their models at run
time, which the briefing may not do.  News headlines and captions are short, regular English
in which closed word classes (:mod:`briefing.wordclasses`) and punctuation mark the phrase
boundaries well enough; the open classes never need tagging.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing import wordclasses as wc
from briefing.wordclasses import is_function_word, is_number, is_possessive

_EDGE_PUNCT = "\"'“”‘’«»„()[]{}"
_CLAUSE_PUNCT = (",", ";", ":")
_DASHES = frozenset({"—", "–", "-", "--"})
_NAME_JOINERS = wc.words("of de del der di du von van & and y")
_POSITION = re.compile(
    r",\s+(?:(?:second|third|far|top|bottom|front|back)\s+(?:from\s+)?)?"
    r"(?:left|right|center|centre)\b\s*,?\s*", re.I)
_DATELINE = re.compile(
    r"^[A-ZÀ-ÝĀ-Ž][A-ZÀ-ÝĀ-Ž .'’-]{2,}(?:,\s+[\w .'’-]+?)?\s*(?:\([\w./ ]{1,20}\))?\s*[—–-]+\s+")


@dataclass(frozen=True)
class _Token:
    """One word as written, with what the cutting rules need to know about it."""

    text: str
    word: str
    lower: str
    is_dash: bool
    ends_clause: bool

    @property
    def capitalised(self) -> bool:
        return bool(self.word) and self.word[0].isupper()


def _tokens(text: str) -> list[_Token]:
    found = []
    for raw in text.split():
        word = raw.strip(_EDGE_PUNCT).rstrip(",;:.!?…").strip(_EDGE_PUNCT)
        found.append(_Token(raw, word, word.lower(), raw in _DASHES,
                            raw.rstrip(_EDGE_PUNCT).endswith(_CLAUSE_PUNCT)))
    return found


def _bare(tok: _Token) -> _Token:
    """The token without the punctuation that ended its clause."""
    return _Token(tok.text.rstrip(",;:"), tok.word, tok.lower, tok.is_dash, False)


def _is_content(tok: _Token) -> bool:
    return bool(tok.word) and not tok.is_dash and not is_function_word(tok.word)


def _is_determiner(tok: _Token) -> bool:
    return tok.lower in wc.DETERMINERS or tok.lower in wc.POSSESSIVE_PRONOUNS or (
        is_possessive(tok.word) and not tok.is_dash)


# --------------------------------------------------------------------------- cut points

def _is_time_phrase(toks: Sequence[_Token], i: int) -> bool:
    """Whether ``toks[i:]`` starts a time adverbial: "on Monday", "in September", "last week"."""
    tok = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if tok.lower in ("yesterday", "today", "tonight", "overnight"):
        return True
    if tok.lower in wc.TIME_STARTS:
        return nxt is not None and nxt.lower in wc.TIME_NOUNS | wc.TIME_WORDS
    if tok.lower in ("on", "in", "since", "until", "by") and nxt is not None:
        return (nxt.lower.rstrip(".") in wc.TIME_WORDS or bool(re.fullmatch(r"\d{1,4}", nxt.word))
                or (nxt.lower == "the" and i + 2 < len(toks)
                    and toks[i + 2].lower in ("morning", "evening", "night", "weekend")))
    return False


def _cut_rank(toks: Sequence[_Token], i: int) -> int | None:
    """How good a cut before ``toks[i]`` is: 0 ends a clause, 1 a phrase, 2 is weak, else None."""
    prev, tok = toks[i - 1], toks[i]
    if prev.ends_clause or tok.is_dash:
        return 0
    if prev.is_dash:
        return None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if _is_time_phrase(toks, i):
        return 0
    lower = tok.lower
    if lower in wc.PARTICLES and _is_content(prev) and not prev.capitalised:
        return None  # "line | up", "cools | off"
    if lower == "as" and prev.lower in ("such", "known", "well", "same", "much", "long", "soon",
                                         "far", "just", "so", "seen", "serves", "served"):
        return None
    if lower in wc.APPROXIMATORS and nxt is not None and is_number(nxt.word):
        return None  # "lost | about 3 percent": the number is the object
    if lower in wc.SUBORDINATORS and tok.text == tok.word:
        return 0
    between_names = prev.capitalised and nxt is not None and (
        nxt.capitalised or (nxt.lower == "the" and i + 2 < len(toks) and toks[i + 2].capitalised))
    if between_names and (lower in _NAME_JOINERS or (
            lower == "for" and prev.lower in wc.INSTITUTIONS)):
        return None  # "Bank of England", "Agency for International Development"
    if lower == "of":
        return None if prev.lower in wc.QUANTITIES else 2
    if lower == "to" and (prev.lower in wc.CONTROL or prev.lower in wc.NO_END):
        return None
    if lower in wc.PREPOSITIONS:
        return 1
    if lower in wc.WEAK:
        return 2
    if (lower.endswith("ing") and len(lower) > 5 and tok.text == tok.word and i > 1
            and _is_content(prev) and not prev.capitalised and lower not in wc.ING_NOUNS):
        return 1  # "protesters | waving flags"
    if ((lower in wc.PARTICIPLES or (lower.endswith("ed") and len(lower) > 4))
            and tok.text == tok.word and i > 1 and _is_content(prev) and not prev.capitalised
            and nxt is not None and nxt.lower in wc.PREPOSITIONS):
        return 2  # "the hub | set up in Kornidzor"
    return None


def _ends_well(toks: Sequence[_Token], i: int) -> bool:
    """Whether the words before ``toks[i]`` end a phrase (see the module docstring)."""
    if i <= 0:
        return False
    last = toks[i - 1]
    if not _is_content(last) or is_possessive(last.word) or last.lower in wc.PREPOSITIONS:
        return False
    if last.text.rstrip(",;:").endswith(("-", "/")):
        return False
    if i >= len(toks) or last.ends_clause or toks[i].is_dash:
        return True
    nxt = toks[i]
    follows = toks[i + 1] if i + 1 < len(toks) else None
    if is_number(last.word) and (nxt.lower in wc.SCALES or _is_content(nxt)) and not (
            _is_time_phrase(toks, i) or nxt.lower in wc.SUBORDINATORS):
        return False  # "3 | percent", "2,000 | people"
    if last.capitalised and nxt.capitalised:
        return False  # inside a name: "the Presidential | Palace"
    if last.capitalised and i >= 2 and _is_content(nxt) and not nxt.capitalised:
        return False  # a name modifying a noun: "the Lachin | corridor"
    if i >= 2 and toks[i - 2].lower == "to" and (_is_content(nxt) or _is_determiner(nxt)):
        return False  # "to receive | humanitarian aid"
    if _is_determiner(nxt) or is_number(nxt.word) or (
            nxt.lower in wc.APPROXIMATORS and follows is not None and is_number(follows.word)):
        return False  # a verb cut from its object: "harvest | this year's wheat"
    # inside a noun phrase: "humanitarian | aid"
    return not (_is_content(nxt) and _cut_rank(toks, i) is None)


# --------------------------------------------------------------------------- clean-up

def _drop_leading_appositive(toks: list[_Token]) -> list[_Token]:
    """``Samantha Power, the administrator of ..., speaks`` → ``Samantha Power speaks``."""
    run = 0
    while run < min(len(toks), 5) and toks[run].capitalised and not toks[run].ends_clause:
        run += 1
    if (run + 1 >= len(toks) or not toks[run].capitalised or not toks[run].ends_clause
            or not (toks[run + 1].word[:1].islower() or is_number(toks[run + 1].word))):
        return toks
    for j in range(run + 1, min(len(toks) - 1, run + 16)):
        if toks[j].is_dash:
            return toks
        if toks[j].ends_clause:
            if toks[j + 1].word[:1].islower() and toks[j + 1].lower not in wc.CONJUNCTIONS:
                return [*toks[:run], _bare(toks[run]), *toks[j + 1:]]
            return toks
    return toks


def _drop_intro(toks: list[_Token]) -> list[_Token]:
    """``In Goris, refugees wait for news`` → ``refugees wait for news``."""
    if not toks or toks[0].lower not in wc.INTRO_STARTS:
        return toks
    for j in range(1, min(len(toks), 12)):
        if toks[j].ends_clause:
            rest = toks[j + 1:]
            return rest if len(rest) >= 3 else toks
        if toks[j].is_dash:
            return toks
    return toks


def _clean(text: str, *, dateline: bool) -> list[_Token]:
    text = " ".join(text.split())
    if dateline:
        text = _DATELINE.sub("", text, count=1)
    text = _POSITION.sub(" ", re.sub(r"\s*\([^()]*\)", "", text))
    text = re.sub(r"(?<=\w)([—–])(?=\w)", r" \1 ", text)
    toks = _tokens(text.strip().rstrip(".!?…").strip())
    return _drop_intro(_drop_leading_appositive(toks))


def _render(toks: Sequence[_Token]) -> str:
    """The words joined, without edge punctuation or a quotation mark left open."""
    text = " ".join(t.text for t in toks).strip(" ,;:—–-")
    if text.count('"') % 2:
        text = text.replace('"', "")
    for opening, closing in ("“”", "«»"):
        if text.count(opening) != text.count(closing):
            text = text.replace(opening, "").replace(closing, "")
    text = text.rstrip(" ,;:.")
    return text[:1].upper() + text[1:]


def _words(toks: Sequence[_Token], i: int | None = None) -> int:
    return sum(1 for t in toks[:i] if not t.is_dash)


# --------------------------------------------------------------------------- shortening

def _drop_reporting_frame(toks: list[_Token]) -> list[_Token]:
    """``Scientists say the glacier lost ...`` → ``the glacier lost ...``."""
    for j in range(1, min(len(toks) - 3, 5)):
        if toks[j].lower in wc.REPORTING and all(_is_content(t) and not t.ends_clause
                                                  for t in toks[:j] if t.lower != "the"):
            rest = toks[j + 1:]
            if rest and rest[0].lower == "that":
                rest = rest[1:]
            return rest if (_words(rest) >= 3 and _is_content(rest[0])) or (
                rest and _is_determiner(rest[0])) else toks
        if not (_is_content(toks[j]) or toks[j].lower == "the"):
            break
    return toks


def _drop_person_titles(toks: list[_Token]) -> list[_Token]:
    """``Lithuanian President Gitanas Nausėda`` → ``Gitanas Nausėda``."""
    out: list[_Token] = []
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and (toks[j].capitalised or (
                toks[j].lower in ("of", "for") and j > i and j + 1 < len(toks)
                and toks[j + 1].capitalised)):
            j += 1
            if toks[j - 1].ends_clause:
                break
        run = toks[i:j]
        titled = [k for k, t in enumerate(run) if t.lower in wc.TITLES]
        if titled and len(run) - titled[-1] - 1 >= 2 and not any(
                t.lower in wc.TITLES or is_possessive(t.word) for t in run[titled[-1] + 1:]):
            if out and out[-1].lower in wc.DETERMINERS:
                out.pop()
            out.extend(run[titled[-1] + 1:])
        else:
            out.extend(run)
        if j == i:
            out.append(toks[i])
            j += 1
        i = j
    return out


def _drop_subject_place(toks: list[_Token]) -> list[_Token]:
    """``Volunteers in Kornidzor give apples`` → ``Volunteers give apples``."""
    start = 1 if toks and toks[0].lower in ("a", "an", "the") else 0
    for j in range(start + 1, min(len(toks), start + 4)):
        if toks[j - 1].ends_clause or not _is_content(toks[j - 1]):
            return toks
        if toks[j].lower not in ("from", "in", "at", "near", "outside"):
            continue
        the = j + 1 < len(toks) and toks[j + 1].lower == "the"
        k = run = j + 1 + the
        while run < len(toks) and toks[run].capitalised and not toks[run - 1].ends_clause:
            run += 1
        place = run < len(toks) and toks[run].lower in wc.PLACE_NOUNS
        if place and not toks[run - 1].ends_clause:
            run += 1
        if run == k or run >= len(toks) or toks[run - 1].ends_clause or (the and not place):
            return toks  # "at the Red Cross hub" is no place name after a subject
        verb = toks[run]
        if _is_content(verb) and not verb.capitalised and _cut_rank(toks, run) is None:
            return [*toks[:j - 1], _bare(toks[j - 1]), *toks[run:]]
        return toks
    return toks


def _compress_last_noun_phrase(toks: list[_Token], end: int, max_words: int) -> list[_Token]:
    """Drop modifiers inside the last noun phrase of ``toks[:end]`` until it fits.

    ``fire a BM-21 Grad multiple rocket launcher`` → ``fire a rocket launcher``.
    """
    start = end - 1
    while start > 0 and _is_content(toks[start - 1]) and not toks[start - 1].ends_clause:
        start -= 1
    if start == 0 or not _is_determiner(toks[start - 1]):
        return []
    keep = min(end - start - (_words(toks, end) - max_words), 2)
    dropped = toks[start:end - keep]
    if keep < 1 or not dropped or any(is_possessive(t.word) for t in dropped):
        return []
    kept = [*toks[:start], *toks[end - keep:end]]
    return kept if len(kept) >= 3 else []


# --------------------------------------------------------------------------- choosing the cut

def _choose(toks: list[_Token], end: int, max_words: int,
            min_words: int) -> tuple[int, list[_Token]]:
    """The longest well-ended cut of ``toks[:end]`` within ``max_words``, with its quality.

    Quality 3: the clause itself; 2: a phrase cut of at least ``min_words``; 1: a shorter
    phrase cut or a shortened noun phrase; 0: any cut that ends well, or the first words.
    """
    ranks = {i: _cut_rank(toks, i) for i in range(1, len(toks))}

    def well(i: int) -> bool:
        return (i == len(toks) or ranks[i] is not None) and _ends_well(toks, i)

    if _words(toks, end) <= max_words and _ends_well(toks, end):
        return 3, toks[:end]
    fits = [i for i in range(1, end + 1) if well(i) and _words(toks, i) <= max_words]
    if fits and _words(toks, max(fits)) >= min_words:
        return 2, toks[:max(fits)]
    for i in (i for i in range(1, end + 1) if well(i) and _words(toks, i) > max_words):
        squeezed = _compress_last_noun_phrase(toks, i, max_words)
        if squeezed:
            return 1, squeezed
    if fits:
        return 1, toks[:max(fits)]
    hard = [i for i in range(1, end + 1) if _words(toks, i) <= max_words and _ends_well(toks, i)]
    if hard:
        return 0, toks[:max(hard)]
    words = [t for t in toks[:end] if not t.is_dash][:max_words]
    while len(words) > 1 and (not _is_content(words[-1]) or is_possessive(words[-1].word)):
        words.pop()
    return 0, words


def _main_clause_end(toks: list[_Token], min_words: int) -> int:
    for i in range(1, len(toks)):
        if (_cut_rank(toks, i) == 0 and _words(toks, i) >= min_words
                and _ends_well(toks, i)):
            return i
    return len(toks)


_SHORTENINGS: tuple[Callable[[list[_Token]], list[_Token]], ...] = (
    _drop_reporting_frame, _drop_person_titles, _drop_subject_place)


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
    toks = _clean(text, dateline=dateline)
    if drop_article and len(toks) > 2 and toks[0].lower in ("a", "an", "the"):
        toks = toks[1:]
    if not toks:
        return ""
    if whole_if_fits and _words(toks) <= max_words and _ends_well(toks, len(toks)):
        return _render(toks)
    best: tuple[int, int, list[_Token]] | None = None
    variant = toks
    for shorten in (None, *(_SHORTENINGS if shorten_clause else ())):
        if shorten is not None:
            shorter = shorten(variant)
            if shorter == variant:
                continue
            variant = shorter
        end = _main_clause_end(variant, min_words)
        quality, chosen = _choose(variant, end, max_words, min_words)
        if best is None or (quality, _words(chosen)) > best[:2]:
            best = (quality, _words(chosen), chosen)
        if quality == 3:
            break
    assert best is not None
    return _render(best[2])


def headline(sentence: str, max_words: int = 14) -> str:
    """A spoken headline from an article's first sentence: whole when short, else its core.

    Unlike a chapter title, a headline keeps its attribution and names in full ("Scientists
    say", "Armenian Prime Minister Nikol Pashinyan").
    """
    return cut_phrase(sentence, max_words, min_words=4, whole_if_fits=True, dateline=True,
                      shorten_clause=False)


def chapter_title(text: str, max_words: int = 8) -> str:
    """A chapter title from a caption or headline: the main clause, at most ``max_words`` words.

    A leading article is dropped ("Woman cries in a truck").
    """
    return cut_phrase(text, max_words, dateline=True, drop_article=True)
