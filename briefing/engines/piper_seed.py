"""Reproducible Piper speech: the voice model's random noise replaced by a fixed, seeded draw.

Why this exists: a Piper (VITS) model samples two noises inside its ONNX graph, with
``RandomNormalLike`` nodes: the phoneme-width noise of the duration predictor (scaled by
``noise_w``) and the generator's latent noise (scaled by ``noise_scale``).  onnxruntime seeds
those nodes once per session and advances them on every run, and piper offers no seed, so
the same sentence sounds different each time: a rebuilt segment is not the cached one, two
builds of one article differ, and an offline recogniser's word error of the same build varied
by about +-0.02 between runs (docs/intelligibility-notes.md).  Setting both noise scales to 0
would make speech reproducible too, but changes the voice's sound (the kept scales are x0.6
of the voice's own).

So when a voice is loaded, every ``RandomNormalLike`` node of its graph is replaced by the same
shape cut from a constant block of standard normal noise drawn once from
``numpy.random.default_rng(NOISE_SEED + node index)`` (tiled when a sentence is longer than the
block, about 24 s of speech at joe's 256-sample frames), with the node's own ``mean``,
``scale`` and ``dtype``.  The noise keeps its distribution and its scales; only its draw is
fixed, so one text with one voice, length and noise scale gives the same samples, whatever
was synthesised before and in whichever process.  The ONNX graph is edited with the ``onnx``
package (part of the ``piper`` extra), in memory; the model file is never changed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

NOISE_SEED = 20261202
"""The seed of the fixed noise; part of :attr:`~briefing.engines.piper.PiperEngine.version`."""

BLOCK = (256, 2048)
"""The last two dimensions of each node's noise block (channels, frames); larger tensors tile it."""

_FLOAT = 1
"""ONNX's ``TensorProto.FLOAT``, ``RandomNormalLike``'s default ``dtype``."""


def _attributes(node: Any, onnx: Any) -> dict[str, Any]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _ranks(model: Any, onnx: Any) -> dict[str, int]:
    """The rank of every tensor that shape inference can tell (the model itself when it fails)."""
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception as exc:  # noqa: BLE001 - onnx raises its own types (InferenceError ...)
        logger.debug("piper noise: shape inference failed (%s); assuming rank 3", exc)
        return {}
    ranks = {}
    for info in [*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output]:
        kind = info.type.tensor_type
        if kind.HasField("shape"):
            ranks[info.name] = len(kind.shape.dim)
    return ranks


def _replacement(onnx: Any, numpy: Any, node: Any, index: int, rank: int) -> tuple[list[Any],
                                                                                    list[Any]]:
    """Nodes and initialisers that give ``node``'s output from a fixed block of noise."""
    attrs = _attributes(node, onnx)
    x, y = node.input[0], node.output[0]
    name = f"/briefing_seeded_noise_{index}"
    shape = (1,) * max(rank - 2, 0) + BLOCK[len(BLOCK) - min(max(rank, 1), 2):]
    rng = numpy.random.default_rng(NOISE_SEED + index)
    block = (float(attrs.get("mean", 0.0))
             + float(attrs.get("scale", 1.0)) * rng.standard_normal(shape, dtype=numpy.float32))
    helper, tensors = onnx.helper, onnx.numpy_helper
    initialisers = [
        tensors.from_array(block.astype(numpy.float32), f"{name}/block"),
        tensors.from_array(numpy.ones(rank, numpy.int64), f"{name}/one"),
        tensors.from_array(numpy.zeros(rank, numpy.int64), f"{name}/zero"),
    ]
    nodes = [  # reps = ceil(shape(x) / shape(block)); y = tile(block, reps)[:shape(x)]
        helper.make_node("Shape", [x], [f"{name}/want"]),
        helper.make_node("Shape", [f"{name}/block"], [f"{name}/have"]),
        helper.make_node("Add", [f"{name}/want", f"{name}/have"], [f"{name}/sum"]),
        helper.make_node("Sub", [f"{name}/sum", f"{name}/one"], [f"{name}/up"]),
        helper.make_node("Div", [f"{name}/up", f"{name}/have"], [f"{name}/reps"]),
        helper.make_node("Tile", [f"{name}/block", f"{name}/reps"], [f"{name}/tiled"]),
        helper.make_node("Slice", [f"{name}/tiled", f"{name}/zero", f"{name}/want"],
                         [f"{name}/cut"]),
        helper.make_node("Cast", [f"{name}/cut"], [y], to=int(attrs.get("dtype", _FLOAT))),
    ]
    return nodes, initialisers


def seeded_model(path: Path) -> tuple[bytes, int]:
    """The serialised model at ``path`` with its random noise fixed, and how many noise nodes
    were replaced (0: the model samples no noise; its bytes are then the file's own)."""
    import numpy
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    randoms = [i for i, n in enumerate(graph.node) if n.op_type == "RandomNormalLike"]
    if not randoms:
        return path.read_bytes(), 0
    ranks = _ranks(model, onnx)
    nodes: list[Any] = []
    for index, node in enumerate(graph.node):
        if index not in randoms:
            nodes.append(node)
            continue
        extra, initialisers = _replacement(onnx, numpy, node, index,
                                           ranks.get(node.input[0], 3))
        nodes.extend(extra)
        graph.initializer.extend(initialisers)
    del graph.node[:]
    graph.node.extend(nodes)
    return model.SerializeToString(), len(randoms)
