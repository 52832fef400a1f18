"""The script's inline markup: the one escaping function, and the reader it is the inverse of.

Hand-written because the narration script is briefing's own small Markdown dialect
(``docs/script-format.md``), and generated scripts must hold article text and file names that
read back as exactly that text: a caption ``[PAUSE 45s]``, ``## Injected``, ``*stars*``,
``[link](x)`` or ``<!--`` must never become a pause, chapter, emphasis, link or comment.  So
:func:`escape` and the reader (:func:`protect`, :func:`read_inline`, used by
:mod:`briefing.text.script_read`) are defined together, from the same rules:

* a backslash before an ASCII punctuation character or digit makes it literal (as in
  CommonMark); a backslash before anything else is itself literal.  The reader turns each such
  escape into a private-use character first (:func:`protect`), so no markup rule can see it,
  and back at the end (:func:`read_inline`);
* :func:`escape` escapes every character that could start markup where it stands: ``\\``, ``[``
  (links, images, pauses in any case), the second ``]`` of ``]]`` (which the reader refuses
  when it closes no ``[[``), backticks, ``*``/``_`` unless after a literal word
  character (where emphasis cannot open), the ``!`` of
  ``<!``, and a leading ``#``, ``-``, ``+`` or the ``.``/``)`` of a leading ``12.``;
* both sides fold whitespace and drop control characters (and the private-use characters the
  reader uses), so ``read(escape(t)) == plain(t)`` for any text ``t``: a property test checks it.

``[[`` in a script is plain text: only the pronunciation lexicon sends phonemes to the engine
(:mod:`briefing.speech.spoken`).
"""

from __future__ import annotations

import re
import unicodedata

_BASE = 0xE000
"""Escaped ASCII character ``c`` is ``chr(_BASE + ord(c))`` while a line is read."""

_RESERVED = re.compile("[\ue000-\ue07f]")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~0-9])")
_PROTECTED = re.compile("[\ue000-\ue07f]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(?<![\\\w])(\*{1,3}|_{1,3}|`+)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_WORD = re.compile(r"\w")
_MAY_START = re.compile(r"[\\\[`*_!\]]")
"""The characters that can start markup where they stand (:func:`escape` decides which do)."""
_LEADING_LIST = re.compile(r"^(\d+)([.)])(?=\s|$)")


_DROPPED = re.compile("[" + "".join(
    re.escape(chr(c)) for c in range(0xA0)  # every Cc character is below U+00A0
    if unicodedata.category(chr(c)) == "Cc" and not chr(c).isspace()) + "\ue000-\ue07f]")
"""What :func:`plain` drops: control characters that are not whitespace, and the private-use
characters the reader uses."""


def plain(text: str) -> str:
    """``text`` as the script keeps it: whitespace folded, control characters dropped."""
    return " ".join(_DROPPED.sub("", text).split())


def protect(line: str) -> str:
    """A line of script with each backslash escape replaced by a character no rule matches."""
    line = _RESERVED.sub("", line)
    return _ESCAPE.sub(lambda m: chr(_BASE + ord(m.group(1))), line)


def restore(text: str) -> str:
    """The literal characters of the escapes :func:`protect` set aside."""
    return _PROTECTED.sub(lambda m: chr(ord(m.group(0)) - _BASE), text)


def read_inline(protected: str) -> str:
    """The spoken text of protected script text: links and images read as their text,
    emphasis and code marks dropped, escapes made literal, whitespace folded."""
    text = _LINK.sub(r"\1", protected)
    text = _EMPHASIS.sub(r"\2", text)
    return plain(restore(text))


def _word(ch: str) -> bool:
    return bool(ch) and _WORD.match(ch) is not None


def escape(text: str) -> str:
    """Article text (or a file name) as script text that reads back as exactly ``plain(text)``.

    The result is one line.  It can stand anywhere on a line, including its start, and be
    followed by any text, without changing what that line is.
    """
    text = plain(text)
    out: list[str] = []
    done = 0
    escaped_underscore = -2  # where the last escaped "_" is
    for m in _MAY_START.finditer(text):
        i, ch = m.start(), m.group()
        prev = text[i - 1] if i else ""
        if ch in "*_":  # emphasis cannot open after a literal word character
            special = not (_word(prev) and not (prev == "_" and escaped_underscore == i - 1))
        else:
            special = ch in "\\[`" or (ch == "!" and prev == "<") or (ch == "]" and prev == "]")
        if special:
            out += (text[done:i], "\\")
            done = i
            if ch == "_":
                escaped_underscore = i
    escaped = "".join(out) + text[done:]
    if escaped[:1] in ("#", "-", "+"):
        return "\\" + escaped
    return _LEADING_LIST.sub(r"\1\\\2", escaped, count=1)


def escape_comment(text: str) -> str:
    """Text for inside a ``<!-- ... -->`` comment (a file name): one line that cannot end it."""
    text = plain(text).replace("-->", "--\\>")
    return text + "\\" if text.endswith("-") else text
