"""Markup that looks meant but is not the script's: refused with its line, never spoken.

A producer's typo would otherwise be read out on air: ``[puase 2s]``, ``<!- note ->``, a
phoneme entry cut short (``[[k@m'pju:t@``).  The reader (:mod:`briefing.text.script_read`) calls
these on each line after the backslash escapes are set aside (:func:`briefing.text.markup.protect`),
so escaped brackets and article text (which :func:`briefing.text.markup.escape` escapes) are
never refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefing.errors import ScriptError
from briefing.text.markup import restore

_TAG = re.compile(r"(?<!\[)\[(?!\[)\s*([A-Za-z][\w-]*)\b[^\]\[]*\](?!\()")
"""A bracket tag ``[word ...]`` that is not a link ``[text](url)`` nor ``[[``: the script's
tags are ``[pause ...]`` and ``[sound ...]``, so any other is a typo (``[puase 2s]``)."""
_BAD_COMMENT = re.compile(r"<!(?!--)")
"""``<!`` that does not open a comment (``<!- note ->``)."""
_DOUBLE_BRACKETS = re.compile(r"\[\[.*?\]\]")
"""A closed ``[[...]]`` (plain text in a script, see :func:`check_brackets`)."""


def check_markup(text: str, path: Path, lineno: int) -> None:
    """Refuse markup that looks meant but is not the script's: it would be read out on air."""
    tag = _TAG.search(text)
    if tag:
        raise ScriptError(f"line {lineno}: unknown tag {restore(tag.group(0))!r}: the script's "
                          "tags are [pause 1.5s] and [sound FILE] (write \\[ for a bracket "
                          "that is text)", path)
    bad = _BAD_COMMENT.search(text)
    if bad:
        raise ScriptError(f"line {lineno}: '<!' does not open a comment: a note is written "
                          "<!-- like this --> (write <\\! for text)", path)
    check_brackets(text, path, lineno)


def check_brackets(text: str, path: Path, lineno: int) -> None:
    """Refuse an unclosed ``[[`` or a ``]]`` that closes nothing: a phoneme entry cut short
    (``[[k@m'pju:t@``) would be read out bracket by bracket.  A closed ``[[...]]`` is plain
    text (phonemes come only from the lexicon); escaped brackets (``\\[``) are never seen here."""
    rest = _DOUBLE_BRACKETS.sub(" ", text)
    if "[[" in rest:
        raise ScriptError(f"line {lineno}: '[[' is never closed by ']]' on its line (phonemes "
                          "belong in pronunciations.toml; write \\[ for a bracket that is "
                          "text)", path)
    if "]]" in rest:
        raise ScriptError(f"line {lineno}: ']]' closes no '[[' (write \\] for a bracket "
                          "that is text)", path)

