"""Resolve a script's sound inserts against the workspace: safe path, content hash, title, length.

A ``[sound FILE]`` names a file relative to the workspace root.  Before anything is
synthesised, each one is checked here: the path must stay inside the workspace (no absolute
path, no ``..``, no symbolic link that leads out of it), the file must exist and decode as
audio.  Every failure is an :class:`~briefing.errors.InsertError` naming the script and the
line.  A resolved insert is keyed by its file's content hash, so changing the file's bytes
rebuilds exactly the chapters that play it, and the same bytes under another name reuse the
decoded audio in the segment cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from briefing.audio.assemble import SAMPLE_RATE
from briefing.audio.insert import INSERT_VERSION, decode, title_tag, wav_ms
from briefing.errors import InsertError
from briefing.fsutil import sha256_hex
from briefing.hashing import canonical_hash
from briefing.readfile import read_limited
from briefing.text.markup import plain
from briefing.text.script_read import Chapter, Script
from briefing.text.sound import Sound

MAX_INSERT_BYTES = 256_000_000
"""Insert files larger than this are refused."""


@dataclass(frozen=True)
class Insert:
    """A sound insert's file, checked: where it is, what is in it and how long it plays."""

    file: Path
    """The file (resolved, inside the workspace)."""

    digest: str
    """Its segment key: the hash of its bytes and of how it is decoded."""

    title: str
    """Its title tag, else its stem (the transcripts' cue)."""

    duration_ms: int
    """How long it plays once decoded."""


def insert_key(content_sha256: str) -> str:
    """The segment key of an insert file's decoded audio."""
    return canonical_hash({"insert": INSERT_VERSION, "sha256": content_sha256,
                           "sample_rate": SAMPLE_RATE})


def _refuse(sound: Sound, script: Path, problem: str) -> InsertError:
    return InsertError(f"line {sound.line}: sound file {sound.path!r} {problem}", script)


def insert_file(root: Path, sound: Sound, script: Path) -> Path:
    """The file ``sound`` names, refused unless it is a regular file inside ``root``."""
    raw = sound.path
    if PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).is_absolute() or \
            PureWindowsPath(raw).drive or raw.startswith("~"):
        raise _refuse(sound, script, "is an absolute path: write it relative to the workspace")
    if ".." in PurePosixPath(raw.replace("\\", "/")).parts:
        raise _refuse(sound, script, "leads outside the workspace ('..')")
    try:
        base = root.resolve()
        resolved = (base / raw).resolve()
        if not resolved.is_relative_to(base):
            raise _refuse(sound, script, "resolves outside the workspace (a symbolic link)")
        if not resolved.exists():
            raise _refuse(sound, script, "does not exist")
        if not resolved.is_file():
            raise _refuse(sound, script, "is not a file")
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, a name too long
        raise _refuse(sound, script, f"cannot be opened ({getattr(exc, 'strerror', None) or exc})"
                      ) from None
    return resolved


def resolve_insert(root: Path, sound: Sound, script: Path,
                   cached: Callable[[str], Path | None]) -> Insert:
    """``sound`` checked and measured; ``cached(digest)`` is the cached decoded audio's file,
    if any, which saves decoding it again (it was decoded when it was stored)."""
    file = insert_file(root, sound, script)
    try:
        data = read_limited(file, MAX_INSERT_BYTES, InsertError, "sound file")
    except InsertError as exc:
        raise _refuse(sound, script, exc.message) from None
    digest = insert_key(sha256_hex(data))
    where = cached(digest)
    duration = wav_ms(where) if where is not None else None
    if duration is None:
        try:
            duration = wav_ms(decode(file)) or 0
        except InsertError as exc:
            raise _refuse(sound, script, exc.message) from None
    return Insert(file, digest, plain(title_tag(file) or "") or sound.title, duration)


def resolve_inserts(script: Script, root: Path, path: Path,
                    cached: Callable[[str], Path | None]) -> tuple[Script, Mapping[str, Insert]]:
    """``script`` with each insert's title read from its file, and each insert by the path
    written in the script; raises :class:`InsertError` for the first insert that fails."""
    found: dict[str, Insert] = {}
    chapters: list[Chapter] = []
    for chapter in script.chapters:
        blocks = []
        for block in chapter.blocks:
            if isinstance(block, Sound):
                if block.path not in found:
                    found[block.path] = resolve_insert(root, block, path, cached)
                block = dataclasses.replace(block, title=found[block.path].title)
            blocks.append(block)
        chapters.append(dataclasses.replace(chapter, blocks=tuple(blocks)))
    if not found:
        return script, {}
    return dataclasses.replace(script, chapters=tuple(chapters)), found


def decode_checked(file: Path, digest: str, label: str) -> bytes:
    """The decoded audio of an insert's ``file``, refused if its bytes are no longer those
    whose key is ``digest`` (the file changed since the build was planned)."""
    data = read_limited(file, MAX_INSERT_BYTES, InsertError, "sound file")
    if insert_key(sha256_hex(data)) != digest:
        raise InsertError(f"{label}: the sound file changed during the build; build again",
                          file)
    return decode(file)
