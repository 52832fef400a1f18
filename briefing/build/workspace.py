"""Where a workspace keeps its articles, scripts, audio, cache and state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import OutputFolderError

COMPILED_TEMPLATES = "compiled"
"""The folder of ``.briefing/`` that holds the templates' compiled code."""

CHECKED = "checked"
"""The folder of ``.briefing/`` that holds the checks that passed, of the files users write and
of the manifests (:mod:`briefing.remembered`)."""


@dataclass(frozen=True)
class Workspace:
    """The folders of one workspace (``--workspace``, default the current folder)."""

    root: Path
    """The workspace folder."""

    @property
    def articles(self) -> Path:
        """Default article folder."""
        return self.root / "articles"

    @property
    def scripts(self) -> Path:
        """Narration scripts, one per date."""
        return self.root / "scripts"

    @property
    def audio(self) -> Path:
        """Built audio, one folder per date."""
        return self.root / "audio"

    @property
    def state_dir(self) -> Path:
        """Private state: the segment cache and what was generated."""
        return self.root / ".briefing"

    @property
    def segment_cache(self) -> Path:
        """Synthesised segments, by content hash."""
        return self.state_dir / "segments"

    @property
    def chapter_cache(self) -> Path:
        """Encoded chapters, by content hash."""
        return self.state_dir / "chapters"

    @property
    def compiled_templates(self) -> Path:
        """The templates' compiled code (:func:`briefing.templating.compiled_templates`)."""
        return self.state_dir / COMPILED_TEMPLATES

    @property
    def checked(self) -> Path:
        """The checks of the workspace's files that passed (:mod:`briefing.remembered`)."""
        return self.state_dir / CHECKED

    @property
    def bases(self) -> Path:
        """The merge bases: the text last generated for each script (``<date>.md``) and the
        one offered in an open conflict (``<date>.pending.md``)."""
        return self.state_dir / "base"

    @property
    def trash(self) -> Path:
        """What a build moved out of the way, one ``<timestamp>/`` folder per build."""
        return self.state_dir / "trash"

    @property
    def lexicon(self) -> Path:
        """The pronunciation lexicon."""
        return self.root / "pronunciations.toml"

    @property
    def state_file(self) -> Path:
        """Hashes of generated scripts and built outputs."""
        return self.state_dir / "state.json"

    def script_path(self, day: dt.date) -> Path:
        """``scripts/<YYYY-MM-DD>.md``."""
        return self.scripts / f"{day.isoformat()}.md"

    def audio_dir(self, day: dt.date) -> Path:
        """``audio/<YYYY-MM-DD>/``."""
        return self.audio / day.isoformat()

    def ensure_real_folder(self, folder: Path) -> None:
        """Refuse ``folder`` as an output folder when it, or a folder between it and the root,
        is a symbolic link: briefing replaces and removes files in its output folders, and must
        never do so in a folder outside the workspace that a link points to.
        """
        try:
            parts = folder.relative_to(self.root).parts
        except ValueError:
            return
        current = self.root
        for part in parts:
            current = current / part
            if current.is_symlink():
                raise OutputFolderError(
                    "is a symbolic link; briefing writes only into real folders of the "
                    "workspace (replace the link with a folder)", current)
