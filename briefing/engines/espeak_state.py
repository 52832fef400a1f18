"""Put back the state espeak-ng keeps from one utterance to the next.

Why this exists: espeak-ng's wave generator keeps function-level ``static`` variables across
utterances, chiefly the phase of its pitch "flutter" (``Flutter_ix`` in ``AdvanceParameters``,
which runs on with every 64 samples ever generated), also its automatic gain and harmonic
counters and the state of its random-number generator.  So the same sentence gave a different
WAV after each different history (the same process, the same voice and rate), a ``-j 2`` build
differed from a ``-j 1`` one, and the segment cache stored audio that depended on what the
worker had said before.  No public call resets them: ``espeak_SetVoiceByName``,
``espeak_SetParameter``, ``espeak_ng_SetRandSeed`` and even ``espeak_Terminate`` followed by
``espeak_Initialize`` all leave the flutter phase where it was (measured on espeak-ng 1.52).

They are not exported, but the library espeakng-loader ships keeps its ELF symbol table
(``.symtab``), where each has a local symbol (``Flutter_ix.5965``).  :func:`find_state` reads
that table, and :class:`UtteranceState` snapshots the variables' values before the first
utterance and writes them back before every utterance: each segment is then synthesised from
the state of a freshly loaded library, a function of its text, voice and rate alone.

A library without a symbol table (most system packages strip it) cannot be reset this way;
:func:`find_state` returns None and the engine says so in its version (``+history``), so
its audio is never mixed in the cache with reset audio.
"""

from __future__ import annotations

import ctypes
import logging
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STATE_VARIABLES = (
    "Flutter_ix",  # AdvanceParameters: pitch flutter phase (the one that varies every time)
    "agc",  # Wavegen: automatic gain
    "maxh",  # Wavegen: highest harmonics
    "maxh2",
    "h_switch_sign",  # Wavegen: harmonic switching
    "cycle_count",  # Wavegen: pitch cycles since the last parameter change
    "amplitude2",  # Wavegen: amplitude adjusted for pitch
    # klatt.c, for the Klatt voices (en+klatt ...): glottal source and noise filters
    "skew", "vwave", "nlast", "time_count", "glotlast", "vlast", "voice", "noise",
)
"""Function-level statics (``int`` or ``double``) that carry over between utterances."""

GLOBAL_STATE = ("espeak_rand_state",)
"""Global variables that do too (the random numbers of breath and Klatt noise)."""

_REQUIRED = "Flutter_ix"
_LOCAL = re.compile(r"^(?P<base>[A-Za-z_][A-Za-z0-9_]*)\.\d+$")
"""A function-level static's symbol: its name and a number the compiler adds."""
_STT_OBJECT = 1
_STT_FUNC = 2
_SHT_SYMTAB = 2


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


@dataclass(frozen=True)
class UtteranceState:
    """The addresses and initial bytes of espeak-ng's between-utterance statics."""

    variables: tuple[tuple[str, int, bytes], ...]
    """(symbol, address in this process, its value before any utterance)."""

    def restore(self) -> None:
        """Write the initial values back (call only while espeak-ng is idle)."""
        for _name, address, initial in self.variables:
            ctypes.memmove(address, initial, len(initial))

    def current(self) -> dict[str, bytes]:
        """The variables' bytes now (for tests and debugging)."""
        return {name: ctypes.string_at(address, len(initial))
                for name, address, initial in self.variables}


def _library_file(function: Any) -> tuple[Path, int] | None:
    """The file a loaded function lives in, and its address (``dladdr``)."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if not address:
        return None
    try:
        libc = ctypes.CDLL(None)
        dladdr = libc.dladdr
    except (OSError, AttributeError):
        return None
    dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
    dladdr.restype = ctypes.c_int
    info = _DlInfo()
    if not dladdr(address, ctypes.byref(info)) or not info.dli_fname:
        return None
    return Path(info.dli_fname.decode("utf-8", "surrogateescape")), address


def elf_objects(data: bytes) -> dict[str, tuple[int, int]]:
    """``name -> (value, size)`` of every data object and function in a 64-bit little-endian
    ELF file's ``.symtab`` (empty when it has none or is not such a file)."""
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    if shentsize < 64 or shoff + shnum * shentsize > len(data):
        return {}
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    found: dict[str, tuple[int, int]] = {}
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != _SHT_SYMTAB or entsize < 24 or link >= shnum:
            continue
        strtab_offset, strtab_size = sections[link][4], sections[link][5]
        for pos in range(offset, min(offset + size, len(data)) - 23, entsize):
            name_at, info, _other, _shndx, value, obj_size = struct.unpack_from(
                "<IBBHQQ", data, pos)
            if info & 0xF not in (_STT_OBJECT, _STT_FUNC):
                continue
            end = data.find(b"\0", strtab_offset + name_at, strtab_offset + strtab_size)
            if end < 0:
                continue
            name = data[strtab_offset + name_at:end].decode("ascii", "replace")
            found[name] = (value, obj_size)
    return found


_CHECKED_FUNCTIONS = ("espeak_Info", "espeak_Synth", "espeak_SetParameter", "espeak_Initialize")
"""Exported functions whose loaded addresses must match the symbol table read from the file."""


def find_state(library: ctypes.CDLL) -> UtteranceState | None:
    """The between-utterance statics of the loaded espeak-ng ``library``.

    Call this before the library speaks: the values read now are the ones written back before
    every utterance.  Returns None when the library has no usable symbol table, or when the
    file on disk is not the one loaded (its functions are not where its table says).
    """
    try:
        functions = [library[name] for name in _CHECKED_FUNCTIONS]
    except AttributeError:
        return None
    located = _library_file(functions[0])
    if located is None:
        return None
    path, anchor_address = located
    try:
        symbols = elf_objects(path.read_bytes())
    except OSError as exc:
        log.debug("cannot read %s: %s", path, exc)
        return None
    if any(name not in symbols for name in _CHECKED_FUNCTIONS):
        log.debug("%s has no symbol table: espeak-ng's state cannot be reset", path)
        return None
    base = anchor_address - symbols["espeak_Info"][0]
    for name, function in zip(_CHECKED_FUNCTIONS, functions, strict=True):
        if ctypes.cast(function, ctypes.c_void_p).value != base + symbols[name][0]:
            log.debug("%s is not the espeak-ng library loaded: its state is not reset", path)
            return None
    variables = []
    for name, (value, size) in sorted(symbols.items()):
        local = _LOCAL.match(name)
        wanted = name in GLOBAL_STATE or (local is not None and local["base"] in STATE_VARIABLES)
        if not wanted or size not in (4, 8):
            continue
        address = base + value
        variables.append((name, address, ctypes.string_at(address, size)))
    if not any(name.split(".")[0] == _REQUIRED for name, _, _ in variables):
        log.debug("%s lacks %s: espeak-ng's state cannot be reset", path, _REQUIRED)
        return None
    log.debug("espeak-ng state reset before each utterance: %s",
              ", ".join(name for name, _, _ in variables))
    return UtteranceState(tuple(variables))
