"""Synthetic training exports: random vectors over a small random graph with learnable structure.

Every node has a hidden latent vector; its unimodal vector is a fixed random linear map of that
latent plus noise (one map per node type, so raw dims differ per type). An edge of relation ``r``
links a head to the candidate tail whose latent best matches the head's latent rotated by a
relation-specific matrix. A bridge can therefore learn the mapping, and retrieval metrics on
held-out heads rise well above chance.

    python3 -m biobridge_train.synthetic --out /tmp/synthetic --preset realistic
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .atomic import PathLike
from .export_format import NodeTable, write_export
from .registry import Registry


@dataclass(frozen=True)
class RelationSpec:
    head_type: str
    relation: str
    tail_type: str
    edges: int


@dataclass(frozen=True)
class SyntheticSpec:
    # node type -> (node count, raw vector dim)
    types: Dict[str, Tuple[int, int]]
    relations: Sequence[RelationSpec]
    latent_dim: int = 16
    noise: float = 0.1
    candidates: int = 32
    # Every edge is written in both directions with the same relation, as PrimeKG does.
    both_directions: bool = True


TINY = SyntheticSpec(
    types={"gene/protein": (60, 24), "drug": (40, 16), "disease": (30, 12)},
    relations=[
        RelationSpec("drug", "target", "gene/protein", 120),
        RelationSpec("gene/protein", "ppi", "gene/protein", 120),
        RelationSpec("disease", "associated with", "gene/protein", 80),
        RelationSpec("drug", "indication", "disease", 50),
    ],
    latent_dim=8,
)


def realistic_spec(undirected_edges: int = 300_000) -> SyntheticSpec:
    """Raw dims like this project's encoders (protein 1024, drug 1024, text 256) and PrimeKG-like
    proportions; ``undirected_edges`` = 300k gives about 600k directed triples."""
    scale = undirected_edges / 300_000
    share = {
        ("gene/protein", "ppi", "gene/protein"): 0.22,
        ("biological_process", "interacts with", "gene/protein"): 0.21,
        ("cellular_component", "interacts with", "gene/protein"): 0.13,
        ("molecular_function", "interacts with", "gene/protein"): 0.11,
        ("effect/phenotype", "side effect", "drug"): 0.10,
        ("disease", "phenotype present", "effect/phenotype"): 0.06,
        ("biological_process", "parent-child", "biological_process"): 0.05,
        ("drug", "target", "gene/protein"): 0.04,
        ("disease", "associated with", "gene/protein"): 0.04,
        ("drug", "enzyme", "gene/protein"): 0.02,
        ("drug", "indication", "disease"): 0.02,
    }
    return SyntheticSpec(
        types={
            "gene/protein": (max(50, int(17_500 * min(1.0, scale * 2))), 1024),
            "drug": (max(50, int(4_800 * min(1.0, scale * 2))), 1024),
            "biological_process": (max(50, int(12_000 * min(1.0, scale * 2))), 256),
            "molecular_function": (max(50, int(4_600 * min(1.0, scale * 2))), 256),
            "cellular_component": (max(50, int(1_800 * min(1.0, scale * 2))), 256),
            "disease": (max(50, int(2_500 * min(1.0, scale * 2))), 256),
            "effect/phenotype": (max(50, int(6_900 * min(1.0, scale * 2))), 256),
        },
        relations=[
            RelationSpec(head, relation, tail, max(10, int(round(undirected_edges * fraction))))
            for (head, relation, tail), fraction in share.items()
        ],
        # The tail is the best of this many random candidates: more makes edges sharper, so that
        # retrieval over thousands of nodes has headroom above chance.
        candidates=128,
    )


def make_synthetic_export(
    directory: PathLike,
    spec: SyntheticSpec = TINY,
    seed: int = 0,
    registry: Optional[Registry] = None,
) -> None:
    """Writes a valid training export (see FORMAT.md) to ``directory``, replacing it atomically."""
    registry = registry or Registry.default()
    rng = np.random.default_rng(seed)
    latents: Dict[str, np.ndarray] = {}
    tables: List[NodeTable] = []
    next_index = 0
    first_index: Dict[str, int] = {}
    for node_type, (count, dim) in spec.types.items():
        latent = rng.standard_normal((count, spec.latent_dim)).astype(np.float32)
        mixing = rng.standard_normal((spec.latent_dim, dim)).astype(np.float32) / np.sqrt(spec.latent_dim)
        vectors = latent @ mixing + spec.noise * rng.standard_normal((count, dim)).astype(np.float32)
        # Gaps in node_index mimic PrimeKG nodes that have no vector.
        node_indices = next_index + np.arange(count, dtype=np.int64) * 2
        first_index[node_type] = next_index
        next_index = int(node_indices[-1]) + 7
        latents[node_type] = latent
        tables.append(
            NodeTable(
                type=node_type,
                type_id=registry.type_id(node_type),
                vectors=vectors.astype(np.float32),
                node_indices=node_indices.astype(np.int32),
                encoder_config_hash=f"synthetic-{node_type.replace('/', '-')}-{dim}",
                encoder={"kind": "synthetic", "dimension": dim, "seed": seed},
            )
        )

    triples: List[np.ndarray] = []
    for relation in spec.relations:
        relation_id = registry.relation_id(relation.relation)
        rotation, _ = np.linalg.qr(rng.standard_normal((spec.latent_dim, spec.latent_dim)))
        head_latent = latents[relation.head_type]
        tail_latent = latents[relation.tail_type]
        # Skewed head degrees, as in real graphs.
        weights = rng.pareto(1.5, size=len(head_latent)) + 1.0
        heads = rng.choice(len(head_latent), size=relation.edges, p=weights / weights.sum())
        tails = np.empty(relation.edges, dtype=np.int64)
        candidates_count = min(spec.candidates, len(tail_latent))
        for start in range(0, relation.edges, 8_192):
            chunk = heads[start : start + 8_192]
            candidates = rng.integers(0, len(tail_latent), size=(len(chunk), candidates_count))
            queries = head_latent[chunk] @ rotation
            scores = np.einsum("el,ecl->ec", queries, tail_latent[candidates])
            tails[start : start + len(chunk)] = candidates[np.arange(len(chunk)), scores.argmax(axis=1)]
        head_nodes = first_index[relation.head_type] + heads * 2
        tail_nodes = first_index[relation.tail_type] + tails * 2
        keep = head_nodes != tail_nodes
        forward = np.stack([head_nodes[keep], np.full(keep.sum(), relation_id), tail_nodes[keep]], axis=1)
        triples.append(forward)
        if spec.both_directions:
            triples.append(forward[:, [2, 1, 0]])
    write_export(
        directory,
        registry,
        tables,
        np.concatenate(triples).astype(np.int64),
        source={"generator": "biobridge_train.synthetic", "seed": seed},
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="export directory to write (replaced atomically)")
    parser.add_argument("--preset", choices=["tiny", "realistic"], default="tiny")
    parser.add_argument(
        "--edges", type=int, default=300_000, help="undirected edges for --preset realistic (x2 triples)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    spec = TINY if args.preset == "tiny" else realistic_spec(args.edges)
    make_synthetic_export(args.out, spec, seed=args.seed)
    print(f"wrote synthetic export to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
