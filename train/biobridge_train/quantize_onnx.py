"""Int8 dynamic quantisation of an exported bridge's ``transform.onnx``.

    python3 -m biobridge_train.quantize_onnx <index>/bridge

Every MatMul with a constant weight (the transformer's attention and feed-forward layers) becomes
ONNX Runtime's ``com.microsoft.DynamicQuantizeMatMul``: the weight is stored as int8 with one
symmetric scale per output column, and activations are quantised to uint8 per run. The head
projection (a weight block gathered by node type) and ``project.onnx`` stay fp32, so candidate
vectors are unchanged. Writes ``transform.int8.onnx`` and records it in ``bridge.json`` under
``onnx.transformInt8`` (train/FORMAT.md § Bridge); the service uses it with
``BIOBRIDGE_BRIDGE_PRECISION=int8``. Only the onnx package is needed (no onnxruntime in Python):
the TypeScript parity test checks the result against the fp32 graph.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

INT8_FILE = "transform.int8.onnx"
MS_DOMAIN = "com.microsoft"


def quantize_weight(weight: np.ndarray) -> "tuple[np.ndarray, np.ndarray]":
    """Per-column symmetric int8: ``weight ≈ quantized * scale`` with ``scale[j] = max|W[:, j]| / 127``."""
    scale = np.abs(weight).max(axis=0) / 127.0
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    quantized = np.clip(np.rint(weight / scale), -127, 127).astype(np.int8)
    return quantized, scale


def quantize_model(model):  # type: ignore[no-untyped-def]
    """Rewrites constant-weight MatMuls in place; returns how many were quantised."""
    from onnx import helper, numpy_helper

    graph = model.graph
    initializers = {item.name: item for item in graph.initializer}
    uses: dict = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    rewritten = 0
    nodes = []
    for node in graph.node:
        weight_name = node.input[1] if node.op_type == "MatMul" and len(node.input) == 2 else None
        weight = initializers.get(weight_name) if weight_name else None
        if weight is None or len(weight.dims) != 2 or weight.data_type != 1:
            nodes.append(node)
            continue
        quantized, scale = quantize_weight(numpy_helper.to_array(weight))
        base = f"{weight_name}_int8_{rewritten}"
        graph.initializer.extend(
            [
                numpy_helper.from_array(quantized, base),
                numpy_helper.from_array(scale, f"{base}_scale"),
            ]
        )
        nodes.append(
            helper.make_node(
                "DynamicQuantizeMatMul",
                [node.input[0], base, f"{base}_scale"],
                list(node.output),
                name=f"{node.name}_int8",
                domain=MS_DOMAIN,
            )
        )
        uses[weight_name] -= 1
        rewritten += 1
    del graph.node[:]
    graph.node.extend(nodes)
    unused = [item for item in graph.initializer if uses.get(item.name, 1) == 0]
    for item in unused:
        graph.initializer.remove(item)
    if not any(entry.domain == MS_DOMAIN for entry in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return rewritten


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def quantize_bridge(directory: Path, log=sys.stderr) -> dict:  # type: ignore[no-untyped-def]
    import onnx

    metadata_path = directory / "bridge.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    transform = metadata["onnx"]["transform"]
    model = onnx.load(str(directory / transform["file"]))
    rewritten = quantize_model(model)
    if rewritten == 0:
        raise ValueError(f"{directory / transform['file']}: no MatMul with a constant weight to quantise")
    data = model.SerializeToString()
    _write_atomic(directory / INT8_FILE, data)
    metadata["onnx"]["transformInt8"] = {
        "file": INT8_FILE,
        "sha256": hashlib.sha256(data).hexdigest(),
        "inputs": transform["inputs"],
        "output": transform["output"],
        "quantizedMatMuls": rewritten,
    }
    _write_atomic(metadata_path, (json.dumps(metadata, indent=2) + "\n").encode("utf-8"))
    print(
        f"wrote {directory / INT8_FILE}: {rewritten} MatMuls int8, {len(data) / 1e6:.1f} MB",
        file=log,
    )
    return metadata["onnx"]["transformInt8"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bridge", type=Path, help="a bridge directory (bridge.json, transform.onnx)")
    arguments = parser.parse_args(argv)
    quantize_bridge(arguments.bridge)
    return 0


if __name__ == "__main__":
    sys.exit(main())
