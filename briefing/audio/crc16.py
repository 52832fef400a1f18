"""CRC-16/ARC (polynomial 0x8005, reflected, initial 0): the checksum of LAME's Info tag.

The LAME tag carries two: one over the tag frame and one over all the music frames after it.
Python's standard library has no CRC-16/ARC (``binascii.crc_hqx`` is CRC-CCITT, another
polynomial), and the music CRC covers every byte of a briefing (megabytes), too slow byte by
byte in Python.  Long data is therefore cut into equal blocks whose CRCs numpy computes side by
side, one byte column at a time, and the block CRCs are chained with the CRC's linearity:
``crc(A + B, init=c) == crc(B) ^ shift(c, len(B))``, where ``shift`` (feeding ``len(B)`` zero
bytes to the register ``c``) is a linear map of ``c``'s 16 bits, tabulated once per block length.
The same identity joins the CRCs of chapters into the CRC of the briefing made of them, so the
briefing's frames need not be read twice.
"""

from __future__ import annotations

import functools
import math

_POLY = 0xA001  # 0x8005 bit-reversed


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


TABLE = _table()
"""The byte-at-a-time lookup table."""

MIN_BLOCK, MAX_BLOCK = 64, 1024
"""Bounds of the bytes per block of the vectorised path (:func:`block_length`); data of
fewer than eight blocks is computed byte by byte."""


def block_length(size: int) -> int:
    """The block length for ``size`` bytes: the power of two nearest ``sqrt(size / 16)``.

    The vectorised path costs one numpy step per byte of a block (a fixed overhead each) and
    one Python step per block to chain the block CRCs; the two balance near that length (a
    chapter of 200 kB: 128-byte blocks, three times faster than fixed 1024-byte blocks)."""
    exponent = round(math.log2(size / 16) / 2) if size >= 16 else 0
    return min(MAX_BLOCK, max(MIN_BLOCK, 1 << exponent))


def _crc16_bytes(data: bytes | bytearray | memoryview, crc: int) -> int:
    table = TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _apply(matrix: tuple[int, ...], value: int) -> int:
    """A linear map of 16-bit registers (its 16 columns) applied to ``value``."""
    acc = 0
    for bit, column in enumerate(matrix):
        if value >> bit & 1:
            acc ^= column
    return acc


@functools.lru_cache(maxsize=64)
def _zeros(length: int) -> tuple[int, ...]:
    """The linear map of feeding ``length`` zero bytes to the register, by repeated squaring."""
    if length == 1:
        return tuple(_crc16_bytes(b"\x00", 1 << bit) for bit in range(16))
    half = _zeros(length // 2)
    matrix = tuple(_apply(half, column) for column in half)
    if length % 2:
        matrix = tuple(_apply(_zeros(1), column) for column in matrix)
    return matrix


def _shift(value: int, length: int) -> int:
    """``value`` fed ``length`` zero bytes: the maps of the powers of two in ``length``
    applied in turn (they commute), each tabulated once, so a length costs no new map."""
    power = 0
    while length:
        if length & 1:
            value = _apply(_zeros(1 << power), value)
        length >>= 1
        power += 1
    return value


def crc16_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """The CRC of ``a + b`` from the CRCs of ``a`` and ``b`` and the length of ``b``."""
    return _shift(crc_a, length_b) ^ crc_b


@functools.lru_cache(maxsize=8)
def _shift_tables(length: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Lookup tables (low byte, high byte) of :func:`_zeros` ``(length)``."""
    matrix = _zeros(length)
    return (tuple(_apply(matrix[:8], value) for value in range(256)),
            tuple(_apply(matrix[8:], value) for value in range(256)))


SPAN = 8 * 1024 * 1024
"""Bytes given to the vectorised path at a time (in turn, the CRC carried on): its transposed
copy of the data stays this small, however long the data (a chapter's MP3 can be 100 MB)."""


def crc16(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """The CRC-16/ARC of ``data``, continuing from ``crc`` (the CRC of what came before it)."""
    if len(data) > SPAN:
        view = memoryview(data)
        for start in range(0, len(view), SPAN):
            crc = crc16(view[start : start + SPAN], crc)
        return crc
    block = block_length(len(data))
    blocks = len(data) // block
    if blocks < 8:
        return _crc16_bytes(data, crc)
    import numpy as np  # imported here: only long data takes this path

    table = np.asarray(TABLE, dtype=np.uint16)
    columns = np.frombuffer(data, dtype=np.uint8, count=blocks * block).reshape(blocks, block)
    columns = np.ascontiguousarray(columns.T)
    registers = np.zeros(blocks, dtype=np.uint16)
    for column in columns:
        registers = (registers >> 8) ^ table[(registers ^ column) & 0xFF]
    low, high = _shift_tables(block)
    for block_crc in registers.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ block_crc
    return _crc16_bytes(data[blocks * block :], crc)
