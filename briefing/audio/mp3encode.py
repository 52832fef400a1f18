"""MP3 encoding in-process with LAME (``lameenc``): no ffmpeg needed.

The encoder is fed block by block (LAME's ``encode`` is incremental), so only the MP3 bytes,
about a tenth of the PCM's size, are held for a whole chapter.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefing.audio.assemble import SAMPLE_RATE
from briefing.audio.mp3frames import add_info_frame
from briefing.errors import EncoderError


def encode_raw(blocks: Iterable[bytes], bitrate_kbps: int, quality: int) -> tuple[bytes, int]:
    """Encode mono 16-bit PCM at :data:`SAMPLE_RATE`, given in blocks, to CBR MP3 frames (no
    Info frame); returns them and the number of samples encoded."""
    import lameenc  # imported here: a build with nothing to encode skips it

    data = bytearray()
    samples = 0
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(bitrate_kbps)
        encoder.set_in_sample_rate(SAMPLE_RATE)
        encoder.set_channels(1)
        encoder.set_quality(quality)
    except (RuntimeError, ValueError) as exc:
        raise EncoderError(f"MP3 encoding failed: {exc}") from exc
    for block in blocks:  # outside the try: the blocks' own errors pass unchanged
        if block:
            try:
                data += encoder.encode(block)
            except (RuntimeError, ValueError) as exc:
                raise EncoderError(f"MP3 encoding failed: {exc}") from exc
            samples += len(block) // 2
    if not samples:
        raise EncoderError("nothing to encode: the audio is empty")
    try:
        data += encoder.flush()
    except (RuntimeError, ValueError) as exc:
        raise EncoderError(f"MP3 encoding failed: {exc}") from exc
    return bytes(data), samples


def encode_stream(blocks: Iterable[bytes], bitrate_kbps: int, quality: int) -> bytes:
    """Encode mono 16-bit PCM at :data:`SAMPLE_RATE`, given in blocks, to a CBR MP3 with a LAME
    Info frame.

    The Info frame records the encoder delay and padding, so decoders drop them and the decoded
    audio has exactly the samples given; it also lets :func:`~briefing.audio.mp3frames.plan_join`
    join encoded chapters without re-encoding.
    """
    data, samples = encode_raw(blocks, bitrate_kbps, quality)
    try:
        return add_info_frame(data, samples)
    except ValueError as exc:
        raise EncoderError(f"the MP3 encoder's output is not usable: {exc}") from exc


def encode_mp3(pcm: bytes, bitrate_kbps: int, quality: int) -> bytes:
    """:func:`encode_stream` of PCM given whole."""
    return encode_stream((pcm,), bitrate_kbps, quality)
