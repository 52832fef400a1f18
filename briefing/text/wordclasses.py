"""The closed English word classes that mark phrase boundaries in headlines and captions.

Used by :mod:`briefing.text.titles` to cut titles at a phrase boundary.  These are hand-written
lists, not a tagger: closed classes (articles, prepositions, conjunctions, auxiliaries,
pronouns) are small and fixed, and they are all a cut needs (see :mod:`briefing.text.titles`).
"""

from __future__ import annotations

import re

from briefing.text.months import MONTH_NUMBERS, WEEKDAYS


def words(text: str) -> frozenset[str]:
    """The words of ``text``, split at spaces, as a set."""
    return frozenset(text.split())


DETERMINERS = words(
    "a an the this that these those each every some any no all both either neither another "
    "such what which whose many much few several more most less least other")
POSSESSIVE_PRONOUNS = words("my your his her its our their whose")
PREPOSITIONS = words(
    "of in on at to for from by with without near along alongside into onto over under up down "
    "out off through throughout across outside inside behind beyond between among amongst amid "
    "amidst despite during after before since until till toward towards against around about "
    "above below beneath beside besides via per than like unlike within upon including "
    "following past as regarding concerning except aboard atop versus vs")
CONJUNCTIONS = words(
    "and or but nor yet so because although though while whereas if unless when where whether "
    "once than")
AUXILIARIES = words(
    "is are was were be been being am has have had having do does did will would shall should "
    "can could may might must isn't aren't wasn't weren't won't can't don't doesn't didn't")
PRONOUNS = words(
    "i you he she it we they me him her us them mine yours hers ours theirs who whom "
    "whoever whatever someone something anyone anything everyone everything there here one "
    "itself himself herself themselves")
ADVERBS = words(
    "not also very just only even still already almost nearly roughly approximately too then "
    "how why rather quite soon now ever never again")
NO_END = words(
    "according due prior thanks able unable likely unlikely set expected known compared close "
    "ready going said says say tells told called named dubbed")
"""Words that need what follows them ("according to", "due to", "known as")."""

FUNCTION_WORDS = (DETERMINERS | POSSESSIVE_PRONOUNS | PREPOSITIONS | CONJUNCTIONS
                  | AUXILIARIES | PRONOUNS | ADVERBS)
"""Closed-class words a title or headline never ends on."""

SUBORDINATORS = words(
    "after as when while because before during following amid amidst despite although though "
    "whereas until since unless where who which whose whom but")
"""Words that start a clause: the main clause ends before them."""
WEAK = words("and or that")
"""Cut before these only when nothing better fits ("food | and water")."""
PARTICLES = words("up down out off away back aside apart together")
"""After a verb these belong to it ("line up", "cools off"): no cut before them."""
QUANTITIES = words(
    "one some most many all none each both either neither any few several much part rest tens "
    "hundreds thousands millions billions dozens lot lots number majority half kind sort type "
    "couple bit front top bottom middle end side edge heart out because instead ahead "
    "regardless")
"""Words that "of" belongs to ("tens of", "in front of"): no cut between them."""
INSTITUTIONS = words(
    "agency ministry centre center institute committee council office commission department "
    "organization organisation fund union society court school foundation federation bureau "
    "league association party front movement alliance forces force coalition campaign")
"""Heads of names that go on with "for" ("Agency for International Development")."""
CONTROL = words(
    "want wants wanted plan plans planned agree agrees agreed try tries tried trying seek seeks "
    "sought hope hopes hoped vow vows vowed pledge pledges pledged threaten threatens threatened "
    "expect expects decide decides decided refuse refuses refused fail fails failed begin "
    "begins began continue continues continued need needs needed used allowed forced asked "
    "urged ordered moved aim aims aimed intend intends intended promise promises promised "
    "going has have had is are was were")
"""Words whose sense needs the "to" + verb after them ("plans to", "has to")."""
REPORTING = words(
    "say says said warn warns warned believe believes believed report reports reported claim "
    "claims claimed announce announces announced confirm confirms confirmed estimate estimates "
    "estimated find finds found")
"""Verbs of a reporting frame ("Scientists say ..."), which a short title may drop."""
TITLES = words(
    "president minister prime secretary general chancellor king queen prince princess pope "
    "leader governor mayor senator sen. chief commander spokesperson spokesman spokeswoman "
    "ambassador premier director chairman chairwoman chair ceo head sheikh emir archbishop "
    "bishop rep. gov. dr. mr. mrs. ms. officer coach captain justice judge speaker vice deputy "
    "foreign defense defence interior finance envoy commissioner patriarch crown lady "
    "president-elect state")
"""Words of a person's title ("NATO Secretary General"), which a short title may drop."""
PLACE_NOUNS = words(
    "region city province area village town capital district county state oblast "
    "neighbourhood neighborhood camp border suburb country island valley plant factory "
    "hospital school port airport station market base mine refinery corridor road street "
    "river square palace bridge dam crossing highway avenue park stadium church cathedral "
    "mosque temple embassy prison university lake mountains sea coast bay strait peninsula "
    "desert forest shoal plain")
"""Heads of a place phrase after a name ("the Kherson region")."""
TIME_WORDS = frozenset(day.lower() for day in WEEKDAYS) | frozenset(MONTH_NUMBERS)
TIME_STARTS = words("yesterday today tonight overnight earlier later last")
TIME_NOUNS = words(
    "week month year night weekend this that summer winter spring autumn fall")
APPROXIMATORS = words("about around nearly over some almost roughly up more")
"""Before a number these belong to it ("about 3 percent")."""
SCALES = words(
    "percent per cent thousand million billion trillion dozen hundred km miles metres meters "
    "feet tons tonnes degrees")
NUMBER_WORDS = words(
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion dozen")
INTRO_STARTS = words(
    "in on at after as when while despite following amid during since before although though "
    "if because with without under for from meanwhile however earlier later last this "
    "overnight yesterday today separately elsewhere nearby now")
"""Words that start an introductory phrase ("In Goris, ...") that a title may drop."""
PARTICIPLES = words(
    "set built held seen made taken left known shown brought found kept put hit struck led run "
    "sent caught given written hidden driven born worn torn shot fed bought paid destroyed "
    "damaged abandoned flooded burned burnt parked stranded trapped suspected accused charged "
    "convicted wanted named dubbed injured wounded displaced")
"""Past participles that start a reduced clause after a noun and before a preposition ("the
hub | set up in ...", "two men | suspected of ..."); any other -ed word does so before "by"."""
TITLE_MODIFIERS = words("former late then acting interim outgoing incoming new deputy")
"""Lower-case words before a person's title ("former President"), dropped with it."""
NAME_CONNECTORS = words("bin ibn bint abu al el de del der di du da dos van von la le y")
"""Lower-case words inside a person's name ("Mohammed bin Rashid Al Maktoum")."""
ING_NOUNS = words(
    "morning evening building meeting wedding ceiling clothing housing funding spring string "
    "thing nothing something anything everything king ring wing sibling offering trading "
    "fighting shooting bombing shelling flooding training spending lending pricing bidding "
    "voting polling landing opening closing hearing ruling warning killing uprising painting "
    "recording filming screening gathering crossing ceiling dwelling feeling ending beginning "
    "setting listing rating ranking parking shipping shopping heating cooling")
"""Words in -ing that are nouns, not the participle of a reduced clause."""
_LY_NOUNS = words(
    "family rally supply assembly ally reply anomaly monopoly bully lily belly jelly fly holy "
    "italy july reilly kelly daily ugly only")

_EDGE = "\"'“”‘’«»„()[]{}"
_NUMBER = re.compile(r"^[-+±~$€£¥]?\d[\d,.:/]*(?:[a-zA-Z]{1,3}|%)?$")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$", re.I)


def is_function_word(word: str) -> bool:
    """Whether a title may not end on ``word`` because of its class alone."""
    lower = word.lower().strip(_EDGE)
    return lower in FUNCTION_WORDS or lower in NO_END


def is_adverb(word: str) -> bool:
    """An adverb in -ly ("repeatedly"): it ends a phrase only before a preposition or the end."""
    lower = word.lower().strip(_EDGE)
    return (lower.endswith("ly") and len(lower) > 4 and lower not in _LY_NOUNS
            and not word[:1].isupper())


def is_possessive(word: str) -> bool:
    """``Wrocław's``, ``farmers'``, ``its``: a word that needs the noun after it."""
    word = word.strip("\"“”()[]")
    return bool(_POSSESSIVE.search(word)) or word.lower() in POSSESSIVE_PRONOUNS


def is_number(word: str) -> bool:
    """``3.5``, ``2,000``, ``$4``, ``35C``, ``two``, ``million``."""
    return bool(_NUMBER.match(word)) or word.lower() in NUMBER_WORDS
