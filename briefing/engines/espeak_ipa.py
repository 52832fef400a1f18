"""espeak-ng phoneme mnemonics (a lexicon's ``[[paSIn'jan]]``) as the IPA piper reads.

A pronunciation lexicon writes phonemes in espeak-ng's own notation
(:mod:`briefing.speech.lexicon`), which the ``pyttsx3`` engine passes to espeak-ng.  Piper
reads ``[[...]]`` as IPA, so the same entry lost every mnemonic IPA lacks (``S``, ``I``, ``'``)
and the name was said wrongly, without a word.  espeak-ng's ``TextToPhonemes`` does not read
``[[...]]`` input, but speaking it with the phoneme trace on writes what was said in IPA: that
is the conversion.

It runs in a process of its own (``python -m briefing.engines.espeak_ipa VOICE``, the mnemonics
on standard input, one block a line), so the espeak-ng library that the ``pyttsx3`` engine of the
same process may be using keeps its callback and state.  Hand-written: no maintained library
converts espeak-ng mnemonics; espeak-ng itself does, through this trace.
"""

from __future__ import annotations

import ctypes
import functools
import subprocess
import sys
import tempfile
from pathlib import Path

from briefing.errors import EngineError

ESPEAK_PHONEMES_IPA = 0x02
"""``espeak_SetPhonemeTrace``'s mode: phonemes written in IPA."""

TIMEOUT_S = 30.0


def _trace(voice: str, blocks: list[str]) -> list[str]:
    """Each block of mnemonics spoken by espeak-ng with the IPA trace on (in this process)."""
    from briefing.engines.espeak_library import load_library

    espeak = load_library().espeak
    espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
    libc = ctypes.CDLL(None)
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    espeak.SetSynthCallback(lambda wav, n, events: 0)
    espeak.SetVoiceByName(voice.encode())
    trace = espeak.dll.espeak_SetPhonemeTrace
    trace.argtypes = [ctypes.c_int, ctypes.c_void_p]
    said = []
    with tempfile.TemporaryDirectory() as folder:
        for number, block in enumerate(blocks):
            path = Path(folder) / f"{number}.txt"
            stream = libc.fopen(str(path).encode(), b"w")
            trace(ESPEAK_PHONEMES_IPA, stream)
            espeak.Synth(f"[[{block}]]".encode() + b"\0", flags=espeak.CHARS_UTF8 | espeak.PHONEMES)
            espeak.Synchronize()
            trace(0, None)
            libc.fclose(stream)
            said.append(" ".join(path.read_text(encoding="utf-8", errors="replace").split()))
    return said


@functools.lru_cache(maxsize=1024)
def to_ipa(voice: str, mnemonics: str) -> str:
    """The IPA of espeak-ng ``mnemonics`` (without the brackets) in ``voice``; raises
    :class:`EngineError` when espeak-ng cannot say."""
    try:
        done = subprocess.run([sys.executable, "-m", "briefing.engines.espeak_ipa", voice],
                              input=mnemonics.replace("\n", " ") + "\n", capture_output=True,
                              text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"espeak-ng could not convert [[{mnemonics}]] to IPA: {exc}") from exc
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 1 or not lines[0].strip():
        why = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise EngineError(f"espeak-ng could not convert [[{mnemonics}]] to IPA: {why[0]}")
    return lines[0].strip()


def main() -> int:
    """``python -m briefing.engines.espeak_ipa VOICE``: mnemonics in, IPA out, a line each."""
    voice = sys.argv[1] if len(sys.argv) > 1 else "gmw/en"
    said = _trace(voice, [line.strip() for line in sys.stdin if line.strip()])
    sys.stdout.write("".join(f"{ipa}\n" for ipa in said))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
