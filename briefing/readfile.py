"""Read a file a user gave us, with a bound, and decode it as UTF-8 text.

``Path.read_bytes`` trusts the file: ``/dev/zero`` (whose ``st_size`` is 0) fills the memory,
and a FIFO blocks forever waiting for a writer.  Every file users write (articles, scripts,
``briefing.toml``, the lexicon) is read here instead: it is opened without blocking, refused
unless it is a regular file, and read to at most ``max_bytes + 1`` bytes, so a file that grows
or lies about its size is still refused.  Decoding tells UTF-16 (what some Windows editors
save) apart from binary data, so the message says what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from briefing.errors import InputError

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words (``"a FIFO (named pipe)"``)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_limited(path: Path, max_bytes: int, error: type[InputError],
                 what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``max_bytes``.

    Raises ``error`` (naming ``path``) for a missing or unreadable file, a folder, a FIFO, a
    device, a socket, a symlink loop, or a file over the limit.
    """
    fd = _open_without_blocking(path, error, what)
    try:
        data = _read_regular(fd, path, max_bytes, error, what)
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", path) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise error(_too_large(None, max_bytes, what), path)
    return data


def _open_without_blocking(path: Path, error: type[InputError], what: str) -> int:
    """A descriptor of ``path`` opened read-only without blocking (a FIFO without a writer
    opens at once), or ``error`` saying why it cannot be opened."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        raise error("no such file" if not path.is_symlink() else
                    "is a symbolic link to a file that does not exist", path) from None
    except IsADirectoryError:
        raise error(f"is a folder, not {_article(what)}", path) from None
    except PermissionError:
        raise error("permission denied", path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error("is a symbolic link loop", path) from None
        raise error(f"cannot be read: {exc.strerror or exc}", path) from None


def _read_regular(fd: int, path: Path, max_bytes: int, error: type[InputError],
                  what: str) -> bytes:
    """At most ``max_bytes + 1`` bytes of the open file ``fd``, refused (``error``) unless it is
    a regular file no larger than ``max_bytes`` by its size."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        kind = file_kind(st.st_mode)
        if kind == "a folder":
            raise error(f"is a folder, not {_article(what)}", path)
        raise error(f"is {kind}, not a regular file", path)
    if st.st_size > max_bytes:
        raise error(_too_large(st.st_size, max_bytes, what), path)
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _article(what: str) -> str:
    return f"an {what}" if what[:1] in "aeiou" else f"a {what}"


def _too_large(size: int | None, max_bytes: int, what: str) -> str:
    said = f"{size:,} bytes" if size is not None else "more than that"
    return f"the file is {said}, larger than the {max_bytes:,}-byte limit for {_article(what)}"


_UTF16_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
               (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` looks like that encoding, else ``None``."""
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    if len(head) >= 4 and b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        # ASCII-range text in UTF-16: every other byte is zero (LE: the odd ones, BE: the even).
        for zeros, other in ((odd, even), (even, odd)):
            if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.1 * len(other):
                return "UTF-16"
    return None


def decode_text(data: bytes, path: Path, error: type[InputError],
                what: str = "file") -> str:
    """``data`` as UTF-8 text without a byte order mark, or ``error`` saying what it is."""
    wide = _wide_encoding(data)
    if wide is not None:
        raise error(f"is {wide} text; save it as UTF-8", path)
    if b"\x00" in data:
        raise error(f"is binary data, not a text {what}", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"is not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8",
                    path) from None
    return text.removeprefix("\ufeff")


def read_text_limited(path: Path, max_bytes: int, error: type[InputError],
                      what: str = "file") -> str:
    """:func:`read_limited` then :func:`decode_text`."""
    return decode_text(read_limited(path, max_bytes, error, what), path, error, what)
