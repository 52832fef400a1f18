"""Make a long clause shorter the way a sub-editor would, before it is cut for a title.

Each function takes the tokens of a clause and returns them with one kind of modifier dropped
(or unchanged): a date between subject and verb, a reporting frame ("Scientists say"), a
person's title ("NATO Secretary General"), a place after the subject, a relative clause inside
the subject, the last phrase of a long subject.  Hand-written for the reasons given in
:mod:`briefing.text.titles`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from briefing.text import wordclasses as wc
from briefing.text.phrases import (
    Token,
    bare,
    count_words,
    cut_rank,
    is_content,
    is_determiner,
    is_participle_start,
    is_time_phrase,
    starts_verb,
    time_phrase_ends_clause,
)
from briefing.text.wordclasses import is_number, is_possessive


def drop_reporting_frame(toks: list[Token]) -> list[Token]:
    """``Scientists say the glacier lost ...`` → ``the glacier lost ...``."""
    for j in range(1, min(len(toks) - 3, 5)):
        if toks[j].lower in wc.REPORTING and all(is_content(t) and not t.ends_clause
                                                  for t in toks[:j] if t.lower != "the"):
            rest = toks[j + 1:]
            if rest and rest[0].lower == "that":
                rest = rest[1:]
            return rest if (count_words(rest) >= 3 and is_content(rest[0])) or (
                rest and is_determiner(rest[0])) else toks
        if not (is_content(toks[j]) or toks[j].lower == "the"):
            break
    return toks


def drop_person_titles(toks: list[Token]) -> list[Token]:
    """``Lithuanian President Gitanas Nausėda`` → ``Gitanas Nausėda``."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and (toks[j].capitalised or (
                toks[j].lower in wc.NAME_CONNECTORS | {"of", "for"} and j > i
                and j + 1 < len(toks) and (toks[j + 1].capitalised or (
                    toks[j + 1].lower in wc.NAME_CONNECTORS and j + 2 < len(toks)
                    and toks[j + 2].capitalised)))):
            j += 1
            if toks[j - 1].ends_clause:
                break
        run = toks[i:j]
        titled = [k for k, t in enumerate(run) if t.lower in wc.TITLES]
        if titled and len(run) - titled[-1] - 1 >= 2 and not any(
                t.lower in wc.TITLES or is_possessive(t.word) for t in run[titled[-1] + 1:-1]):
            while out and not out[-1].ends_clause and (
                    out[-1].lower in wc.TITLE_MODIFIERS
                    or (is_possessive(out[-1].word) and out[-1].capitalised)):
                out.pop()  # "Brazil's former | President Jair Bolsonaro"
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


def _place_end(toks: list[Token], k: int) -> int | None:
    """Where the place or name phrase at ``toks[k]`` ends when a verb follows it, else None.

    A name ("Kornidzor", "the James Webb Space Telescope") or a phrase ending in a place noun
    ("the southern German city of Munich") is followed by a verb or an auxiliary.
    """
    det = k < len(toks) and toks[k].lower in ("the", "a", "an")
    for e in range(k + 1 + det, min(len(toks), k + 8)):
        inside = toks[k + det:e]
        if not inside or any(t.ends_clause or not is_content(t) or is_possessive(t.word)
                             for t in inside):
            return None
        if not is_content(inside[-1]) or inside[-1].ends_clause:
            return None
        place = inside[-1].lower in wc.PLACE_NOUNS
        name = all(t.capitalised for t in inside)
        end = e
        if (place and end + 1 < len(toks) and toks[end].lower in ("of", "in", "near")
                and toks[end + 1].capitalised):
            end += 1
            while end < len(toks) and toks[end].capitalised and not toks[end - 1].ends_clause:
                end += 1
            if toks[end - 1].ends_clause:
                return None
        if end >= len(toks):
            return None
        verb = toks[end]
        if verb.lower in wc.AUXILIARIES and (name or place):
            return end
        if (starts_verb(verb) and cut_rank(toks, end) is None and not verb.capitalised
                and verb.lower not in wc.PLACE_NOUNS and ((name and not det) or place)):
            return end
    return None


def drop_subject_place(toks: list[Token]) -> list[Token]:
    """``Volunteers in Kornidzor give apples`` → ``Volunteers give apples``; likewise
    ``Police in the southern German city of Munich arrested``, ``Astronomers using the James
    Webb Space Telescope have detected``."""
    start = 1 if toks and toks[0].lower in ("a", "an", "the") else 0
    for j in range(start + 1, min(len(toks), start + 3)):
        if toks[j - 1].ends_clause or not is_content(toks[j - 1]):
            return toks
        tok = toks[j]
        if tok.lower in ("from", "in", "at", "near", "outside") or (
                tok.lower.endswith("ing") and cut_rank(toks, j) == 1
                and tok.lower not in wc.PREPOSITIONS):
            end = _place_end(toks, j + 1)
            if end is not None:
                return [*toks[:j - 1], bare(toks[j - 1]), *toks[end:]]
            return toks
    return toks


def drop_subject_modifiers(toks: list[Token]) -> list[Token]:
    """``Côte d'Ivoire's national football team won the cup`` → ``Côte d'Ivoire's team won``.

    The verb is the first lower-case word that an object follows (a determiner or a number);
    the adjectives and nouns between the subject's determiner and its head noun go.
    """
    verb = next((v for v in range(2, min(len(toks) - 1, 9))
                 if starts_verb(toks[v]) and toks[v].lower not in wc.AUXILIARIES
                 and (is_determiner(toks[v + 1]) or is_number(toks[v + 1].word))), None)
    if verb is None or any(t.ends_clause or (not is_content(t) and not is_determiner(t))
                           for t in toks[:verb]):
        return toks
    det = max((k for k in range(verb - 1) if is_determiner(toks[k])), default=None)
    if det is None or verb - det < 3 or any(t.capitalised for t in toks[det + 1:verb - 1]):
        return toks
    return [*toks[:det + 1], *toks[verb - 1:]]


def drop_time_phrase(toks: list[Token]) -> list[Token]:
    """``The Security Council on Friday adopted`` → ``The Security Council adopted``."""
    for i in range(1, len(toks)):
        if is_time_phrase(toks, i) and not time_phrase_ends_clause(toks, i):
            j = i + 1
            while j < len(toks) and not starts_verb(toks[j]) and j < i + 4:
                j += 1
            if j < len(toks) and starts_verb(toks[j]):
                return [*toks[:i], *toks[j:]]
    return toks


def drop_relative_clause(toks: list[Token]) -> list[Token]:
    """``A wildfire that tore through ... Maui has killed`` → ``A wildfire has killed``; likewise
    ``tanks promised by the United States arrive`` → ``tanks arrive``."""
    for r in range(1, min(len(toks), 10)):
        prev = toks[r - 1]
        if not (toks[r].lower in ("that", "which", "who") or is_participle_start(toks, r)) or (
                prev.ends_clause or not is_content(prev) or prev.lower in wc.REPORTING):
            continue
        span = range(r + 2, min(len(toks), r + 18))
        stop = next((a for a in span if toks[a - 1].ends_clause or cut_rank(toks, a) == 0),
                    len(toks))
        for a in range(r + 2, min(stop, r + 18)):
            if toks[a].lower in wc.AUXILIARIES and is_content(toks[a - 1]):
                return [*toks[:r], *toks[a:]]
        for a in range(r + 3, min(stop, r + 18)):
            run = a - 1
            while run > r and toks[run].capitalised:
                run -= 1
            if (run < a - 1 and toks[run].lower in wc.PREPOSITIONS and starts_verb(toks[a])
                    and toks[a].lower not in wc.AUXILIARIES and cut_rank(toks, a) is None):
                return [*toks[:r], *toks[a:]]  # "... who fled the fighting in El Fasher | rest"
        return toks
    return toks


def first_auxiliary(toks: Sequence[Token], end: int) -> int | None:
    """Where the first auxiliary of the clause ``toks[:end]`` is, before any clause break."""
    for a in range(1, end):
        if toks[a - 1].ends_clause or toks[a].is_dash or cut_rank(toks, a) == 0:
            return None
        if toks[a].lower in wc.AUXILIARIES:
            return a
    return None


def drop_subject_modifier(toks: list[Token]) -> list[Token]:
    """``The average price of petrol in the UK has hit`` → ``The average price of petrol has
    hit``: the last phrase of a long subject goes (else all its "of" phrases), so the verb fits."""
    aux = first_auxiliary(toks, len(toks))
    if aux is None or aux < 4:
        return toks
    starts = [p for p in range(2, aux - 1) if cut_rank(toks, p) in (1, 2)]
    if not starts:
        return toks
    others = [p for p in starts if toks[p].lower != "of"]
    start = others[-1] if others else starts[0]
    if any(t.lower in wc.PRONOUNS or t.lower in wc.REPORTING or t.lower in wc.SUBORDINATORS
           or t.lower == "that" for t in toks[start:aux]):
        return toks  # "in Ukraine's Donetsk region say they | have" holds a verb
    return [*toks[:start], *toks[aux:]]


SHORTENINGS: tuple[Callable[[list[Token]], list[Token]], ...] = (
    drop_time_phrase, drop_reporting_frame, drop_person_titles, drop_subject_place,
    drop_subject_modifier, drop_subject_modifiers)
"""Tried in this order, each on the result of the one before; a headline is only shortened so
when it cannot be cut otherwise."""
