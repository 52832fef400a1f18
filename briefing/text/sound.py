"""The script's sound inserts: ``[sound FILE]`` on its own line plays an audio file there.

Hand-written because the tag belongs to briefing's own script dialect
(``docs/script-format.md``).  This module reads the tag only: the file's path as written, its
line, and the cue the transcripts show (``[Sound: <title>]``; the title is the file's stem
until the build has read the file's own title tag, :mod:`briefing.build.inserts`).  Whether
the file exists, is inside the workspace and decodes is the build's question, as it needs the
workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from briefing.errors import ScriptError
from briefing.text.markup import plain, restore

if TYPE_CHECKING:
    from pathlib import Path

SOUND_LINE = re.compile(r"\[sound(?:\s+([^\]]*))?\]", re.I)
"""A ``[sound FILE]`` tag (any case, like ``[pause]``); the file name may hold escapes."""


@dataclass(frozen=True)
class Sound:
    """An audio file played at this point of a chapter (``[sound jingles/ident.wav]``)."""

    path: str
    """The file as written, relative to the workspace root."""

    line: int = field(default=0, compare=False)
    """The script line of the tag (for error messages)."""

    title: str = ""
    """What the transcripts call it: the file's title tag, else its stem."""

    @property
    def cue(self) -> str:
        """The transcripts' text for the insert: ``[Sound: ident]``."""
        return f"[Sound: {self.title}]"


def stem_title(path: str) -> str:
    """The title of a file without a title tag: its name without the extension."""
    name = PurePosixPath(path.replace("\\", "/")).name
    return plain(name.rsplit(".", 1)[0] if "." in name[1:] else name) or name


def read_sound(stripped: str, path: Path, lineno: int) -> Sound | None:
    """The insert of a (protected, stripped) script line, ``None`` if it has no ``[sound]``.

    The tag must be the whole line and name a file: inside a paragraph it would split the
    sentence it stands in, so that is refused with the line's number."""
    found = SOUND_LINE.search(stripped)
    if found is None:
        return None
    if found.span() != (0, len(stripped)):
        raise ScriptError(f"line {lineno}: [sound FILE] must stand on a line of its own",
                          path)
    name = plain(restore(found.group(1) or ""))
    if not name:
        raise ScriptError(f"line {lineno}: [sound] names no file: write [sound FILE] with "
                          "a path relative to the workspace", path)
    return Sound(name, lineno, stem_title(name))
