"""An encoded MP3 walked from its file in blocks gives what taking it apart in memory gives."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.audio import mp3file
from briefing.audio.assemble import SAMPLE_RATE
from briefing.audio.crc16 import crc16
from briefing.audio.mp3encode import encode_mp3
from briefing.audio.mp3file import scan_file
from briefing.audio.mp3frames import read_stream


def _tone(samples: int) -> bytes:
    return b"".join(int(8000 * math.sin(n / 7)).to_bytes(2, "little", signed=True)
                    for n in range(samples))


MP3 = encode_mp3(_tone(SAMPLE_RATE // 2), 64, 2)
"""Half a second of a tone: a few dozen frames."""


@settings(max_examples=25, deadline=None)
@given(block=st.integers(min_value=1, max_value=3000))
def test_the_walk_in_blocks_finds_what_read_stream_finds(tmp_path_factory: pytest.TempPathFactory,
                                                         block: int) -> None:
    """Frames spanning the blocks' edges (any block size, one byte included) are walked the
    same; the frames streamed back are the stream's bytes and the CRC is theirs."""
    path = tmp_path_factory.mktemp("mp3") / "c.mp3"
    path.write_bytes(MP3)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mp3file, "BLOCK", block)
        found = scan_file(path)
        frames = b"".join(found.frames())
    whole = read_stream(MP3)
    assert frames == whole.frames
    stream = found.stream
    assert (stream.frame_count, stream.samples, stream.samples_per_frame, stream.header,
            stream.size) == (whole.frame_count, whole.samples, whole.samples_per_frame,
                             whole.header, whole.size)
    assert stream.music_crc == crc16(whole.frames)
    assert MP3[found.offset:] == whole.frames


@pytest.mark.parametrize("damage", ["truncated", "trailing", "stray", "no info", "empty"])
def test_a_damaged_file_is_refused_as_read_stream_refuses_it(tmp_path: Path, damage: str) -> None:
    data = {
        "truncated": MP3[:-100],
        "trailing": MP3 + b"\0\0\0\0\0",
        "stray": MP3[:600] + b"\xff\x00\x00\x00" + MP3[600:],
        "no info": read_stream(MP3).frames,
        "empty": b"",
    }[damage]
    path = tmp_path / "c.mp3"
    path.write_bytes(data)
    with pytest.raises(ValueError):
        read_stream(data)
    with pytest.raises(ValueError):
        scan_file(path)


@settings(max_examples=20, deadline=None)
@given(data=st.binary(min_size=0, max_size=40_000), span=st.integers(min_value=1, max_value=9000),
       start=st.integers(min_value=0, max_value=0xFFFF))
def test_the_crc_of_long_data_is_computed_span_by_span_with_the_same_result(
        data: bytes, span: int, start: int) -> None:
    """Long data goes to numpy a span at a time (its transposed copy stays small): the CRC is
    the byte-at-a-time one whatever the span."""
    from briefing.audio import crc16 as module

    expected = module._crc16_bytes(data, start)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(module, "SPAN", span)
        assert module.crc16(data, start) == expected
