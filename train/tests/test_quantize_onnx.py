import hashlib
import io
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from biobridge_train.quantize_onnx import INT8_FILE, quantize_bridge, quantize_weight
from biobridge_train.synthetic import TINY, make_synthetic_export
from biobridge_train.train import main as train_main


def test_weights_round_trip_within_half_a_step_per_column() -> None:
    weight = np.random.default_rng(0).normal(size=(16, 8)).astype(np.float32)
    weight[:, 3] = 0  # an all-zero column keeps a usable scale
    quantized, scale = quantize_weight(weight)
    assert quantized.dtype == np.int8 and scale.shape == (8,)
    assert np.all(np.abs(quantized.astype(np.float32) * scale - weight) <= scale / 2 + 1e-7)
    assert np.abs(quantized).max() == 127


def test_quantized_transform_is_recorded_and_keeps_the_graph_interface(tmp_path: Path) -> None:
    make_synthetic_export(tmp_path / "export", TINY, seed=3)
    bridge = tmp_path / "bridge"
    arguments = ["--data", str(tmp_path / "export"), "--out", str(tmp_path / "run"), "--preset", "tiny"]
    arguments += ["--max-steps", "0", "--threads", "1", "--export-bridge-dir", str(bridge)]
    assert train_main(arguments) == 0
    fp32 = onnx.load(str(bridge / "transform.onnx"))
    constant_matmuls = sum(
        node.op_type == "MatMul" and node.input[1] in {item.name for item in fp32.graph.initializer}
        for node in fp32.graph.node
    )

    entry = quantize_bridge(bridge, log=io.StringIO())

    model = onnx.load(str(bridge / INT8_FILE))
    onnx.checker.check_model(model)
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("DynamicQuantizeMatMul") == constant_matmuls == entry["quantizedMatMuls"] > 0
    assert ops.count("MatMul") == len([op for op in fp32.graph.node if op.op_type == "MatMul"]) - constant_matmuls
    assert [item.name for item in model.graph.input] == [item.name for item in fp32.graph.input]
    assert any(entry.domain == "com.microsoft" for entry in model.opset_import)
    int8 = [numpy_helper.to_array(item) for item in model.graph.initializer if item.data_type == onnx.TensorProto.INT8]
    assert len(int8) == constant_matmuls
    metadata = json.loads((bridge / "bridge.json").read_text())
    assert metadata["onnx"]["transformInt8"]["file"] == INT8_FILE
    assert metadata["onnx"]["transformInt8"]["sha256"] == hashlib.sha256((bridge / INT8_FILE).read_bytes()).hexdigest()
    assert metadata["onnx"]["transform"]["file"] == "transform.onnx"  # the fp32 graph stays the default
