"""Where a headline or caption may be cut: its words as tokens, and the phrase boundaries.

:func:`cut_rank` says whether a phrase starts before a word (after a comma, before "after",
before a preposition ...); :func:`ends_well` whether the words before a cut end a phrase (see
:mod:`briefing.text.titles` for the rules and why they are hand-written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.text import wordclasses as wc
from briefing.text.wordclasses import is_adverb, is_function_word, is_number, is_possessive

_EDGE_PUNCT = "\"'“”‘’«»„()[]{}"
_CLAUSE_PUNCT = (",", ";", ":")
_OPENING_QUOTES = "\"“«„"
_CLOSING_QUOTES = "\"”»“"
_DASHES = frozenset({"—", "–", "-", "--"})
_AS_BELONGS = wc.words("such known well same much long soon far just so seen serves served")
_NAME_JOINERS = wc.words("of de del der di du von van & and y")


@dataclass(frozen=True)
class Token:
    """One word as written, with what the cutting rules need to know about it."""

    text: str
    word: str
    lower: str
    is_dash: bool
    ends_clause: bool
    in_quote: bool = False
    """Inside a quotation ("Monet: The Late Years"), which is never cut."""

    @property
    def capitalised(self) -> bool:
        return bool(self.word) and self.word[0].isupper()


def tokens(text: str) -> list[Token]:
    """The words of ``text`` split at spaces, each with its punctuation noted.

    A comma or colon inside a quotation ("Monet: The Late Years") does not end a clause.
    """
    found = []
    quoted = False
    for raw in text.split():
        word = raw.strip(_EDGE_PUNCT).rstrip(",;:.!?…").strip(_EDGE_PUNCT)
        core = raw.rstrip(",;:.!?…")
        opens = not quoted and raw[:1] in _OPENING_QUOTES
        closes = (quoted or opens) and core[-1:] in _CLOSING_QUOTES and len(core) > 1
        inside = (quoted or opens) and not closes
        ends = raw.rstrip(_EDGE_PUNCT).endswith(_CLAUSE_PUNCT)
        found.append(Token(raw, word, word.lower(), raw in _DASHES, ends and not inside, inside))
        quoted = inside
    return found


def bare(tok: Token) -> Token:
    """The token without the punctuation that ended its clause."""
    return Token(tok.text.rstrip(",;:"), tok.word, tok.lower, tok.is_dash, False, tok.in_quote)


def is_content(tok: Token) -> bool:
    """Whether the token is a word of an open class (a noun, verb, adjective, name, number)."""
    return bool(tok.word) and not tok.is_dash and not is_function_word(tok.word)


def is_determiner(tok: Token) -> bool:
    """Whether the token starts a noun phrase: "the", "this", "its", "Wrocław's"."""
    return tok.lower in wc.DETERMINERS or tok.lower in wc.POSSESSIVE_PRONOUNS or (
        is_possessive(tok.word) and not tok.is_dash)


# --------------------------------------------------------------------------- cut points

def _is_name(toks: Sequence[Token], k: int) -> bool:
    """Whether ``toks[k]`` is capitalised as a name, not only as the first word of a sentence."""
    return toks[k].capitalised and (k > 0 or (len(toks) > 1 and toks[1].capitalised))


def is_time_phrase(toks: Sequence[Token], i: int) -> bool:
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


def time_phrase_ends_clause(toks: Sequence[Token], i: int) -> bool:
    """Whether the time phrase at ``toks[i]`` ends its clause ("on Sunday, ..." but not "the
    council on Friday adopted ...", where it sits between subject and verb)."""
    j = i + 1
    while j < len(toks) and not toks[j - 1].ends_clause and (
            toks[j].lower.rstrip(".") in wc.TIME_WORDS or toks[j].lower in wc.TIME_NOUNS
            or is_number(toks[j].word) or toks[j].lower in ("the", "morning", "evening", "ago")):
        j += 1
    return (j >= len(toks) or toks[j - 1].ends_clause or toks[j].is_dash
            or is_function_word(toks[j].word))


def is_participle_start(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` starts a reduced clause after a noun ("the hub | set up in ...")."""
    if i < 2 or i + 1 >= len(toks):
        return False
    prev, tok, nxt = toks[i - 1], toks[i], toks[i + 1]
    return ((tok.lower in wc.PARTICIPLES or (tok.lower.endswith("ed") and nxt.lower == "by"))
            and tok.text == tok.word and is_content(prev) and not _is_name(toks, i - 1)
            and not prev.ends_clause and nxt.lower in wc.PREPOSITIONS)


def is_ing_start(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` is a participle in -ing after a noun ("protesters | waving flags"),
    not a noun in -ing ("after-hours trading")."""
    if i < 1:
        return False
    prev, lower = toks[i - 1], toks[i].lower
    return (lower.endswith("ing") and len(lower) > 4 and toks[i].text == toks[i].word
            and is_content(prev) and not _is_name(toks, i - 1) and lower not in wc.ING_NOUNS
            and not prev.ends_clause and "-" not in prev.word)


def cut_rank(toks: Sequence[Token], i: int) -> int | None:
    """How good a cut before ``toks[i]`` is: 0 ends a clause, 1 a phrase, 2 is weak, else None."""
    decided, rank = _punctuation_rank(toks[i - 1], toks[i])
    if decided:
        return rank
    if is_time_phrase(toks, i):
        return 0 if time_phrase_ends_clause(toks, i) else 1
    if _binds_to_previous(toks, i):
        return None
    tok = toks[i]
    if tok.lower in wc.SUBORDINATORS and tok.text == tok.word:
        return 0
    if _joins_a_name(toks, i):
        return None  # "Bank of England", "Agency for International Development"
    return _word_rank(toks, i)


def _punctuation_rank(prev: Token, tok: Token) -> tuple[bool, int | None]:
    """Whether the punctuation around a cut between ``prev`` and ``tok`` decides its rank, and
    the rank it gives."""
    if prev.in_quote:
        return True, None  # never inside a quotation
    if prev.ends_clause or tok.is_dash:
        return True, 0
    if prev.is_dash:
        return True, None
    if tok.in_quote and tok.text[:1] in _OPENING_QUOTES:
        return True, 2  # before a quoted name: "the exhibition | "Monet: The Late Years""
    return False, None


_AS_AMOUNTS = frozenset({"much", "many", "high", "low", "far", "long", "little", "few", "well",
                         "soon", "early", "late", "often", "large", "recently"})


def _binds_to_previous(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` belongs to the words around it, so that no cut goes before it."""
    prev, lower = toks[i - 1], toks[i].lower
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if lower == "at" and nxt is not None and nxt.lower in ("least", "most"):
        return True  # "killed | at least 93 people"
    if lower in wc.PARTICLES and is_content(prev) and not _is_name(toks, i - 1):
        return True  # "line | up", "cools | off"
    if lower == "as" and (prev.lower in _AS_BELONGS or (nxt is not None
                                                          and nxt.lower in _AS_AMOUNTS)):
        return True  # "such as", "known as", "jumped as much as 8.5%"
    # "lost | about 3 percent": the number is the object
    return lower in wc.APPROXIMATORS and nxt is not None and is_number(nxt.word)


def _joins_a_name(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` joins two capitalised names into one ("Bank of England")."""
    prev, lower = toks[i - 1], toks[i].lower
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    between_names = prev.capitalised and nxt is not None and (
        nxt.capitalised or (nxt.lower == "the" and i + 2 < len(toks) and toks[i + 2].capitalised))
    return between_names and (lower in _NAME_JOINERS or (
        lower == "for" and prev.lower in wc.INSTITUTIONS))


def _word_rank(toks: Sequence[Token], i: int) -> int | None:
    """The rank of a cut before ``toks[i]`` by the word itself (a preposition, a participle)."""
    prev, tok = toks[i - 1], toks[i]
    lower = tok.lower
    if lower == "of":  # "tens | of", "suspected | of planning"
        return None if prev.lower in wc.QUANTITIES or is_participle_start(toks, i - 1) else 2
    if lower == "to" and (prev.lower in wc.CONTROL or prev.lower in wc.NO_END):
        return None
    if lower in wc.PREPOSITIONS:
        return 1
    if lower in wc.WEAK:
        return 2
    if is_ing_start(toks, i):
        return 1  # "protesters | waving flags"
    if is_participle_start(toks, i) or _starts_ed_phrase(toks, i):
        return 2  # "the hub | set up in Kornidzor", "a victim | recovered from the rubble"
    return None


def _starts_ed_phrase(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` is a verb in -ed after a noun and before a preposition ("a victim |
    recovered from the rubble")."""
    tok, prev = toks[i], toks[i - 1]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return (tok.lower.endswith("ed") and len(tok.lower) > 4 and tok.text == tok.word
            and is_content(prev) and not _is_name(toks, i - 1) and nxt is not None
            and nxt.lower in wc.PREPOSITIONS)


def _ends_phrasal_verb(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[:i]`` ends in a verb and its particle ("back down"), with no object after."""
    last = toks[i - 1]
    if i < 2 or last.lower not in wc.PARTICLES:
        return False
    verb = toks[i - 2]
    if not is_content(verb) or verb.capitalised or verb.ends_clause or is_participle_start(
            toks, i - 2) or (i >= 3 and is_determiner(toks[i - 3])):
        return False  # "a shopping trolley out | of the river" is no phrasal verb
    if i >= len(toks) or last.ends_clause or toks[i].is_dash:
        return True
    nxt = toks[i]
    return is_function_word(nxt.word) and not is_determiner(nxt) and not (
        nxt.lower in wc.APPROXIMATORS or nxt.lower in ("at", "of"))


def ends_well(toks: Sequence[Token], i: int) -> bool:
    """Whether the words before ``toks[i]`` end a phrase (see the module docstring)."""
    if i <= 0:
        return False
    last = toks[i - 1]
    if _ends_phrasal_verb(toks, i):
        return True  # "line up", "will not back down"
    if not is_content(last) or is_possessive(last.word) or last.lower in wc.PREPOSITIONS:
        return False
    if last.text.rstrip(",;:").endswith(("-", "/")):
        return False
    if i >= len(toks) or last.ends_clause or toks[i].is_dash:
        return True
    nxt = toks[i]
    if nxt.lower in wc.AUXILIARIES or is_participle_start(toks, i - 1) or is_ing_start(toks, i - 1):
        return False  # a subject cut from its verb, a participle from its phrase
    if is_adverb(last.word) and (is_content(nxt) or nxt.lower in wc.DETERMINERS):
        return False  # "have repeatedly | warned"
    if is_number(last.word) and (nxt.lower in wc.SCALES or is_content(nxt)) and not (
            is_time_phrase(toks, i) or nxt.lower in wc.SUBORDINATORS):
        return False  # "3 | percent", "2,000 | people"
    if _inside_a_name(toks, i):
        return False
    if i >= 2 and toks[i - 2].lower == "to" and (is_content(nxt) or is_determiner(nxt)):
        return False  # "to receive | humanitarian aid"
    if _cuts_verb_from_object(toks, i):
        return False  # a verb cut from its object: "harvest | this year's wheat"
    # inside a noun phrase: "humanitarian | aid"
    return not (is_content(nxt) and cut_rank(toks, i) is None)


def _inside_a_name(toks: Sequence[Token], i: int) -> bool:
    """Whether a cut before ``toks[i]`` falls inside a name ("the Presidential | Palace", "the
    Africa Cup | of Nations") or between a name and the noun it modifies ("the Lachin |
    corridor")."""
    last, nxt = toks[i - 1], toks[i]
    follows = toks[i + 1] if i + 1 < len(toks) else None
    if not last.capitalised:
        return False
    if nxt.capitalised or (nxt.lower in _NAME_JOINERS - {"and"} and follows is not None
                           and follows.capitalised):
        return True
    return i >= 2 and is_content(nxt) and not nxt.capitalised


def _cuts_verb_from_object(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` starts the object of the verb before it: a determiner, a number,
    "about 3", "at least"."""
    nxt = toks[i]
    follows = toks[i + 1] if i + 1 < len(toks) else None
    if (is_determiner(nxt) and nxt.lower not in ("that", "which", "what", "whose")) or (
            is_number(nxt.word)):
        return True
    return follows is not None and (
        (nxt.lower in wc.APPROXIMATORS and is_number(follows.word))
        or (nxt.lower == "at" and follows.lower in ("least", "most")))


def starts_verb(tok: Token) -> bool:
    """Whether a lower-case word may be the verb after a subject (``speaks``, ``will``)."""
    return (tok.word[:1].islower() and not tok.is_dash and (
        tok.lower in wc.AUXILIARIES or tok.lower not in wc.FUNCTION_WORDS))


def count_words(toks: Sequence[Token], i: int | None = None) -> int:
    """How many words ``toks[:i]`` has; a dash counts, as it does in the written title."""
    return len(toks[:i])
