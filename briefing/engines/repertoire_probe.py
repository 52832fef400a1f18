"""Regenerate the tables of characters each espeak-ng voice says (``briefing/speech/repertoires``).

Run it whenever espeakng-loader or piper-tts (each bundles its own espeak-ng and data) changes::

    python -m briefing.engines.repertoire_probe espeak-ng   # espeakng-loader's espeak-ng
    python -m briefing.engines.repertoire_probe piper       # piper-tts's espeak-ng (its bridge)

Why measured rather than guessed: espeak-ng says a word containing a character its voice has no
rule for letter by letter, and such a character by a name ("letter 1 e d 9", "Cyrillic em",
"Chinese letter", "Arabic alif").  Which characters that is depends on the voice and the data
release (the English voice reads "Łódź" and "Þingvellir" but spells "Nội"; most voices switch
to Greek for "Αθήνα", the English one spells it), so each voice is asked, character by
character, through espeak-ng's own ``espeak_TextToPhonemes``.

A candidate character ``c`` (every letter or mark from U+00A0 to U+FFFF) is *unsayable* for a
voice when every one of its probe words is spelled.  The probe words frame ``c`` with letters
of its own script: ``macam`` and ``mcm`` (``мacaм`` and ``мcм`` ...; ``Camma`` and ``Cm`` for
a capital), so that one is a possible word both in languages of one-syllable words
(Vietnamese) and in those that spell ``mcm`` (Russian); in scripts with no frame set, ``c``
alone.  A probe word is spelled when either

* its phonemes are nearly those of its letters spoken one by one (a similarity ratio of 0.8 or
  more, as unstressed vowels are reduced in the word); or
* they contain the voice's word for "letter", which espeak-ng puts before the hexadecimal code
  of a character it has no name for (found as the common starts, of three phonemes or more, of
  the readings of such characters).

Stress marks, spaces and language-switch marks (``(el)``) are ignored in the comparison: a word
read in another language (Greek, Hindi, Korean ... which espeak-ng switches to) is said, not
spelled.  The 28,000 CJK ideographs and 11,000 Hangul syllables are sampled (every 97th): a
block with no sayable sample is unsayable as a whole, otherwise each character is probed.

Each probe runs in its own process (espeak-ng is initialised once per process and must not be
initialised where pyttsx3 later runs).  The tables are written atomically.
"""

from __future__ import annotations

import argparse
import ctypes
import difflib
import json
import logging
import multiprocessing
import re
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from briefing.speech.repertoire import TABLE_DIR, encode_runs, ranges_of

logger = logging.getLogger(__name__)

_FRAME = {
    "LATIN": "ma", "COMBINING": "ma", "MODIFIER": "ma", "GREEK": "μα", "CYRILLIC": "ма",
    "ARMENIAN": "մա", "GEORGIAN": "მა", "HEBREW": "מ", "ARABIC": "ما", "SYRIAC": "ܡ",
    "DEVANAGARI": "म", "BENGALI": "ম", "GURMUKHI": "ਮ", "GUJARATI": "મ", "ORIYA": "ମ",
    "TAMIL": "ம", "TELUGU": "మ", "KANNADA": "ಮ", "MALAYALAM": "മ", "SINHALA": "ම",
    "THAI": "มา", "LAO": "ມາ", "TIBETAN": "མ", "MYANMAR": "မ", "KHMER": "ម", "ETHIOPIC": "መ",
}
"""A consonant (and a vowel) of each script to frame a probed character with: ``ma`` + c +
``am``, a capital first (``Ṃamma``: a capital inside a word starts a new one for espeak-ng)."""
_SAMPLED = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xAC00, 0xD7A3))
_SAMPLE_STEP = 97
_NO_NAME = ("\u0180", "\u1ed9", "\u2c65", "\u0238", "\ua741")
"""Latin letters few voices have a name for (ƀ ộ ⱥ ȸ ꝁ): their readings share only "letter"."""
_SPELLED_SIMILARITY = 0.8
"""A probe word read this much like its letters one by one was spelled (reduced vowels differ)."""
_IGNORED = re.compile(r"\([a-z-]+\)|[ˈˌ\s]")

Phonemizer = Callable[[str], str]


def candidates() -> list[str]:
    """Every letter and mark from U+00A0 to U+FFFF."""
    return [chr(c) for c in range(0xA0, 0x10000) if unicodedata.category(chr(c))[0] in "LM"]


def probe_words(char: str) -> list[str]:
    """The words a character is probed in (see the module docstring)."""
    script = unicodedata.name(char, "?").split()[0]
    frame = _FRAME.get(script)
    if frame is None:
        return [char]
    consonant = frame[0]
    if unicodedata.category(char) in ("Lu", "Lt"):
        words = [char + frame[::-1] + frame, char + consonant]
    else:
        words = [frame + char + frame[::-1], consonant + char + consonant]
    return list(dict.fromkeys(words))


def _norm(phonemes: str) -> str:
    return _IGNORED.sub("", phonemes)


def _common_start(first: str, second: str) -> str:
    n = 0
    while n < min(len(first), len(second)) and first[n] == second[n]:
        n += 1
    return first[:n]


def letter_words(phonemize: Phonemizer) -> tuple[str, ...]:
    """The voice's readings of "letter" before a hexadecimal code (none when it has none).

    A voice may have two: its own, and that of the language it switches to for the code.
    """
    readings = [r for r in (_norm(phonemize(c)) for c in _NO_NAME) if r]
    shared = {_common_start(first, second)
              for i, first in enumerate(readings) for second in readings[i + 1:]}
    shared = {s for s in shared if len(s) >= 3}
    return tuple(sorted(s for s in shared if not any(s != t and s.startswith(t) for t in shared)))


def _spelled(word: str, phonemize: Phonemizer, letters: tuple[str, ...]) -> bool:
    said = _norm(phonemize(word))
    if not said or any(letter in said for letter in letters):
        return True
    if len(word) == 1:
        return False
    one_by_one = _norm(phonemize(" ".join(word)))
    return difflib.SequenceMatcher(None, said, one_by_one).ratio() >= _SPELLED_SIMILARITY


def sayable(char: str, phonemize: Phonemizer, letters: tuple[str, ...]) -> bool:
    """Whether the voice behind ``phonemize`` says ``char`` in a word rather than spelling it."""
    return not all(_spelled(word, phonemize, letters) for word in probe_words(char))


def _in_sampled(code: int) -> tuple[int, int] | None:
    return next((block for block in _SAMPLED if block[0] <= code <= block[1]), None)


def repertoire_of(phonemize: Phonemizer, chars: Iterable[str]) -> list[int]:
    """The code points among ``chars`` the voice says."""
    letters = letter_words(phonemize)
    said: list[int] = []
    blocks: dict[tuple[int, int], bool] = {}
    for char in chars:
        code = ord(char)
        block = _in_sampled(code)
        if block is not None:
            if block not in blocks:
                samples = [chr(c) for c in range(block[0], block[1] + 1, _SAMPLE_STEP)
                           if unicodedata.category(chr(c))[0] == "L"]
                blocks[block] = any(sayable(c, phonemize, letters) for c in samples)
            if not blocks[block]:
                continue
        if sayable(char, phonemize, letters):
            said.append(code)
    return said


# --------------------------------------------------------------------------------------------
# Backends: each runs in a child process of its own.


def _espeak_ng_phonemizer(voice: str) -> Phonemizer:
    import espeakng_loader

    lib = ctypes.CDLL(str(espeakng_loader.get_library_path()))
    data = str(Path(espeakng_loader.get_data_path()).parent)
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int,
                                          ctypes.c_int]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    # AUDIO_OUTPUT_SYNCHRONOUS, espeakINITIALIZE_DONT_EXIT
    if lib.espeak_Initialize(0x02, 0, data.encode(), 0x8000) <= 0:
        raise RuntimeError("espeak-ng cannot be initialised")
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise RuntimeError(f"espeak-ng has no voice {voice!r}")

    def phonemize(text: str) -> str:
        buf = ctypes.create_string_buffer(text.encode())
        pointer = ctypes.c_void_p(ctypes.addressof(buf))
        out = []
        while pointer.value:
            # espeakCHARS_UTF8, IPA phonemes
            result = lib.espeak_TextToPhonemes(ctypes.byref(pointer), 1, 0x02)
            out.append((result or b"").decode("utf-8", "replace"))
        return " ".join(out)

    return phonemize


def _piper_phonemizer(voice: str) -> Phonemizer:
    from briefing.engines.piper_load import import_piper

    piper = import_piper()
    bridge = piper.espeakbridge
    bridge.initialize(str(Path(piper.__file__).parent / "espeak-ng-data"))
    bridge.set_voice(voice)

    def phonemize(text: str) -> str:
        return " ".join(clause for clause, _, _ in bridge.get_phonemes(text))

    return phonemize


_BACKENDS: dict[str, Callable[[str], Phonemizer]] = {
    "espeak-ng": _espeak_ng_phonemizer,
    "piper": _piper_phonemizer,
}


def phonemes(backend: str, voice: str, texts: list[str]) -> list[str]:
    """The IPA phonemes ``backend``'s espeak-ng gives each of ``texts`` with ``voice``.

    Initialises espeak-ng in the calling process: call it in a process of its own.
    """
    phonemize = _BACKENDS[backend](voice)
    return [phonemize(text) for text in texts]


def spelled(backend: str, voice: str, words: list[str]) -> list[bool]:
    """Whether the voice spells each of ``words`` out (in a process of its own, as above)."""
    phonemize = _BACKENDS[backend](voice)
    letters = letter_words(phonemize)
    return [_spelled(word, phonemize, letters) if len(word) > 2 else
            any(letter in _norm(phonemize(word)) for letter in letters) for word in words]


def _data_dir(backend: str) -> Path:
    if backend == "piper":
        import piper

        return Path(piper.__file__).parent / "espeak-ng-data"
    import espeakng_loader

    return Path(espeakng_loader.get_data_path())


def voice_names(backend: str) -> list[str]:
    """The voices of the backend's espeak-ng data: the names of its ``lang`` files."""
    return sorted({p.name.lower() for p in (_data_dir(backend) / "lang").rglob("*")
                   if p.is_file()})


def _probe(args: tuple[str, str]) -> tuple[str, list[int] | None]:
    backend, voice = args
    try:
        phonemize = _BACKENDS[backend](voice)
    except RuntimeError as exc:
        logger.warning("%s: %s", voice, exc)
        return voice, None
    return voice, repertoire_of(phonemize, candidates())


def _describe(backend: str) -> str:
    from briefing.engines.base import dist_version

    if backend == "piper":
        return f"piper-tts {dist_version('piper-tts', 'piper')}"
    return f"espeakng-loader {dist_version('espeakng-loader')}"


def _probe_alone(backend: str, voice: str) -> tuple[str, list[int] | None]:
    """Probe one voice in a fresh process: one whose data is broken may kill it."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        try:
            return pool.submit(_probe, (backend, voice)).result()
        except BrokenProcessPool:
            logger.warning("%s: espeak-ng ended the process; voice left out", voice)
            return voice, None


def generate(backend: str, voices: list[str], processes: int = 1) -> dict[str, object]:
    """The table of ``backend`` for ``voices``, as written to ``repertoires/<backend>.json``."""
    with ThreadPoolExecutor(processes) as threads:
        results = list(threads.map(lambda v: _probe_alone(backend, v), voices))
    sets: list[str] = []
    table: dict[str, int] = {}
    for voice, codes in sorted(results):
        if codes is None:
            continue
        ranges = encode_runs(ranges_of(codes))
        if ranges not in sets:
            sets.append(ranges)
        table[voice] = sets.index(ranges)
    return {"source": _describe(backend),
            "generated_by": "python -m briefing.engines.repertoire_probe " + backend,
            "probed": "letters and marks U+00A0-U+FFFF (ASCII is always sayable)",
            "format": "voices: name -> index in sets; a set: hexadecimal code points said,"
                      " as first-last runs",
            "voices": table, "sets": sets}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backend", choices=sorted(_BACKENDS))
    parser.add_argument("--voice", action="append", help="probe only these voices")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--print", action="store_true", help="print, do not write the table")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    doc = generate(args.backend, args.voice or voice_names(args.backend), args.processes)
    text = json.dumps(doc, indent=0, sort_keys=True) + "\n"
    if args.print:
        print(text)  # noqa: T201 - a command-line tool
        return
    from briefing.fsutil import write_text_atomic

    target = TABLE_DIR / f"{args.backend}.json"
    write_text_atomic(target, text)
    logger.info("wrote %s (%d voices, %d distinct sets)", target, len(doc["voices"]),  # type: ignore[arg-type]
                len(doc["sets"]))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
