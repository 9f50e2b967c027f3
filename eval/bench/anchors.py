"""Anchors for `npm run bench` (driven by eval/bench/anchors.ts, which writes the inputs).

Times, on the same inputs the TypeScript side times:
  * brute-force top-k with numpy and torch (one query at a time: ``q @ V.T`` then top-k);
  * the bridge's transform in torch eager (the module that is exported to ONNX, on the trained
    weights when ``--checkpoint`` is given, else the same architecture with seeded weights), at
    each batch size.

Prints one JSON object. Threads: torch uses ``--threads`` (default: every core), as ORT does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "train"))

from biobridge_train.checkpoint import load_model_directory  # noqa: E402
from biobridge_train.export_onnx import TransformGraph  # noqa: E402
from biobridge_train.model import BindingModel, ModelConfig  # noqa: E402


def median_ms(samples: list) -> float:
    return float(np.median(samples) * 1000)


def time_topk(vectors: np.ndarray, queries: np.ndarray, k: int) -> dict:
    numpy_samples, torch_samples = [], []
    matrix = torch.from_numpy(vectors)
    for query in queries:
        started = time.perf_counter()
        scores = vectors @ query
        top = np.argpartition(-scores, k)[:k]
        top[np.argsort(-scores[top])]
        numpy_samples.append(time.perf_counter() - started)
        tensor = torch.from_numpy(query)
        started = time.perf_counter()
        torch.topk(matrix @ tensor, k)
        torch_samples.append(time.perf_counter() - started)
    return {
        "numpyP50Ms": median_ms(numpy_samples),
        "torchP50Ms": median_ms(torch_samples),
    }


def bridge_model(bridge: dict, checkpoint: str | None) -> BindingModel:
    if checkpoint:
        return load_model_directory(checkpoint)[0]
    model = bridge["model"]
    config = ModelConfig(
        n_node=len(bridge["registry"]["nodeTypes"]),
        n_relation=len(bridge["registry"]["relations"]),
        proj_dim={entry["id"]: entry["dim"] for entry in bridge["nodeTypes"]},
        hidden_dim=model["hiddenDim"],
        n_layer=model["layers"],
        n_head=model["heads"],
        ffn_dim=model["ffnDim"],
    )
    torch.manual_seed(0)
    return BindingModel.from_config(config)


@torch.no_grad()
def time_bridge(
    bridge: dict, checkpoint: str | None, batches: list, seconds: float
) -> dict:
    module = TransformGraph(bridge_model(bridge, checkpoint).float().eval()).eval()
    width = bridge["inputDim"]
    kind = (bridge.get("edgeKinds") or [{}])[0]
    names = bridge["registry"]
    head = names["nodeTypes"].index(
        kind.get("headType", bridge["nodeTypes"][0]["name"])
    )
    relation = names["relations"].index(kind["relation"]) if "relation" in kind else 0
    tail = names["nodeTypes"].index(
        kind.get("tailType", bridge["nodeTypes"][0]["name"])
    )
    ids = (torch.tensor(head), torch.tensor(relation), torch.tensor(tail))
    result = {}
    for batch in batches:
        rows = torch.rand(batch, width, generator=torch.Generator().manual_seed(batch))
        for _ in range(3):
            module(rows, *ids)
        samples = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(samples) < 5:
            started = time.perf_counter()
            module(rows, *ids)
            samples.append(time.perf_counter() - started)
        result[str(batch)] = median_ms(samples)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument(
        "--bridge", help="bridge.json of the bridge to time in torch eager"
    )
    parser.add_argument(
        "--checkpoint", help="model directory with the bridge's trained weights"
    )
    parser.add_argument("--batches", default="1,32,256")
    parser.add_argument("--seconds", type=float, default=1.0, help="per batch size")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    vectors = np.fromfile(arguments.vectors, dtype=np.float32).reshape(
        -1, arguments.dim
    )
    queries = np.fromfile(arguments.queries, dtype=np.float32).reshape(
        -1, arguments.dim
    )
    report = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "topk": time_topk(vectors, queries, arguments.k),
    }
    if arguments.bridge:
        bridge = json.loads(Path(arguments.bridge).read_text())
        batches = [int(value) for value in arguments.batches.split(",")]
        report["bridgeTorchEagerMs"] = time_bridge(
            bridge, arguments.checkpoint, batches, arguments.seconds
        )
        report["bridgeWeights"] = (
            "checkpoint" if arguments.checkpoint else "seeded (same architecture)"
        )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
