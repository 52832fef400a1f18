"""Piper's synthesis options: every voice's own noise scales, damped by NOISE_FACTOR."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from briefing.engines import piper_voices as piper
from briefing.errors import EngineError


@dataclass
class _Chunk:
    sample_channels: int = 1
    sample_width: int = 2
    sample_rate: int = 16000
    audio_int16_bytes: bytes = b"\0\0" * 160


class _RecordingVoice:
    """Stands in for a loaded PiperVoice: records the synthesis config it is given."""

    def __init__(self) -> None:
        self.configs: list[Any] = []

    def synthesize(self, text: str, syn_config: Any) -> list[_Chunk]:
        self.configs.append(syn_config)
        return [_Chunk()]


@dataclass(frozen=True)
class _Config:
    length_scale: float
    noise_scale: float
    noise_w_scale: float


def _voice_files(tmp_path: Path, inference: dict[str, float]) -> piper.VoiceFiles:
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"model")
    config = tmp_path / "voice.onnx.json"
    config.write_text(json.dumps({"audio": {"sample_rate": 16000}, "inference": inference}))
    return piper.read_voice(model, config, str(model))


def _loaded(files: piper.VoiceFiles) -> tuple[piper.LoadedVoice, _RecordingVoice]:
    loaded = object.__new__(piper.LoadedVoice)
    recorder = _RecordingVoice()
    loaded.files, loaded.voice, loaded._synthesis_config = files, recorder, _Config
    return loaded, recorder


@pytest.mark.parametrize(("inference", "noise", "noise_w"), [
    ({"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8}, 0.667, 0.8),  # joe's config
    ({"noise_scale": 0.5, "noise_w": 1.0}, 0.5, 1.0),
    ({}, 0.667, 0.8),  # Piper's defaults when the config says nothing
])
def test_each_voice_noise_is_damped(tmp_path: Path, inference: dict[str, float],
                                    noise: float, noise_w: float) -> None:
    loaded, recorder = _loaded(_voice_files(tmp_path, inference))
    pcm, rate = loaded.synthesize("Hello.", 1.25)
    assert rate == 16000 and pcm
    [config] = recorder.configs
    assert config.length_scale == 1.25
    assert config.noise_scale == pytest.approx(noise * piper.NOISE_FACTOR, abs=1e-4)
    assert config.noise_w_scale == pytest.approx(noise_w * piper.NOISE_FACTOR, abs=1e-4)
    assert 0 < piper.NOISE_FACTOR < 1


def test_a_negative_noise_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="noise"):
        _voice_files(tmp_path, {"noise_scale": -1})
