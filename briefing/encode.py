"""MP3 encoding in-process with LAME (``lameenc``): no ffmpeg needed."""

from __future__ import annotations

from briefing.assemble import SAMPLE_RATE
from briefing.errors import EncoderError
from briefing.mp3frames import add_info_frame


def encode_mp3(pcm: bytes, bitrate_kbps: int, quality: int) -> bytes:
    """Encode mono 16-bit PCM at :data:`SAMPLE_RATE` to a CBR MP3 with a LAME Info frame.

    The Info frame records the encoder delay and padding, so decoders drop them and the decoded
    audio has exactly the samples given; it also lets :func:`~briefing.mp3frames.plan_join`
    join encoded chapters without re-encoding.
    """
    import lameenc  # imported here: a build with nothing to encode skips it

    if not pcm:
        raise EncoderError("nothing to encode: the audio is empty")
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(bitrate_kbps)
        encoder.set_in_sample_rate(SAMPLE_RATE)
        encoder.set_channels(1)
        encoder.set_quality(quality)
        data = bytes(encoder.encode(pcm)) + bytes(encoder.flush())
    except (RuntimeError, ValueError) as exc:
        raise EncoderError(f"MP3 encoding failed: {exc}") from exc
    try:
        return add_info_frame(data, len(pcm) // 2)
    except ValueError as exc:
        raise EncoderError(f"the MP3 encoder's output is not usable: {exc}") from exc
