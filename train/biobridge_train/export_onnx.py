"""Export a trained binding model to ONNX: ``transform.onnx``, ``project.onnx`` and ``bridge.json``.

    python3 -m biobridge_train.export_onnx --model <run>/best --index <index dir>   # → <index>/bridge/
    python3 -m biobridge_train.export_onnx --model <run>/best --out <bridge dir>

Graph design (FORMAT.md § Bridge): raw dims differ per node type, so both graphs take vectors
zero-padded to ``inputDim`` (the largest raw dim) plus scalar int64 type ids. The projection
matrices of all types are stored once, concatenated row-wise ([sum of dims + inputDim, H], the
last ``inputDim`` rows zero); a type's projection is the ``inputDim``-row window starting at its
offset. Rows of the window past the type's own dim belong to the next type, but they meet the
zero padding of the input, so they add exactly 0. Types without a projection point at the zero
rows and project to 0.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO

import torch
from torch import nn

from .atomic import PathLike, build_directory_atomic
from .checkpoint import load_model_directory
from .model import BindingModel, encode_first_token
from .registry import Registry

BRIDGE_FORMAT = "biobridge-bridge"
BRIDGE_FORMAT_VERSION = 1
DEFAULT_OPSET = 17
TRANSFORM_INPUTS = ["head", "head_type", "relation", "tail_type"]
TRANSFORM_OUTPUT = "transformed"
PROJECT_INPUTS = ["vectors", "node_type"]
PROJECT_OUTPUT = "projected"
# The PyTorch check inside the export; the TS parity test holds ONNX Runtime to 1e-4.
VERIFY_TOLERANCE = 1e-4


class StackedProjection(nn.Module):
    def __init__(self, model: BindingModel) -> None:
        super().__init__()
        dims = model.config.proj_dim
        self.input_dim = max(dims.values())
        hidden = model.config.hidden_dim
        blocks: List[torch.Tensor] = []
        offsets = torch.zeros(model.config.n_node, dtype=torch.long)
        start = 0
        for type_id in sorted(dims):
            weight = model.proj_layer[str(type_id)].weight.detach().float()
            blocks.append(weight.t().contiguous())
            offsets[type_id] = start
            start += dims[type_id]
        blocks.append(torch.zeros(self.input_dim, hidden))
        missing = [type_id for type_id in range(model.config.n_node) if type_id not in dims]
        offsets[missing] = start
        self.register_buffer("weights", torch.cat(blocks, dim=0))
        self.register_buffer("offsets", offsets)
        self.register_buffer("window", torch.arange(self.input_dim, dtype=torch.long))

    def forward(self, vectors: torch.Tensor, node_type: torch.Tensor) -> torch.Tensor:
        start = torch.index_select(self.offsets, 0, node_type.reshape(1))
        block = torch.index_select(self.weights, 0, self.window + start)
        return torch.matmul(vectors, block)


class ProjectGraph(nn.Module):
    def __init__(self, model: BindingModel) -> None:
        super().__init__()
        self.projection = StackedProjection(model)

    def forward(self, vectors: torch.Tensor, node_type: torch.Tensor) -> torch.Tensor:
        return self.projection(vectors, node_type)


class TransformGraph(nn.Module):
    def __init__(self, model: BindingModel) -> None:
        super().__init__()
        self.projection = StackedProjection(model)
        with torch.no_grad():
            device = next(model.parameters()).device
            self.register_buffer(
                "node_type_tokens",
                model.node_type_embed(torch.arange(model.config.n_node, device=device)).detach().float().cpu(),
            )
            self.register_buffer(
                "relation_tokens",
                model.relation_type_embed(torch.arange(model.config.n_relation, device=device)).detach().float().cpu(),
            )
        self.encoder = model.encoder

    def forward(
        self, head: torch.Tensor, head_type: torch.Tensor, relation: torch.Tensor, tail_type: torch.Tensor
    ) -> torch.Tensor:
        projected = self.projection(head, head_type)
        tokens = torch.cat(
            [
                torch.index_select(self.node_type_tokens, 0, head_type.reshape(1)),
                torch.index_select(self.relation_tokens, 0, relation.reshape(1)),
                torch.index_select(self.node_type_tokens, 0, tail_type.reshape(1)),
            ],
            dim=0,
        )
        # Broadcasting against zeros keeps the batch size symbolic in the exported graph.
        context = tokens.unsqueeze(0) + torch.zeros_like(projected).unsqueeze(1)
        inputs = torch.cat([projected.unsqueeze(1), context], dim=1)
        return encode_first_token(self.encoder, inputs) + projected


def _export(module: nn.Module, arguments: tuple, path: Path, inputs: List[str], output: str, opset: int) -> None:
    options: Dict[str, Any] = {
        "input_names": inputs,
        "output_names": [output],
        "dynamic_axes": {inputs[0]: {0: "batch"}, output: {0: "batch"}},
        "opset_version": opset,
        "do_constant_folding": True,
    }
    # PyTorch 2.9 made the dynamo exporter the default; this graph is written for the tracer.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        options["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(module, arguments, str(path), **options)


def _check_onnx(path: Path, inputs: List[str], output: str) -> None:
    import onnx

    graph = onnx.load(str(path))
    onnx.checker.check_model(graph)
    names = [item.name for item in graph.graph.input]
    if names != inputs:
        raise ValueError(f"{path.name}: graph inputs are {names}, expected {inputs}")
    outputs = [item.name for item in graph.graph.output]
    if outputs != [output]:
        raise ValueError(f"{path.name}: graph outputs are {outputs}, expected [{output}]")
    batch = graph.graph.input[0].type.tensor_type.shape.dim[0]
    if batch.dim_param != "batch":
        raise ValueError(f"{path.name}: input {inputs[0]} has a fixed batch dimension")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pad_rows(vectors: torch.Tensor, width: int) -> torch.Tensor:
    return torch.nn.functional.pad(vectors, (0, width - vectors.shape[1]))


@torch.no_grad()
def verify_graphs(
    model: BindingModel, transform: TransformGraph, project: ProjectGraph, rows: int = 7, seed: int = 0
) -> float:
    """Max abs difference between the export modules and the model, over every projected type
    (as head, and as tail of a transform); the official ``forward`` path is the reference."""
    generator = torch.Generator().manual_seed(seed)
    dims = model.config.proj_dim
    width = project.projection.input_dim
    worst = 0.0
    type_ids = sorted(dims)
    for position, head_type in enumerate(type_ids):
        tail_type = type_ids[(position + 1) % len(type_ids)]
        relation = position % model.config.n_relation
        head = torch.randn(rows, dims[head_type], generator=generator)
        ids = torch.tensor(head_type)
        expected_projection = model.project(head, head_type)
        worst = max(worst, float((project(pad_rows(head, width), ids) - expected_projection).abs().max()))
        expected = model(
            head,
            torch.full((rows,), head_type, dtype=torch.long),
            torch.full((rows,), relation, dtype=torch.long),
            torch.full((rows,), tail_type, dtype=torch.long),
        )
        actual = transform(pad_rows(head, width), ids, torch.tensor(relation), torch.tensor(tail_type))
        worst = max(worst, float((actual - expected).abs().max()))
    return worst


def write_bridge(
    model: BindingModel,
    target: PathLike,
    registry: Registry,
    node_types: Sequence[Dict[str, Any]],
    source: str,
    training: Optional[Dict[str, Any]] = None,
    metrics: Optional[Dict[str, Any]] = None,
    data_hash: Optional[str] = None,
    edge_kinds: Optional[List[Dict[str, Any]]] = None,
    opset: int = DEFAULT_OPSET,
    created_at: Optional[str] = None,
    log: Optional[TextIO] = None,
) -> Path:
    """Writes ``transform.onnx``, ``project.onnx`` and ``bridge.json`` into ``target`` atomically.

    ``node_types``: one entry per projected type, ``{"name", "id", "dim", "encoderConfigHash"}``.
    """
    log = log or sys.stderr
    if not 14 <= opset <= 17:
        raise ValueError(f"opset {opset} is outside the supported 14..17")
    model = model.float().cpu().eval()
    _check_model_matches(model, registry, node_types)
    transform = TransformGraph(model).eval()
    project = ProjectGraph(model).eval()
    difference = verify_graphs(model, transform, project)
    if difference > VERIFY_TOLERANCE:
        raise ValueError(f"export modules differ from the model by {difference:.3g} (> {VERIFY_TOLERANCE})")
    width = project.projection.input_dim
    first_type = min(model.config.proj_dim)
    example_ids = torch.tensor(first_type)
    example = torch.zeros(2, width)
    with build_directory_atomic(target) as staging:
        transform_path = staging / "transform.onnx"
        project_path = staging / "project.onnx"
        _export(
            transform,
            (example, example_ids, torch.tensor(0), example_ids),
            transform_path,
            TRANSFORM_INPUTS,
            TRANSFORM_OUTPUT,
            opset,
        )
        _export(project, (example, example_ids), project_path, PROJECT_INPUTS, PROJECT_OUTPUT, opset)
        _check_onnx(transform_path, TRANSFORM_INPUTS, TRANSFORM_OUTPUT)
        _check_onnx(project_path, PROJECT_INPUTS, PROJECT_OUTPUT)
        metadata = _bridge_metadata(
            model, registry, node_types, source, training, metrics, data_hash, edge_kinds, opset, created_at,
            width, difference, transform_path, project_path,
        )  # fmt: skip
        (staging / "bridge.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target} (export modules match the model to {difference:.2e})", file=log)
    return Path(target)


def _check_model_matches(model: BindingModel, registry: Registry, node_types: Sequence[Dict[str, Any]]) -> None:
    if len(registry.node_types) != model.config.n_node or len(registry.relations) != model.config.n_relation:
        raise ValueError(
            f"registry has {len(registry.node_types)} node types and {len(registry.relations)} relations, "
            f"the model {model.config.n_node} and {model.config.n_relation}"
        )
    for entry in node_types:
        if model.config.proj_dim.get(entry["id"]) != entry["dim"]:
            raise ValueError(f'node type {entry["name"]}: dim {entry["dim"]} does not match the model')


def _bridge_metadata(
    model: BindingModel,
    registry: Registry,
    node_types: Sequence[Dict[str, Any]],
    source: str,
    training: Optional[Dict[str, Any]],
    metrics: Optional[Dict[str, Any]],
    data_hash: Optional[str],
    edge_kinds: Optional[List[Dict[str, Any]]],
    opset: int,
    created_at: Optional[str],
    width: int,
    difference: float,
    transform_path: Path,
    project_path: Path,
) -> Dict[str, Any]:
    """bridge.json (FORMAT.md § 3)."""
    config = model.config
    return {
        "format": BRIDGE_FORMAT,
        "formatVersion": BRIDGE_FORMAT_VERSION,
        "createdAt": created_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": source,
        "registry": registry.to_json(),
        "hiddenDim": config.hidden_dim,
        "inputDim": width,
        "nodeTypes": [
            {
                "name": entry["name"],
                "id": entry["id"],
                "dim": entry["dim"],
                "encoderConfigHash": entry.get("encoderConfigHash"),
            }
            for entry in sorted(node_types, key=lambda item: item["id"])
        ],
        "edgeKinds": edge_kinds,
        "model": {
            "hiddenDim": config.hidden_dim,
            "layers": config.n_layer,
            "heads": config.n_head,
            "ffnDim": config.ffn_dim,
            "dropout": config.dropout,
            "layerNormEps": config.layer_norm_eps,
            "parameters": int(sum(parameter.numel() for parameter in model.parameters())),
        },
        "training": training,
        "dataHash": data_hash,
        "metrics": metrics,
        "onnx": {
            "opset": opset,
            "torch": torch.__version__,
            "transform": {
                "file": "transform.onnx",
                "sha256": _sha256(transform_path),
                "inputs": TRANSFORM_INPUTS,
                "output": TRANSFORM_OUTPUT,
            },
            "project": {
                "file": "project.onnx",
                "sha256": _sha256(project_path),
                "inputs": PROJECT_INPUTS,
                "output": PROJECT_OUTPUT,
            },
        },
        "verification": {"maxAbsDiffTorch": difference},
    }


def export_bridge(
    model_directory: PathLike,
    index_or_bridge: PathLike,
    opset: int = DEFAULT_OPSET,
    into_index: bool = True,
    log: Optional[TextIO] = None,
) -> Path:
    """Exports a model directory written by the trainer. ``into_index``: write ``<path>/bridge``."""
    model, training = load_model_directory(model_directory)
    if training is None:
        raise ValueError(f"{model_directory}: no training.json; for the official checkpoint use convert_official")
    registry = Registry.from_json(training["data"]["registry"])
    config = training["config"]
    summary = {
        "preset": training.get("preset"),
        "step": training.get("step"),
        "split": training.get("split"),
        "seed": config.get("seed"),
        "epochs": config.get("epochs"),
        "maxSteps": config.get("max_steps"),
        "batchSize": config.get("batch_size"),
        "learningRate": config.get("learning_rate"),
        "weightDecay": config.get("weight_decay"),
        "warmupRatio": config.get("warmup_ratio"),
        "negatives": config.get("negatives"),
        "numNegatives": config.get("num_negatives"),
        "negativePool": config.get("negative_pool"),
        "temperature": config.get("temperature"),
        "validFraction": config.get("valid_fraction"),
        "steps": training.get("steps"),
        "device": training.get("device"),
        "torch": training.get("torch"),
    }
    return write_bridge(
        model,
        bridge_target(index_or_bridge, into_index),
        registry,
        [
            {"name": item["name"], "id": item["id"], "dim": item["dim"], "encoderConfigHash": item["encoderConfigHash"]}
            for item in training["data"]["nodeTypes"]
        ],
        source="trained",
        training=summary,
        metrics=training.get("metrics"),
        data_hash=training["data"]["dataHash"],
        edge_kinds=training.get("edgeKinds"),
        opset=opset,
        log=log,
    )


def bridge_target(index_or_bridge: PathLike, into_index: bool) -> Path:
    """``<index>/bridge`` when writing into an index, else the bridge directory itself."""
    return Path(index_or_bridge) / "bridge" if into_index else Path(index_or_bridge)


def bridge_writer_cli(
    argv: Optional[Sequence[str]],
    description: Optional[str],
    source: str,
    source_help: str,
    write: Callable[..., Path],
) -> int:
    """The command line of a bridge writer: ``--<source>`` in, ``--index`` or ``--out``, ``--opset``; 2 on bad input."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(f"--{source}", required=True, help=source_help)
    destination = parser.add_mutually_exclusive_group(required=True)
    destination.add_argument("--index", help="index directory; the bridge goes to <index>/bridge")
    destination.add_argument("--out", help="bridge directory to write")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    args = parser.parse_args(argv)
    try:
        write(getattr(args, source), args.index or args.out, opset=args.opset, into_index=args.index is not None)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    return bridge_writer_cli(argv, __doc__, "model", "model directory (<run>/best or <run>/final)", export_bridge)


if __name__ == "__main__":
    raise SystemExit(main())
