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

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .atomic import PathLike
from .checkpoint import load_model_directory
from .export_onnx import DEFAULT_OPSET, write_bridge
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
    target = Path(index_or_bridge) / "bridge" if into_index else Path(index_or_bridge)
    return write_bridge(
        model,
        target,
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="directory with pytorch_model.bin and model_config.json")
    destination = parser.add_mutually_exclusive_group(required=True)
    destination.add_argument("--index", help="index directory; the bridge goes to <index>/bridge")
    destination.add_argument("--out", help="bridge directory to write")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    args = parser.parse_args(argv)
    try:
        convert_official(args.checkpoint, args.index or args.out, opset=args.opset, into_index=args.index is not None)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
