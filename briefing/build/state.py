"""The workspace's small state file: what was generated and what was built.

Kept in ``.briefing/state.json``, never inside the producer's text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.fsutil import write_if_changed

log = logging.getLogger(__name__)

STATE_VERSION = 1


@dataclass
class State:
    """Mutable build state, loaded at the start of a build and saved at its end."""

    generated: dict[str, str] = field(default_factory=dict)
    """Date → SHA-256 of the script text briefing last generated for it."""

    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Date → the key, file stats and report of the last audio build."""

    offered: dict[str, str] = field(default_factory=dict)
    """File name in ``scripts/`` → SHA-256 of the regenerated text briefing wrote there (the
    ``<date>.new.md`` of a conflict): a file whose bytes still hash to this is briefing's to
    replace or remove; any other (edited by the producer) is never touched."""

    site_key: str | None = None
    """Hash of the web templates and base URL the pages were last written with."""

    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Web page (path relative to the workspace) → the key of what it was written from and its
    size and mtime then.  Recorded only after the page is written, so a build killed between
    a date's outputs and its page leaves that page out of date, not recorded as current."""

    @classmethod
    def load(cls, path: Path) -> State:
        """Read the state; a missing or unreadable file gives an empty state (rebuilds all)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("%s is unreadable (%s); starting from an empty state", path, exc)
            return cls()
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            log.info("%s has another format version; starting from an empty state", path)
            return cls()
        offered = data.get("offered", {})
        pages = data.get("pages", {})
        return cls(dict(data.get("generated", {})), dict(data.get("outputs", {})),
                   dict(offered) if isinstance(offered, dict) else {}, data.get("site_key"),
                   dict(pages) if isinstance(pages, dict) else {})

    def save(self, path: Path) -> None:
        """Write the state atomically (only when it changed)."""
        payload = {"version": STATE_VERSION, "generated": self.generated, "outputs": self.outputs,
                   "offered": self.offered, "site_key": self.site_key, "pages": self.pages}
        text = json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            write_if_changed(path, text.encode("utf-8"))
        except OSError as exc:  # a full disk's bare "No space left on device" names no file
            if exc.filename is not None or exc.errno is None:
                raise
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
