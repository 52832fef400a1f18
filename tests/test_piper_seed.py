"""Piper's fixed noise (briefing.engines.piper_seed): the rewritten graph gives noise of the
node's shape, mean, scale and type, the same on every run and in every process; the real joe
voice says one text with the same bytes twice.  onnxruntime never loads in the pytest process
(see tests/test_engine_piper.py): graphs run in a fresh interpreter."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from briefing.engines.base import VoiceSettings
from tests.test_engine_contract import REPO, RemoteEngine, extra_missing, run_python

onnx: Any = pytest.importorskip("onnx", reason="the piper extra (onnx) is not installed")

_RUN = """
import hashlib, json, sys
import numpy, onnxruntime
from briefing.engines.piper_seed import seeded_model
from pathlib import Path
model, replaced = seeded_model(Path(sys.argv[1]))
out = {"replaced": replaced, "runs": []}
for shape in json.loads(sys.argv[2]):
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = numpy.zeros(shape, dtype=numpy.float32)
    for _ in range(2):
        y = session.run(None, {"x": x})[0]
        out["runs"].append({"shape": list(y.shape), "dtype": str(y.dtype),
                            "sha": hashlib.sha256(y.tobytes()).hexdigest(),
                            "mean": float(y.mean()), "std": float(y.std()),
                            "first_half_equals_second": bool(
                                y.shape[-1] % 2 == 0 and numpy.array_equal(
                                    y[..., : y.shape[-1] // 2], y[..., y.shape[-1] // 2 :]))})
print(json.dumps(out))
"""


def _graph(tmp_path: Path, random: bool = True, **attrs: Any) -> Path:
    """``y = RandomNormalLike(x) + x`` (or ``y = x + x``) for a rank-3 float input."""
    helper = onnx.helper
    x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["a", "b", "c"])
    y = helper.make_tensor_value_info("y", attrs.get("dtype", onnx.TensorProto.FLOAT),
                                      ["a", "b", "c"])
    if random:
        nodes = [helper.make_node("RandomNormalLike", ["x"], ["noise"], **attrs)]
        cast = helper.make_node("Cast", ["x"], ["xc"], to=attrs.get("dtype", 1))
        nodes += [cast, helper.make_node("Add", ["noise", "xc"], ["y"])]
    else:
        nodes = [helper.make_node("Add", ["x", "x"], ["y"])]
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y]),
                              opset_imports=[helper.make_opsetid("", 15)])
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    return path


def _run(path: Path, shapes: list[list[int]]) -> dict[str, Any]:
    if importlib_missing("onnxruntime"):
        pytest.skip("onnxruntime is not installed (the piper extra)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = run_python(["-c", _RUN, str(path), json.dumps(shapes)], env, REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def importlib_missing(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is None


def test_seeded_noise_has_the_nodes_shape_and_is_the_same_on_every_run(tmp_path: Path) -> None:
    shapes = [[1, 2, 7], [1, 192, 300], [1, 3, 5000]]  # 5000 frames: longer than one block
    first = _run(_graph(tmp_path), shapes)
    again = _run(_graph(tmp_path), shapes)  # another process, another session
    assert first["replaced"] == 1
    runs = first["runs"]
    assert [r["shape"] for r in runs] == [s for s in shapes for _ in range(2)]
    for a, b in zip(runs[::2], runs[1::2], strict=True):
        assert a["sha"] == b["sha"], "two runs of one session gave different noise"
    assert [r["sha"] for r in runs] == [r["sha"] for r in again["runs"]]
    big = runs[-1]
    assert abs(big["mean"]) < 0.05 and abs(big["std"] - 1) < 0.05
    assert not big["first_half_equals_second"]
    assert len({r["sha"] for r in runs}) == len(shapes)


def test_seeded_noise_keeps_the_nodes_mean_scale_and_type(tmp_path: Path) -> None:
    path = _graph(tmp_path, mean=2.0, scale=3.0, dtype=onnx.TensorProto.DOUBLE)
    [run, _] = _run(path, [[1, 64, 400]])["runs"]
    assert run["dtype"] == "float64"
    assert abs(run["mean"] - 2) < 0.1 and abs(run["std"] - 3) < 0.1


def test_a_model_without_noise_is_left_as_it_is(tmp_path: Path) -> None:
    from briefing.engines.piper_seed import seeded_model

    path = _graph(tmp_path, random=False)
    model, replaced = seeded_model(path)
    assert replaced == 0 and model == path.read_bytes()


# --------------------------------------------------------------------------------------------
# The real joe voice (skipped without the piper extra).

_TEXT = "Pool photo from A.F.P, via Getty Images. Refugees arrive in Goris."


def _synthesize_in_fresh_process(text: str) -> bytes:
    from briefing.engines import load_engine

    return load_engine("piper").synthesize(text, VoiceSettings())


@pytest.mark.real_engine
def test_piper_says_one_text_with_the_same_bytes_every_time() -> None:
    missing = extra_missing("piper")
    if missing:
        pytest.skip(missing)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        engine = RemoteEngine("piper", pool)
        assert "/seed" in engine.version
        first = engine.synthesize(_TEXT, VoiceSettings())
        other = engine.synthesize("Something else entirely, said in between.", VoiceSettings())
        again = engine.synthesize(_TEXT, VoiceSettings())
    with ctx.Pool(1) as pool:
        elsewhere = pool.apply(_synthesize_in_fresh_process, (_TEXT,))
    assert first == again == elsewhere
    assert other != first
    assert len(first) > 44 + 22050  # more than half a second of 16-bit audio
