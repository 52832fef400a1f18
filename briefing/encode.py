"""MP3 encoding in-process with LAME (``lameenc``): no ffmpeg needed."""

from __future__ import annotations

import lameenc

from briefing.assemble import SAMPLE_RATE
from briefing.errors import EncoderError
from briefing.mp3frames import add_info_frame


class Mp3Encoder:
    """A streaming mono CBR MP3 encoder: feed PCM chunks, then :meth:`finish`."""

    def __init__(self, bitrate_kbps: int, quality: int) -> None:
        try:
            self._encoder = lameenc.Encoder()
            self._encoder.set_bit_rate(bitrate_kbps)
            self._encoder.set_in_sample_rate(SAMPLE_RATE)
            self._encoder.set_channels(1)
            self._encoder.set_quality(quality)
        except (RuntimeError, ValueError) as exc:
            raise EncoderError(f"cannot set up the MP3 encoder: {exc}") from exc
        self._chunks: list[bytes] = []
        self._samples = 0

    def feed(self, pcm: bytes) -> None:
        """Encode a chunk of mono 16-bit PCM."""
        self._samples += len(pcm) // 2
        try:
            self._chunks.append(bytes(self._encoder.encode(pcm)))
        except (RuntimeError, ValueError) as exc:
            raise EncoderError(f"MP3 encoding failed: {exc}") from exc

    def finish(self) -> bytes:
        """Flush the encoder; return the MP3 stream with a LAME tag recording delay and padding.

        With the tag, decoders drop the encoder's delay and padding, so the decoded audio has
        exactly the samples fed, and chapter times are sample-exact.
        """
        try:
            self._chunks.append(bytes(self._encoder.flush()))
        except (RuntimeError, ValueError) as exc:
            raise EncoderError(f"MP3 encoding failed: {exc}") from exc
        data = b"".join(self._chunks)
        if not data:
            raise EncoderError("the MP3 encoder produced no data")
        try:
            return add_info_frame(data, self._samples)
        except ValueError as exc:
            raise EncoderError(f"cannot write the MP3 info frame: {exc}") from exc


def encode_mp3(pcm: bytes, bitrate_kbps: int, quality: int) -> bytes:
    """Encode mono 16-bit PCM at :data:`SAMPLE_RATE` to an MP3 stream."""
    encoder = Mp3Encoder(bitrate_kbps, quality)
    encoder.feed(pcm)
    return encoder.finish()
