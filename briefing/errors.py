"""The exceptions briefing raises.

Every error the library raises on purpose is a :class:`BriefingError`.  Specific subclasses also
subclass the builtin they resemble, so callers that only know Python's own exceptions still
catch them.  Messages are plain sentences; the CLI formats them once, adding the file name.
"""

from __future__ import annotations

from pathlib import Path


class BriefingError(Exception):
    """Base class of every error briefing raises on purpose."""

    #: The CLI exit status for this kind of error (2: bad input or usage, 1: anything else).
    exit_code: int = 1

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None

    def __str__(self) -> str:
        if self.path is not None:
            return f"{self.path}: {self.message}"
        return self.message


class InputError(BriefingError, ValueError):
    """Bad input from the user: an article, a script, a setting or a command-line value."""

    exit_code = 2


class ArticleError(InputError):
    """An article file cannot be read or parsed."""


class ScriptError(InputError):
    """A narration script (``scripts/<date>.md``) is malformed."""


class InsertError(ScriptError):
    """A script's sound insert (``[sound FILE]``) names a file that is missing, outside the
    workspace or not audio that can be decoded."""


class ConfigError(InputError):
    """A setting (``briefing.toml`` or a command-line option) is invalid."""


class OutputFolderError(InputError):
    """An output folder of the workspace is a symbolic link (briefing writes only real folders)."""


class EngineError(BriefingError, RuntimeError):
    """A speech engine failed to synthesise a segment."""


class EngineUnavailableError(EngineError):
    """A speech engine cannot be used on this machine (missing package or library)."""


class EncoderError(BriefingError, RuntimeError):
    """Encoding or tagging audio failed."""


class RecognizerUnavailableError(BriefingError, RuntimeError):
    """The offline speech recogniser of ``briefing proof`` is not installed or cannot load."""
