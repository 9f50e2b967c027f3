"""Convert the released BioBridge checkpoint to this project's bridge format (ONNX + bridge.json).

    python3 -m biobridge_train.convert_official --checkpoint <dir> --index <index dir>   # → <index>/bridge/
    python3 -m biobridge_train.convert_official --checkpoint <dir> --out <bridge dir>

``<dir>`` holds ``pytorch_model.bin`` (the BindingModel state dict) and ``model_config.json``
(``n_node``, ``n_relation``, ``proj_dim``, ``hidden_dim``, ``n_layer``; the official code fixes
12 heads, FFN 2048, dropout 0.1). The weights load with ``strict=True``, so any layout mismatch
fails loudly. Type and relation ids are those of the official data_config.json, i.e. the first
``n_node`` / ``n_relation`` names of this project's registry.

The released model expects vectors from the paper's encoders (ESM2-3B for proteins, 2560-d;
Uni-Mol for drugs, 512-d; PubMedBERT for text types, 768-d). ``encoderConfigHash`` is null in the
resulting bridge.json: no encoder of this project produces those vectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, TextIO

from .atomic import PathLike
from .checkpoint import load_model_directory
from .export_onnx import DEFAULT_OPSET, bridge_target, bridge_writer_cli, write_bridge
from .registry import Registry

PAPER_ENCODERS = {
    "gene/protein": "esm2_t36_3B_UR50D",
    "drug": "Uni-Mol",
    "biological_process": "PubMedBERT",
    "molecular_function": "PubMedBERT",
    "cellular_component": "PubMedBERT",
    "disease": "PubMedBERT",
}


def registry_for(n_node: int, n_relation: int) -> Registry:
    full = Registry.default()
    if n_node > len(full.node_types) or n_relation > len(full.relations):
        raise ValueError(
            f"checkpoint has {n_node} node types and {n_relation} relations; "
            f"the registry knows {len(full.node_types)} and {len(full.relations)}"
        )
    return Registry(full.node_types[:n_node], full.relations[:n_relation])


def convert_official(
    checkpoint_directory: PathLike,
    index_or_bridge: PathLike,
    opset: int = DEFAULT_OPSET,
    into_index: bool = True,
    log: Optional[TextIO] = None,
) -> Path:
    model, _ = load_model_directory(checkpoint_directory)
    config = model.config
    registry = registry_for(config.n_node, config.n_relation)
    node_types = [
        {"name": registry.node_types[type_id], "id": type_id, "dim": dim, "encoderConfigHash": None}
        for type_id, dim in sorted(config.proj_dim.items())
    ]
    return write_bridge(
        model,
        bridge_target(index_or_bridge, into_index),
        registry,
        node_types,
        source="official",
        training={
            "origin": "RyanWangZf/BioBridge checkpoints/pytorch_model.bin",
            "checkpoint": str(Path(checkpoint_directory).resolve()),
            "paperEncoders": {entry["name"]: PAPER_ENCODERS.get(entry["name"]) for entry in node_types},
        },
        opset=opset,
        log=log,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    source_help = "directory with pytorch_model.bin and model_config.json"
    return bridge_writer_cli(argv, __doc__, "checkpoint", source_help, convert_official)


if __name__ == "__main__":
    raise SystemExit(main())
