"""The tiny bridge committed under ``test/fixtures/bridge/`` and its PyTorch reference outputs.

    python3 -m biobridge_train.parity_fixture --out ../test/fixtures/bridge

The TypeScript parity test (test/bridge/parity.test.ts) runs the ONNX files through the runtime
and compares with ``parity.json``. Raw dims differ per type (20, 12, 8) so that zero-padding and
the projection windows are exercised; two layers cover both encoder code paths.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import torch

from .atomic import PathLike, write_json_atomic
from .export_onnx import write_bridge
from .model import BindingModel
from .registry import Registry

SEED = 20240117
FIXTURE_TYPES = {"gene/protein": 20, "drug": 12, "disease": 8}
TRANSFORM_CASES = [
    ("drug", "target", "gene/protein", 3),
    ("gene/protein", "ppi", "gene/protein", 4),
    ("disease", "associated with", "gene/protein", 2),
    ("gene/protein", "associated with", "disease", 5),
    ("drug", "indication", "disease", 1),
]
PROJECT_ROWS = 4
CREATED_AT = "2024-01-17T00:00:00Z"


def build_fixture_model() -> tuple:
    registry = Registry.default()
    model = BindingModel(
        n_node=len(registry.node_types),
        n_relation=len(registry.relations),
        proj_dim={registry.type_id(name): dim for name, dim in FIXTURE_TYPES.items()},
        hidden_dim=32,
        n_layer=2,
        n_head=2,
        ffn_dim=64,
    )
    # Every parameter is drawn from one seeded generator rather than left to nn.init, so the
    # fixture does not depend on how a PyTorch version initialises modules; LayerNorm weights
    # and biases are perturbed away from 1 and 0 so the export must carry them.
    generator = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if "norm" in name or "_embed.1" in name:
                parameter.copy_((1.0 if name.endswith("weight") else 0.0) + 0.1 * noise)
            elif parameter.dim() == 1:
                parameter.copy_(0.1 * noise)
            else:
                parameter.copy_(noise / parameter.shape[-1] ** 0.5)
    return model.eval(), registry


def _flat(tensor: torch.Tensor) -> List[float]:
    return [float(value) for value in tensor.detach().float().reshape(-1).tolist()]


@torch.no_grad()
def build_parity_fixture(directory: PathLike, log: Optional[Any] = None) -> Dict[str, Any]:
    model, registry = build_fixture_model()
    target = Path(directory)
    write_bridge(
        model,
        target,
        registry,
        [
            {"name": name, "id": registry.type_id(name), "dim": dim, "encoderConfigHash": f"fixture-{dim}"}
            for name, dim in FIXTURE_TYPES.items()
        ],
        source="trained",
        training={"fixture": "biobridge_train.parity_fixture", "seed": SEED},
        metrics=None,
        data_hash=None,
        edge_kinds=[
            {"headType": head, "relation": relation, "tailType": tail, "triples": 1}
            for head, relation, tail, _ in TRANSFORM_CASES
        ],
        created_at=CREATED_AT,
        log=log,
    )
    generator = torch.Generator().manual_seed(SEED + 1)
    transform_cases = []
    for head, relation, tail, rows in TRANSFORM_CASES:
        vectors = torch.randn(rows, FIXTURE_TYPES[head], generator=generator)
        head_id, relation_id, tail_id = registry.type_id(head), registry.relation_id(relation), registry.type_id(tail)
        expected = model(
            vectors,
            torch.full((rows,), head_id, dtype=torch.long),
            torch.full((rows,), relation_id, dtype=torch.long),
            torch.full((rows,), tail_id, dtype=torch.long),
        )
        transform_cases.append(
            {
                "headType": head,
                "relation": relation,
                "tailType": tail,
                "rows": rows,
                "vectors": _flat(vectors),
                "expected": _flat(expected),
            }
        )
    project_cases = []
    for name, dim in FIXTURE_TYPES.items():
        vectors = torch.randn(PROJECT_ROWS, dim, generator=generator)
        project_cases.append(
            {
                "type": name,
                "rows": PROJECT_ROWS,
                "vectors": _flat(vectors),
                "expected": _flat(model.project(vectors, registry.type_id(name))),
            }
        )
    parity = {
        "description": "PyTorch outputs of the fixture bridge; see train/biobridge_train/parity_fixture.py",
        "tolerance": 1e-4,
        "hiddenDim": model.config.hidden_dim,
        "torch": torch.__version__,
        "transform": transform_cases,
        "project": project_cases,
    }
    write_json_atomic(target / "parity.json", parity)
    return parity


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    build_parity_fixture(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
